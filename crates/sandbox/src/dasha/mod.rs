//! Dasha BlackBox under `/api/v1`: Bearer auth, RFC 7807 problem details, UUID ids
//! and `skip`/`take` paging.

mod providers;
mod sip;

use super::body::{BodyError, read_object};
use super::errors::{FieldErrors, Problem};
use super::state::Shared;
use super::{DASHA_READONLY_TOKEN, DASHA_TOKEN};
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use uuid::Uuid;

/// Largest `take` a list accepts.
const TAKE_MAX: i64 = 1000;
/// `take` when none is given.
const TAKE_DEFAULT: usize = 20;

/// The Dasha routes, relative to `/api/v1`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/providers", get(providers::list))
        .route(
            "/providers/{id}",
            get(providers::get).delete(providers::delete),
        )
        .route("/providers/{id}/verify", post(providers::verify))
        .route("/providers/twilio", post(providers::create))
        .route(
            "/providers/twilio/{id}",
            get(providers::get).put(providers::update),
        )
        .route(
            "/providers/twilio/{id}/auth-token",
            patch(providers::update_auth_token),
        )
        .route("/sip-credentials", get(sip::list).post(sip::create))
        .route(
            "/sip-credentials/{id}",
            get(sip::get).put(sip::replace).delete(sip::delete),
        )
        .route(
            "/sip-credentials/{id}/affected-agents",
            get(sip::affected_agents),
        )
        .route("/sip-phone-numbers", get(sip::list_numbers))
        .route_layer(middleware::from_fn(auth))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// 401 without a known Bearer token; 403 when the read-only token tries to write.
async fn auth(req: Request, next: Next) -> Response {
    let instance = request_path(req.extensions(), req.uri());
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    match bearer_token(req.headers()) {
        Some(DASHA_TOKEN) => next.run(req).await,
        Some(DASHA_READONLY_TOKEN) if !writes => next.run(req).await,
        Some(DASHA_READONLY_TOKEN) => Problem::new(StatusCode::FORBIDDEN, &instance)
            .detail("This API key is read-only: it cannot create, change or delete.")
            .into_response(),
        _ => {
            let mut response = Problem::new(StatusCode::UNAUTHORIZED, &instance)
                .detail("A valid API key is required: send Authorization: Bearer <key>.")
                .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn not_found(Instance(instance): Instance) -> Problem {
    Problem::not_found(&instance)
}

async fn method_not_allowed(Instance(instance): Instance) -> Problem {
    Problem::new(StatusCode::METHOD_NOT_ALLOWED, &instance)
}

/// Turns a resource response into `201 Created` with its `Location`.
pub(super) fn created(mut response: Response, collection: &str, id: Uuid) -> Response {
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(location) = HeaderValue::from_str(&format!("{collection}/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The full request path, as `instance` in problems.
fn request_path(extensions: &Extensions, uri: &Uri) -> String {
    extensions
        .get::<OriginalUri>()
        .map_or(uri.path(), |o| o.path())
        .to_string()
}

/// The request path, for a problem's `instance`.
pub(super) struct Instance(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Instance {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Instance(request_path(&parts.extensions, &parts.uri)))
    }
}

/// The `{id}` path segment as a UUID; anything else is a 404, as on Dasha.
pub(super) struct DashaId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for DashaId {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let instance = request_path(&parts.extensions, &parts.uri);
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::not_found(&instance))?;
        Uuid::parse_str(&id)
            .map(DashaId)
            .map_err(|_| Problem::not_found(&instance))
    }
}

/// A JSON object body; a broken one is a 400 validation problem keyed `$`.
pub(super) struct JsonBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Problem;

    async fn from_request(req: Request, _: &S) -> Result<Self, Problem> {
        let instance = request_path(req.extensions(), req.uri());
        read_object(req).await.map(JsonBody).map_err(|e| match e {
            BodyError::UnsupportedMediaType => {
                Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, &instance).detail(e.message())
            }
            BodyError::TooLarge => Problem::new(StatusCode::PAYLOAD_TOO_LARGE, &instance),
            _ => Problem::validation(&instance, FieldErrors::single("$", e.message())),
        })
    }
}

/// Query parameters; a query that cannot be decoded is a 400.
pub(super) struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let instance = request_path(&parts.extensions, &parts.uri);
        match Query::<HashMap<String, String>>::from_request_parts(parts, state).await {
            Ok(Query(map)) => Ok(Params(map)),
            Err(e) => Err(Problem::validation(
                &instance,
                FieldErrors::single("$", e.body_text()),
            )),
        }
    }
}

impl Params {
    /// Parses one parameter, recording `rule` under its name when it is invalid.
    pub fn get<T>(
        &self,
        key: &str,
        rule: &str,
        errors: &mut FieldErrors,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let raw = self.0.get(key)?;
        let value = parse(raw.trim());
        if value.is_none() {
            errors.add(
                key,
                format!("The value '{raw}' is not valid: {key} {rule}."),
            );
        }
        value
    }

    /// `force=true|false` (default false).
    pub fn force(&self, instance: &str) -> Result<bool, Problem> {
        let mut errors = FieldErrors::default();
        let force = self.get("force", "must be true or false", &mut errors, |v| {
            v.to_ascii_lowercase().parse().ok()
        });
        errors
            .into_result()
            .map_err(|e| Problem::validation(instance, e))?;
        Ok(force.unwrap_or(false))
    }
}

/// A validated `skip`/`take` window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Page {
    skip: usize,
    take: usize,
}

/// Dasha's `PagedResponse<T>`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Paged<T> {
    items: Vec<T>,
    total_count: usize,
    skip: usize,
    take: usize,
}

impl Page {
    /// Reads `skip` (0..=2147483647, default 0) and `take` (1..=1000, default 20),
    /// adding any problem to `errors`.
    pub fn read(params: &Params, errors: &mut FieldErrors) -> Page {
        let in_range = |lo: i64, hi: i64| {
            move |v: &str| v.parse::<i64>().ok().filter(|n| (lo..=hi).contains(n))
        };
        let skip_max = i64::from(i32::MAX);
        let skip_rule = format!("must be a whole number from 0 to {skip_max}");
        let skip = params.get("skip", &skip_rule, errors, in_range(0, skip_max));
        let take_rule = format!("must be a whole number from 1 to {TAKE_MAX}");
        let take = params.get("take", &take_rule, errors, in_range(1, TAKE_MAX));
        Page {
            skip: skip.and_then(|n| usize::try_from(n).ok()).unwrap_or(0),
            take: take
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(TAKE_DEFAULT),
        }
    }

    /// Reads `skip` and `take` alone: any problem is a 400.
    pub fn parse(params: &Params, instance: &str) -> Result<Page, Problem> {
        let mut errors = FieldErrors::default();
        let page = Page::read(params, &mut errors);
        errors
            .into_result()
            .map_err(|e| Problem::validation(instance, e))?;
        Ok(page)
    }

    /// This page of `items` as a paged body.
    pub fn respond<T: Serialize>(self, items: impl IntoIterator<Item = T>) -> Response {
        let all: Vec<T> = items.into_iter().collect();
        let total_count = all.len();
        let items: Vec<T> = all.into_iter().skip(self.skip).take(self.take).collect();
        Json(Paged {
            items,
            total_count,
            skip: self.skip,
            take: self.take,
        })
        .into_response()
    }
}

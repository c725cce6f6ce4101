//! Unpod under `/api/v2/platform`: `Authorization: Token`, the `Org-Handle` header,
//! the `{status_code, message, data}` envelope (206 for invalid PATCH bodies), and
//! provider configurations under both path spellings (or one, when asked), trailing
//! slash required.

use super::UNPOD_TOKEN;
use super::body::{BodyError, Fields, is_account_sid, read_object};
use super::errors::{Envelope, FieldErrors};
use super::model::{Ts, UnpodConfig};
use super::state::{Shared, World, lock, now};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;

/// Both spellings of the provider-configuration collection (docs and source).
const CONFIG_PATHS: [&str; 2] = [
    "/telephony/providers-configurations",
    "/telephony/provider-configurations",
];
/// The sandbox's provider catalogue: slug and id.
const PROVIDERS: [(&str, i64); 1] = [("twilio", 3)];

/// The slug of a provider named by its slug or its catalogue id (Twilio is 3 in
/// Unpod's seed data).
fn provider_slug(given: &str) -> Option<&'static str> {
    let given = given.trim();
    PROVIDERS
        .iter()
        .find(|(slug, id)| *slug == given || given.parse::<i64>() == Ok(*id))
        .map(|(slug, _)| *slug)
}
/// Longest auth token Unpod stores.
const TOKEN_MAX: usize = 64;
const NOT_FOUND: &str = "Provider configuration not found.";

/// The Unpod routes, relative to `/api/v2/platform`: provider configurations under
/// both spellings, or only under `only` (e.g. `telephony/provider-configurations/`).
pub(crate) fn router(only: Option<&str>) -> Router<Arc<Shared>> {
    let mut router = Router::new().route("/organizations/", get(organizations));
    let bases: Vec<String> = match only {
        Some(path) => vec![format!("/{}", path.trim_matches('/'))],
        None => CONFIG_PATHS.iter().map(|p| p.to_string()).collect(),
    };
    for base in bases {
        router = router
            .route(&format!("{base}/"), get(list).post(create))
            .route(
                &format!("{base}/{{id}}/"),
                get(fetch).patch(update).delete(delete),
            );
    }
    router
        .route_layer(middleware::from_fn(auth))
        .fallback(|| async { Envelope::error(StatusCode::NOT_FOUND, "Not found.") })
        .method_not_allowed_fallback(|method: Method| async move {
            Envelope::error(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("Method \"{method}\" not allowed."),
            )
        })
}

/// 401 unless `Authorization: Token <the sandbox token>`; other schemes count as none.
async fn auth(req: Request, next: Next) -> Response {
    match check_token(req.headers()) {
        Ok(()) => next.run(req).await,
        Err(message) => {
            let mut response = Envelope::error(StatusCode::UNAUTHORIZED, message).into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Token"));
            response
        }
    }
}

fn check_token(headers: &HeaderMap) -> Result<(), &'static str> {
    const NOT_PROVIDED: &str = "Authentication credentials were not provided.";
    let value = headers.get(header::AUTHORIZATION).ok_or(NOT_PROVIDED)?;
    let value = value
        .to_str()
        .map_err(|_| "Invalid token header. Token string should not contain invalid characters.")?;
    let mut words = value.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (None, _, _) => Err(NOT_PROVIDED),
        (Some(scheme), _, _) if !scheme.eq_ignore_ascii_case("token") => Err(NOT_PROVIDED),
        (_, None, _) => Err("Invalid token header. No credentials provided."),
        (_, Some(_), Some(_)) => {
            Err("Invalid token header. Token string should not contain spaces.")
        }
        (_, Some(token), None) if token == UNPOD_TOKEN => Ok(()),
        _ => Err("Invalid token."),
    }
}

/// The `Org-Handle` of an organisation the token belongs to: 400 when missing,
/// 403 for any other organisation.
struct Org(String);

impl FromRequestParts<Arc<Shared>> for Org {
    type Rejection = Envelope;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, Envelope> {
        let handle = parts
            .headers
            .get("org-handle")
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        match handle {
            None | Some("") => Err(Envelope::error(
                StatusCode::BAD_REQUEST,
                "Org-Handle header is required.",
            )),
            Some(handle) if lock(&shared.world).unpod_orgs.iter().any(|o| o == handle) => {
                Ok(Org(handle.to_string()))
            }
            Some(other) => Err(Envelope::error(
                StatusCode::FORBIDDEN,
                format!("You do not have access to organization '{other}'."),
            )),
        }
    }
}

/// The integer `{id}`; anything else is a 404.
struct ConfigId(i64);

impl<S: Send + Sync> FromRequestParts<S> for ConfigId {
    type Rejection = Envelope;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Envelope> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Envelope::error(StatusCode::NOT_FOUND, NOT_FOUND))?;
        id.parse()
            .map(ConfigId)
            .map_err(|_| Envelope::error(StatusCode::NOT_FOUND, NOT_FOUND))
    }
}

/// A JSON object body; an empty body reads as `{}` as in Django REST framework.
struct UnpodJson(Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for UnpodJson {
    type Rejection = Envelope;

    async fn from_request(req: Request, _: &S) -> Result<Self, Envelope> {
        match read_object(req).await {
            Ok(map) => Ok(UnpodJson(map)),
            Err(BodyError::Empty) => Ok(UnpodJson(Map::new())),
            Err(e @ BodyError::UnsupportedMediaType) => Err(Envelope::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                e.message(),
            )),
            Err(e @ BodyError::TooLarge) => {
                Err(Envelope::error(StatusCode::PAYLOAD_TOO_LARGE, e.message()))
            }
            Err(e @ BodyError::Malformed(_)) => {
                Err(Envelope::error(StatusCode::BAD_REQUEST, e.message()))
            }
            Err(e @ BodyError::NotObject(_)) => Err(Envelope::invalid(
                StatusCode::BAD_REQUEST,
                FieldErrors::single("non_field_errors", e.message()),
            )),
        }
    }
}

/// An organisation as `GET /organizations/` lists it.
#[derive(Serialize)]
struct Organization {
    id: i64,
    name: String,
    domain_handle: String,
    created_at: Ts,
}

async fn organizations(State(shared): State<Arc<Shared>>) -> Envelope {
    let world = lock(&shared.world);
    let orgs: Vec<Organization> = (1..)
        .zip(&world.unpod_orgs)
        .map(|(id, handle)| Organization {
            id,
            name: match id {
                1 => "Sandbox Org".to_string(),
                n => format!("Sandbox Org {n}"),
            },
            domain_handle: handle.clone(),
            created_at: world.unpod_org_created,
        })
        .collect();
    Envelope::ok(StatusCode::OK, "Organizations fetched successfully", &orgs).count(orgs.len())
}

async fn list(State(shared): State<Arc<Shared>>, Org(org): Org) -> Envelope {
    let world = lock(&shared.world);
    let configs: Vec<&UnpodConfig> = world.unpod_configs_of(&org).collect();
    Envelope::ok(
        StatusCode::OK,
        "Provider configurations fetched successfully.",
        configs,
    )
}

async fn fetch(
    State(shared): State<Arc<Shared>>,
    Org(org): Org,
    ConfigId(id): ConfigId,
) -> Result<Envelope, Envelope> {
    let world = lock(&shared.world);
    let config = &world.unpod_configs[position(&world, &org, id)?];
    let message = "Provider configuration fetched successfully.";
    Ok(Envelope::ok(StatusCode::OK, message, config))
}

/// Where configuration `id` of `org` is, or the 404.
fn position(world: &World, org: &str, id: i64) -> Result<usize, Envelope> {
    world
        .unpod_configs
        .iter()
        .position(|c| c.id == id && c.org_handle == org)
        .ok_or_else(|| Envelope::error(StatusCode::NOT_FOUND, NOT_FOUND))
}

/// Fields of a create or PATCH body; on PATCH every field is optional.
struct ConfigInput {
    provider: Option<String>,
    account_sid: Option<String>,
    auth_token: Option<String>,
}

fn parse_input(body: &Map<String, Value>, partial: bool) -> Result<ConfigInput, FieldErrors> {
    let mut f = Fields::new(body);
    let field = |f: &mut Fields, key: &str| {
        if partial && !body.contains_key(key) {
            None
        } else {
            f.required(key)
        }
    };
    // An id may come as a number.
    let provider = match body.get("provider") {
        _ if partial => None,
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => field(&mut f, "provider"),
    };
    // Seed 000: the provider's slug or its catalogue id.
    let provider = provider.and_then(|p| match provider_slug(&p) {
        Some(slug) => Some(slug.to_string()),
        None => {
            f.errors
                .add("provider", format!("\"{p}\" is not a valid choice."));
            None
        }
    });
    let account_sid = field(&mut f, "account_sid");
    if account_sid
        .as_deref()
        .is_some_and(|s| !is_account_sid(s, false))
    {
        f.errors.add(
            "account_sid",
            "Enter a valid Account SID: AC followed by 32 hex characters.",
        );
    }
    let auth_token = field(&mut f, "auth_token");
    f.max_len("auth_token", auth_token.as_deref(), TOKEN_MAX);
    f.errors.into_result()?;
    Ok(ConfigInput {
        provider,
        account_sid,
        auth_token,
    })
}

/// 409 when another configuration of the organisation has this Account SID.
fn check_unique(world: &World, org: &str, sid: &str, except: Option<i64>) -> Result<(), Envelope> {
    let taken = world
        .unpod_configs_of(org)
        .any(|c| Some(c.id) != except && c.account_sid.eq_ignore_ascii_case(sid));
    if taken {
        Err(Envelope::error(
            StatusCode::CONFLICT,
            "Provider configuration already exists.",
        ))
    } else {
        Ok(())
    }
}

async fn create(
    State(shared): State<Arc<Shared>>,
    Org(org): Org,
    UnpodJson(body): UnpodJson,
) -> Result<Envelope, Envelope> {
    let input =
        parse_input(&body, false).map_err(|e| Envelope::invalid(StatusCode::BAD_REQUEST, e))?;
    let account_sid = input.account_sid.unwrap_or_default();
    let mut world = lock(&shared.world);
    // Seed 000 lists 400 "Invalid credentials" on create.
    if world
        .check_twilio(
            &account_sid,
            input.auth_token.as_deref().unwrap_or_default(),
        )
        .is_err()
    {
        return Err(Envelope::error(
            StatusCode::BAD_REQUEST,
            "Invalid credentials",
        ));
    }
    check_unique(&world, &org, &account_sid, None)?;
    world.next_unpod_id += 1;
    let config = UnpodConfig {
        id: world.next_unpod_id,
        provider: input.provider.unwrap_or_default(),
        account_sid,
        auth_token: input.auth_token.unwrap_or_default(),
        created_at: now(),
        org_handle: org,
    };
    let response = Envelope::ok(
        StatusCode::CREATED,
        "Provider configuration created successfully.",
        &config,
    );
    world.unpod_configs.push(config);
    Ok(response)
}

/// `PATCH`: a partial update; an invalid body is a **206** error, as in Unpod's source.
async fn update(
    State(shared): State<Arc<Shared>>,
    Org(org): Org,
    ConfigId(id): ConfigId,
    UnpodJson(body): UnpodJson,
) -> Result<Envelope, Envelope> {
    let mut world = lock(&shared.world);
    let pos = position(&world, &org, id)?;
    let input =
        parse_input(&body, true).map_err(|e| Envelope::invalid(StatusCode::PARTIAL_CONTENT, e))?;
    if let Some(sid) = &input.account_sid {
        check_unique(&world, &org, sid, Some(id))?;
    }
    let config = &mut world.unpod_configs[pos];
    if let Some(sid) = input.account_sid {
        config.account_sid = sid;
    }
    if let Some(token) = input.auth_token {
        config.auth_token = token;
    }
    Ok(Envelope::ok(
        StatusCode::OK,
        "Provider configuration updated successfully.",
        &*config,
    ))
}

async fn delete(
    State(shared): State<Arc<Shared>>,
    Org(org): Org,
    ConfigId(id): ConfigId,
) -> Result<StatusCode, Envelope> {
    let mut world = lock(&shared.world);
    let pos = position(&world, &org, id)?;
    world.unpod_configs.remove(pos);
    Ok(StatusCode::NO_CONTENT)
}

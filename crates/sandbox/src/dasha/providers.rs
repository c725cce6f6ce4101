//! Dasha Twilio providers: list, get, create and auth-token update (both checked
//! against the sandbox's Twilio accounts), partial update, verify, cascading delete.

use super::{DashaId, Instance, JsonBody, Page, Params, created};
use crate::body::{Fields, is_account_sid, is_hex32};
use crate::errors::{FieldErrors, Problem};
use crate::model::{
    Provider, ProviderSpec, Ts, TwilioRejection, VerificationCheck, VerificationStatus,
};
use crate::state::{Shared, World, lock, now, random_hex32, random_password};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;
use uuid::Uuid;

/// Longest provider name.
const NAME_MAX: usize = 100;
/// Region of a provider created without one.
const DEFAULT_REGION: &str = "us1";

/// Dasha's `TwilioProvider`; never carries the auth token.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TwilioProviderDto<'a> {
    id: Uuid,
    name: Option<&'a str>,
    provider_type: &'static str,
    account_sid: &'a str,
    verification_status: VerificationStatus,
    last_verified_at: Option<Ts>,
    phone_number_count: usize,
    verification_details: Option<&'a [VerificationCheck]>,
    trunk_sid: &'a str,
    termination_uri: &'a str,
    region: &'a str,
    supports_call_transfer: bool,
}

fn dto<'a>(world: &'a World, p: &'a Provider) -> TwilioProviderDto<'a> {
    let verification = p.verification.as_ref();
    TwilioProviderDto {
        id: p.id,
        name: p.name.as_deref(),
        provider_type: "twilio",
        account_sid: &p.account_sid,
        verification_status: verification.map_or(VerificationStatus::Pending, |v| v.status),
        last_verified_at: verification.map(|v| v.last_verified_at),
        phone_number_count: world.provider_numbers(p.id).count(),
        verification_details: verification.map(|v| v.checks.as_slice()),
        trunk_sid: &p.trunk_sid,
        termination_uri: &p.termination_uri,
        region: &p.region,
        supports_call_transfer: p.supports_call_transfer,
    }
}

/// The provider as a 200 body, or a 404.
fn found(world: &World, id: Uuid, instance: &str) -> Result<Response, Problem> {
    let provider = world
        .provider(id)
        .ok_or_else(|| Problem::not_found(instance))?;
    Ok(Json(dto(world, provider)).into_response())
}

pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    params: Params,
) -> Result<Response, Problem> {
    let page = Page::parse(&params, &instance)?;
    let world = lock(&shared.world);
    let mut providers: Vec<&Provider> = world.providers.iter().collect();
    providers.sort_by_key(|p| (p.created, p.id));
    Ok(page.respond(providers.into_iter().map(|p| dto(&world, p))))
}

pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    DashaId(id): DashaId,
) -> Result<Response, Problem> {
    found(&lock(&shared.world), id, &instance)
}

pub(super) async fn delete(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    DashaId(id): DashaId,
) -> Result<StatusCode, Problem> {
    if lock(&shared.world).delete_provider(id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found(&instance))
    }
}

pub(super) async fn verify(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    DashaId(id): DashaId,
) -> Result<Response, Problem> {
    let result = lock(&shared.world).verify_provider(id, now());
    result
        .map(|r| Json(r).into_response())
        .ok_or_else(|| Problem::not_found(&instance))
}

/// The body of `POST /providers/twilio`.
struct NewProvider {
    name: Option<String>,
    account_sid: String,
    auth_token: String,
    region: Option<String>,
    supports_call_transfer: Option<bool>,
}

fn parse_new(body: &Map<String, Value>) -> Result<NewProvider, FieldErrors> {
    let mut f = Fields::new(body);
    let name = f.text("name", NAME_MAX);
    let account_sid = f.required("accountSid");
    if account_sid
        .as_deref()
        .is_some_and(|s| !is_account_sid(s, true))
    {
        f.errors.add(
            "accountSid",
            "Must be AC followed by 32 lowercase hex characters.",
        );
    }
    let auth_token = required_token(&mut f);
    let region = f.string("region");
    let supports_call_transfer = f.bool("supportsCallTransfer");
    f.errors.into_result()?;
    Ok(NewProvider {
        name,
        account_sid: account_sid.unwrap_or_default(),
        auth_token: auth_token.unwrap_or_default(),
        region,
        supports_call_transfer,
    })
}

/// `authToken`: required, 32 lowercase hex characters.
fn required_token(f: &mut Fields) -> Option<String> {
    let token = f.required("authToken");
    if token.as_deref().is_some_and(|t| !is_hex32(t, true)) {
        f.errors
            .add("authToken", "Must be 32 lowercase hex characters.");
    }
    token
}

/// 400 `Twilio credentials rejected`, with the reason under `errors.authToken`.
fn rejected(instance: &str, rejection: TwilioRejection) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, instance)
        .title("Twilio credentials rejected")
        .detail(format!(
            "Twilio refused the Account SID and Auth Token: {}",
            rejection.message()
        ))
        .with(
            "errors",
            FieldErrors::single("authToken", rejection.message()),
        )
}

pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let input = parse_new(&body).map_err(|e| Problem::validation(&instance, e))?;
    let mut world = lock(&shared.world);
    world
        .check_twilio(&input.account_sid, &input.auth_token)
        .map_err(|r| rejected(&instance, r))?;
    let id = Uuid::new_v4();
    let at = now();
    world.add_provider(ProviderSpec {
        id,
        name: input.name,
        account_sid: input.account_sid,
        auth_token: input.auth_token,
        region: input.region.unwrap_or_else(|| DEFAULT_REGION.to_string()),
        supports_call_transfer: input.supports_call_transfer.unwrap_or(false),
        trunk_sid: format!("TK{}", random_hex32()),
        credential_list_sid: format!("CL{}", random_hex32()),
        credential_id: Uuid::new_v4(),
        credential_password: random_password(32),
        created: at,
    });
    world.verify_provider(id, at);
    Ok(created(found(&world, id, &instance)?, &instance, id))
}

/// `PUT /providers/twilio/{id}`: a partial update; absent or null fields stay.
pub(super) async fn update(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    DashaId(id): DashaId,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let mut f = Fields::new(&body);
    let name = f.text("name", NAME_MAX);
    let region = f.string("region");
    let supports_call_transfer = f.bool("supportsCallTransfer");
    f.errors
        .into_result()
        .map_err(|e| Problem::validation(&instance, e))?;

    let mut world = lock(&shared.world);
    let provider = world
        .provider_mut(id)
        .ok_or_else(|| Problem::not_found(&instance))?;
    if name.is_some() {
        provider.name = name;
    }
    if let Some(region) = region {
        provider.region = region;
    }
    if let Some(supports) = supports_call_transfer {
        provider.supports_call_transfer = supports;
    }
    found(&world, id, &instance)
}

/// `PATCH /providers/twilio/{id}/auth-token`: saved only if Twilio accepts the new
/// token for the provider's Account SID; otherwise nothing changes.
pub(super) async fn update_auth_token(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    DashaId(id): DashaId,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let mut f = Fields::new(&body);
    let token = required_token(&mut f);
    f.errors
        .into_result()
        .map_err(|e| Problem::validation(&instance, e))?;
    let token = token.unwrap_or_default();

    let mut world = lock(&shared.world);
    let sid = world
        .provider(id)
        .ok_or_else(|| Problem::not_found(&instance))?
        .account_sid
        .clone();
    world
        .check_twilio(&sid, &token)
        .map_err(|r| rejected(&instance, r))?;
    if let Some(provider) = world.provider_mut(id) {
        provider.auth_token = token;
    }
    found(&world, id, &instance)
}

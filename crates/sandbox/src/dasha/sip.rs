//! Dasha SIP credentials (list, create, get, full replacement, delete with the 409
//! dependants rule, affected agents) and the SIP phone number list.

use super::{DashaId, Instance, JsonBody, Page, Params, created};
use crate::body::Fields;
use crate::errors::{FieldErrors, Problem};
use crate::model::{PhoneNumber, SipCredential, SipFields, Source, Transport};
use crate::state::{Shared, lock, now};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use uuid::Uuid;

/// Longest server, domain, auth user, description and CPS key.
const TEXT_MAX: usize = 255;
/// Longest SIP password.
const PASSWORD_MAX: usize = 64;

/// A record with the organisation id Dasha adds to every SIP resource.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WithOrg<'a, T> {
    org_id: &'a str,
    #[serde(flatten)]
    item: &'a T,
}

/// Reads a `SipCredentialRequest`, checking every documented rule.
fn parse_fields(body: &Map<String, Value>) -> Result<SipFields, FieldErrors> {
    let mut f = Fields::new(body);
    let server = f.required("server");
    f.max_len("server", server.as_deref(), TEXT_MAX);
    let domain = f.text("domain", TEXT_MAX);
    let auth_user = f.text("authUser", TEXT_MAX);
    let auth_password = f.text("authPassword", PASSWORD_MAX);
    let description = f.text("description", TEXT_MAX);
    let cps_key = f.text("cpsKey", TEXT_MAX);
    let transport = match f.string("transport") {
        None => Some(Transport::Udp),
        Some(t) => Transport::parse(&t),
    };
    if transport.is_none() {
        f.errors.add("transport", "Must be one of udp, tcp, tls.");
    }
    // Seed 003: `number<float> | null`.
    let cps_limit = f.number("cpsLimit");
    if cps_limit
        .as_ref()
        .and_then(serde_json::Number::as_f64)
        .is_some_and(|n| !(0.0..=f64::from(i32::MAX)).contains(&n))
    {
        f.errors.add("cpsLimit", "Must be 0 or more.");
    }
    f.errors.into_result()?;
    Ok(SipFields {
        server: server.unwrap_or_default(),
        domain,
        auth_user,
        auth_password,
        transport: transport.unwrap_or(Transport::Udp),
        description,
        cps_limit,
        cps_key,
    })
}

/// One credential as a 200 body.
fn credential_response(org_id: &str, item: &SipCredential) -> Response {
    Json(WithOrg { org_id, item }).into_response()
}

fn read_only(instance: &str) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, instance)
        .title("Read-only credential")
        .detail("This SIP credential is managed by a Twilio provider: change or delete the provider instead.")
}

pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    params: Params,
) -> Result<Response, Problem> {
    let page = Page::parse(&params, &instance)?;
    let world = lock(&shared.world);
    let mut credentials: Vec<&SipCredential> = world.sip_credentials.iter().collect();
    credentials.sort_by_key(|c| (c.created_time, c.id));
    let org_id = world.org_id.as_str();
    Ok(page.respond(credentials.into_iter().map(|item| WithOrg { org_id, item })))
}

pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let fields = parse_fields(&body).map_err(|e| Problem::validation(&instance, e))?;
    let at = now();
    let credential = SipCredential {
        id: Uuid::new_v4(),
        fields,
        source: Source::Manual,
        provider_id: None,
        created_time: at,
        last_update_time: at,
    };
    let mut world = lock(&shared.world);
    let response = credential_response(&world.org_id, &credential);
    let response = created(response, &instance, credential.id);
    world.sip_credentials.push(credential);
    Ok(response)
}

pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    DashaId(id): DashaId,
) -> Result<Response, Problem> {
    let world = lock(&shared.world);
    let credential = world
        .credential(id)
        .ok_or_else(|| Problem::not_found(&instance))?;
    Ok(credential_response(&world.org_id, credential))
}

/// `PUT`: full replacement of the request fields; id, source and times of creation kept.
pub(super) async fn replace(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    DashaId(id): DashaId,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let fields = parse_fields(&body).map_err(|e| Problem::validation(&instance, e))?;
    let mut world = lock(&shared.world);
    let credential = world
        .credential_mut(id)
        .ok_or_else(|| Problem::not_found(&instance))?;
    if credential.source == Source::Provider {
        return Err(read_only(&instance));
    }
    credential.fields = fields;
    credential.last_update_time = now();
    let credential = credential.clone();
    Ok(credential_response(&world.org_id, &credential))
}

/// `DELETE ?force=`: 409 with the dependants when phone numbers use the credential,
/// unless `force=true`, which deletes those numbers too.
pub(super) async fn delete(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    DashaId(id): DashaId,
    params: Params,
) -> Result<StatusCode, Problem> {
    let force = params.force(&instance)?;
    let mut world = lock(&shared.world);
    let credential = world
        .credential(id)
        .ok_or_else(|| Problem::not_found(&instance))?;
    if credential.source == Source::Provider {
        return Err(read_only(&instance));
    }
    let dependants = world.dependants(id);
    if !dependants.is_empty() && !force {
        let n = dependants.len();
        return Err(Problem::new(StatusCode::CONFLICT, &instance)
            .detail(format!(
                "SIP credential is used by {n} phone number{}",
                if n == 1 { "" } else { "s" }
            ))
            .with("phoneNumbers", dependants));
    }
    world.delete_credential(id);
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn affected_agents(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    DashaId(id): DashaId,
) -> Result<Response, Problem> {
    let world = lock(&shared.world);
    world
        .credential(id)
        .ok_or_else(|| Problem::not_found(&instance))?;
    let dependants = world.dependants(id);
    let calls = world.queued_calls(&dependants);
    Ok(Json(json!({ "phoneNumbers": dependants, "affectedCallsCount": calls })).into_response())
}

/// `GET /sip-phone-numbers?providerId&skip&take`, ordered by creation time then id.
pub(super) async fn list_numbers(
    State(shared): State<Arc<Shared>>,
    Instance(instance): Instance,
    params: Params,
) -> Result<Response, Problem> {
    let mut errors = FieldErrors::default();
    let page = Page::read(&params, &mut errors);
    let provider = params.get("providerId", "must be a UUID", &mut errors, |v| {
        Uuid::parse_str(v).ok()
    });
    errors
        .into_result()
        .map_err(|e| Problem::validation(&instance, e))?;
    let world = lock(&shared.world);
    let mut numbers: Vec<&PhoneNumber> = world
        .phone_numbers
        .iter()
        .filter(|n| provider.is_none() || n.provider_id == provider)
        .collect();
    numbers.sort_by_key(|n| (n.created_time, n.id));
    let org_id = world.org_id.as_str();
    Ok(page.respond(numbers.into_iter().map(|item| WithOrg { org_id, item })))
}

//! Twilio's Accounts API for the account's own auth tokens, as `accounts.twilio.com`
//! serves it (`twilio_accounts_v1`): create and delete a secondary token, promote it
//! to primary. HTTP basic auth with the Account SID and the current primary token.

use super::errors::twilio_error;
use super::state::{Shared, lock};
use super::twilio::basic_auth;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use std::sync::Arc;

/// Twilio's code when a secondary token already exists (with 400), as a production
/// client maps it (dixahq/twilio-client; Twilio's OpenAPI lists no errors).
pub(crate) const SECONDARY_EXISTS_CODE: u32 = 70002;

/// Routes under `/v1`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/AuthTokens/Secondary", post(create).delete(delete))
        .route("/AuthTokens/Promote", post(promote))
}

/// Why a call is not served.
enum Refusal {
    /// Not the account's current primary token.
    Credentials,
    /// The API is not enabled on the account.
    NotEnabled,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Credentials => refused(),
            Refusal::NotEnabled => not_found(),
        }
    }
}

/// The account SID when the basic-auth pair is the account's current primary token
/// and the account has the API.
fn authenticated(shared: &Shared, headers: &HeaderMap) -> Result<String, Refusal> {
    let (sid, token) = basic_auth(headers).ok_or(Refusal::Credentials)?;
    let world = lock(&shared.world);
    match world.account(&sid).filter(|a| a.auth_token == token) {
        None => Err(Refusal::Credentials),
        Some(a) if !a.auth_tokens_api => Err(Refusal::NotEnabled),
        Some(_) => Ok(sid),
    }
}

/// Twilio's 404: no such resource (or, for this API, not enabled on the account).
fn not_found() -> Response {
    twilio_error(
        StatusCode::NOT_FOUND,
        20404,
        "The requested resource was not found",
    )
}

/// Twilio's answer to a wrong pair.
fn refused() -> Response {
    twilio_error(
        StatusCode::UNAUTHORIZED,
        20003,
        "Authentication Error - invalid username",
    )
}

fn url(path: &str) -> String {
    format!("https://accounts.twilio.com/v1/AuthTokens/{path}")
}

async fn create(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let sid = match authenticated(&shared, &headers) {
        Ok(sid) => sid,
        Err(refusal) => return refusal.into_response(),
    };
    let mut world = lock(&shared.world);
    let token = match world.create_secondary(&sid) {
        Some(Ok(token)) => token,
        Some(Err(_)) => {
            return twilio_error(
                StatusCode::BAD_REQUEST,
                SECONDARY_EXISTS_CODE,
                "A secondary auth token already exists on this account",
            );
        }
        None => return not_found(),
    };
    let now = super::state::now().to_rfc3339();
    (
        StatusCode::CREATED,
        Json(json!({
            "account_sid": sid,
            "date_created": now,
            "date_updated": now,
            "secondary_auth_token": token,
            "url": url("Secondary"),
        })),
    )
        .into_response()
}

async fn delete(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let sid = match authenticated(&shared, &headers) {
        Ok(sid) => sid,
        Err(refusal) => return refusal.into_response(),
    };
    if lock(&shared.world).delete_secondary(&sid) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found()
    }
}

async fn promote(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let sid = match authenticated(&shared, &headers) {
        Ok(sid) => sid,
        Err(refusal) => return refusal.into_response(),
    };
    let mut world = lock(&shared.world);
    let Some(token) = world.promote_secondary(&sid) else {
        return not_found();
    };
    let now = super::state::now().to_rfc3339();
    Json(json!({
        "account_sid": sid,
        "auth_token": token,
        "date_created": now,
        "date_updated": now,
        "url": url("Promote"),
    }))
    .into_response()
}

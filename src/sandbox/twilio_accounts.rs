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

/// The error code the sandbox answers when a secondary token already exists.
pub(crate) const SECONDARY_EXISTS_CODE: u16 = 20409;

/// Routes under `/v1`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/AuthTokens/Secondary", post(create).delete(delete))
        .route("/AuthTokens/Promote", post(promote))
}

/// The account SID when the basic-auth pair is the account's current primary token.
fn authenticated(shared: &Shared, headers: &HeaderMap) -> Option<String> {
    let (sid, token) = basic_auth(headers)?;
    let world = lock(&shared.world);
    world
        .account(&sid)
        .filter(|a| a.auth_token == token)
        .map(|_| sid)
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
    let Some(sid) = authenticated(&shared, &headers) else {
        return refused();
    };
    let mut world = lock(&shared.world);
    let token = match world.create_secondary(&sid) {
        Some(Ok(token)) => token,
        // Twilio does not document this case; the sandbox refuses, so that telcreds
        // must delete an existing secondary before creating another.
        Some(Err(_)) => {
            return twilio_error(
                StatusCode::CONFLICT,
                SECONDARY_EXISTS_CODE,
                "A secondary auth token already exists for this account",
            );
        }
        None => {
            return twilio_error(
                StatusCode::NOT_FOUND,
                20404,
                "The requested resource was not found",
            );
        }
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
    let Some(sid) = authenticated(&shared, &headers) else {
        return refused();
    };
    if lock(&shared.world).delete_secondary(&sid) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        twilio_error(
            StatusCode::NOT_FOUND,
            20404,
            "The requested resource was not found",
        )
    }
}

async fn promote(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(sid) = authenticated(&shared, &headers) else {
        return refused();
    };
    let mut world = lock(&shared.world);
    let Some(token) = world.promote_secondary(&sid) else {
        return twilio_error(
            StatusCode::NOT_FOUND,
            20404,
            "The requested resource was not found",
        );
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

//! Control routes under `/_sandbox/` for tests and demos: the Twilio accounts and
//! token rolls, scripted faults, and the request log. No auth, loopback peers only,
//! never delayed or faulted. [`Client`] is their client, for a sandbox running
//! elsewhere (`telcreds sandbox roll-token`).

mod client;

pub use client::{Client, ControlError, Rolled};

use super::faults::FaultRule;
use super::state::{Shared, lock};
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

/// The control routes, relative to `/_sandbox`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/twilio/accounts", get(accounts))
        .route("/twilio/accounts/{sid}/roll-token", post(roll_token))
        .route(
            "/twilio/accounts/{sid}/auth-tokens-api",
            post(auth_tokens_api),
        )
        .route("/faults", post(queue_faults).delete(clear_faults))
        .route("/requests", get(requests).delete(clear_requests))
        .route_layer(middleware::from_fn(loopback_only))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "No such control route.") })
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// 403 for peers that are not on this machine (when listening beyond loopback).
async fn loopback_only(req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if peer.is_some_and(|ip| !ip.to_canonical().is_loopback()) {
        return error(
            StatusCode::FORBIDDEN,
            "Control routes answer loopback clients only.",
        );
    }
    next.run(req).await
}

/// A Twilio account and its current token, as the control routes show it.
#[derive(Serialize)]
struct AccountRow {
    account_sid: String,
    friendly_name: String,
    status: String,
    auth_token: String,
}

async fn accounts(State(shared): State<Arc<Shared>>) -> Json<Vec<AccountRow>> {
    let world = lock(&shared.world);
    let rows = world.accounts.iter().map(|a| a.info()).map(|a| AccountRow {
        account_sid: a.sid,
        friendly_name: a.friendly_name,
        status: a.status,
        auth_token: a.auth_token,
    });
    Json(rows.collect())
}

async fn roll_token(State(shared): State<Arc<Shared>>, Path(sid): Path<String>) -> Response {
    match lock(&shared.world).roll_token(&sid) {
        Some(token) => Json(json!({ "account_sid": sid, "auth_token": token })).into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            &format!("Unknown Twilio account {sid}."),
        ),
    }
}

/// The body of [`auth_tokens_api`].
#[derive(serde::Deserialize)]
struct Enabled {
    enabled: bool,
}

/// Enables or disables the account's Accounts API for auth tokens (Twilio enables
/// it per account): disabled, its calls answer 404, code 20404.
async fn auth_tokens_api(
    State(shared): State<Arc<Shared>>,
    Path(sid): Path<String>,
    body: Result<Json<Enabled>, JsonRejection>,
) -> Response {
    let Json(Enabled { enabled }) = match body {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text()),
    };
    let mut world = lock(&shared.world);
    match world.accounts.iter_mut().find(|a| a.sid == sid) {
        Some(account) => {
            account.auth_tokens_api = enabled;
            StatusCode::NO_CONTENT.into_response()
        }
        None => error(
            StatusCode::NOT_FOUND,
            &format!("Unknown Twilio account {sid}."),
        ),
    }
}

/// Queues a rule; answers 201 with the rule as understood and the faults pending.
async fn queue_faults(
    State(shared): State<Arc<Shared>>,
    body: Result<Json<FaultRule>, JsonRejection>,
) -> Response {
    let rule = match body {
        Ok(Json(rule)) if rule.count > 0 => rule,
        Ok(_) => return error(StatusCode::BAD_REQUEST, "count must be at least 1."),
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text()),
    };
    let mut faults = lock(&shared.faults);
    faults.push(rule.clone());
    let body = json!({ "queued": rule, "pending": faults.pending() });
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    Json(json!({ "cleared": lock(&shared.faults).clear() }))
}

async fn requests(State(shared): State<Arc<Shared>>) -> Response {
    Json(lock(&shared.requests).entries()).into_response()
}

async fn clear_requests(State(shared): State<Arc<Shared>>) -> StatusCode {
    lock(&shared.requests).clear();
    StatusCode::NO_CONTENT
}

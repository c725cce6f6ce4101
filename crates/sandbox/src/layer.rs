//! The middleware every request passes: an API request gets the sandbox's latency,
//! maybe a fault (scripted, or at the random rate), and an entry in the request log.

use super::errors::Platform;
use super::faults::{Fault, LoggedRequest, random_fault, respond};
use super::state::{Shared, lock};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// Middleware for every request: API requests get the latency, maybe a fault, and a
/// log entry; everything else passes straight through.
pub(crate) async fn api_layer(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let Some(platform) = Platform::of_path(&path) else {
        return next.run(req).await;
    };
    let method = req.method().clone();
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    let scripted = lock(&shared.faults).take(&method, &path);
    let fault = scripted.or_else(|| random_fault(shared.fault_rate));
    let response = respond(fault, platform, req, next).await;
    let dropped = fault.as_ref().is_some_and(Fault::drops);
    let status = if dropped {
        0
    } else {
        response.status().as_u16()
    };
    lock(&shared.requests).record(LoggedRequest {
        method: method.to_string(),
        path,
        status,
    });
    response
}

//! Faults injected by the sandbox: GET/PUT/DELETE are retried with backoff and honour
//! Retry-After; POST and PATCH are sent exactly once.

use crate::support::*;
use serde_json::json;
use std::time::{Duration, Instant};
use telcreds::api::dasha::DashaClient;
use telcreds::api::{ApiError, Http, HttpOptions};
use telcreds::domain::{SipCredentialInput, Transport};
use telcreds::sandbox::{DASHA_TOKEN, Seed};
use telcreds::secret::Secret;

fn count(reqs: &[(String, String, u16)], method: &str, suffix: &str) -> usize {
    reqs.iter()
        .filter(|(m, p, _)| m == method && p.ends_with(suffix))
        .count()
}

fn input() -> SipCredentialInput {
    SipCredentialInput {
        server: "sip.retry.example".into(),
        transport: Transport::Udp.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn get_is_retried_after_server_errors_and_dropped_connections() {
    let sb = sandbox(Seed::Demo).await;
    fault(&sb, json!({"kind": "server_error", "count": 2, "method": "GET", "path_prefix": "/api/v1/providers"})).await;
    let providers = dasha(&sb).list_providers().await.unwrap();
    assert!(!providers.is_empty());
    let reqs = requests(&sb).await;
    assert_eq!(count(&reqs, "GET", "/providers"), 3, "{reqs:?}");

    fault(&sb, json!({"kind": "drop", "count": 1, "method": "GET", "path_prefix": "/api/v1/sip-credentials"})).await;
    assert!(!dasha(&sb).list_sip_credentials().await.unwrap().is_empty());
}

#[tokio::test]
async fn rate_limits_honour_retry_after() {
    let sb = sandbox(Seed::Demo).await;
    fault(&sb, json!({"kind": "rate_limited", "count": 1, "retry_after_secs": 1, "path_prefix": "/api/v1/providers"})).await;
    let started = Instant::now();
    dasha(&sb).list_providers().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_allowed_is_returned_not_waited() {
    let sb = sandbox(Seed::Demo).await;
    fault(&sb, json!({"kind": "rate_limited", "count": 1, "retry_after_secs": 120, "path_prefix": "/api/v1/providers"})).await;
    let e = dasha(&sb).list_providers().await.unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(120))
        }
    );
    assert_eq!(
        e.to_string(),
        "rate limited by the platform (retry after 120 s)"
    );
}

#[tokio::test]
async fn post_and_patch_are_never_retried() {
    let sb = sandbox(Seed::Demo).await;
    fault(
        &sb,
        json!({"kind": "server_error", "count": 3, "method": "POST"}),
    )
    .await;
    let e = dasha(&sb)
        .create_sip_credential(&input())
        .await
        .unwrap_err();
    // A 500 on a change leaves its outcome unknown (the platform may have applied it).
    match &e {
        ApiError::Unconfirmed(cause) => {
            assert!(
                matches!(**cause, ApiError::Server { status: 500, .. }),
                "{e:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&requests(&sb).await, "POST", "/sip-credentials"), 1);

    fault(&sb, json!({"kind": "drop", "count": 3, "method": "PATCH"})).await;
    let p = dasha(&sb).list_providers().await.unwrap().remove(0);
    let token = Secret::new("0123456789abcdef0123456789abcdef");
    let e = dasha(&sb)
        .update_auth_token(&p.id, &token)
        .await
        .unwrap_err();
    // Dropped after it was sent: the token may or may not be in place.
    assert!(
        matches!(&e, ApiError::Unconfirmed(c) if matches!(**c, ApiError::Network { .. })),
        "{e:?}"
    );
    assert_eq!(count(&requests(&sb).await, "PATCH", "/auth-token"), 1);
}

#[tokio::test]
async fn retries_stop_after_a_few_attempts() {
    let sb = sandbox(Seed::Demo).await;
    fault(
        &sb,
        json!({"kind": "server_error", "count": 10, "path_prefix": "/api/v1/providers"}),
    )
    .await;
    let e = dasha(&sb).list_providers().await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 500, .. }), "{e:?}");
    assert!(e.to_string().contains("HTTP 500"), "{e}");
    assert_eq!(
        count(&requests(&sb).await, "GET", "/providers"),
        4,
        "1 try + 3 retries"
    );
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_an_excerpt() {
    let sb = sandbox(Seed::Demo).await;
    fault(
        &sb,
        json!({"kind": "malformed", "count": 1, "path_prefix": "/api/v1/providers"}),
    )
    .await;
    let e = dasha(&sb).list_providers().await.unwrap_err();
    match &e {
        ApiError::Decode {
            status: 200,
            excerpt,
        } => assert!(!excerpt.is_empty()),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let sb = sandbox(Seed::Demo).await;
    fault(
        &sb,
        json!({"kind": "slow", "count": 1, "delay_ms": 2000, "path_prefix": "/api/v1/providers"}),
    )
    .await;
    let http = Http::new(HttpOptions {
        request_timeout: Duration::from_millis(300),
        max_retries: 0,
        ..HttpOptions::default()
    })
    .unwrap();
    let c = DashaClient::new(http, &sb.dasha_base(), Secret::new(DASHA_TOKEN));
    assert_eq!(c.list_providers().await.unwrap_err(), ApiError::Timeout);
}

//! Scripted faults, latency and the request log.

use super::*;
use serde_json::json;
use std::time::{Duration, Instant};

async fn queue(env: &Env, rule: Value) {
    let (status, body) = send(env.control(Method::POST, "/faults").json(&rule)).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn scripted_faults_of_every_kind() {
    let env = Env::start().await;
    let providers = || env.dasha(Method::GET, "/providers");

    queue(&env, json!({ "kind": "server_error", "count": 1 })).await;
    let (status, problem) = send(providers()).await;
    assert_eq!((status, problem["status"].as_u64()), (500, Some(500)));
    assert_eq!(problem["instance"], "/api/v1/providers");

    queue(
        &env,
        json!({ "kind": "rate_limited", "retry_after_secs": 3 }),
    )
    .await;
    let response = providers().send().await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "3");

    queue(&env, json!({ "kind": "malformed", "count": 1 })).await;
    let response = providers().send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.json::<Value>().await.is_err(),
        "the body is broken JSON"
    );

    queue(&env, json!({ "kind": "slow", "count": 1, "delay_ms": 300 })).await;
    let started = Instant::now();
    let (status, _) = send(providers()).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(status, 200);

    queue(&env, json!({ "kind": "drop", "count": 1 })).await;
    let error = providers()
        .send()
        .await
        .expect_err("a dropped connection is an error, not a response");
    assert!(error.is_request() && error.status().is_none(), "{error:?}");
    let fresh = reqwest::Client::new();
    queue(&env, json!({ "kind": "drop", "count": 1 })).await;
    let url = format!("{}/providers", env.sandbox.dasha_base());
    assert!(
        fresh
            .get(&url)
            .bearer_auth(DASHA_TOKEN)
            .send()
            .await
            .is_err()
    );

    assert_eq!(send(providers()).await.0, 200, "the queue is empty again");
    let (_, log) = send(env.control(Method::GET, "/requests")).await;
    let statuses: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 429, 200, 200, 0, 0, 200]);
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["path"], "/api/v1/providers");
}

#[tokio::test]
async fn faults_match_method_and_path_prefix_and_use_each_platform_shape() {
    let env = Env::start().await;
    queue(
        &env,
        json!({ "kind": "server_error", "count": 2, "path_prefix": "/api/v2/platform/telephony/" }),
    )
    .await;
    queue(
        &env,
        json!({ "kind": "rate_limited", "method": "post", "path_prefix": "/2010-04-01/" }),
    )
    .await;

    assert_eq!(send(env.dasha(Method::GET, "/providers")).await.0, 200);
    let (status, body) = send(env.unpod(Method::GET, "/telephony/providers-configurations/")).await;
    assert_eq!((status, body["status_code"].as_u64()), (500, Some(500)));

    let twilio = env.url("/2010-04-01/Accounts/AC0.json");
    assert_eq!(
        send(env.http.get(&twilio)).await.0,
        401,
        "GET does not match a POST rule"
    );
    let (status, body) = send(env.http.post(&twilio)).await;
    assert_eq!((status, body["code"].as_u64()), (429, Some(20429)));

    let (_, cleared) = send(env.control(Method::DELETE, "/faults")).await;
    assert_eq!(cleared["cleared"], 1);
    assert_eq!(
        send(env.unpod(Method::GET, "/telephony/providers-configurations/"))
            .await
            .0,
        200
    );

    let (status, _) = send(
        env.control(Method::POST, "/faults")
            .json(&json!({ "kind": "gremlins" })),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = send(
        env.control(Method::POST, "/faults")
            .json(&json!({ "kind": "drop", "count": 0 })),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn latency_delays_api_routes_but_not_control_routes() {
    // A latency far above what a loaded machine adds: control routes answer well
    // before it, API routes after it.
    let opts = SandboxOptions {
        latency: Duration::from_secs(3),
        ..SandboxOptions::default()
    };
    let env = Env::start_with(opts).await;
    queue(&env, json!({ "kind": "server_error", "count": 5 })).await;

    let started = Instant::now();
    assert_eq!(
        send(env.control(Method::GET, "/twilio/accounts")).await.0,
        200
    );
    assert_eq!(
        send(env.control(Method::GET, "/requests")).await.0,
        200,
        "control routes are never faulted"
    );
    assert!(started.elapsed() < Duration::from_secs(3));

    let started = Instant::now();
    assert_eq!(send(env.dasha(Method::GET, "/providers")).await.0, 500);
    assert!(started.elapsed() >= Duration::from_secs(3));
}

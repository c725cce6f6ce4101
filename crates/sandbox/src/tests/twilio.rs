//! The Twilio credential check.

use super::*;
use serde_json::json;

#[tokio::test]
async fn twilio_accepts_only_the_current_pair() {
    let env = Env::empty().await;
    let account = env.sandbox.twilio_accounts().into_iter().next().unwrap();
    let url = env.url(&format!("/2010-04-01/Accounts/{}.json", account.sid));
    let check = |token: &str| env.http.get(&url).basic_auth(&account.sid, Some(token));

    let (status, body) = send(check(&account.auth_token)).await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["sid"].as_str(), body["status"].as_str()),
        (Some(account.sid.as_str()), Some("active"))
    );
    assert_eq!(body["owner_account_sid"], account.sid.as_str());
    assert!(body["date_created"].as_str().unwrap().ends_with("+0000"));

    let new = env.sandbox.roll_twilio_token(&account.sid).unwrap();
    let (status, body) = send(check(&account.auth_token)).await;
    assert_eq!((status, body["code"].as_u64()), (401, Some(20003)));
    assert_eq!(body["message"], "Authentication Error - invalid username");
    assert_eq!(send(check(&new)).await.0, 200);

    let other = env.sandbox.twilio_accounts()[1].clone();
    let wrong_user = env
        .http
        .get(&url)
        .basic_auth(&other.sid, Some(&other.auth_token));
    assert_eq!(send(wrong_user).await.0, 401);
    assert_eq!(send(env.http.get(&url)).await.0, 401);
    let no_suffix = env
        .http
        .get(env.url(&format!("/2010-04-01/Accounts/{}", account.sid)));
    assert_eq!(send(no_suffix).await.1["status"], 404);
}

#[tokio::test]
async fn the_account_list_asks_for_credentials_as_twilio_does() {
    let env = Env::empty().await;
    let url = env.url("/2010-04-01/Accounts.json");
    let (status, body) = send(env.http.get(&url)).await;
    assert_eq!((status, body["code"].as_u64()), (401, Some(20003)));
    let account = env.sandbox.twilio_accounts().into_iter().next().unwrap();
    let (status, body) = send(
        env.http
            .get(&url)
            .basic_auth(&account.sid, Some(&account.auth_token)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["accounts"][0]["sid"], account.sid.as_str());
    let wrong = env.http.get(&url).basic_auth(&account.sid, Some("nope"));
    assert_eq!(send(wrong).await.0, 401);
}

#[tokio::test]
async fn twilio_reports_a_suspended_account_as_such() {
    let env = Env::empty().await;
    let suspended = env
        .sandbox
        .twilio_accounts()
        .into_iter()
        .find(|a| a.status == "suspended")
        .unwrap();
    let url = env.url(&format!("/2010-04-01/Accounts/{}.json", suspended.sid));
    let (status, body) = send(
        env.http
            .get(&url)
            .basic_auth(&suspended.sid, Some(&suspended.auth_token)),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("suspended")));
}

#[tokio::test]
async fn a_secondary_token_is_accepted_by_dasha_until_the_promotion_leaves_others_failing() {
    let env = Env::start().await;
    let sid = env.provider_sid(ACME_PROD_US).await;
    let primary = env.token_of(&sid);
    let accounts = |method: Method, path: &str, token: &str| {
        env.http
            .request(method, env.url(&format!("/v1/AuthTokens/{path}")))
            .basic_auth(&sid, Some(token))
    };
    let (status, created) = send(accounts(Method::POST, "Secondary", &primary)).await;
    assert_eq!(status, 201);
    let secondary = created["secondary_auth_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        created["date_created"].as_str().unwrap().contains('T'),
        "ISO 8601"
    );
    // As Twilio answers (a production client maps it: dixahq/twilio-client).
    let (status, exists) = send(accounts(Method::POST, "Secondary", &primary)).await;
    assert_eq!((status, exists["code"].as_u64()), (400, Some(70002)));
    let (status, wrong) = send(accounts(Method::POST, "Promote", &secondary)).await;
    assert_eq!(
        (status, wrong["code"].as_u64()),
        (401, Some(20003)),
        "only the primary administers the account"
    );

    // Dasha accepts the secondary (Twilio does), refuses anything else, changing nothing.
    let patch = |token: &str| {
        env.dasha(
            Method::PATCH,
            &format!("/providers/twilio/{ACME_PROD_US}/auth-token"),
        )
        .json(&json!({ "authToken": token }))
    };
    let (status, _) = send(patch(&"0".repeat(32))).await;
    assert_eq!(status, 400);
    let held = env.sandbox.tokens_held(&sid);
    assert!(held.contains(&(ACME_PROD_US.to_string(), primary.clone())));
    assert_eq!(send(patch(&secondary)).await.0, 200);
    let verify = |id: &str| env.dasha(Method::POST, &format!("/providers/{id}/verify"));
    assert_eq!(send(verify(ACME_PROD_US)).await.1["status"], "verified");
    assert_eq!(
        send(verify(ONBOARDING)).await.1["status"],
        "verified",
        "old works"
    );

    let (status, promoted) = send(accounts(Method::POST, "Promote", &primary)).await;
    assert_eq!(
        (status, promoted["auth_token"].as_str()),
        (200, Some(secondary.as_str()))
    );
    assert_eq!(send(verify(ACME_PROD_US)).await.1["status"], "verified");
    let (_, stale) = send(verify(ONBOARDING)).await;
    assert_eq!(stale["status"], "failed", "still on the old token: {stale}");
    assert_eq!(stale["checks"][0]["status"], "failed");
    let (status, none) = send(accounts(Method::POST, "Promote", &secondary)).await;
    assert_eq!((status, none["code"].as_u64()), (404, Some(20404)));
    assert_eq!(
        send(accounts(Method::DELETE, "Secondary", &secondary))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn faults_reach_the_accounts_routes() {
    let env = Env::start().await;
    let account = env.sandbox.twilio_accounts().into_iter().next().unwrap();
    let (status, _) = send(env.control(Method::POST, "/faults").json(
        &json!({ "kind": "server_error", "method": "POST", "path_prefix": "/v1/AuthTokens/" }),
    ))
    .await;
    assert!((200..300).contains(&status));
    let create = env
        .http
        .post(env.url("/v1/AuthTokens/Secondary"))
        .basic_auth(&account.sid, Some(&account.auth_token));
    let (status, body) = send(create).await;
    assert_eq!(
        (status, body["code"].as_u64()),
        (500, Some(20500)),
        "{body}"
    );
    assert!(
        env.sandbox.secondary_token(&account.sid).is_none(),
        "nothing created"
    );
    let (_, log) = send(env.control(Method::GET, "/requests")).await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|r| r["path"] == "/v1/AuthTokens/Secondary" && r["status"] == 500),
        "{log}"
    );
}

#[tokio::test]
async fn an_account_without_the_auth_tokens_api_answers_404_20404() {
    let env = Env::start().await;
    let sid = env.provider_sid(ACME_PROD_US).await;
    let primary = env.token_of(&sid);
    let (status, _) = send(
        env.control(
            Method::POST,
            &format!("/twilio/accounts/{sid}/auth-tokens-api"),
        )
        .json(&serde_json::json!({"enabled": false})),
    )
    .await;
    assert_eq!(status, 204);
    for path in ["Secondary", "Promote"] {
        let (status, body) = send(
            env.http
                .post(env.url(&format!("/v1/AuthTokens/{path}")))
                .basic_auth(&sid, Some(&primary)),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_u64()),
            (404, Some(20404)),
            "{path}"
        );
    }
    // The account itself still works.
    let (status, _) = send(
        env.http
            .get(env.url(&format!("/2010-04-01/Accounts/{sid}.json")))
            .basic_auth(&sid, Some(&primary)),
    )
    .await;
    assert_eq!(status, 200);
}

//! Unpod routes.

use super::*;
use serde_json::json;

const CONFIGS: &str = "/telephony/providers-configurations/";

#[tokio::test]
async fn unpod_auth_and_org_handle_errors_use_the_envelope() {
    let env = Env::start().await;
    let url = format!("{}{CONFIGS}", env.sandbox.unpod_base());
    let cases = [
        (
            env.http.get(&url),
            401,
            "Authentication credentials were not provided.",
        ),
        (
            env.http.get(&url).bearer_auth(UNPOD_TOKEN),
            401,
            "Authentication credentials were not provided.",
        ),
        (
            env.http.get(&url).header("Authorization", "Token wrong"),
            401,
            "Invalid token.",
        ),
        (
            env.http
                .get(&url)
                .header("Authorization", format!("Token {UNPOD_TOKEN}")),
            400,
            "Org-Handle header is required.",
        ),
        (
            env.http
                .get(&url)
                .header("Authorization", format!("Token {UNPOD_TOKEN}"))
                .header("Org-Handle", "other.example"),
            403,
            "You do not have access to organization 'other.example'.",
        ),
    ];
    for (request, status, message) in cases {
        let (got, body) = send(request).await;
        assert_eq!((got, body["message"].as_str()), (status, Some(message)));
        assert_eq!(body["status_code"], status);
        assert_eq!(body.get("data").is_some(), status < 401, "{body}");
    }

    let orgs = env
        .http
        .get(format!("{}/organizations/", env.sandbox.unpod_base()))
        .header("Authorization", format!("Token {UNPOD_TOKEN}"));
    let (status, body) = send(orgs).await;
    assert_eq!((status, body["count"].as_u64()), (200, Some(1)));
    assert_eq!(body["data"][0]["domain_handle"], UNPOD_ORG_HANDLE);
}

#[tokio::test]
async fn unpod_requires_the_trailing_slash_and_serves_both_spellings() {
    let env = Env::start().await;
    let (status, body) = send(env.unpod(Method::GET, "/telephony/providers-configurations")).await;
    assert_eq!((status, body["status_code"].as_u64()), (404, Some(404)));
    let (status, body) =
        send(env.unpod(Method::GET, "/telephony/providers-configurations/101")).await;
    assert_eq!((status, body["status_code"].as_u64()), (404, Some(404)));
    for path in [CONFIGS, "/telephony/provider-configurations/"] {
        let (status, body) = send(env.unpod(Method::GET, path)).await;
        assert_eq!(status, 200);
        assert_eq!(
            body["message"],
            "Provider configurations fetched successfully."
        );
        assert_eq!(body["data"].as_array().unwrap().len(), 3);
    }
}

#[tokio::test]
async fn a_sandbox_can_serve_one_spelling_only() {
    let env = Env::start_with(SandboxOptions {
        unpod_provider_configurations_path: Some("telephony/provider-configurations/".into()),
        ..SandboxOptions::default()
    })
    .await;
    let (status, body) = send(env.unpod(Method::GET, "/telephony/provider-configurations/")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 3);
    let (status, body) =
        send(env.unpod(Method::GET, "/telephony/provider-configurations/101/")).await;
    assert_eq!(status, 200, "{body}");
    for path in [CONFIGS, "/telephony/providers-configurations/101/"] {
        let (status, body) = send(env.unpod(Method::GET, path)).await;
        assert_eq!(
            (status, body["status_code"].as_u64()),
            (404, Some(404)),
            "{path}"
        );
    }
}

#[tokio::test]
async fn unpod_provider_configuration_lifecycle() {
    let env = Env::start().await;
    let (_, list) = send(env.unpod(Method::GET, CONFIGS)).await;
    let first = &list["data"][0];
    assert_eq!(
        (first["id"].as_i64(), first["provider"].as_str()),
        (Some(101), Some("twilio"))
    );
    assert!(first.get("auth_token").is_none() && first["created_at"].is_string());
    let dasha_sid = env.provider_sid(ACME_PROD_US).await;
    assert_eq!(
        first["account_sid"],
        dasha_sid.as_str(),
        "shared with Dasha"
    );

    // Seed 000 lists 400 "Invalid credentials" on create: the pair is checked.
    let (sid, token) = env.unlinked_account();
    let bogus = json!({ "provider": "twilio", "account_sid": sid, "auth_token": "0".repeat(32) });
    let (status, refused) = send(env.unpod(Method::POST, CONFIGS).json(&bogus)).await;
    assert_eq!(
        (status, refused["message"].as_str()),
        (400, Some("Invalid credentials"))
    );
    let body = json!({ "provider": "twilio", "account_sid": sid, "auth_token": token });
    let (status, created) = send(env.unpod(Method::POST, CONFIGS).json(&body)).await;
    assert_eq!(
        (status, created["message"].as_str()),
        (201, Some("Provider configuration created successfully."))
    );
    let id = created["data"]["id"].as_i64().unwrap();
    assert!(id > 103 && created["data"].get("auth_token").is_none());
    // The provider may be given by its catalogue id (seed 000: "slug or ID").
    let (status, by_id) = send(env.unpod(Method::DELETE, &format!("{CONFIGS}{id}/"))).await;
    assert_eq!(status, 204, "{by_id}");
    let numeric = json!({ "provider": 3, "account_sid": sid, "auth_token": token });
    let (status, created) = send(env.unpod(Method::POST, CONFIGS).json(&numeric)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["data"]["provider"], "twilio");
    let id = created["data"]["id"].as_i64().unwrap();
    let (status, conflict) = send(env.unpod(Method::POST, CONFIGS).json(&body)).await;
    assert_eq!(
        (status, conflict["message"].as_str()),
        (409, Some("Provider configuration already exists."))
    );

    let item = format!("{CONFIGS}{id}/");
    let (status, patched) = send(
        env.unpod(Method::PATCH, &item)
            .json(&json!({ "auth_token": "new" })),
    )
    .await;
    assert_eq!(
        (status, patched["message"].as_str()),
        (200, Some("Provider configuration updated successfully."))
    );
    let (status, invalid) = send(
        env.unpod(Method::PATCH, &item)
            .json(&json!({ "account_sid": "nope", "auth_token": "" })),
    )
    .await;
    assert_eq!(status, 206, "206 is Unpod's validation error on PATCH");
    assert_eq!(invalid["message"], "Invalid data.");
    assert!(invalid["data"]["account_sid"].is_array() && invalid["data"]["auth_token"].is_array());
    let (status, conflict) = send(
        env.unpod(Method::PATCH, &item)
            .json(&json!({ "account_sid": dasha_sid })),
    )
    .await;
    assert_eq!(status, 409, "{conflict}");

    let response = env.unpod(Method::DELETE, &item).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert!(response.text().await.unwrap().is_empty());
    let (status, missing) = send(env.unpod(Method::GET, &item)).await;
    assert_eq!(
        (status, missing["message"].as_str()),
        (404, Some("Provider configuration not found."))
    );
    assert_eq!(
        send(env.unpod(Method::GET, &format!("{CONFIGS}abc/")))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn unpod_create_validation_is_400_with_snake_case_fields() {
    let env = Env::start().await;
    let (status, body) = send(
        env.unpod(Method::POST, CONFIGS)
            .json(&json!({ "provider": "carrier-pigeon", "auth_token": "x".repeat(65) })),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("Invalid data."))
    );
    assert_eq!(
        body["data"]["provider"][0],
        "\"carrier-pigeon\" is not a valid choice."
    );
    assert_eq!(body["data"]["account_sid"][0], "This field is required.");
    assert!(body["data"]["auth_token"].is_array());

    let malformed = env
        .unpod(Method::POST, CONFIGS)
        .header("Content-Type", "application/json")
        .body("{oops");
    let (status, body) = send(malformed).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("JSON parse error")
    );
    let (status, _) = send(env.unpod(Method::PUT, CONFIGS)).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn the_token_may_be_a_member_of_several_organisations() {
    let env = Env::start_with(SandboxOptions {
        unpod_orgs: 3,
        twilio_providers: 2,
        ..SandboxOptions::default()
    })
    .await;
    let orgs = env
        .http
        .get(format!("{}/organizations/", env.sandbox.unpod_base()))
        .header("Authorization", format!("Token {UNPOD_TOKEN}"));
    let (status, body) = send(orgs).await;
    assert_eq!((status, body["count"].as_u64()), (200, Some(3)), "{body}");
    let handles: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["domain_handle"].as_str())
        .collect();
    assert_eq!(
        handles,
        [UNPOD_ORG_HANDLE, "sandbox-2.example", "sandbox-3.example"]
    );
    let in_org = |handle: &str| {
        env.http
            .get(format!("{}{CONFIGS}", env.sandbox.unpod_base()))
            .header("Authorization", format!("Token {UNPOD_TOKEN}"))
            .header("Org-Handle", handle)
    };
    // Each organisation lists its own configurations: the demo's three, then the
    // two targets, one each in the organisations that had none for Acme.
    let acme = env.provider_sid(ACME_PROD_US).await;
    for (handle, count) in [
        (UNPOD_ORG_HANDLE, 3),
        ("sandbox-2.example", 1),
        ("sandbox-3.example", 1),
    ] {
        let (status, body) = send(in_org(handle)).await;
        assert_eq!(status, 200, "{handle}: {body}");
        let data = body["data"].as_array().unwrap();
        assert_eq!(data.len(), count, "{handle}");
        assert!(data.iter().any(|c| c["account_sid"] == acme.as_str()));
    }
    let (status, _) = send(in_org("sandbox-4.example")).await;
    assert_eq!(status, 403, "not a member");
}

//! Dasha BlackBox routes.

use super::*;
use crate::DASHA_READONLY_TOKEN;
use crate::model::{SipCredential, SipFields, Source, Transport};
use crate::state::lock;
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn dasha_auth_is_401_without_a_known_bearer_and_403_for_readonly_writes() {
    let env = Env::start().await;
    let url = format!("{}/providers", env.sandbox.dasha_base());
    for request in [
        env.http.get(&url),
        env.http.get(&url).bearer_auth("nope"),
        env.http.get(&url).basic_auth("x", Some(DASHA_TOKEN)),
        env.http
            .get(&url)
            .header("Authorization", format!("Token {DASHA_TOKEN}")),
    ] {
        let (status, body) = send(request).await;
        assert_eq!(status, 401);
        assert_eq!(body["title"], "Unauthorized");
        assert_eq!(body["status"], 401);
        assert_eq!(body["instance"], "/api/v1/providers");
    }

    let (status, _) = send(env.http.get(&url).bearer_auth(DASHA_READONLY_TOKEN)).await;
    assert_eq!(status, 200);
    let delete = env
        .http
        .delete(format!("{url}/{ACME_PROD_US}"))
        .bearer_auth(DASHA_READONLY_TOKEN);
    let (status, body) = send(delete).await;
    assert_eq!((status, body["title"].as_str()), (403, Some("Forbidden")));
    let (status, _) = send(env.dasha(Method::GET, &format!("/providers/{ACME_PROD_US}"))).await;
    assert_eq!(status, 200, "the read-only delete changed nothing");
}

#[tokio::test]
async fn dasha_validation_errors_are_keyed_by_camel_case_field() {
    let env = Env::start().await;
    let body = json!({
        "server": "", "domain": null, "authUser": "u", "authPassword": "p".repeat(65),
        "transport": "sctp", "description": null, "cpsLimit": -1, "cpsKey": "k".repeat(256),
    });
    let response = env
        .dasha(Method::POST, "/sip-credentials")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json; charset=utf-8"
    );
    let (status, problem) = split(response).await;
    assert_eq!(status, 400);
    assert_eq!(problem["title"], "One or more validation errors occurred.");
    assert_eq!(problem["instance"], "/api/v1/sip-credentials");
    let keys: Vec<&str> = problem["errors"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["authPassword", "cpsKey", "cpsLimit", "server", "transport"]
    );
    assert!(
        problem["errors"]["authPassword"][0]
            .as_str()
            .unwrap()
            .contains("64")
    );

    let (status, problem) = send(
        env.dasha(Method::POST, "/sip-credentials")
            .json(&json!({"cpsLimit": "ten"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(problem["errors"]["cpsLimit"].is_array() && problem["errors"]["server"].is_array());
}

#[tokio::test]
async fn dasha_malformed_json_is_a_400_problem() {
    let env = Env::start().await;
    for body in ["{\"server\": ", "", "[1, 2]"] {
        let request = env
            .dasha(Method::POST, "/sip-credentials")
            .header("Content-Type", "application/json")
            .body(body);
        let (status, problem) = send(request).await;
        assert_eq!(status, 400, "{body:?}");
        assert!(problem["errors"]["$"][0].is_string(), "{problem}");
    }
    let request = env
        .dasha(Method::POST, "/sip-credentials")
        .header("Content-Type", "text/plain")
        .body("x");
    assert_eq!(send(request).await.0, 415);
}

#[tokio::test]
async fn dasha_unknown_and_non_uuid_ids_and_routes_are_404_problems() {
    let env = Env::start().await;
    for path in [
        "/providers/not-a-uuid",
        "/providers/00000000-0000-4000-8000-000000000000",
        "/providers/twilio/00000000-0000-4000-8000-000000000000",
        "/sip-credentials/123",
        "/sip-credentials/00000000-0000-4000-8000-000000000000/affected-agents",
        "/no-such-route",
    ] {
        let (status, problem) = send(env.dasha(Method::GET, path)).await;
        assert_eq!(
            (status, problem["title"].as_str()),
            (404, Some("Not Found")),
            "{path}"
        );
    }
    let (status, problem) = send(env.dasha(Method::PATCH, "/sip-credentials")).await;
    assert_eq!((status, problem["status"].as_u64()), (405, Some(405)));
}

#[tokio::test]
async fn seeded_providers_cover_every_status_with_matching_checks() {
    let env = Env::start().await;
    let (status, page) = send(env.dasha(Method::GET, "/providers")).await;
    assert_eq!(status, 200);
    let items = page["items"].as_array().unwrap();
    assert_eq!(page["totalCount"].as_u64(), Some(items.len() as u64));
    let statuses: HashSet<&str> = items
        .iter()
        .filter_map(|p| p["verificationStatus"].as_str())
        .collect();
    assert_eq!(
        statuses,
        HashSet::from(["verified", "warning", "failed", "pending"])
    );
    assert!(
        items
            .iter()
            .all(|p| p.get("authToken").is_none() && p["providerType"] == "twilio")
    );

    let by_id = |id: &str| items.iter().find(|p| p["id"] == id).unwrap().clone();
    let pending = by_id(ONBOARDING);
    assert_eq!(pending["verificationStatus"], "pending");
    assert!(pending["lastVerifiedAt"].is_null() && pending["verificationDetails"].is_null());

    let warning = by_id(EU_SUPPORT);
    let numbers = &warning["verificationDetails"][3];
    assert_eq!(numbers["checkName"], "phoneNumbers");
    assert_eq!(
        numbers["message"],
        "2 of 5 numbers are no longer attached to the trunk"
    );
    assert_eq!(numbers["details"]["attached"], 3);
    assert_eq!(warning["phoneNumberCount"], 5);

    let trunk = &by_id(APAC_PILOT)["verificationDetails"][1];
    assert_eq!(trunk["status"], "failed");
    assert!(trunk["message"].as_str().unwrap().starts_with("Trunk TK"));

    let credentials = &by_id(GLOBEX_STAGING)["verificationDetails"][0];
    assert_eq!(
        credentials["message"],
        "Authentication Error - invalid username (20003)"
    );
}

#[tokio::test]
async fn verification_follows_token_rolls_and_auth_token_patch() {
    let env = Env::start().await;
    let verify = || env.dasha(Method::POST, &format!("/providers/{ACME_PROD_US}/verify"));
    let (status, result) = send(verify()).await;
    assert_eq!((status, result["status"].as_str()), (200, Some("verified")));
    assert_eq!(result["checks"].as_array().unwrap().len(), 4);

    let sid = env.provider_sid(ACME_PROD_US).await;
    let old = env.token_of(&sid);
    let new = env.sandbox.roll_twilio_token(&sid).unwrap();
    assert_ne!(old, new);
    let (_, result) = send(verify()).await;
    assert_eq!(result["status"], "failed");
    assert_eq!(result["checks"][0]["status"], "failed");
    assert_eq!(result["checks"][0]["details"]["accountSid"], sid.as_str());

    let patch = |token: &str| {
        env.dasha(
            Method::PATCH,
            &format!("/providers/twilio/{ACME_PROD_US}/auth-token"),
        )
        .json(&json!({ "authToken": token }))
    };
    let (status, problem) = send(patch(&old)).await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (400, Some("Twilio credentials rejected"))
    );
    assert!(
        problem["errors"]["authToken"][0]
            .as_str()
            .unwrap()
            .contains("20003")
    );
    let (_, provider) = send(env.dasha(Method::GET, &format!("/providers/{ACME_PROD_US}"))).await;
    assert_eq!(
        provider["verificationStatus"], "failed",
        "a rejected token changes nothing"
    );
    assert_eq!(send(verify()).await.1["status"], "failed");

    let (status, provider) = send(patch(&new)).await;
    assert_eq!((status, provider["id"].as_str()), (200, Some(ACME_PROD_US)));
    let (_, result) = send(verify()).await;
    assert_eq!(result["status"], "verified");
    let (_, provider) =
        send(env.dasha(Method::GET, &format!("/providers/twilio/{ACME_PROD_US}"))).await;
    assert_eq!(provider["lastVerifiedAt"], result["lastVerifiedAt"]);

    let (status, problem) = send(patch("XYZ")).await;
    assert_eq!(status, 400);
    assert!(problem["errors"]["authToken"].is_array());
}

#[tokio::test]
async fn creating_a_provider_checks_the_pair_with_twilio() {
    let env = Env::empty().await;
    let accounts = env.sandbox.twilio_accounts();
    let active = accounts.iter().find(|a| a.status == "active").unwrap();
    let suspended = accounts.iter().find(|a| a.status == "suspended").unwrap();
    let create = |sid: &str, token: &str| {
        env.dasha(Method::POST, "/providers/twilio")
            .json(&json!({ "name": "new", "accountSid": sid, "authToken": token, "region": "ie1" }))
    };

    let (status, problem) = send(create(&active.sid, &"0".repeat(32))).await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (400, Some("Twilio credentials rejected"))
    );
    let (_, problem) = send(create(&suspended.sid, &suspended.auth_token)).await;
    assert_eq!(problem["errors"]["authToken"][0], "Account is suspended");
    let (status, problem) = send(create("AC123", "ABC")).await;
    assert_eq!(status, 400);
    assert!(
        problem["errors"]["accountSid"].is_array() && problem["errors"]["authToken"].is_array()
    );
    assert_eq!(
        send(env.dasha(Method::GET, "/providers")).await.1["totalCount"],
        0
    );

    let response = create(&active.sid, &active.auth_token)
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/api/v1/providers/twilio/")
    );
    let (status, provider) = split(response).await;
    assert_eq!(status, 201);
    assert_eq!(provider["verificationStatus"], "verified");
    assert_eq!(provider["region"], "ie1");
    assert!(provider["trunkSid"].as_str().unwrap().starts_with("TK"));
    let (_, creds) = send(env.dasha(Method::GET, "/sip-credentials")).await;
    assert_eq!(creds["items"][0]["source"], "provider");
    assert_eq!(creds["items"][0]["providerId"], provider["id"]);

    let id = provider["id"].as_str().unwrap();
    let update = json!({ "supportsCallTransfer": true, "name": null });
    let (status, updated) = send(
        env.dasha(Method::PUT, &format!("/providers/twilio/{id}"))
            .json(&update),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            updated["name"].as_str(),
            updated["supportsCallTransfer"].as_bool()
        ),
        (Some("new"), Some(true))
    );
    let (status, _) = send(
        env.dasha(Method::PUT, &format!("/providers/twilio/{id}"))
            .json(&json!({"name": "n".repeat(101)})),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn sip_credential_create_get_replace_delete() {
    let env = Env::start().await;
    let body = json!({
        "server": "sip.example:5061", "domain": "example", "authUser": "bob", "authPassword": "s3cret",
        "transport": "tls", "description": "test", "cpsLimit": 5, "cpsKey": "k",
    });
    let (status, created) = send(env.dasha(Method::POST, "/sip-credentials").json(&body)).await;
    assert_eq!(status, 201);
    assert_eq!(
        (created["source"].as_str(), created["transport"].as_str()),
        (Some("manual"), Some("tls"))
    );
    assert!(created["orgId"].is_string() && created["providerId"].is_null());
    let id = created["id"].as_str().unwrap();

    let replacement = json!({ "server": "sip2.example", "domain": null, "authUser": null, "authPassword": null,
        "transport": null, "description": null, "cpsLimit": null, "cpsKey": null });
    let (status, replaced) = send(
        env.dasha(Method::PUT, &format!("/sip-credentials/{id}"))
            .json(&replacement),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(replaced["id"], id);
    assert_eq!(replaced["transport"], "udp");
    assert!(replaced["authUser"].is_null() && replaced["cpsLimit"].is_null());
    assert_eq!(replaced["createdTime"], created["createdTime"]);

    // The documented cpsLimit is `number<float> | null`: 2.5 is kept as sent.
    let fractional = json!({ "server": "sip3.example", "cpsLimit": 2.5 });
    let (status, kept) = send(
        env.dasha(Method::PUT, &format!("/sip-credentials/{id}"))
            .json(&fractional),
    )
    .await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["cpsLimit"], json!(2.5));

    assert_eq!(
        send(env.dasha(Method::DELETE, &format!("/sip-credentials/{id}")))
            .await
            .0,
        204
    );
    assert_eq!(
        send(env.dasha(Method::GET, &format!("/sip-credentials/{id}")))
            .await
            .0,
        404
    );
    assert_eq!(
        send(env.dasha(
            Method::DELETE,
            &format!("/sip-credentials/{IDLE_CREDENTIAL}")
        ))
        .await
        .0,
        204
    );
}

#[tokio::test]
async fn deleting_a_used_credential_is_409_with_dependants_unless_forced() {
    let env = Env::start().await;
    let path = format!("/sip-credentials/{BUSY_CREDENTIAL}");
    let (status, problem) = send(env.dasha(Method::DELETE, &path)).await;
    assert_eq!(status, 409);
    assert_eq!(problem["title"], "Conflict");
    assert_eq!(
        problem["detail"],
        "SIP credential is used by 3 phone numbers"
    );
    let numbers = problem["phoneNumbers"].as_array().unwrap();
    assert_eq!(numbers.len(), 3);
    let first_agents = &numbers[0]["affectedAgents"];
    assert_eq!(first_agents.as_array().unwrap().len(), 2);
    assert!(
        first_agents
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["uses"] == json!(["inbound"]))
    );

    let (status, affected) = send(env.dasha(Method::GET, &format!("{path}/affected-agents"))).await;
    assert_eq!(status, 200);
    assert_eq!(affected["phoneNumbers"], problem["phoneNumbers"]);
    assert!(affected["affectedCallsCount"].as_u64().unwrap() > 0);

    assert_eq!(
        send(env.dasha(Method::DELETE, &format!("{path}?force=maybe")))
            .await
            .0,
        400
    );
    assert_eq!(
        send(env.dasha(Method::DELETE, &format!("{path}?force=false")))
            .await
            .0,
        409
    );
    assert_eq!(
        send(env.dasha(Method::DELETE, &format!("{path}?force=true")))
            .await
            .0,
        204
    );
    let (_, numbers_page) = send(env.dasha(Method::GET, "/sip-phone-numbers?take=1000")).await;
    let remaining = numbers_page["items"].as_array().unwrap();
    assert!(
        remaining
            .iter()
            .all(|n| n["credentialsId"] != BUSY_CREDENTIAL)
    );
    let world = lock(&env.sandbox.shared.world);
    let ids: Vec<_> = world.phone_numbers.iter().map(|n| n.id).collect();
    assert!(
        world
            .agents
            .iter()
            .all(|a| a.outbound_numbers.iter().all(|n| ids.contains(n)))
    );
}

#[tokio::test]
async fn provider_managed_credentials_are_read_only() {
    let env = Env::start().await;
    let path = format!("/sip-credentials/{MANAGED_CREDENTIAL}");
    let (_, credential) = send(env.dasha(Method::GET, &path)).await;
    assert_eq!(
        (
            credential["source"].as_str(),
            credential["providerId"].as_str()
        ),
        (Some("provider"), Some(ACME_PROD_US))
    );
    let (status, problem) = send(env.dasha(Method::PUT, &path).json(&json!({"server": "x"}))).await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (400, Some("Read-only credential"))
    );
    let (status, problem) = send(env.dasha(Method::DELETE, &format!("{path}?force=true"))).await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (400, Some("Read-only credential"))
    );
}

#[tokio::test]
async fn deleting_a_provider_cascades_to_its_credentials_and_numbers() {
    let env = Env::start().await;
    let numbers = format!("/sip-phone-numbers?providerId={ACME_PROD_US}");
    let (_, page) = send(env.dasha(Method::GET, &numbers)).await;
    assert_eq!(page["totalCount"], 5);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["providerId"] == ACME_PROD_US)
    );

    assert_eq!(
        send(env.dasha(Method::DELETE, &format!("/providers/{ACME_PROD_US}")))
            .await
            .0,
        204
    );
    assert_eq!(
        send(env.dasha(Method::GET, &format!("/providers/{ACME_PROD_US}")))
            .await
            .0,
        404
    );
    assert_eq!(
        send(env.dasha(
            Method::GET,
            &format!("/sip-credentials/{MANAGED_CREDENTIAL}")
        ))
        .await
        .0,
        404
    );
    assert_eq!(
        send(env.dasha(Method::GET, &numbers)).await.1["totalCount"],
        0
    );
    assert_eq!(
        send(env.dasha(Method::DELETE, &format!("/providers/{ACME_PROD_US}")))
            .await
            .0,
        404
    );
    assert_eq!(
        send(env.dasha(Method::GET, "/sip-phone-numbers?providerId=nope"))
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn paging_goes_past_a_thousand_items() {
    let env = Env::start().await;
    let seeded = lock(&env.sandbox.shared.world).sip_credentials.len();
    {
        let mut world = lock(&env.sandbox.shared.world);
        let at = crate::state::now();
        for i in 0..1100u128 {
            world.sip_credentials.push(SipCredential {
                id: uuid::Uuid::from_u128(0xf000_0000_0000_4000_8000_0000_0000_0000 | i),
                fields: SipFields {
                    server: format!("bulk-{i}.example"),
                    domain: None,
                    auth_user: None,
                    auth_password: None,
                    transport: Transport::Udp,
                    description: None,
                    cps_limit: None,
                    cps_key: None,
                },
                source: Source::Manual,
                provider_id: None,
                created_time: at,
                last_update_time: at,
            });
        }
    }
    let total = seeded + 1100;
    let page = |query: &str| send(env.dasha(Method::GET, &format!("/sip-credentials{query}")));

    let (status, first) = page("?skip=0&take=1000").await;
    assert_eq!(status, 200);
    assert_eq!(first["items"].as_array().unwrap().len(), 1000);
    assert_eq!(
        (first["totalCount"].as_u64(), first["take"].as_u64()),
        (Some(total as u64), Some(1000))
    );
    let (_, second) = page("?skip=1000&take=1000").await;
    assert_eq!(second["items"].as_array().unwrap().len(), total - 1000);
    let mut ids: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    ids.extend(
        second["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap()),
    );
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        total,
        "no item twice, none missing"
    );
    assert_eq!(
        ids.last(),
        Some(&"f0000000-0000-4000-8000-00000000044b"),
        "ordered by createdTime then id"
    );

    let (_, default) = page("").await;
    assert_eq!(
        (
            default["items"].as_array().unwrap().len(),
            default["skip"].as_u64()
        ),
        (20, Some(0))
    );
    let (_, beyond) = page("?skip=5000").await;
    assert!(beyond["items"].as_array().unwrap().is_empty());
    for (query, field) in [
        ("?take=1001", "take"),
        ("?take=0", "take"),
        ("?skip=-1", "skip"),
        ("?take=x", "take"),
    ] {
        let (status, problem) = page(query).await;
        assert_eq!(status, 400, "{query}");
        assert!(problem["errors"][field].is_array(), "{query}: {problem}");
    }
}

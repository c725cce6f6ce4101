//! Twilio's Elastic SIP Trunking API and the 2010 API's SIP credential lists.

use super::*;
use serde_json::json;

/// Form bodies (`application/x-www-form-urlencoded`), as Twilio's API takes them.
trait Form {
    fn form(self, pairs: &[(&str, &str)]) -> Self;
}

impl Form for RequestBuilder {
    fn form(self, pairs: &[(&str, &str)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

/// The demo trunk's account (Acme Production) and its current token.
fn acme(env: &Env) -> (String, String) {
    let a = env.sandbox.twilio_accounts().into_iter().next().unwrap();
    (a.sid, a.auth_token)
}

impl Env {
    /// A trunking request (`path` under `/trunking`) with a basic-auth pair.
    fn trunking(&self, method: Method, path: &str, sid: &str, token: &str) -> RequestBuilder {
        self.http
            .request(
                method,
                format!("{}{path}", self.sandbox.twilio_trunking_base()),
            )
            .basic_auth(sid, Some(token))
    }

    /// A request on the demo list's credentials (`rest` after `/Credentials`).
    fn credentials(&self, method: Method, list: &str, rest: &str) -> RequestBuilder {
        let (sid, token) = acme(self);
        self.http
            .request(
                method,
                self.url(&format!(
                    "/2010-04-01/Accounts/{sid}/SIP/CredentialLists/{list}/Credentials{rest}"
                )),
            )
            .basic_auth(sid, Some(token))
    }

    /// The demo trunk's sid and its list's sid.
    async fn demo_trunk(&self) -> (String, String) {
        let (sid, token) = acme(self);
        let (_, body) = send(self.trunking(Method::GET, "/v1/Trunks", &sid, &token)).await;
        let trunk = body["trunks"][0]["sid"].as_str().unwrap().to_string();
        let path = format!("/v1/Trunks/{trunk}/CredentialLists");
        let (_, lists) = send(self.trunking(Method::GET, &path, &sid, &token)).await;
        let list = lists["credential_lists"][0]["sid"].as_str().unwrap();
        (trunk, list.to_string())
    }
}

#[tokio::test]
async fn the_trunking_api_lists_the_accounts_trunks_and_their_credential_lists() {
    let env = Env::start().await;
    let (sid, token) = acme(&env);
    let (status, body) = send(env.trunking(Method::GET, "/v1/Trunks", &sid, &token)).await;
    assert_eq!(status, 200, "{body}");
    let trunk = &body["trunks"][0];
    assert_eq!(trunk["domain_name"], crate::seed::DEMO_TRUNK_DOMAIN);
    assert_eq!(trunk["account_sid"], sid.as_str());
    assert!(trunk["sid"].as_str().unwrap().starts_with("TK"));
    assert_eq!(body["meta"]["key"], "trunks");
    assert!(body["meta"]["next_page_url"].is_null());
    assert!(trunk["date_created"].as_str().unwrap().ends_with('Z'));

    let path = format!(
        "/v1/Trunks/{}/CredentialLists",
        trunk["sid"].as_str().unwrap()
    );
    let (status, lists) = send(env.trunking(Method::GET, &path, &sid, &token)).await;
    assert_eq!(status, 200, "{lists}");
    let list = &lists["credential_lists"][0];
    assert!(list["sid"].as_str().unwrap().starts_with("CL"));
    assert_eq!(list["trunk_sid"], trunk["sid"]);
    assert_eq!(lists["meta"]["key"], "credential_lists");

    // Another account sees none of them; a wrong token is Twilio's 401.
    let (other, other_token) = env.unlinked_account();
    let (status, body) = send(env.trunking(Method::GET, "/v1/Trunks", &other, &other_token)).await;
    assert_eq!(
        (status, body["trunks"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let (status, body) = send(env.trunking(Method::GET, &path, &other, &other_token)).await;
    assert_eq!((status, body["code"].as_u64()), (404, Some(20404)));
    let (status, body) = send(env.trunking(Method::GET, "/v1/Trunks", &sid, "wrong")).await;
    assert_eq!((status, body["code"].as_u64()), (401, Some(20003)));
    assert_eq!(
        body["more_info"],
        "https://www.twilio.com/docs/errors/20003"
    );
    let (status, body) = send(env.http.get(env.url("/trunking/v1/Nothing"))).await;
    assert_eq!((status, body["status"].as_u64()), (404, Some(404)));
}

#[tokio::test]
async fn trunks_are_paged_with_absolute_next_page_urls() {
    let env = Env::start().await;
    let (sid, token) = acme(&env);
    {
        let mut world = super::super::state::lock(&env.sandbox.shared.world);
        let first = world.elastic_trunks[0].clone();
        for n in 0..4 {
            let mut t = first.clone();
            t.sid = format!("TK{n:032}");
            t.domain_name = format!("extra-{n}.pstn.twilio.com");
            world.elastic_trunks.push(t);
        }
    }
    let mut url = format!(
        "{}/v1/Trunks?PageSize=2",
        env.sandbox.twilio_trunking_base()
    );
    let mut seen = Vec::new();
    for _ in 0..5 {
        let (status, body) = send(env.http.get(&url).basic_auth(&sid, Some(&token))).await;
        assert_eq!(status, 200, "{body}");
        for t in body["trunks"].as_array().unwrap() {
            seen.push(t["domain_name"].as_str().unwrap().to_string());
        }
        match body["meta"]["next_page_url"].as_str() {
            Some(next) => {
                assert!(
                    next.starts_with(&env.sandbox.twilio_trunking_base()),
                    "{next}"
                );
                url = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert_eq!(seen[4], "extra-3.pstn.twilio.com");
}

#[tokio::test]
async fn credentials_are_listed_paged_and_never_with_a_password() {
    let env = Env::start().await;
    let (_, list) = env.demo_trunk().await;
    let (status, body) = send(env.credentials(Method::GET, &list, ".json?PageSize=1")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["credentials"].as_array().unwrap().len(), 1);
    let next = body["next_page_uri"].as_str().unwrap().to_string();
    assert!(next.starts_with("/2010-04-01/Accounts/AC"), "{next}");
    let (sid, token) = acme(&env);
    let (status, second) = send(env.http.get(env.url(&next)).basic_auth(&sid, Some(&token))).await;
    assert_eq!(status, 200);
    assert!(second["next_page_uri"].is_null());
    let c = &second["credentials"][0];
    assert!(c["sid"].as_str().unwrap().starts_with("CR"));
    assert!(c["date_created"].as_str().unwrap().ends_with("+0000"));
    let text = format!("{body}{second}");
    let world = super::super::state::lock(&env.sandbox.shared.world);
    for c in &world.credential_lists[0].credentials {
        assert!(!text.contains(&c.password), "a password in {text}");
    }
    assert!(!text.contains("password"), "{text}");
}

#[tokio::test]
async fn credentials_are_created_changed_and_deleted_as_twilio_does() {
    let env = Env::start().await;
    let (_, list) = env.demo_trunk().await;
    let create = |user: &str, password: &str| {
        env.credentials(Method::POST, &list, ".json")
            .form(&[("Username", user), ("Password", password)])
    };
    let (status, made) = send(create("acme-voice-2", "IWasAtSignal2018")).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["username"], "acme-voice-2");
    assert!(made.get("password").is_none());
    let cr = made["sid"].as_str().unwrap().to_string();

    for (user, password, says) in [
        ("acme-voice-2", "IWasAtSignal2019", "already exists"),
        ("weak", "short1A", "at least 12"),
        ("weak", "nodigitsinthisone", "digit"),
        ("", "IWasAtSignal2018", "Username is required"),
        (&"u".repeat(33), "IWasAtSignal2018", "32 characters"),
        ("nopass", "", "Password is required"),
    ] {
        let (status, body) = send(create(user, password)).await;
        assert_eq!(
            (status, body["code"].as_u64()),
            (400, Some(21243)),
            "{user}: {body}"
        );
        assert!(body["message"].as_str().unwrap().contains(says), "{body}");
        assert_eq!(body["status"], 400);
        assert_eq!(
            body["more_info"],
            "https://www.twilio.com/docs/errors/21243"
        );
    }

    let path = format!("/{cr}.json");
    let (status, body) = send(
        env.credentials(Method::POST, &list, &path)
            .form(&[("Password", "weakpassword")]),
    )
    .await;
    assert_eq!((status, body["code"].as_u64()), (400, Some(21243)));
    let (status, body) = send(
        env.credentials(Method::POST, &list, &path)
            .form(&[("Password", "AnotherSignal2020")]),
    )
    .await;
    assert_eq!(
        (status, body["username"].as_str()),
        (200, Some("acme-voice-2"))
    );
    let stored = super::super::state::lock(&env.sandbox.shared.world).credential_lists[0]
        .credentials
        .iter()
        .find(|c| c.username == "acme-voice-2")
        .map(|c| c.password.clone());
    assert_eq!(stored.as_deref(), Some("AnotherSignal2020"));

    let (status, body) = send(env.credentials(Method::DELETE, &list, &path)).await;
    assert_eq!((status, body), (204, Value::Null));
    let (status, body) = send(env.credentials(Method::DELETE, &list, &path)).await;
    assert_eq!((status, body["code"].as_u64()), (404, Some(20404)));
    assert!(
        !env.sandbox
            .credential_list_usernames(&list)
            .contains(&"acme-voice-2".to_string())
    );

    // Another account's pair, or a list of another account, is refused.
    let (other, other_token) = env.unlinked_account();
    let url = env.url(&format!(
        "/2010-04-01/Accounts/{other}/SIP/CredentialLists/{list}/Credentials.json"
    ));
    let (status, body) = send(env.http.get(&url).basic_auth(&other, Some(&other_token))).await;
    assert_eq!((status, body["code"].as_u64()), (404, Some(20404)));
    let (sid, _) = acme(&env);
    let url = env.url(&format!(
        "/2010-04-01/Accounts/{sid}/SIP/CredentialLists/{list}/Credentials.json"
    ));
    let (status, _) = send(env.http.get(&url).basic_auth(&other, Some(&other_token))).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_secondary_token_works_and_the_request_log_keeps_the_order() {
    let env = Env::start().await;
    let (_, list) = env.demo_trunk().await;
    let (sid, _) = acme(&env);
    let secondary = super::super::state::lock(&env.sandbox.shared.world)
        .create_secondary(&sid)
        .unwrap()
        .unwrap();
    let (status, _) = send(env.trunking(Method::GET, "/v1/Trunks", &sid, &secondary)).await;
    assert_eq!(status, 200);
    send(env.control(Method::DELETE, "/requests")).await;
    let (_, made) = send(
        env.credentials(Method::POST, &list, ".json")
            .form(&[("Username", "next"), ("Password", "IWasAtSignal2018")]),
    )
    .await;
    let cr = made["sid"].as_str().unwrap();
    send(env.credentials(Method::DELETE, &list, &format!("/{cr}.json"))).await;
    let (_, log) = send(env.control(Method::GET, "/requests")).await;
    let log: Vec<(String, u64)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_string(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(log, vec![("POST".into(), 201), ("DELETE".into(), 204)]);
}

#[tokio::test]
async fn faults_reach_the_trunking_and_credential_list_routes() {
    let env = Env::start().await;
    let (_, list) = env.demo_trunk().await;
    let (sid, token) = acme(&env);
    let rule = json!({ "kind": "server_error", "path_prefix": "/trunking/v1/Trunks" });
    assert_eq!(
        send(env.control(Method::POST, "/faults").json(&rule))
            .await
            .0,
        201
    );
    let (status, body) = send(env.trunking(Method::GET, "/v1/Trunks", &sid, &token)).await;
    assert_eq!((status, body["code"].as_u64()), (500, Some(20500)));
    let rule = json!({ "kind": "rate_limited", "method": "POST",
        "path_prefix": format!("/2010-04-01/Accounts/{sid}/SIP/CredentialLists/") });
    assert_eq!(
        send(env.control(Method::POST, "/faults").json(&rule))
            .await
            .0,
        201
    );
    let response = env
        .credentials(Method::POST, &list, ".json")
        .form(&[("Username", "x"), ("Password", "IWasAtSignal2018")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(env.sandbox.credential_list_usernames(&list).len(), 2);
}

#[tokio::test]
async fn a_new_list_is_created_and_attached_to_the_trunk() {
    let env = Env::start().await;
    let (trunk, _) = env.demo_trunk().await;
    let (sid, token) = acme(&env);
    let lists_url = env.url(&format!(
        "/2010-04-01/Accounts/{sid}/SIP/CredentialLists.json"
    ));
    let create = |name: &str| {
        env.http
            .post(&lists_url)
            .basic_auth(&sid, Some(&token))
            .form(&[("FriendlyName", name)])
    };
    let (status, made) = send(create("Second list")).await;
    assert_eq!(status, 201, "{made}");
    let list = made["sid"].as_str().unwrap().to_string();
    assert!(list.starts_with("CL"));
    for (name, says) in [("Second list", "already exists"), ("", "required")] {
        let (status, body) = send(create(name)).await;
        assert_eq!(
            (status, body["code"].as_u64()),
            (400, Some(21240)),
            "{body}"
        );
        assert!(body["message"].as_str().unwrap().contains(says), "{body}");
    }
    let path = format!("/v1/Trunks/{trunk}/CredentialLists");
    let attach = |list: &str| {
        env.trunking(Method::POST, &path, &sid, &token)
            .form(&[("CredentialListSid", list)])
    };
    let (status, body) = send(attach(&list)).await;
    assert_eq!(
        (status, body["trunk_sid"].as_str()),
        (201, Some(trunk.as_str()))
    );
    assert_eq!(send(attach(&list)).await.0, 400);
    assert_eq!(send(attach("CLnope")).await.1["code"], 20404);
    let (_, lists) = send(env.trunking(Method::GET, &path, &sid, &token)).await;
    assert_eq!(lists["credential_lists"].as_array().unwrap().len(), 2);
    assert_eq!(lists["credential_lists"][1]["friendly_name"], "Second list");
}

//! The Twilio trunking client against the sandbox over loopback (trunks, a trunk's
//! credential lists, a list's credentials, create, change a password, delete), and
//! against scripted hostile servers (endless pages, a next page on another host,
//! huge and malformed answers, escape sequences, echoed passwords).

use crate::support::{http, requests, sandbox};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use telcreds::api::ApiError;
use telcreds::api::twilio_trunking::TwilioTrunking;
use telcreds::sandbox::{Sandbox, Seed};
use telcreds::secret::Secret;
use tokio::net::TcpListener;

/// A canary password: it must never come back in any answer or error.
const CANARY: &str = "CANARY-Trunk-Pa55word9";

/// A client for the demo trunk's account (Acme Production) on the sandbox.
fn client(sb: &Sandbox) -> TwilioTrunking {
    let account = sb.twilio_accounts().into_iter().next().unwrap();
    TwilioTrunking::new(
        http(),
        &sb.twilio_base(),
        &sb.twilio_trunking_base(),
        &account.sid,
        Secret::new(account.auth_token),
    )
}

#[tokio::test]
async fn trunks_lists_and_credentials_are_read_from_the_sandbox() {
    let sb = sandbox(Seed::Demo).await;
    let twilio = client(&sb);
    let trunks = twilio.list_trunks().await.unwrap();
    assert_eq!(trunks.len(), 1);
    let trunk = &trunks[0];
    assert!(trunk.sid.starts_with("TK"));
    assert_eq!(
        trunk.domain_name.as_deref(),
        Some("acme-voice.pstn.twilio.localhost")
    );
    assert_eq!(trunk.friendly_name.as_deref(), Some("Acme voice"));
    let lists = twilio.trunk_credential_lists(&trunk.sid).await.unwrap();
    assert_eq!(lists.len(), 1);
    assert!(lists[0].sid.starts_with("CL"));
    let credentials = twilio.list_credentials(&lists[0].sid).await.unwrap();
    let names: Vec<&str> = credentials.iter().map(|c| c.username.as_str()).collect();
    assert_eq!(names, ["acme-voice-backup", "vx-01"]);
    assert!(credentials.iter().all(|c| c.sid.starts_with("CR")));

    // Another account's pair sees no trunk; a wrong token is unauthorized.
    let wrong = TwilioTrunking::new(
        http(),
        &sb.twilio_base(),
        &sb.twilio_trunking_base(),
        &sb.twilio_accounts()[0].sid,
        Secret::new("0000000000000000000000000000dead"),
    );
    assert!(matches!(
        wrong.list_trunks().await,
        Err(ApiError::Unauthorized { .. })
    ));
    assert!(matches!(
        twilio.trunk_credential_lists("TKnope").await,
        Err(ApiError::NotFound { .. })
    ));
}

#[tokio::test]
async fn credentials_are_created_changed_and_deleted_in_order() {
    let sb = sandbox(Seed::Demo).await;
    let twilio = client(&sb);
    let trunk = twilio.list_trunks().await.unwrap().remove(0);
    let list = twilio
        .trunk_credential_lists(&trunk.sid)
        .await
        .unwrap()
        .remove(0);
    let made = twilio
        .create_credential(&list.sid, "vx-01-r2", &Secret::new(CANARY))
        .await
        .unwrap();
    assert_eq!(made.username, "vx-01-r2");
    let weak = twilio
        .create_credential(&list.sid, "weak", &Secret::new("short"))
        .await
        .unwrap_err();
    assert!(
        matches!(&weak, ApiError::Validation { message, .. } if message.contains("21243")),
        "{weak:?}"
    );
    let twice = twilio
        .create_credential(&list.sid, "vx-01-r2", &Secret::new(CANARY))
        .await
        .unwrap_err();
    assert!(twice.to_string().contains("already exists"), "{twice}");
    assert!(!format!("{weak:?}{twice:?}{twice}").contains(CANARY));

    let changed = twilio
        .update_password(&list.sid, &made.sid, &Secret::new("AnotherSignal2020"))
        .await
        .unwrap();
    assert_eq!(changed.sid, made.sid);
    twilio
        .delete_credential(&list.sid, &made.sid)
        .await
        .unwrap();
    assert!(matches!(
        twilio.delete_credential(&list.sid, &made.sid).await,
        Err(ApiError::NotFound { .. })
    ));
    let log: Vec<(String, u16)> = requests(&sb)
        .await
        .into_iter()
        .filter(|(_, p, _)| p.contains("/SIP/CredentialLists/"))
        .map(|(m, _, s)| (m, s))
        .collect();
    assert_eq!(
        log,
        [
            ("POST".to_string(), 201),
            ("POST".to_string(), 400),
            ("POST".to_string(), 400),
            ("POST".to_string(), 200),
            ("DELETE".to_string(), 204),
            ("DELETE".to_string(), 404),
        ]
    );
}

#[tokio::test]
async fn lists_follow_every_page() {
    let sb = sandbox(Seed::Demo).await;
    let twilio = client(&sb).with_page_size(1);
    let trunk = twilio.list_trunks().await.unwrap().remove(0);
    let list = twilio
        .trunk_credential_lists(&trunk.sid)
        .await
        .unwrap()
        .remove(0);
    for n in 0..3 {
        twilio
            .create_credential(&list.sid, &format!("more-{n}"), &Secret::new(CANARY))
            .await
            .unwrap();
    }
    let all = twilio.list_credentials(&list.sid).await.unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[4].username, "more-2");
    let pages = requests(&sb)
        .await
        .into_iter()
        .filter(|(m, p, _)| m == "GET" && p.ends_with("/Credentials.json"))
        .count();
    assert_eq!(pages, 5, "one page per credential");
}

/// What a scripted Twilio answers, from the query and its own base.
type Reply = Arc<dyn Fn(&HashMap<String, String>, &str) -> Value + Send + Sync>;

/// A scripted Twilio: every route answers what `reply` gives for the request's
/// query, and the requests are counted.
async fn hostile(
    reply: impl Fn(&HashMap<String, String>, &str) -> Value + Send + Sync + 'static,
) -> (TwilioTrunking, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let reply: Reply = Arc::new(reply);
    let state = (reply, count.clone(), base.clone());
    let app = Router::new()
        .fallback(get(
            |State((reply, count, base)): State<(Reply, Arc<AtomicUsize>, String)>,
             Query(q): Query<HashMap<String, String>>| async move {
                count.fetch_add(1, Ordering::SeqCst);
                Json(reply(&q, &base))
            },
        ))
        .with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = TwilioTrunking::new(
        http(),
        &base,
        &format!("{base}/trunking"),
        "AC00000000000000000000000000000001",
        Secret::new(CANARY),
    );
    (client, count)
}

#[tokio::test]
async fn an_endless_list_stops_at_the_page_limit() {
    let (twilio, count) = hostile(|q, base| {
        let page: u64 = q.get("Page").and_then(|p| p.parse().ok()).unwrap_or(0);
        json!({
            "trunks": [{"sid": format!("TK{page}"), "domain_name": "x.pstn.twilio.com"}],
            "meta": {"next_page_url": format!("{base}/trunking/v1/Trunks?Page={}", page + 1)},
        })
    })
    .await;
    let e = twilio.list_trunks().await.unwrap_err();
    assert!(matches!(e, ApiError::LimitReached(_)), "{e:?}");
    assert_eq!(
        count.load(Ordering::SeqCst),
        telcreds::api::twilio_trunking::MAX_PAGES
    );
}

#[tokio::test]
async fn a_next_page_on_another_host_is_never_followed() {
    let (twilio, count) = hostile(|_, _| {
        json!({
            "trunks": [{"sid": "TK1"}],
            "meta": {"next_page_url": "http://127.0.0.2:9/steal?Page=1"},
        })
    })
    .await;
    let e = twilio.list_trunks().await.unwrap_err();
    assert!(e.to_string().contains("127.0.0.2"), "{e}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let (twilio, count) = hostile(|_, _| {
        json!({"credentials": [{"sid": "CR1", "username": "u"}],
            "next_page_uri": "//127.0.0.2:9/2010-04-01/x"})
    })
    .await;
    assert!(twilio.list_credentials("CL1").await.is_err());
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn odd_answers_are_read_leniently_or_refused_without_panicking() {
    // Escape sequences in names are kept as data (printed through `text::printable`);
    // items without a sid are skipped; wrong types are not fatal.
    let (twilio, _) = hostile(|_, _| {
        json!({
            "trunks": [
                {"sid": "TK1", "friendly_name": "evil\u{1b}]52;c;aGk=\u{7}", "domain_name": {"a": 1}},
                {"friendly_name": "no sid"},
                "not an object",
            ],
            "meta": {"next_page_url": null},
        })
    })
    .await;
    let trunks = twilio.list_trunks().await.unwrap();
    assert_eq!(trunks.len(), 1);
    assert_eq!(trunks[0].domain_name, None);
    assert!(
        !telcreds::text::printable(trunks[0].friendly_name.as_deref().unwrap()).contains('\u{1b}')
    );
    let (twilio, _) = hostile(|_, _| json!({"trunks": "many"})).await;
    assert!(matches!(
        twilio.list_trunks().await,
        Err(ApiError::Decode { .. })
    ));
    let (twilio, _) = hostile(|_, _| Value::Array(vec![json!("x"); 1000])).await;
    assert!(matches!(
        twilio.list_trunks().await,
        Err(ApiError::Decode { .. })
    ));
    // Larger than any answer telcreds reads.
    let (twilio, _) =
        hostile(|_, _| json!({"trunks": [{"sid": "TK1", "friendly_name": "x".repeat(17 << 20)}]}))
            .await;
    let e = twilio.list_trunks().await.unwrap_err();
    assert!(e.to_string().contains("larger than"), "{e}");
}

/// A Twilio that answers every change with `status` and the request's body inside.
async fn echoing(status: u16) -> TwilioTrunking {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().fallback(move |body: String| async move {
        let status = axum::http::StatusCode::from_u16(status).unwrap();
        let answer = json!({"code": 21243, "message": format!("refused {body}"), "status": 400,
            "sid": "CR1", "username": format!("echo {body}")});
        (status, Json(answer))
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    TwilioTrunking::new(
        http(),
        &base,
        &format!("{base}/trunking"),
        "AC00000000000000000000000000000001",
        Secret::new("0123456789abcdef0123456789abcdef"),
    )
}

#[tokio::test]
async fn an_echoed_password_never_comes_back() {
    let password = Secret::new(CANARY);
    let e = echoing(400)
        .await
        .create_credential("CL1", "u", &password)
        .await
        .unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("refused"), "{shown}");
    assert!(
        !shown.contains(CANARY) && !shown.contains("Pa55word9"),
        "{shown}"
    );
    let made = echoing(201)
        .await
        .create_credential("CL1", "u", &password)
        .await
        .unwrap();
    assert!(!made.username.contains("Pa55word9"), "{made:?}");
    let e = echoing(400)
        .await
        .update_password("CL1", "CR1", &password)
        .await
        .unwrap_err();
    assert!(!format!("{e:?}").contains("Pa55word9"));
}

//! The clients against small scripted servers, for answers the sandbox never gives:
//! an absurd `totalCount`, and a DELETE that is carried out but never answered.

use crate::support::http;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use telcreds::api::ApiError;
use telcreds::api::dasha::DashaClient;
use telcreds::api::{Http, HttpOptions};
use telcreds::secret::Secret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A provider list that claims `total` items but holds only `real` of them, one per
/// page, and counts the requests it gets.
struct Inflated {
    total: u64,
    real: u64,
    requests: AtomicUsize,
}

async fn inflated_providers(
    State(list): State<Arc<Inflated>>,
    Query(query): Query<HashMap<String, String>>,
) -> Json<Value> {
    list.requests.fetch_add(1, Ordering::SeqCst);
    let skip: u64 = query["skip"].parse().unwrap();
    let items: Vec<Value> = (skip < list.real)
        .then(|| json!({"id": format!("p{skip}"), "accountSid": "AC1", "verificationStatus": "verified"}))
        .into_iter()
        .collect();
    Json(json!({"items": items, "totalCount": list.total, "skip": skip, "take": 1000}))
}

/// Serves an inflated provider list; returns a client for it and the list.
async fn inflated(total: u64, real: u64) -> (DashaClient, Arc<Inflated>) {
    let list = Arc::new(Inflated {
        total,
        real,
        requests: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/providers", get(inflated_providers))
        .with_state(list.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (DashaClient::new(http(), &base, Secret::new("t")), list)
}

#[tokio::test]
async fn a_huge_total_count_is_refused_without_fetching() {
    for total in [u64::from(u32::MAX), 10_000_000_000_000] {
        let (client, list) = inflated(total, 1).await;
        let e = tokio::time::timeout(std::time::Duration::from_secs(10), client.list_providers())
            .await
            .expect("answers at once")
            .unwrap_err();
        assert!(matches!(e, ApiError::Decode { .. }), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains(&format!("reported {total} items"))
                && text.contains("refusing to fetch more than 1000 pages"),
            "{text}"
        );
        assert_eq!(list.requests.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn paging_stops_at_the_first_empty_page() {
    let (client, list) = inflated(900, 3).await;
    let providers = client.list_providers().await.unwrap();
    let ids: Vec<&str> = providers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p0", "p1", "p2"]);
    // The first page, three full ones, the empty one, and at most the few fetched
    // alongside it.
    let requests = list.requests.load(Ordering::SeqCst);
    assert!(requests <= 8, "{requests} requests for 3 items");
}

/// What the scripted server does with each request, in turn.
#[derive(Clone, Copy)]
enum Reply {
    /// Carries the request out, then closes the connection without answering.
    ApplyAndDrop,
    /// Answers 404 problem details.
    NotFound,
}

/// A raw HTTP/1.1 server that follows `script`; counts the requests it got.
async fn scripted(script: Vec<Reply>) -> (String, Arc<AtomicUsize>, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let applied = Arc::new(AtomicBool::new(false));
    let (count, done) = (served.clone(), applied.clone());
    tokio::spawn(async move {
        for reply in script {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
            }
            count.fetch_add(1, Ordering::SeqCst);
            match reply {
                Reply::ApplyAndDrop => {
                    done.store(true, Ordering::SeqCst);
                    drop(socket);
                }
                Reply::NotFound => {
                    let body = r#"{"title":"Not Found","status":404}"#;
                    let answer = format!(
                        "HTTP/1.1 404 Not Found\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    socket.write_all(answer.as_bytes()).await.unwrap();
                    socket.shutdown().await.ok();
                }
            }
        }
    });
    (base, served, applied)
}

#[tokio::test]
async fn a_retried_delete_answered_404_after_a_dropped_connection_succeeded() {
    let (base, served, applied) = scripted(vec![Reply::ApplyAndDrop, Reply::NotFound]).await;
    let client = DashaClient::new(http(), &base, Secret::new("t"));
    client.delete_sip_credential("s1", false).await.unwrap();
    assert!(applied.load(Ordering::SeqCst));
    assert_eq!(served.load(Ordering::SeqCst), 2, "sent twice");
}

#[tokio::test]
async fn a_404_still_means_not_found_without_an_earlier_unanswered_delete() {
    let (base, served, _) = scripted(vec![Reply::NotFound]).await;
    let client = DashaClient::new(http(), &base, Secret::new("t"));
    let e = client.delete_provider("p1").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    assert_eq!(served.load(Ordering::SeqCst), 1);

    // Reads are not affected: a GET retried into a 404 is a 404.
    let (base, _, _) = scripted(vec![Reply::ApplyAndDrop, Reply::NotFound]).await;
    let client = DashaClient::new(http(), &base, Secret::new("t"));
    let e = client.get_provider("p1").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
}

/// An endless list: 1000 pages of one provider each, every name `name_bytes` long,
/// every page answered after `delay`.
async fn endless(name_bytes: usize, delay: Duration, options: HttpOptions) -> DashaClient {
    let name = "n".repeat(name_bytes);
    let app = Router::new().route(
        "/providers",
        get(move |Query(query): Query<HashMap<String, String>>| {
            let name = name.clone();
            async move {
                tokio::time::sleep(delay).await;
                let skip: u64 = query["skip"].parse().unwrap();
                Json(json!({"items": [{"id": format!("p{skip}"), "name": name,
                    "accountSid": "AC1"}], "totalCount": 1000, "skip": skip, "take": 1}))
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    DashaClient::new(Http::new(options).unwrap(), &base, Secret::new("t"))
}

#[tokio::test]
async fn a_list_stops_at_its_size_budget() {
    let options = HttpOptions {
        list_size_budget: 4 << 20,
        ..HttpOptions::default()
    };
    let client = endless(1 << 20, Duration::ZERO, options).await;
    let e = client.list_providers().await.unwrap_err();
    assert!(matches!(e, ApiError::LimitReached(_)), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("stopped listing providers after 4 MiB of answers"),
        "{text}"
    );
}

#[tokio::test]
async fn a_list_stops_at_its_time_budget() {
    let options = HttpOptions {
        list_time_budget: Duration::from_secs(1),
        ..HttpOptions::default()
    };
    let client = endless(10, Duration::from_millis(250), options).await;
    let started = std::time::Instant::now();
    let e = client.list_providers().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let text = e.to_string();
    assert!(
        text.contains("stopped listing providers after 1 s"),
        "{text}"
    );
}

/// SIP credentials in pages of one, 10 pages; the second page (skip 1) answers only
/// after every later page was asked for.
struct SlowSecond {
    asked: std::sync::Mutex<Vec<u64>>,
    all_asked: tokio::sync::Notify,
}

async fn slow_second_page(
    State(list): State<Arc<SlowSecond>>,
    Query(query): Query<HashMap<String, String>>,
) -> Json<Value> {
    let skip: u64 = query["skip"].parse().unwrap();
    let count = {
        let mut asked = list.asked.lock().unwrap();
        asked.push(skip);
        asked.len()
    };
    if count == 10 {
        list.all_asked.notify_one();
    }
    if skip == 1 {
        // Without the later pages started, this would wait for ever (the test times out).
        list.all_asked.notified().await;
    }
    let item = json!({"id": format!("c{skip}"), "server": "sip.example", "transport": "udp", "source": "manual"});
    Json(json!({"items": [item], "totalCount": 10, "skip": skip, "take": 1000}))
}

#[tokio::test]
async fn a_slow_page_does_not_hold_back_the_next_ones_and_pages_arrive_in_order() {
    let list = Arc::new(SlowSecond {
        asked: std::sync::Mutex::new(Vec::new()),
        all_asked: tokio::sync::Notify::new(),
    });
    let app = Router::new()
        .route("/sip-credentials", get(slow_second_page))
        .with_state(list.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = DashaClient::new(http(), &base, Secret::new("t"));
    let mut seen = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        client.sip_credential_pages(|page| {
            seen.push((
                page.items.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
                page.loaded,
                page.total,
            ))
        }),
    )
    .await
    .expect("the later pages were asked for while the second one waited")
    .unwrap();
    let expected: Vec<(Vec<String>, usize, Option<u64>)> = (0..10)
        .map(|i| (vec![format!("c{i}")], i as usize + 1, Some(10)))
        .collect();
    assert_eq!(seen, expected, "handed over in order, each once");
}

/// A server whose every PATCH on a provider's auth token answers `status` with a
/// body of `bytes` bytes.
async fn huge_answers(status: u16, bytes: usize) -> DashaClient {
    use axum::routing::patch;
    let app = Router::new().route(
        "/providers/twilio/{id}/auth-token",
        patch(move || async move {
            (
                axum::http::StatusCode::from_u16(status).unwrap(),
                [("content-type", "application/json")],
                " ".repeat(bytes),
            )
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    DashaClient::new(http(), &base, Secret::new("t"))
}

#[tokio::test]
async fn a_2xx_too_large_to_read_after_a_change_is_unconfirmed_never_failed() {
    let token = Secret::new("0123456789abcdef0123456789abcdef");
    let client = huge_answers(200, 17 << 20).await;
    let e = client.update_auth_token("p1", &token).await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    assert!(
        e.to_string().contains("may or may not have been applied"),
        "{e}"
    );

    // A refusal too large to read is still a refusal: nothing was applied.
    let client = huge_answers(400, 17 << 20).await;
    let e = client.update_auth_token("p1", &token).await.unwrap_err();
    assert!(!e.outcome_unknown(), "{e:?}");
}

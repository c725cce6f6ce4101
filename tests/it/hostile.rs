//! The real binary against a hostile server: a proxy in front of the sandbox that
//! answers chosen requests badly (echoing the request's secrets back, redirecting to
//! another host, 2xx answers that cannot be read, fields of the wrong type, control
//! characters) and forwards the rest. Canary secrets sit in the config, on stdin and
//! in request bodies; none may reach stdout, stderr, the log, the journal or the
//! history, and no request may reach a second host.

use crate::cli::{Run, write_config};
use crate::support::{current_token, sandbox, telcreds_env};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Router, routing::any};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use telcreds::sandbox::{DASHA_TOKEN, Sandbox, Seed, UNPOD_TOKEN};

/// The Dasha bearer token in the config: the proxy swaps it for the sandbox's.
const DASHA_CANARY: &str = "CANARY-dasha-bearer-7f3e";
/// The Unpod API token in the config.
const UNPOD_CANARY: &str = "CANARY-unpod-token-91ab";
/// A new Twilio auth token (32 hex digits, so it passes local checks).
const NEW_TOKEN: &str = "cafe0000cafe0000cafe0000cafe1234";
/// A new SIP password.
const PASSWORD: &str = "CANARY-sip-Pa55word-x1";

/// What the proxy answers instead of forwarding.
#[derive(Clone)]
enum Answer {
    /// The status, with a problem body whose detail holds the request's
    /// `Authorization` header and body; JSON or plain text.
    Echo { status: u16, json: bool },
    /// A redirect to the second host, same path.
    Redirect { status: u16 },
    /// A fixed answer.
    Raw {
        status: u16,
        content_type: &'static str,
        body: String,
    },
}

/// Answer requests of `method` whose path contains `path` with `answer`.
#[derive(Clone)]
struct Rule {
    method: Method,
    path: &'static str,
    answer: Answer,
}

struct Proxy {
    sandbox: String,
    other: String,
    rules: Vec<Rule>,
    /// Requests that hit a rule: (method, path).
    hits: Mutex<Vec<(String, String)>>,
    client: reqwest::Client,
}

async fn proxy(
    State(p): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    if let Some(rule) = p
        .rules
        .iter()
        .find(|r| r.method == method && path.contains(r.path))
    {
        p.hits
            .lock()
            .unwrap()
            .push((method.to_string(), path.clone()));
        return answer(&rule.answer, &p.other, &uri, &headers, &body);
    }
    let mut req = p
        .client
        .request(method, format!("{}{}", p.sandbox, uri))
        .body(body.to_vec());
    for (name, value) in &headers {
        if name == "host" || name == "content-length" {
            continue;
        }
        let value = value.to_str().unwrap_or_default();
        let value = value
            .replace(DASHA_CANARY, DASHA_TOKEN)
            .replace(UNPOD_CANARY, UNPOD_TOKEN);
        req = req.header(name.as_str(), value);
    }
    let resp = req.send().await.unwrap();
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_string();
    let bytes = resp.bytes().await.unwrap();
    (status, [("content-type", content_type)], bytes).into_response()
}

fn answer(answer: &Answer, other: &str, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Response {
    match answer {
        Answer::Echo { status, json } => {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let detail = format!(
                "request had Authorization: {auth} and body {}",
                String::from_utf8_lossy(body)
            );
            let status = StatusCode::from_u16(*status).unwrap();
            if *json {
                let problem = serde_json::json!({"title": "Internal error", "detail": detail});
                (
                    status,
                    [("content-type", "application/problem+json")],
                    problem.to_string(),
                )
                    .into_response()
            } else {
                (status, [("content-type", "text/plain")], detail).into_response()
            }
        }
        Answer::Redirect { status } => (
            StatusCode::from_u16(*status).unwrap(),
            [("location", format!("{other}{uri}"))],
        )
            .into_response(),
        Answer::Raw {
            status,
            content_type,
            body,
        } => (
            StatusCode::from_u16(*status).unwrap(),
            [("content-type", *content_type)],
            body.clone(),
        )
            .into_response(),
    }
}

/// A second host (127.0.0.2) that counts every request it gets.
async fn other_host() -> (String, Arc<Mutex<usize>>) {
    let seen = Arc::new(Mutex::new(0usize));
    let counter = seen.clone();
    let app = Router::new().fallback(any(move || {
        let counter = counter.clone();
        async move {
            *counter.lock().unwrap() += 1;
            "{}"
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (origin, seen)
}

/// A sandbox behind a hostile proxy, a config pointing at the proxy with canary
/// tokens, and the second host.
struct World {
    sb: Sandbox,
    proxy: Arc<Proxy>,
    other_seen: Arc<Mutex<usize>>,
    dir: tempfile::TempDir,
    config: PathBuf,
}

async fn world(rules: Vec<Rule>) -> World {
    let sb = sandbox(Seed::Demo).await;
    let (other, other_seen) = other_host().await;
    let proxy = Arc::new(Proxy {
        sandbox: sb.origin(),
        other,
        rules,
        hits: Mutex::new(Vec::new()),
        client: reqwest::Client::new(),
    });
    let app = Router::new()
        .fallback(proxy_route)
        .with_state(proxy.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(&sb, dir.path());
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(&sb.origin(), &origin)
        .replace(DASHA_TOKEN, DASHA_CANARY)
        .replace(UNPOD_TOKEN, UNPOD_CANARY);
    std::fs::write(&config, text).unwrap();
    World {
        sb,
        proxy,
        other_seen,
        dir,
        config,
    }
}

async fn proxy_route(
    state: State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    proxy(state, method, uri, headers, body).await
}

impl World {
    async fn run(&self, args: &[&str], stdin: &str) -> Run {
        telcreds_env(&self.config, args, stdin, &[], true).await
    }

    /// Every file telcreds wrote: log, journal, history.
    fn written(&self) -> String {
        let mut text = String::new();
        for sub in ["state", "data"] {
            collect(&self.dir.path().join(sub), &mut text);
        }
        text
    }

    /// Asserts that no canary (nor `extra`) is in the run's output or any file.
    fn assert_clean(&self, run: &Run, extra: &[&str]) {
        let written = self.written();
        for canary in [DASHA_CANARY, UNPOD_CANARY, NEW_TOKEN, PASSWORD]
            .iter()
            .chain(extra)
        {
            for (what, text) in [
                ("stdout", &run.stdout),
                ("stderr", &run.stderr),
                ("files", &written),
            ] {
                assert!(!text.contains(canary), "{what} leaks {canary}:\n{text}");
            }
        }
        assert_eq!(
            *self.other_seen.lock().unwrap(),
            0,
            "a second host was contacted"
        );
    }

    fn hits(&self) -> Vec<(String, String)> {
        self.proxy.hits.lock().unwrap().clone()
    }

    fn journal(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("data/journal.jsonl")).unwrap_or_default()
    }
}

fn collect(dir: &Path, into: &mut String) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, into);
        } else if let Ok(text) = std::fs::read(&path) {
            into.push_str(&String::from_utf8_lossy(&text));
        }
    }
}

fn rule(method: Method, path: &'static str, answer: Answer) -> Rule {
    Rule {
        method,
        path,
        answer,
    }
}

fn echo(method: Method, path: &'static str, json: bool) -> Rule {
    rule(method, path, Answer::Echo { status: 500, json })
}

/// The id of the first manual SIP credential of the demo.
async fn manual_sip_id(w: &World) -> String {
    let run = w
        .run(&["-p", "sandbox-dasha", "-o", "json", "sip", "list"], "")
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == "manual")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The id of the first provider of a profile.
async fn first_provider(w: &World, profile: &str) -> String {
    let run = w
        .run(&["-p", profile, "-o", "json", "providers", "list"], "")
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    list[0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn echoed_bearer_tokens_never_reach_output_or_log() {
    for json in [true, false] {
        let w = world(vec![echo(Method::GET, "/sip-credentials", json)]).await;
        let run = w.run(&["-p", "sandbox-dasha", "sip", "list"], "").await;
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("[redacted]"), "{}", run.stderr);
        assert_eq!(w.hits().len(), 4, "retried: {:?}", w.hits());
        w.assert_clean(&run, &[]);
        assert!(
            w.written().contains("retrying request"),
            "the retries are logged"
        );
    }
}

#[tokio::test]
async fn echoed_new_tokens_never_reach_output_journal_or_log() {
    let w = world(vec![
        echo(Method::POST, "/providers/twilio", true),
        echo(Method::PATCH, "/auth-token", false),
        echo(Method::POST, "providers-configurations", true),
        echo(Method::PATCH, "providers-configurations", true),
    ])
    .await;
    let sid = w.sb.twilio_accounts()[0].sid.clone();
    let create = [
        "providers",
        "create",
        "--allow-duplicate",
        "--account-sid",
        &sid,
        "--token-stdin",
    ];
    let dasha = [&["-p", "sandbox-dasha"][..], &create].concat();
    let run = w.run(&dasha, NEW_TOKEN).await;
    assert_eq!(run.code, 10, "{}", run.stderr);
    w.assert_clean(&run, &[]);

    let id = first_provider(&w, "sandbox-dasha").await;
    let run = w
        .run(
            &[
                "-p",
                "sandbox-dasha",
                "providers",
                "rotate-token",
                &id,
                "--token-stdin",
            ],
            NEW_TOKEN,
        )
        .await;
    assert_eq!(run.code, 10, "{}", run.stderr);
    w.assert_clean(&run, &[]);

    // Unpod: the pair is checked with Twilio (the sandbox) first, then echoed.
    let current = current_token(&w.sb, &sid);
    let unpod = [&["-p", "sandbox-unpod", "-o", "json"][..], &create].concat();
    let run = w.run(&unpod, current.expose()).await;
    assert_eq!(run.code, 10, "{}", run.stderr);
    w.assert_clean(&run, &[current.expose()]);
    assert!(w.journal().contains("\"unknown\""), "{}", w.journal());
}

#[tokio::test]
async fn an_echoed_basic_auth_pair_is_scrubbed() {
    let w = world(vec![echo(Method::GET, "/2010-04-01/Accounts", true)]).await;
    let sid = w.sb.twilio_accounts()[0].sid.clone();
    let run = w
        .run(
            &[
                "-p",
                "sandbox-unpod",
                "providers",
                "create",
                "--allow-duplicate",
                "--account-sid",
                &sid,
                "--token-stdin",
            ],
            NEW_TOKEN,
        )
        .await;
    assert_ne!(run.code, 0);
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{sid}:{NEW_TOKEN}"));
    w.assert_clean(&run, &[&b64]);
    assert!(
        !w.hits().iter().any(|(m, _)| m == "POST"),
        "nothing reaches Unpod"
    );
}

#[tokio::test]
async fn echoed_sip_passwords_are_scrubbed() {
    let w = world(vec![
        echo(Method::POST, "/sip-credentials", true),
        echo(Method::PUT, "/sip-credentials/", false),
    ])
    .await;
    let id = manual_sip_id(&w).await;
    for args in [
        vec![
            "sip",
            "create",
            "--server",
            "sip.example.com",
            "--password-stdin",
        ],
        vec!["sip", "update", &id, "--password-stdin"],
        vec!["sip", "rotate", &id, "--password-stdin"],
    ] {
        let args = [&["-p", "sandbox-dasha"][..], &args].concat();
        let run = w.run(&args, PASSWORD).await;
        assert_eq!(run.code, 10, "{args:?}: {}", run.stderr);
        w.assert_clean(&run, &[]);
    }
}

#[tokio::test]
async fn a_rotation_never_prints_an_echoed_platform_token() {
    let w = world(vec![
        echo(Method::PATCH, "/auth-token", true),
        echo(Method::PATCH, "providers-configurations", false),
    ])
    .await;
    let sid = w.sb.twilio_accounts()[0].sid.clone();
    let token = current_token(&w.sb, &sid);
    let run = w
        .run(
            &[
                "rotate",
                "twilio",
                "--account-sid",
                &sid,
                "--token-stdin",
                "--yes",
                "--profiles",
                "sandbox-dasha,sandbox-unpod",
            ],
            token.expose(),
        )
        .await;
    assert_eq!(run.code, 9, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("UNKNOWN"), "{}", run.stdout);
    w.assert_clean(&run, &[token.expose()]);
}

#[tokio::test]
async fn redirects_are_never_followed() {
    // A new token redirected from PATCH to another host over plain http.
    let w = world(vec![rule(
        Method::PATCH,
        "/auth-token",
        Answer::Redirect { status: 307 },
    )])
    .await;
    let id = first_provider(&w, "sandbox-dasha").await;
    let run = w
        .run(
            &[
                "-p",
                "sandbox-dasha",
                "providers",
                "rotate-token",
                &id,
                "--token-stdin",
            ],
            NEW_TOKEN,
        )
        .await;
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("HTTP 307 redirecting to http://127.0.0.2"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("replaced"), "{}", run.stdout);
    w.assert_clean(&run, &[]);

    // PUT on 301, POST on 302 (sent once), GET on 308.
    let w = world(vec![
        rule(
            Method::PUT,
            "/sip-credentials/",
            Answer::Redirect { status: 301 },
        ),
        rule(
            Method::POST,
            "/sip-credentials",
            Answer::Redirect { status: 302 },
        ),
    ])
    .await;
    let id = manual_sip_id(&w).await;
    let run = w
        .run(
            &[
                "-p",
                "sandbox-dasha",
                "sip",
                "rotate",
                &id,
                "--password-stdin",
            ],
            PASSWORD,
        )
        .await;
    assert_ne!(run.code, 0, "{}", run.stdout);
    w.assert_clean(&run, &[]);
    let run = w
        .run(
            &[
                "-p",
                "sandbox-dasha",
                "sip",
                "create",
                "--server",
                "s.example.com",
                "--password-stdin",
            ],
            PASSWORD,
        )
        .await;
    assert_ne!(run.code, 0, "{}", run.stdout);
    w.assert_clean(&run, &[]);
    let posts = w.hits().iter().filter(|(m, _)| m == "POST").count();
    assert_eq!(posts, 1, "a redirected POST is sent once");

    let w = world(vec![rule(
        Method::GET,
        "/sip-credentials",
        Answer::Redirect { status: 308 },
    )])
    .await;
    let run = w.run(&["-p", "sandbox-dasha", "sip", "list"], "").await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(w.hits().len(), 1, "a redirect is not retried");
    w.assert_clean(&run, &[]);
}

#[tokio::test]
async fn a_change_whose_answer_cannot_be_read_is_reported_as_unknown() {
    for (status, body) in [(200, "{broken"), (204, "")] {
        let w = world(vec![
            rule(
                Method::PUT,
                "/sip-credentials/",
                Answer::Raw {
                    status,
                    content_type: "application/json",
                    body: body.into(),
                },
            ),
            rule(
                Method::POST,
                "/providers/twilio",
                Answer::Raw {
                    status,
                    content_type: "application/json",
                    body: body.into(),
                },
            ),
        ])
        .await;
        let id = manual_sip_id(&w).await;
        let run = w
            .run(
                &[
                    "-p",
                    "sandbox-dasha",
                    "sip",
                    "rotate",
                    &id,
                    "--generate-password",
                ],
                "",
            )
            .await;
        assert_eq!(run.code, 10, "{}", run.stderr);
        assert!(
            run.stderr.contains("may or may not have been applied"),
            "{}",
            run.stderr
        );
        assert!(
            run.stdout.contains("new password (shown once"),
            "a generated password is not lost: {}",
            run.stdout
        );
        assert!(
            w.journal().contains("\"outcome\":\"unknown\""),
            "{}",
            w.journal()
        );

        let sid = w.sb.twilio_accounts()[0].sid.clone();
        let run = w
            .run(
                &[
                    "-p",
                    "sandbox-dasha",
                    "providers",
                    "create",
                    "--allow-duplicate",
                    "--account-sid",
                    &sid,
                    "--token-stdin",
                ],
                NEW_TOKEN,
            )
            .await;
        assert_eq!(run.code, 10, "{}", run.stderr);
        assert!(
            run.stderr.contains("providers list"),
            "says what to check: {}",
            run.stderr
        );
        w.assert_clean(&run, &[]);
    }
}

#[tokio::test]
async fn a_full_replacement_refuses_fields_it_could_not_read() {
    let sb_json = |extra: &str| {
        format!(
            r#"{{"id":"sip-odd","server":"sip.example.com","transport":"udp","source":"manual",
                "authUser":"u","description":"odd",{extra}}}"#
        )
    };
    let w = world(vec![rule(
        Method::GET,
        "/sip-credentials/sip-odd",
        Answer::Raw {
            status: 200,
            content_type: "application/json",
            body: sb_json(r#""cpsLimit":"10","authPassword":{"encrypted":"v1:abc"}"#),
        },
    )])
    .await;
    for args in [
        vec!["sip", "update", "sip-odd", "--description", "x"],
        vec!["sip", "rotate", "sip-odd", "--generate-password"],
    ] {
        let args = [&["-p", "sandbox-dasha"][..], &args].concat();
        let run = w.run(&args, "").await;
        assert_ne!(run.code, 0, "{args:?}");
        assert!(run.stderr.contains("auth_password"), "{}", run.stderr);
        assert!(run.stderr.contains("nothing was changed"), "{}", run.stderr);
    }
    assert!(
        !w.hits().iter().any(|(m, _)| m == "PUT"),
        "no replacement was sent"
    );
}

#[tokio::test]
async fn escape_sequences_from_the_platform_never_reach_the_terminal() {
    let evil = "evil\u{1b}]52;c;SElKQUNLRUQ=\u{7}\u{1b}[2J\u{1b}]0;PWNED\u{7}\u{9b}";
    let providers = serde_json::json!({"items": [{
        "id": "p1", "name": evil, "accountSid": "AC00000000000000000000000000000001",
        "verificationStatus": evil, "providerType": "twilio"}], "totalCount": 1});
    let problem = serde_json::json!({"title": evil, "detail": evil,
        "errors": {"name": [evil]}});
    let w = world(vec![
        rule(
            Method::GET,
            "/api/v1/providers",
            Answer::Raw {
                status: 200,
                content_type: "application/json",
                body: providers.to_string(),
            },
        ),
        rule(
            Method::GET,
            "/sip-credentials",
            Answer::Raw {
                status: 400,
                content_type: "application/problem+json",
                body: problem.to_string(),
            },
        ),
    ])
    .await;
    for args in [
        vec!["providers", "list"],
        vec!["-o", "json", "providers", "list"],
        vec!["sip", "list"],
    ] {
        let args = [&["-p", "sandbox-dasha"][..], &args].concat();
        let run = w.run(&args, "").await;
        for (what, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{args:?} {what}: {text:?}"
            );
        }
    }
}

/// A server at 127.0.0.1 that answers every request with a 500 echoing its
/// `Authorization` header and body; returns its origin.
pub async fn echo_everything() -> String {
    let app = Router::new().fallback(
        |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| async move {
            let _ = method;
            answer(
                &Answer::Echo {
                    status: 500,
                    json: true,
                },
                "",
                &uri,
                &headers,
                &body,
            )
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    origin
}

#[tokio::test]
async fn doctor_shows_an_answer_it_cannot_decode_as_a_short_excerpt_without_secrets() {
    let broken = format!(
        "{{\"items\": [{{\"id\": \"{DASHA_CANARY}\", {}",
        "x".repeat(500)
    );
    let odd_item = serde_json::json!({
        "status_code": 200,
        "message": "ok",
        "data": [
            {"id": 1, "provider": "twilio", "account_sid": "AC1"},
            format!("stored with Token {UNPOD_CANARY}"),
        ],
    });
    let w = world(vec![
        rule(
            Method::GET,
            "/sip-credentials",
            Answer::Raw {
                status: 200,
                content_type: "application/json",
                body: broken,
            },
        ),
        rule(
            Method::GET,
            "/telephony/providers-configurations/",
            Answer::Raw {
                status: 200,
                content_type: "application/json",
                body: odd_item.to_string(),
            },
        ),
    ])
    .await;
    let run = w.run(&["doctor", "--all", "-o", "json"], "").await;
    assert_eq!(run.code, 11, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let step = |profile: &str, name: &str| {
        report["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["profile"] == profile && s["step"] == name)
            .unwrap()
            .clone()
    };
    let sip = step("sandbox-dasha", "GET sip-credentials");
    assert_eq!(sip["status"], "failed", "{sip}");
    let message = sip["message"].as_str().unwrap();
    assert!(message.contains("could not decode"), "{message}");
    assert!(message.contains("[redacted]"), "{message}");
    assert!(message.chars().count() < 300, "{message}");
    let configs = step("sandbox-unpod", "GET telephony/providers-configurations/");
    assert_eq!(configs["status"], "warning", "{configs}");
    let message = configs["message"].as_str().unwrap();
    assert!(
        message.contains("1 configuration(s) decoded, 1 not"),
        "{message}"
    );
    assert!(message.contains("[redacted]"), "{message}");
    for (method, path) in w.hits() {
        assert_eq!(method, "GET", "{path}");
    }
    for (method, path, _) in crate::support::requests(&w.sb).await {
        assert_eq!(method, "GET", "{path}");
    }
    w.assert_clean(&run, &[]);
}

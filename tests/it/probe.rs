//! The SIP probe against the sandbox's SIP peer on loopback (UDP and TCP, MD5 and
//! SHA-256 challenges), and against what fails: a refused port, a silent server, a
//! name that cannot be resolved.

use std::collections::HashMap;
use std::time::{Duration, Instant};
use telcreds::domain::CheckStatus;
use telcreds::domain::Transport;
use telcreds::probe::digest::Algorithm;
use telcreds::probe::report::{ProbeReport, step};
use telcreds::probe::resolve::Resolver;
use telcreds::probe::transport::TlsTrust;
use telcreds::probe::{ProbeInput, ProbeOptions, probe};
use telcreds::sandbox::sip_peer::{PeerConfig, SipPeer};
use telcreds::secret::Secret;

use crate::support::tls_certs;

pub(crate) const PASSWORD: &str = "CANARY-probe-Pa55";

async fn peer(algorithm: Algorithm) -> SipPeer {
    let users = HashMap::from([("alice".to_string(), Secret::new(PASSWORD))]);
    SipPeer::start(PeerConfig { users, algorithm })
        .await
        .unwrap()
}

pub(crate) fn input(server: String, transport: Transport, password: &str) -> ProbeInput {
    ProbeInput {
        id: "sip-1".into(),
        name: "test trunk".into(),
        server,
        transport,
        domain: None,
        auth_user: Some("alice".into()),
        password: Some(Secret::new(password)),
    }
}

pub(crate) fn options(register: bool) -> ProbeOptions {
    ProbeOptions {
        register,
        timeout: Duration::from_millis(1500),
        resolver: Resolver::with_nameserver("127.0.0.1:9".parse().unwrap())
            .with_timeout(Duration::from_millis(300)),
        trust: TlsTrust::new(None).unwrap(),
    }
}

pub(crate) fn status(report: &ProbeReport, name: &str) -> CheckStatus {
    report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} check: {report:?}"))
        .status
        .clone()
}

#[tokio::test]
async fn the_right_password_is_accepted_and_a_wrong_one_rejected_over_udp_and_tcp() {
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let peer = peer(algorithm).await;
        for transport in [Transport::Udp, Transport::Tcp] {
            let server = peer.addr().to_string();
            let good = probe(&input(server.clone(), transport, PASSWORD), &options(true)).await;
            assert_eq!(
                status(&good, step::RESOLVE),
                CheckStatus::Passed,
                "{good:?}"
            );
            assert_eq!(status(&good, step::REACH), CheckStatus::Passed, "{good:?}");
            assert_eq!(
                status(&good, step::AUTHENTICATE),
                CheckStatus::Passed,
                "{good:?}"
            );
            let reach = &good.checks[1];
            assert!(reach.message.contains("200 OK"), "{}", reach.message);
            assert!(
                reach.message.contains("telcreds-sandbox"),
                "{}",
                reach.message
            );
            let bad = probe(&input(server, transport, "wrong-password"), &options(true)).await;
            assert_eq!(
                status(&bad, step::AUTHENTICATE),
                CheckStatus::Failed,
                "{bad:?}"
            );
            assert!(bad.checks[2].message.starts_with("rejected"), "{bad:?}");
            for report in [&good, &bad] {
                let text = format!("{report:?}{}", serde_json::to_string(report).unwrap());
                assert!(!text.contains(PASSWORD), "the password never shows: {text}");
            }
        }
    }
}

#[tokio::test]
async fn without_register_the_password_is_not_checked() {
    let peer = peer(Algorithm::Md5).await;
    let report = probe(
        &input(peer.addr().to_string(), Transport::Udp, PASSWORD),
        &options(false),
    )
    .await;
    assert_eq!(status(&report, step::REACH), CheckStatus::Passed);
    assert_eq!(status(&report, step::AUTHENTICATE), CheckStatus::Skipped);
}

#[tokio::test]
async fn a_refused_port_a_silent_server_and_an_unresolvable_name_each_say_so_in_time() {
    // Refused: a port nothing listens on (UDP gets the ICMP back, TCP a reset).
    let closed = {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap()
    };
    for transport in [Transport::Udp, Transport::Tcp] {
        let started = Instant::now();
        // A step limit far above the bound: a refused connection is not waited out.
        let mut slow = options(true);
        slow.timeout = Duration::from_secs(30);
        let r = probe(&input(closed.to_string(), transport, PASSWORD), &slow).await;
        assert_eq!(status(&r, step::REACH), CheckStatus::Failed, "{r:?}");
        assert!(
            r.checks[1].message.contains("refused"),
            "{}",
            r.checks[1].message
        );
        assert_eq!(status(&r, step::AUTHENTICATE), CheckStatus::Skipped);
        assert!(started.elapsed() < Duration::from_secs(15));
    }
    // Silent: a UDP socket that reads and never answers (it sees retransmissions).
    let silent = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let counter = tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        let mut seen = 0;
        while tokio::time::timeout(Duration::from_secs(3), silent.recv(&mut buf))
            .await
            .is_ok()
        {
            seen += 1;
        }
        seen
    });
    let started = Instant::now();
    let r = probe(
        &input(silent_addr.to_string(), Transport::Udp, PASSWORD),
        &options(false),
    )
    .await;
    assert_eq!(status(&r, step::REACH), CheckStatus::Failed, "{r:?}");
    assert!(
        r.checks[1].message.contains("no answer"),
        "{}",
        r.checks[1].message
    );
    // Bounded by the 1.5 s limit; the generous bound only catches a hang.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "bounded by the timeout"
    );
    assert!(
        counter.await.unwrap() >= 2,
        "UDP is retransmitted (Timer E)"
    );
    // Unresolvable: the DNS server never answers.
    let dns = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut opts = options(false);
    opts.resolver = Resolver::with_nameserver(dns.local_addr().unwrap())
        .with_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let r = probe(
        &input("sip.nowhere.test".into(), Transport::Udp, PASSWORD),
        &opts,
    )
    .await;
    assert_eq!(status(&r, step::RESOLVE), CheckStatus::Failed, "{r:?}");
    assert!(
        r.checks[0].message.contains("sip.nowhere.test"),
        "{}",
        r.checks[0].message
    );
    assert_eq!(status(&r, step::REACH), CheckStatus::Skipped);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "not stuck on DNS"
    );
    drop(dns);
}

#[tokio::test]
async fn sip_probe_on_the_command_line_checks_a_credential_and_says_so_by_exit_code() {
    use crate::cli::{telcreds, write_config};
    let peer = peer(Algorithm::Md5).await;
    let sb = crate::support::sandbox(telcreds::sandbox::Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let p = ["-p", "sandbox-dasha"];
    let server = peer.addr().to_string();
    let created = telcreds(
        &cfg,
        &[
            &p[..],
            &[
                "-o",
                "json",
                "sip",
                "create",
                "--server",
                &server,
                "--auth-user",
                "alice",
                "--password-stdin",
            ],
        ]
        .concat(),
        PASSWORD,
    )
    .await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let id = serde_json::from_str::<serde_json::Value>(&created.stdout).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let good = telcreds(
        &cfg,
        &[&p[..], &["sip", "probe", &id, "--register"]].concat(),
        "",
    )
    .await;
    assert_eq!(good.code, 0, "{}\n{}", good.stdout, good.stderr);
    assert!(good.stdout.contains("accepted"), "{}", good.stdout);
    let reach_only = telcreds(
        &cfg,
        &[&p[..], &["-o", "json", "sip", "probe", &id]].concat(),
        "",
    )
    .await;
    assert_eq!(reach_only.code, 0, "{}", reach_only.stderr);
    let json: serde_json::Value = serde_json::from_str(&reach_only.stdout).unwrap();
    assert_eq!(json["checks"][1]["name"], "reach");
    assert_eq!(json["checks"][2]["status"], "skipped");
    // The overall result, and times in whole milliseconds (as `doctor` gives them).
    assert_eq!(json["status"], "verified", "{json}");
    assert_eq!(json["password_checked"], false, "{json}");
    assert!(json["checks"][1]["elapsed_ms"].is_u64(), "{json}");
    assert!(json["checks"][1].get("elapsed").is_none(), "{json}");
    // Without --register, the headline does not claim the password was verified.
    let table = telcreds(&cfg, &[&p[..], &["sip", "probe", &id]].concat(), "").await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    let headline = table.stdout.lines().next().unwrap_or_default();
    assert!(
        headline.ends_with("✓ reachable; password not checked"),
        "{}",
        table.stdout
    );
    assert!(
        good.stdout
            .lines()
            .next()
            .unwrap_or_default()
            .ends_with("✓ verified")
    );
    // A wrong password is rejected: exit 11.
    let changed = telcreds(
        &cfg,
        &[&p[..], &["sip", "rotate", &id, "--password-stdin"]].concat(),
        "not-the-password",
    )
    .await;
    assert_eq!(changed.code, 0, "{}", changed.stderr);
    let bad = telcreds(
        &cfg,
        &[&p[..], &["sip", "probe", &id, "--register"]].concat(),
        "",
    )
    .await;
    assert_eq!(bad.code, 11, "{}\n{}", bad.stdout, bad.stderr);
    assert!(bad.stdout.contains("rejected"), "{}", bad.stdout);
    // The results are in the credential's history; no password anywhere.
    let history = std::fs::read_dir(dir.path().join("data/history/sandbox-dasha"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect::<String>();
    assert!(history.contains("\"source\":\"probe\""), "{history}");
    for text in [
        &good.stdout,
        &good.stderr,
        &bad.stdout,
        &bad.stderr,
        &history,
    ] {
        assert!(
            !text.contains(PASSWORD) && !text.contains("not-the-password"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn over_tls_the_certificate_is_checked_and_the_password_accepted() {
    let dir = tempfile::tempdir().unwrap();
    for (sans, ok) in [
        (&["127.0.0.1"][..], true),
        (&["sip.elsewhere.test"][..], false),
    ] {
        let mut peer = peer(Algorithm::Sha256).await;
        let (ca, config) = tls_certs(sans);
        let tls = peer.listen_tls(config).await.unwrap();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca).unwrap();
        let mut opts = options(true);
        opts.trust = TlsTrust::new(Some(&ca_file)).unwrap();
        let report = probe(&input(tls.to_string(), Transport::Tls, PASSWORD), &opts).await;
        if ok {
            assert_eq!(
                status(&report, step::REACH),
                CheckStatus::Passed,
                "{report:?}"
            );
            assert_eq!(
                status(&report, step::AUTHENTICATE),
                CheckStatus::Passed,
                "{report:?}"
            );
        } else {
            assert_eq!(
                status(&report, step::REACH),
                CheckStatus::Failed,
                "{report:?}"
            );
            let message = &report.checks[1].message;
            assert!(
                message.contains("TLS") && message.contains("not valid"),
                "{message}"
            );
        }
    }
    // Without the extra CA, the certificate is not trusted.
    let mut peer = peer(Algorithm::Md5).await;
    let (_, config) = tls_certs(&["127.0.0.1"]);
    let tls = peer.listen_tls(config).await.unwrap();
    let report = probe(
        &input(tls.to_string(), Transport::Tls, PASSWORD),
        &options(false),
    )
    .await;
    assert_eq!(
        status(&report, step::REACH),
        CheckStatus::Failed,
        "{report:?}"
    );
    assert!(
        report.checks[1].message.contains("UnknownIssuer"),
        "{report:?}"
    );
}

/// The demo's SIP credential that dials the demo trunk.
pub(crate) const TRUNK_CREDENTIAL: &str = "c2000000-0000-4000-8000-000000000003";

/// Sends a form body with the sandbox Twilio account's current token; returns the
/// status and the JSON answer (`Null` when empty).
pub(crate) async fn twilio_form(
    sb: &telcreds::sandbox::Sandbox,
    method: reqwest::Method,
    url: &str,
    pairs: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let account = sb.twilio_accounts().into_iter().next().unwrap();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let r = reqwest::Client::new()
        .request(method, url)
        .basic_auth(&account.sid, Some(&account.auth_token))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_default())
}

/// The demo trunk's credential list: the URL of its credentials (2010 API).
pub(crate) async fn demo_list_url(sb: &telcreds::sandbox::Sandbox) -> (String, String) {
    let account = sb.twilio_accounts().into_iter().next().unwrap();
    let base = sb.twilio_trunking_base();
    let (_, trunks) =
        twilio_form(sb, reqwest::Method::GET, &format!("{base}/v1/Trunks"), &[]).await;
    let trunk = trunks["trunks"][0]["sid"].as_str().unwrap().to_string();
    let url = format!("{base}/v1/Trunks/{trunk}/CredentialLists");
    let (_, lists) = twilio_form(sb, reqwest::Method::GET, &url, &[]).await;
    let list = lists["credential_lists"][0]["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!(
        "{}/2010-04-01/Accounts/{}/SIP/CredentialLists/{list}/Credentials",
        sb.origin(),
        account.sid
    );
    (list, url)
}

#[tokio::test]
async fn the_demo_trunk_accepts_what_its_credential_lists_hold_at_that_moment() {
    let sb = crate::support::sandbox(telcreds::sandbox::Seed::Demo).await;
    let c = crate::support::dasha(&sb)
        .get_sip_credential(TRUNK_CREDENTIAL)
        .await
        .unwrap();
    let peer = sb.sip_peer_addr().unwrap();
    assert_eq!(
        c.server,
        format!("acme-voice.pstn.twilio.localhost:{}", peer.port())
    );
    let user = c.auth_user.clone().unwrap();
    let old = c.auth_password.clone().unwrap();
    let register = |user: &str, password: &str| {
        let mut i = input(c.server.clone(), Transport::Udp, password);
        i.auth_user = Some(user.to_string());
        i.domain = c.domain.clone();
        async move { status(&probe(&i, &options(true)).await, step::AUTHENTICATE) }
    };
    assert_eq!(register(&user, old.expose()).await, CheckStatus::Passed);
    assert_eq!(
        register(&user, "Not-the-Pa55word").await,
        CheckStatus::Failed
    );

    // A new pair added to the list works at once, beside the old one.
    let (list, url) = demo_list_url(&sb).await;
    let (status_code, made) = twilio_form(
        &sb,
        reqwest::Method::POST,
        &format!("{url}.json"),
        &[
            ("Username", "acme-voice-2"),
            ("Password", "CANARY-Trunk-Pa55"),
        ],
    )
    .await;
    assert_eq!(status_code, 201, "{made}");
    assert_eq!(
        register("acme-voice-2", "CANARY-Trunk-Pa55").await,
        CheckStatus::Passed
    );
    assert_eq!(register(&user, old.expose()).await, CheckStatus::Passed);

    // A changed password: the old one is refused from then on.
    let cr = made["sid"].as_str().unwrap();
    let (code, _) = twilio_form(
        &sb,
        reqwest::Method::POST,
        &format!("{url}/{cr}.json"),
        &[("Password", "CANARY-Trunk-Pa56")],
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        register("acme-voice-2", "CANARY-Trunk-Pa55").await,
        CheckStatus::Failed
    );
    assert_eq!(
        register("acme-voice-2", "CANARY-Trunk-Pa56").await,
        CheckStatus::Passed
    );

    // Deleted: refused.
    let (code, _) = twilio_form(
        &sb,
        reqwest::Method::DELETE,
        &format!("{url}/{cr}.json"),
        &[],
    )
    .await;
    assert_eq!(code, 204);
    assert_eq!(
        register("acme-voice-2", "CANARY-Trunk-Pa56").await,
        CheckStatus::Failed
    );
    assert_eq!(sb.credential_list_usernames(&list).len(), 2);
}

/// A CA file that cannot be used is a usage error (2), said before the platform is
/// asked anything.
#[tokio::test]
async fn sip_probe_with_an_unusable_ca_file_asks_the_platform_nothing() {
    use crate::cli::{telcreds, write_config};
    let sb = crate::support::sandbox(telcreds::sandbox::Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let missing = dir.path().join("missing.pem");
    let args = [
        "-p",
        "sandbox-dasha",
        "sip",
        "probe",
        "any trunk",
        "--ca-file",
    ];
    let out = telcreds(
        &cfg,
        &[&args[..], &[missing.to_str().unwrap()]].concat(),
        "",
    )
    .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    let said = format!("error: cannot read the CA file {}: ", missing.display());
    assert!(out.stderr.starts_with(&said), "{}", out.stderr);
    assert!(crate::support::requests(&sb).await.is_empty());
}

/// A transport the platform names and telcreds does not know is refused by name,
/// and nothing is probed or recorded.
#[tokio::test]
async fn a_credential_over_a_transport_telcreds_does_not_know_is_not_probed() {
    use axum::{Json, Router, routing::get};
    use std::sync::Arc;
    use telcreds::api::PlatformClient;
    use telcreds::api::dasha::DashaClient;
    use telcreds::domain::Platform;
    use telcreds::ops::{Ops, Origin, Prober, Stores};

    let credential = serde_json::json!({
        "id": "c1", "server": "192.0.2.1", "transport": "sctp", "source": "manual",
    });
    let app = Router::new().route(
        "/sip-credentials/{id}",
        get(move || async move { Json(credential) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let dir = tempfile::tempdir().unwrap();
    let client = DashaClient::new(crate::support::http(), &base, Secret::new("t"));
    let origin = Origin {
        profile: "p".into(),
        platform: Platform::Dasha,
        readonly: false,
    };
    let stores = Stores::in_dir(dir.path());
    let ops = Ops::new(Arc::new(PlatformClient::Dasha(client)), origin, stores);

    let done = ops.probe_sip("c1", &Prober::default(), true).await;
    let Err(e) = done.result else {
        panic!("{:?}", done.result)
    };
    assert_eq!(e.field_errors()[0].field, "transport");
    assert!(
        e.to_string()
            .contains(r#"transport: telcreds cannot probe over "sctp""#),
        "{e}"
    );
    assert!(ops.history("c1").await.is_empty(), "nothing recorded");
}

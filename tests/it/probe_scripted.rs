//! The probe against a scripted SIP peer on loopback (UDP and TCP on one port, TLS on
//! another) that answers each request as its test says: what servers in the field do
//! and the sandbox's peer does not (a proxy and a registrar challenging for two
//! realms, a 404 after the challenge, a challenged OPTIONS, auth-int, endless stale).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use telcreds::domain::Transport;
use telcreds::domain::{CheckStatus, VerificationStatus};
use telcreds::probe::digest::{self, Challenge};
use telcreds::probe::probe;
use telcreds::probe::report::{ProbeReport, step};
use telcreds::probe::transport::TlsTrust;
use telcreds::secret::Secret;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use crate::probe::{PASSWORD, input, options, status};

/// What the peer answers to one request (its text): the status code and reason,
/// then any extra header lines, each ending in CRLF.
type Script = dyn Fn(&str) -> String + Send + Sync;

/// The script and every request the peer got, in order.
struct Shared {
    script: Box<Script>,
    seen: Mutex<Vec<String>>,
}

/// A scripted peer; its tasks stop when it is dropped.
struct ScriptedPeer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for ScriptedPeer {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl ScriptedPeer {
    /// UDP and TCP on one free loopback port.
    async fn start(script: impl Fn(&str) -> String + Send + Sync + 'static) -> ScriptedPeer {
        let shared = Arc::new(Shared {
            script: Box::new(script),
            seen: Mutex::new(Vec::new()),
        });
        let (udp, tcp) = loop {
            let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            if let Ok(tcp) = TcpListener::bind(udp.local_addr().unwrap()).await {
                break (udp, tcp);
            }
        };
        let addr = udp.local_addr().unwrap();
        let on_udp = {
            let shared = shared.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65_536];
                while let Ok((n, from)) = udp.recv_from(&mut buf).await {
                    let _ = udp.send_to(&shared.reply(&buf[..n]), from).await;
                }
            })
        };
        let on_tcp = {
            let shared = shared.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = tcp.accept().await {
                    tokio::spawn(serve(stream, shared.clone()));
                }
            })
        };
        ScriptedPeer {
            addr,
            shared,
            tasks: vec![on_udp, on_tcp],
        }
    }

    /// Also TLS on another loopback port, with `tls`'s certificate; that address.
    async fn listen_tls(&mut self, tls: Arc<rustls::ServerConfig>) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(tls);
        let shared = self.shared.clone();
        self.tasks.push(tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (acceptor, shared) = (acceptor.clone(), shared.clone());
                tokio::spawn(async move {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve(stream, shared).await;
                    }
                });
            }
        }));
        addr
    }

    /// The requests seen so far.
    fn seen(&self) -> Vec<String> {
        self.shared.seen.lock().unwrap().clone()
    }
}

impl Shared {
    /// The scripted answer, with Via, From, To, Call-ID and CSeq copied back.
    fn reply(&self, request: &[u8]) -> Vec<u8> {
        let request = String::from_utf8_lossy(request).into_owned();
        let mut out = format!("SIP/2.0 {}", (self.script)(&request));
        for line in request.split("\r\n").skip(1) {
            if ["Via:", "From:", "Call-ID:", "CSeq:"]
                .iter()
                .any(|h| line.starts_with(h))
            {
                out.push_str(&format!("{line}\r\n"));
            } else if line.starts_with("To:") {
                out.push_str(&format!("{line};tag=scripted\r\n"));
            }
        }
        out.push_str("Content-Length: 0\r\n\r\n");
        self.seen.lock().unwrap().push(request);
        out.into_bytes()
    }
}

/// Answers the requests of one stream (bodiless, so each ends at the blank line).
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, shared: Arc<Shared>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stream.read(&mut chunk).await {
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        while let Some(end) = memchr::memmem::find(&buf, b"\r\n\r\n") {
            let request: Vec<u8> = buf.drain(..end + 4).collect();
            if stream.write_all(&shared.reply(&request)).await.is_err() {
                return;
            }
        }
    }
}

/// The request's method.
fn method(request: &str) -> &str {
    request.split(' ').next().unwrap_or_default()
}

/// The value of header `name` (exact name, any case) in a request.
fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    request.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Parameter `name` of a Digest answer (quoted or not).
fn param<'a>(answer: &'a str, name: &str) -> &'a str {
    answer
        .trim_start_matches("Digest")
        .split(", ")
        .find_map(|p| p.trim().strip_prefix(name)?.strip_prefix('='))
        .map(|v| v.trim_matches('"'))
        .unwrap_or_default()
}

/// True when `answer` answers `challenge` for user alice with [`PASSWORD`],
/// recomputed with telcreds' digest code from the answer's own uri, cnonce and nc
/// (the hashing itself is checked against the RFC vectors in the unit tests). The
/// probe answers challenges to REGISTER only.
fn verified(answer: Option<&str>, challenge: &str) -> bool {
    let Some(answer) = answer else { return false };
    let mut ch: Challenge = digest::parse_challenge(challenge, false).unwrap();
    if param(answer, "realm") != ch.realm || param(answer, "nonce") != ch.nonce {
        return false;
    }
    let qop = param(answer, "qop");
    if !qop.is_empty() {
        ch.qop = vec![qop.to_string()];
    }
    let nc = u32::from_str_radix(param(answer, "nc"), 16).unwrap_or(1);
    let expected = digest::authorization(
        &ch,
        "REGISTER",
        param(answer, "uri"),
        "alice",
        &Secret::new(PASSWORD),
        param(answer, "cnonce"),
        nc,
    );
    param(&expected, "response") == param(answer, "response")
}

/// A registrar: OPTIONS gets `options`; REGISTER a 401 with `challenge`, then
/// `accepted` (a status line and headers) for the right answer and 403 otherwise.
fn registrar(
    options: &'static str,
    challenge: &'static str,
    accepted: &'static str,
) -> impl Fn(&str) -> String {
    move |req| {
        if method(req) == "OPTIONS" {
            return options.to_string();
        }
        match header(req, "Authorization") {
            None => format!("401 Unauthorized\r\nWWW-Authenticate: {challenge}\r\n"),
            a if verified(a, challenge) => accepted.to_string(),
            Some(_) => "403 Forbidden\r\n".to_string(),
        }
    }
}

async fn run(peer: SocketAddr, transport: Transport, password: &str) -> ProbeReport {
    probe(
        &input(peer.to_string(), transport, password),
        &options(true),
    )
    .await
}

/// The message of step `name`.
fn message<'a>(report: &'a ProbeReport, name: &str) -> &'a str {
    &report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap()
        .message
}

#[tokio::test]
async fn a_challenge_offering_only_auth_int_is_answered() {
    const INT_ONLY: &str = r#"Digest realm="sip.test", nonce="i1", qop="auth-int""#;
    let peer = ScriptedPeer::start(registrar("200 OK\r\n", INT_ONLY, "200 OK\r\n")).await;
    for transport in [Transport::Udp, Transport::Tcp] {
        let good = run(peer.addr, transport, PASSWORD).await;
        assert_eq!(
            status(&good, step::AUTHENTICATE),
            CheckStatus::Passed,
            "{good:?}"
        );
        let last = peer.seen().pop().unwrap();
        assert!(last.contains("qop=auth-int"), "{last}");
        let bad = run(peer.addr, transport, "wrong").await;
        assert_eq!(
            status(&bad, step::AUTHENTICATE),
            CheckStatus::Failed,
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn a_peer_that_keeps_answering_stale_is_inconclusive_not_a_wrong_password() {
    let rounds = std::sync::atomic::AtomicU32::new(0);
    let peer = ScriptedPeer::start(move |req| {
        if method(req) == "OPTIONS" {
            return "200 OK\r\n".into();
        }
        // Every answer, right or wrong, gets a new nonce marked stale.
        let n = rounds.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let stale = if header(req, "Authorization").is_some() {
            ", stale=true"
        } else {
            ""
        };
        format!(
            "401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"sip.test\", nonce=\"s{n}\", qop=\"auth\"{stale}\r\n"
        )
    })
    .await;
    for transport in [Transport::Udp, Transport::Tcp] {
        let report = run(peer.addr, transport, PASSWORD).await;
        assert_eq!(
            status(&report, step::AUTHENTICATE),
            CheckStatus::Warning,
            "{report:?}"
        );
        let message = message(&report, step::AUTHENTICATE);
        assert!(
            message.starts_with("inconclusive") && message.contains("kept answering stale=true"),
            "{message}"
        );
        assert_eq!(report.status(), VerificationStatus::Warning);
    }
}

/// A plain MD5 challenge, as ejabberd sends.
const MD5_AUTH: &str = r#"Digest realm="sip.test", nonce="e1", algorithm=MD5, qop="auth""#;

#[tokio::test]
async fn a_404_after_the_answered_challenge_means_the_password_passed() {
    // ejabberd: the right password for a user with no binding gets 404 (RFC 3261
    // §10.3 authenticates in step 3, before step 5 looks up the address-of-record).
    let peer = ScriptedPeer::start(registrar("200 OK\r\n", MD5_AUTH, "404 Not Found\r\n")).await;
    for transport in [Transport::Udp, Transport::Tcp] {
        let good = run(peer.addr, transport, PASSWORD).await;
        assert_eq!(
            status(&good, step::AUTHENTICATE),
            CheckStatus::Passed,
            "{good:?}"
        );
        let message = message(&good, step::AUTHENTICATE);
        assert!(
            message.starts_with("accepted")
                && message.contains("404 Not Found")
                && message.contains("address-of-record"),
            "{message}"
        );
        assert_eq!(good.status(), VerificationStatus::Verified);
        let bad = run(peer.addr, transport, "wrong").await;
        assert_eq!(
            status(&bad, step::AUTHENTICATE),
            CheckStatus::Failed,
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn a_challenged_options_still_proves_the_server_is_reached() {
    // ejabberd challenges OPTIONS too.
    const CHALLENGED: &str = "407 Proxy Authentication Required\r\n\
        Proxy-Authenticate: Digest realm=\"sip.test\", nonce=\"o1\", qop=\"auth\"\r\n";
    let mut peer = ScriptedPeer::start(registrar(CHALLENGED, MD5_AUTH, "200 OK\r\n")).await;
    let (ca, tls) = crate::support::tls_certs(&["127.0.0.1"]);
    let tls_addr = peer.listen_tls(tls).await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let cases = [
        (peer.addr, Transport::Udp),
        (peer.addr, Transport::Tcp),
        (tls_addr, Transport::Tls),
    ];
    for (addr, transport) in cases {
        for register in [false, true] {
            let mut opts = options(register);
            opts.trust = TlsTrust::new(Some(&ca_file)).unwrap();
            let report = probe(&input(addr.to_string(), transport, PASSWORD), &opts).await;
            assert_eq!(
                status(&report, step::REACH),
                CheckStatus::Passed,
                "{report:?}"
            );
            assert!(message(&report, step::REACH).contains("407"), "{report:?}");
            assert_eq!(report.status(), VerificationStatus::Verified, "{report:?}");
        }
    }
}

#[tokio::test]
async fn a_proxy_and_a_registrar_challenging_for_two_realms_both_get_answers() {
    const PROXY: &str = r#"Digest realm="proxy.test", nonce="p1", qop="auth""#;
    const REGISTRAR: &str =
        r#"Digest realm="registrar.test", nonce="r1", algorithm=SHA-256, qop="auth""#;
    // The proxy challenges until its realm is answered, then hands the request to
    // the registrar, which challenges for its own realm (RFC 3261 §22.3).
    let registrar = registrar("200 OK\r\n", REGISTRAR, "200 OK\r\n");
    let peer = ScriptedPeer::start(move |req| {
        if method(req) == "REGISTER" && !verified(header(req, "Proxy-Authorization"), PROXY) {
            return format!("407 Proxy Authentication Required\r\nProxy-Authenticate: {PROXY}\r\n");
        }
        registrar(req)
    })
    .await;
    for transport in [Transport::Udp, Transport::Tcp] {
        let good = run(peer.addr, transport, PASSWORD).await;
        assert_eq!(
            status(&good, step::AUTHENTICATE),
            CheckStatus::Passed,
            "{good:?}"
        );
        let accepted = message(&good, step::AUTHENTICATE);
        assert!(
            accepted.contains("proxy.test") && accepted.contains("registrar.test"),
            "{accepted}"
        );
        let last = peer.seen().pop().unwrap();
        let proxy_answer = header(&last, "Proxy-Authorization").unwrap();
        assert!(header(&last, "Authorization").is_some(), "{last}");
        assert_eq!(
            param(proxy_answer, "nc"),
            "00000002",
            "the proxy's nonce again"
        );
        let bad = run(peer.addr, transport, "wrong").await;
        assert_eq!(
            status(&bad, step::AUTHENTICATE),
            CheckStatus::Failed,
            "{bad:?}"
        );
        assert!(
            message(&bad, step::AUTHENTICATE).starts_with("rejected"),
            "{bad:?}"
        );
    }
}

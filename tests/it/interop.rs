//! The probe against real SIP peers on loopback: Kamailio (UDP, TCP and TLS, with a
//! SHA-256 challenge) and sipp (UDP and TCP, MD5). `scripts/test` installs them
//! (Debian `kamailio`, `kamailio-tls-modules`, `sip-tester`); the peers' configs are in
//! `tests/peers/`.

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use telcreds::domain::CheckStatus;
use telcreds::domain::Transport;
use telcreds::probe::report::{ProbeReport, step};
use telcreds::probe::resolve::Resolver;
use telcreds::probe::transport::TlsTrust;
use telcreds::probe::{ProbeInput, ProbeOptions, probe};
use telcreds::secret::Secret;

const PEERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers");

/// A peer process, killed when dropped.
struct Peer(Child);

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn installed(bin: &str) -> String {
    for dir in ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"] {
        let path = format!("{dir}/{bin}");
        if Path::new(&path).exists() {
            return path;
        }
    }
    panic!(
        "{bin} is not installed: scripts/test installs it (apt-get install kamailio kamailio-tls-modules sip-tester)"
    );
}

/// A port free for both UDP and TCP on loopback.
fn free_port() -> u16 {
    for _ in 0..1000 {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no loopback port free for both UDP and TCP in 1000 tries");
}

/// Waits until something has bound UDP `port` on loopback (binding it fails).
fn wait_udp_bound(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
        assert!(
            Instant::now() < deadline,
            "the peer did not bind UDP {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the peer did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn input(server: String, transport: Transport, user: &str, password: &str) -> ProbeInput {
    ProbeInput {
        id: "interop".into(),
        name: "test trunk".into(),
        server,
        transport,
        domain: Some("sip.test".into()),
        auth_user: Some(user.into()),
        password: Some(Secret::new(password)),
    }
}

fn options(trust: TlsTrust) -> ProbeOptions {
    ProbeOptions {
        register: true,
        timeout: Duration::from_secs(3),
        resolver: Resolver::with_nameserver("127.0.0.1:9".parse().unwrap()),
        trust,
    }
}

fn auth(report: &ProbeReport) -> CheckStatus {
    assert_eq!(report.checks[1].status, CheckStatus::Passed, "{report:?}");
    report
        .checks
        .iter()
        .find(|c| c.name == step::AUTHENTICATE)
        .unwrap()
        .status
        .clone()
}

/// A CA (PEM) and a leaf certificate and key (PEM) for 127.0.0.1 and sip.test.
fn certs() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["sip.test".to_string()]).unwrap();
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.subject_alt_names
        .push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    (ca_cert.pem(), cert.pem(), key.serialize_pem())
}

#[ignore = "needs kamailio: scripts/test installs it and runs these"]
#[tokio::test]
async fn kamailio_over_udp_tcp_and_tls_with_a_sha256_challenge() {
    let kamailio = installed("kamailio");
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let (ca, cert, key) = certs();
    std::fs::write(w.join("ca.pem"), ca).unwrap();
    std::fs::write(w.join("cert.pem"), cert).unwrap();
    std::fs::write(w.join("key.pem"), key).unwrap();
    let (port, tls_port) = (free_port(), free_port());
    let fill = |text: String| {
        text.replace("@WORK@", &w.display().to_string())
            .replace("@PORT@", &port.to_string())
            .replace("@TLSPORT@", &tls_port.to_string())
    };
    let read = |name: &str| std::fs::read_to_string(format!("{PEERS}/{name}")).unwrap();
    std::fs::write(w.join("tls.cfg"), fill(read("tls.cfg.in"))).unwrap();
    std::fs::write(w.join("kamailio.cfg"), fill(read("kamailio-probe.cfg"))).unwrap();
    let _peer = Peer(
        Command::new(kamailio)
            .args(["-DD", "-E", "-f"])
            .arg(w.join("kamailio.cfg"))
            .args(["-A", "ALGO=\"SHA-256\"", "-Y"])
            .arg(w)
            .arg("-P")
            .arg(w.join("kamailio.pid"))
            .args(["-m", "32", "-M", "4", "-w"])
            .arg(w)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("kamailio starts"),
    );
    wait_listening(port);
    wait_listening(tls_port);
    let trust = TlsTrust::new(Some(&w.join("ca.pem"))).unwrap();
    for (transport, p) in [
        (Transport::Udp, port),
        (Transport::Tcp, port),
        (Transport::Tls, tls_port),
    ] {
        let server = format!("127.0.0.1:{p}");
        let good = probe(
            &input(server.clone(), transport, "alice", "s3cret"),
            &options(trust.clone()),
        )
        .await;
        assert_eq!(auth(&good), CheckStatus::Passed, "{transport:?}: {good:?}");
        assert!(good.checks[2].message.contains("SHA-256"), "{good:?}");
        let bad = probe(
            &input(server, transport, "alice", "wrong"),
            &options(trust.clone()),
        )
        .await;
        assert_eq!(auth(&bad), CheckStatus::Failed, "{transport:?}: {bad:?}");
    }
}

#[ignore = "needs kamailio and sipp: scripts/test installs it and runs these"]
#[tokio::test]
async fn sipp_over_udp_and_tcp_with_an_md5_challenge() {
    let sipp = installed("sipp");
    for (flag, transport) in [("u1", Transport::Udp), ("t1", Transport::Tcp)] {
        let (port, control, media) = (free_port(), free_port(), free_port());
        let _peer = Peer(
            Command::new(&sipp)
                .arg("-sf")
                .arg(format!("{PEERS}/uas_options_register.xml"))
                .args(["-t", flag, "-i", "127.0.0.1", "-ci", "127.0.0.1"])
                .args(["-cp", &control.to_string(), "-mp", &media.to_string()])
                .args(["-p", &port.to_string()])
                .args(["-key", "user", "alice", "-key", "pass", "s3cret"])
                .args(["-key", "realm", "sip.test", "-timeout", "30s", "-nostdin"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("sipp starts"),
        );
        if transport == Transport::Tcp {
            wait_listening(port);
        } else {
            wait_udp_bound(port);
        }
        let trust = TlsTrust::new(None).unwrap();
        let server = format!("127.0.0.1:{port}");
        let good = probe(
            &input(server.clone(), transport, "alice", "s3cret"),
            &options(trust.clone()),
        )
        .await;
        assert_eq!(auth(&good), CheckStatus::Passed, "{transport:?}: {good:?}");
        let bad = probe(&input(server, transport, "alice", "wrong"), &options(trust)).await;
        assert_eq!(auth(&bad), CheckStatus::Failed, "{transport:?}: {bad:?}");
    }
}

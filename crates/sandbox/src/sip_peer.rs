//! A small SIP peer on loopback, for the demo and the tests: it answers OPTIONS with
//! 200, challenges a REGISTER with a digest (MD5 or SHA-256, qop auth) and accepts it
//! when the answer was computed with a password it knows for the user (403
//! otherwise): its own users, and those of its [`Directory`] (the demo's carrier
//! trunk: whatever its credential lists hold at that moment). It keeps no
//! registration. UDP and TCP on the same port.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use telcreds_core::probe::digest::{self, Algorithm, Challenge};
use telcreds_core::secret::Secret;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

/// The realm the peer challenges with.
pub const REALM: &str = "sandbox.sip";

/// Who the peer knows, and how it challenges.
#[derive(Debug, Clone)]
pub struct PeerConfig {
    /// user → password.
    pub users: HashMap<String, Secret>,
    /// The digest algorithm of its challenges.
    pub algorithm: Algorithm,
}

/// More users, looked up at each REGISTER: the passwords accepted for a username
/// now (several when a carrier holds that username in several lists).
pub type Directory = Arc<dyn Fn(&str) -> Vec<Secret> + Send + Sync>;

/// What every connection of a peer reads.
struct PeerState {
    config: Mutex<PeerConfig>,
    directory: Mutex<Option<Directory>>,
    /// Authenticated REGISTERs still to refuse whatever they answer (a carrier
    /// that does not yet accept a pair its list holds).
    refusals: std::sync::atomic::AtomicU32,
}

impl std::fmt::Debug for PeerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeerState").finish_non_exhaustive()
    }
}

/// A running peer; stops when dropped.
#[derive(Debug)]
pub struct SipPeer {
    addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
    config: Arc<PeerState>,
}

impl Drop for SipPeer {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl SipPeer {
    /// Starts on 127.0.0.1, UDP and TCP on one free port.
    pub async fn start(config: PeerConfig) -> std::io::Result<SipPeer> {
        let config = Arc::new(PeerState {
            config: Mutex::new(config),
            directory: Mutex::new(None),
            refusals: std::sync::atomic::AtomicU32::new(0),
        });
        // The same port for both: try a few until TCP can take the UDP one.
        let (udp, tcp) = loop {
            let udp = UdpSocket::bind("127.0.0.1:0").await?;
            if let Ok(tcp) = TcpListener::bind(udp.local_addr()?).await {
                break (udp, tcp);
            }
        };
        let addr = udp.local_addr()?;
        let udp_task = {
            let config = config.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65_536];
                while let Ok((n, from)) = udp.recv_from(&mut buf).await {
                    if let Some(reply) = answer(&buf[..n], &config) {
                        let _ = udp.send_to(&reply, from).await;
                    }
                }
            })
        };
        let tcp_task = {
            let config = config.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = tcp.accept().await {
                    tokio::spawn(serve_stream(stream, config.clone()));
                }
            })
        };
        Ok(SipPeer {
            addr,
            tasks: vec![udp_task, tcp_task],
            config,
        })
    }

    /// Where it listens (UDP and TCP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Also listens for SIP over TLS on another loopback port, presenting `tls`'s
    /// certificate; returns that port's address.
    pub async fn listen_tls(
        &mut self,
        tls: Arc<rustls::ServerConfig>,
    ) -> std::io::Result<SocketAddr> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let acceptor = tokio_rustls::TlsAcceptor::from(tls);
        let config = self.config.clone();
        self.tasks.push(tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (acceptor, config) = (acceptor.clone(), config.clone());
                tokio::spawn(async move {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve_stream(stream, config).await;
                    }
                });
            }
        }));
        Ok(addr)
    }

    /// Knows `user` with `password` from now on.
    pub fn add_user(&self, user: &str, password: Secret) {
        if let Ok(mut c) = self.config.config.lock() {
            c.users.insert(user.to_string(), password);
        }
    }

    /// Refuses (403) the next `n` authenticated REGISTERs, whatever they answer.
    pub fn refuse_next(&self, n: u32) {
        self.config
            .refusals
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Also accepts, from now on, every password `directory` gives for a username
    /// when the REGISTER comes.
    pub fn set_directory(&self, directory: Directory) {
        if let Ok(mut d) = self.config.directory.lock() {
            *d = Some(directory);
        }
    }
}

/// Answers the requests of one stream connection (TCP or TLS) until it closes.
async fn serve_stream<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, config: Arc<PeerState>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stream.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        while let Some(end) = memchr::memmem::find(&buf, b"\r\n\r\n") {
            let request: Vec<u8> = buf.drain(..end + 4).collect();
            if let Some(reply) = answer(&request, &config)
                && stream.write_all(&reply).await.is_err()
            {
                return;
            }
        }
    }
}

/// A request's method and headers (name lowercased, in order).
struct Request {
    method: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn parse(bytes: &[u8]) -> Option<Request> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.split("\r\n");
        let method = lines.next()?.split(' ').next()?.to_string();
        let headers = lines
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Some(Request { method, headers })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// True (and one fewer left) while refusals are queued.
fn take_refusal(state: &PeerState) -> bool {
    use std::sync::atomic::Ordering::SeqCst;
    state
        .refusals
        .fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

/// The response to one request, or nothing for what is not a request.
fn answer(bytes: &[u8], state: &PeerState) -> Option<Vec<u8>> {
    let request = Request::parse(bytes)?;
    let (code, reason, extra) = match request.method.as_str() {
        "OPTIONS" => (200, "OK", "Allow: OPTIONS, REGISTER\r\n".to_string()),
        "REGISTER" => {
            let config = state.config.lock().ok()?.clone();
            let directory = state.directory.lock().ok()?.clone();
            match request.header("authorization") {
                None => challenge(&config),
                Some(_) if take_refusal(state) => (403, "Forbidden", String::new()),
                Some(auth) if verified(auth, &config, directory.as_ref()) => {
                    (200, "OK", String::new())
                }
                Some(_) => (403, "Forbidden", String::new()),
            }
        }
        _ => (
            405,
            "Method Not Allowed",
            "Allow: OPTIONS, REGISTER\r\n".into(),
        ),
    };
    let mut out = format!("SIP/2.0 {code} {reason}\r\n");
    for name in ["via", "from", "call-id", "cseq"] {
        for (k, v) in &request.headers {
            if k == name {
                out.push_str(&format!("{}: {v}\r\n", canonical(name)));
            }
        }
    }
    if let Some(to) = request.header("to") {
        let tag = if to.contains("tag=") {
            ""
        } else {
            ";tag=sandbox"
        };
        out.push_str(&format!("To: {to}{tag}\r\n"));
    }
    out.push_str(&extra);
    out.push_str("Server: telcreds-sandbox\r\nContent-Length: 0\r\n\r\n");
    Some(out.into_bytes())
}

fn canonical(name: &str) -> &'static str {
    match name {
        "via" => "Via",
        "from" => "From",
        "call-id" => "Call-ID",
        _ => "CSeq",
    }
}

fn challenge(config: &PeerConfig) -> (u16, &'static str, String) {
    let nonce = digest::new_cnonce();
    let header = format!(
        "WWW-Authenticate: Digest realm=\"{REALM}\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\"\r\n",
        config.algorithm.token()
    );
    (401, "Unauthorized", header)
}

/// True when the Authorization header was computed with a password of the user:
/// its own, or one its directory gives now.
fn verified(header: &str, config: &PeerConfig, directory: Option<&Directory>) -> bool {
    let sent = params(header);
    let username = sent.get("username").map(String::as_str).unwrap_or_default();
    let known = config.users.get(username).cloned().into_iter();
    let listed = directory.map(|d| d(username)).unwrap_or_default();
    known
        .chain(listed)
        .any(|password| answered_with(&sent, &password))
}

/// True when the digest parameters `sent` were computed with `password`.
fn answered_with(sent: &HashMap<String, String>, password: &Secret) -> bool {
    let get = |k: &str| sent.get(k).map(String::as_str).unwrap_or_default();
    let algorithm = Algorithm::parse(get("algorithm")).unwrap_or(Algorithm::Md5);
    let Ok(nc) = u32::from_str_radix(get("nc"), 16) else {
        return false;
    };
    let challenge = Challenge {
        realm: get("realm").to_string(),
        nonce: get("nonce").to_string(),
        opaque: None,
        algorithm: Ok(algorithm),
        qop: vec!["auth".to_string()],
        stale: false,
        proxy: false,
    };
    let expected = digest::authorization(
        &challenge,
        "REGISTER",
        get("uri"),
        get("username"),
        password,
        get("cnonce"),
        nc,
    );
    let expected = params(&expected);
    !get("response").is_empty()
        && expected.get("response").map(String::as_str) == Some(get("response"))
}

/// The `name=value` / `name="value"` parameters of a Digest header.
fn params(header: &str) -> HashMap<String, String> {
    let body = header
        .trim()
        .strip_prefix("Digest")
        .unwrap_or(header)
        .trim();
    let mut out = HashMap::new();
    let mut rest = body;
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once('=') else {
            break;
        };
        let name = name
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            }
        };
        out.insert(name, value.trim().to_string());
        rest = next.trim_start().trim_start_matches(',');
    }
    out
}

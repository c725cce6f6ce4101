//! SIP messages (RFC 3261) for the probe: the bytes of an OPTIONS or a query-only
//! REGISTER, and a small, strict parser for the responses, on datagrams and streams.
//!
//! Header values in a [`Response`] are the peer's bytes (unfolded, lossily UTF-8):
//! show them only through [`crate::text::printable`], as [`Response::server_agent`]
//! does. The reason phrase is made printable when parsed.

use crate::domain::Transport;
use crate::probe::digest::{self, Challenge};
use crate::text::printable;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The largest message read or accepted: 64 KiB, headers and body together.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// The magic cookie every RFC 3261 branch starts with.
const BRANCH_COOKIE: &str = "z9hG4bK";

/// How the request travels on the wire: the Via transport, the default port, the
/// SRV name.
impl Transport {
    /// The Via transport token: `UDP`, `TCP` or `TLS`.
    pub fn via_token(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
        }
    }

    /// The port when a server names none: 5060, or 5061 for TLS.
    pub fn default_port(self) -> u16 {
        match self {
            Transport::Udp | Transport::Tcp => 5060,
            Transport::Tls => 5061,
        }
    }

    /// The SRV name prefix (RFC 3263).
    pub fn srv_prefix(self) -> &'static str {
        match self {
            Transport::Udp => "_sip._udp",
            Transport::Tcp => "_sip._tcp",
            Transport::Tls => "_sips._tcp",
        }
    }
}

/// The two requests the probe sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Options,
    Register,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Options => "OPTIONS",
            Method::Register => "REGISTER",
        }
    }
}

/// Where a request goes and as whom. `host` and `port` make the OPTIONS
/// Request-URI; a REGISTER goes to `sip:{domain}`. `local` is the socket's own
/// address, for the Via.
#[derive(Debug, Clone, Copy)]
pub struct RequestTarget<'a> {
    pub transport: Transport,
    pub local: SocketAddr,
    pub user: &'a str,
    pub domain: &'a str,
    pub host: &'a str,
    pub port: Option<u16>,
}

/// Why a request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("the SIP user name is empty")]
    EmptyUser,
    #[error("the SIP user name contains a control character")]
    BadUser,
    #[error("not a host name or IP address: {0}")]
    BadHost(String),
}

/// An `Authorization` (or, for a proxy challenge, `Proxy-Authorization`) value.
/// `Debug` does not show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub proxy: bool,
    pub value: String,
}

impl Credentials {
    /// The answer to `challenge` from [`digest::authorization`], in the header the
    /// challenge asks for.
    pub fn answering(challenge: &Challenge, value: String) -> Credentials {
        Credentials {
            proxy: challenge.proxy,
            value,
        }
    }

    fn header_name(&self) -> &'static str {
        if self.proxy {
            "Proxy-Authorization"
        } else {
            "Authorization"
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: [not shown]", self.header_name())
    }
}

/// One request to send. The Call-ID and From tag stay the same across
/// [`Outgoing::retry`]; the CSeq goes up by one and the branch is new.
#[derive(Debug, Clone)]
pub struct Outgoing {
    method: Method,
    transport: Transport,
    local: SocketAddr,
    user: String,
    domain: String,
    host: String,
    port: Option<u16>,
    call_id: String,
    from_tag: String,
    cseq: u32,
    branch: String,
    credentials: Vec<Credentials>,
}

impl Outgoing {
    /// An OPTIONS ping to `sip:{host}[:port]` (`sips:` over TLS), with a new Call-ID.
    pub fn options(target: &RequestTarget<'_>) -> Result<Outgoing, BuildError> {
        Self::new(Method::Options, target)
    }

    /// A query-only REGISTER to `sip:{domain}`: no Contact and no Expires, so it
    /// asks for the bindings and never adds, replaces or removes one
    /// (RFC 3261 §10.2.3). The server still has to authenticate it.
    pub fn register(target: &RequestTarget<'_>) -> Result<Outgoing, BuildError> {
        Self::new(Method::Register, target)
    }

    fn new(method: Method, t: &RequestTarget<'_>) -> Result<Outgoing, BuildError> {
        if t.user.is_empty() {
            return Err(BuildError::EmptyUser);
        }
        if t.user.chars().any(char::is_control) {
            return Err(BuildError::BadUser);
        }
        Ok(Outgoing {
            method,
            transport: t.transport,
            local: t.local,
            user: t.user.to_string(),
            domain: uri_host(t.domain)?,
            host: uri_host(t.host)?,
            port: t.port,
            call_id: random_hex128(),
            from_tag: format!("{:016x}", rand::random::<u64>()),
            cseq: 1,
            branch: new_branch(),
            credentials: Vec::new(),
        })
    }

    /// The same request again on the same Call-ID and From tag, with CSeq + 1, a new
    /// branch and these credentials: one header each, every realm answered so far
    /// (RFC 3261 §22.3).
    pub fn retry(&self, credentials: Vec<Credentials>) -> Outgoing {
        Outgoing {
            cseq: self.cseq.wrapping_add(1),
            branch: new_branch(),
            credentials,
            ..self.clone()
        }
    }

    pub fn method(&self) -> Method {
        self.method
    }
    pub fn call_id(&self) -> &str {
        &self.call_id
    }
    pub fn from_tag(&self) -> &str {
        &self.from_tag
    }
    pub fn cseq(&self) -> u32 {
        self.cseq
    }
    pub fn branch(&self) -> &str {
        &self.branch
    }
    /// The user name as given (unescaped): the digest `username`.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The Request-URI; also the `uri` the digest answer must cover.
    pub fn request_uri(&self) -> String {
        match self.method {
            Method::Register => format!("sip:{}", self.domain),
            Method::Options => {
                let scheme = if self.transport == Transport::Tls {
                    "sips"
                } else {
                    "sip"
                };
                match self.port {
                    Some(p) => format!("{scheme}:{}:{p}", self.host),
                    None => format!("{scheme}:{}", self.host),
                }
            }
        }
    }

    /// The request as it goes on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let m = self.method.as_str();
        let aor = format!("<sip:{}@{}>", escape_user(&self.user), self.domain);
        let mut s = String::with_capacity(512);
        let _ = write!(s, "{m} {} SIP/2.0\r\n", self.request_uri());
        let _ = write!(
            s,
            "Via: SIP/2.0/{} {};branch={};rport\r\n",
            self.transport.via_token(),
            self.local,
            self.branch
        );
        s.push_str("Max-Forwards: 70\r\n");
        let _ = write!(s, "From: {aor};tag={}\r\n", self.from_tag);
        let _ = write!(s, "To: {aor}\r\n");
        let _ = write!(s, "Call-ID: {}\r\n", self.call_id);
        let _ = write!(s, "CSeq: {} {m}\r\n", self.cseq);
        let _ = write!(s, "User-Agent: telcreds/{}\r\n", env!("CARGO_PKG_VERSION"));
        if self.method == Method::Options {
            s.push_str("Accept: application/sdp\r\n");
        }
        for c in &self.credentials {
            // Strip line breaks so no value can add a header of its own.
            let v: String = c.value.chars().filter(|ch| !ch.is_control()).collect();
            let _ = write!(s, "{}: {v}\r\n", c.header_name());
        }
        s.push_str("Content-Length: 0\r\n\r\n");
        s.into_bytes()
    }
}

fn random_hex128() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn new_branch() -> String {
    format!("{BRANCH_COOKIE}{}", random_hex128())
}

/// A host for a URI: an IP address (IPv6 in brackets) or a DNS name of letters,
/// digits, `-`, `_` and dots.
fn uri_host(host: &str) -> Result<String, BuildError> {
    let bad = || BuildError::BadHost(printable(host).into_owned());
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        });
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner
            .parse::<Ipv6Addr>()
            .map(|v6| format!("[{v6}]"))
            .map_err(|_| bad());
    }
    let ok = !host.is_empty()
        && host.len() <= 253
        && !host.starts_with(['.', '-'])
        && !host.contains("..")
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    if ok { Ok(host.to_string()) } else { Err(bad()) }
}

/// The user part of a SIP URI with everything outside RFC 3261's `unreserved` and
/// `user-unreserved` sets percent-escaped.
fn escape_user(user: &str) -> String {
    let mut out = String::with_capacity(user.len());
    for b in user.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()&=+$,;?/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Why bytes from the peer are not a usable SIP response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The peer sent a request (the method, made printable).
    #[error("the peer sent a SIP request ({0}), not a response")]
    Request(String),
    #[error("not a SIP response")]
    NotSip,
    #[error("malformed SIP response: {0}")]
    Malformed(&'static str),
    #[error("SIP message larger than 64 KiB")]
    TooLarge,
}

/// A parsed SIP response. Header names are kept in their full lower-case form
/// (compact forms expanded); values are unfolded and trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub code: u16,
    /// The reason phrase, already made printable.
    pub reason: String,
    headers: Vec<(String, String)>,
}

/// The full lower-case name of a header, expanding the compact forms of RFC 3261
/// §7.3.3 and later extensions.
fn canonical_name(name: &str) -> Cow<'static, str> {
    let full = match name.to_ascii_lowercase().as_str() {
        "i" => "call-id",
        "m" => "contact",
        "e" => "content-encoding",
        "l" => "content-length",
        "c" => "content-type",
        "f" => "from",
        "s" => "subject",
        "k" => "supported",
        "t" => "to",
        "v" => "via",
        "o" => "event",
        "r" => "refer-to",
        "b" => "referred-by",
        "u" => "allow-events",
        "a" => "accept-contact",
        "j" => "reject-contact",
        "d" => "request-disposition",
        "x" => "session-expires",
        "y" => "identity",
        "n" => "identity-info",
        other => return Cow::Owned(other.to_string()),
    };
    Cow::Borrowed(full)
}

impl Response {
    /// The first value of header `name` (any case, compact or full form).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers(name).next()
    }

    /// Every value of header `name`, one per header line, in order. Values are not
    /// split at commas (a challenge contains commas).
    pub fn headers<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + use<'a> {
        let name = canonical_name(name);
        self.headers
            .iter()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `(number, method)` from the CSeq header.
    pub fn cseq(&self) -> Option<(u32, &str)> {
        let mut parts = self.header("cseq")?.split_ascii_whitespace();
        let n = parts.next()?;
        let m = parts.next()?;
        if parts.next().is_some() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((n.parse().ok()?, m))
    }

    /// True when this answers the request with this Call-ID, CSeq number and method;
    /// anything else is a stray (a late answer to an earlier request, say).
    pub fn matches(&self, call_id: &str, cseq: u32, method: &str) -> bool {
        self.header("call-id") == Some(call_id) && self.cseq() == Some((cseq, method))
    }

    /// [`Response::matches`] for a request built here.
    pub fn answers(&self, request: &Outgoing) -> bool {
        self.matches(request.call_id(), request.cseq(), request.method().as_str())
    }

    /// A final (non-1xx) response.
    pub fn is_final(&self) -> bool {
        self.code >= 200
    }

    /// The peer's software, from `Server` or else `User-Agent`, safe to print.
    pub fn server_agent(&self) -> Option<Cow<'_, str>> {
        self.header("server")
            .filter(|v| !v.is_empty())
            .or_else(|| self.header("user-agent").filter(|v| !v.is_empty()))
            .map(printable)
    }

    /// The Digest challenges, in order: `WWW-Authenticate` ones, then
    /// `Proxy-Authenticate` ones. Unparsable ones and other schemes are left out.
    pub fn challenges(&self) -> Vec<Challenge> {
        let www = self
            .headers("www-authenticate")
            .filter_map(|v| digest::parse_challenge(v, false).ok());
        let proxy = self
            .headers("proxy-authenticate")
            .filter_map(|v| digest::parse_challenge(v, true).ok());
        www.chain(proxy).collect()
    }
}

/// Reads one response from the start of `buf`.
///
/// `Ok(None)`: the buffer does not hold a whole message yet (headers and the
/// `Content-Length` body); read more and call again. `Ok(Some((response, n)))`:
/// the first `n` bytes were the message (CRLF keep-alives before it included).
/// A request, something that is not SIP, or a message over [`MAX_MESSAGE`] is an
/// error, reported as soon as the first line or the size shows it.
pub fn parse_response(buf: &[u8]) -> Result<Option<(Response, usize)>, ParseError> {
    // RFC 3261 §7.5: CRLFs before the start line (stream keep-alives) are ignored.
    let skip = buf
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(buf.len());
    let msg = &buf[skip..];

    let Some(first_end) = memchr::memchr(b'\n', msg) else {
        return if msg.len() > MAX_MESSAGE {
            Err(ParseError::TooLarge)
        } else {
            Ok(None)
        };
    };
    let (code, reason) = status_line(trim_cr(&msg[..first_end]))?;

    let Some((head_end, body_start)) = header_end(msg, first_end) else {
        return if msg.len() > MAX_MESSAGE {
            Err(ParseError::TooLarge)
        } else {
            Ok(None)
        };
    };
    if body_start > MAX_MESSAGE {
        return Err(ParseError::TooLarge);
    }
    let headers = header_lines(&msg[first_end + 1..head_end])?;
    let response = Response {
        code,
        reason,
        headers,
    };
    let body_len = content_length(&response)?;
    let total = body_start.saturating_add(body_len);
    if total > MAX_MESSAGE {
        return Err(ParseError::TooLarge);
    }
    if msg.len() < total {
        return Ok(None);
    }
    Ok(Some((response, skip + total)))
}

/// One response from a UDP datagram: the whole message must be in it.
pub fn parse_datagram(buf: &[u8]) -> Result<Response, ParseError> {
    match parse_response(buf)? {
        Some((r, _)) => Ok(r),
        None => Err(ParseError::Malformed("truncated message")),
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

/// `SIP/2.0 200 OK` → (200, "OK"); a request line is reported as such.
fn status_line(line: &[u8]) -> Result<(u16, String), ParseError> {
    const VERSION: &[u8] = b"SIP/2.0 ";
    if line.len() < VERSION.len() || !line[..VERSION.len()].eq_ignore_ascii_case(VERSION) {
        // `METHOD uri SIP/2.0`?
        let method_len = line.iter().take_while(|&&b| is_token_byte(b)).count();
        let looks_like_request = method_len > 0
            && line.get(method_len) == Some(&b' ')
            && line.len() >= 8
            && line[line.len() - 8..].eq_ignore_ascii_case(b" SIP/2.0");
        if looks_like_request {
            let method = String::from_utf8_lossy(&line[..method_len.min(32)]);
            return Err(ParseError::Request(method.into_owned()));
        }
        return Err(ParseError::NotSip);
    }
    let rest = &line[VERSION.len()..];
    let code = rest
        .get(..3)
        .filter(|d| d.iter().all(u8::is_ascii_digit))
        .and_then(|d| std::str::from_utf8(d).ok()?.parse::<u16>().ok())
        .filter(|c| (100..=699).contains(c))
        .ok_or(ParseError::Malformed("bad status code"))?;
    let reason = match rest.get(3..) {
        None | Some([]) => String::new(),
        Some([b' ', reason @ ..]) => printable(String::from_utf8_lossy(reason).trim()).into_owned(),
        Some(_) => return Err(ParseError::Malformed("bad status code")),
    };
    Ok((code, reason))
}

/// Where the header block ends: `(end of the last header line, start of the body)`,
/// looking for the first empty line after the start line (CRLF or bare LF).
fn header_end(msg: &[u8], first_end: usize) -> Option<(usize, usize)> {
    let mut nl = first_end;
    loop {
        let next = nl + 1;
        match msg.get(next..)? {
            [b'\n', ..] => return Some((next, next + 1)),
            [b'\r', b'\n', ..] => return Some((next, next + 2)),
            _ => {}
        }
        nl = next + memchr::memchr(b'\n', &msg[next..])?;
    }
}

/// Header lines (without the start line) into (canonical name, value) pairs,
/// joining continuation lines with one space.
fn header_lines(block: &[u8]) -> Result<Vec<(String, String)>, ParseError> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in block.split(|&b| b == b'\n') {
        let line = trim_cr(line);
        if line.is_empty() {
            continue; // only the split's empty tail after the final newline
        }
        let text = String::from_utf8_lossy(line);
        if line[0] == b' ' || line[0] == b'\t' {
            let (_, value) = headers
                .last_mut()
                .ok_or(ParseError::Malformed("continuation line before any header"))?;
            let more = text.trim_matches([' ', '\t']);
            if !more.is_empty() {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(more);
            }
            continue;
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(ParseError::Malformed("header line without a colon"))?;
        let name = trim_ws_end(&line[..colon]);
        if name.is_empty() || !name.iter().all(|&b| is_token_byte(b)) {
            return Err(ParseError::Malformed("bad header name"));
        }
        // ASCII name, so the same offsets hold in the lossy text.
        let name = canonical_name(&text[..name.len()]).into_owned();
        let value = text[colon + 1..].trim_matches([' ', '\t']).to_string();
        headers.push((name, value));
    }
    Ok(headers)
}

fn trim_ws_end(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != b'\t')
        .map_or(0, |i| i + 1);
    &b[..end]
}

/// The body length from Content-Length (0 when absent); every copy must agree.
fn content_length(r: &Response) -> Result<usize, ParseError> {
    let mut found: Option<usize> = None;
    for v in r.headers("content-length") {
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::Malformed("bad Content-Length"));
        }
        let n = v.parse::<usize>().unwrap_or(usize::MAX);
        if found.is_some_and(|f| f != n) {
            return Err(ParseError::Malformed("conflicting Content-Length"));
        }
        found = Some(n);
    }
    Ok(found.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::digest::Algorithm;
    use crate::secret::Secret;
    use proptest::prelude::*;

    fn target(transport: Transport) -> RequestTarget<'static> {
        RequestTarget {
            transport,
            local: "192.0.2.10:40000".parse().unwrap(),
            user: "alice",
            domain: "sip.test",
            host: "proxy.sip.test",
            port: Some(5061),
        }
    }

    fn text(req: &Outgoing) -> String {
        String::from_utf8(req.to_bytes()).unwrap()
    }

    /// Answers a request like a UAS: Via, From, To, Call-ID and CSeq copied back.
    fn answer(request: &[u8], status: &str, extra: &str) -> Vec<u8> {
        let req = std::str::from_utf8(request).unwrap();
        let mut out = format!("SIP/2.0 {status}\r\n");
        for line in req.split("\r\n").skip(1) {
            let copied = ["Via:", "From:", "Call-ID:", "CSeq:"]
                .iter()
                .any(|h| line.starts_with(h));
            if copied {
                out.push_str(line);
                out.push_str("\r\n");
            } else if line.starts_with("To:") {
                out.push_str(line);
                out.push_str(";tag=uas1\r\n");
            }
        }
        out.push_str(extra);
        out.push_str("Content-Length: 0\r\n\r\n");
        out.into_bytes()
    }

    #[test]
    fn builds_options() {
        let req = Outgoing::options(&target(Transport::Udp)).unwrap();
        let t = text(&req);
        let lines: Vec<&str> = t.split("\r\n").collect();
        assert_eq!(lines[0], "OPTIONS sip:proxy.sip.test:5061 SIP/2.0");
        assert_eq!(
            lines[1],
            format!(
                "Via: SIP/2.0/UDP 192.0.2.10:40000;branch={};rport",
                req.branch()
            )
        );
        assert!(req.branch().starts_with("z9hG4bK") && req.branch().len() == 39);
        assert_eq!(lines[2], "Max-Forwards: 70");
        assert_eq!(
            lines[3],
            format!("From: <sip:alice@sip.test>;tag={}", req.from_tag())
        );
        assert_eq!(lines[4], "To: <sip:alice@sip.test>");
        assert_eq!(lines[5], format!("Call-ID: {}", req.call_id()));
        assert_eq!(lines[6], "CSeq: 1 OPTIONS");
        assert_eq!(
            lines[7],
            format!("User-Agent: telcreds/{}", env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(lines[8], "Accept: application/sdp");
        assert_eq!(lines[9..], ["Content-Length: 0", "", ""]);
    }

    #[test]
    fn options_uri_follows_transport_and_port() {
        let mut t = target(Transport::Tls);
        let req = Outgoing::options(&t).unwrap();
        assert_eq!(req.request_uri(), "sips:proxy.sip.test:5061");
        assert!(text(&req).contains("Via: SIP/2.0/TLS "));
        t.transport = Transport::Tcp;
        t.port = None;
        t.host = "2001:db8::1";
        t.local = "[2001:db8::2]:5070".parse().unwrap();
        let req = Outgoing::options(&t).unwrap();
        assert_eq!(req.request_uri(), "sip:[2001:db8::1]");
        assert!(text(&req).contains("Via: SIP/2.0/TCP [2001:db8::2]:5070;branch="));
        t.host = "[2001:db8::1]";
        t.port = Some(5080);
        let req = Outgoing::options(&t).unwrap();
        assert_eq!(req.request_uri(), "sip:[2001:db8::1]:5080");
    }

    #[test]
    fn register_is_query_only() {
        let req = Outgoing::register(&target(Transport::Tls)).unwrap();
        let t = text(&req);
        assert!(t.starts_with("REGISTER sip:sip.test SIP/2.0\r\n"), "{t}");
        assert!(t.contains("\r\nCSeq: 1 REGISTER\r\n"));
        for absent in ["Contact", "Expires", "\r\nm:", "Accept:", "Authorization"] {
            assert!(!t.contains(absent), "{absent} in {t}");
        }
        assert!(t.ends_with("\r\nContent-Length: 0\r\n\r\n"));
    }

    #[test]
    fn retry_keeps_call_id_and_tag_with_next_cseq_and_new_branch() {
        let first = Outgoing::register(&target(Transport::Udp)).unwrap();
        let other = Outgoing::register(&target(Transport::Udp)).unwrap();
        assert_ne!(first.call_id(), other.call_id());
        assert_ne!(first.from_tag(), other.from_tag());

        let ch = digest::parse_challenge(
            r#"Digest realm="sip.test", nonce="abc", qop="auth", algorithm=SHA-256"#,
            false,
        )
        .unwrap();
        assert_eq!(ch.algorithm, Ok(Algorithm::Sha256));
        let value = digest::authorization(
            &ch,
            "REGISTER",
            &first.request_uri(),
            first.user(),
            &Secret::new("s3cret"),
            &digest::new_cnonce(),
            1,
        );
        let second = first.retry(vec![Credentials::answering(&ch, value.clone())]);
        assert_eq!(second.call_id(), first.call_id());
        assert_eq!(second.from_tag(), first.from_tag());
        assert_eq!(second.cseq(), 2);
        assert_ne!(second.branch(), first.branch());
        let t = text(&second);
        assert!(t.contains("\r\nCSeq: 2 REGISTER\r\n"));
        assert!(t.contains(&format!("\r\nAuthorization: {value}\r\nContent-Length: 0")));
        assert!(t.contains("uri=\"sip:sip.test\""));
        assert!(!t.contains("s3cret"));
        assert!(!format!("{second:?}").contains(&value));

        let proxied = first.retry(vec![Credentials {
            proxy: true,
            value: "Digest x\r\nContact: <sip:evil>".into(),
        }]);
        let t = text(&proxied);
        assert!(t.contains("\r\nProxy-Authorization: Digest xContact: <sip:evil>\r\n"));
        assert!(!t.contains("\r\nContact"));

        // A proxy's realm and a registrar's, both answered: both headers go out.
        let both = second.retry(vec![
            Credentials {
                proxy: true,
                value: "Digest realm=\"proxy\"".into(),
            },
            Credentials {
                proxy: false,
                value: "Digest realm=\"registrar\"".into(),
            },
        ]);
        assert_eq!(both.cseq(), 3);
        assert!(text(&both).ends_with(
            "\r\nProxy-Authorization: Digest realm=\"proxy\"\r\n\
             Authorization: Digest realm=\"registrar\"\r\nContent-Length: 0\r\n\r\n"
        ));
    }

    #[test]
    fn user_is_escaped_and_hosts_checked() {
        let mut t = target(Transport::Udp);
        t.user = "+1 (555)@x";
        let req = Outgoing::register(&t).unwrap();
        assert!(text(&req).contains("From: <sip:+1%20(555)%40x@sip.test>;tag="));
        assert_eq!(req.user(), "+1 (555)@x");
        t.user = "";
        assert_eq!(Outgoing::register(&t).unwrap_err(), BuildError::EmptyUser);
        t.user = "a\r\nb";
        assert_eq!(Outgoing::register(&t).unwrap_err(), BuildError::BadUser);
        t.user = "alice";
        for bad in [
            "",
            "sip.test:5060",
            "a b",
            "x\r\nVia: y",
            ".lead",
            "[::1",
            "[sip.test]",
        ] {
            t.domain = bad;
            assert!(
                matches!(Outgoing::register(&t), Err(BuildError::BadHost(_))),
                "{bad:?}"
            );
        }
        t.domain = "sip.test";
        t.host = "10.0.0.1";
        assert_eq!(
            Outgoing::options(&t).unwrap().request_uri(),
            "sip:10.0.0.1:5061"
        );
    }

    #[test]
    fn round_trip_through_a_uas() {
        let req = Outgoing::options(&target(Transport::Udp)).unwrap();
        let bytes = answer(
            &req.to_bytes(),
            "200 OK",
            "Server: Kamailio (5.6.3)\r\nAllow: INVITE, OPTIONS\r\n",
        );
        let (r, n) = parse_response(&bytes).unwrap().unwrap();
        assert_eq!(n, bytes.len());
        assert_eq!((r.code, r.reason.as_str()), (200, "OK"));
        assert!(r.is_final());
        assert!(r.answers(&req));
        assert!(r.matches(req.call_id(), 1, "OPTIONS"));
        assert!(!r.matches(req.call_id(), 2, "OPTIONS"));
        assert!(!r.matches(req.call_id(), 1, "REGISTER"));
        assert!(!r.matches("other", 1, "OPTIONS"));
        assert!(!r.answers(&req.retry(Vec::new())));
        assert_eq!(r.server_agent().as_deref(), Some("Kamailio (5.6.3)"));
        assert_eq!(r.header("allow"), Some("INVITE, OPTIONS"));
        assert_eq!(
            r.header("to"),
            Some("<sip:alice@sip.test>;tag=uas1"),
            "{r:?}"
        );
        assert_eq!(parse_datagram(&bytes).unwrap(), r);

        let reg = Outgoing::register(&target(Transport::Udp)).unwrap();
        let bytes = answer(
            &reg.to_bytes(),
            "401 Unauthorized",
            "WWW-Authenticate: Digest realm=\"sip.test\", nonce=\"n1\", qop=\"auth\"\r\n\
             WWW-Authenticate: Digest realm=\"sip.test\", nonce=\"n2\", algorithm=SHA-256\r\n\
             WWW-Authenticate: Basic realm=\"x\"\r\n\
             Proxy-Authenticate: Digest realm=\"p\", nonce=\"n3\"\r\n",
        );
        let r = parse_datagram(&bytes).unwrap();
        assert!(r.answers(&reg));
        let chs = r.challenges();
        let seen: Vec<_> = chs.iter().map(|c| (c.nonce.as_str(), c.proxy)).collect();
        assert_eq!(seen, [("n1", false), ("n2", false), ("n3", true)]);
        assert_eq!(digest::pick(&chs).unwrap().nonce, "n1");
    }

    #[test]
    fn compact_folded_and_odd_headers() {
        let raw = b"SIP/2.0 200 OK\r\n\
            v: SIP/2.0/UDP 192.0.2.10:40000;branch=z9hG4bK1\r\n\
            VIA  :SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK2\r\n\
            f: <sip:alice@sip.test>;tag=1\r\n\
            t: <sip:alice@sip.test>\r\n\
            i: abc@host\r\n\
            cSeQ:   7\r\n   REGISTER  \r\n\
            m: <sip:alice@192.0.2.10>\r\n\
            Server: Folded\r\n\t  over\r\n  three lines\r\n\
            l: 4\r\n\
            \r\n\
            body";
        let (r, n) = parse_response(raw).unwrap().unwrap();
        assert_eq!(n, raw.len());
        let vias: Vec<_> = r.headers("Via").collect();
        assert_eq!(
            vias,
            [
                "SIP/2.0/UDP 192.0.2.10:40000;branch=z9hG4bK1",
                "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK2"
            ]
        );
        assert_eq!(r.headers("v").count(), 2);
        assert_eq!(r.header("Call-ID"), Some("abc@host"));
        assert_eq!(r.header("I"), Some("abc@host"));
        assert_eq!(r.header("from"), Some("<sip:alice@sip.test>;tag=1"));
        assert_eq!(r.header("contact"), Some("<sip:alice@192.0.2.10>"));
        assert_eq!(r.header("Content-Length"), Some("4"));
        assert_eq!(r.cseq(), Some((7, "REGISTER")));
        assert!(r.matches("abc@host", 7, "REGISTER"));
        assert_eq!(r.server_agent().as_deref(), Some("Folded over three lines"));
        assert_eq!(r.header("expires"), None);

        // Bare LF line ends, an empty reason phrase, User-Agent as the fallback.
        let (r, _) = parse_response(b"SIP/2.0 100\nUser-Agent: ua\n\n")
            .unwrap()
            .unwrap();
        assert_eq!((r.code, r.reason.as_str(), r.is_final()), (100, "", false));
        assert_eq!(r.server_agent().as_deref(), Some("ua"));
    }

    #[test]
    fn peer_control_characters_are_filtered_for_display() {
        let raw = b"SIP/2.0 403 Forbidden\x1b]0;PWNED\x07\r\n\
            Server: evil\x1b[2J\xc2\x9b31m\r\n\r\n";
        let (r, _) = parse_response(raw).unwrap().unwrap();
        assert!(
            !r.reason.chars().any(crate::text::is_unsafe),
            "{:?}",
            r.reason
        );
        assert!(r.reason.starts_with("Forbidden"));
        let agent = r.server_agent().unwrap();
        assert!(!agent.chars().any(crate::text::is_unsafe), "{agent:?}");
        assert!(agent.starts_with("evil"));
    }

    #[test]
    fn a_stream_is_read_message_by_message() {
        let one = b"SIP/2.0 100 Trying\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n".to_vec();
        let two = b"SIP/2.0 200 OK\r\nCSeq: 1 REGISTER\r\nContent-Length: 5\r\n\r\nhello".to_vec();
        let mut stream = b"\r\n\r\n".to_vec(); // keep-alive first
        stream.extend_from_slice(&one);
        stream.extend_from_slice(&two);

        // Byte by byte: nothing until a message is whole, then exactly it.
        let mut buf = Vec::new();
        let mut got = Vec::new();
        for &b in &stream {
            buf.push(b);
            if let Some((r, n)) = parse_response(&buf).unwrap() {
                got.push((r.code, n));
                buf.drain(..n);
            }
        }
        assert!(buf.is_empty());
        assert_eq!(got, [(100, 4 + one.len()), (200, two.len())]);

        // Both in one read: the first is consumed, the rest stays.
        let (r, n) = parse_response(&stream).unwrap().unwrap();
        assert_eq!((r.code, n), (100, 4 + one.len()));
        let (r, n) = parse_response(&stream[n..]).unwrap().unwrap();
        assert_eq!((r.code, n), (200, two.len()));

        // Only keep-alives, or nothing: wait.
        assert_eq!(parse_response(b"\r\n\r\n"), Ok(None));
        assert_eq!(parse_response(b""), Ok(None));
        // A datagram cut short is an error, not a wait.
        assert_eq!(
            parse_datagram(&two[..two.len() - 1]),
            Err(ParseError::Malformed("truncated message"))
        );
    }

    #[test]
    fn oversized_messages_are_refused() {
        let big_body = b"SIP/2.0 200 OK\r\nContent-Length: 65536\r\n\r\n";
        assert_eq!(parse_response(big_body), Err(ParseError::TooLarge));
        let huge = b"SIP/2.0 200 OK\r\nl: 99999999999999999999999999\r\n\r\n";
        assert_eq!(parse_response(huge), Err(ParseError::TooLarge));

        let mut endless = b"SIP/2.0 200 OK\r\nX-Pad: ".to_vec();
        endless.resize(MAX_MESSAGE, b'a');
        assert_eq!(parse_response(&endless), Ok(None));
        endless.push(b'a');
        assert_eq!(parse_response(&endless), Err(ParseError::TooLarge));

        let mut no_line_end = vec![b'S'; MAX_MESSAGE + 1];
        no_line_end[..8].copy_from_slice(b"SIP/2.0 ");
        assert_eq!(parse_response(&no_line_end), Err(ParseError::TooLarge));

        // Just under the limit is fine.
        let head = b"SIP/2.0 200 OK\r\nContent-Length: 65000\r\n\r\n";
        let mut ok = head.to_vec();
        ok.resize(head.len() + 65000, b'x');
        assert!(ok.len() <= MAX_MESSAGE);
        assert_eq!(parse_response(&ok).unwrap().unwrap().1, ok.len());
    }

    #[test]
    fn requests_and_garbage_are_errors() {
        let req = Outgoing::options(&target(Transport::Udp))
            .unwrap()
            .to_bytes();
        assert_eq!(
            parse_response(&req),
            Err(ParseError::Request("OPTIONS".into()))
        );
        // Known from the first line, before the headers are complete.
        assert_eq!(
            parse_response(b"INVITE sip:bob@x SIP/2.0\r\nVia: "),
            Err(ParseError::Request("INVITE".into()))
        );
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\n\r\n"),
            Err(ParseError::NotSip)
        );
        assert_eq!(
            parse_response(b"\x16\x03\x01\x02\x00\n"),
            Err(ParseError::NotSip)
        );
        let malformed = |b: &[u8]| match parse_response(b) {
            Err(ParseError::Malformed(why)) => why,
            other => panic!("{other:?}"),
        };
        assert_eq!(malformed(b"SIP/2.0 20 OK\r\n\r\n"), "bad status code");
        assert_eq!(malformed(b"SIP/2.0 2000 OK\r\n\r\n"), "bad status code");
        assert_eq!(malformed(b"SIP/2.0 099 Low\r\n\r\n"), "bad status code");
        assert_eq!(malformed(b"SIP/2.0 700 High\r\n\r\n"), "bad status code");
        assert_eq!(
            malformed(b"SIP/2.0 200 OK\r\n continued\r\n\r\n"),
            "continuation line before any header"
        );
        assert_eq!(
            malformed(b"SIP/2.0 200 OK\r\nno colon\r\n\r\n"),
            "header line without a colon"
        );
        assert_eq!(
            malformed(b"SIP/2.0 200 OK\r\nBad Name: x\r\n\r\n"),
            "bad header name"
        );
        assert_eq!(
            malformed(b"SIP/2.0 200 OK\r\n: x\r\n\r\n"),
            "bad header name"
        );
        assert_eq!(
            malformed(b"SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n"),
            "bad Content-Length"
        );
        assert_eq!(
            malformed(b"SIP/2.0 200 OK\r\nl: 1\r\nContent-Length: 2\r\n\r\nab"),
            "conflicting Content-Length"
        );
        // Lower-case version is accepted (RFC 3261 §7.1: case-insensitive).
        assert_eq!(
            parse_response(b"sip/2.0 180 Ringing\r\n\r\n")
                .unwrap()
                .unwrap()
                .0
                .code,
            180
        );
    }

    fn sample() -> Vec<u8> {
        b"\r\nSIP/2.0 401 Unauthorized\r\nv: SIP/2.0/UDP h;branch=z9hG4bKx\r\n\
          WWW-Authenticate: Digest realm=\"r\",\r\n nonce=\"n\"\r\ni: c\r\nCSeq: 1 REGISTER\r\n\
          Content-Length: 3\r\n\r\nabc"
            .to_vec()
    }

    proptest! {
        #[test]
        fn parse_response_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            if let Ok(Some((_, n))) = parse_response(&bytes) {
                prop_assert!(n <= bytes.len());
            }
            let _ = parse_datagram(&bytes);
        }

        #[test]
        fn parse_response_never_panics_on_damaged_messages(
            cut in 0usize..200,
            at in 0usize..200,
            byte in any::<u8>(),
        ) {
            let mut m = sample();
            let at = at % m.len();
            m[at] = byte;
            m.truncate(cut.min(m.len()));
            if let Ok(Some((r, n))) = parse_response(&m) {
                prop_assert!(n <= m.len());
                let _ = (r.challenges(), r.server_agent(), r.cseq());
            }
        }

        #[test]
        fn any_split_of_a_stream_gives_the_same_messages(split in 0usize..200) {
            let mut stream = sample();
            stream.extend_from_slice(&sample());
            let split = split % stream.len();
            let mut buf = stream[..split].to_vec();
            let mut got = Vec::new();
            while let Some((r, n)) = parse_response(&buf).unwrap() {
                got.push(r);
                buf.drain(..n);
            }
            buf.extend_from_slice(&stream[split..]);
            while let Some((r, n)) = parse_response(&buf).unwrap() {
                got.push(r);
                buf.drain(..n);
            }
            prop_assert!(buf.is_empty());
            prop_assert_eq!(got.len(), 2);
            prop_assert_eq!(&got[0], &got[1]);
            prop_assert_eq!(got[0].challenges().len(), 1);
        }
    }
}

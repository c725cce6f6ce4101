//! A SIP server as written (`host`, `host:port`, `1.2.3.4[:port]`, `[v6][:port]` or a
//! bare IPv6 address): one grammar for the form, the command line and the probe, so
//! that what one accepts the other never refuses.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A server as written: host and optional port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSpec {
    /// The host.
    pub host: Host,
    /// The port, when written.
    pub port: Option<u16>,
}

/// A server's host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An IP address.
    Ip(IpAddr),
    /// A host name: lower case, without a trailing dot.
    Name(String),
}

/// Why a SIP server is refused: the server as written, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(server, problem))]
pub struct ServerError {
    /// The server, as written.
    pub server: String,
    /// What is wrong with it.
    pub problem: ServerProblem,
}

/// What is wrong with a SIP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerProblem {
    /// Nothing is written.
    Empty,
    /// A space.
    Space,
    /// A control character.
    Control,
    /// A character outside ASCII (an internationalized name not in its `xn--` form).
    NonAscii,
    /// `user@host`.
    User,
    /// `sip:` or `sips:` before the host.
    Scheme(&'static str),
    /// `[` without `]`.
    Unclosed,
    /// What is in brackets is not an IPv6 address.
    NotIpv6(String),
    /// Something other than `:port` after `]`.
    AfterBracket(String),
    /// `]` without `[`.
    Unopened,
    /// `[` in the middle.
    BracketInside,
    /// `:port` with no host before it.
    NoHostBeforePort,
    /// Several `:` and not an IPv6 address.
    NotAnAddress,
    /// `host:` with no port.
    EmptyPort,
    /// A port that is not a number.
    PortNotNumber(String),
    /// A port outside 1–65535.
    PortOutOfRange(String),
    /// A host name that breaks DNS rules, and how.
    HostName(&'static str),
    /// A host name with a character DNS does not allow.
    HostNameChar(char),
}

/// The message of a refused server, naming it as written.
fn describe(s: &str, problem: &ServerProblem) -> String {
    use ServerProblem as P;
    match problem {
        P::Empty => "the SIP server is empty".to_string(),
        P::Space => format!("SIP server {s:?} contains a space"),
        P::Control => format!("SIP server {s:?} contains a control character"),
        P::NonAscii => format!(
            "SIP server {s:?} contains a non-ASCII character: write an internationalized name in its xn-- form"
        ),
        P::User => {
            format!("SIP server {s:?} contains '@': give the host (and port) only, not user@host")
        }
        P::Scheme(scheme) => format!(
            "SIP server {s:?} starts with {scheme}: give the host (and port) without the scheme"
        ),
        P::Unclosed => format!("SIP server {s:?} has '[' without ']'"),
        P::NotIpv6(inside) => {
            format!("SIP server {s:?}: {inside:?} in brackets is not an IPv6 address")
        }
        P::AfterBracket(after) => {
            format!("SIP server {s:?}: unexpected {after:?} after ']' (expected :port)")
        }
        P::Unopened => format!("SIP server {s:?} has ']' without '['"),
        P::BracketInside => format!("SIP server {s:?} has '[' in the middle"),
        P::NoHostBeforePort => format!("SIP server {s:?} has no host before ':'"),
        P::NotAnAddress => format!(
            "SIP server {s:?} is not a valid address: write an IPv6 address with a port as [address]:port"
        ),
        P::EmptyPort => format!("SIP server {s:?} has an empty port after ':'"),
        P::PortNotNumber(p) => format!("SIP server {s:?}: port {p:?} is not a number"),
        P::PortOutOfRange(p) => format!("SIP server {s:?}: port {p} is outside 1–65535"),
        P::HostName(why) => format!("SIP server {s:?}: {why}"),
        P::HostNameChar(c) => format!(
            "SIP server {s:?}: the host name may hold only letters, digits, '-', '_' and '.', not {c:?}"
        ),
    }
}

/// Parses `host`, `host:port`, `1.2.3.4[:port]`, `[v6][:port]` or a bare IPv6 address.
pub fn parse_sip_server(s: &str) -> Result<ServerSpec, ServerError> {
    let refused = |problem: ServerProblem| ServerError {
        server: s.to_string(),
        problem,
    };
    let bad = |problem: ServerProblem| Err(refused(problem));
    if s.is_empty() {
        return bad(ServerProblem::Empty);
    }
    if s.chars().any(char::is_whitespace) {
        return bad(ServerProblem::Space);
    }
    if s.chars().any(char::is_control) {
        return bad(ServerProblem::Control);
    }
    if !s.is_ascii() {
        return bad(ServerProblem::NonAscii);
    }
    if s.contains('@') {
        return bad(ServerProblem::User);
    }
    let lower = s.to_ascii_lowercase();
    for scheme in ["sip:", "sips:"] {
        if let Some(rest) = lower.strip_prefix(scheme)
            && !rest.bytes().all(|b| b.is_ascii_digit())
        {
            return bad(ServerProblem::Scheme(scheme));
        }
    }

    if let Some(rest) = s.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return bad(ServerProblem::Unclosed);
        };
        let Ok(ip) = inside.parse::<Ipv6Addr>() else {
            return bad(ServerProblem::NotIpv6(inside.to_string()));
        };
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(p) => Some(parse_port(p).map_err(refused)?),
                None => return bad(ServerProblem::AfterBracket(after.to_string())),
            },
        };
        return Ok(ServerSpec {
            host: Host::Ip(IpAddr::V6(ip)),
            port,
        });
    }
    if s.contains(']') {
        return bad(ServerProblem::Unopened);
    }
    if s.contains('[') {
        return bad(ServerProblem::BracketInside);
    }

    let (host, port) = match s.matches(':').count() {
        0 => (s, None),
        1 => {
            let (h, p) = s.split_once(':').unwrap_or((s, ""));
            if h.is_empty() {
                return bad(ServerProblem::NoHostBeforePort);
            }
            (h, Some(parse_port(p).map_err(refused)?))
        }
        _ => {
            return match s.parse::<Ipv6Addr>() {
                Ok(ip) => Ok(ServerSpec {
                    host: Host::Ip(IpAddr::V6(ip)),
                    port: None,
                }),
                Err(_) => bad(ServerProblem::NotAnAddress),
            };
        }
    };
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Ok(ServerSpec {
            host: Host::Ip(IpAddr::V4(ip)),
            port,
        });
    }
    Ok(ServerSpec {
        host: Host::Name(check_host_name(host).map_err(refused)?),
        port,
    })
}

/// A port of 1 to 65535, digits only.
fn parse_port(p: &str) -> Result<u16, ServerProblem> {
    if p.is_empty() {
        return Err(ServerProblem::EmptyPort);
    }
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ServerProblem::PortNotNumber(p.to_string()));
    }
    match p.parse::<u32>() {
        Ok(n @ 1..=65535) => Ok(n as u16),
        _ => Err(ServerProblem::PortOutOfRange(p.to_string())),
    }
}

/// A DNS host name: letters, digits, '-' and '_', labels of 1–63, at most 253 in all,
/// one trailing dot allowed, and not all digits at the end (that is a broken IPv4
/// address). Returns it in lower case without the trailing dot.
fn check_host_name(host: &str) -> Result<String, ServerProblem> {
    let bad = |why: &'static str| Err(ServerProblem::HostName(why));
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.is_empty() {
        return bad("no host name");
    }
    if name.len() > 253 {
        return bad("the host name is longer than 253 characters");
    }
    let labels: Vec<&str> = name.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return bad("the host name has an empty label (two dots in a row, or a leading dot)");
        }
        if label.len() > 63 {
            return bad("a label of the host name is longer than 63 characters");
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(ServerProblem::HostNameChar(c));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return bad("a label of the host name starts or ends with '-'");
        }
    }
    if labels
        .last()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return bad("not a valid IPv4 address or host name");
    }
    Ok(name.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_names_the_server_as_written() {
        let said = |s: &str| parse_sip_server(s).unwrap_err().to_string();
        for (server, expected) in [
            ("", "the SIP server is empty"),
            ("a b", r#"SIP server "a b" contains a space"#),
            (
                "a\u{7}b",
                r#"SIP server "a\u{7}b" contains a control character"#,
            ),
            (
                "é.test",
                r#"SIP server "é.test" contains a non-ASCII character: write an internationalized name in its xn-- form"#,
            ),
            (
                "u@h.test",
                r#"SIP server "u@h.test" contains '@': give the host (and port) only, not user@host"#,
            ),
            (
                "sip:h.test",
                r#"SIP server "sip:h.test" starts with sip:: give the host (and port) without the scheme"#,
            ),
            ("[::1", r#"SIP server "[::1" has '[' without ']'"#),
            (
                "[x]",
                r#"SIP server "[x]": "x" in brackets is not an IPv6 address"#,
            ),
            (
                "[::1]x",
                r#"SIP server "[::1]x": unexpected "x" after ']' (expected :port)"#,
            ),
            ("h]", r#"SIP server "h]" has ']' without '['"#),
            ("h[", r#"SIP server "h[" has '[' in the middle"#),
            (":5060", r#"SIP server ":5060" has no host before ':'"#),
            (
                "a:b:c",
                r#"SIP server "a:b:c" is not a valid address: write an IPv6 address with a port as [address]:port"#,
            ),
            (
                "h.test:",
                r#"SIP server "h.test:" has an empty port after ':'"#,
            ),
            (
                "h.test:x",
                r#"SIP server "h.test:x": port "x" is not a number"#,
            ),
            (
                "h.test:0",
                r#"SIP server "h.test:0": port 0 is outside 1–65535"#,
            ),
            (
                "a..b",
                r#"SIP server "a..b": the host name has an empty label (two dots in a row, or a leading dot)"#,
            ),
            (
                "a/b",
                r#"SIP server "a/b": the host name may hold only letters, digits, '-', '_' and '.', not '/'"#,
            ),
            (
                "1.2.3",
                r#"SIP server "1.2.3": not a valid IPv4 address or host name"#,
            ),
        ] {
            assert_eq!(said(server), expected, "{server:?}");
        }
    }
}

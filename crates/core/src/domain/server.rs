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

/// Parses `host`, `host:port`, `1.2.3.4[:port]`, `[v6][:port]` or a bare IPv6 address.
pub fn parse_sip_server(s: &str) -> Result<ServerSpec, String> {
    let bad = |why: String| Err(why);
    if s.is_empty() {
        return bad("the SIP server is empty".to_string());
    }
    if s.chars().any(char::is_whitespace) {
        return bad(format!("SIP server {s:?} contains a space"));
    }
    if s.chars().any(char::is_control) {
        return bad(format!("SIP server {s:?} contains a control character"));
    }
    if !s.is_ascii() {
        return bad(format!(
            "SIP server {s:?} contains a non-ASCII character: write an internationalized name in its xn-- form"
        ));
    }
    if s.contains('@') {
        return bad(format!(
            "SIP server {s:?} contains '@': give the host (and port) only, not user@host"
        ));
    }
    let lower = s.to_ascii_lowercase();
    for scheme in ["sip:", "sips:"] {
        if let Some(rest) = lower.strip_prefix(scheme)
            && !rest.bytes().all(|b| b.is_ascii_digit())
        {
            return bad(format!(
                "SIP server {s:?} starts with {scheme}: give the host (and port) without the scheme"
            ));
        }
    }

    if let Some(rest) = s.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return bad(format!("SIP server {s:?} has '[' without ']'"));
        };
        let Ok(ip) = inside.parse::<Ipv6Addr>() else {
            return bad(format!(
                "SIP server {s:?}: {inside:?} in brackets is not an IPv6 address"
            ));
        };
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(p) => Some(parse_port(s, p)?),
                None => {
                    return bad(format!(
                        "SIP server {s:?}: unexpected {after:?} after ']' (expected :port)"
                    ));
                }
            },
        };
        return Ok(ServerSpec {
            host: Host::Ip(IpAddr::V6(ip)),
            port,
        });
    }
    if s.contains(']') {
        return bad(format!("SIP server {s:?} has ']' without '['"));
    }
    if s.contains('[') {
        return bad(format!("SIP server {s:?} has '[' in the middle"));
    }

    let (host, port) = match s.matches(':').count() {
        0 => (s, None),
        1 => {
            let (h, p) = s.split_once(':').unwrap_or((s, ""));
            if h.is_empty() {
                return bad(format!("SIP server {s:?} has no host before ':'"));
            }
            (h, Some(parse_port(s, p)?))
        }
        _ => {
            return match s.parse::<Ipv6Addr>() {
                Ok(ip) => Ok(ServerSpec {
                    host: Host::Ip(IpAddr::V6(ip)),
                    port: None,
                }),
                Err(_) => bad(format!(
                    "SIP server {s:?} is not a valid address: write an IPv6 address with a port as [address]:port"
                )),
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
        host: Host::Name(check_host_name(s, host)?),
        port,
    })
}

/// A port of 1 to 65535, digits only.
fn parse_port(server: &str, p: &str) -> Result<u16, String> {
    if p.is_empty() {
        return Err(format!("SIP server {server:?} has an empty port after ':'"));
    }
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("SIP server {server:?}: port {p:?} is not a number"));
    }
    match p.parse::<u32>() {
        Ok(n @ 1..=65535) => Ok(n as u16),
        _ => Err(format!(
            "SIP server {server:?}: port {p} is outside 1–65535"
        )),
    }
}

/// A DNS host name: letters, digits, '-' and '_', labels of 1–63, at most 253 in all,
/// one trailing dot allowed, and not all digits at the end (that is a broken IPv4
/// address). Returns it in lower case without the trailing dot.
fn check_host_name(server: &str, host: &str) -> Result<String, String> {
    let bad = |why: &str| Err(format!("SIP server {server:?}: {why}"));
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
            return bad(&format!(
                "the host name may hold only letters, digits, '-', '_' and '.', not {c:?}"
            ));
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

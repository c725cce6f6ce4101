//! Checks base URLs: `https://` anywhere, plain `http://` only for loopback hosts.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Validates a base URL and returns it with trailing `/` removed. The error message
/// never repeats a URL that holds a user name or password.
pub(crate) fn check_base_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("must not contain spaces (got {url:?})"));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!("must start with https:// (got {url})"));
    };
    let secure = scheme.eq_ignore_ascii_case("https");
    if !secure && !scheme.eq_ignore_ascii_case("http") {
        return Err(format!("must start with https:// (got {url})"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("must not contain a user name or password; use a token source".into());
    }
    if rest.contains(['?', '#']) {
        return Err(format!("must not contain a query or fragment (got {url})"));
    }
    let host = split_host(authority).map_err(|m| format!("{m} (got {url})"))?;
    if !secure && !is_loopback(host) {
        return Err(format!(
            "http:// is only allowed for loopback hosts (got {url})"
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// The host of `host[:port]` or `[v6][:port]`, after checking both parts.
fn split_host(authority: &str) -> Result<&str, &'static str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => split_v6(v6)?,
        None => {
            let (host, port) = match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            check_host(host)?;
            (host, port)
        }
    };
    match port {
        Some(p) => check_port(p).map(|()| host),
        None => Ok(host),
    }
}

/// Splits `v6]` or `v6]:port` (the text after `[`).
fn split_v6(rest: &str) -> Result<(&str, Option<&str>), &'static str> {
    let (host, after) = rest
        .split_once(']')
        .ok_or("has an unclosed `[` in the host")?;
    host.parse::<Ipv6Addr>()
        .map_err(|_| "has an invalid IPv6 address")?;
    match after.strip_prefix(':') {
        Some(port) => Ok((host, Some(port))),
        None if after.is_empty() => Ok((host, None)),
        None => Err("has an invalid host"),
    }
}

fn check_host(host: &str) -> Result<(), &'static str> {
    if host.is_empty() {
        Err("has no host")
    } else if host
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        Ok(())
    } else {
        Err("has an invalid host")
    }
}

fn check_port(port: &str) -> Result<(), &'static str> {
    let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    if digits && port.parse::<u16>().is_ok_and(|n| n > 0) {
        Ok(())
    } else {
        Err("has an invalid port")
    }
}

/// `localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || host.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_accepted_and_trailing_slashes_trimmed() {
        assert_eq!(
            check_base_url("https://blackbox.dasha.ai/api/v1/"),
            Ok("https://blackbox.dasha.ai/api/v1".into())
        );
        assert_eq!(
            check_base_url("HTTPS://x.io:8443"),
            Ok("HTTPS://x.io:8443".into())
        );
        assert_eq!(
            check_base_url("https://[2001:db8::1]/"),
            Ok("https://[2001:db8::1]".into())
        );
    }

    #[test]
    fn http_only_for_loopback() {
        for ok in [
            "http://localhost:8080/",
            "http://127.0.0.1:3000/api",
            "http://127.9.9.9",
            "http://[::1]:9000",
            "http://LOCALHOST",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        let err = check_base_url("http://example.com").unwrap_err();
        assert_eq!(
            err,
            "http:// is only allowed for loopback hosts (got http://example.com)"
        );
        for bad in [
            "http://128.0.0.1",
            "http://localhost.evil.com",
            "http://[::2]",
            "http://10.0.0.1",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn malformed_urls_are_refused() {
        for bad in [
            "",
            "blackbox.dasha.ai",
            "ftp://x.io",
            "https://",
            "https:///path",
            "https://x.io:notaport",
            "https://x.io:0",
            "https://x.io:99999",
            "https://[::1",
            "https://[nope]",
            "https://[::1]x",
            "https://x y.io",
            "https://x.io/?q=1",
            "https://x.io/#f",
            "https://bad!host",
            "https://::1/",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn credentials_in_urls_are_never_echoed() {
        let err = check_base_url("http://user:hunter22@example.com").unwrap_err();
        assert!(!err.contains("hunter22"), "{err}");
    }
}

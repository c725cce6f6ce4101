//! Network steps: the base URL's host resolves and answers, with a valid TLS
//! certificate for `https://` (plain `http://` is allowed only on loopback, and said
//! so); Twilio's API answers at the profile's `twilio_api_base`.

use super::DoctorOptions;
use super::step::{Step, human};
use crate::api::{ApiError, ErrorKind, Http, twilio};
use crate::config::Profile;
use crate::domain::Transport;
use crate::probe::transport::{Connection, TransportError};
use reqwest::Url;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

/// The base URL's step.
const BASE_URL: &str = "base url";
/// Twilio's API step.
const TWILIO: &str = "twilio api";

/// Resolves the base URL's host and connects to it (TLS handshake included for
/// `https://`); pushes the step and returns whether the host answered.
pub(super) async fn check_base_url(
    profile: &Profile,
    options: &DoctorOptions,
    steps: &mut Vec<Step>,
) -> bool {
    let started = Instant::now();
    let step = match base_url_step(&profile.base_url, options).await {
        Ok(step) | Err(step) => step,
    };
    let reachable = step.status != crate::domain::CheckStatus::Failed;
    steps.push(step.took(started.elapsed()));
    reachable
}

/// The step: `Ok` when the host answered (passed or warning), `Err` when not.
async fn base_url_step(base: &str, options: &DoctorOptions) -> Result<Step, Step> {
    let url = Url::parse(base).map_err(|e| {
        Step::failed(
            BASE_URL,
            format!("{base} is not a URL: {e}"),
            "correct base_url",
        )
    })?;
    let secure = url.scheme() == "https";
    let (host, port) = match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => (host, port),
        _ => {
            let message = format!("{base} names no host");
            return Err(Step::failed(BASE_URL, message, "correct base_url"));
        }
    };
    // An IPv6 host comes in brackets.
    let name = host.trim_start_matches('[').trim_end_matches(']');
    let addrs = resolve(name, port, options).await?;
    let transport = if secure {
        Transport::Tls
    } else {
        Transport::Tcp
    };
    let mut failure = None;
    for addr in &addrs {
        let opened = Connection::open(
            *addr,
            name,
            transport,
            &options.trust,
            options.connect_timeout,
        )
        .await;
        match opened {
            Ok(_) => return Ok(answered(name, *addr, secure)),
            Err(e) => failure = Some(e),
        }
    }
    Err(match failure {
        Some(e) => not_answered(name, e, options),
        None => Step::failed(BASE_URL, format!("{name} has no address"), DNS_FIX),
    })
}

const DNS_FIX: &str = "check the host name in base_url, and your DNS or VPN";

/// The addresses of `domain` (an IP address is its own), within the connect timeout.
async fn resolve(
    domain: &str,
    port: u16,
    options: &DoctorOptions,
) -> Result<Vec<SocketAddr>, Step> {
    if let Ok(ip) = domain.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let lookup = tokio::net::lookup_host((domain, port));
    match tokio::time::timeout(options.connect_timeout, lookup).await {
        Ok(Ok(addrs)) => Ok(addrs.collect()),
        Ok(Err(e)) => Err(Step::failed(
            BASE_URL,
            format!("{domain} does not resolve: {e}"),
            DNS_FIX,
        )),
        Err(_) => Err(Step::failed(
            BASE_URL,
            format!(
                "{domain} did not resolve within {}",
                human(options.connect_timeout)
            ),
            DNS_FIX,
        )),
    }
}

/// The step of a host that answered.
fn answered(name: &str, addr: SocketAddr, secure: bool) -> Step {
    if secure {
        return Step::passed(
            BASE_URL,
            format!("{name} → {addr}; its TLS certificate is valid for {name}"),
        );
    }
    if addr.ip().is_loopback() {
        Step::passed(
            BASE_URL,
            format!("plain http on loopback: {addr} answers (no TLS to check)"),
        )
    } else {
        Step::warning(
            BASE_URL,
            format!("plain http to {addr}, which is not loopback: the token travels in clear"),
            "use an https:// base_url",
        )
    }
}

/// The step of a host that did not answer.
fn not_answered(name: &str, e: TransportError, options: &DoctorOptions) -> Step {
    match e {
        TransportError::Refused(addr) => Step::failed(
            BASE_URL,
            format!("nothing answers at {addr} (connection refused)"),
            "check base_url's host and port; is the server running?",
        ),
        TransportError::Timeout { addr, .. } => Step::failed(
            BASE_URL,
            format!(
                "no connection to {addr} within {}",
                human(options.connect_timeout)
            ),
            format!("check the network path to {name} (firewall, proxy, VPN)"),
        ),
        TransportError::Tls { reason, .. } => Step::failed(
            BASE_URL,
            format!("the TLS certificate of {name} is not valid: {reason}"),
            "check base_url's host name; a proxy's or a self-signed certificate is not \
             trusted (certificates are checked against the system's roots)",
        ),
        other => Step::failed(
            BASE_URL,
            other.to_string(),
            format!("check the network path to {name}"),
        ),
    }
}

/// Whether Twilio's API answers at the profile's `twilio_api_base` (a GET without
/// credentials, which Twilio answers 401).
pub(super) async fn check_twilio(profile: &Profile, http: &Http) -> Step {
    let started = Instant::now();
    let base = &profile.twilio_api_base;
    let step = match twilio::reachable(http, base).await {
        Ok(()) => Step::passed(
            TWILIO,
            format!("{base} answers (it asks for credentials, as expected)"),
        ),
        Err(e) => twilio_failure(base, &e),
    };
    step.took(started.elapsed())
}

fn twilio_failure(base: &str, e: &ApiError) -> Step {
    let fix = "set twilio_api_base to Twilio's API (default https://api.twilio.com), \
               and check the network path to it";
    match e {
        ApiError::NotFound { .. } | ApiError::Decode { .. } => {
            Step::failed(TWILIO, format!("{base} is not Twilio's API: {e}"), fix)
        }
        ApiError::Server { .. } => Step::warning(
            TWILIO,
            format!("{base} answers, but failed: {e}"),
            "try again later: Twilio (or what stands at twilio_api_base) has a problem",
        ),
        e if e.kind() == ErrorKind::Transient => {
            Step::warning(TWILIO, format!("{base}: {e}"), "try again later")
        }
        e => Step::failed(TWILIO, format!("{base}: {e}"), fix),
    }
}

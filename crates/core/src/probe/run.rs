//! One probe of one SIP credential, step by step: resolve the server, reach it with
//! an OPTIONS (every resolved address in turn), and, when asked, check the password
//! with a query-only REGISTER answering the digest challenge. The probe contacts only
//! the credential's own server and never prints, logs or keeps the password.

use super::keyring::{Keyring, MAX_ROUNDS, Stop};
use super::message::{BuildError, Outgoing, RequestTarget, Response};
use super::report::{ProbeCheck, ProbeReport, step};
use super::resolve::{Destination, Resolver};
use super::transport::{Connection, TlsTrust, TransportError};
use crate::domain::{CheckStatus, Transport};
use crate::secret::Secret;
use serde_json::json;
use std::time::{Duration, Instant};

/// What is probed: a SIP credential's fields.
#[derive(Debug, Clone)]
pub struct ProbeInput {
    /// The credential's id.
    pub id: String,
    /// Its name as shown (description, else server).
    pub name: String,
    /// `host`, `host:port`, an IP, as the credential says.
    pub server: String,
    /// Its transport.
    pub transport: Transport,
    /// Its auth realm / domain, if set (else the server's host).
    pub domain: Option<String>,
    /// The digest user.
    pub auth_user: Option<String>,
    /// The digest password.
    pub password: Option<Secret>,
}

/// How to probe.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Also check the password with a REGISTER.
    pub register: bool,
    /// The longest each step (each address, for reach) may take.
    pub timeout: Duration,
    /// How names are looked up.
    pub resolver: Resolver,
    /// What TLS trusts.
    pub trust: TlsTrust,
}

/// Runs the probe.
pub async fn probe(input: &ProbeInput, options: &ProbeOptions) -> ProbeReport {
    let mut checks = Vec::new();
    let resolved = resolve_step(input, options, &mut checks).await;
    let reached = match resolved {
        Some(targets) => reach_step(input, options, &targets, &mut checks).await,
        None => {
            checks.push(ProbeCheck::skipped(
                step::REACH,
                "the server was not resolved",
            ));
            None
        }
    };
    let auth = match (reached, options.register) {
        (_, false) => ProbeCheck::skipped(
            step::AUTHENTICATE,
            "not asked: --register (or p then r in the UI) checks the password",
        ),
        (None, true) => ProbeCheck::skipped(step::AUTHENTICATE, "the server was not reached"),
        (Some(reach), true) => authenticate_step(input, options, reach).await,
    };
    checks.push(auth);
    ProbeReport {
        credential_id: input.id.clone(),
        credential_name: crate::text::printable(&input.name).into_owned(),
        server: crate::text::printable(&input.server).into_owned(),
        transport: input.transport.as_str().to_string(),
        time: chrono::Utc::now(),
        checks,
    }
}

async fn resolve_step(
    input: &ProbeInput,
    options: &ProbeOptions,
    checks: &mut Vec<ProbeCheck>,
) -> Option<Vec<Destination>> {
    let started = Instant::now();
    let result = options
        .resolver
        .resolve(&input.server, input.transport)
        .await;
    let elapsed = started.elapsed();
    match result {
        Ok(resolution) if !resolution.targets.is_empty() => {
            let addrs: Vec<String> = resolution
                .targets
                .iter()
                .map(|t| t.addr.to_string())
                .collect();
            checks.push(ProbeCheck {
                name: step::RESOLVE,
                status: CheckStatus::Passed,
                message: format!("{} → {}", input.server, addrs.join(", ")),
                elapsed,
                details: json!({
                    "steps": resolution.steps,
                    "targets": resolution.targets.iter().map(|t| json!({
                        "address": t.addr.to_string(), "via": t.via, "host": t.host,
                    })).collect::<Vec<_>>(),
                }),
            });
            Some(resolution.targets)
        }
        Ok(resolution) => {
            checks.push(ProbeCheck {
                name: step::RESOLVE,
                status: CheckStatus::Failed,
                message: format!("{} has no address", input.server),
                elapsed,
                details: json!({ "steps": resolution.steps }),
            });
            None
        }
        Err(e) => {
            checks.push(ProbeCheck {
                name: step::RESOLVE,
                status: CheckStatus::Failed,
                message: e.to_string(),
                elapsed,
                details: serde_json::Value::Null,
            });
            None
        }
    }
}

/// The address that answered, with its open connection.
struct Reached {
    target: Destination,
    connection: Connection,
}

async fn reach_step(
    input: &ProbeInput,
    options: &ProbeOptions,
    targets: &[Destination],
    checks: &mut Vec<ProbeCheck>,
) -> Option<Reached> {
    let started = Instant::now();
    let mut attempts = Vec::new();
    for target in targets {
        let tried = Instant::now();
        match options_at(input, options, target).await {
            Ok((connection, response)) => {
                let rtt = tried.elapsed();
                let agent = response
                    .server_agent()
                    .map(|a| a.into_owned())
                    .unwrap_or_default();
                let answered = format!("{} {}", response.code, response.reason);
                let (status, message) = reach_verdict(target.addr, &answered, response.code, rtt);
                attempts.push(json!({ "address": target.addr.to_string(), "result": answered }));
                let message = if agent.is_empty() {
                    message
                } else {
                    format!("{message}; server: {agent}")
                };
                checks.push(ProbeCheck {
                    name: step::REACH,
                    status,
                    message,
                    elapsed: started.elapsed(),
                    details: json!({
                        "attempts": attempts,
                        "round_trip_ms": rtt.as_secs_f64() * 1000.0,
                        "server": agent,
                        "transport": input.transport.via_token(),
                    }),
                });
                return Some(Reached {
                    target: target.clone(),
                    connection,
                });
            }
            Err(e) => attempts
                .push(json!({ "address": target.addr.to_string(), "result": e.to_string() })),
        }
    }
    let tried: Vec<String> = attempts
        .iter()
        .filter_map(|a| a["result"].as_str().map(str::to_string))
        .collect();
    checks.push(ProbeCheck {
        name: step::REACH,
        status: CheckStatus::Failed,
        message: format!("no answer from any address: {}", tried.join("; ")),
        elapsed: started.elapsed(),
        details: json!({ "attempts": attempts }),
    });
    None
}

/// The reach step's status and message for an OPTIONS answered `answered` (`code`
/// and reason) by `addr` after `rtt`. A challenge (401, 407) proves the server is
/// reached as well as a 2xx does: some servers (ejabberd) challenge OPTIONS too.
fn reach_verdict(
    addr: std::net::SocketAddr,
    answered: &str,
    code: u16,
    rtt: Duration,
) -> (CheckStatus, String) {
    let ms = rtt.as_millis();
    match code {
        200..=299 => (
            CheckStatus::Passed,
            format!("{addr} answered {answered} in {ms} ms"),
        ),
        401 | 407 => (
            CheckStatus::Passed,
            format!("{addr} answered {answered} in {ms} ms (it challenges OPTIONS too)"),
        ),
        _ => (
            CheckStatus::Warning,
            format!("{addr} is reachable but answered OPTIONS with {answered} ({ms} ms)"),
        ),
    }
}

/// Why an address gave no answer to the OPTIONS.
#[derive(Debug, thiserror::Error)]
enum Unanswered {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Request(#[from] BuildError),
}

/// Opens a connection to `target` and sends an OPTIONS; the final response.
async fn options_at(
    input: &ProbeInput,
    options: &ProbeOptions,
    target: &Destination,
) -> Result<(Connection, Response), Unanswered> {
    let mut connection = Connection::open(
        target.addr,
        &target.host,
        input.transport,
        &options.trust,
        options.timeout,
    )
    .await?;
    let request = Outgoing::options(&message_target(input, target, &connection))?;
    let response = exchange(&mut connection, &request, options.timeout).await?;
    Ok((connection, response))
}

fn message_target<'a>(
    input: &'a ProbeInput,
    target: &'a Destination,
    connection: &Connection,
) -> RequestTarget<'a> {
    RequestTarget {
        transport: input.transport,
        local: connection.local_addr(),
        user: input.auth_user.as_deref().unwrap_or("telcreds"),
        domain: input.domain.as_deref().unwrap_or(&target.host),
        host: &target.host,
        port: Some(target.addr.port()),
    }
}

async fn exchange(
    connection: &mut Connection,
    request: &Outgoing,
    timeout: Duration,
) -> Result<Response, TransportError> {
    connection
        .exchange(&request.to_bytes(), timeout, |r| r.answers(request))
        .await
}

async fn authenticate_step(
    input: &ProbeInput,
    options: &ProbeOptions,
    mut reached: Reached,
) -> ProbeCheck {
    let started = Instant::now();
    let check = |(status, message): Verdict, code: Option<u16>| ProbeCheck {
        name: step::AUTHENTICATE,
        status,
        message,
        elapsed: started.elapsed(),
        details: code.map_or(json!(null), |code| json!({ "code": code })),
    };
    let (Some(user), Some(password)) = (input.auth_user.as_deref(), input.password.as_ref()) else {
        return ProbeCheck::skipped(
            step::AUTHENTICATE,
            "the credential has no auth user or no password",
        );
    };
    let target = reached.target.clone();
    let mut request = match Outgoing::register(&message_target(input, &target, &reached.connection))
    {
        Ok(r) => r,
        Err(e) => return check((CheckStatus::Failed, e.to_string()), None),
    };
    let mut keyring = Keyring::default();
    loop {
        let response = match exchange(&mut reached.connection, &request, options.timeout).await {
            Ok(r) => r,
            Err(e) => {
                let what = if keyring.is_empty() {
                    "REGISTER got no answer"
                } else {
                    "the answered REGISTER got no reply"
                };
                return check(
                    (CheckStatus::Warning, format!("inconclusive: {what} ({e})")),
                    None,
                );
            }
        };
        if !matches!(response.code, 401 | 407) {
            return check(
                answer_verdict(&response, &keyring, user),
                Some(response.code),
            );
        }
        if let Err(stop) = keyring.take(&response.challenges()) {
            return check(challenge_verdict(stop, &response), Some(response.code));
        }
        let credentials = keyring.credentials("REGISTER", &request.request_uri(), user, password);
        request = request.retry(credentials);
    }
}

/// A step's status and message.
type Verdict = (CheckStatus, String);

/// What a final answer other than a challenge says about the password, given the
/// challenges answered before it.
fn answer_verdict(response: &Response, keyring: &Keyring, user: &str) -> Verdict {
    let answered = format!("{} {}", response.code, response.reason);
    let warning = |m: String| (CheckStatus::Warning, format!("inconclusive: {m}"));
    match response.code {
        200..=299 if keyring.is_empty() => warning(format!(
            "REGISTER was accepted without a challenge ({answered}): the server does not \
             check the password for it"
        )),
        200..=299 => (
            CheckStatus::Passed,
            format!("accepted: {answered} for {user} ({})", keyring.realms()),
        ),
        // RFC 3261 §10.3 authenticates (step 3) before it looks up the
        // address-of-record (step 5, which answers 404): the password passed.
        404 if !keyring.is_empty() => (
            CheckStatus::Passed,
            format!(
                "accepted: the server accepted the credentials for {user} ({}) and answered \
                 {answered} for the address-of-record",
                keyring.realms()
            ),
        ),
        403 if !keyring.is_empty() => (
            CheckStatus::Failed,
            format!("rejected: {answered} for {user}: wrong user or password"),
        ),
        403 | 404 | 405 | 501 => warning(format!(
            "the server does not offer registration ({answered}); the password may still be \
             right for calls"
        )),
        _ => warning(format!("REGISTER answered {answered}")),
    }
}

/// What a 401 or 407 that is not answered again says, and why.
fn challenge_verdict(stop: Stop, response: &Response) -> Verdict {
    let answered = format!("{} {}", response.code, response.reason);
    let warning = |m: String| (CheckStatus::Warning, format!("inconclusive: {m}"));
    match stop {
        Stop::Rejected(realm) => (
            CheckStatus::Failed,
            format!(
                "rejected: {answered} after answering the challenge for {realm}: wrong user or \
                 password"
            ),
        ),
        Stop::KeptStale => warning(format!(
            "the server kept answering stale=true ({answered}), even to an answer to a fresh nonce"
        )),
        Stop::Unanswerable(offered) => warning(format!(
            "no challenge telcreds can answer (offered: {})",
            if offered.is_empty() {
                "none".to_string()
            } else {
                offered.join(", ")
            }
        )),
        Stop::TooManyRounds => warning(format!(
            "the server still challenged ({answered}) after {MAX_ROUNDS} answers"
        )),
    }
}

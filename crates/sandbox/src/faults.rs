//! What happens to API requests on the way through: latency, scripted and random
//! faults in each platform's error shape, and the log of served requests.
//! Control routes (`/_sandbox/`) pass untouched.

use super::errors::Platform;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::Duration;

/// `Retry-After` of a 429 when none is given.
const DEFAULT_RETRY_AFTER_SECS: u64 = 1;
/// Delay of a `slow` fault when none is given.
const DEFAULT_DELAY_MS: u64 = 1000;
/// The request log keeps this many entries, dropping the oldest.
const LOG_CAPACITY: usize = 10_000;
/// The body of a `malformed` fault: JSON cut off mid-value.
const TRUNCATED_JSON: &str = r#"{"items":[{"id":"a1000000-0000-4000-8000-00000000"#;

/// A kind of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FaultKind {
    /// 500 in the platform's error shape.
    ServerError,
    /// 429 with `Retry-After`.
    RateLimited,
    /// 200 with a broken JSON body.
    Malformed,
    /// Waits, then answers normally.
    Slow,
    /// Closes the connection without a response.
    Drop,
    /// 400 in the platform's error shape: the request refused, nothing changed.
    Refused,
}

impl FaultKind {
    const ALL: [FaultKind; 6] = [
        FaultKind::ServerError,
        FaultKind::RateLimited,
        FaultKind::Malformed,
        FaultKind::Slow,
        FaultKind::Drop,
        FaultKind::Refused,
    ];
}

fn one() -> u32 {
    1
}

/// `POST /_sandbox/faults`: `count` faults for the next requests that match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FaultRule {
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path_prefix: Option<String>,
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
}

impl FaultRule {
    fn matches(&self, method: &Method, path: &str) -> bool {
        self.count > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| path.starts_with(p))
    }

    fn fault(&self) -> Fault {
        Fault {
            kind: self.kind,
            retry_after_secs: self.retry_after_secs.unwrap_or(DEFAULT_RETRY_AFTER_SECS),
            delay: Duration::from_millis(self.delay_ms.unwrap_or(DEFAULT_DELAY_MS)),
        }
    }
}

/// One fault to inflict on one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fault {
    kind: FaultKind,
    retry_after_secs: u64,
    delay: Duration,
}

impl Fault {
    /// True for a fault that closes the connection without an answer.
    pub(crate) fn drops(&self) -> bool {
        self.kind == FaultKind::Drop
    }
}

/// Scripted faults, consumed in the order they were queued.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    rules: Vec<FaultRule>,
}

impl FaultQueue {
    pub fn push(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    /// Faults still queued.
    pub fn pending(&self) -> u32 {
        self.rules.iter().map(|r| r.count).sum()
    }

    /// Drops every queued fault; returns how many there were.
    pub fn clear(&mut self) -> u32 {
        let pending = self.pending();
        self.rules.clear();
        pending
    }

    /// Takes one fault from the first rule matching the request.
    pub(crate) fn take(&mut self, method: &Method, path: &str) -> Option<Fault> {
        let pos = self.rules.iter().position(|r| r.matches(method, path))?;
        let rule = &mut self.rules[pos];
        rule.count -= 1;
        let fault = rule.fault();
        if rule.count == 0 {
            self.rules.remove(pos);
        }
        Some(fault)
    }
}

/// One served API request; `status` is 0 when the connection was dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// The API requests served, oldest first.
#[derive(Debug, Default)]
pub(crate) struct RequestLog(VecDeque<LoggedRequest>);

impl RequestLog {
    pub(crate) fn record(&mut self, entry: LoggedRequest) {
        if self.0.len() == LOG_CAPACITY {
            self.0.pop_front();
        }
        self.0.push_back(entry);
    }

    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.0.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// With probability `rate`, one of the fault kinds with default parameters.
pub(crate) fn random_fault(rate: f64) -> Option<Fault> {
    if rate <= 0.0 || rand::random::<f64>() >= rate {
        return None;
    }
    Some(Fault {
        kind: FaultKind::ALL[rand::random_range(0..FaultKind::ALL.len())],
        retry_after_secs: DEFAULT_RETRY_AFTER_SECS,
        delay: Duration::from_millis(DEFAULT_DELAY_MS),
    })
}

/// The request's response under `fault`: the handler's own, possibly late, or what
/// the fault stands in for.
pub(crate) async fn respond(
    fault: Option<Fault>,
    platform: Platform,
    req: Request,
    next: Next,
) -> Response {
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    match fault.kind {
        FaultKind::Slow => {
            tokio::time::sleep(fault.delay).await;
            next.run(req).await
        }
        FaultKind::ServerError => platform.error(StatusCode::INTERNAL_SERVER_ERROR, path),
        FaultKind::Refused => platform.error(StatusCode::BAD_REQUEST, path),
        FaultKind::RateLimited => {
            let mut response = platform.error(StatusCode::TOO_MANY_REQUESTS, path);
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(fault.retry_after_secs),
            );
            response
        }
        FaultKind::Malformed => {
            ([(header::CONTENT_TYPE, "application/json")], TRUNCATED_JSON).into_response()
        }
        FaultKind::Drop => dropped_connection(),
    }
}

/// A response whose body fails before its first byte: hyper then closes the
/// connection without writing the status line, so the client sees no response.
fn dropped_connection() -> Response {
    let failure = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "sandbox fault: drop");
    let body = futures_util::stream::iter([Err::<Bytes, _>(failure)]);
    Response::new(Body::from_stream(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: FaultKind, count: u32, method: Option<&str>, prefix: Option<&str>) -> FaultRule {
        FaultRule {
            kind,
            count,
            method: method.map(str::to_string),
            path_prefix: prefix.map(str::to_string),
            retry_after_secs: None,
            delay_ms: None,
        }
    }

    #[test]
    fn queued_rules_are_consumed_in_order_and_only_by_matching_requests() {
        let mut queue = FaultQueue::default();
        queue.push(rule(
            FaultKind::Drop,
            1,
            Some("delete"),
            Some("/api/v1/sip"),
        ));
        queue.push(rule(FaultKind::ServerError, 2, None, None));
        assert_eq!(queue.pending(), 3);
        let kind = |q: &mut FaultQueue, m: Method, p: &str| q.take(&m, p).map(|f| f.kind);
        assert_eq!(
            kind(&mut queue, Method::GET, "/api/v1/sip-credentials"),
            Some(FaultKind::ServerError)
        );
        assert_eq!(
            kind(&mut queue, Method::DELETE, "/api/v1/sip-credentials/x"),
            Some(FaultKind::Drop)
        );
        assert_eq!(
            kind(&mut queue, Method::DELETE, "/api/v1/sip-credentials/x"),
            Some(FaultKind::ServerError)
        );
        assert_eq!(kind(&mut queue, Method::GET, "/"), None);
        assert_eq!(queue.pending(), 0);
    }

    #[test]
    fn defaults_fill_retry_after_and_delay() {
        let fault = rule(FaultKind::Slow, 1, None, None).fault();
        assert_eq!(fault.retry_after_secs, DEFAULT_RETRY_AFTER_SECS);
        assert_eq!(fault.delay, Duration::from_millis(DEFAULT_DELAY_MS));
    }

    #[test]
    fn random_faults_follow_the_rate() {
        assert!((0..200).all(|_| random_fault(1.0).is_some()));
        assert!((0..200).all(|_| random_fault(0.0).is_none()));
    }

    #[test]
    fn the_log_keeps_the_newest_entries() {
        let mut log = RequestLog::default();
        for i in 0..LOG_CAPACITY + 5 {
            log.record(LoggedRequest {
                method: "GET".into(),
                path: format!("/{i}"),
                status: 200,
            });
        }
        let entries = log.entries();
        assert_eq!(entries.len(), LOG_CAPACITY);
        assert_eq!(entries[0].path, "/5");
    }
}

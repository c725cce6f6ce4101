//! The shared HTTP layer: one reqwest client, timeouts, bounded body reads, and
//! retries with backoff and jitter for idempotent requests only.

use super::error::{ApiError, from_transport};
use backon::{ExponentialBuilder, Retryable};
use reqwest::Method;
use reqwest::header::HeaderMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Largest response body read before giving up (a misbehaving server cannot fill memory).
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Timeouts and retry policy.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included.
    pub request_timeout: Duration,
    /// Retries after the first attempt, for idempotent requests.
    pub max_retries: usize,
    /// First backoff delay.
    pub min_backoff: Duration,
    /// Largest backoff delay.
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not waited for; the error is returned.
    pub max_retry_after: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            min_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

/// Whether a request may be sent again after a transient failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryMode {
    /// GET, PUT, DELETE: safe to repeat.
    Idempotent,
    /// POST, PATCH: sent once, whatever happens.
    Never,
}

/// A successful answer: status and the whole body.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// Decides whether a response is an error, and which. Platform-specific.
pub type Classifier = fn(u16, &HeaderMap, &[u8]) -> Option<ApiError>;

/// One shared client for every profile; cheap to clone.
#[derive(Clone, Debug)]
pub struct Http {
    client: reqwest::Client,
    options: Arc<HttpOptions>,
}

impl Http {
    /// Builds the shared client.
    pub fn new(options: HttpOptions) -> Result<Http, ApiError> {
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .user_agent(concat!("telcreds/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| from_transport(&e))?;
        Ok(Http {
            client,
            options: Arc::new(options),
        })
    }

    /// The underlying client, for building requests.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends a request built by `make` (called again for each attempt), reads the body
    /// and classifies the answer; retries transient failures when `mode` allows it.
    ///
    /// A retried DELETE answered 404 after an earlier attempt got no clear answer
    /// (dropped connection, timeout, 5xx) counts as done: that attempt deleted it.
    pub async fn send(
        &self,
        make: impl Fn() -> reqwest::RequestBuilder,
        mode: RetryMode,
        classify: Classifier,
    ) -> Result<Answer, ApiError> {
        // Set once an attempt failed in a way that may have reached the server.
        let unanswered = AtomicBool::new(false);
        let attempt = || async {
            let earlier_unanswered = unanswered.load(Ordering::Relaxed);
            let result = self.attempt(make(), classify, earlier_unanswered).await;
            if let Err(e) = &result
                && may_have_been_applied(e)
            {
                unanswered.store(true, Ordering::Relaxed);
            }
            result
        };
        if mode == RetryMode::Never || self.options.max_retries == 0 {
            return attempt().await;
        }
        let backoff = ExponentialBuilder::default()
            .with_jitter()
            .with_min_delay(self.options.min_backoff)
            .with_max_delay(self.options.max_backoff)
            .with_max_times(self.options.max_retries);
        let max_retry_after = self.options.max_retry_after;
        attempt
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|e: &ApiError| match e {
                ApiError::RateLimited {
                    retry_after: Some(d),
                } => *d <= max_retry_after,
                e => e.is_retryable(),
            })
            .adjust(|e, next| match (e, next) {
                (_, None) => None,
                (
                    ApiError::RateLimited {
                        retry_after: Some(d),
                    },
                    Some(_),
                ) => Some(*d),
                (_, next) => next,
            })
            .notify(|e, after| tracing::info!(error = %e, ?after, "retrying request"))
            .await
    }

    async fn attempt(
        &self,
        request: reqwest::RequestBuilder,
        classify: Classifier,
        earlier_unanswered: bool,
    ) -> Result<Answer, ApiError> {
        let request = request.build().map_err(|e| from_transport(&e))?;
        let (method, path) = (request.method().clone(), request.url().path().to_string());
        let started = Instant::now();
        let mut result = self.execute(request, classify).await;
        let outcome = match &result {
            Ok(a) => a.status.to_string(),
            Err(e) => format!("{:?}", e.kind()),
        };
        tracing::debug!(%method, %path, %outcome, elapsed_ms = started.elapsed().as_millis() as u64, "request");
        if already_deleted(&method, earlier_unanswered, &result) {
            tracing::info!(%method, %path, "404 on a retried DELETE: an earlier attempt deleted it");
            result = Ok(Answer {
                status: 204,
                body: Vec::new(),
            });
        }
        result
    }

    async fn execute(
        &self,
        request: reqwest::Request,
        classify: Classifier,
    ) -> Result<Answer, ApiError> {
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|e| from_transport(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| from_transport(&e))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(ApiError::Decode {
                    status,
                    excerpt: format!("response larger than {} MiB", MAX_BODY_BYTES >> 20),
                });
            }
            body.extend_from_slice(&chunk);
        }
        match classify(status, &headers, &body) {
            Some(err) => Err(err),
            None => Ok(Answer { status, body }),
        }
    }
}

/// True when a failed attempt may still have been carried out by the server: the
/// connection dropped, the answer did not come in time, or the server failed
/// midway. A 429 or a 4xx was answered and means nothing was done.
fn may_have_been_applied(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Network { .. } | ApiError::Timeout | ApiError::Server { .. }
    )
}

/// A 404 on a DELETE retried after an attempt that may have been applied means that
/// attempt deleted the item: the DELETE succeeded.
fn already_deleted(
    method: &Method,
    earlier_unanswered: bool,
    result: &Result<Answer, ApiError>,
) -> bool {
    *method == Method::DELETE
        && earlier_unanswered
        && matches!(result, Err(ApiError::NotFound { .. }))
}

/// Percent-encodes an id as exactly one path segment (`/`, `?`, `#`, `%` and every
/// other byte outside the unreserved set are encoded). `.`, `..` and the empty id
/// are refused: URL parsers resolve them (even encoded) to another path.
pub(crate) fn seg(id: &str) -> Result<String, ApiError> {
    if matches!(id, "" | "." | "..") {
        return Err(ApiError::NotFound {
            message: format!("{id:?} is not a valid id"),
        });
    }
    Ok(id
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect())
}

/// Reads `Retry-After` given in seconds (the form the platforms use).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// A short, printable excerpt of a body for error messages, with the values of
/// secret-looking keys redacted.
pub fn excerpt(body: &[u8]) -> String {
    let text = super::redact::redact_json_text(&String::from_utf8_lossy(body));
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = flat.trim();
    if trimmed.is_empty() {
        return "empty body".into();
    }
    let mut out: String = trimmed.chars().take(120).collect();
    if trimmed.chars().count() > 120 {
        out.push('…');
    }
    out
}

/// Decodes a JSON body, mapping failure to [`ApiError::Decode`] with an excerpt.
pub fn decode<T: serde::de::DeserializeOwned>(answer: &Answer) -> Result<T, ApiError> {
    // serde's own message can quote a value, so only its category and position are kept.
    serde_json::from_slice(&answer.body).map_err(|e| ApiError::Decode {
        status: answer.status,
        excerpt: format!(
            "{:?} error at line {} column {} in: {}",
            e.classify(),
            e.line(),
            e.column(),
            excerpt(&answer.body)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_found() -> Result<Answer, ApiError> {
        Err(ApiError::NotFound {
            message: "Not Found".into(),
        })
    }

    #[test]
    fn a_404_after_an_unanswered_delete_means_it_was_deleted() {
        assert!(already_deleted(&Method::DELETE, true, &not_found()));
        assert!(!already_deleted(&Method::DELETE, false, &not_found()));
        assert!(!already_deleted(&Method::GET, true, &not_found()));
        let gone = Err(ApiError::Conflict {
            message: "in use".into(),
            dependants: Default::default(),
        });
        assert!(!already_deleted(&Method::DELETE, true, &gone));
        assert!(may_have_been_applied(&ApiError::Timeout));
        assert!(may_have_been_applied(&ApiError::Network {
            message: "connection reset".into()
        }));
        assert!(!may_have_been_applied(&ApiError::RateLimited {
            retry_after: None
        }));
    }

    #[test]
    fn ids_stay_one_path_segment() {
        assert_eq!(seg("../organizations").unwrap(), "..%2Forganizations");
        assert_eq!(seg("a b?c#d%e").unwrap(), "a%20b%3Fc%23d%25e");
        assert_eq!(
            seg("5b0f1a9e-0000-4000-8000-000000000001").unwrap(),
            "5b0f1a9e-0000-4000-8000-000000000001"
        );
        for bad in ["", ".", ".."] {
            assert!(seg(bad).is_err(), "{bad:?}");
        }
        let url = reqwest::Url::parse(&format!(
            "http://h/api/v1/providers/{}",
            seg("../../organizations").unwrap()
        ))
        .unwrap();
        assert_eq!(url.path(), "/api/v1/providers/..%2F..%2Forganizations");
    }
}

//! The shared HTTP layer: one reqwest client, timeouts, bounded body reads, and
//! retries with backoff and jitter for idempotent requests only.

#[cfg(test)]
use super::error::retry_after;
use super::error::{ApiError, from_transport};
use super::scrub::RequestSecrets;
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
    /// Longest time one paged list may take, every page included.
    pub list_time_budget: Duration,
    /// Most answer bytes one paged list may read, every page included.
    pub list_size_budget: usize,
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
            list_time_budget: Duration::from_secs(300),
            list_size_budget: 256 * 1024 * 1024,
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

/// A successful answer: status and the whole body, already cleaned of the secrets
/// that the request carried.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body bytes.
    pub body: Vec<u8>,
    /// True when the request was a change (not a GET): an answer that cannot be
    /// read then means the change may or may not have been applied.
    pub after_change: bool,
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
            // A redirect could carry a new token to another host, or downgrade to
            // plain http, or repeat a POST: none is followed, each is an error.
            .redirect(reqwest::redirect::Policy::none())
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
    ///
    /// Every error and every answer has been cleaned of the request's secrets
    /// ([`RequestSecrets`]) before anything (the retry log line included) sees it. A
    /// change (not a GET) that reached the server without a clear answer ends as
    /// [`ApiError::Unconfirmed`].
    pub async fn send(
        &self,
        make: impl Fn() -> reqwest::RequestBuilder,
        mode: RetryMode,
        classify: Classifier,
    ) -> Result<Answer, ApiError> {
        // Set once a change (not a read) may have reached the server.
        let change_reached = AtomicBool::new(false);
        let result = self
            .send_with_retries(&make, mode, classify, &change_reached)
            .await;
        match result {
            Err(e) if change_reached.load(Ordering::Relaxed) && may_have_been_applied(&e) => {
                Err(ApiError::Unconfirmed(Box::new(e)))
            }
            other => other,
        }
    }

    async fn send_with_retries(
        &self,
        make: &impl Fn() -> reqwest::RequestBuilder,
        mode: RetryMode,
        classify: Classifier,
        reached: &AtomicBool,
    ) -> Result<Answer, ApiError> {
        // Set once an attempt failed in a way that may have reached the server.
        let unanswered = AtomicBool::new(false);
        let attempt = || async {
            let earlier_unanswered = unanswered.load(Ordering::Relaxed);
            let result = self
                .attempt(make(), classify, earlier_unanswered, reached)
                .await;
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
        reached: &AtomicBool,
    ) -> Result<Answer, ApiError> {
        let request = request.build().map_err(|e| from_transport(&e))?;
        let secrets = RequestSecrets::of(&request);
        let (method, path) = (request.method().clone(), request.url().path().to_string());
        let started = Instant::now();
        let mut result = match self.execute(request, classify, reached).await {
            Ok(answer) => Ok(Answer {
                body: secrets.scrub_body(answer.body),
                ..answer
            }),
            Err(e) => Err(secrets.scrub_error(e)),
        };
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
                after_change: true,
            });
        }
        result
    }

    async fn execute(
        &self,
        request: reqwest::Request,
        classify: Classifier,
        reached: &AtomicBool,
    ) -> Result<Answer, ApiError> {
        let after_change = request.method() != Method::GET && request.method() != Method::HEAD;
        let mut response = self.client.execute(request).await.map_err(|e| {
            if after_change && !e.is_connect() {
                reached.store(true, Ordering::Relaxed);
            }
            from_transport(&e)
        })?;
        if after_change {
            reached.store(true, Ordering::Relaxed);
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if response.status().is_redirection() {
            return Err(redirect(status, &headers));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| from_transport(&e))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                let error = ApiError::Decode {
                    status,
                    excerpt: format!("response larger than {} MiB", MAX_BODY_BYTES >> 20),
                };
                // A change the platform took (2xx) whose answer cannot be read: what
                // it stored is unknown, never "failed".
                return Err(if after_change && (200..300).contains(&status) {
                    ApiError::Unconfirmed(Box::new(error))
                } else {
                    error
                });
            }
            body.extend_from_slice(&chunk);
        }
        match classify(status, &headers, &body) {
            Some(err) => Err(err),
            None => Ok(Answer {
                status,
                body,
                after_change,
            }),
        }
    }
}

/// The error for a 3xx answer, naming where it pointed.
fn redirect(status: u16, headers: &HeaderMap) -> ApiError {
    let location = headers
        .get(reqwest::header::LOCATION)
        .map(|l| {
            String::from_utf8_lossy(l.as_bytes())
                .chars()
                .take(200)
                .collect()
        })
        .unwrap_or_else(|| "nowhere".to_string());
    ApiError::Redirect { status, location }
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

/// Decodes a JSON body, mapping failure to [`ApiError::Decode`] with an excerpt; for
/// the answer to a change, to [`ApiError::Unconfirmed`]: the platform took the
/// request (2xx) but its answer does not say what it stored.
pub fn decode<T: serde::de::DeserializeOwned>(answer: &Answer) -> Result<T, ApiError> {
    // serde's own message can quote a value, so only its category and position are kept.
    serde_json::from_slice(&answer.body).map_err(|e| {
        let error = ApiError::Decode {
            status: answer.status,
            excerpt: format!(
                "{:?} error at line {} column {} in: {}",
                e.classify(),
                e.line(),
                e.column(),
                excerpt(&answer.body)
            ),
        };
        if answer.after_change {
            ApiError::Unconfirmed(Box::new(error))
        } else {
            error
        }
    })
}

/// Keeps one paged list within [`HttpOptions::list_time_budget`] and
/// [`HttpOptions::list_size_budget`].
#[derive(Debug)]
pub struct ListBudget {
    what: &'static str,
    started: Instant,
    bytes: usize,
    time: Duration,
    size: usize,
}

impl ListBudget {
    /// Starts the budget of one list of `what` ("SIP credentials").
    pub fn start(http: &Http, what: &'static str) -> ListBudget {
        ListBudget {
            what,
            started: Instant::now(),
            bytes: 0,
            time: http.options.list_time_budget,
            size: http.options.list_size_budget,
        }
    }

    /// Time left before the list must stop.
    pub fn time_left(&self) -> Duration {
        self.time.saturating_sub(self.started.elapsed())
    }

    /// The error when the time budget ran out.
    pub fn out_of_time(&self, pages: usize) -> ApiError {
        ApiError::LimitReached(format!(
            "stopped listing {} after {} s ({pages} page(s) read): the platform is too slow \
             or the list never ends",
            self.what,
            self.time.as_secs()
        ))
    }

    /// Counts one answer; an error once the answers together exceed the size budget.
    pub fn take(&mut self, answer: &Answer, pages: usize) -> Result<(), ApiError> {
        self.bytes += answer.body.len();
        if self.bytes > self.size {
            return Err(ApiError::LimitReached(format!(
                "stopped listing {} after {} MiB of answers ({pages} page(s) read): \
                 more than telcreds reads for one list",
                self.what,
                self.size >> 20
            )));
        }
        Ok(())
    }
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
    fn retry_after_is_read_in_seconds_or_as_an_http_date() {
        let header = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                reqwest::header::RETRY_AFTER,
                reqwest::header::HeaderValue::from_str(v).unwrap(),
            );
            h
        };
        assert_eq!(retry_after(&header(" 3 ")), Some(Duration::from_secs(3)));
        let in_10s = std::time::SystemTime::now() + Duration::from_secs(10);
        let date = httpdate::fmt_http_date(in_10s);
        let wait = retry_after(&header(&date)).expect("an HTTP date is honoured");
        assert!(
            (Duration::from_secs(8)..=Duration::from_secs(10)).contains(&wait),
            "{wait:?}"
        );
        // A date in the past means: now.
        let past = httpdate::fmt_http_date(std::time::SystemTime::UNIX_EPOCH);
        assert_eq!(retry_after(&header(&past)), Some(Duration::ZERO));
        // The obsolete forms of an HTTP date are valid too.
        assert_eq!(
            retry_after(&header("Sunday, 06-Nov-94 08:49:37 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&header("soon")), None);
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

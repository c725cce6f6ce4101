//! The one error type every platform call returns, in words a user can act on.

use crate::domain::Dependants;
use crate::domain::validate::FieldError;
use std::time::Duration;

/// What went wrong talking to a platform.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The token was missing, wrong or expired.
    #[error("unauthorized: {message} (check the profile's token)")]
    Unauthorized {
        /// What the platform said.
        message: String,
    },
    /// The token is valid but may not do this (or the org handle is not ours).
    #[error("forbidden: {message}")]
    Forbidden {
        /// What the platform said.
        message: String,
    },
    /// The item does not exist (any more).
    #[error("not found: {message}")]
    NotFound {
        /// What the platform said.
        message: String,
    },
    /// Something still depends on the item.
    #[error("conflict: {message}{}", describe_dependants(dependants))]
    Conflict {
        /// What the platform said.
        message: String,
        /// What depends on the item, when the platform listed it.
        dependants: Dependants,
    },
    /// The platform refused the fields it was sent.
    #[error("{message}{}", describe_fields(message, fields))]
    Validation {
        /// What the platform (or the local check) said about the request as a whole.
        message: String,
        /// The problem with each field, keyed like [`crate::domain::validate::field`].
        fields: Vec<FieldError>,
    },
    /// Too many requests; the platform asked to wait.
    #[error("rate limited by the platform{}", describe_retry(retry_after))]
    RateLimited {
        /// How long the platform asked to wait (`Retry-After`), if it said.
        retry_after: Option<Duration>,
    },
    /// The platform failed (5xx).
    #[error("platform error (HTTP {status}): {message}")]
    Server {
        /// The HTTP status (5xx).
        status: u16,
        /// What the platform said.
        message: String,
    },
    /// The request never got an answer: DNS, connect, reset.
    #[error("network error: {message}")]
    Network {
        /// What failed, from the HTTP client's error chain.
        message: String,
    },
    /// No answer in time.
    #[error("timed out waiting for the platform")]
    Timeout,
    /// The answer could not be read as the expected JSON.
    #[error("could not decode the platform's answer (HTTP {status}): {excerpt}")]
    Decode {
        /// The HTTP status of the answer.
        status: u16,
        /// What was wrong, with a redacted excerpt of the body.
        excerpt: String,
    },
    /// The platform answered with a redirect, which telcreds never follows: a secret
    /// must reach no other host, and no request is sent twice.
    #[error(
        "the platform answered HTTP {status} redirecting to {location}; telcreds follows no redirects \
         (check the profile's base_url)"
    )]
    Redirect {
        /// The HTTP status (3xx).
        status: u16,
        /// Where it pointed (`Location`), or "nowhere".
        location: String,
    },
    /// A change was sent, but the answer does not say whether it was applied:
    /// timeout, dropped connection, 5xx, or a 2xx that could not be read.
    #[error(
        "the change may or may not have been applied ({0}): check the item before trying again"
    )]
    Unconfirmed(Box<ApiError>),
    /// A list went past telcreds' overall limit on time or size of answers.
    #[error("{0}")]
    LimitReached(String),
    /// The platform has no such operation (e.g. SIP credentials on Unpod).
    #[error("{0}")]
    Unsupported(String),
    /// Any other client error the platform sent.
    #[error("HTTP {status}: {message}")]
    Other {
        /// The HTTP status.
        status: u16,
        /// What the platform said.
        message: String,
    },
}

fn describe_dependants(d: &Dependants) -> String {
    let lines = d.describe();
    if lines.is_empty() {
        String::new()
    } else {
        format!(" (used by: {})", lines.join("; "))
    }
}

/// The field problems after `message`; a field whose message `message` already says
/// is named without repeating it.
pub fn describe_fields(message: &str, fields: &[FieldError]) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = fields
        .iter()
        .map(|f| {
            let said = f.message.trim();
            if !said.is_empty() && message.contains(said) {
                f.field.clone()
            } else {
                f.to_string()
            }
        })
        .collect();
    format!(" ({})", parts.join("; "))
}

fn describe_retry(after: &Option<Duration>) -> String {
    match after {
        Some(d) => format!(" (retry after {} s)", d.as_secs().max(1)),
        None => String::new(),
    }
}

/// Coarse classes of errors, for exit codes and for deciding what to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401/403.
    Auth,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 400/422/206 with field problems.
    Validation,
    /// 429 or a timeout: try again later.
    Transient,
    /// A change was sent and may or may not have been applied.
    Unconfirmed,
    /// Refused by telcreds before anything was sent.
    Refused,
    /// A change of several steps did not reach every target: the rotation is not
    /// finished.
    Incomplete,
    /// Cancelled by the user (ctrl-c) before anything was changed.
    Interrupted,
    /// Cannot be done this way: the platform has no such operation, or the
    /// profile's set-up is wrong.
    Usage,
    /// Everything else.
    Other,
}

impl ApiError {
    /// The class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => ErrorKind::Auth,
            ApiError::NotFound { .. } => ErrorKind::NotFound,
            ApiError::Conflict { .. } => ErrorKind::Conflict,
            ApiError::Validation { .. } => ErrorKind::Validation,
            ApiError::RateLimited { .. } | ApiError::Timeout => ErrorKind::Transient,
            ApiError::Unconfirmed(_) => ErrorKind::Unconfirmed,
            ApiError::Unsupported(_) => ErrorKind::Usage,
            _ => ErrorKind::Other,
        }
    }

    /// True when repeating an idempotent request may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ApiError::RateLimited { .. }
                | ApiError::Server { .. }
                | ApiError::Network { .. }
                | ApiError::Timeout
        )
    }

    /// Field errors to show next to form fields, if any.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Validation { fields, .. } => fields,
            _ => &[],
        }
    }

    /// The same error with every occurrence of `secrets` in its texts replaced by
    /// `[redacted]`.
    pub fn scrubbed(&self, secrets: &[&crate::secret::Secret]) -> ApiError {
        self.clone()
            .map_texts(|text| crate::secret::scrub(text, secrets))
    }

    /// The same error with `f` applied to every text that came from outside
    /// (the platform's messages, excerpts, a redirect's target).
    pub fn map_texts(self, f: impl Fn(&str) -> String) -> ApiError {
        self.map_texts_with(&f)
    }

    fn map_texts_with(self, s: &dyn Fn(&str) -> String) -> ApiError {
        match self {
            ApiError::Unauthorized { message } => ApiError::Unauthorized {
                message: s(&message),
            },
            ApiError::Forbidden { message } => ApiError::Forbidden {
                message: s(&message),
            },
            ApiError::NotFound { message } => ApiError::NotFound {
                message: s(&message),
            },
            ApiError::Conflict {
                message,
                dependants,
            } => ApiError::Conflict {
                message: s(&message),
                dependants,
            },
            ApiError::Validation { message, fields } => ApiError::Validation {
                message: s(&message),
                fields: fields
                    .into_iter()
                    .map(|f| FieldError {
                        message: s(&f.message),
                        ..f
                    })
                    .collect(),
            },
            ApiError::Server { status, message } => ApiError::Server {
                status,
                message: s(&message),
            },
            ApiError::Network { message } => ApiError::Network {
                message: s(&message),
            },
            ApiError::Decode { status, excerpt } => ApiError::Decode {
                status,
                excerpt: s(&excerpt),
            },
            ApiError::Redirect { status, location } => ApiError::Redirect {
                status,
                location: s(&location),
            },
            ApiError::Unconfirmed(cause) => {
                ApiError::Unconfirmed(Box::new(cause.map_texts_with(s)))
            }
            ApiError::LimitReached(m) => ApiError::LimitReached(s(&m)),
            ApiError::Unsupported(m) => ApiError::Unsupported(s(&m)),
            ApiError::Other { status, message } => ApiError::Other {
                status,
                message: s(&message),
            },
            other @ (ApiError::RateLimited { .. } | ApiError::Timeout) => other,
        }
    }

    /// True when a change was sent but whether the platform applied it is unknown.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, ApiError::Unconfirmed(_))
    }

    /// A local refusal of the request as a whole (no field to blame).
    pub fn local_validation_message(message: impl Into<String>) -> Self {
        ApiError::Validation {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A validation error raised locally, before any call.
    pub fn local_validation(fields: Vec<FieldError>) -> Self {
        ApiError::Validation {
            message: "invalid input".into(),
            fields,
        }
    }
}

/// What a platform said in an error answer, before its status classifies it.
#[derive(Debug, Default)]
pub(crate) struct ErrorBody {
    /// The platform's message.
    pub message: String,
    /// Field problems, if it listed any.
    pub fields: Vec<FieldError>,
    /// What depends on the item, for a conflict.
    pub dependants: Dependants,
}

impl ApiError {
    /// Classifies an error answer by its HTTP status (the same for every platform).
    pub(crate) fn from_status(
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: ErrorBody,
    ) -> Self {
        let ErrorBody {
            message,
            fields,
            dependants,
        } = body;
        match status {
            400 | 422 => ApiError::Validation { message, fields },
            401 => ApiError::Unauthorized { message },
            403 => ApiError::Forbidden { message },
            404 => ApiError::NotFound { message },
            409 => ApiError::Conflict {
                message,
                dependants,
            },
            429 => ApiError::RateLimited {
                retry_after: retry_after(headers),
            },
            500..=599 => ApiError::Server { status, message },
            _ => ApiError::Other { status, message },
        }
    }
}

/// Maps a reqwest transport error (no HTTP status) to an [`ApiError`].
pub(crate) fn from_transport(err: &reqwest::Error) -> ApiError {
    if err.is_timeout() {
        return ApiError::Timeout;
    }
    if let Some(cause) = connect_cause(err) {
        return ApiError::Network { message: cause };
    }
    // reqwest's Display names the URL; URLs never carry secrets here (tokens go in headers).
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    ApiError::Network { message }
}

/// What stopped a connection, as `doctor` says it ("nothing answers at
/// 127.0.0.1:9 (connection refused)"), when the error chain holds an I/O error of
/// a kind that names it.
fn connect_cause(err: &reqwest::Error) -> Option<String> {
    let url = err.url()?;
    let at = format!(
        "{}:{}",
        url.host_str()?,
        url.port_or_known_default().unwrap_or_default()
    );
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            return match io.kind() {
                ConnectionRefused => Some(format!("nothing answers at {at} (connection refused)")),
                ConnectionReset | ConnectionAborted => {
                    Some(format!("{at} closed the connection ({io})"))
                }
                HostUnreachable | NetworkUnreachable => {
                    Some(format!("{at} cannot be reached ({io})"))
                }
                _ => None,
            };
        }
        source = s.source();
    }
    None
}

impl From<crate::domain::Unreplaceable> for ApiError {
    fn from(blocked: crate::domain::Unreplaceable) -> ApiError {
        ApiError::Decode {
            status: 200,
            excerpt: blocked.excerpt(),
        }
    }
}

impl crate::journal::StepError for ApiError {
    fn outcome_unknown(&self) -> bool {
        ApiError::outcome_unknown(self)
    }
}

/// Reads `Retry-After`, in seconds (the form the platforms use) or as an HTTP date
/// (how long until then; a date already past means now). Whether the wait is short
/// enough to honour is the caller's decision (`max_retry_after`).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<std::time::Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(std::time::Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(std::time::Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well() {
        let e = ApiError::Validation {
            message: "One or more validation errors occurred.".into(),
            fields: vec![FieldError::new("auth_token", "must be 32 hex digits")],
        };
        assert_eq!(
            e.to_string(),
            "One or more validation errors occurred. (auth_token: must be 32 hex digits)"
        );
        // A field error that repeats the message is not repeated.
        let twilio = ApiError::Validation {
            message: "Twilio credentials rejected: Authentication Error - invalid username (20003)"
                .into(),
            fields: vec![
                FieldError::new(
                    "auth_token",
                    "Authentication Error - invalid username (20003)",
                ),
                FieldError::new("region", "unknown region"),
            ],
        };
        assert_eq!(
            twilio.to_string(),
            "Twilio credentials rejected: Authentication Error - invalid username (20003) \
             (auth_token; region: unknown region)"
        );
        let r = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        };
        assert_eq!(
            r.to_string(),
            "rate limited by the platform (retry after 3 s)"
        );
        assert_eq!(r.kind(), ErrorKind::Transient);
    }
}

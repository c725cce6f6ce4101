//! Direct Twilio credential check: fetch the account with basic auth. Valid only on
//! 200, the same `sid`, and `status == "active"`.

use super::error::{ApiError, ErrorBody};
use super::http::{Http, RetryMode, decode, seg};
use super::wire::lenient_string;
use crate::domain::{CheckStatus, VerificationStatus};
use crate::history::{CheckRecord, Record, Source, TWILIO_CHECK};
use crate::secret::Secret;
use chrono::Utc;
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

/// What Twilio said about an Account SID + auth token pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum TwilioVerdict {
    /// The pair works and the account is active.
    Valid {
        /// The account's friendly name.
        friendly_name: Option<String>,
    },
    /// The pair does not work, or the account is not active; the reason says which.
    Rejected {
        /// Twilio's reason, e.g. "Authentication Error - invalid username (20003)".
        reason: String,
    },
}

impl TwilioVerdict {
    /// The history record of this check, made by telcreds now.
    pub fn record(&self) -> Record {
        let (status, check, message) = match self {
            TwilioVerdict::Valid { friendly_name } => (
                VerificationStatus::Verified,
                CheckStatus::Passed,
                match friendly_name {
                    Some(n) => format!("Twilio accepted the credentials for account \"{n}\""),
                    None => "Twilio accepted the credentials".to_string(),
                },
            ),
            TwilioVerdict::Rejected { reason } => (
                VerificationStatus::Failed,
                CheckStatus::Failed,
                format!("Twilio rejected the credentials: {reason}"),
            ),
        };
        Record {
            time: Utc::now(),
            source: Source::Twilio,
            status,
            checks: vec![CheckRecord {
                name: TWILIO_CHECK.into(),
                status: check,
                message,
            }],
        }
    }
}

/// Checks an Account SID + auth token directly with Twilio at `base`.
pub async fn check_credentials(
    http: &Http,
    base: &str,
    account_sid: &str,
    token: &Secret,
) -> Result<TwilioVerdict, ApiError> {
    let sid = account_sid.trim();
    let url = match account_url(base, sid) {
        Ok(url) => url,
        Err(_) => {
            return Ok(TwilioVerdict::Rejected {
                reason: format!("{sid:?} is not an Account SID"),
            });
        }
    };
    let make = || {
        http.client()
            .get(&url)
            .basic_auth(sid, Some(token.expose().trim()))
    };
    let answer = match http.send(make, RetryMode::Idempotent, classify).await {
        Ok(a) => a,
        Err(ApiError::Unauthorized { message } | ApiError::NotFound { message }) => {
            return Ok(TwilioVerdict::Rejected { reason: message });
        }
        Err(e) => return Err(e),
    };
    // The account body echoes the auth token: decode only the fields we need.
    let account: Account = decode(&answer)?;
    let status = account.status.unwrap_or_default();
    Ok(if account.sid.as_deref() != Some(sid) {
        TwilioVerdict::Rejected {
            reason: "Twilio answered for a different account".into(),
        }
    } else if status != "active" {
        TwilioVerdict::Rejected {
            reason: format!("the Twilio account is {status}, not active"),
        }
    } else {
        TwilioVerdict::Valid {
            friendly_name: account.friendly_name,
        }
    })
}

/// Whether Twilio's API answers at `base`: a `GET /2010-04-01/Accounts.json` without
/// credentials, which Twilio answers 401. Any other answer or failure is returned.
pub async fn reachable(http: &Http, base: &str) -> Result<(), ApiError> {
    let url = format!("{}/2010-04-01/Accounts.json", base.trim_end_matches('/'));
    match http
        .send(|| http.client().get(&url), RetryMode::Never, classify)
        .await
    {
        Ok(_) | Err(ApiError::Unauthorized { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// `{base}/2010-04-01/Accounts/{sid}.json`, the SID percent-encoded as one segment.
fn account_url(base: &str, sid: &str) -> Result<String, ApiError> {
    Ok(format!(
        "{}/2010-04-01/Accounts/{}.json",
        base.trim_end_matches('/'),
        seg(sid)?
    ))
}

#[derive(Deserialize)]
struct Account {
    #[serde(default, deserialize_with = "lenient_string")]
    sid: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    friendly_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TwilioError {
    #[serde(deserialize_with = "lenient_string")]
    code: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    message: Option<String>,
}

/// Twilio's code when a secondary auth token already exists (answered with 400).
pub const SECONDARY_EXISTS: &str = "70002";

/// Turns a Twilio answer into an error when it is one (`{code, message}` shape).
/// Code [`SECONDARY_EXISTS`] is a conflict, whatever its status.
pub(crate) fn classify(status: u16, headers: &HeaderMap, body: &[u8]) -> Option<ApiError> {
    if (200..300).contains(&status) {
        return None;
    }
    let e: TwilioError = serde_json::from_slice(body).unwrap_or_default();
    if e.code.as_deref() == Some(SECONDARY_EXISTS) {
        let message = e.message.unwrap_or_default();
        return Some(ApiError::Conflict {
            message: format!("{message} ({SECONDARY_EXISTS})"),
            dependants: Default::default(),
        });
    }
    let mut message = e.message.unwrap_or_else(|| format!("HTTP {status}"));
    if let Some(code) = e.code {
        message = format!("{message} ({code})");
    }
    // Twilio answers a wrong pair with 401 and a forbidden one with 403: both mean
    // the credentials do not work.
    let status = if status == 403 { 401 } else { status };
    let body = ErrorBody {
        message,
        ..ErrorBody::default()
    };
    Some(ApiError::from_status(status, headers, body))
}

#[cfg(test)]
mod tests {
    #[test]
    fn twilio_verdicts_become_records() {
        let ok = TwilioVerdict::Valid {
            friendly_name: Some("Acme".into()),
        }
        .record();
        assert_eq!(
            (ok.source, ok.status, ok.checks[0].status.clone()),
            (
                Source::Twilio,
                VerificationStatus::Verified,
                CheckStatus::Passed
            )
        );
        let no = TwilioVerdict::Rejected {
            reason: "bad (20003)".into(),
        }
        .record();
        assert_eq!(no.status, VerificationStatus::Failed);
        assert!(no.checks[0].message.contains("20003"));
    }

    use super::*;

    #[test]
    fn the_sid_stays_one_path_segment() {
        assert_eq!(
            account_url("https://api.twilio.com/", "AC1").unwrap(),
            "https://api.twilio.com/2010-04-01/Accounts/AC1.json"
        );
        let url = account_url("https://api.twilio.com", "../../Accounts?x=1#").unwrap();
        assert_eq!(
            url,
            "https://api.twilio.com/2010-04-01/Accounts/..%2F..%2FAccounts%3Fx%3D1%23.json"
        );
        assert_eq!(
            reqwest::Url::parse(&url).unwrap().path(),
            "/2010-04-01/Accounts/..%2F..%2FAccounts%3Fx%3D1%23.json"
        );
    }
}

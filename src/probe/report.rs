//! What a probe found: one check per step (resolve, reach, authenticate), each with
//! its status, a message, its timing and details; stored in the verification history
//! of the credential beside the platform's checks.

use crate::domain::{CheckStatus, VerificationStatus};
use crate::history::{CheckRecord, Record, Source};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::time::Duration;

/// The steps, by name.
pub mod step {
    /// DNS: the server's addresses.
    pub const RESOLVE: &str = "resolve";
    /// A SIP OPTIONS answered.
    pub const REACH: &str = "reach";
    /// A query-only REGISTER answering the digest challenge.
    pub const AUTHENTICATE: &str = "authenticate";
}

/// One step's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeCheck {
    /// [`step`] name.
    pub name: &'static str,
    /// Passed, warning (inconclusive), failed or skipped.
    pub status: CheckStatus,
    /// What was found, in words.
    pub message: String,
    /// How long the step took.
    #[serde(serialize_with = "millis")]
    pub elapsed: Duration,
    /// Facts for the curious: addresses tried, response codes, the server's agent.
    pub details: serde_json::Value,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0)
}

impl ProbeCheck {
    /// A step that did not run, and why.
    pub fn skipped(name: &'static str, why: impl Into<String>) -> ProbeCheck {
        ProbeCheck {
            name,
            status: CheckStatus::Skipped,
            message: why.into(),
            elapsed: Duration::ZERO,
            details: serde_json::Value::Null,
        }
    }
}

/// Every step of one probe of one SIP credential.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeReport {
    /// The credential.
    pub credential_id: String,
    /// Its name as shown.
    pub credential_name: String,
    /// Its server, as written.
    pub server: String,
    /// udp, tcp or tls.
    pub transport: String,
    /// When it ran.
    pub time: DateTime<Utc>,
    /// The steps, in order.
    pub checks: Vec<ProbeCheck>,
}

impl ProbeReport {
    /// Failed when a step failed, warning when one was inconclusive, verified
    /// otherwise (skipped steps do not count).
    pub fn status(&self) -> VerificationStatus {
        let has = |s: CheckStatus| self.checks.iter().any(|c| c.status == s);
        if has(CheckStatus::Failed) {
            VerificationStatus::Failed
        } else if has(CheckStatus::Warning) {
            VerificationStatus::Warning
        } else {
            VerificationStatus::Verified
        }
    }

    /// The history record: source `probe`, one check per step.
    pub fn record(&self) -> Record {
        Record {
            time: self.time,
            source: Source::Probe,
            status: self.status(),
            checks: self
                .checks
                .iter()
                .map(|c| CheckRecord {
                    name: c.name.to_string(),
                    status: c.status.clone(),
                    message: c.message.clone(),
                })
                .collect(),
        }
    }
}

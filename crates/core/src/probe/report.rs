//! What a probe found: one check per step (resolve, reach, authenticate), each with
//! its status, a message, its timing and details; stored in the verification history
//! of the credential beside the platform's checks.

use crate::domain::time::serialize_millis;
use crate::domain::{CheckStatus, VerificationStatus};
use crate::history::{CheckRecord, Record, Source};
use chrono::{DateTime, Utc};
use serde::ser::{Serialize, SerializeStruct, Serializer};
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
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProbeCheck {
    /// [`step`] name.
    pub name: &'static str,
    /// Passed, warning (inconclusive), failed or skipped.
    pub status: CheckStatus,
    /// What was found, in words.
    pub message: String,
    /// How long the step took (`elapsed_ms` in JSON, whole milliseconds).
    #[serde(rename = "elapsed_ms", serialize_with = "serialize_millis")]
    pub elapsed: Duration,
    /// Facts for the curious: addresses tried, response codes, the server's agent.
    pub details: serde_json::Value,
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

/// Every step of one probe of one SIP credential. In JSON, also its overall
/// `status` and whether the password was checked (`password_checked`).
#[derive(Debug, Clone, PartialEq)]
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

    /// False when the authenticate step was skipped (no `--register`, or no
    /// password to check).
    pub fn password_checked(&self) -> bool {
        !self
            .checks
            .iter()
            .any(|c| c.name == step::AUTHENTICATE && c.status == CheckStatus::Skipped)
    }

    /// The overall result in words, as the CLI and the UI say it: the status,
    /// except that a probe that passed without checking the password says so
    /// (`reachable; password not checked`, never `verified`).
    pub fn verdict(&self) -> String {
        verdict(&self.status(), self.password_checked())
    }

    /// [`ProbeReport::verdict`] after the status symbol: `✓ verified`.
    pub fn headline(&self) -> String {
        format!("{} {}", self.status().symbol(), self.verdict())
    }

    /// The step that decided the result: the first that neither passed nor was
    /// skipped, else the last that passed.
    pub fn decisive_check(&self) -> Option<&ProbeCheck> {
        let passed = |c: &&ProbeCheck| c.status == CheckStatus::Passed;
        self.checks
            .iter()
            .find(|c| !matches!(c.status, CheckStatus::Passed | CheckStatus::Skipped))
            .or_else(|| self.checks.iter().rev().find(passed))
    }

    /// [`ProbeReport::headline`] of a probe read back from the history.
    pub fn headline_of(record: &Record) -> String {
        let skipped = record
            .checks
            .iter()
            .any(|c| c.name == step::AUTHENTICATE && c.status == CheckStatus::Skipped);
        format!(
            "{} {}",
            record.status.symbol(),
            verdict(&record.status, !skipped)
        )
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

/// `verified`, `failed`, … or, for a passed probe that did not check the
/// password, `reachable; password not checked`.
fn verdict(status: &VerificationStatus, password_checked: bool) -> String {
    if *status == VerificationStatus::Verified && !password_checked {
        "reachable; password not checked".to_string()
    } else {
        status.to_string()
    }
}

impl Serialize for ProbeReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut json = s.serialize_struct("ProbeReport", 8)?;
        json.serialize_field("status", &self.status())?;
        json.serialize_field("password_checked", &self.password_checked())?;
        json.serialize_field("credential_id", &self.credential_id)?;
        json.serialize_field("credential_name", &self.credential_name)?;
        json.serialize_field("server", &self.server)?;
        json.serialize_field("transport", &self.transport)?;
        json.serialize_field("time", &self.time)?;
        json.serialize_field("checks", &self.checks)?;
        json.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &'static str, status: CheckStatus) -> ProbeCheck {
        ProbeCheck {
            name,
            status,
            message: String::new(),
            elapsed: Duration::from_micros(1_010_400),
            details: serde_json::Value::Null,
        }
    }

    fn report(authenticate: CheckStatus) -> ProbeReport {
        ProbeReport {
            credential_id: "sip-1".into(),
            credential_name: "trunk".into(),
            server: "sip.test".into(),
            transport: "udp".into(),
            time: Utc::now(),
            checks: vec![
                check(step::RESOLVE, CheckStatus::Passed),
                check(step::REACH, CheckStatus::Passed),
                check(step::AUTHENTICATE, authenticate),
            ],
        }
    }

    #[test]
    fn a_probe_that_did_not_check_the_password_says_so() {
        let reach_only = report(CheckStatus::Skipped);
        assert_eq!(reach_only.status(), VerificationStatus::Verified);
        assert_eq!(reach_only.headline(), "✓ reachable; password not checked");
        assert_eq!(
            ProbeReport::headline_of(&reach_only.record()),
            reach_only.headline()
        );
        assert_eq!(report(CheckStatus::Passed).headline(), "✓ verified");
        assert_eq!(report(CheckStatus::Warning).headline(), "! warning");
        assert_eq!(report(CheckStatus::Failed).headline(), "✗ failed");
    }

    #[test]
    fn json_has_the_overall_status_and_milliseconds() {
        let json = serde_json::to_value(report(CheckStatus::Skipped)).unwrap();
        assert_eq!(json["status"], "verified");
        assert_eq!(json["password_checked"], false);
        assert_eq!(json["credential_id"], "sip-1");
        assert_eq!(json["checks"][0]["elapsed_ms"], 1010);
        assert!(json["checks"][0].get("elapsed").is_none(), "{json}");
        let json = serde_json::to_value(report(CheckStatus::Failed)).unwrap();
        assert_eq!(json["status"], "failed");
        assert_eq!(json["password_checked"], true);
    }
}

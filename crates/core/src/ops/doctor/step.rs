//! One line of a doctor report: what was checked, how it went, and how to fix it.

use crate::domain::CheckStatus;
use crate::domain::time::serialize_millis;
use crate::secret::Secret;
use serde::Serialize;
use std::time::Duration;

/// One checked step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The profile it is about; `None` for the config file.
    pub profile: Option<String>,
    /// What was checked: `config`, `token source`, `GET providers`, …
    pub step: String,
    /// Passed, warning, failed, or skipped (with why in the message).
    pub status: CheckStatus,
    /// What was found, in one line.
    pub message: String,
    /// How to fix it, in one line, when it did not pass.
    pub fix: Option<String>,
    /// How long it took.
    #[serde(rename = "elapsed_ms", serialize_with = "serialize_millis")]
    pub elapsed: Duration,
}

impl Step {
    fn new(step: &str, status: CheckStatus, message: impl Into<String>) -> Step {
        Step {
            profile: None,
            step: step.to_string(),
            status,
            message: message.into(),
            fix: None,
            elapsed: Duration::ZERO,
        }
    }

    /// A step that passed.
    pub fn passed(step: &str, message: impl Into<String>) -> Step {
        Step::new(step, CheckStatus::Passed, message)
    }

    /// A step that works, with something worth fixing.
    pub fn warning(step: &str, message: impl Into<String>, fix: impl Into<String>) -> Step {
        Step::new(step, CheckStatus::Warning, message).with_fix(fix)
    }

    /// A step that failed.
    pub fn failed(step: &str, message: impl Into<String>, fix: impl Into<String>) -> Step {
        Step::new(step, CheckStatus::Failed, message).with_fix(fix)
    }

    /// A step that could not run, and why.
    pub fn skipped(step: &str, why: impl Into<String>) -> Step {
        Step::new(step, CheckStatus::Skipped, why)
    }

    /// The same step with a fix.
    pub fn with_fix(mut self, fix: impl Into<String>) -> Step {
        self.fix = Some(fix.into());
        self
    }

    /// The same step, timed.
    pub fn took(mut self, elapsed: Duration) -> Step {
        self.elapsed = elapsed;
        self
    }

    /// Removes `secret` from every text, and makes them printable on one line.
    pub(super) fn scrub(&mut self, secret: &Secret) {
        self.message = clean(&self.message, secret);
        self.fix = self.fix.as_deref().map(|f| clean(f, secret));
    }
}

/// `text` without `secret`, on one printable line.
fn clean(text: &str, secret: &Secret) -> String {
    let scrubbed = crate::secret::scrub(text, &[secret]);
    crate::text::printable(&scrubbed.replace(['\n', '\r'], " ")).into_owned()
}

/// Every step of a doctor run, in order: the config file, then each profile's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The steps.
    pub steps: Vec<Step>,
}

/// A duration as people read it: `12 ms`, `3.2 s`, `10 s`.
pub(super) fn human(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

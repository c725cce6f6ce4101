//! The calls in flight on the current profile, by job id, and the verifications
//! among them.

use crate::tui::runtime::effect::Request;
use std::collections::{HashMap, HashSet};

/// Calls in flight.
#[derive(Default)]
pub struct Calls {
    /// Calls in flight, by job id.
    pub jobs: HashMap<u64, Request>,
    /// The last job id given.
    pub(super) next_job: u64,
    /// Providers being verified right now.
    pub verifying: HashSet<String>,
    /// The tally of a verification of several providers, while it runs.
    pub(super) verify_batch: Option<VerifyTally>,
}

/// How a verification of several providers is going, by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct VerifyTally {
    pub(super) verified: usize,
    pub(super) warning: usize,
    pub(super) failed: usize,
    pub(super) not_run: usize,
}

impl VerifyTally {
    /// One line: "verified 8 providers: 3 ✓ verified, 2 ! warning, 3 ✗ failed".
    pub(super) fn summary(&self) -> String {
        let total = self.verified + self.warning + self.failed + self.not_run;
        let mut parts = vec![format!("{} ✓ verified", self.verified)];
        for (n, what) in [
            (self.warning, "! warning"),
            (self.failed, "✗ failed"),
            (self.not_run, "could not be verified"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        format!("verified {total} providers: {}", parts.join(", "))
    }

    /// True when any did not pass.
    pub(super) fn bad(&self) -> bool {
        self.failed + self.not_run > 0
    }
}

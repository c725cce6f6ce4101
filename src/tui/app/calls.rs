//! The calls in flight on the current profile, by job id, and the verifications
//! among them.

use crate::domain::{VerificationResult, VerificationStatus};
use crate::ops::Error;
use crate::tui::runtime::effect::Request;
use std::collections::{HashMap, HashSet};

/// Calls in flight.
#[derive(Default)]
pub struct Calls {
    /// Calls in flight, by job id.
    pub jobs: HashMap<u64, Request>,
    /// The last job id given.
    next_job: u64,
    /// Providers being verified right now.
    pub verifying: HashSet<String>,
    /// The tally of a verification of several providers, while it runs.
    verify_batch: Option<VerifyTally>,
}

impl Calls {
    /// A new job id, never given before (for work that is not a call, too: a
    /// rotation, a check, a `:doctor` run).
    pub(super) fn next_id(&mut self) -> u64 {
        self.next_job += 1;
        self.next_job
    }

    /// Records `request` as in flight under a new job id, which it returns.
    pub(super) fn begin(&mut self, request: Request) -> u64 {
        let job = self.next_id();
        self.jobs.insert(job, request);
        job
    }

    /// True while job `job` is in flight.
    pub(super) fn is_running(&self, job: u64) -> bool {
        self.jobs.contains_key(&job)
    }

    /// Job `job` answered: it is no longer in flight. False when it was not (an
    /// answer for a job forgotten since).
    pub(super) fn finish(&mut self, job: u64) -> bool {
        self.jobs.remove(&job).is_some()
    }

    /// The number of calls in flight.
    pub(super) fn len(&self) -> usize {
        self.jobs.len()
    }

    /// True when a call in flight is one that `which` picks.
    pub(super) fn any(&self, which: impl Fn(&Request) -> bool) -> bool {
        self.jobs.values().any(which)
    }

    /// Forgets every call in flight (another profile is shown: their answers will
    /// be dropped), and a verification batch among them.
    pub(super) fn forget(&mut self) {
        self.jobs.clear();
        self.verifying.clear();
        self.verify_batch = None;
    }

    /// Starts counting the outcomes of a verification of several providers.
    pub(super) fn verify_batch(&mut self) {
        self.verify_batch = Some(VerifyTally::default());
    }

    /// Provider `id` is to be verified; false when it is already being verified.
    pub(super) fn verify(&mut self, id: String) -> bool {
        self.verifying.insert(id)
    }

    /// The verification of provider `id` answered `result`: counted in the batch,
    /// whose tally is returned once its last provider has answered.
    pub(super) fn verified(
        &mut self,
        id: &str,
        result: &Result<VerificationResult, Error>,
    ) -> Option<VerifyTally> {
        self.verifying.remove(id);
        if let Some(tally) = self.verify_batch.as_mut() {
            tally.count(result);
        }
        if self.verifying.is_empty() {
            self.verify_batch.take()
        } else {
            None
        }
    }
}

/// How a verification of several providers is going, by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct VerifyTally {
    verified: usize,
    warning: usize,
    failed: usize,
    not_run: usize,
}

impl VerifyTally {
    /// Counts one provider's outcome.
    fn count(&mut self, result: &Result<VerificationResult, Error>) {
        match result {
            Ok(r) if r.status == VerificationStatus::Verified => self.verified += 1,
            Ok(r) if r.status == VerificationStatus::Failed => self.failed += 1,
            Ok(_) => self.warning += 1,
            Err(_) => self.not_run += 1,
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_cut_short_by_a_profile_switch_is_never_reported_later() {
        let mut calls = Calls::default();
        let not_run = Err(Error::Refused("gone".into()));
        calls.verify_batch();
        assert!(calls.verify("a".into()) && calls.verify("b".into()));
        assert_eq!(calls.verified("a", &not_run), None, "b is still running");
        // Another profile is shown: b's answer will be dropped.
        calls.forget();
        // A single verification there is no batch: no stale tally comes back.
        assert!(calls.verify("c".into()));
        assert_eq!(calls.verified("c", &not_run), None);
    }
}

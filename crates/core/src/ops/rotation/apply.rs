//! Steps 4–6: replace the token on every target concurrently, verify where the
//! platform can, and record every step.

use super::check::CheckedToken;
use super::plan::{Disposition, Plan, RotationTarget};
use super::report::{Report, Stage, TargetOutcome, TargetResult};
use crate::api::ApiError;
use crate::history::{History, Record};
use crate::journal::{Action, Journal, JournalEntry, JournalTarget, TargetKind};
use crate::ops::warning::{Warning, write_history, write_journal};
use futures_util::StreamExt;
use futures_util::stream;
use tokio::sync::mpsc::UnboundedSender;

/// Targets updated at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Progress of one target, for a UI to show while [`Rotator::apply`] runs. `target`
/// is the index in [`Plan::targets`].
#[derive(Debug, Clone, PartialEq)]
pub enum RotationEvent {
    /// The update request is being sent.
    Updating {
        /// Index in the plan.
        target: usize,
    },
    /// Updated; the platform's verification is running.
    Verifying {
        /// Index in the plan.
        target: usize,
    },
    /// Done, one way or the other.
    Finished {
        /// Index in the plan.
        target: usize,
        /// How it ended.
        outcome: TargetOutcome,
    },
}

/// Applies plans: where to record steps, how many targets at once, who to tell.
#[derive(Debug, Clone)]
pub struct Rotator {
    journal: Journal,
    history: History,
    concurrency: usize,
    events: Option<UnboundedSender<RotationEvent>>,
}

impl Rotator {
    /// A rotator recording into `journal` and `history`, [`DEFAULT_CONCURRENCY`]
    /// targets at once, reporting no progress.
    pub fn new(journal: Journal, history: History) -> Rotator {
        Rotator {
            journal,
            history,
            concurrency: DEFAULT_CONCURRENCY,
            events: None,
        }
    }

    /// At most `n` targets in flight (at least 1).
    pub fn with_concurrency(mut self, n: usize) -> Rotator {
        self.concurrency = n.max(1);
        self
    }

    /// Sends a [`RotationEvent`] per step; a closed receiver is ignored.
    pub fn with_events(mut self, events: UnboundedSender<RotationEvent>) -> Rotator {
        self.events = Some(events);
        self
    }

    /// Replaces the token on every target of `plan` marked for update, then verifies
    /// where the platform can; skipped targets and unreachable profiles are journaled
    /// as such. Call it once, after the user confirmed the plan.
    pub async fn apply(&self, plan: &Plan, token: &CheckedToken) -> Report {
        let mut warnings = Vec::new();
        for f in &plan.unreachable {
            let entry = JournalEntry::new(Action::RotationList, sid_target(plan))
                .on_named(&f.profile, &f.platform)
                .failed(&f.error);
            warnings.extend(write_journal(&self.journal, &entry));
        }
        let mut outcomes = Vec::with_capacity(plan.targets.len());
        let mut work = Vec::new();
        for (i, t) in plan.targets.iter().enumerate() {
            if t.disposition == Disposition::Update {
                work.push((i, Stage::Update));
                outcomes.push(None);
            } else {
                let outcome = TargetOutcome::skipped(&t.disposition);
                let entry = entry(Action::RotationUpdate, plan, t)
                    .skipped(t.disposition.skip_reason().unwrap_or_default());
                warnings.extend(write_journal(&self.journal, &entry));
                self.send(RotationEvent::Finished {
                    target: i,
                    outcome: outcome.clone(),
                });
                outcomes.push(Some(outcome));
            }
        }
        self.run(
            plan,
            token,
            work,
            outcomes,
            warnings,
            Action::RotationUpdate,
        )
        .await
    }

    /// Re-runs only the failed targets of `previous` (a plan's earlier report): from
    /// the update when that failed, else just the verification. The others keep
    /// their outcome.
    pub async fn retry(&self, plan: &Plan, previous: &Report, token: &CheckedToken) -> Report {
        let mut outcomes = Vec::with_capacity(plan.targets.len());
        let mut work = Vec::new();
        for (i, r) in previous.results.iter().enumerate() {
            match &r.outcome {
                TargetOutcome::Failed { stage, .. } => {
                    work.push((i, *stage));
                    outcomes.push(None);
                }
                other => outcomes.push(Some(other.clone())),
            }
        }
        // The first run's warnings (journal or history not written) stay in the report.
        self.run(
            plan,
            token,
            work,
            outcomes,
            previous.warnings.clone(),
            Action::RotationUpdate,
        )
        .await
    }

    /// Puts `old` back on every target of `deployed` (a report of deploying another
    /// token) that holds the other token or may hold it, and verifies where the
    /// platform can; the other targets are [`TargetOutcome::Skipped`]. Journaled as
    /// [`Action::RotationRestore`].
    pub async fn restore(&self, plan: &Plan, deployed: &Report, old: &CheckedToken) -> Report {
        let outcomes = deployed
            .results
            .iter()
            .map(|r| {
                let may_hold_it = r.outcome.holds_new_token() || r.outcome.update_state_unknown();
                (!may_hold_it).then(|| TargetOutcome::Skipped {
                    reason: "never changed: still on the old token".into(),
                })
            })
            .collect();
        self.put_back(plan, old, outcomes).await
    }

    /// Puts `old` back on every target of `plan` marked for update (a run that did
    /// not finish, whose deployment is known only from the journal: putting the old
    /// token on a target that has it changes nothing), verifying where the platform
    /// can. Journaled as [`Action::RotationRestore`].
    pub async fn restore_all(&self, plan: &Plan, old: &CheckedToken) -> Report {
        let outcomes = plan
            .targets
            .iter()
            .map(|t| {
                (t.disposition != Disposition::Update)
                    .then(|| TargetOutcome::skipped(&t.disposition))
            })
            .collect();
        self.put_back(plan, old, outcomes).await
    }

    /// Puts `old` on the targets whose outcome is not given yet (`None`).
    async fn put_back(
        &self,
        plan: &Plan,
        old: &CheckedToken,
        outcomes: Vec<Option<TargetOutcome>>,
    ) -> Report {
        let work = outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| o.is_none())
            .map(|(i, _)| (i, Stage::Update))
            .collect();
        self.run(
            plan,
            old,
            work,
            outcomes,
            Vec::new(),
            Action::RotationRestore,
        )
        .await
    }

    async fn run(
        &self,
        plan: &Plan,
        token: &CheckedToken,
        work: Vec<(usize, Stage)>,
        mut outcomes: Vec<Option<TargetOutcome>>,
        mut warnings: Vec<Warning>,
        action: Action,
    ) -> Report {
        let done: Vec<(usize, TargetOutcome, Vec<Warning>)> = stream::iter(work)
            .map(|(i, stage)| async move {
                let (outcome, w) = self.rotate_one(plan, i, stage, token, action).await;
                (i, outcome, w)
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        for (i, outcome, w) in done {
            if let Some(slot) = outcomes.get_mut(i) {
                *slot = Some(outcome);
            }
            warnings.extend(w);
        }
        let results = plan
            .targets
            .iter()
            .zip(outcomes)
            .map(|(t, o)| TargetResult {
                target: t.clone(),
                // Every index was either carried over or worked on.
                outcome: o.unwrap_or_else(|| TargetOutcome::skipped(&t.disposition)),
            })
            .collect();
        Report {
            account_sid: plan.account_sid.clone(),
            results,
            unreachable: plan.unreachable.clone(),
            warnings,
        }
    }

    /// One target, from `stage` on; journals and records every step.
    async fn rotate_one(
        &self,
        plan: &Plan,
        i: usize,
        stage: Stage,
        token: &CheckedToken,
        action: Action,
    ) -> (TargetOutcome, Vec<Warning>) {
        let t = &plan.targets[i];
        let mut warnings = Vec::new();
        let outcome = match self
            .update(plan, i, stage, token, action, &mut warnings)
            .await
        {
            Err(outcome) => outcome,
            Ok(()) if !t.client.capabilities().verification => TargetOutcome::Updated,
            Ok(()) => self.verify(plan, i, &mut warnings).await,
        };
        self.send(RotationEvent::Finished {
            target: i,
            outcome: outcome.clone(),
        });
        (outcome, warnings)
    }

    /// Replaces the token unless `stage` says it is already in place.
    async fn update(
        &self,
        plan: &Plan,
        i: usize,
        stage: Stage,
        token: &CheckedToken,
        action: Action,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), TargetOutcome> {
        if stage != Stage::Update {
            return Ok(());
        }
        let t = &plan.targets[i];
        self.send(RotationEvent::Updating { target: i });
        // Journaled before it is sent: a crash while it is in flight reads as
        // "sent, no answer", never as "still on the old token".
        warnings.extend(write_journal(&self.journal, &entry(action, plan, t).sent()));
        let result = if token.account_sid() == plan.account_sid {
            t.client
                .rotate_provider_token(&t.provider_id, token.token())
                .await
                .map(|_| ())
        } else {
            Err(ApiError::Unsupported(format!(
                "the token was checked for {}, not {}",
                token.account_sid(),
                plan.account_sid
            )))
        };
        warnings.extend(write_journal(
            &self.journal,
            &entry(action, plan, t).result(&result),
        ));
        match result {
            Ok(()) => {
                // Twilio accepted exactly the token the target now holds.
                let record = token.verdict().record();
                warnings.extend(write_history(
                    &self.history,
                    &t.profile,
                    &t.provider_id,
                    &record,
                ));
                Ok(())
            }
            Err(error) => Err(TargetOutcome::Failed {
                stage: Stage::Update,
                error,
            }),
        }
    }

    async fn verify(&self, plan: &Plan, i: usize, warnings: &mut Vec<Warning>) -> TargetOutcome {
        let t = &plan.targets[i];
        self.send(RotationEvent::Verifying { target: i });
        let result = t.client.verify_provider(&t.provider_id).await;
        let base = entry(Action::RotationVerify, plan, t);
        match result {
            Ok(r) => {
                let record = Record::from_verification(&r);
                warnings.extend(write_history(
                    &self.history,
                    &t.profile,
                    &t.provider_id,
                    &record,
                ));
                let outcome = TargetOutcome::verified(r.status.clone(), &r.checks);
                let entry = match &outcome {
                    TargetOutcome::UpdatedVerified => base,
                    other => base.failed(other.detail()),
                };
                warnings.extend(write_journal(
                    &self.journal,
                    &entry.detail(format!("verification {}", r.status)),
                ));
                outcome
            }
            Err(error) => {
                warnings.extend(write_journal(&self.journal, &base.failed(&error)));
                TargetOutcome::Failed {
                    stage: Stage::Verify,
                    error,
                }
            }
        }
    }

    fn send(&self, event: RotationEvent) {
        if let Some(tx) = &self.events {
            let _ = tx.send(event);
        }
    }
}

/// A step of target `t` of `plan`, naming the account it is for.
fn entry(action: Action, plan: &Plan, t: &RotationTarget) -> JournalEntry {
    let target = JournalTarget::new(
        TargetKind::Provider,
        &t.provider_id,
        Some(t.provider_name.clone()),
    );
    JournalEntry::new(action, target)
        .on_named(&t.profile, &t.platform)
        .for_account(&plan.account_sid)
}

fn sid_target(plan: &Plan) -> JournalTarget {
    JournalTarget::new(TargetKind::TwilioAccount, &plan.account_sid, None)
}

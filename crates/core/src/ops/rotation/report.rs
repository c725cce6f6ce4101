//! Step 5: the result of each target, and what is still on the old token.

use super::plan::{Disposition, ProfileFailure, RotationTarget};
use crate::api::ApiError;
use crate::domain::{CheckStatus, Tone, VerificationCheck, VerificationStatus};
use serde::{Serialize, Serializer};

/// Where a target's rotation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Replacing the token: the target still holds the old one.
    Update,
    /// Verifying after the update: the new token is in place, the result unknown.
    Verify,
}

/// How one target ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum TargetOutcome {
    /// New token in place and the platform's verification passed.
    UpdatedVerified,
    /// New token in place, but verification answered warning, failed or pending.
    UpdatedWarning {
        /// The overall status.
        status: VerificationStatus,
        /// The checks that did not pass.
        checks: Vec<VerificationCheck>,
    },
    /// New token in place; the platform cannot verify (Unpod).
    Updated,
    /// A call failed; `stage` says whether the token was replaced.
    Failed {
        /// Update (old token still there) or verify (new token there).
        stage: Stage,
        /// The platform's reason.
        #[serde(serialize_with = "as_text")]
        error: ApiError,
    },
    /// Not touched (read-only profile, or updated through another profile).
    Skipped {
        /// Why.
        reason: String,
    },
}

fn as_text<S: Serializer>(e: &ApiError, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

impl TargetOutcome {
    /// The outcome for a target that is not updated.
    pub(crate) fn skipped(d: &Disposition) -> TargetOutcome {
        TargetOutcome::Skipped {
            reason: d.skip_reason().unwrap_or_default(),
        }
    }

    /// The outcome of a verification result.
    pub(crate) fn verified(status: VerificationStatus, checks: &[VerificationCheck]) -> Self {
        if status == VerificationStatus::Verified {
            return TargetOutcome::UpdatedVerified;
        }
        TargetOutcome::UpdatedWarning {
            status,
            checks: checks
                .iter()
                .filter(|c| c.status != CheckStatus::Passed)
                .cloned()
                .collect(),
        }
    }

    /// True when the target now holds the new token.
    pub fn holds_new_token(&self) -> bool {
        matches!(
            self,
            TargetOutcome::UpdatedVerified
                | TargetOutcome::UpdatedWarning { .. }
                | TargetOutcome::Updated
                | TargetOutcome::Failed {
                    stage: Stage::Verify,
                    ..
                }
        )
    }

    /// True when the update got no clear answer (timeout, dropped connection, 5xx,
    /// an unreadable answer): the platform may have applied it, so the target's
    /// token is unknown.
    pub fn update_state_unknown(&self) -> bool {
        matches!(
            self,
            TargetOutcome::Failed { stage: Stage::Update, error } if error.outcome_unknown()
        )
    }

    /// True for a failure (these are what [`super::Rotator::retry`] re-runs).
    pub fn is_failed(&self) -> bool {
        matches!(self, TargetOutcome::Failed { .. })
    }

    /// How it reads at a glance: a refused or unanswered update is an error (the
    /// old token may still be there), a verification that failed to run a warning.
    pub fn tone(&self) -> Tone {
        match self {
            TargetOutcome::UpdatedVerified | TargetOutcome::Updated => Tone::Ok,
            TargetOutcome::UpdatedWarning { .. } => Tone::Warn,
            TargetOutcome::Failed {
                stage: Stage::Update,
                ..
            } => Tone::Error,
            TargetOutcome::Failed { .. } => Tone::Warn,
            TargetOutcome::Skipped { .. } => Tone::Muted,
        }
    }

    /// Symbol and label, as every frontend shows them: `✓ verified`, `✗ failed`.
    pub fn badge(&self) -> String {
        format!("{} {}", self.tone().symbol(), self.label())
    }

    /// A short label: `verified`, `warning`, `updated`, `failed`, `unknown`,
    /// `skipped`.
    pub fn label(&self) -> &'static str {
        match self {
            TargetOutcome::UpdatedVerified => "verified",
            TargetOutcome::UpdatedWarning { .. } => "warning",
            TargetOutcome::Updated => "updated",
            TargetOutcome::Failed { .. } if self.update_state_unknown() => "unknown",
            TargetOutcome::Failed { .. } => "failed",
            TargetOutcome::Skipped { .. } => "skipped",
        }
    }

    /// One line of detail: the failing check, the platform's reason, the skip reason.
    pub fn detail(&self) -> String {
        match self {
            TargetOutcome::UpdatedVerified => "new token in place, verification passed".into(),
            TargetOutcome::UpdatedWarning { status, checks } => {
                let which: Vec<String> = checks
                    .iter()
                    .map(|c| format!("{} {}: {}", c.name, c.status, c.message))
                    .collect();
                format!(
                    "new token in place; verification {status}: {}",
                    if which.is_empty() {
                        "no check named".to_string()
                    } else {
                        which.join("; ")
                    }
                )
            }
            TargetOutcome::Updated => "new token in place (the platform cannot verify)".into(),
            TargetOutcome::Failed {
                stage: Stage::Update,
                error,
            } if self.update_state_unknown() => {
                format!("no answer to the update, it may or may not be in place: retry ({error})")
            }
            TargetOutcome::Failed {
                stage: Stage::Update,
                error,
            } => format!("update refused, still on the OLD token: {error}"),
            TargetOutcome::Failed {
                stage: Stage::Verify,
                error,
            } => format!("new token in place, verification failed to run: {error}"),
            TargetOutcome::Skipped { reason } => reason.clone(),
        }
    }
}

/// One target and how it ended.
#[derive(Debug, Clone, Serialize)]
pub struct TargetResult {
    /// The target, as planned.
    #[serde(flatten)]
    pub target: RotationTarget,
    /// How it ended.
    pub outcome: TargetOutcome,
}

/// The result of a rotation: one entry per planned target, in plan order.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The Account SID rotated.
    pub account_sid: String,
    /// Every planned target with its outcome.
    pub results: Vec<TargetResult>,
    /// Profiles that could not be listed: whatever they hold was not touched.
    pub unreachable: Vec<ProfileFailure>,
    /// Audit journal or history writes that failed: show them to the user.
    pub warnings: Vec<crate::ops::Warning>,
}

impl Report {
    /// The failed targets.
    pub fn failed(&self) -> impl Iterator<Item = &TargetResult> {
        self.results.iter().filter(|r| r.outcome.is_failed())
    }

    /// Targets still holding the old token: failed at update, or skipped because
    /// their profile is read-only (a provider updated through another profile is not
    /// listed).
    pub fn old_token_holders(&self) -> impl Iterator<Item = &TargetResult> {
        self.results.iter().filter(|r| {
            let refused = matches!(
                r.outcome,
                TargetOutcome::Failed {
                    stage: Stage::Update,
                    ..
                }
            ) && !r.outcome.update_state_unknown();
            refused || matches!(r.target.disposition, Disposition::Skipped { .. })
        })
    }

    /// Targets whose update got no clear answer: they may hold either token; retry.
    pub fn unknown_token_holders(&self) -> impl Iterator<Item = &TargetResult> {
        self.results
            .iter()
            .filter(|r| r.outcome.update_state_unknown())
    }

    /// Targets the rotation was to update (not skipped, not duplicates).
    pub fn updatable_count(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.target.disposition == Disposition::Update)
            .count()
    }

    /// How many targets now hold the new token.
    pub fn updated_count(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome.holds_new_token())
            .count()
    }

    /// True when no target failed, every profile was reached, and no target (not
    /// even a read-only one) still holds the old token.
    pub fn is_complete(&self) -> bool {
        self.failed().next().is_none()
            && self.unreachable.is_empty()
            && self.old_token_holders().next().is_none()
    }
}

/// One line of a rotation's summary, with how it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLine {
    /// How it reads.
    pub tone: Tone,
    /// The words.
    pub text: String,
}

impl SummaryLine {
    /// The line as every frontend shows it: after its tone's symbol.
    pub fn shown(&self) -> String {
        format!("{} {}", self.tone.symbol(), self.text)
    }
}

impl Report {
    /// Targets skipped because their profile is read-only: they keep the old token.
    pub fn read_only_holders(&self) -> impl Iterator<Item = &TargetResult> {
        self.results
            .iter()
            .filter(|r| matches!(r.target.disposition, Disposition::Skipped { .. }))
    }

    /// The summary every frontend shows, in the same words: what was updated, what
    /// still holds the old token (failed or read-only), what is unknown, which
    /// profiles were not reached, and what could not be recorded.
    pub fn summary(&self) -> Vec<SummaryLine> {
        let line = |tone, text: String| SummaryLine { tone, text };
        let name = |r: &TargetResult| format!("{} {}", r.target.profile, r.target.provider_name);
        let failed = self.failed().count();
        let mut lines = vec![line(
            if failed == 0 { Tone::Ok } else { Tone::Error },
            format!(
                "{} of {} providers to update now use the new token; {failed} failed",
                self.updated_count(),
                self.updatable_count()
            ),
        )];
        let old: Vec<String> = self.old_token_holders().map(name).collect();
        let read_only = self.read_only_holders().count();
        let unknown: Vec<String> = self.unknown_token_holders().map(name).collect();
        if old.is_empty() && unknown.is_empty() && self.unreachable.is_empty() {
            lines.push(line(
                Tone::Ok,
                "no provider found is left on the old token".into(),
            ));
        } else if !old.is_empty() {
            let why = if read_only > 0 {
                format!(" ({read_only} on read-only profiles)")
            } else {
                String::new()
            };
            lines.push(line(
                Tone::Error,
                format!("still on the OLD token{why}: {}", old.join(", ")),
            ));
        }
        if !unknown.is_empty() {
            lines.push(line(
                Tone::Error,
                format!(
                    "no answer to the update, token UNKNOWN (retry): {}",
                    unknown.join(", ")
                ),
            ));
        }
        for f in &self.unreachable {
            lines.push(line(
                Tone::Error,
                format!(
                    "profile \"{}\" could not be listed ({}): its providers may still hold the old token",
                    f.profile, f.error
                ),
            ));
        }
        lines.extend(
            self.warnings
                .iter()
                .map(|w| line(Tone::Warn, w.to_string())),
        );
        lines
    }

    /// After a promotion (a forced one): what it broke for certain, what it may have
    /// broken (no answer to the update, profiles not reached), one line each.
    pub fn broken_by_promotion(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match self.old_token_holders().count() {
            0 => {}
            1 => lines.push(
                "1 target holds the DEAD token: it is broken now; give it the new token".into(),
            ),
            n => lines.push(format!(
                "{n} targets hold the DEAD token: they are broken now; give them the new token"
            )),
        }
        let unknown = self.unknown_token_holders().count();
        if unknown > 0 {
            lines.push(format!(
                "{unknown} target(s) may hold the DEAD token (no answer to the update): verify them"
            ));
        }
        for f in &self.unreachable {
            lines.push(format!(
                "profile \"{}\" was not reached: its providers of this account may hold the \
                 DEAD token",
                f.profile
            ));
        }
        lines
    }

    /// What a promotion of the new token would break: every target that still holds
    /// the old token (refused or read-only), may hold it (no answer), and every
    /// profile not reached. Empty when promoting is safe.
    pub fn promotion_blockers(&self) -> Vec<String> {
        let name = |r: &TargetResult| format!("{} {}", r.target.profile, r.target.provider_name);
        self.old_token_holders()
            .map(|r| {
                format!(
                    "{}: still on the OLD token ({})",
                    name(r),
                    r.outcome.detail()
                )
            })
            .chain(
                self.unknown_token_holders()
                    .map(|r| format!("{}: token UNKNOWN (no answer to the update)", name(r))),
            )
            .chain(self.unreachable.iter().map(|f| {
                format!(
                    "profile \"{}\" not reached ({}): its providers may use the old token",
                    f.profile, f.error
                )
            }))
            .collect()
    }

    /// Why the rotation is incomplete, in one sentence; `None` when it is complete.
    pub fn incompleteness(&self) -> Option<String> {
        if self.is_complete() {
            return None;
        }
        let mut parts = Vec::new();
        let refused = self
            .old_token_holders()
            .filter(|r| r.outcome.is_failed())
            .count();
        let read_only = self.read_only_holders().count();
        let unknown = self.unknown_token_holders().count();
        let verify = self
            .failed()
            .filter(|r| {
                matches!(
                    r.outcome,
                    TargetOutcome::Failed {
                        stage: Stage::Verify,
                        ..
                    }
                )
            })
            .count();
        for (n, what) in [
            (refused, "update(s) refused, still on the old token"),
            (unknown, "update(s) without an answer, token unknown"),
            (verify, "verification(s) that failed to run"),
            (
                read_only,
                "provider(s) on read-only profiles still on the old token",
            ),
            (self.unreachable.len(), "profile(s) not reached"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        Some(format!("rotation incomplete: {}", parts.join(", ")))
    }
}

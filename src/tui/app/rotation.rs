//! The Twilio token rotation wizard: the token was typed (dialogs.rs); here the
//! Twilio check's answer becomes a plan to confirm once, then a live result screen.

use super::{App, Overlay, PromptPurpose};
use crate::ops::rotation::{CheckedToken, Plan};
use crate::tui::confirm::{ConfirmDialog, ConfirmEvent};
use crate::tui::effect::{CheckOutcome, Effect, Job, RotationJob, RotationMsg};
use crate::tui::rotation_view::RotationView;
use crossterm::event::{KeyCode, KeyEvent};
use std::sync::Arc;

impl App {
    /// Applies rotation progress.
    pub(super) fn on_rotation(&mut self, msg: RotationMsg) -> Vec<Effect> {
        match msg {
            // Only the answer to the latest check counts: an abandoned one is ignored.
            RotationMsg::Checked { check_id, outcome } if self.rotation_check == Some(check_id) => {
                self.rotation_check = None;
                self.on_checked(outcome)
            }
            RotationMsg::Checked { .. } => Vec::new(),
            RotationMsg::Progress(event) => {
                if let Some(Overlay::Rotation(view)) = self.overlay.as_mut() {
                    view.on_event(event);
                }
                Vec::new()
            }
            RotationMsg::Done(report) => {
                if let Some(Overlay::Rotation(view)) = self.overlay.as_mut() {
                    view.finish(report);
                    let summary: Vec<String> = view.summary().into_iter().map(|l| l.text).collect();
                    let failed = view.failed_count() > 0;
                    self.set_flash(summary.join(" — "), failed);
                }
                // The rotation journaled its steps itself: show them in Activity.
                vec![Job::LoadJournal.into()]
            }
        }
    }

    fn on_checked(&mut self, outcome: CheckOutcome) -> Vec<Effect> {
        // Only the prompt that asked is updated; if it was closed, nothing changed.
        let Some(Overlay::Prompt {
            prompt,
            purpose: PromptPurpose::TwilioToken { .. },
            ..
        }) = self.overlay.as_mut()
        else {
            return Vec::new();
        };
        match outcome {
            CheckOutcome::Failed(failure) => {
                prompt.set_note(&format!("✗ {failure}"));
                self.set_flash(failure.to_string(), true);
            }
            CheckOutcome::Planned { plan, token } => {
                self.flash = None;
                self.overlay = Some(plan_dialog(plan, token));
            }
        }
        Vec::new()
    }

    pub(super) fn rotation_plan_key(
        &mut self,
        mut dialog: Box<ConfirmDialog>,
        plan: Arc<Plan>,
        token: Arc<CheckedToken>,
        key: KeyEvent,
    ) -> Vec<Effect> {
        match dialog.handle_key(key) {
            ConfirmEvent::None => {
                self.overlay = Some(Overlay::RotationPlan {
                    dialog,
                    plan,
                    token,
                });
                Vec::new()
            }
            ConfirmEvent::Cancel => {
                self.set_flash("rotation cancelled: nothing was changed", false);
                Vec::new()
            }
            ConfirmEvent::Confirm { .. } if plan.update_count() == 0 => {
                self.set_flash("no target to update: nothing was changed", true);
                Vec::new()
            }
            ConfirmEvent::Confirm { .. } => {
                self.overlay = Some(Overlay::Rotation(Box::new(RotationView::new(
                    plan.clone(),
                    token.clone(),
                ))));
                vec![Job::Rotation(RotationJob::Apply { plan, token }).into()]
            }
        }
    }

    pub(super) fn rotation_key(
        &mut self,
        mut view: Box<RotationView>,
        key: KeyEvent,
    ) -> Vec<Effect> {
        let done = !view.running();
        match (key.code, view.report().cloned()) {
            (KeyCode::Char('R'), Some(report)) if view.failed_count() > 0 => {
                let job = RotationJob::Retry {
                    plan: view.plan.clone(),
                    report,
                    token: view.token.clone(),
                };
                view.start_retry();
                self.overlay = Some(Overlay::Rotation(view));
                vec![Job::Rotation(job).into()]
            }
            (KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q'), _) if done => self.reload(),
            _ => {
                if !done {
                    self.set_flash(
                        "the rotation is running: its result shows when every target is done",
                        false,
                    );
                }
                self.overlay = Some(Overlay::Rotation(view));
                Vec::new()
            }
        }
    }

    /// True while a rotation runs (quitting then would leave it half-known).
    pub fn rotation_running(&self) -> bool {
        matches!(&self.overlay, Some(Overlay::Rotation(v)) if v.running())
    }
}

/// The one confirmation of a rotation: every target with what will happen to it.
fn plan_dialog(plan: Arc<Plan>, token: Arc<CheckedToken>) -> Overlay {
    let mut lines: Vec<String> = plan
        .targets
        .iter()
        .map(|t| {
            format!(
                "{} ({}) {}: {} {} → {}",
                t.profile,
                t.platform,
                t.provider_name,
                t.status.symbol(),
                t.status,
                t.disposition.describe()
            )
        })
        .collect();
    if lines.is_empty() {
        lines.push("no provider on any profile uses this account".into());
    }
    let skipped = plan.targets.len() - plan.update_count();
    lines.insert(
        0,
        format!(
            "Will update {} of {} providers ({skipped} skipped):",
            plan.update_count(),
            plan.targets.len()
        ),
    );
    lines.extend(
        plan.unreachable
            .iter()
            .map(|u| format!("profile {} could not be listed: {}", u.profile, u.error)),
    );
    let production = plan.needs_typed_confirmation();
    let name = token
        .friendly_name()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let action = format!(
        "Rotate the token of {}{name} on {} targets",
        plan.account_sid,
        plan.update_count()
    );
    let profiles: Vec<&str> = plan.targets.iter().map(|t| t.profile.as_str()).collect();
    let profiles = if profiles.is_empty() {
        "no profile".to_string()
    } else {
        dedup(profiles).join(", ")
    };
    // A production target asks for the Account SID to be typed.
    let dialog = ConfirmDialog::new(
        &action,
        &plan.account_sid,
        &profiles,
        production,
        production,
        lines,
    );
    Overlay::RotationPlan {
        dialog: Box::new(dialog),
        plan,
        token,
    }
}

fn dedup(mut v: Vec<&str>) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|p| seen.insert(*p));
    v
}

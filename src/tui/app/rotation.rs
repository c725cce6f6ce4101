//! The Twilio token rotation wizard. `r` on a provider asks how: mint a new token at
//! Twilio (zero downtime) or type one already rotated in the console (dialogs.rs).
//! Here the Twilio check's answer becomes a plan to confirm once, then a live result
//! screen; a minted token is promoted when no target is left on the old one.

use super::{App, NEW_TOKEN, Overlay, PromptPurpose, SECRET_TTL};
use crate::config::TokenSource;
use crate::ops::rotation::{CheckedToken, Disposition, MintFailure, Plan, Promotion, Target};
use crate::tui::confirm::{ConfirmDialog, ConfirmEvent, ProfileTag};
use crate::tui::effect::{CheckOutcome, Effect, Job, MintSetup, RotationJob, RotationMsg};
use crate::tui::rotation_view::{MintStage, RotationView};
use crate::tui::secret_prompt::{SecretPrompt, SecretRule};
use crossterm::event::{KeyCode, KeyEvent};
use std::sync::Arc;

impl App {
    /// Applies rotation progress.
    /// Applies a message of rotation `run` to its screen; one for a rotation whose
    /// screen is not open (closed, another one open) changes no screen.
    pub(super) fn on_rotation(&mut self, run: u64, msg: RotationMsg) -> Vec<Effect> {
        match msg {
            // Only the answer to the latest check counts: an abandoned one is ignored.
            RotationMsg::Checked { check_id, outcome } if self.rotation_check == Some(check_id) => {
                self.rotation_check = None;
                self.on_checked(outcome)
            }
            RotationMsg::Checked { .. } => Vec::new(),
            RotationMsg::Progress(event) => {
                if let Some(view) = self.rotation_view_of(run) {
                    view.on_event(event);
                }
                Vec::new()
            }
            RotationMsg::Done(report) => {
                let mut effects = vec![Job::LoadJournal.into()];
                if let Some(view) = self.rotation_view_of(run) {
                    view.finish(report.clone());
                    let summary: Vec<String> = view.summary().into_iter().map(|l| l.text).collect();
                    let failed = view.failed_count() > 0;
                    // A minted token is promoted next (when nothing is left behind).
                    if let Some(mint) = view.mint.as_mut()
                        && let Some(minted) = mint.minted.clone()
                    {
                        mint.stage = MintStage::Promoting;
                        effects.push(Job::rotation(
                            view.id,
                            RotationJob::Promote {
                                minted,
                                report,
                                force: false,
                                setup: mint.setup.clone(),
                            },
                        ));
                    }
                    self.set_flash(summary.join(" — "), failed);
                }
                // The rotation journaled its steps itself: show them in Activity.
                effects
            }
            RotationMsg::Minted(result) => {
                if let Some(view) = self.rotation_view_of(run)
                    && let Some(mint) = view.mint.as_mut()
                {
                    match result {
                        Ok(minted) => {
                            view.token = Arc::new(minted.new_token().clone());
                            mint.minted = Some(minted);
                            mint.stage = MintStage::Deploying;
                        }
                        // telcreds' own secondary, left by a rotation that did not
                        // finish: finish that one (P, A) rather than replace it.
                        Err(MintFailure::SecondaryExists {
                            unfinished: Some(unfinished),
                            error,
                        }) => {
                            mint.finishing = Some(unfinished);
                            mint.stage = MintStage::Unfinished {
                                error: error.to_string(),
                                armed: None,
                            };
                            self.set_flash(
                                "a rotation of this account did not finish: see the rotation \
                                 screen",
                                true,
                            );
                        }
                        Err(failure) => {
                            let text = failure.to_string();
                            mint.stage = MintStage::NotMinted(failure);
                            self.set_flash(text, true);
                        }
                    }
                }
                vec![Job::LoadJournal.into()]
            }
            RotationMsg::Promoted { promotion, stored } => self.on_promoted(run, promotion, stored),
            RotationMsg::Aborted(abort) => {
                let clean = abort.is_clean();
                if let Some(view) = self.rotation_view_of(run) {
                    // Every target's restore, whatever progress arrived before.
                    view.show_outcomes(&abort.restored);
                    if let Some(mint) = view.mint.as_mut() {
                        mint.stage = MintStage::Aborted(abort.clone());
                    }
                }
                if clean {
                    self.set_flash(
                        "rotation aborted: the old token is back everywhere, the new one deleted",
                        false,
                    );
                } else {
                    self.set_flash("abort incomplete: see the rotation screen", true);
                }
                vec![Job::LoadJournal.into()]
            }
        }
    }

    fn on_promoted(
        &mut self,
        run: u64,
        promotion: Promotion,
        stored: Option<Result<String, String>>,
    ) -> Vec<Effect> {
        let (stage, flash, error) = match promotion {
            Promotion::Blocked { left } => {
                let n = left.len();
                (
                    MintStage::Blocked {
                        left,
                        confirm_force: false,
                    },
                    format!(
                        "NOT promoted: {n} target(s) not known to hold the new token; both \
                         tokens work"
                    ),
                    true,
                )
            }
            Promotion::Promoted { token } => {
                let sid = self.rotation_account().unwrap_or_default();
                // The old token is dead: this session uses the new one from now on.
                if let Some(acc) = self
                    .twilio_accounts
                    .iter_mut()
                    .find(|a| a.account_sid.eq_ignore_ascii_case(&sid))
                {
                    acc.token = TokenSource::Inline(token.clone());
                }
                let failed = matches!(stored, Some(Err(_)));
                let flash = if failed {
                    "promoted; the OLD TOKEN IS DEAD; store_cmd FAILED: copy the new token now"
                } else {
                    "promoted: the new token is the primary; the OLD TOKEN IS DEAD"
                };
                (
                    MintStage::Promoted {
                        token,
                        stored,
                        revealed: false,
                        seen: false,
                        close_warned: false,
                    },
                    flash.to_string(),
                    failed,
                )
            }
            failed
            @ (Promotion::Refused(_) | Promotion::NoSecondary(_) | Promotion::Unknown(_)) => {
                let text = failed.failure().unwrap_or_default();
                let stage = MintStage::PromotionFailed {
                    retryable: matches!(failed, Promotion::Refused(_)),
                    text: text.clone(),
                };
                (stage, text, true)
            }
        };
        if let Some(view) = self.rotation_view_of(run)
            && let Some(mint) = view.mint.as_mut()
        {
            mint.stage = stage;
        }
        self.set_flash(flash, error);
        vec![Job::LoadJournal.into()]
    }

    /// The Account SID of the rotation on screen.
    fn rotation_account(&self) -> Option<String> {
        match &self.overlay {
            Some(Overlay::Rotation(view)) => Some(view.plan.account_sid.clone()),
            _ => None,
        }
    }

    /// The first question of `r` on a provider: mint at Twilio, or type a token.
    pub(super) fn rotate_how_key(&mut self, account_sid: String, key: KeyEvent) -> Vec<Effect> {
        match key.code {
            KeyCode::Char('m') => self.start_mint(account_sid),
            KeyCode::Char('t') => self.ask_new_twilio_token(account_sid),
            KeyCode::Esc | KeyCode::Char('q') => {
                self.set_flash("rotation cancelled: nothing was changed", false);
                Vec::new()
            }
            _ => {
                self.overlay = Some(Overlay::RotateHow { account_sid });
                Vec::new()
            }
        }
    }

    /// Mint: a configured account's token is checked at once; another account's
    /// current token is asked for (masked).
    fn start_mint(&mut self, account_sid: String) -> Vec<Effect> {
        if let Some(acc) = self
            .twilio_accounts
            .iter()
            .find(|a| a.account_sid.eq_ignore_ascii_case(account_sid.trim()))
        {
            let setup = Arc::new(MintSetup {
                accounts_base: acc.twilio_accounts_base.clone(),
                store_cmd: acc.store_cmd.clone(),
            });
            let source = acc.token.clone();
            return vec![self.check_current(account_sid, source, setup)];
        }
        let accounts_base = match crate::config::accounts_base_of(&self.profiles, &account_sid) {
            Ok(base) => base,
            Err(why) => {
                self.set_flash(why, true);
                return Vec::new();
            }
        };
        let setup = Arc::new(MintSetup {
            accounts_base,
            store_cmd: None,
        });
        let lines = vec![
            format!("Current auth token of {account_sid}."),
            "It is not in the config ([twilio_accounts]). Twilio checks it,".to_string(),
            "then mints a new token beside it; nothing changes before you confirm.".to_string(),
        ];
        let rule: SecretRule = crate::domain::validate::auth_token;
        let prompt = SecretPrompt::new(
            "Mint a new Twilio auth token",
            "Current token",
            lines,
            rule,
            false,
        );
        self.rotation_check = None;
        self.overlay = Some(Overlay::Prompt {
            prompt: Box::new(prompt),
            purpose: PromptPurpose::TwilioCurrentToken { account_sid, setup },
            job: None,
        });
        Vec::new()
    }

    /// Starts the check of the current token (and the plan after it).
    pub(super) fn check_current(
        &mut self,
        account_sid: String,
        current: TokenSource,
        setup: Arc<MintSetup>,
    ) -> Effect {
        let check_id = self.new_job_id();
        self.rotation_check = Some(check_id);
        self.set_flash("checking the current token with Twilio…", false);
        Job::rotation(
            check_id,
            RotationJob::CheckCurrent {
                check_id,
                profiles: self.profiles.clone(),
                account_sid,
                current,
                setup,
            },
        )
    }

    fn on_checked(&mut self, outcome: CheckOutcome) -> Vec<Effect> {
        // Only the prompt that asked is updated (or, for a configured account, the
        // main screen); if another dialog took its place, nothing changed.
        let prompt = match self.overlay.as_mut() {
            Some(Overlay::Prompt {
                prompt,
                purpose:
                    PromptPurpose::TwilioToken { .. } | PromptPurpose::TwilioCurrentToken { .. },
                ..
            }) => Some(prompt),
            None => None,
            Some(_) => return Vec::new(),
        };
        match outcome {
            CheckOutcome::Failed(failure) => {
                if let Some(prompt) = prompt {
                    prompt.set_note(&format!("✗ {failure}"));
                }
                self.set_flash(failure.to_string(), true);
            }
            CheckOutcome::Planned { plan, token, mint } => {
                self.flash = None;
                self.overlay = Some(plan_dialog(plan, token, mint));
            }
        }
        Vec::new()
    }

    pub(super) fn rotation_plan_key(
        &mut self,
        mut dialog: Box<ConfirmDialog>,
        plan: Arc<Plan>,
        token: Arc<CheckedToken>,
        mint: Option<Arc<MintSetup>>,
        key: KeyEvent,
    ) -> Vec<Effect> {
        match dialog.handle_key(key) {
            ConfirmEvent::None => {
                self.overlay = Some(Overlay::RotationPlan {
                    dialog,
                    plan,
                    token,
                    mint,
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
            ConfirmEvent::Confirm { .. } => match mint {
                Some(setup) => {
                    let run = self.new_job_id();
                    self.overlay = Some(Overlay::Rotation(Box::new(RotationView::minting(
                        run,
                        plan.clone(),
                        token.clone(),
                        setup.clone(),
                    ))));
                    let job = RotationJob::Mint {
                        plan,
                        profiles: self.profiles.clone(),
                        current: token,
                        setup,
                        replace: false,
                    };
                    vec![Job::rotation(run, job)]
                }
                None => {
                    let run = self.new_job_id();
                    self.overlay = Some(Overlay::Rotation(Box::new(RotationView::new(
                        run,
                        plan.clone(),
                        token.clone(),
                    ))));
                    vec![Job::rotation(run, RotationJob::Apply { plan, token })]
                }
            },
        }
    }

    pub(super) fn rotation_key(
        &mut self,
        mut view: Box<RotationView>,
        key: KeyEvent,
    ) -> Vec<Effect> {
        let done = !view.running();
        if done && view.mint.is_some() {
            return self.mint_key(view, key);
        }
        match (key.code, view.report().cloned()) {
            (KeyCode::Char('R'), Some(report)) if view.failed_count() > 0 => {
                let job = RotationJob::Retry {
                    plan: view.plan.clone(),
                    report,
                    token: view.token.clone(),
                };
                view.start_retry();
                let run = view.id;
                self.overlay = Some(Overlay::Rotation(view));
                vec![Job::rotation(run, job)]
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

    /// Keys of a zero-downtime rotation that is not busy: replace an existing
    /// secondary, retry, promote anyway, abort, reveal and copy the new token.
    fn mint_key(&mut self, mut view: Box<RotationView>, key: KeyEvent) -> Vec<Effect> {
        let run = view.id;
        let report = view.report().cloned();
        let failed = view.failed_count();
        let (plan, token) = (view.plan.clone(), view.token.clone());
        let mut retry = false;
        let Some(mint) = view.mint.as_mut() else {
            return Vec::new();
        };
        let setup = mint.setup.clone();
        let minted = mint.minted.clone();
        let mut effects = Vec::new();
        let close = matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q'));
        match (&mut mint.stage, key.code) {
            (MintStage::Unfinished { armed, .. }, KeyCode::Char(key @ ('P' | 'D')))
                if *armed != Some(key) =>
            {
                *armed = Some(key);
            }
            (
                MintStage::NotMinted(MintFailure::SecondaryExists { .. })
                | MintStage::Unfinished { .. },
                KeyCode::Char('D'),
            ) => {
                mint.finishing = None;
                mint.stage = MintStage::Minting;
                let job = RotationJob::Mint {
                    plan,
                    profiles: self.profiles.clone(),
                    current: token,
                    setup,
                    replace: true,
                };
                effects.push(Job::rotation(run, job));
            }
            (MintStage::Blocked { .. }, KeyCode::Char('R')) if failed > 0 => {
                if let Some(report) = report {
                    mint.stage = MintStage::Deploying;
                    let job = RotationJob::Retry {
                        plan,
                        report,
                        token,
                    };
                    retry = true;
                    effects.push(Job::rotation(run, job));
                }
            }
            (MintStage::Blocked { confirm_force, .. }, KeyCode::Char('P')) if !*confirm_force => {
                *confirm_force = true;
            }
            (MintStage::Unfinished { .. }, KeyCode::Char('P'))
            | (
                MintStage::PromotionFailed {
                    retryable: true, ..
                },
                KeyCode::Char('P'),
            ) if mint.finishing.is_some() => {
                mint.stage = MintStage::Promoting;
                let job = RotationJob::PromoteUnfinished {
                    current: token,
                    setup,
                };
                effects.push(Job::rotation(run, job));
            }
            (MintStage::Unfinished { .. }, KeyCode::Char('A')) => {
                mint.stage = MintStage::Aborting;
                let job = RotationJob::AbortUnfinished {
                    plan,
                    current: token,
                    setup,
                };
                effects.push(Job::rotation(run, job));
            }
            (MintStage::Blocked { .. }, KeyCode::Char('P'))
            | (
                MintStage::PromotionFailed {
                    retryable: true, ..
                },
                KeyCode::Char('P'),
            ) => {
                if let (Some(minted), Some(report)) = (minted, report) {
                    let force = matches!(mint.stage, MintStage::Blocked { .. });
                    mint.stage = MintStage::Promoting;
                    let job = RotationJob::Promote {
                        minted,
                        report,
                        force,
                        setup,
                    };
                    effects.push(Job::rotation(run, job));
                }
            }
            (MintStage::Blocked { .. }, KeyCode::Char('A')) => {
                if let (Some(minted), Some(report)) = (minted, report) {
                    mint.stage = MintStage::Aborting;
                    let job = RotationJob::Abort {
                        minted,
                        plan,
                        report,
                    };
                    effects.push(Job::rotation(run, job));
                }
            }
            // Only a token shown (not stored) can be revealed or copied.
            (
                MintStage::Promoted {
                    revealed,
                    stored,
                    seen,
                    ..
                },
                KeyCode::Char('x'),
            ) if !matches!(stored, Some(Ok(_))) => {
                *revealed = !*revealed;
                *seen = true;
                // Hidden again after the usual delay, as a SIP password is.
                self.revealed =
                    revealed.then(|| (NEW_TOKEN.to_string(), self.clock.mono + SECRET_TTL));
            }
            (
                MintStage::Promoted {
                    token,
                    stored,
                    seen,
                    ..
                },
                KeyCode::Char('y'),
            ) if !matches!(stored, Some(Ok(_))) => {
                *seen = true;
                effects.push(self.copy(token.clone(), "new auth token"));
            }
            (
                MintStage::Promoted {
                    stored,
                    seen: false,
                    close_warned,
                    ..
                },
                _,
            ) if close && !matches!(stored, Some(Ok(_))) && !*close_warned => {
                *close_warned = true;
                self.set_flash(
                    "the new token was neither revealed, copied nor stored: close again and it \
                     is only in the Twilio console",
                    true,
                );
            }
            (MintStage::Blocked { .. }, _) if close => {
                // Parked: `r` on a provider of this account reopens it (P, A, R).
                let sid = view.plan.account_sid.to_ascii_lowercase();
                self.parked_mints.insert(sid, view);
                self.set_flash(
                    "not promoted: both tokens keep working; r on a provider of this account \
                     reopens the rotation to promote or abort",
                    true,
                );
                return self.reload();
            }
            (MintStage::Unfinished { .. }, _) if close => {
                self.set_flash(
                    "both tokens keep working: r, then m on a provider of this account offers \
                     to finish the rotation",
                    false,
                );
                return self.reload();
            }
            (_, _) if close => return self.reload(),
            _ => {}
        }
        if retry {
            view.start_retry();
        }
        self.overlay = Some(Overlay::Rotation(view));
        effects
    }

    /// The screen of rotation `run`, when it is the one open.
    fn rotation_view_of(&mut self, run: u64) -> Option<&mut RotationView> {
        match self.overlay.as_mut() {
            Some(Overlay::Rotation(view)) if view.id == run => Some(view),
            _ => None,
        }
    }

    /// Hides the promoted token shown on the rotation screen (its reveal expired).
    pub(super) fn hide_new_token(&mut self) {
        if let Some(Overlay::Rotation(view)) = self.overlay.as_mut()
            && let Some(mint) = view.mint.as_mut()
            && let MintStage::Promoted { revealed, .. } = &mut mint.stage
        {
            *revealed = false;
        }
    }

    /// True while a rotation runs (quitting then would leave it half-known).
    pub fn rotation_running(&self) -> bool {
        matches!(&self.overlay, Some(Overlay::Rotation(v)) if v.running())
    }
}

/// The one confirmation of a rotation: every target with what will happen to it,
/// those to change first, then the skipped ones and the profiles not listed.
fn plan_dialog(plan: Arc<Plan>, token: Arc<CheckedToken>, mint: Option<Arc<MintSetup>>) -> Overlay {
    let line = |t: &Target| {
        format!(
            "{} ({}) {}: {} {} → {}",
            t.profile,
            t.platform,
            t.provider_name,
            t.status.symbol(),
            t.status,
            t.disposition.describe()
        )
    };
    let (update, skip): (Vec<_>, Vec<_>) = plan
        .targets
        .iter()
        .partition(|t| t.disposition == Disposition::Update);
    let mut lines: Vec<String> = update.into_iter().chain(skip).map(line).collect();
    if lines.is_empty() {
        lines.push("no provider on any profile uses this account".into());
    }
    lines.extend(
        plan.unreachable
            .iter()
            .map(|u| format!("profile {} could not be listed: {}", u.profile, u.error)),
    );
    let (updated, all) = (plan.update_count(), plan.targets.len());
    let production = plan.needs_typed_confirmation();
    let name = token
        .friendly_name()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let (action, heading) = if mint.is_some() {
        let heading = vec![
            format!("Deploy to {updated} of {all} providers, then promote it."),
            // Two short lines: the dialog is narrow, and neither half may be cut.
            "Both tokens work until then: the old one dies".to_string(),
            "only when no target is left on it.".to_string(),
        ];
        let action = format!("Mint a new token for {}{name}", plan.account_sid);
        (action, heading)
    } else {
        let skipped = all - updated;
        let heading = vec![format!(
            "Will update {updated} of {all} providers ({skipped} skipped):"
        )];
        let action = format!(
            "Rotate the token of {}{name} on {updated} targets",
            plan.account_sid
        );
        (action, heading)
    };
    let mut profiles: Vec<ProfileTag> = Vec::new();
    for t in &plan.targets {
        if !profiles.iter().any(|p| p.name == t.profile) {
            profiles.push(ProfileTag {
                name: t.profile.clone(),
                production: t.production,
            });
        }
    }
    if profiles.is_empty() {
        profiles.push(ProfileTag {
            name: "no profile".into(),
            production: false,
        });
    }
    // A production target asks for the Account SID to be typed.
    let dialog = ConfirmDialog::new(
        &action,
        "Account SID",
        &plan.account_sid,
        profiles,
        production,
        lines,
    )
    .with_heading(heading);
    Overlay::RotationPlan {
        dialog: Box::new(dialog),
        plan,
        token,
        mint,
    }
}

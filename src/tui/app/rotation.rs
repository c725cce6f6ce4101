//! The Twilio token rotation wizard. `r` on a provider asks how: mint a new token at
//! Twilio (zero downtime) or type one already rotated in the console (dialogs.rs).
//! Here the Twilio check's answer becomes a plan to confirm once, then a live result
//! screen; a minted token is promoted when no target is left on the old one.

use super::{App, NEW_TOKEN, Overlay, PromptPurpose};
use crate::domain::Tone;
use crate::ops::rotation::CurrentToken;
use crate::ops::rotation::{
    CheckedToken, Decision, Disposition, MintSetup, NotPromoted, Plan, RotationRun, RotationTarget,
    RunKind, RunStage,
};
use crate::tui::components::confirm::{ConfirmDialog, ConfirmEvent, ProfileTag};
use crate::tui::components::rotation_view::RotationView;
use crate::tui::components::secret_prompt::{SecretPrompt, SecretRule};
use crate::tui::runtime::effect::{CheckOutcome, Effect, Job, RotationJob, RotationMsg};
use crossterm::event::{KeyCode, KeyEvent};
use std::sync::Arc;

/// The rotations the app knows of: the check in flight, the runs and tokens the
/// journal shows unfinished, and the mints parked before their promotion.
#[derive(Default)]
pub struct Rotations {
    /// The id of the rotation's Twilio check (and plan) running, if one is.
    check: Option<u64>,
    /// Rotations the journal shows unfinished: the header says so while any is.
    pub unfinished_runs: Vec<crate::ops::rotation::UnfinishedRun>,
    /// New tokens the journal shows handed to a `store_cmd` that never ended: they
    /// may be stored nowhere; the header says so.
    pub unstored_tokens: Vec<crate::ops::rotation::UnstoredToken>,
    /// Rotations of a SIP credential at both ends the journal shows unfinished:
    /// the header says so; `r`, `b` on the credential finishes one.
    pub unfinished_carrier: Vec<crate::ops::carrier_rotation::UnfinishedCarrierRun>,
    /// The newest journal read applied.
    journal_read: u64,
    /// Mints stopped before their promotion and closed, by Account SID in lowercase
    /// (platforms may spell it either way): `r` on a provider of the account reopens
    /// one.
    parked_mints: std::collections::HashMap<String, Box<RotationView>>,
}

impl Rotations {
    /// The Twilio check `id` runs: only its answer counts.
    pub(super) fn start_check(&mut self, id: u64) {
        self.check = Some(id);
    }

    /// Forgets the check running: its answer, if it comes, changes nothing.
    pub(super) fn forget_check(&mut self) {
        self.check = None;
    }

    /// True when check `id` is the one waited for; it is then no longer waited for.
    pub(super) fn checked(&mut self, id: u64) -> bool {
        let latest = self.check == Some(id);
        if latest {
            self.check = None;
        }
        latest
    }

    /// True while a check runs.
    pub(super) fn checking(&self) -> bool {
        self.check.is_some()
    }

    /// Applies journal read `read`: the runs, tokens and rotations at both ends it
    /// shows unfinished. False,
    /// and nothing changes, when a newer read was applied already.
    pub(super) fn journal_read(
        &mut self,
        read: u64,
        unfinished: Vec<crate::ops::rotation::UnfinishedRun>,
        unstored: Vec<crate::ops::rotation::UnstoredToken>,
        carrier: Vec<crate::ops::carrier_rotation::UnfinishedCarrierRun>,
    ) -> bool {
        if read < self.journal_read {
            return false;
        }
        self.journal_read = read;
        self.unfinished_runs = unfinished;
        self.unstored_tokens = unstored;
        self.unfinished_carrier = carrier;
        true
    }

    /// Keeps a mint stopped before its promotion, for `r` on a provider of its
    /// account to reopen.
    pub(super) fn park(&mut self, view: Box<RotationView>) {
        let sid = view.plan.account_sid.to_ascii_lowercase();
        self.parked_mints.insert(sid, view);
    }

    /// The mint parked for `account_sid` (whatever its case), taken back.
    pub(super) fn unpark(&mut self, account_sid: &str) -> Option<Box<RotationView>> {
        self.parked_mints.remove(&account_sid.to_ascii_lowercase())
    }
}

impl App {
    /// Applies a message of rotation `run` to its screen; one for a rotation whose
    /// screen is not open (closed, another one open) changes no screen.
    pub(super) fn on_rotation(&mut self, run: u64, msg: RotationMsg) -> Vec<Effect> {
        match msg {
            // Only the answer to the latest check counts: an abandoned one is ignored.
            RotationMsg::Checked { check_id, outcome } => {
                if self.rotation.checked(check_id) {
                    self.on_checked(outcome)
                } else {
                    Vec::new()
                }
            }
            RotationMsg::Progress(event) => {
                if let Some(view) = self.rotation_view_of(run) {
                    view.on_event(event);
                }
                Vec::new()
            }
            RotationMsg::Stage(stage) => {
                if let Some(view) = self.rotation_view_of(run) {
                    view.stage = stage;
                }
                Vec::new()
            }
            RotationMsg::Advanced(advanced) => self.on_advanced(run, advanced),
        }
    }

    /// A run is back from a step: its screen shows where it stands, the flash its
    /// outcome; a promoted token is this session's token of the account from now on.
    fn on_advanced(&mut self, id: u64, run: Box<RotationRun>) -> Vec<Effect> {
        if let RunStage::Promoted { token, .. } = run.stage() {
            self.session.promoted(run.account_sid(), token);
        }
        let (tone, text) = match run.stage() {
            // A plain rotation's flash: its summary in one line.
            RunStage::Deployed => {
                let lines = run.summary();
                let failed = run.failed_count() > 0;
                let text: Vec<String> = lines.into_iter().map(|l| l.text).collect();
                (
                    if failed { Tone::Error } else { Tone::Ok },
                    text.join(" — "),
                )
            }
            RunStage::Unfinished(_) => (
                Tone::Error,
                "a rotation of this account did not finish: see the rotation screen".into(),
            ),
            _ => run.outcome(),
        };
        if let Some(view) = self.rotation_view_of(id) {
            view.arrive(run);
        }
        self.set_flash(text, matches!(tone, Tone::Error | Tone::Warn));
        // The run journaled its steps itself: show them in Activity.
        vec![Job::LoadJournal.into()]
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
        if let Some(acc) = self.session.twilio_account(account_sid.trim()) {
            let setup = Arc::new(MintSetup {
                accounts_base: acc.twilio_accounts_base.clone(),
                store_cmd: acc.store_cmd.clone(),
            });
            let current = CurrentToken::Configured(acc.clone());
            return vec![self.check_current(account_sid, current, setup)];
        }
        let accounts_base =
            match crate::config::accounts_base_of(self.session.profiles(), &account_sid) {
                Ok(base) => base,
                Err(why) => {
                    self.set_flash(why.to_string(), true);
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
        self.rotation.forget_check();
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
        current: CurrentToken,
        setup: Arc<MintSetup>,
    ) -> Effect {
        let check_id = self.calls.next_id();
        self.rotation.start_check(check_id);
        self.set_flash("checking the current token with Twilio…", false);
        Job::rotation(
            check_id,
            RotationJob::CheckCurrent {
                check_id,
                profiles: self.session.profiles().to_vec(),
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
                self.status.clear_flash();
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
            ConfirmEvent::Confirm { .. } => {
                let run = self.calls.next_id();
                let view = RotationView::new(run, plan.clone(), mint.is_some());
                self.overlay = Some(Overlay::Rotation(Box::new(view)));
                let kind = match mint {
                    Some(setup) => RunKind::Mint(setup),
                    None => RunKind::Given,
                };
                let job = RotationJob::Start {
                    plan,
                    profiles: self.session.profiles().to_vec(),
                    token,
                    kind,
                    decision: Decision::Start,
                };
                vec![Job::rotation(run, job)]
            }
        }
    }

    pub(super) fn rotation_key(&mut self, view: Box<RotationView>, key: KeyEvent) -> Vec<Effect> {
        if view.running() {
            self.set_flash(
                "the rotation is running: its result shows when every target is done",
                false,
            );
            self.overlay = Some(Overlay::Rotation(view));
            return Vec::new();
        }
        if view.mints {
            return self.mint_key(view, key);
        }
        match key.code {
            KeyCode::Char('R') => self.decide(view, Decision::Retry),
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => self.reload(),
            _ => {
                self.overlay = Some(Overlay::Rotation(view));
                Vec::new()
            }
        }
    }

    /// Hands the run on screen `decision`, when it takes it now.
    fn decide(&mut self, mut view: Box<RotationView>, decision: Decision) -> Vec<Effect> {
        let id = view.id;
        let job = view
            .depart(decision)
            .map(|run| RotationJob::Decide { run, decision });
        self.overlay = Some(Overlay::Rotation(view));
        job.map(|job| Job::rotation(id, job)).into_iter().collect()
    }

    /// Keys of a zero-downtime rotation that is not busy: replace an existing
    /// secondary, retry, promote anyway, abort, reveal and copy the new token.
    fn mint_key(&mut self, mut view: Box<RotationView>, key: KeyEvent) -> Vec<Effect> {
        let failed = view.failed_count();
        let close = matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q'));
        let stored_ok = matches!(
            &view.stage,
            RunStage::Promoted {
                stored: Some(Ok(_)),
                ..
            }
        );
        let keys = &mut view.keys;
        match (&view.stage, key.code) {
            (RunStage::Unfinished(_), KeyCode::Char(key @ ('P' | 'D')))
                if keys.armed != Some(key) =>
            {
                keys.armed = Some(key);
            }
            (RunStage::NotMinted(_) | RunStage::Unfinished(_), KeyCode::Char('D')) => {
                return self.decide(view, Decision::Replace);
            }
            (RunStage::Blocked { .. }, KeyCode::Char('R')) if failed > 0 => {
                return self.decide(view, Decision::Retry);
            }
            (RunStage::Blocked { .. }, KeyCode::Char('P')) if !keys.confirm_force => {
                keys.confirm_force = true;
            }
            // Armed above, or a refused promotion tried again: the user chose to
            // promote, whatever the journal shows.
            (
                RunStage::Unfinished(_)
                | RunStage::Blocked { .. }
                | RunStage::PromotionFailed(NotPromoted::Refused(_)),
                KeyCode::Char('P'),
            ) => return self.decide(view, Decision::Promote { force: true }),
            (RunStage::Unfinished(_) | RunStage::Blocked { .. }, KeyCode::Char('A')) => {
                return self.decide(view, Decision::Abort);
            }
            // Only a token shown (not stored) can be revealed or copied.
            (RunStage::Promoted { .. }, KeyCode::Char('x')) if !stored_ok => {
                keys.revealed = !keys.revealed;
                keys.seen = true;
                // Hidden again after the usual delay, as a SIP password is.
                if keys.revealed {
                    self.timers.reveal(NEW_TOKEN.to_string());
                } else {
                    self.timers.hide();
                }
            }
            (RunStage::Promoted { token, .. }, KeyCode::Char('y')) if !stored_ok => {
                keys.seen = true;
                let copy = self.copy(token.clone(), "new auth token");
                self.overlay = Some(Overlay::Rotation(view));
                return vec![copy];
            }
            (RunStage::Promoted { .. }, _)
                if close && !stored_ok && !keys.seen && !keys.close_warned =>
            {
                keys.close_warned = true;
                self.set_flash(
                    "the new token was neither revealed, copied nor stored: close again and it \
                     is only in the Twilio console",
                    true,
                );
            }
            (RunStage::Blocked { .. }, _) if close => {
                // Parked: `r` on a provider of this account reopens it (P, A, R).
                self.rotation.park(view);
                self.set_flash(
                    "not promoted: both tokens keep working; r on a provider of this account \
                     reopens the rotation to promote or abort",
                    true,
                );
                return self.reload();
            }
            (RunStage::Unfinished(_), _) if close => {
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
        self.overlay = Some(Overlay::Rotation(view));
        Vec::new()
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
        if let Some(Overlay::Rotation(view)) = self.overlay.as_mut() {
            view.keys.revealed = false;
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
    let line = |t: &RotationTarget| {
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
        plan.confirmation(),
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

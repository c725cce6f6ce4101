//! Opening dialogs (forms, delete confirmations, secret prompts) and routing keys to
//! whatever overlay is open.

use super::{App, ConfirmTarget, Overlay, PromptPurpose, Tab};
use crate::config::Confirmation;
use crate::domain::validate;
use crate::tui::components::confirm::{ConfirmDialog, ConfirmEvent, ProfileTag};
use crate::tui::components::form::{Form, FormEvent};
use crate::tui::components::secret_prompt::{PromptEvent, SecretPrompt, SecretRule};
use crate::tui::runtime::effect::{Effect, Job, Request, RotationJob};
use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

impl App {
    pub(super) fn open_new_form(&mut self) -> Vec<Effect> {
        let form = match self.tables.tab {
            Tab::Sip => Form::new_sip(),
            _ => match self.session.profile() {
                Some(p) => Form::new_provider(&p.platform),
                None => return Vec::new(),
            },
        };
        self.overlay = Some(Overlay::Form {
            form: Box::new(form),
            job: None,
        });
        Vec::new()
    }

    pub(super) fn open_edit_form(&mut self) -> Vec<Effect> {
        let form = if let Some(s) = self.tables.selected_sip() {
            if let Some(blocker) = s.replacement_blocker() {
                self.set_flash(format!("cannot edit: {blocker}"), true);
                return Vec::new();
            }
            Form::edit_sip(&s)
        } else if let (Some(p), Some(profile)) =
            (self.tables.selected_provider(), self.session.profile())
        {
            Form::edit_provider(p, &profile.platform)
        } else {
            return Vec::new();
        };
        self.overlay = Some(Overlay::Form {
            form: Box::new(form),
            job: None,
        });
        Vec::new()
    }

    pub(super) fn start_delete(&mut self) -> Vec<Effect> {
        if let Some(s) = self.tables.selected_sip_row() {
            let (id, name) = (s.id().to_string(), s.display_name().to_string());
            self.set_flash(format!("checking what uses {name}…"), false);
            return self.call(Request::PlanSipDelete { id });
        }
        if let Some(p) = self.tables.selected_provider() {
            let (id, name) = (p.id.clone(), p.confirm_name());
            self.set_flash(format!("checking what goes with {name}…"), false);
            return self.call(Request::PlanProviderDelete { id });
        }
        Vec::new()
    }

    /// Opens the confirmation for `target` with `details` lines.
    pub(super) fn open_confirm(
        &mut self,
        target: ConfirmTarget,
        heading: Option<&str>,
        details: Vec<String>,
    ) {
        let Some(profile) = self.session.profile() else {
            return;
        };
        let (action, _) = target.action();
        let mut dialog = ConfirmDialog::new(
            action,
            target.kind(),
            target.name(),
            vec![ProfileTag {
                name: profile.name.clone(),
                production: profile.is_production(),
            }],
            Confirmation::for_item(profile, target.name()),
            details,
        );
        if let Some(h) = heading {
            dialog = dialog.with_heading([h]);
        }
        self.overlay = Some(Overlay::Confirm {
            dialog: Box::new(dialog),
            target,
            job: None,
        });
    }

    /// `r` on a credential that dials a Twilio trunk: `b` both ends (asked to
    /// confirm), `d` the platform only (the password prompt).
    fn sip_rotate_how_key(&mut self, id: String, name: String, key: KeyEvent) -> Vec<Effect> {
        match key.code {
            KeyCode::Char('b') => {
                // Both ends are read first: the question says what will be done.
                self.set_progress(format!("reading both ends of {name}…"));
                self.call(Request::PlanSipCarrier {
                    id,
                    name,
                    accounts: self.session.twilio_accounts().to_vec(),
                })
            }
            KeyCode::Char('d') => self.ask_sip_password(id, name),
            KeyCode::Esc | KeyCode::Char('q') => {
                self.set_flash("rotation cancelled: nothing was changed", false);
                Vec::new()
            }
            _ => {
                self.overlay = Some(Overlay::SipRotateHow { id, name });
                Vec::new()
            }
        }
    }

    /// The password prompt of a rotation on the platform only.
    fn ask_sip_password(&mut self, id: String, name: String) -> Vec<Effect> {
        let lines = vec![
            format!("New password for SIP credential \"{name}\"."),
            "Every other field and the id are kept. ctrl-g generates one.".to_string(),
            "The carrier end of the trunk must get the same password.".to_string(),
        ];
        let rule: SecretRule = validate::new_sip_password;
        let prompt = SecretPrompt::new("Rotate SIP password", "Password", lines, rule, true)
            .with_warning(validate::weak_sip_password);
        self.overlay = Some(Overlay::Prompt {
            prompt: Box::new(prompt),
            purpose: PromptPurpose::SipPassword { id, name },
            job: None,
        });
        Vec::new()
    }

    /// `r`: a new SIP password, or a Twilio token rotated on every profile.
    pub(super) fn start_rotation(&mut self) -> Vec<Effect> {
        if let Some(s) = self.tables.selected_sip_row() {
            let (id, name) = (s.id().to_string(), s.display_name().to_string());
            if !crate::ops::carrier::dials_a_twilio_trunk(s.server()) {
                return self.ask_sip_password(id, name);
            }
            // Both ends are offered unless the detail pane looked and found none.
            let missing = self
                .tables
                .detail(&id)
                .and_then(|d| d.carrier.as_ref())
                .and_then(crate::ops::carrier::CarrierEnd::missing);
            if let Some(why) = missing {
                self.set_flash(
                    format!(
                        "no carrier end to rotate at both ends ({why}): the platform only, and \
                         the carrier must get the new password too"
                    ),
                    true,
                );
                return self.ask_sip_password(id, name);
            }
            self.overlay = Some(Overlay::SipRotateHow { id, name });
            return Vec::new();
        }
        if let Some(p) = self.tables.selected_provider() {
            let account_sid = p.account_sid.clone();
            let parked = self.rotation.unpark(&account_sid);
            self.overlay = Some(match parked {
                // A mint stopped before its promotion: back to it.
                Some(view) => Overlay::Rotation(view),
                None => Overlay::RotateHow { account_sid },
            });
        }
        Vec::new()
    }

    /// "I already have the new token": the masked prompt for it.
    pub(super) fn ask_new_twilio_token(&mut self, account_sid: String) -> Vec<Effect> {
        let (prompt, purpose) = {
            let lines = vec![
                format!("New auth token for {account_sid}."),
                "Twilio checks it first. Then every provider using this account,".to_string(),
                "on every profile, is listed for one confirmation.".to_string(),
            ];
            let rule: SecretRule = validate::auth_token;
            let prompt =
                SecretPrompt::new("Rotate Twilio auth token", "New token", lines, rule, false);
            // A check still running for an abandoned prompt must not answer this one.
            self.rotation.forget_check();
            (prompt, PromptPurpose::TwilioToken { account_sid })
        };
        self.overlay = Some(Overlay::Prompt {
            prompt: Box::new(prompt),
            purpose,
            job: None,
        });
        Vec::new()
    }

    /// Routes pasted text (bracketed paste) to the open input, if any.
    pub fn handle_paste(&mut self, text: &str) {
        let insert = |input: &mut tui_input::Input| {
            for c in text.chars().filter(|c| !c.is_control()) {
                input.handle(tui_input::InputRequest::InsertChar(c));
            }
        };
        match self.overlay.as_mut() {
            Some(Overlay::Form { form, .. }) => form.handle_paste(text),
            Some(Overlay::Prompt { prompt, .. }) => prompt.handle_paste(text),
            Some(Overlay::Command(line)) => line.paste(text),
            Some(Overlay::Filter(input)) => {
                insert(input);
                self.tables.current_list_mut().set_filter(input.value());
            }
            _ => {}
        }
    }

    /// `p`: which credentials (the marked ones, else the selected one) and whether
    /// to check their passwords too, asked in a small dialog.
    pub(super) fn ask_probe(&mut self) -> Vec<Effect> {
        let targets = self.tables.probe_targets();
        if !targets.is_empty() {
            self.overlay = Some(Overlay::ProbeAsk { targets });
        }
        Vec::new()
    }

    fn probe_key(&mut self, targets: Vec<(String, String)>, key: KeyEvent) -> Vec<Effect> {
        let register = match key.code {
            KeyCode::Enter => false,
            KeyCode::Char('r') => true,
            KeyCode::Esc => return Vec::new(),
            _ => {
                self.overlay = Some(Overlay::ProbeAsk { targets });
                return Vec::new();
            }
        };
        self.tables.sip.clear_marks();
        let n = targets.len();
        let mut effects = Vec::new();
        for (id, name) in targets {
            effects.extend(self.call(Request::ProbeSip { id, name, register }));
        }
        self.set_flash(
            format!(
                "probing {n} SIP credential{}{}…",
                if n == 1 { "" } else { "s" },
                if register { " with REGISTER" } else { "" }
            ),
            false,
        );
        effects
    }

    /// Routes a key to the open overlay.
    pub(super) fn overlay_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(overlay) = self.overlay.take() else {
            return Vec::new();
        };
        match overlay {
            Overlay::Help { scroll } => {
                let help_key = self
                    .settings
                    .keymap()
                    .lookup(&key)
                    .is_some_and(|s| s.action == crate::tui::app::action::UserAction::Help);
                let closes = matches!(key.code, KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter);
                if !(closes || help_key) {
                    let scroll = self.settings.scrolled(&key, scroll).unwrap_or(scroll);
                    self.overlay = Some(Overlay::Help { scroll });
                }
                Vec::new()
            }
            Overlay::Messages { scroll } => {
                let closes = matches!(key.code, KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter);
                if !closes {
                    let scroll = self.settings.scrolled(&key, scroll).unwrap_or(scroll);
                    self.overlay = Some(Overlay::Messages { scroll });
                }
                Vec::new()
            }
            Overlay::Form { form, job } => self.form_key(form, job, key),
            Overlay::Confirm {
                dialog,
                target,
                job,
            } => self.confirm_key(dialog, target, job, key),
            Overlay::Prompt {
                prompt,
                purpose,
                job,
            } => self.prompt_key(prompt, purpose, job, key),
            Overlay::RotationPlan {
                dialog,
                plan,
                token,
                mint,
            } => self.rotation_plan_key(dialog, plan, token, mint, key),
            Overlay::RotateHow { account_sid } => self.rotate_how_key(account_sid, key),
            Overlay::SipRotateHow { id, name } => self.sip_rotate_how_key(id, name, key),
            Overlay::Report {
                title,
                lines,
                scroll,
            } => {
                if !matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q')) {
                    let scroll = self.settings.scrolled(&key, scroll).unwrap_or(scroll);
                    self.overlay = Some(Overlay::Report {
                        title,
                        lines,
                        scroll,
                    });
                }
                Vec::new()
            }
            Overlay::Rotation(view) => self.rotation_key(view, key),
            Overlay::Picker { selected } => self.picker_key(key, selected),
            Overlay::Sort { selected } => self.sort_key(key, selected),
            Overlay::ProbeAsk { targets } => self.probe_key(targets, key),
            Overlay::Doctor(view) => self.doctor_key(view, key),
            Overlay::Command(mut line) => match key.code {
                KeyCode::Esc => Vec::new(),
                KeyCode::Enter => self.run_command(line.value().trim().to_string()),
                _ => {
                    let profiles = self.session.profile_names();
                    line.handle_key(key, &profiles);
                    self.overlay = Some(Overlay::Command(line));
                    Vec::new()
                }
            },
            Overlay::Filter(mut input) => {
                match key.code {
                    KeyCode::Esc => self.tables.current_list_mut().set_filter(""),
                    KeyCode::Enter => {}
                    _ => {
                        input.handle_event(&Event::Key(key));
                        self.tables.current_list_mut().set_filter(input.value());
                        self.overlay = Some(Overlay::Filter(input));
                    }
                }
                Vec::new()
            }
        }
    }

    /// Esc on a dialog whose call is in flight: it closes, the call goes on, and its
    /// result is reported in the flash line.
    fn left_busy(&mut self, what: &str) -> Vec<Effect> {
        self.set_flash(format!("still {what}: the result will show here"), false);
        Vec::new()
    }

    fn form_key(&mut self, mut form: Box<Form>, job: Option<u64>, key: KeyEvent) -> Vec<Effect> {
        if job.is_some() && key.code == KeyCode::Esc {
            return self.left_busy("saving");
        }
        match form.handle_key(key) {
            FormEvent::None => {
                self.overlay = Some(Overlay::Form { form, job });
                Vec::new()
            }
            FormEvent::Cancel => Vec::new(),
            FormEvent::Submit(submission) => match self.start(Request::Save(submission)) {
                Ok((job, effect)) => {
                    self.overlay = Some(Overlay::Form {
                        form,
                        job: Some(job),
                    });
                    vec![effect]
                }
                Err(why) => {
                    // Nothing was sent: the input stays, with the reason.
                    form.apply_platform_error(&why.to_string(), &[]);
                    self.overlay = Some(Overlay::Form { form, job: None });
                    Vec::new()
                }
            },
        }
    }

    fn confirm_key(
        &mut self,
        mut dialog: Box<ConfirmDialog>,
        target: ConfirmTarget,
        job: Option<u64>,
        key: KeyEvent,
    ) -> Vec<Effect> {
        if job.is_some() && key.code == KeyCode::Esc {
            return self.left_busy(match target {
                ConfirmTarget::SipPassword { .. } | ConfirmTarget::SipCarrier { .. } => "rotating",
                _ => "deleting",
            });
        }
        match dialog.handle_key(key) {
            ConfirmEvent::None => {
                self.overlay = Some(Overlay::Confirm {
                    dialog,
                    target,
                    job,
                });
                Vec::new()
            }
            ConfirmEvent::Cancel => {
                self.set_flash(target.action().1, false);
                Vec::new()
            }
            ConfirmEvent::Confirm { force } => {
                let request = match &target {
                    ConfirmTarget::SipPassword { id, name, password } => {
                        Request::RotateSipPassword {
                            id: id.clone(),
                            name: name.clone(),
                            password: password.clone(),
                        }
                    }
                    ConfirmTarget::SipCarrier { name, plan } => Request::RotateSipCarrier {
                        name: name.clone(),
                        plan: plan.clone(),
                        accounts: self.session.twilio_accounts().to_vec(),
                    },
                    ConfirmTarget::Sip(plan) => Request::DeleteSip {
                        plan: plan.clone(),
                        force,
                    },
                    ConfirmTarget::Provider(plan) => Request::DeleteProvider(plan.clone()),
                };
                match self.start(request) {
                    Ok((job, effect)) => {
                        dialog.set_busy(true);
                        self.overlay = Some(Overlay::Confirm {
                            dialog,
                            target,
                            job: Some(job),
                        });
                        vec![effect]
                    }
                    Err(why) => {
                        self.set_flash(format!("{why}: {}", target.action().1), true);
                        self.overlay = Some(Overlay::Confirm {
                            dialog,
                            target,
                            job: None,
                        });
                        Vec::new()
                    }
                }
            }
        }
    }

    fn prompt_key(
        &mut self,
        mut prompt: Box<SecretPrompt>,
        purpose: PromptPurpose,
        job: Option<u64>,
        key: KeyEvent,
    ) -> Vec<Effect> {
        if job.is_some() && key.code == KeyCode::Esc {
            return self.left_busy("working");
        }
        match prompt.handle_key(key) {
            PromptEvent::None => {
                self.overlay = Some(Overlay::Prompt {
                    prompt,
                    purpose,
                    job,
                });
                Vec::new()
            }
            PromptEvent::Cancel => {
                self.set_flash("nothing was changed", false);
                Vec::new()
            }
            PromptEvent::Submit(secret) => {
                match &purpose {
                    PromptPurpose::SipPassword { id, name }
                        if self.session.profile().is_some_and(|p| p.is_production()) =>
                    {
                        // The typed password waits in the dialog, never sent before ⏎.
                        let target = ConfirmTarget::SipPassword {
                            id: id.clone(),
                            name: name.clone(),
                            password: secret,
                        };
                        let lines = vec![
                            "Every other field and the id are kept.".to_string(),
                            "The carrier end of the trunk must get the same password:".to_string(),
                            "until it does, calls through this trunk are refused.".to_string(),
                        ];
                        self.open_confirm(target, None, lines);
                        Vec::new()
                    }
                    PromptPurpose::SipPassword { id, name } => {
                        let request = Request::RotateSipPassword {
                            id: id.clone(),
                            name: name.clone(),
                            password: secret,
                        };
                        let (job, effects) = match self.start(request) {
                            Ok((job, effect)) => {
                                prompt.set_busy(true);
                                (Some(job), vec![effect])
                            }
                            Err(why) => {
                                // Nothing was sent: the typed password stays.
                                prompt.set_note(&why.to_string());
                                (None, Vec::new())
                            }
                        };
                        self.overlay = Some(Overlay::Prompt {
                            prompt,
                            purpose,
                            job,
                        });
                        effects
                    }
                    PromptPurpose::TwilioCurrentToken { account_sid, setup } => {
                        prompt.set_busy(true);
                        let job = self.check_current(
                            account_sid.clone(),
                            crate::ops::rotation::CurrentToken::Typed(secret),
                            setup.clone(),
                        );
                        self.overlay = Some(Overlay::Prompt {
                            prompt,
                            purpose,
                            job: None,
                        });
                        vec![job]
                    }
                    PromptPurpose::TwilioToken { account_sid } => {
                        prompt.set_busy(true);
                        let check_id = self.calls.next_id();
                        let job = RotationJob::Check {
                            check_id,
                            profiles: self.session.profiles().to_vec(),
                            account_sid: account_sid.clone(),
                            token: secret,
                        };
                        self.set_flash("checking the token with Twilio…", false);
                        self.rotation.start_check(check_id);
                        self.overlay = Some(Overlay::Prompt {
                            prompt,
                            purpose,
                            job: None,
                        });
                        vec![Job::Rotation { run: check_id, job }.into()]
                    }
                }
            }
        }
    }
}

//! Key handling: overlays first, then the action table.

use super::{App, DeleteTarget, Focus, Overlay, PromptPurpose, SECRET_TTL, Tab};
use crate::domain::validate;
use crate::secret::Secret;
use crate::tui::action::{self, Action, ActionSpec, Scope};
use crate::tui::confirm::ConfirmEvent;
use crate::tui::effect::{Effect, Request};
use crate::tui::form::{Form, FormEvent};
use crate::tui::secret_prompt::{PromptEvent, SecretPrompt};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::time::Instant;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// Rows moved by PgUp/PgDn.
const PAGE: isize = 10;

impl App {
    /// Handles one key press and returns the effects it causes.
    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.should_quit = true;
            return Vec::new();
        }
        if self.overlay.is_some() {
            return self.overlay_key(key);
        }
        match action::lookup(&key) {
            Some(spec) if self.is_available(spec) => self.perform(spec.action),
            Some(spec) if spec.mutates && self.readonly() => {
                self.set_flash("read-only profile: nothing can be changed here", true);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// True when an action can run right now (drives dispatch, hints and help).
    pub fn is_available(&self, spec: &ActionSpec) -> bool {
        if spec.mutates && self.readonly() {
            return false;
        }
        let caps = self.caps();
        let provider = self.selected_provider();
        let sip = self.selected_sip();
        let base = match spec.scope {
            Scope::Global => true,
            Scope::Row => provider.is_some() || sip.is_some(),
            Scope::ProviderRow => provider.is_some(),
            Scope::SipRow => sip.is_some(),
            Scope::Creatable => {
                self.tab == Tab::Providers || (self.tab == Tab::Sip && caps.sip_credentials)
            }
        };
        base && match spec.action {
            Action::Edit | Action::Delete => sip.is_none_or(|s| !s.is_read_only()),
            Action::Rotate => sip.is_some_and(|s| !s.is_read_only()),
            Action::Verify | Action::Mark => caps.verification,
            Action::Reveal => sip.is_some_and(|s| s.auth_password.is_some()),
            Action::Sort => self.tab != Tab::Activity,
            Action::TabSip => caps.sip_credentials,
            Action::Profiles => self.profiles.len() > 1,
            _ => true,
        }
    }

    /// The actions available now, in table order (for hints and help).
    pub fn available_actions(&self) -> Vec<&'static ActionSpec> {
        action::ACTIONS
            .iter()
            .filter(|s| self.is_available(s))
            .collect()
    }

    fn perform(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit if self.focus == Focus::Detail => {
                self.focus = Focus::Table;
                Vec::new()
            }
            Action::Quit => {
                self.should_quit = true;
                Vec::new()
            }
            Action::Back => {
                if self.focus == Focus::Detail {
                    self.focus = Focus::Table;
                } else {
                    self.set_current_filter("");
                }
                Vec::new()
            }
            Action::ForceQuit => {
                self.should_quit = true;
                Vec::new()
            }
            Action::Help => {
                self.overlay = Some(Overlay::Help);
                Vec::new()
            }
            Action::Command => {
                self.overlay = Some(Overlay::Command(Input::default()));
                Vec::new()
            }
            Action::Filter => {
                let current = self.current_filter().to_string();
                self.overlay = Some(Overlay::Filter(Input::new(current)));
                Vec::new()
            }
            Action::Profiles => {
                self.overlay = Some(Overlay::Picker {
                    selected: self.current,
                });
                Vec::new()
            }
            Action::TabProviders => self.set_tab(Tab::Providers),
            Action::TabSip => self.set_tab(Tab::Sip),
            Action::TabVerification => self.set_tab(Tab::Verification),
            Action::TabActivity => self.set_tab(Tab::Activity),
            Action::NextTab => {
                let tabs: Vec<Tab> = Tab::ALL
                    .into_iter()
                    .filter(|t| *t != Tab::Sip || self.caps().sip_credentials)
                    .collect();
                let i = tabs.iter().position(|t| *t == self.tab).unwrap_or(0);
                self.set_tab(tabs[(i + 1) % tabs.len()])
            }
            Action::FocusPane => {
                self.focus = if self.focus == Focus::Table {
                    Focus::Detail
                } else {
                    Focus::Table
                };
                Vec::new()
            }
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-PAGE),
            Action::PageDown => self.move_cursor(PAGE),
            Action::Top => self.move_cursor(isize::MIN / 2),
            Action::Bottom => self.move_cursor(isize::MAX / 2),
            Action::Refresh => {
                self.set_flash("refreshing…", false);
                self.reload()
            }
            Action::Open => self.open_detail(),
            Action::New => self.open_new_form(),
            Action::Edit => self.open_edit_form(),
            Action::Delete => self.start_delete(),
            Action::Verify => self.verify_selected(),
            Action::Rotate => self.start_rotation(),
            Action::Mark => {
                if let Some(list) = self.provider_list_mut() {
                    list.toggle_mark();
                    list.move_by(1);
                }
                Vec::new()
            }
            Action::Reveal => {
                if let Some(id) = self.selected_sip().map(|s| s.id.clone()) {
                    if self.is_revealed(&id) {
                        self.revealed = None;
                    } else {
                        self.revealed = Some((id, Instant::now() + SECRET_TTL));
                        self.set_flash("password revealed for 30 s (x hides it)", false);
                    }
                }
                Vec::new()
            }
            Action::Copy => self.copy_selected(),
            Action::Sort => {
                let columns = match self.tab {
                    Tab::Sip => crate::tui::rows::SIP_COLUMNS.len(),
                    _ => crate::tui::rows::PROVIDER_COLUMNS.len(),
                };
                let next = |s: Option<crate::tui::list::Sort>| match s {
                    Some(s) if s.descending => (s.column + 1) % columns,
                    Some(s) => s.column,
                    None => 0,
                };
                match self.tab {
                    Tab::Sip => {
                        let c = next(self.sip.sort());
                        self.sip.sort_by(c)
                    }
                    _ => {
                        if let Some(list) = self.provider_list_mut() {
                            let c = next(list.sort());
                            list.sort_by(c);
                        }
                    }
                }
                Vec::new()
            }
        }
    }

    fn set_tab(&mut self, tab: Tab) -> Vec<Effect> {
        if self.tab != tab {
            self.tab = tab;
            self.focus = Focus::Table;
            self.detail = None;
            self.detail_scroll = 0;
        }
        Vec::new()
    }

    fn move_cursor(&mut self, delta: isize) -> Vec<Effect> {
        if self.focus == Focus::Detail {
            let scroll = (self.detail_scroll as isize + delta).clamp(0, u16::MAX as isize);
            self.detail_scroll = scroll as u16;
            return Vec::new();
        }
        match self.tab {
            Tab::Providers => self.providers.move_by(delta),
            Tab::Sip => self.sip.move_by(delta),
            Tab::Verification => self.verification.move_by(delta),
            Tab::Activity => self.activity.move_by(delta),
        }
        self.detail_scroll = 0;
        Vec::new()
    }

    fn current_filter(&self) -> &str {
        match self.tab {
            Tab::Providers => self.providers.filter(),
            Tab::Sip => self.sip.filter(),
            Tab::Verification => self.verification.filter(),
            Tab::Activity => self.activity.filter(),
        }
    }

    fn set_current_filter(&mut self, text: &str) {
        match self.tab {
            Tab::Providers => self.providers.set_filter(text),
            Tab::Sip => self.sip.set_filter(text),
            Tab::Verification => self.verification.set_filter(text),
            Tab::Activity => self.activity.set_filter(text),
        }
    }

    fn open_detail(&mut self) -> Vec<Effect> {
        self.focus = Focus::Detail;
        self.detail_scroll = 0;
        if let Some(id) = self.selected_provider().map(|p| p.id.clone()) {
            if self.caps().verification {
                self.detail = Some(super::DetailExtra {
                    id: id.clone(),
                    ..Default::default()
                });
                return self.call(Request::ProviderNumbers {
                    id,
                    for_delete: false,
                });
            }
        } else if let Some(id) = self.selected_sip().map(|s| s.id.clone()) {
            self.detail = Some(super::DetailExtra {
                id: id.clone(),
                ..Default::default()
            });
            return self.call(Request::SipDependants {
                id,
                for_delete: false,
            });
        }
        Vec::new()
    }

    fn open_new_form(&mut self) -> Vec<Effect> {
        let form = match self.tab {
            Tab::Sip => Form::new_sip(),
            _ => match self.profile() {
                Some(p) => Form::new_provider(&p.platform),
                None => return Vec::new(),
            },
        };
        self.overlay = Some(Overlay::Form(Box::new(form)));
        Vec::new()
    }

    fn open_edit_form(&mut self) -> Vec<Effect> {
        let form = if let Some(s) = self.selected_sip() {
            Form::edit_sip(s)
        } else if let (Some(p), Some(profile)) = (self.selected_provider(), self.profile()) {
            Form::edit_provider(p, &profile.platform)
        } else {
            return Vec::new();
        };
        self.overlay = Some(Overlay::Form(Box::new(form)));
        Vec::new()
    }

    fn start_delete(&mut self) -> Vec<Effect> {
        if let Some(s) = self.selected_sip() {
            let (id, name) = (s.id.clone(), s.display_name());
            self.set_flash(format!("checking what uses {name}…"), false);
            return self.call(Request::SipDependants {
                id,
                for_delete: true,
            });
        }
        if let Some(p) = self.selected_provider() {
            let (id, name) = (p.id.clone(), p.display_name());
            if !self.caps().verification {
                // Unpod lists no phone numbers per configuration: confirm right away.
                self.open_confirm(
                    DeleteTarget::Provider { id, name },
                    vec!["nothing is listed as depending on it".into()],
                );
                return Vec::new();
            }
            self.set_flash(format!("checking what uses {name}…"), false);
            return self.call(Request::ProviderNumbers {
                id,
                for_delete: true,
            });
        }
        Vec::new()
    }

    /// Opens the delete confirmation for `target` with `details` lines.
    pub(super) fn open_confirm(&mut self, target: DeleteTarget, details: Vec<String>) {
        let Some(profile) = self.profile() else {
            return;
        };
        let (action, name) = match &target {
            DeleteTarget::Sip { name, .. } => ("Delete SIP credential", name.clone()),
            DeleteTarget::Provider { name, .. } => ("Delete provider", name.clone()),
        };
        let dialog = crate::tui::confirm::ConfirmDialog::new(
            action,
            &name,
            &profile.name,
            profile.is_production(),
            profile.protected,
            details,
        );
        self.overlay = Some(Overlay::Confirm {
            dialog: Box::new(dialog),
            target,
        });
    }

    fn start_rotation(&mut self) -> Vec<Effect> {
        if let Some(s) = self.selected_sip() {
            let (id, name) = (s.id.clone(), s.display_name());
            let lines = vec![
                format!("New password for SIP credential \"{name}\"."),
                "Every other field and the id are kept. ctrl-g generates one.".to_string(),
            ];
            let rule: crate::tui::secret_prompt::SecretRule =
                |s| validate::sip_password(&Some(s.clone()));
            let prompt = SecretPrompt::new("Rotate SIP password", "Password", lines, rule, true);
            self.overlay = Some(Overlay::Prompt {
                prompt: Box::new(prompt),
                purpose: PromptPurpose::SipPassword { id, name },
            });
        }
        Vec::new()
    }

    fn verify_selected(&mut self) -> Vec<Effect> {
        let Some(list) = self.provider_list_mut() else {
            return Vec::new();
        };
        let mut ids = list.marked_ids();
        if ids.is_empty() {
            ids = list
                .selected_item()
                .map(|p| p.id.clone())
                .into_iter()
                .collect();
        }
        list.clear_marks();
        let mut effects = Vec::new();
        for id in ids {
            if self.verifying.insert(id.clone()) {
                effects.extend(self.call(Request::Verify { id }));
            }
        }
        effects
    }

    fn copy_selected(&mut self) -> Vec<Effect> {
        let (text, what) = if let Some(s) = self.selected_sip() {
            match &s.auth_password {
                Some(p) => (p.clone(), "SIP password"),
                None => (Secret::new(s.server.clone()), "server"),
            }
        } else if let Some(p) = self.selected_provider() {
            (Secret::new(p.account_sid.clone()), "Account SID")
        } else {
            return Vec::new();
        };
        self.clipboard_clear_at = Some(Instant::now() + SECRET_TTL);
        self.set_flash(
            format!("{what} copied: the clipboard clears in 30 s"),
            false,
        );
        vec![Effect::Copy(text)]
    }

    fn overlay_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(overlay) = self.overlay.take() else {
            return Vec::new();
        };
        match overlay {
            Overlay::Help => {
                if !matches!(
                    key.code,
                    KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter
                ) {
                    self.overlay = Some(Overlay::Help);
                }
                Vec::new()
            }
            Overlay::Form(mut form) => match form.handle_key(key) {
                FormEvent::None => {
                    self.overlay = Some(Overlay::Form(form));
                    Vec::new()
                }
                FormEvent::Cancel => Vec::new(),
                FormEvent::Submit(submission) => {
                    form.set_submitting(true);
                    self.overlay = Some(Overlay::Form(form));
                    self.call(Request::Save(submission))
                }
            },
            Overlay::Confirm { mut dialog, target } => match dialog.handle_key(key) {
                ConfirmEvent::None => {
                    self.overlay = Some(Overlay::Confirm { dialog, target });
                    Vec::new()
                }
                ConfirmEvent::Cancel => {
                    self.set_flash("nothing was deleted", false);
                    Vec::new()
                }
                ConfirmEvent::Confirm { force } => {
                    dialog.set_busy(true);
                    let request = match &target {
                        DeleteTarget::Sip { id, name } => Request::DeleteSip {
                            id: id.clone(),
                            name: name.clone(),
                            force,
                        },
                        DeleteTarget::Provider { id, name } => Request::DeleteProvider {
                            id: id.clone(),
                            name: name.clone(),
                        },
                    };
                    self.overlay = Some(Overlay::Confirm { dialog, target });
                    self.call(request)
                }
            },
            Overlay::Prompt {
                mut prompt,
                purpose,
            } => match prompt.handle_key(key) {
                PromptEvent::None => {
                    self.overlay = Some(Overlay::Prompt { prompt, purpose });
                    Vec::new()
                }
                PromptEvent::Cancel => {
                    self.set_flash("nothing was changed", false);
                    Vec::new()
                }
                PromptEvent::Submit(secret) => {
                    prompt.set_busy(true);
                    let request = match &purpose {
                        PromptPurpose::SipPassword { id, name } => Request::RotateSipPassword {
                            id: id.clone(),
                            name: name.clone(),
                            password: secret,
                        },
                    };
                    self.overlay = Some(Overlay::Prompt { prompt, purpose });
                    self.call(request)
                }
            },
            Overlay::Picker { selected } => self.picker_key(key, selected),
            Overlay::Command(mut input) => match key.code {
                KeyCode::Esc => Vec::new(),
                KeyCode::Enter => self.run_command(input.value().trim().to_string()),
                _ => {
                    input.handle_event(&Event::Key(key));
                    self.overlay = Some(Overlay::Command(input));
                    Vec::new()
                }
            },
            Overlay::Filter(mut input) => {
                match key.code {
                    KeyCode::Esc => self.set_current_filter(""),
                    KeyCode::Enter => {}
                    _ => {
                        input.handle_event(&Event::Key(key));
                        self.set_current_filter(input.value());
                        self.overlay = Some(Overlay::Filter(input));
                    }
                }
                Vec::new()
            }
        }
    }

    fn picker_key(&mut self, key: KeyEvent, selected: usize) -> Vec<Effect> {
        let last = self.profiles.len().saturating_sub(1);
        let keep = |app: &mut App, s: usize| {
            app.overlay = Some(Overlay::Picker { selected: s });
            Vec::new()
        };
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => Vec::new(),
            KeyCode::Up | KeyCode::Char('k') => keep(self, selected.saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => keep(self, (selected + 1).min(last)),
            KeyCode::Enter if selected == self.current => Vec::new(),
            KeyCode::Enter => self.switch_profile(selected),
            _ => keep(self, selected),
        }
    }

    /// Runs a `:` command: `providers`, `sip`, `verification`, `activity`, `ctx [NAME]`, `help`, `q`.
    pub fn run_command(&mut self, line: String) -> Vec<Effect> {
        let mut words = line.split_whitespace();
        let (cmd, arg) = (words.next().unwrap_or(""), words.next());
        match (cmd, arg) {
            ("", _) => Vec::new(),
            ("providers" | "provider" | "prov" | "p", _) => self.set_tab(Tab::Providers),
            ("sip", _) if self.caps().sip_credentials => self.set_tab(Tab::Sip),
            ("sip", _) => {
                self.set_flash("this platform has no SIP credentials", true);
                Vec::new()
            }
            ("verification" | "verify" | "ver" | "v", _) => self.set_tab(Tab::Verification),
            ("activity" | "act" | "a", _) => self.set_tab(Tab::Activity),
            ("help" | "h", _) => {
                self.overlay = Some(Overlay::Help);
                Vec::new()
            }
            ("q" | "quit" | "q!", _) => {
                self.should_quit = true;
                Vec::new()
            }
            ("ctx" | "context" | "profile", None) => {
                self.overlay = Some(Overlay::Picker {
                    selected: self.current,
                });
                Vec::new()
            }
            ("ctx" | "context" | "profile", Some(name)) => {
                match self.profiles.iter().position(|p| p.name == name) {
                    Some(i) if i == self.current => Vec::new(),
                    Some(i) => self.switch_profile(i),
                    None => {
                        let known: Vec<&str> =
                            self.profiles.iter().map(|p| p.name.as_str()).collect();
                        self.set_flash(
                            format!("no profile \"{name}\" (known: {})", known.join(", ")),
                            true,
                        );
                        Vec::new()
                    }
                }
            }
            _ => {
                self.set_flash(format!("unknown command \"{cmd}\": try providers, sip, verification, activity, ctx, help, q"), true);
                Vec::new()
            }
        }
    }
}

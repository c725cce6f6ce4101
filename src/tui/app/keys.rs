//! Key handling on the main screen: overlays first, then the action table.

use super::tables::PAGE;
use super::{App, DetailExtra, Focus, Tab};
use crate::secret::Secret;
use crate::tui::app::action::{self, ActionSpec, Scope, UserAction};
use crate::tui::app::keymap::Keymap;
use crate::tui::app::sip_row::SipRow;
use crate::tui::runtime::effect::{Effect, Request};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;

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
        match self.settings.keymap().lookup(&key) {
            Some(spec) if self.is_available(spec) => {
                self.status.drop_stale();
                self.perform(spec.action)
            }
            Some(spec) => {
                let reason = if spec.mutates && self.session.readonly() {
                    "read-only profile: nothing can be changed here".to_string()
                } else if spec.mutates && self.session.connect_error.is_some() {
                    let retry = self.settings.retry_key();
                    format!("{}: not connected ({retry} retries)", spec.label)
                } else {
                    format!("{}: {}", spec.label, self.unavailable_reason(spec.action))
                };
                self.set_flash(reason, true);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// True when an action can run right now (drives dispatch, hints and help).
    pub fn is_available(&self, spec: &ActionSpec) -> bool {
        // A profile that could not connect offers no change (while it is still
        // connecting, a form may be filled in: its save then says why it waits).
        if spec.mutates && (self.session.readonly() || self.session.connect_error.is_some()) {
            return false;
        }
        let caps = self.session.caps();
        let provider = self.tables.selected_provider();
        let sip = self.tables.selected_sip_row();
        let base = match spec.scope {
            Scope::Global => true,
            Scope::Row => provider.is_some() || sip.is_some(),
            Scope::ProviderRow => provider.is_some(),
            Scope::SipRow => sip.is_some(),
            // Not while the tab's list could not be loaded: the platform is out of reach.
            Scope::Creatable => match self.tables.tab {
                Tab::Providers => self.tables.providers.error.is_none(),
                Tab::Sip => caps.sip_credentials && self.tables.sip.error.is_none(),
                _ => false,
            },
        };
        base && match spec.action {
            UserAction::Edit | UserAction::Delete | UserAction::Rotate => {
                sip.is_none_or(|s| !s.is_read_only())
            }
            UserAction::Verify => caps.verification,
            UserAction::Mark => caps.verification || self.tables.tab == Tab::Sip,
            UserAction::VerifyAll => {
                caps.verification
                    && self.tables.tab == Tab::Verification
                    && !self.tables.verification.is_empty()
            }
            UserAction::Reveal => sip.is_some_and(SipRow::has_password),
            UserAction::Sort => self.tables.tab != Tab::Activity,
            UserAction::TabSip => caps.sip_credentials,
            UserAction::Profiles => self.session.profiles().len() > 1,
            _ => true,
        }
    }

    /// Why an action is not available here, in words.
    fn unavailable_reason(&self, action: UserAction) -> String {
        let sip = self.tables.selected_sip_row();
        let why = match action {
            UserAction::Verify | UserAction::Mark | UserAction::VerifyAll
                if !self.session.caps().verification =>
            {
                "this platform has no verification"
            }
            UserAction::VerifyAll => {
                let tab = self.settings.keymap().label(UserAction::TabVerification);
                return format!("from the Verification tab ({tab})");
            }
            UserAction::TabSip => "this platform has no SIP credentials",
            UserAction::Edit | UserAction::Delete | UserAction::Rotate
                if sip.is_some_and(|s| s.is_read_only()) =>
            {
                "managed by its provider: change the provider instead"
            }
            UserAction::Reveal if sip.is_some() => "this credential has no password",
            UserAction::Profiles => "only one profile is configured",
            _ => "not available here",
        };
        why.to_string()
    }

    /// Uses `keymap` from now on (from the config's `[keys]`).
    pub fn set_keymap(&mut self, keymap: Keymap) {
        self.settings.set_keymap(keymap);
    }

    /// The actions available now, in table order (for hints and help).
    pub fn available_actions(&self) -> Vec<&'static ActionSpec> {
        action::ACTIONS
            .iter()
            .filter(|s| self.is_available(s))
            .collect()
    }

    fn perform(&mut self, action: UserAction) -> Vec<Effect> {
        match action {
            UserAction::Quit | UserAction::Back if self.tables.focus() == Focus::Detail => {
                // Back to the table.
                self.tables.toggle_focus();
                Vec::new()
            }
            UserAction::Quit | UserAction::ForceQuit => {
                self.should_quit = true;
                Vec::new()
            }
            UserAction::Back => {
                self.tables.current_list_mut().set_filter("");
                Vec::new()
            }
            UserAction::Help => self.open(super::Overlay::Help { scroll: 0 }),
            UserAction::Command => self.open(super::Overlay::Command(Default::default())),
            UserAction::Filter => {
                let current = self.tables.current_list().filter().to_string();
                self.open(super::Overlay::Filter(Input::new(current)))
            }
            UserAction::Profiles => self.open(super::Overlay::Picker {
                selected: self.session.current(),
            }),
            UserAction::TabProviders => self.set_tab(Tab::Providers),
            UserAction::TabSip => self.set_tab(Tab::Sip),
            UserAction::TabVerification => self.set_tab(Tab::Verification),
            UserAction::TabActivity => self.set_tab(Tab::Activity),
            UserAction::NextTab | UserAction::PrevTab => {
                let step = if action == UserAction::NextTab { 1 } else { -1 };
                let with_sip = self.session.caps().sip_credentials;
                self.tables.step_tab(step, with_sip);
                Vec::new()
            }
            UserAction::FocusPane => {
                self.tables.toggle_focus();
                Vec::new()
            }
            UserAction::Up => self.move_cursor(-1),
            UserAction::Down => self.move_cursor(1),
            UserAction::PageUp => self.move_cursor(-PAGE),
            UserAction::PageDown => self.move_cursor(PAGE),
            UserAction::Top | UserAction::Bottom => {
                self.tables.jump(action == UserAction::Top);
                Vec::new()
            }
            UserAction::Refresh if self.session.connect_error.is_some() => {
                // Not connected: refreshing means connecting again.
                let effects = self.switch_profile(self.session.current());
                self.set_progress("connecting…");
                effects
            }
            UserAction::Refresh => {
                self.set_progress("refreshing…");
                self.reload()
            }
            UserAction::Open => self.open_detail(),
            UserAction::New => self.open_new_form(),
            UserAction::Edit => self.open_edit_form(),
            UserAction::Delete => self.start_delete(),
            UserAction::Rotate => self.start_rotation(),
            UserAction::Verify => {
                let ids = self.tables.providers_to_verify();
                self.verify_ids(ids)
            }
            UserAction::VerifyAll => {
                let ids: Vec<String> = self
                    .tables
                    .verification
                    .items()
                    .iter()
                    .map(|p| p.id.clone())
                    .collect();
                self.verify_ids(ids)
            }
            UserAction::AutoRefresh => {
                self.toggle_auto_refresh();
                Vec::new()
            }
            UserAction::Mark => {
                self.tables.toggle_mark();
                Vec::new()
            }
            UserAction::Probe => self.ask_probe(),
            UserAction::Reveal => {
                if let Some(id) = self.tables.selected_sip_row().map(|s| s.id().to_string()) {
                    if self.timers.is_revealed(&id) {
                        self.timers.hide();
                    } else {
                        self.timers.reveal(id);
                        let hide = self.settings.keymap().label(UserAction::Reveal);
                        self.set_flash(
                            format!("password revealed for 30 s ({hide} hides it)"),
                            false,
                        );
                    }
                }
                Vec::new()
            }
            UserAction::Copy => self.copy_selected(),
            UserAction::Sort => {
                let selected = self.tables.current_list().sort().map_or(0, |s| s.column);
                self.open(super::Overlay::Sort { selected })
            }
        }
    }

    fn open(&mut self, overlay: super::Overlay) -> Vec<Effect> {
        self.overlay = Some(overlay);
        Vec::new()
    }

    /// Shows `tab` (an action with no effect).
    pub(super) fn set_tab(&mut self, tab: Tab) -> Vec<Effect> {
        self.tables.set_tab(tab);
        Vec::new()
    }

    /// Moves the cursor, or scrolls the detail pane (an action with no effect).
    fn move_cursor(&mut self, delta: isize) -> Vec<Effect> {
        self.tables.move_cursor(delta);
        Vec::new()
    }

    /// A key in the column chooser with the cursor on column `selected`: a digit
    /// or ⏎ sorts by that column (the sorted one again: the other way), the
    /// movement keys move, anything else closes it.
    pub(super) fn sort_key(&mut self, key: KeyEvent, selected: usize) -> Vec<Effect> {
        let count = self.tables.sort_columns().len();
        let chosen = match key.code {
            KeyCode::Char(c) => c.to_digit(10).and_then(|d| (d as usize).checked_sub(1)),
            KeyCode::Enter => Some(selected),
            _ => None,
        };
        if let Some(column) = chosen.filter(|c| *c < count) {
            self.tables.current_list_mut().sort_by(column);
            return Vec::new();
        }
        if let Some(moved) = self.settings.scrolled(&key, selected) {
            self.overlay = Some(super::Overlay::Sort {
                selected: moved.min(count.saturating_sub(1)),
            });
        }
        Vec::new()
    }

    fn open_detail(&mut self) -> Vec<Effect> {
        self.tables.detail_to_top();
        let mut effects = Vec::new();
        if let Some(id) = self.tables.selected_provider().map(|p| p.id.clone()) {
            self.tables.set_detail(DetailExtra {
                id: id.clone(),
                ..Default::default()
            });
            if self.session.caps().verification {
                effects.extend(self.call(Request::ProviderNumbers { id: id.clone() }));
            }
            effects.extend(self.call(Request::History { id }));
        } else if let Some(row) = self.tables.selected_sip_row() {
            let id = row.id().to_string();
            let mut credential = row.credential();
            credential.auth_password = None;
            let lookup = crate::ops::carrier::dials_a_twilio_trunk(&credential.server);
            self.tables.set_detail(DetailExtra {
                id: id.clone(),
                carrier_lookup: lookup,
                ..Default::default()
            });
            if lookup {
                effects.push(
                    crate::tui::runtime::effect::Job::SipCarrier {
                        generation: self.session.generation,
                        credential: Box::new(credential),
                        accounts: self.session.twilio_accounts().to_vec(),
                    }
                    .into(),
                );
            }
            effects.extend(self.call(Request::SipDependants { id: id.clone() }));
            // Earlier probes of it, from its history.
            effects.extend(self.call(Request::History { id }));
        }
        effects
    }

    /// Verifies each provider once (the worker runs a few at a time).
    fn verify_ids(&mut self, ids: Vec<String>) -> Vec<Effect> {
        if ids.len() > 1 {
            // Several at once: one summary when the last one answers.
            self.calls.verify_batch();
        }
        let mut effects = Vec::new();
        for id in ids {
            if self.calls.verify(id.clone()) {
                effects.extend(self.call(Request::Verify { id }));
            }
        }
        effects
    }

    fn copy_selected(&mut self) -> Vec<Effect> {
        let (text, what, secret) = if let Some(s) = self.tables.selected_sip() {
            match &s.auth_password {
                Some(p) => (p.clone(), "SIP password", true),
                None => (Secret::new(s.server.clone()), "server", false),
            }
        } else if let Some(p) = self.tables.selected_provider() {
            (Secret::new(p.account_sid.clone()), "Account SID", false)
        } else {
            return Vec::new();
        };
        if secret {
            vec![self.copy(text, what)]
        } else {
            // An identifier may stay on the clipboard.
            self.timers.keep_clipboard();
            let to = self.timers.clipboard_destination().to_string();
            self.set_flash(format!("{what} copied {to}"), false);
            vec![Effect::Copy(text)]
        }
    }

    /// Copies a secret, to be overwritten on the clipboard after the usual delay; the
    /// message says where it went.
    pub(super) fn copy(&mut self, secret: Secret, what: &str) -> Effect {
        let secs = self.timers.clear_clipboard_later().as_secs();
        let to = self.timers.clipboard_destination();
        self.set_flash(
            format!("{what} copied {to}: overwritten there in {secs} s"),
            false,
        );
        Effect::Copy(secret)
    }
}

//! Key handling on the main screen: overlays first, then the action table.

use super::{App, DetailExtra, Focus, SECRET_TTL, Tab};
use crate::secret::Secret;
use crate::tui::app::action::{self, Action, ActionSpec, Scope};
use crate::tui::app::keymap::Keymap;
use crate::tui::app::rows::{PROVIDER_COLUMNS, SIP_COLUMNS};
use crate::tui::app::sip_row::SipRow;
use crate::tui::runtime::effect::{Effect, Request};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;

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
        match self.settings.keymap.lookup(&key) {
            Some(spec) if self.is_available(spec) => {
                self.drop_stale_flash();
                self.perform(spec.action)
            }
            Some(spec) => {
                let reason = if spec.mutates && self.readonly() {
                    "read-only profile: nothing can be changed here".to_string()
                } else if spec.mutates && self.session.connect_error.is_some() {
                    let retry = self.settings.keymap.label(Action::Refresh);
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
        if spec.mutates && (self.readonly() || self.session.connect_error.is_some()) {
            return false;
        }
        let caps = self.caps();
        let provider = self.selected_provider();
        let sip = self.selected_sip_row();
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
            Action::Edit | Action::Delete | Action::Rotate => sip.is_none_or(|s| !s.is_read_only()),
            Action::Verify => caps.verification,
            Action::Mark => caps.verification || self.tables.tab == Tab::Sip,
            Action::VerifyAll => {
                caps.verification
                    && self.tables.tab == Tab::Verification
                    && !self.tables.verification.is_empty()
            }
            Action::Reveal => sip.is_some_and(SipRow::has_password),
            Action::Sort => self.tables.tab != Tab::Activity,
            Action::TabSip => caps.sip_credentials,
            Action::Profiles => self.session.profiles.len() > 1,
            _ => true,
        }
    }

    /// Why an action is not available here, in words.
    fn unavailable_reason(&self, action: Action) -> String {
        let sip = self.selected_sip_row();
        let why = match action {
            Action::Verify | Action::Mark | Action::VerifyAll if !self.caps().verification => {
                "this platform has no verification"
            }
            Action::VerifyAll => {
                let tab = self.settings.keymap.label(Action::TabVerification);
                return format!("from the Verification tab ({tab})");
            }
            Action::TabSip => "this platform has no SIP credentials",
            Action::Edit | Action::Delete | Action::Rotate
                if sip.is_some_and(|s| s.is_read_only()) =>
            {
                "managed by its provider: change the provider instead"
            }
            Action::Reveal if sip.is_some() => "this credential has no password",
            Action::Profiles => "only one profile is configured",
            _ => "not available here",
        };
        why.to_string()
    }

    /// The keys in use (the action table's, as `[keys]` remapped them).
    pub fn keymap(&self) -> &Keymap {
        &self.settings.keymap
    }

    /// Uses `keymap` from now on (from the config's `[keys]`).
    pub fn set_keymap(&mut self, keymap: Keymap) {
        self.settings.keymap = keymap;
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
            Action::Quit | Action::Back if self.tables.focus == Focus::Detail => {
                self.tables.focus = Focus::Table;
                Vec::new()
            }
            Action::Quit | Action::ForceQuit => {
                self.should_quit = true;
                Vec::new()
            }
            Action::Back => {
                self.set_current_filter("");
                Vec::new()
            }
            Action::Help => self.open(super::Overlay::Help { scroll: 0 }),
            Action::Command => self.open(super::Overlay::Command(Default::default())),
            Action::Filter => {
                let current = self.current_filter().to_string();
                self.open(super::Overlay::Filter(Input::new(current)))
            }
            Action::Profiles => self.open(super::Overlay::Picker {
                selected: self.session.current,
            }),
            Action::TabProviders => self.set_tab(Tab::Providers),
            Action::TabSip => self.set_tab(Tab::Sip),
            Action::TabVerification => self.set_tab(Tab::Verification),
            Action::TabActivity => self.set_tab(Tab::Activity),
            Action::NextTab => self.step_tab(1),
            Action::PrevTab => self.step_tab(-1),
            Action::FocusPane => {
                self.tables.focus = if self.tables.focus == Focus::Table {
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
            Action::Top => self.jump(true),
            Action::Bottom => self.jump(false),
            Action::Refresh if self.session.connect_error.is_some() => {
                // Not connected: refreshing means connecting again.
                let effects = self.switch_profile(self.session.current);
                self.set_progress("connecting…");
                effects
            }
            Action::Refresh => {
                self.set_progress("refreshing…");
                self.reload()
            }
            Action::Open => self.open_detail(),
            Action::New => self.open_new_form(),
            Action::Edit => self.open_edit_form(),
            Action::Delete => self.start_delete(),
            Action::Rotate => self.start_rotation(),
            Action::Verify => self.verify_selected(),
            Action::VerifyAll => {
                let ids: Vec<String> = self
                    .tables
                    .verification
                    .items()
                    .iter()
                    .map(|p| p.id.clone())
                    .collect();
                self.verify_ids(ids)
            }
            Action::AutoRefresh => {
                self.toggle_auto_refresh();
                Vec::new()
            }
            Action::Mark => {
                if let Some(list) = self.provider_list_mut() {
                    list.toggle_mark();
                    list.move_by(1);
                } else if self.tables.tab == Tab::Sip {
                    self.tables.sip.toggle_mark();
                    self.tables.sip.move_by(1);
                }
                Vec::new()
            }
            Action::Probe => self.ask_probe(),
            Action::Reveal => {
                if let Some(id) = self.selected_sip_row().map(|s| s.id().to_string()) {
                    if self.is_revealed(&id) {
                        self.timers.revealed = None;
                    } else {
                        self.timers.revealed = Some((id, self.timers.clock.mono + SECRET_TTL));
                        let hide = self.settings.keymap.label(Action::Reveal);
                        self.set_flash(
                            format!("password revealed for 30 s ({hide} hides it)"),
                            false,
                        );
                    }
                }
                Vec::new()
            }
            Action::Copy => self.copy_selected(),
            Action::Sort => {
                let selected = self.current_list().sort().map_or(0, |s| s.column);
                self.open(super::Overlay::Sort { selected })
            }
        }
    }

    fn open(&mut self, overlay: super::Overlay) -> Vec<Effect> {
        self.overlay = Some(overlay);
        Vec::new()
    }

    /// Shows `tab`, resetting the pane focus and detail.
    pub(super) fn set_tab(&mut self, tab: Tab) -> Vec<Effect> {
        if self.tables.tab != tab {
            self.tables.tab = tab;
            self.tables.focus = Focus::Table;
            self.tables.detail = None;
            self.detail_to_top();
        }
        Vec::new()
    }

    fn step_tab(&mut self, step: isize) -> Vec<Effect> {
        let tabs: Vec<Tab> = Tab::ALL
            .into_iter()
            .filter(|t| *t != Tab::Sip || self.caps().sip_credentials)
            .collect();
        let n = tabs.len() as isize;
        let i = tabs.iter().position(|t| *t == self.tables.tab).unwrap_or(0) as isize;
        self.set_tab(tabs[((i + step).rem_euclid(n)) as usize])
    }

    fn move_cursor(&mut self, delta: isize) -> Vec<Effect> {
        if self.tables.focus == Focus::Detail {
            self.scroll_detail(delta);
            return Vec::new();
        }
        self.current_list_mut().move_by(delta);
        self.detail_to_top();
        Vec::new()
    }

    /// `g`/`G`: the first or last row; in the detail pane, its top or a page down.
    fn jump(&mut self, top: bool) -> Vec<Effect> {
        if self.tables.focus == Focus::Detail {
            return if top {
                self.detail_to_top();
                Vec::new()
            } else {
                self.move_cursor(PAGE)
            };
        }
        let list = self.current_list_mut();
        if top {
            list.first()
        } else {
            list.last()
        }
        self.detail_to_top();
        Vec::new()
    }

    /// Where a scrolling text (help, messages) starting at line `scroll` goes on
    /// `key`, when it is a movement key; the view keeps it inside the text.
    pub(super) fn scrolled(&self, key: &KeyEvent, scroll: usize) -> Option<usize> {
        let page = PAGE.unsigned_abs();
        Some(match self.settings.keymap.lookup(key)?.action {
            Action::Down => scroll.saturating_add(1),
            Action::Up => scroll.saturating_sub(1),
            Action::PageDown => scroll.saturating_add(page),
            Action::PageUp => scroll.saturating_sub(page),
            Action::Top => 0,
            Action::Bottom => usize::MAX,
            _ => return None,
        })
    }

    /// The columns the current tab's table sorts by.
    pub fn sort_columns(&self) -> &'static [&'static str] {
        match self.tables.tab {
            Tab::Providers | Tab::Verification => PROVIDER_COLUMNS,
            Tab::Sip => SIP_COLUMNS,
            Tab::Activity => &[],
        }
    }

    /// A key in the column chooser with the cursor on column `selected`: a digit
    /// or ⏎ sorts by that column (the sorted one again: the other way), the
    /// movement keys move, anything else closes it.
    pub(super) fn sort_key(&mut self, key: KeyEvent, selected: usize) -> Vec<Effect> {
        let count = self.sort_columns().len();
        let chosen = match key.code {
            KeyCode::Char(c) => c.to_digit(10).and_then(|d| (d as usize).checked_sub(1)),
            KeyCode::Enter => Some(selected),
            _ => None,
        };
        if let Some(column) = chosen.filter(|c| *c < count) {
            self.current_list_mut().sort_by(column);
            return Vec::new();
        }
        if let Some(moved) = self.scrolled(&key, selected) {
            self.overlay = Some(super::Overlay::Sort {
                selected: moved.min(count.saturating_sub(1)),
            });
        }
        Vec::new()
    }

    pub(super) fn current_filter(&self) -> &str {
        self.current_list().filter()
    }

    pub(super) fn set_current_filter(&mut self, text: &str) {
        self.current_list_mut().set_filter(text);
    }

    fn open_detail(&mut self) -> Vec<Effect> {
        self.detail_to_top();
        let mut effects = Vec::new();
        if let Some(id) = self.selected_provider().map(|p| p.id.clone()) {
            self.tables.detail = Some(DetailExtra {
                id: id.clone(),
                ..Default::default()
            });
            if self.caps().verification {
                effects.extend(self.call(Request::ProviderNumbers { id: id.clone() }));
            }
            effects.extend(self.call(Request::History { id }));
        } else if let Some(row) = self.selected_sip_row() {
            let id = row.id().to_string();
            let mut credential = row.credential();
            credential.auth_password = None;
            let lookup = crate::ops::carrier::dials_a_twilio_trunk(&credential.server);
            self.tables.detail = Some(DetailExtra {
                id: id.clone(),
                carrier_lookup: lookup,
                ..Default::default()
            });
            if lookup {
                effects.push(
                    crate::tui::runtime::effect::Job::SipCarrier {
                        generation: self.session.generation,
                        credential: Box::new(credential),
                        accounts: self.session.twilio_accounts.clone(),
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
        self.verify_ids(ids)
    }

    /// Verifies each provider once (the worker runs a few at a time).
    fn verify_ids(&mut self, ids: Vec<String>) -> Vec<Effect> {
        if ids.len() > 1 {
            // Several at once: one summary when the last one answers.
            self.calls.verify_batch = Some(Default::default());
        }
        let mut effects = Vec::new();
        for id in ids {
            if self.calls.verifying.insert(id.clone()) {
                effects.extend(self.call(Request::Verify { id }));
            }
        }
        effects
    }

    fn copy_selected(&mut self) -> Vec<Effect> {
        let (text, what, secret) = if let Some(s) = self.selected_sip() {
            match &s.auth_password {
                Some(p) => (p.clone(), "SIP password", true),
                None => (Secret::new(s.server.clone()), "server", false),
            }
        } else if let Some(p) = self.selected_provider() {
            (Secret::new(p.account_sid.clone()), "Account SID", false)
        } else {
            return Vec::new();
        };
        if secret {
            vec![self.copy(text, what)]
        } else {
            // An identifier may stay on the clipboard.
            self.timers.clipboard_clear_at = None;
            let to = self.timers.clipboard_destination.clone();
            self.set_flash(format!("{what} copied {to}"), false);
            vec![Effect::Copy(text)]
        }
    }

    /// Copies a secret, to be overwritten on the clipboard after the usual delay; the
    /// message says where it went.
    pub(super) fn copy(&mut self, secret: Secret, what: &str) -> Effect {
        self.timers.clipboard_clear_at = Some(self.timers.clock.mono + self.timers.clipboard_ttl);
        let secs = self.timers.clipboard_ttl.as_secs();
        let to = &self.timers.clipboard_destination;
        self.set_flash(
            format!("{what} copied {to}: overwritten there in {secs} s"),
            false,
        );
        Effect::Copy(secret)
    }
}

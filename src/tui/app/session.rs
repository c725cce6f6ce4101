//! The profile shown and its connection, and what the configuration chose for the
//! screen (theme, keys). A profile switch bumps the generation: answers of an older
//! one are dropped.

use crate::api::{Capabilities, capabilities};
use crate::config::{ConfigError, Profile, TokenSource, TwilioAccount};
use crate::ops::Ops;
use crate::secret::Secret;
use crate::tui::app::action::UserAction;
use crate::tui::app::keymap::Keymap;
use crate::tui::app::tables::PAGE;
use crate::tui::app::theme::Theme;
use crossterm::event::KeyEvent;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The profiles, the one shown and its connection.
pub struct Session {
    /// Every configured profile.
    profiles: Vec<Profile>,
    /// Index of the profile shown.
    current: usize,
    /// Bumped on every profile switch; results of older generations are dropped.
    pub generation: u64,
    /// The operations of the current profile, once connected.
    pub ops: Option<Arc<Ops>>,
    /// Why the current profile could not connect.
    pub connect_error: Option<ConfigError>,
    /// The Twilio accounts whose tokens may be minted (`[twilio_accounts]`).
    twilio_accounts: Vec<TwilioAccount>,
    /// The config file the profiles came from (`None` for `--demo`), for `:doctor`.
    config_path: Option<PathBuf>,
}

impl Session {
    /// `profiles`, none shown or connected yet.
    pub(super) fn new(profiles: Vec<Profile>) -> Session {
        Session {
            profiles,
            current: 0,
            generation: 0,
            ops: None,
            connect_error: None,
            twilio_accounts: Vec::new(),
            config_path: None,
        }
    }

    /// Every configured profile.
    pub(crate) fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// Their names, in order.
    pub(super) fn profile_names(&self) -> Vec<&str> {
        self.profiles.iter().map(|p| p.name.as_str()).collect()
    }

    /// Index of the profile shown.
    pub(crate) fn current(&self) -> usize {
        self.current
    }

    /// The profile shown.
    pub fn profile(&self) -> Option<&Profile> {
        self.profiles.get(self.current)
    }

    /// What the current profile's platform supports.
    pub fn caps(&self) -> Capabilities {
        match self.profile() {
            Some(p) => capabilities(&p.platform),
            None => capabilities(&crate::domain::Platform::Dasha),
        }
    }

    /// True when the current profile refuses mutations.
    pub fn readonly(&self) -> bool {
        self.profile().is_some_and(|p| p.readonly)
    }

    /// Shows profile `index`, not connected yet, in a new generation; returns it, or
    /// `None` (nothing changed) when there is no such profile.
    pub(super) fn switch(&mut self, index: usize) -> Option<Profile> {
        let profile = self.profiles.get(index).cloned()?;
        self.current = index;
        self.generation += 1;
        self.ops = None;
        self.connect_error = None;
        Some(profile)
    }

    /// True while the profile's connection is being made (its token fetched).
    pub(super) fn connecting(&self) -> bool {
        self.ops.is_none() && self.connect_error.is_none()
    }

    /// The Twilio accounts whose tokens may be minted.
    pub(super) fn twilio_accounts(&self) -> &[TwilioAccount] {
        &self.twilio_accounts
    }

    /// The configured account `account_sid` (whatever its case).
    pub(super) fn twilio_account(&self, account_sid: &str) -> Option<&TwilioAccount> {
        self.twilio_accounts
            .iter()
            .find(|a| a.account_sid.eq_ignore_ascii_case(account_sid))
    }

    /// Uses `accounts` (from `[twilio_accounts]`) from now on.
    pub(super) fn set_twilio_accounts(&mut self, accounts: Vec<TwilioAccount>) {
        self.twilio_accounts = accounts;
    }

    /// A token promoted for `account_sid` is its token from now on (the old one is
    /// dead), when the account is configured.
    pub(super) fn promoted(&mut self, account_sid: &str, token: &Secret) {
        if let Some(acc) = self
            .twilio_accounts
            .iter_mut()
            .find(|a| a.account_sid.eq_ignore_ascii_case(account_sid))
        {
            acc.token = TokenSource::Inline(token.clone());
        }
    }

    /// The config file the profiles came from.
    pub(super) fn config_path(&self) -> Option<&Path> {
        self.config_path.as_deref()
    }

    /// The config file the profiles came from, which `:doctor` checks.
    pub(super) fn set_config_path(&mut self, path: Option<PathBuf>) {
        self.config_path = path;
    }
}

/// What the screen looks like and which keys do what.
pub struct Settings {
    /// Colours.
    pub theme: Theme,
    /// The theme before the profile's accent was applied.
    base_theme: Theme,
    /// Which keys trigger which action.
    keymap: Keymap,
}

impl Settings {
    /// `theme`, the default keys.
    pub(super) fn new(theme: Theme) -> Settings {
        Settings {
            base_theme: theme.clone(),
            theme,
            keymap: Default::default(),
        }
    }

    /// The keys in use (the action table's, as `[keys]` remapped them).
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// Uses `keymap` from now on (from the config's `[keys]`).
    pub(super) fn set_keymap(&mut self, keymap: Keymap) {
        self.keymap = keymap;
    }

    /// The key that retries a load or a connection (ctrl-r unless remapped).
    pub(crate) fn retry_key(&self) -> String {
        self.keymap.label(UserAction::Refresh)
    }

    /// Where a scrolling text (help, messages) starting at line `scroll` goes on
    /// `key`, when it is a movement key; the view keeps it inside the text.
    pub(super) fn scrolled(&self, key: &KeyEvent, scroll: usize) -> Option<usize> {
        let page = PAGE.unsigned_abs();
        Some(match self.keymap.lookup(key)?.action {
            UserAction::Down => scroll.saturating_add(1),
            UserAction::Up => scroll.saturating_sub(1),
            UserAction::PageDown => scroll.saturating_add(page),
            UserAction::PageUp => scroll.saturating_sub(page),
            UserAction::Top => 0,
            UserAction::Bottom => usize::MAX,
            _ => return None,
        })
    }

    /// The colours of a profile with `accent` (none: the base theme); a bad accent
    /// leaves the base theme, and says why.
    pub(super) fn use_accent(&mut self, accent: Option<&str>) -> Result<(), String> {
        let themed = match accent {
            Some(accent) => self
                .base_theme
                .clone()
                .with_accent(accent)
                .map_err(|e| format!("profile accent: {e}")),
            None => Ok(self.base_theme.clone()),
        };
        let (theme, result) = match themed {
            Ok(theme) => (theme, Ok(())),
            Err(e) => (self.base_theme.clone(), Err(e)),
        };
        self.theme = theme;
        result
    }
}

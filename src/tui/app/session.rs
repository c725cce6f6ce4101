//! The profile shown and its connection, and what the configuration chose for the
//! screen (theme, keys). A profile switch bumps the generation: answers of an older
//! one are dropped.

use crate::config::{ConfigError, Profile, TwilioAccount};
use crate::ops::Ops;
use crate::tui::app::keymap::Keymap;
use crate::tui::app::theme::Theme;
use std::sync::Arc;

/// The profiles, the one shown and its connection.
pub struct Session {
    /// Every configured profile.
    pub(crate) profiles: Vec<Profile>,
    /// Index of the profile shown.
    pub(crate) current: usize,
    /// Bumped on every profile switch; results of older generations are dropped.
    pub generation: u64,
    /// The operations of the current profile, once connected.
    pub ops: Option<Arc<Ops>>,
    /// Why the current profile could not connect.
    pub connect_error: Option<ConfigError>,
    /// The Twilio accounts whose tokens may be minted (`[twilio_accounts]`).
    pub(super) twilio_accounts: Vec<TwilioAccount>,
    /// The config file the profiles came from (`None` for `--demo`), for `:doctor`.
    pub(super) config_path: Option<std::path::PathBuf>,
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
}

/// What the screen looks like and which keys do what.
pub struct Settings {
    /// Colours.
    pub theme: Theme,
    /// The theme before the profile's accent was applied.
    pub(super) base_theme: Theme,
    /// Which keys trigger which action.
    pub(super) keymap: Keymap,
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
}

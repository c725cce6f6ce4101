//! Profiles and configuration: the TOML config file, where it is found, how each
//! profile's token is fetched, and the directories telcreds keeps files in.
//!
//! ```toml
//! theme = "dark"
//! default_profile = "prod"
//!
//! [profiles.prod]
//! platform = "dasha"
//! base_url = "https://blackbox.dasha.ai/api/v1"
//! token_cmd = "pass show dasha/prod"
//! label = "production"
//! ```
//!
//! Every problem in a file is reported at once, each with its profile and key.

mod command;
pub use command::CommandError;
mod confirmation;
mod error;
#[cfg(unix)]
mod foreground;
mod keys;
mod parse;
mod paths;
mod store;
mod suggest;
mod token;
mod url;

use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroize;

pub use confirmation::Confirmation;
pub use error::{ConfigError, ConfigProblem};
pub use error::{PROFILE, TWILIO_ACCOUNT};
pub use keys::{KeyProblem, KeyRemap, KeysTable, keys_error};
pub use paths::{
    CONFIG_ENV, CONFIG_FILE_NAME, DATA_DIR_ENV, STATE_DIR_ENV, config_dir, data_dir,
    default_config_path, state_dir, themes_dir,
};
pub use store::{STORE_TIMEOUT, StoreError, store_secret};
pub use token::{SourceError, TokenSource};

pub(crate) use parse::{chmod_600, open_to};
pub(crate) use paths::tilde;
pub use suggest::closest;

use crate::domain::Platform;
use crate::local_file;
use crate::secret::Secret;

/// Twilio's API base, used when a profile sets no `twilio_api_base`.
pub const DEFAULT_TWILIO_API_BASE: &str = "https://api.twilio.com";
/// Twilio's Accounts API base (auth token administration), used when none is set.
pub const DEFAULT_TWILIO_ACCOUNTS_BASE: &str = "https://accounts.twilio.com";
/// Twilio's Elastic SIP Trunking API base, used when a Twilio account sets none.
pub const DEFAULT_TWILIO_TRUNKING_BASE: &str = "https://trunking.twilio.com";
/// Unpod's provider configurations path, used when a profile sets none.
pub const DEFAULT_PROVIDER_CONFIGURATIONS_PATH: &str = "telephony/providers-configurations/";

/// A parsed, validated config file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from (`None` for `--demo` and tests).
    pub path: Option<PathBuf>,
    /// The colour theme's name, checked by the UI.
    pub theme: Option<String>,
    /// The profile used when none is named; always one of `profiles`.
    pub default_profile: Option<String>,
    /// The profiles, in file order.
    pub profiles: Vec<Profile>,
    /// The Twilio accounts whose auth tokens the user administers, in file order.
    pub twilio_accounts: Vec<TwilioAccount>,
    /// The `[keys]` table, as written: only the terminal UI reads it.
    pub keys: KeysTable,
}

/// One `[twilio_accounts.<name>]` table: a Twilio account whose auth token
/// telcreds may mint, deploy and promote (the zero-downtime rotation).
#[derive(Debug, Clone, PartialEq)]
pub struct TwilioAccount {
    /// The table's name.
    pub name: String,
    /// `AC` + 32 hex digits.
    pub account_sid: String,
    /// Where the current primary auth token comes from.
    pub token: TokenSource,
    /// A free label shown beside the SID.
    pub label: Option<String>,
    /// Receives the new primary token on stdin after a promotion (`sh -c`).
    pub store_cmd: Option<String>,
    /// Twilio's Accounts API base, without a trailing `/`.
    pub twilio_accounts_base: String,
    /// Twilio's API base (the 2010 API: SIP credential lists), without a trailing `/`.
    pub twilio_api_base: String,
    /// Twilio's Elastic SIP Trunking API base, without a trailing `/`.
    pub twilio_trunking_base: String,
}

/// The Accounts API base for an account without a `[twilio_accounts]` table: the one
/// `twilio_accounts_base` the profiles share; an error naming the choices when they
/// differ.
pub fn accounts_base_of(profiles: &[Profile], account_sid: &str) -> Result<String, ConfigError> {
    let mut bases: Vec<&str> = profiles
        .iter()
        .map(|p| p.twilio_accounts_base.as_str())
        .collect();
    bases.sort_unstable();
    bases.dedup();
    match bases.as_slice() {
        [] => Ok(DEFAULT_TWILIO_ACCOUNTS_BASE.to_string()),
        [one] => Ok(one.to_string()),
        many => Err(ConfigError::AccountsBases {
            account_sid: account_sid.trim().to_string(),
            bases: many.iter().map(|b| b.to_string()).collect(),
        }),
    }
}

impl TwilioAccount {
    /// Fetches the current token, with errors that name this account.
    pub fn resolve_token(&self) -> Result<Secret, ConfigError> {
        self.resolve_token_within(TokenSource::TIMEOUT)
    }

    /// [`TwilioAccount::resolve_token`] off the async threads (a `token_cmd` may
    /// take a while); a task that stopped before it ended is a token source error.
    pub async fn resolve_token_in_background(&self) -> Result<Secret, ConfigError> {
        let account = self.clone();
        tokio::task::spawn_blocking(move || account.resolve_token())
            .await
            .unwrap_or_else(|e| {
                Err(ConfigError::TokenSource {
                    profile: self.name.clone(),
                    section: error::TWILIO_ACCOUNT,
                    key: self.token.key().to_string(),
                    reason: SourceError::Stopped(e.to_string()),
                })
            })
    }

    /// Fetches the current token, a `token_cmd` within `timeout`, with errors that
    /// name this account.
    pub fn resolve_token_within(&self, timeout: Duration) -> Result<Secret, ConfigError> {
        self.token
            .resolve_with(timeout)
            .map_err(|e| e.in_table(error::TWILIO_ACCOUNT, &self.name))
    }
}

/// One `[profiles.<name>]` table: a platform account and how to reach it.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The table's name.
    pub name: String,
    /// Dasha or Unpod (never `Unknown` when parsed from a file).
    pub platform: Platform,
    /// API base, `https://` (or `http://` on loopback), without a trailing `/`.
    pub base_url: String,
    /// Where the API token comes from.
    pub token: TokenSource,
    /// Unpod `Org-Handle` (required for Unpod).
    pub org_handle: Option<String>,
    /// Unpod `Product-ID`.
    pub product_id: Option<String>,
    /// Unpod provider configurations path, relative to `base_url`, ending in `/`.
    pub provider_configurations_path: String,
    /// Twilio API base for credential checks, without a trailing `/`.
    pub twilio_api_base: String,
    /// Twilio Accounts API base (secondary tokens), without a trailing `/`.
    pub twilio_accounts_base: String,
    /// No mutating actions at all.
    pub readonly: bool,
    /// Destructive actions ask to type the item's name.
    pub protected: bool,
    /// A free label shown in the UI, e.g. "production".
    pub label: Option<String>,
    /// A colour for the UI, validated by the UI.
    pub accent: Option<String>,
}

impl Profile {
    /// A profile with every optional field at its default (for `--demo` and tests).
    pub fn new(name: &str, platform: Platform, base_url: &str, token: TokenSource) -> Self {
        Profile {
            name: name.to_string(),
            platform,
            base_url: base_url.trim_end_matches('/').to_string(),
            token,
            org_handle: None,
            product_id: None,
            provider_configurations_path: DEFAULT_PROVIDER_CONFIGURATIONS_PATH.to_string(),
            twilio_api_base: DEFAULT_TWILIO_API_BASE.to_string(),
            twilio_accounts_base: DEFAULT_TWILIO_ACCOUNTS_BASE.to_string(),
            readonly: false,
            protected: false,
            label: None,
            accent: None,
        }
    }

    /// True when the profile is `protected` or labelled prod / production.
    pub fn is_production(&self) -> bool {
        self.protected
            || self.label.as_deref().is_some_and(|l| {
                let l = l.trim();
                l.eq_ignore_ascii_case("prod") || l.eq_ignore_ascii_case("production")
            })
    }

    /// Fetches the token, with errors that name this profile.
    pub fn resolve_token(&self) -> Result<Secret, ConfigError> {
        self.resolve_token_within(TokenSource::TIMEOUT)
    }

    /// Fetches the token, a `token_cmd` within `timeout`, with errors that name this
    /// profile (never the command's text).
    pub fn resolve_token_within(&self, timeout: Duration) -> Result<Secret, ConfigError> {
        tracing::debug!(profile = %self.name, source = %self.token.describe(), "resolving token");
        self.token
            .resolve_with(timeout)
            .map_err(|e| e.in_table(error::PROFILE, &self.name))
    }
}

impl Config {
    /// Parses and validates config text. `path` is used in messages and to resolve
    /// relative `token_file` paths; `file_mode` (unix permission bits) decides whether
    /// an inline `token` is allowed. Reports every problem, not just the first.
    pub fn parse(
        text: &str,
        path: Option<&Path>,
        file_mode: Option<u32>,
    ) -> Result<Config, ConfigError> {
        parse::parse(text, path, file_mode)
    }

    /// Reads a config file (a regular file of at most
    /// [`CONFIG_LIMIT`](crate::local_file::CONFIG_LIMIT)) and its permissions, then
    /// [`Config::parse`]s it.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let (mut text, meta) =
            local_file::read_to_string(path, local_file::CONFIG_LIMIT).map_err(|source| {
                ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        let parsed = Self::parse(&text, Some(path), file_mode(&meta));
        // An inline token may be in it.
        text.zeroize();
        parsed
    }

    /// The config file to use: `--config`, else `$TELCREDS_CONFIG` (both as given),
    /// else the default path if that file exists.
    pub fn locate(cli_path: Option<&Path>) -> Option<PathBuf> {
        paths::locate_in(
            cli_path,
            std::env::var_os(CONFIG_ENV),
            default_config_path(),
        )
    }

    /// [`Config::locate`] then [`Config::load`]; `NotFound` (with how to create a
    /// config) when there is no file.
    pub fn load_default(cli_path: Option<&Path>) -> Result<Config, ConfigError> {
        match Self::locate(cli_path) {
            Some(path) => Self::load(&path),
            None => Err(ConfigError::NotFound {
                searched: default_config_path().into_iter().collect(),
            }),
        }
    }

    /// A config holding just these profiles (for `--demo` and tests).
    pub fn from_profiles(profiles: Vec<Profile>) -> Config {
        Config {
            profiles,
            ..Config::default()
        }
    }

    /// The configured Twilio account with this Account SID.
    pub fn twilio_account(&self, account_sid: &str) -> Option<&TwilioAccount> {
        self.twilio_accounts
            .iter()
            .find(|a| a.account_sid.eq_ignore_ascii_case(account_sid.trim()))
    }

    /// The profile names, in file order.
    pub fn profile_names(&self) -> Vec<String> {
        self.profiles.iter().map(|p| p.name.clone()).collect()
    }

    /// The profile with this exact name.
    pub fn profile(&self, name: &str) -> Result<&Profile, ConfigError> {
        self.profiles
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| ConfigError::UnknownProfile {
                name: name.to_string(),
                known: self.profile_names(),
            })
    }

    /// The named profile, else `default_profile`, else the first one.
    pub fn pick(&self, name: Option<&str>) -> Result<&Profile, ConfigError> {
        if let Some(name) = name.or(self.default_profile.as_deref()) {
            return self.profile(name);
        }
        self.profiles.first().ok_or_else(|| ConfigError::Invalid {
            path: self
                .path
                .as_ref()
                .map_or_else(|| "config".to_string(), |p| p.display().to_string()),
            problems: vec![ConfigProblem::general(
                "no profiles defined; add a [profiles.<name>] table",
            )],
        })
    }
}

/// The unix permission bits of a file (`None` elsewhere).
#[cfg(unix)]
pub(crate) fn file_mode(meta: &Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode())
}

/// The unix permission bits of a file (`None` elsewhere).
#[cfg(not(unix))]
pub(crate) fn file_mode(_meta: &Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests;

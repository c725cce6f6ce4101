//! Errors from finding, reading, validating and using the config file.

use std::fmt;
use std::path::PathBuf;

use super::paths::tilde;

/// Where to suggest creating the config when the platform gives no config directory.
const FALLBACK_CONFIG_DIR: &str = "~/.config/telcreds";
/// The file in [`FALLBACK_CONFIG_DIR`].
const FALLBACK_CONFIG_HINT: &str = "~/.config/telcreds/config.toml";

/// Everything that can go wrong with the config. No variant ever holds a token.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No `--config`, no `TELCREDS_CONFIG`, and no file at the default path.
    #[error("{}", not_found_message(searched))]
    NotFound {
        /// The paths that were looked at.
        searched: Vec<PathBuf>,
    },
    /// The file exists (or was named) but could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// The file was read but has problems; every one of them is listed.
    #[error("{}", invalid_message(path, problems))]
    Invalid {
        /// The file, as displayed.
        path: String,
        /// Every problem found, in file order.
        problems: Vec<ConfigProblem>,
    },
    /// A Twilio account with no `[twilio_accounts]` table, while the profiles name
    /// different Accounts API bases: which one is its own is unknown.
    #[error(
        "the profiles name different twilio_accounts_base values ({}): add a \
         [twilio_accounts] table for {account_sid} with its own",
        bases.join(", ")
    )]
    AccountsBases {
        /// The account.
        account_sid: String,
        /// The bases the profiles name.
        bases: Vec<String>,
    },
    /// A profile was asked for by a name the config does not have.
    #[error("{}", unknown_profile_message(name, known))]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The names the config has, in file order.
        known: Vec<String>,
    },
    /// An unknown profile named by an environment variable, which may have been set
    /// long ago: the message says which variable.
    #[error("{var}: {error}")]
    ProfileFromEnv {
        /// The variable, `TELCREDS_PROFILE`.
        var: &'static str,
        /// The [`ConfigError::UnknownProfile`] of its value.
        error: Box<ConfigError>,
    },
    /// A `token_cmd` was ended with ctrl-c while telcreds waited for it.
    #[error(
        "{}",
        token_source_message(section, profile, key, "interrupted with ctrl-c")
    )]
    Interrupted {
        /// The table's name, as in [`ConfigError::TokenSource`].
        profile: String,
        /// What kind of table `profile` names.
        section: &'static str,
        /// The key of the source (`token_cmd`).
        key: String,
    },
    /// A token source could not produce a token. The message never holds the token.
    #[error("{}", token_source_message(section, profile, key, &reason.to_string()))]
    TokenSource {
        /// The table's name: the profile or Twilio account whose token it is; empty
        /// when unknown.
        profile: String,
        /// What kind of table `profile` names: [`PROFILE`] or [`TWILIO_ACCOUNT`].
        section: &'static str,
        /// The key of the source (`token_env`, `token_cmd`, `token_file`, `token`).
        key: String,
        /// What went wrong.
        reason: super::token::SourceError,
    },
}

/// [`ConfigProblem::section`] of a `[profiles.<name>]` table.
pub const PROFILE: &str = "profile";
/// [`ConfigProblem::section`] of a `[twilio_accounts.<name>]` table.
pub const TWILIO_ACCOUNT: &str = "twilio account";

/// One problem in the config file, with the profile and key it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The table's name (`[profiles.<name>]`, `[twilio_accounts.<name>]`), if the
    /// problem is inside one.
    pub profile: Option<String>,
    /// What kind of table `profile` names: [`PROFILE`] or [`TWILIO_ACCOUNT`].
    pub section: &'static str,
    /// The key, if the problem is about one key.
    pub key: Option<String>,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl ConfigProblem {
    /// A problem about the file as a whole.
    pub fn general(message: impl Into<String>) -> Self {
        ConfigProblem {
            profile: None,
            section: PROFILE,
            key: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.profile, &self.key) {
            (Some(p), Some(k)) => {
                write!(f, "{} \"{p}\", key \"{k}\": {}", self.section, self.message)
            }
            (Some(p), None) => write!(f, "{} \"{p}\": {}", self.section, self.message),
            (None, Some(k)) => write!(f, "key \"{k}\": {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

fn not_found_message(searched: &[PathBuf]) -> String {
    let (dir, target) = match searched.last() {
        Some(p) => (p.parent().map_or_else(|| ".".to_string(), tilde), tilde(p)),
        None => (
            FALLBACK_CONFIG_DIR.to_string(),
            FALLBACK_CONFIG_HINT.to_string(),
        ),
    };
    let looked = if searched.is_empty() {
        "no config directory is known on this system".to_string()
    } else {
        let list: Vec<String> = searched.iter().map(|p| tilde(p)).collect();
        format!("searched {}", list.join(", "))
    };
    format!(
        "no config file found ({looked}); create one with:\n  mkdir -p {dir} && \
         telcreds sandbox --print-config > {target} && chmod 600 {target}\n\
         or pass --config FILE, or set TELCREDS_CONFIG; `telcreds --demo` needs no config"
    )
}

fn invalid_message(path: &str, problems: &[ConfigProblem]) -> String {
    let noun = if problems.len() == 1 {
        "problem"
    } else {
        "problems"
    };
    let mut out = format!("{} {noun} in {path}:", problems.len());
    for p in problems {
        // Multi-line messages (TOML syntax errors) stay indented under their bullet.
        let text = p.to_string().replace('\n', "\n    ");
        out.push_str("\n  - ");
        out.push_str(&text);
    }
    out
}

fn unknown_profile_message(name: &str, known: &[String]) -> String {
    super::suggest::unknown_profile(name, known)
}

fn token_source_message(section: &str, profile: &str, key: &str, message: &str) -> String {
    if profile.is_empty() {
        format!("key \"{key}\": {message}")
    } else {
        format!("{section} \"{profile}\", key \"{key}\": {message}")
    }
}

impl ConfigError {
    /// A token source error named after the table it is in (`section` "profile" or
    /// "twilio account", `name`); any other error as it is.
    pub fn in_table(self, section: &'static str, name: &str) -> ConfigError {
        match self {
            ConfigError::TokenSource { key, reason, .. } => ConfigError::TokenSource {
                profile: name.to_string(),
                section,
                key,
                reason,
            },
            ConfigError::Interrupted { key, .. } => ConfigError::Interrupted {
                profile: name.to_string(),
                section,
                key,
            },
            other => other,
        }
    }
}

//! The `[keys]` table as written: plain data that only the terminal UI reads and
//! checks (actions and key names are the UI's), so that a typo there never stops a
//! command-line command, an emergency `rotate twilio` least of all.

use super::error::{ConfigError, ConfigProblem, PROFILE};

/// The `[keys]` table: its entries, and the entries that are not key names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeysTable {
    /// Each well-formed entry, in file order.
    pub remaps: Vec<KeyRemap>,
    /// Entries (or the table itself) of the wrong shape, in file order.
    pub problems: Vec<KeyProblem>,
}

/// One entry of `[keys]`: an action's new keys, as written, and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRemap {
    /// The action's name (`delete`).
    pub action: String,
    /// Its keys (`ctrl-x`).
    pub keys: Vec<String>,
    /// Where it is in the file (1-based).
    pub line: usize,
}

/// Why an entry of `[keys]` is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProblem {
    /// The entry's action, as written; empty for the table itself.
    pub action: String,
    /// The entry's line; 0 for the table itself.
    pub line: usize,
    /// What is wrong, and how to fix it.
    pub message: String,
}

impl KeyProblem {
    /// The problem as the config reports it: `key "keys.edit": line 8: …`.
    fn to_config_problem(&self) -> ConfigProblem {
        let (key, message) = if self.action.is_empty() {
            ("keys".to_string(), self.message.clone())
        } else {
            (
                format!("keys.{}", self.action),
                format!("line {}: {}", self.line, self.message),
            )
        };
        ConfigProblem {
            profile: None,
            section: PROFILE,
            key: Some(key),
            message,
        }
    }
}

/// The config error of `problems` in the file shown as `path`, in file order.
pub fn keys_error(path: &str, mut problems: Vec<KeyProblem>) -> ConfigError {
    problems.sort_by_key(|p| p.line);
    ConfigError::Invalid {
        path: path.to_string(),
        problems: problems.iter().map(KeyProblem::to_config_problem).collect(),
    }
}

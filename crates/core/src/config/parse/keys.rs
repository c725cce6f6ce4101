//! The `[keys]` table: actions of the terminal UI remapped to other keys
//! (`delete = "ctrl-x"`, or a list), read as plain data with each entry's line. The
//! UI checks them against its action table (`Keymap::from_config`).

use super::Context;
use crate::config::keys::{KeyProblem, KeyRemap, KeysTable};
use toml::de::DeValue;

/// The entries of the table, with the problems of shape it has: they are kept with
/// the table, for the UI to report, and never stop the rest of the config.
pub(super) fn read(value: &DeValue<'_>, ctx: &Context) -> KeysTable {
    let mut table = KeysTable::default();
    let DeValue::Table(entries) = value else {
        table.problems.push(KeyProblem {
            action: String::new(),
            line: 0,
            message: format!(
                "must be a table ([keys]) of action = \"key\", got {}",
                value.type_str()
            ),
        });
        return table;
    };
    let mut entries: Vec<_> = entries.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key, value) in entries {
        let action = key.get_ref().to_string();
        let line = ctx.line_of(key.span().start);
        match key_names(value.get_ref()) {
            Ok(keys) => table.remaps.push(KeyRemap { action, keys, line }),
            Err(got) => table.problems.push(KeyProblem {
                action,
                line,
                message: format!("expected a key name (\"ctrl-x\") or a list of them, got {got}"),
            }),
        }
    }
    table
}

/// The key names of one entry: a string, or an array of strings.
fn key_names(value: &DeValue<'_>) -> Result<Vec<String>, &'static str> {
    match value {
        DeValue::String(s) => Ok(vec![s.to_string()]),
        DeValue::Array(items) => items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(s) => Ok(s.to_string()),
                other => Err(other.type_str()),
            })
            .collect(),
        other => Err(other.type_str()),
    }
}

//! The `[keys]` table: actions of the terminal UI remapped to other keys
//! (`delete = "ctrl-x"`, or a list), checked against the action table when the file
//! is loaded; each problem names its line.

use super::{Context, Scope};
use crate::config::error::ConfigProblem;
use crate::tui::keymap::{Keymap, Remap};
use toml::de::DeValue;

/// The keymap of the table; every problem goes to `out` (the default keys then).
pub(super) fn read(value: &DeValue<'_>, ctx: &Context, out: &mut Vec<ConfigProblem>) -> Keymap {
    let DeValue::Table(table) = value else {
        let msg = format!(
            "must be a table ([keys]) of action = \"key\", got {}",
            value.type_str()
        );
        Scope::top(ctx, out).key("keys", msg);
        return Keymap::default();
    };
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    let mut remaps = Vec::new();
    // (line, action, message), reported in file order.
    let mut problems = Vec::new();
    for (key, value) in entries {
        let action = key.get_ref().to_string();
        let line = ctx.line_of(key.span().start);
        match key_names(value.get_ref()) {
            Ok(keys) => remaps.push(Remap { action, keys, line }),
            Err(got) => problems.push((
                line,
                action,
                format!("expected a key name (\"ctrl-x\") or a list of them, got {got}"),
            )),
        }
    }
    let keymap = Keymap::remapped(&remaps).unwrap_or_else(|refused| {
        problems.extend(refused.into_iter().map(|p| (p.line, p.action, p.message)));
        Keymap::default()
    });
    problems.sort_by_key(|(line, _, _)| *line);
    for (line, action, message) in &problems {
        Scope::top(ctx, out).key(&format!("keys.{action}"), format!("line {line}: {message}"));
    }
    if problems.is_empty() {
        keymap
    } else {
        Keymap::default()
    }
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

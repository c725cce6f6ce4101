//! Which keys trigger which action: the action table's keys, remapped by the config's
//! `[keys]` table (`delete = "ctrl-x"`, or a list: `delete = ["ctrl-x", "del"]`).
//! Key dispatch, the hint bar, `?` help and read-only mode all read this one map.
//!
//! Key names: a character (`D`, `?`, `/`), or `enter`, `esc`, `tab`, `shift-tab`,
//! `space`, `backspace`, `del`, `ins`, `home`, `end`, `pgup`, `pgdn`, `up`, `down`,
//! `left`, `right`, `f1`…`f12`, each after optional `ctrl-`, `alt-` or `shift-`;
//! never `ctrl-shift-` with a letter, which terminals send as `ctrl-` alone, nor a
//! control or invisible character.

use crate::config::{ConfigError, KeyProblem, KeyRemap, KeysTable, keys_error};
use crate::tui::app::action::{ACTIONS, ActionSpec, UserAction, key_label};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// A key and its modifiers.
pub type Key = (KeyCode, KeyModifiers);

/// The action ctrl-c always triggers; it cannot be remapped.
const FIXED: UserAction = UserAction::ForceQuit;

/// Most keys one action may have.
const MAX_KEYS: usize = 16;
/// Most entries `[keys]` may have: each action once, and as many more.
const MAX_ENTRIES: usize = 2 * ACTIONS.len();
/// Most characters of a name an error quotes.
const QUOTED: usize = 32;

/// The keys of every action, in [`ACTIONS`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    keys: Vec<Vec<Key>>,
}

/// An action that `[keys]` moved: its entry, and each of its keys as written there.
struct Moved<'a> {
    remap: &'a KeyRemap,
    written: HashMap<Key, &'a str>,
}

impl Default for Keymap {
    /// The action table's own keys.
    fn default() -> Self {
        Keymap {
            keys: ACTIONS
                .iter()
                .map(|s| s.keys.iter().map(|k| normalize(*k)).collect())
                .collect(),
        }
    }
}

impl Keymap {
    /// The keys of the config's `[keys]` table, or the config error that lists every
    /// problem in it with its line (`config_path` as shown in messages).
    pub fn from_config(
        table: &KeysTable,
        config_path: Option<&Path>,
    ) -> Result<Keymap, ConfigError> {
        let mut problems = table.problems.clone();
        match Keymap::remapped(&table.remaps) {
            Ok(map) if problems.is_empty() => return Ok(map),
            Ok(_) => {}
            Err(refused) => problems.extend(refused),
        }
        let shown = config_path.map_or_else(|| "config".to_string(), |p| p.display().to_string());
        Err(keys_error(&shown, problems))
    }

    /// The default keys with `remaps` applied; every problem when any: an unknown
    /// action or key name, no key or too many, a key that two actions would share,
    /// or a table far bigger than the actions could use. Each check is linear.
    pub fn remapped(remaps: &[KeyRemap]) -> Result<Keymap, Vec<KeyProblem>> {
        if remaps.len() > MAX_ENTRIES {
            return Err(vec![KeyProblem {
                action: String::new(),
                line: 0,
                message: format!(
                    "has {} entries, and there are {} actions: remap each at most once \
                     (config.example.toml lists them)",
                    remaps.len(),
                    ACTIONS.len()
                ),
            }]);
        }
        let mut map = Keymap::default();
        let mut problems = Vec::new();
        let mut moved: Vec<Option<Moved>> = ACTIONS.iter().map(|_| None).collect();
        for remap in remaps {
            let problem = |message: String| KeyProblem {
                action: remap.action.clone(),
                line: remap.line,
                message,
            };
            let index = match action_index(remap) {
                Ok(index) => index,
                Err(message) => {
                    problems.push(problem(message));
                    continue;
                }
            };
            let (mut keys, mut written) = (Vec::new(), HashMap::new());
            for text in &remap.keys {
                match parse_key(text) {
                    Ok(key) => {
                        if let Entry::Vacant(slot) = written.entry(key) {
                            slot.insert(text.as_str());
                            keys.push(key);
                        }
                    }
                    Err(e) => problems.push(problem(e)),
                }
            }
            map.keys[index] = keys;
            moved[index] = Some(Moved { remap, written });
        }
        problems.extend(map.conflicts(&moved));
        if problems.is_empty() {
            Ok(map)
        } else {
            problems.sort_by_key(|p| p.line);
            Err(problems)
        }
    }

    /// A problem for each key that several actions share, at the line of the last
    /// entry that made it so, quoting the key as that entry wrote it.
    fn conflicts(&self, moved: &[Option<Moved>]) -> Vec<KeyProblem> {
        // The actions of each key, the keys in the order they are first met.
        let mut sharing: HashMap<Key, Vec<usize>> = HashMap::new();
        let mut order = Vec::new();
        for (i, keys) in self.keys.iter().enumerate() {
            for key in keys {
                let actions = sharing.entry(*key).or_default();
                if actions.is_empty() {
                    order.push(*key);
                }
                actions.push(i);
            }
        }
        order
            .into_iter()
            .filter_map(|key| {
                let actions = &sharing[&key];
                let last = actions
                    .iter()
                    .filter_map(|i| moved[*i].as_ref())
                    .max_by_key(|m| m.remap.line)
                    .filter(|_| actions.len() > 1)?;
                Some(KeyProblem {
                    action: last.remap.action.clone(),
                    line: last.remap.line,
                    message: conflict_message(last.written[&key], actions, moved),
                })
            })
            .collect()
    }

    /// The action a key press triggers.
    pub fn lookup(&self, key: &KeyEvent) -> Option<&'static ActionSpec> {
        let pressed = normalize((key.code, key.modifiers));
        self.keys
            .iter()
            .position(|keys| keys.contains(&pressed))
            .map(|i| &ACTIONS[i])
    }

    /// The keys of `action`, the one shown first.
    pub fn keys(&self, action: UserAction) -> &[Key] {
        ACTIONS
            .iter()
            .position(|s| s.action == action)
            .map_or(&[], |i| &self.keys[i])
    }

    /// How `action`'s first key is written (`ctrl-x`); empty when it has none.
    pub fn label(&self, action: UserAction) -> String {
        self.keys(action)
            .first()
            .map(|(code, mods)| key_label(*code, *mods))
            .unwrap_or_default()
    }

    /// How each of `action`'s keys is written.
    pub fn labels(&self, action: UserAction) -> Vec<String> {
        self.keys(action)
            .iter()
            .map(|(code, mods)| key_label(*code, *mods))
            .collect()
    }
}

/// "`x` would trigger both reveal and delete (line 4): …", the key as `written`.
fn conflict_message(written: &str, sharing: &[usize], moved: &[Option<Moved>]) -> String {
    let named: Vec<String> = sharing
        .iter()
        .map(|i| match &moved[*i] {
            Some(m) => format!("{} (line {})", ACTIONS[*i].name, m.remap.line),
            None if ACTIONS[*i].action == FIXED => {
                format!("{} (always ctrl-c)", ACTIONS[*i].name)
            }
            None => format!("{} (by default)", ACTIONS[*i].name),
        })
        .collect();
    let unmoved: Vec<&str> = sharing
        .iter()
        .filter(|i| moved[**i].is_none() && ACTIONS[**i].action != FIXED)
        .map(|i| ACTIONS[*i].name)
        .collect();
    let fixed = sharing.iter().any(|i| ACTIONS[*i].action == FIXED);
    let fix = match unmoved.as_slice() {
        [] if fixed => "pick another key: ctrl-c always quits".to_string(),
        [] => "give each its own key".to_string(),
        names => format!("pick another key, or remap {} too", names.join(" and ")),
    };
    format!(
        "`{}` would trigger both {}: {fix}",
        quote(written.trim()),
        named.join(" and ")
    )
}

/// The action an entry remaps, or why it cannot: an unknown action, the fixed one,
/// no key or too many.
fn action_index(remap: &KeyRemap) -> Result<usize, String> {
    let Some(index) = ACTIONS.iter().position(|s| s.name == remap.action) else {
        return Err(unknown_action(&remap.action));
    };
    if ACTIONS[index].action == FIXED {
        return Err(format!(
            "{} cannot be remapped: ctrl-c always quits",
            remap.action
        ));
    }
    match remap.keys.len() {
        0 => Err(format!(
            "no key given: {} could never be used (leave it out to keep its keys)",
            remap.action
        )),
        n if n > MAX_KEYS => Err(format!(
            "{n} keys given for {}: at most {MAX_KEYS}",
            remap.action
        )),
        _ => Ok(index),
    }
}

/// A name as an error quotes it: printable, and short.
fn quote(text: &str) -> String {
    crate::text::excerpt(text, QUOTED)
}

/// Why an action name is not one, with the closest name.
fn unknown_action(name: &str) -> String {
    let names: Vec<&str> = ACTIONS.iter().map(|s| s.name).collect();
    let hint = crate::config::closest(name, &names)
        .map(|n| format!("did you mean `{n}`? "))
        .unwrap_or_default();
    format!(
        "unknown action `{}`: {hint}config.example.toml lists every action",
        quote(name)
    )
}

/// Reads a key name: `ctrl-x`, `D`, `enter`, `esc`, `f5`, `?`, `shift-tab`. Errors
/// quote it as written (cut short), never a control or invisible character.
pub fn parse_key(text: &str) -> Result<Key, String> {
    if let Some(c) = text.chars().find(|c| invisible(*c)) {
        return Err(format!(
            "key names hold no control or invisible character, and this one has U+{:04X}: \
             write the key's name (esc, tab, enter, …) or a visible character",
            u32::from(c)
        ));
    }
    let unknown = || {
        format!(
            "unknown key `{}`: a character, or enter, esc, tab, space, backspace, del, \
             ins, home, end, pgup, pgdn, up, down, left, right, f1…f12, after ctrl-, alt- \
             or shift-",
            quote(text)
        )
    };
    let mut rest = text.trim();
    let mut mods = KeyModifiers::NONE;
    while let Some((word, after)) = rest.split_once('-') {
        let m = match word.to_ascii_lowercase().as_str() {
            "ctrl" | "control" => KeyModifiers::CONTROL,
            "alt" | "meta" => KeyModifiers::ALT,
            "shift" => KeyModifiers::SHIFT,
            _ => break,
        };
        if after.is_empty() {
            // `ctrl--`: the key is `-`.
            break;
        }
        mods |= m;
        rest = after;
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(c),
        (None, _) => return Err(unknown()),
        _ => named_key(&rest.to_ascii_lowercase()).ok_or_else(unknown)?,
    };
    if let KeyCode::Char(c) = code
        && mods.contains(KeyModifiers::CONTROL | KeyModifiers::SHIFT)
        && c.is_ascii_alphabetic()
    {
        let c = c.to_ascii_lowercase();
        return Err(format!(
            "`{}`: terminals send ctrl-shift-{c} as ctrl-{c}, so the two cannot be told \
             apart: write ctrl-{c}, or pick another key",
            quote(text)
        ));
    }
    Ok(normalize((code, mods)))
}

/// A character no key name may hold: a control or format character (Unicode
/// categories Cc and Cf: NUL, ESC, the soft hyphen, a zero-width space, a direction
/// override), which would show as nothing.
fn invisible(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control | GeneralCategory::Format
    )
}

/// A key by its name (lower case).
fn named_key(name: &str) -> Option<KeyCode> {
    Some(match name {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "del" | "delete" => KeyCode::Delete,
        "ins" | "insert" => KeyCode::Insert,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        f if f.len() > 1 && f.starts_with('f') => match f[1..].parse::<u8>() {
            Ok(n @ 1..=12) => KeyCode::F(n),
            _ => return None,
        },
        _ => return None,
    })
}

/// One spelling per key, as terminals differ: an upper-case letter or a symbol
/// with or without SHIFT is the same key, `shift-d` is `D`, `shift-tab` is back-tab,
/// ctrl with a letter ignores its case.
fn normalize((code, mods): Key) -> Key {
    let shift = KeyModifiers::SHIFT;
    match code {
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) && c.is_ascii_alphabetic() => {
            (KeyCode::Char(c.to_ascii_lowercase()), mods - shift)
        }
        KeyCode::Char(c) if mods.contains(shift) && c.is_ascii_lowercase() => {
            (KeyCode::Char(c.to_ascii_uppercase()), mods - shift)
        }
        KeyCode::Char(c) if c.is_ascii_uppercase() || !c.is_alphanumeric() => (code, mods - shift),
        KeyCode::Tab if mods.contains(shift) => (KeyCode::BackTab, mods - shift),
        KeyCode::BackTab => (code, mods - shift),
        _ => (code, mods),
    }
}

#[cfg(test)]
mod tests;

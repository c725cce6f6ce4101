//! Every user action is one row of data: its keys, its label, whether it changes
//! anything, and where it applies. Key dispatch, the hint bar, `?` help and read-only
//! mode are all derived from this table, so they cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Back from the detail pane, else quit.
    Quit,
    /// Back from the detail pane, else clear the filter.
    Back,
    /// Quit now (ctrl-c).
    ForceQuit,
    /// The help screen.
    Help,
    /// The `:` command line.
    Command,
    /// Filter the current table as you type.
    Filter,
    /// Show the Providers tab.
    TabProviders,
    /// Show the SIP credentials tab.
    TabSip,
    /// Show the Verification tab.
    TabVerification,
    /// Show the Activity tab.
    TabActivity,
    /// The next tab.
    NextTab,
    /// The previous tab.
    PrevTab,
    /// Switch between the table and the detail pane.
    FocusPane,
    /// One row up (or scroll the detail).
    Up,
    /// One row down (or scroll the detail).
    Down,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// The first row.
    Top,
    /// The last row.
    Bottom,
    /// Reload the lists.
    Refresh,
    /// Open the detail: phone numbers, dependants, history.
    Open,
    /// Create an item.
    New,
    /// Edit the selected item.
    Edit,
    /// Delete the selected item (after confirmation).
    Delete,
    /// Verify the selected or marked providers.
    Verify,
    /// Verify every provider of the profile.
    VerifyAll,
    /// Turn auto-refresh on, or pause it.
    AutoRefresh,
    /// Rotate a Twilio token everywhere, or a SIP password.
    Rotate,
    /// Mark a provider for verification.
    Mark,
    /// Probe SIP credentials from here (resolve, reach, optionally REGISTER).
    Probe,
    /// Show or hide a SIP password for 30 s.
    Reveal,
    /// Copy a secret or identifier (OSC 52).
    Copy,
    /// Sort by the next column.
    Sort,
    /// The profile picker.
    Profiles,
}

/// Where an action applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere.
    Global,
    /// Any table with a row selected.
    Row,
    /// Provider rows (Providers and Verification tabs).
    ProviderRow,
    /// SIP credential rows.
    SipRow,
    /// A list where new items can be created (Providers, SIP).
    Creatable,
}

/// One row of the action table.
#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    /// The action.
    pub action: Action,
    /// Keys that trigger it (the first is shown).
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// Short label for hints and help.
    pub label: &'static str,
    /// True when it changes something on a platform (hidden on read-only profiles).
    pub mutates: bool,
    /// Where it applies.
    pub scope: Scope,
    /// Shown in the hint bar (help shows every action).
    pub hint: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

macro_rules! spec {
    ($action:ident, [$($key:expr),+], $label:literal, $mutates:literal, $scope:ident, $hint:literal) => {
        ActionSpec {
            action: Action::$action,
            keys: &[$($key),+],
            label: $label,
            mutates: $mutates,
            scope: Scope::$scope,
            hint: $hint,
        }
    };
}

/// The action table, in the order hints and help list them.
pub const ACTIONS: &[ActionSpec] = &[
    spec!(Open, [(KeyCode::Enter, NONE)], "open", false, Row, true),
    spec!(
        New,
        [(KeyCode::Char('n'), NONE)],
        "new",
        true,
        Creatable,
        true
    ),
    spec!(Edit, [(KeyCode::Char('e'), NONE)], "edit", true, Row, true),
    spec!(
        Rotate,
        [(KeyCode::Char('r'), NONE)],
        "rotate",
        true,
        Row,
        true
    ),
    spec!(
        Verify,
        [(KeyCode::Char('v'), NONE)],
        "verify",
        false,
        ProviderRow,
        true
    ),
    spec!(
        Probe,
        [(KeyCode::Char('p'), NONE)],
        "probe",
        false,
        SipRow,
        true
    ),
    spec!(
        Reveal,
        [(KeyCode::Char('x'), NONE)],
        "reveal",
        false,
        SipRow,
        true
    ),
    spec!(Copy, [(KeyCode::Char('y'), NONE)], "copy", false, Row, true),
    spec!(
        Delete,
        [(KeyCode::Char('D'), SHIFT), (KeyCode::Delete, NONE)],
        "delete",
        true,
        Row,
        true
    ),
    spec!(
        Filter,
        [(KeyCode::Char('/'), NONE)],
        "filter",
        false,
        Global,
        true
    ),
    spec!(
        VerifyAll,
        [(KeyCode::Char('V'), SHIFT)],
        "verify all",
        false,
        Global,
        true
    ),
    spec!(
        Mark,
        [(KeyCode::Char(' '), NONE)],
        "mark",
        false,
        ProviderRow,
        true
    ),
    spec!(
        Sort,
        [(KeyCode::Char('s'), NONE)],
        "sort",
        false,
        Global,
        true
    ),
    spec!(
        AutoRefresh,
        [(KeyCode::Char('P'), SHIFT)],
        "auto-refresh",
        false,
        Global,
        true
    ),
    spec!(
        Command,
        [(KeyCode::Char(':'), NONE)],
        "cmd",
        false,
        Global,
        true
    ),
    spec!(
        Profiles,
        [(KeyCode::Char('p'), CTRL)],
        "profiles",
        false,
        Global,
        true
    ),
    spec!(
        Refresh,
        [(KeyCode::Char('r'), CTRL)],
        "refresh",
        false,
        Global,
        false
    ),
    spec!(
        Help,
        [(KeyCode::Char('?'), NONE)],
        "help",
        false,
        Global,
        true
    ),
    spec!(
        Back,
        [(KeyCode::Esc, NONE)],
        "back / clear filter",
        false,
        Global,
        false
    ),
    spec!(
        Quit,
        [(KeyCode::Char('q'), NONE)],
        "quit",
        false,
        Global,
        true
    ),
    spec!(
        ForceQuit,
        [(KeyCode::Char('c'), CTRL)],
        "quit now",
        false,
        Global,
        false
    ),
    spec!(
        TabProviders,
        [(KeyCode::Char('1'), NONE)],
        "providers tab",
        false,
        Global,
        false
    ),
    spec!(
        TabSip,
        [(KeyCode::Char('2'), NONE)],
        "SIP tab",
        false,
        Global,
        false
    ),
    spec!(
        TabVerification,
        [(KeyCode::Char('3'), NONE)],
        "verification tab",
        false,
        Global,
        false
    ),
    spec!(
        TabActivity,
        [(KeyCode::Char('4'), NONE)],
        "activity tab",
        false,
        Global,
        false
    ),
    spec!(
        NextTab,
        [(KeyCode::Right, NONE), (KeyCode::Char('l'), NONE)],
        "next tab",
        false,
        Global,
        false
    ),
    spec!(
        PrevTab,
        [(KeyCode::Left, NONE), (KeyCode::Char('h'), NONE)],
        "previous tab",
        false,
        Global,
        false
    ),
    spec!(
        FocusPane,
        [(KeyCode::Tab, NONE), (KeyCode::BackTab, SHIFT)],
        "switch pane",
        false,
        Global,
        false
    ),
    spec!(
        Up,
        [(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        "up",
        false,
        Global,
        false
    ),
    spec!(
        Down,
        [(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        "down",
        false,
        Global,
        false
    ),
    spec!(
        PageUp,
        [(KeyCode::PageUp, NONE), (KeyCode::Char('b'), CTRL)],
        "page up",
        false,
        Global,
        false
    ),
    spec!(
        PageDown,
        [(KeyCode::PageDown, NONE), (KeyCode::Char('f'), CTRL)],
        "page down",
        false,
        Global,
        false
    ),
    spec!(
        Top,
        [(KeyCode::Char('g'), NONE), (KeyCode::Home, NONE)],
        "top",
        false,
        Global,
        false
    ),
    spec!(
        Bottom,
        [(KeyCode::Char('G'), SHIFT), (KeyCode::End, NONE)],
        "bottom",
        false,
        Global,
        false
    ),
];

/// Finds the table row whose keys match a key press.
pub fn lookup(key: &KeyEvent) -> Option<&'static ActionSpec> {
    // Terminals differ on whether an upper-case letter carries SHIFT: ignore it for chars.
    let mods = match key.code {
        KeyCode::Char(c) if c.is_ascii_uppercase() || !c.is_alphanumeric() => key.modifiers - SHIFT,
        KeyCode::BackTab => NONE,
        _ => key.modifiers,
    };
    ACTIONS.iter().find(|spec| {
        spec.keys.iter().any(|(code, m)| {
            let m = match code {
                KeyCode::Char(c) if c.is_ascii_uppercase() || !c.is_alphanumeric() => *m - SHIFT,
                KeyCode::BackTab => NONE,
                _ => *m,
            };
            *code == key.code && m == mods
        })
    })
}

/// The spec of an action.
pub fn spec(action: Action) -> &'static ActionSpec {
    ACTIONS
        .iter()
        .find(|s| s.action == action)
        .unwrap_or(&ACTIONS[0])
}

/// How a key is written in hints and help: `⏎`, `D`, `ctrl-r`, `space`.
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    let name = match code {
        KeyCode::Enter => "⏎".to_string(),
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "tab".to_string(),
        KeyCode::BackTab => "shift-tab".to_string(),
        KeyCode::Up => "↑".to_string(),
        KeyCode::Down => "↓".to_string(),
        KeyCode::Left => "←".to_string(),
        KeyCode::Right => "→".to_string(),
        KeyCode::PageUp => "pgup".to_string(),
        KeyCode::PageDown => "pgdn".to_string(),
        KeyCode::Home => "home".to_string(),
        KeyCode::End => "end".to_string(),
        KeyCode::Delete => "del".to_string(),
        other => format!("{other:?}").to_lowercase(),
    };
    if mods.contains(CTRL) {
        format!("ctrl-{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_row_and_keys_do_not_collide() {
        let mut seen = std::collections::HashSet::new();
        for s in ACTIONS {
            assert!(seen.insert(s.action), "{:?} twice", s.action);
            for (code, mods) in s.keys {
                let found = lookup(&KeyEvent::new(*code, *mods)).unwrap();
                assert_eq!(
                    found.action, s.action,
                    "{code:?} is taken by {:?}",
                    found.action
                );
            }
        }
    }

    #[test]
    fn no_ctrl_d_or_ctrl_u_actions() {
        for c in ['d', 'u'] {
            assert!(lookup(&KeyEvent::new(KeyCode::Char(c), CTRL)).is_none());
        }
    }

    #[test]
    fn shifted_letters_match_with_or_without_the_shift_flag() {
        assert_eq!(
            lookup(&KeyEvent::new(KeyCode::Char('D'), NONE))
                .unwrap()
                .action,
            Action::Delete
        );
        assert_eq!(
            lookup(&KeyEvent::new(KeyCode::Char('D'), SHIFT))
                .unwrap()
                .action,
            Action::Delete
        );
        assert_eq!(
            lookup(&KeyEvent::new(KeyCode::Char('?'), SHIFT))
                .unwrap()
                .action,
            Action::Help
        );
    }
}

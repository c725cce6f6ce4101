//! Every user action is one row of data: its name, its default keys, its label,
//! whether it changes anything, and where it applies. Key dispatch, the hint bar, `?`
//! help and read-only mode are all derived from this table (its keys as the config's
//! `[keys]` remapped them: [`crate::tui::app::keymap`]), so they cannot disagree.

use crossterm::event::{KeyCode, KeyModifiers};

/// What the user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserAction {
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
    pub action: UserAction,
    /// Its name in the config's `[keys]` table (`delete`, `verify_all`).
    pub name: &'static str,
    /// Keys that trigger it by default (the first is shown); `[keys]` may remap them.
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
    ($action:ident, $name:literal, [$($key:expr),+], $label:literal, $mutates:literal, $scope:ident, $hint:literal) => {
        ActionSpec {
            action: UserAction::$action,
            name: $name,
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
    spec!(
        Open,
        "open",
        [(KeyCode::Enter, NONE)],
        "open",
        false,
        Row,
        true
    ),
    spec!(
        New,
        "new",
        [(KeyCode::Char('n'), NONE)],
        "new",
        true,
        Creatable,
        true
    ),
    spec!(
        Edit,
        "edit",
        [(KeyCode::Char('e'), NONE)],
        "edit",
        true,
        Row,
        true
    ),
    spec!(
        Rotate,
        "rotate",
        [(KeyCode::Char('r'), NONE)],
        "rotate",
        true,
        Row,
        true
    ),
    spec!(
        Verify,
        "verify",
        [(KeyCode::Char('v'), NONE)],
        "verify",
        false,
        ProviderRow,
        true
    ),
    spec!(
        Probe,
        "probe",
        [(KeyCode::Char('p'), NONE)],
        "probe",
        false,
        SipRow,
        true
    ),
    spec!(
        Reveal,
        "reveal",
        [(KeyCode::Char('x'), NONE)],
        "reveal",
        false,
        SipRow,
        true
    ),
    spec!(
        Copy,
        "copy",
        [(KeyCode::Char('y'), NONE)],
        "copy",
        false,
        Row,
        true
    ),
    spec!(
        Delete,
        "delete",
        [(KeyCode::Char('D'), SHIFT), (KeyCode::Delete, NONE)],
        "delete",
        true,
        Row,
        true
    ),
    spec!(
        Filter,
        "filter",
        [(KeyCode::Char('/'), NONE)],
        "filter",
        false,
        Global,
        true
    ),
    spec!(
        VerifyAll,
        "verify_all",
        [(KeyCode::Char('V'), SHIFT)],
        "verify all",
        false,
        Global,
        true
    ),
    spec!(
        Mark,
        "mark",
        [(KeyCode::Char(' '), NONE)],
        "mark",
        false,
        ProviderRow,
        true
    ),
    spec!(
        Sort,
        "sort",
        [(KeyCode::Char('s'), NONE)],
        "sort",
        false,
        Global,
        true
    ),
    spec!(
        AutoRefresh,
        "auto_refresh",
        [(KeyCode::Char('P'), SHIFT)],
        "auto-refresh",
        false,
        Global,
        true
    ),
    spec!(
        Command,
        "command",
        [(KeyCode::Char(':'), NONE)],
        "cmd",
        false,
        Global,
        true
    ),
    spec!(
        Profiles,
        "profiles",
        [(KeyCode::Char('p'), CTRL)],
        "profiles",
        false,
        Global,
        true
    ),
    spec!(
        Refresh,
        "refresh",
        [(KeyCode::Char('r'), CTRL)],
        "refresh",
        false,
        Global,
        false
    ),
    spec!(
        Help,
        "help",
        [(KeyCode::Char('?'), NONE)],
        "help",
        false,
        Global,
        true
    ),
    spec!(
        Back,
        "back",
        [(KeyCode::Esc, NONE)],
        "back / clear filter",
        false,
        Global,
        false
    ),
    spec!(
        Quit,
        "quit",
        [(KeyCode::Char('q'), NONE)],
        "quit",
        false,
        Global,
        true
    ),
    spec!(
        ForceQuit,
        "force_quit",
        [(KeyCode::Char('c'), CTRL)],
        "quit now",
        false,
        Global,
        false
    ),
    spec!(
        TabProviders,
        "tab_providers",
        [(KeyCode::Char('1'), NONE)],
        "providers tab",
        false,
        Global,
        false
    ),
    spec!(
        TabSip,
        "tab_sip",
        [(KeyCode::Char('2'), NONE)],
        "SIP tab",
        false,
        Global,
        false
    ),
    spec!(
        TabVerification,
        "tab_verification",
        [(KeyCode::Char('3'), NONE)],
        "verification tab",
        false,
        Global,
        false
    ),
    spec!(
        TabActivity,
        "tab_activity",
        [(KeyCode::Char('4'), NONE)],
        "activity tab",
        false,
        Global,
        false
    ),
    spec!(
        NextTab,
        "next_tab",
        [(KeyCode::Right, NONE), (KeyCode::Char('l'), NONE)],
        "next tab",
        false,
        Global,
        false
    ),
    spec!(
        PrevTab,
        "prev_tab",
        [(KeyCode::Left, NONE), (KeyCode::Char('h'), NONE)],
        "previous tab",
        false,
        Global,
        false
    ),
    spec!(
        FocusPane,
        "focus_pane",
        [(KeyCode::Tab, NONE), (KeyCode::BackTab, SHIFT)],
        "switch pane",
        false,
        Global,
        false
    ),
    spec!(
        Up,
        "up",
        [(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        "up",
        false,
        Global,
        false
    ),
    spec!(
        Down,
        "down",
        [(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        "down",
        false,
        Global,
        false
    ),
    spec!(
        PageUp,
        "page_up",
        [(KeyCode::PageUp, NONE), (KeyCode::Char('b'), CTRL)],
        "page up",
        false,
        Global,
        false
    ),
    spec!(
        PageDown,
        "page_down",
        [(KeyCode::PageDown, NONE), (KeyCode::Char('f'), CTRL)],
        "page down",
        false,
        Global,
        false
    ),
    spec!(
        Top,
        "top",
        [(KeyCode::Char('g'), NONE), (KeyCode::Home, NONE)],
        "top",
        false,
        Global,
        false
    ),
    spec!(
        Bottom,
        "bottom",
        [(KeyCode::Char('G'), SHIFT), (KeyCode::End, NONE)],
        "bottom",
        false,
        Global,
        false
    ),
];

/// The spec of an action.
pub fn spec(action: UserAction) -> &'static ActionSpec {
    ACTIONS
        .iter()
        .find(|s| s.action == action)
        .unwrap_or(&ACTIONS[0])
}

/// How a key is written in hints and help: `⏎`, `D`, `ctrl-r`, `space`, `f5`.
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
        KeyCode::F(n) => format!("f{n}"),
        other => format!("{other:?}").to_lowercase(),
    };
    let mut label = String::new();
    for (m, word) in [(CTRL, "ctrl-"), (KeyModifiers::ALT, "alt-")] {
        if mods.contains(m) {
            label.push_str(word);
        }
    }
    label + &name
}

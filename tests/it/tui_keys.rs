//! The `[keys]` table: a remapped key triggers its action, the old keys do nothing,
//! and the hint bar, `?` help and read-only mode follow, as they come from the same
//! action table; a conflicting table is refused before anything runs.

use crate::cli::telcreds;
use crate::support::sandbox;
use crate::tui_harness::Harness;
use crossterm::event::{KeyCode, KeyModifiers};
use std::path::Path;
use std::time::Duration;
use telcreds::config::Config;
use telcreds::sandbox::Seed;
use telcreds::tui::app::Overlay;
use telcreds::tui::app::action::ACTIONS;
use telcreds::tui::app::keymap::Keymap;

const CTRL: KeyModifiers = KeyModifiers::CONTROL;

/// The keymap of a `[keys]` table, read as the config file is.
fn keys(table: &str) -> Keymap {
    let config = Config::parse(&format!("[keys]\n{table}"), None, None).expect("a valid config");
    Keymap::from_config(&config.keys, None).expect("a valid [keys] table")
}

/// The hint bar: the screen's second row from the bottom.
fn hint_bar(screen: &str) -> &str {
    screen.split('\n').rev().nth(1).unwrap()
}

/// The line of `?` help that describes `label`.
fn help_line<'a>(screen: &'a str, label: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(&format!(" {label} ")) || l.ends_with(&format!(" {label}")))
        .unwrap_or_else(|| panic!("no {label} in help:\n{screen}"))
}

#[tokio::test]
async fn a_remapped_key_works_the_old_ones_do_nothing_and_hints_and_help_follow() {
    let mut h = Harness::demo().await;
    h.app
        .set_keymap(keys("delete = \"ctrl-x\"\nhelp = \"f1\"\n"));
    h.app.status.flash = None;

    let screen = h.screen(140, 40);
    let hints = hint_bar(&screen);
    assert!(hints.contains("ctrl-x delete"), "{hints}");
    assert!(!hints.contains("D delete"), "{hints}");
    assert!(hints.ends_with("f1 help"), "{hints}");

    for old in [KeyCode::Char('D'), KeyCode::Delete] {
        h.press(old);
        assert!(h.app.overlay.is_none(), "{old:?} still deletes");
        assert!(
            h.app.status.flash.is_none(),
            "{old:?}: {:?}",
            h.app.status.flash
        );
    }
    h.press_with(KeyCode::Char('x'), CTRL);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::Confirm { .. })),
        "ctrl-x opens the delete confirmation"
    );
    h.press(KeyCode::Esc);
    assert!(h.app.overlay.is_none());

    h.press(KeyCode::Char('?'));
    assert!(h.app.overlay.is_none(), "? no longer opens help");
    h.press(KeyCode::F(1));
    assert!(matches!(h.app.overlay, Some(Overlay::Help { .. })));
    let screen = h.screen(140, 40);
    let delete = help_line(&screen, "delete");
    assert!(
        delete.contains("ctrl-x") && !delete.contains("D del"),
        "{delete}"
    );
    assert!(help_line(&screen, "help").contains("f1"), "{screen}");
    h.press(KeyCode::F(1));
    assert!(h.app.overlay.is_none(), "the help key closes help");
}

#[tokio::test]
async fn read_only_mode_hides_and_refuses_the_remapped_key() {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |profiles| {
        profiles[0].readonly = true
    })
    .await;
    h.app
        .set_keymap(keys("delete = \"ctrl-x\"\nreveal = \"X\"\n"));
    let screen = h.screen(140, 40);
    assert!(!hint_bar(&screen).contains("delete"), "{screen}");
    h.press_with(KeyCode::Char('x'), CTRL);
    let flash = h.app.status.flash.clone().expect("a flash says why");
    assert_eq!(flash.text, "read-only profile: nothing can be changed here");
    assert!(h.app.overlay.is_none());

    h.press(KeyCode::Char('?'));
    let screen = h.screen(140, 40);
    let delete = help_line(&screen, "delete (read-only profile)");
    assert!(delete.contains("ctrl-x"), "{delete}");
    assert!(
        help_line(&screen, "reveal (not here)").contains('X'),
        "{screen}"
    );
}

#[tokio::test]
async fn a_conflicting_keys_table_is_refused_before_anything_runs() {
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = crate::cli::write_config(&sb, dir.path());
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    // After a blank line and `[keys]`.
    let line = text.lines().count() + 3;
    text.push_str("\n[keys]\ndelete = \"ctrl-x\"\nedit = \"ctrl-x\"\n");
    std::fs::write(&cfg, text).unwrap();
    // The UI (no command) refuses to start; commands never read `[keys]`.
    let run = telcreds(&cfg, &[], "").await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    let expected = format!(
        "key \"keys.edit\": line {}: `ctrl-x` would trigger both edit (line {}) and delete \
         (line {line}): give each its own key",
        line + 1,
        line + 1
    );
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
}

#[test]
fn the_example_config_lists_every_action_with_its_default_keys() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let table = &text[text.find("\n[keys]\n").expect("a [keys] table")..];
    for spec in ACTIONS {
        assert!(
            table.contains(&format!("# {} = ", spec.name))
                || table.contains(&format!("#   {}: ", spec.name)),
            "config.example.toml lists {}",
            spec.name
        );
    }
    let uncommented: String = table
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|l| l.contains(" = "))
                .unwrap_or(l)
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let config = Config::parse(&uncommented, Some(Path::new(path)), Some(0o600))
        .expect("every listed key is valid");
    assert_eq!(
        Keymap::from_config(&config.keys, None).expect("every listed key is valid"),
        Keymap::default(),
        "the listed keys are the defaults"
    );
}

#[tokio::test]
async fn a_failed_load_names_the_remapped_retry_key() {
    let mut h = Harness::demo().await;
    h.app.set_keymap(keys("refresh = \"f5\"\n"));
    crate::support::fault(
        &h.sandbox,
        serde_json::json!({"kind": "server_error", "count": 10, "path_prefix": "/api/v1/sip-credentials"}),
    )
    .await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::F(5));
    h.settle().await;
    let flash = h.app.status.flash.as_ref().expect("a flash").text.clone();
    assert!(flash.contains("loading SIP credentials failed"), "{flash}");
    assert!(flash.contains("(f5 retries)"), "{flash}");
}

/// The `:` command line as drawn (the hint bar's row while it is open).
fn command_line(h: &mut Harness) -> String {
    hint_bar(&h.screen(120, 30)).trim_end().to_string()
}

#[tokio::test]
async fn tab_completes_commands_and_profile_names_in_the_command_line() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char(':'));
    h.type_text("pro");
    h.press(KeyCode::Tab);
    assert_eq!(command_line(&mut h), ":providers");
    h.press(KeyCode::Esc);

    h.press(KeyCode::Char(':'));
    h.type_text("ct");
    h.press(KeyCode::Tab);
    assert!(
        matches!(&h.app.overlay, Some(Overlay::Command(line)) if line.value() == "ctx "),
        "a command that takes a name, and the space before it"
    );
    h.press(KeyCode::Tab);
    assert!(
        command_line(&mut h).starts_with(":ctx demo-"),
        "the common part of the names: {}",
        command_line(&mut h)
    );
    assert!(
        command_line(&mut h).contains("demo-dasha") && command_line(&mut h).contains("demo-unpod"),
        "the choices are shown: {}",
        command_line(&mut h)
    );
    h.press(KeyCode::Tab);
    assert!(command_line(&mut h).starts_with(":ctx demo-dasha"));
    h.press(KeyCode::Tab);
    assert!(command_line(&mut h).starts_with(":ctx demo-unpod"));
    h.press(KeyCode::Enter);
    h.settle().await;
    assert_eq!(h.app.profile().unwrap().name, "demo-unpod");
}

#[tokio::test]
async fn s_picks_the_column_to_sort_by_and_the_header_marks_it() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('s'));
    let screen = h.screen(120, 30);
    assert!(
        screen.contains("1 NAME") && screen.contains("2 ACCOUNT SID"),
        "the columns to choose from:\n{screen}"
    );
    h.press(KeyCode::Char('2'));
    assert!(h.app.overlay.is_none());
    let header = |h: &mut Harness| {
        h.screen(120, 30)
            .lines()
            .find(|l| l.contains("NAME") && l.contains("STATUS"))
            .unwrap()
            .to_string()
    };
    assert!(
        header(&mut h).contains("ACCOUNT SID ↑"),
        "{}",
        header(&mut h)
    );
    let sids = |h: &Harness| -> Vec<String> {
        let list = &h.app.tables.providers;
        list.visible(list.len())
            .1
            .iter()
            .map(|p| p.account_sid.clone())
            .collect()
    };
    let ascending = sids(&h);
    assert!(
        ascending[0].starts_with("AC2d") && ascending[7].starts_with("ACf2"),
        "{ascending:?}"
    );
    // The same column again: the other way.
    h.press(KeyCode::Char('s'));
    h.press(KeyCode::Char('2'));
    assert!(
        header(&mut h).contains("ACCOUNT SID ↓"),
        "{}",
        header(&mut h)
    );
    let mut descending = sids(&h);
    descending.reverse();
    assert_eq!(descending, ascending);
    // Arrows (from the sorted column) and ⏎ pick too; Esc leaves the sort as it was.
    h.press(KeyCode::Char('s'));
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    assert!(header(&mut h).contains("STATUS ↑"), "{}", header(&mut h));
    h.press(KeyCode::Char('s'));
    h.press(KeyCode::Esc);
    assert!(header(&mut h).contains("STATUS ↑"), "{}", header(&mut h));
}

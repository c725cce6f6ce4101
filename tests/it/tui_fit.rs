//! Text that has to fit (issue 18): the smallest screen still shows rows, help
//! on a small screen is a list that scrolls, and nothing is cut with no way to read
//! it.

use crate::tui_harness::render_text;
use crate::tui_snapshots::{fixture, press};
use crossterm::event::KeyCode;
use telcreds::tui::app::theme::Theme;
use telcreds::tui::views::layout::{MIN_HEIGHT, MIN_WIDTH};

#[test]
fn at_the_smallest_size_every_table_shows_a_row() {
    for tab in ['1', '2', '3', '4'] {
        let mut app = fixture(Theme::default_theme());
        press(&mut app, KeyCode::Char(tab));
        let screen = render_text(&mut app, MIN_WIDTH, MIN_HEIGHT);
        assert!(screen.contains('▶'), "tab {tab}:\n{screen}");
        // The detail pane, when it has the keyboard, is what shows.
        press(&mut app, KeyCode::Tab);
        let screen = render_text(&mut app, MIN_WIDTH, MIN_HEIGHT);
        assert!(screen.contains("Detail"), "tab {tab}:\n{screen}");
    }
}

#[test]
fn help_on_a_small_screen_is_one_column_that_scrolls() {
    let mut app = fixture(Theme::default_theme());
    press(&mut app, KeyCode::Char('?'));
    let screen = render_text(&mut app, 45, 12);
    assert!(screen.contains(" ⏎             open"), "{screen}");
    assert!(
        !screen
            .lines()
            .any(|l| l.contains('…') && !l.contains("scroll")),
        "no entry is cut:\n{screen}"
    );
    assert!(screen.contains("↑/↓ scroll"), "{screen}");
    for _ in 0..60 {
        press(&mut app, KeyCode::Char('j'));
    }
    let screen = render_text(&mut app, 45, 12);
    assert!(
        screen.contains("bottom") && screen.contains("⏎ save"),
        "the end of the list and of the footer:\n{screen}"
    );
    press(&mut app, KeyCode::Char('g'));
    assert!(render_text(&mut app, 45, 12).contains("open"));
}

/// Types a `:` command and runs it.
fn command(app: &mut telcreds::tui::app::App, line: &str) {
    press(app, KeyCode::Char(':'));
    for c in line.chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter);
}

#[test]
fn a_message_longer_than_its_line_is_kept_whole_in_the_message_log() {
    let mut app = fixture(Theme::default_theme());
    let long = "theme \"sol\": could not read /home/someone/.config/telcreds/themes/sol.toml: \
                no such file or directory (the default theme is used)";
    app.set_flash(format!("{long}\u{1b}[2J"), true);
    let screen = render_text(&mut app, 80, 24);
    let status = screen.lines().last().unwrap();
    assert!(
        status.ends_with("(:messages)") && status.contains('…'),
        "the status line says more is kept: {status:?}"
    );
    command(&mut app, "messages");
    let screen = render_text(&mut app, 80, 24);
    let text: String = screen
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("themes/sol.toml: no such file or directory (the default theme is used)"),
        "whole, wrapped at spaces:\n{screen}"
    );
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    press(&mut app, KeyCode::Esc);
    for i in 0..150 {
        app.set_flash(format!("message {i}"), false);
    }
    let kept: Vec<&str> = app.messages().map(|m| m.text.as_str()).collect();
    assert_eq!(kept.len(), 100, "bounded");
    assert_eq!((kept[0], kept[99]), ("message 50", "message 149"));
}

#[test]
fn table_columns_share_out_the_room_their_cells_leave() {
    use telcreds::domain::Platform;
    use telcreds::journal::{Action, JournalEntry, JournalTarget, TargetKind};
    use telcreds::tui::app::ActivityEntry;
    let mut app = fixture(Theme::default_theme());
    let target = JournalTarget::new(TargetKind::Provider, "p1", Some("acme-prod-us".into()));
    let entry = JournalEntry::new(Action::RotationPromote, target)
        .on_named("production-dasha", &Platform::Dasha);
    app.tables
        .activity
        .set_items(vec![ActivityEntry::new(1, entry)]);
    press(&mut app, KeyCode::Char('4'));
    let screen = render_text(&mut app, 80, 24);
    let row = screen.lines().find(|l| l.contains('▶')).unwrap();
    assert!(
        row.contains("production-dasha") && row.contains("rotation.promote "),
        "cut while the outcome column sits empty:\n{screen}"
    );

    press(&mut app, KeyCode::Char('2'));
    let screen = render_text(&mut app, 160, 45);
    assert!(
        screen.contains("sip.carrier-eu.example:5061"),
        "the server's port shows:\n{screen}"
    );
}

#[test]
fn the_tab_bar_shortens_its_labels_and_never_cuts_one() {
    let mut app = fixture(Theme::default_theme());
    for (width, wanted) in [
        (
            80,
            &[
                "1 Providers",
                "2 SIP credentials",
                "3 Verification",
                "4 Activity",
            ][..],
        ),
        (
            60,
            &["1 Providers", "2 SIP", "3 Verification", "4 Activity"][..],
        ),
        (40, &["1 Prov", "2 SIP", "3 Verif", "4 Act"][..]),
    ] {
        let screen = render_text(&mut app, width, 24);
        let tabs = screen.lines().nth(1).unwrap();
        for label in wanted {
            assert!(tabs.contains(label), "{width}: {tabs:?}");
        }
    }
}

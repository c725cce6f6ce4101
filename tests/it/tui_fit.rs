//! Text that has to fit (issue 18): the smallest screen still shows rows, help
//! on a small screen is a list that scrolls, and nothing is cut with no way to read
//! it.

use crate::tui_harness::render_text;
use crate::tui_snapshots::{fixture, press};
use crossterm::event::KeyCode;
use telcreds::tui::theme::Theme;
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

//! Every screen, with help, forms and dialogs open, drawn at tiny and odd terminal
//! sizes: each draw finishes promptly, and below the minimum size the screen says so.

use crate::tui_harness::render_within;
use crate::tui_snapshots::{fixture, open_delete_confirm, press};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;
use telcreds::tui::app::App;
use telcreds::tui::app::theme::Theme;
use telcreds::tui::views::layout::{MIN_HEIGHT, MIN_WIDTH};

/// Longest a draw may take (a debug build on a loaded two-core machine).
const LIMIT: Duration = Duration::from_secs(1);

type Setup = fn(&mut App);

/// Each screen and overlay, named, as keys (or the snapshot tests) open it.
pub(crate) const SCREENS: &[(&str, Setup)] = &[
    ("providers", |_| {}),
    ("detail", |app| {
        press(app, KeyCode::Char('j'));
        press(app, KeyCode::Tab);
    }),
    ("sip", |app| press(app, KeyCode::Char('2'))),
    ("sip revealed", |app| {
        press(app, KeyCode::Char('2'));
        press(app, KeyCode::Char('x'));
    }),
    ("verification", |app| press(app, KeyCode::Char('3'))),
    ("activity", |app| press(app, KeyCode::Char('4'))),
    ("help", |app| press(app, KeyCode::Char('?'))),
    ("help on sip", |app| {
        press(app, KeyCode::Char('2'));
        press(app, KeyCode::Char('?'));
    }),
    ("picker", |app| {
        let _ = app.handle_key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL));
    }),
    ("command", |app| press(app, KeyCode::Char(':'))),
    ("sort", |app| press(app, KeyCode::Char('s'))),
    ("messages", |app| {
        app.set_flash(
            "a message that is longer than the narrowest status line",
            true,
        );
        let _ = app.run_command("messages".into());
    }),
    ("filter", |app| press(app, KeyCode::Char('/'))),
    ("sip form", |app| {
        press(app, KeyCode::Char('2'));
        press(app, KeyCode::Char('n'));
    }),
    ("provider form", |app| press(app, KeyCode::Char('e'))),
    ("token prompt", |app| press(app, KeyCode::Char('r'))),
    ("delete confirm", open_delete_confirm),
];

/// Sizes from 1x1 up, around the minimum, and the shapes of the reported freeze.
const SIZES: &[(u16, u16)] = &[
    (1, 1),
    (2, 1),
    (1, 2),
    (10, 3),
    (120, 3),
    (60, 5),
    (3, 40),
    (39, 10),
    (40, 9),
    (40, 10),
    (41, 11),
    (60, 12),
    (109, 10),
    (110, 10),
    (300, 10),
];

#[test]
fn every_screen_draws_at_tiny_sizes_and_says_when_too_small() {
    for (name, setup) in SCREENS {
        let mut app = fixture(Theme::default_theme());
        setup(&mut app);
        for &(w, h) in SIZES {
            // The solver's bug depends on hash order: several tries per size.
            for _ in 0..3 {
                let (back, screen) =
                    render_within(app, w, h, LIMIT).unwrap_or_else(|e| panic!("{name}: {e}"));
                app = back;
                let need = format!("need {MIN_WIDTH}x{MIN_HEIGHT}");
                let says = if w >= 10 {
                    screen.lines().next() == Some(&need[..])
                        || screen.starts_with("too small: ") && screen.contains(&need)
                        || screen.starts_with("terminal too small (") && screen.contains(&need)
                } else {
                    screen.starts_with(&need[5..5 + usize::from(w).min(5)])
                };
                let small = w < MIN_WIDTH || h < MIN_HEIGHT;
                assert_eq!(
                    small, says,
                    "{name} at {w}x{h}: the notice is shown iff too small:\n{screen}"
                );
            }
        }
    }
}

//! Keeps it so: random key sequences at random terminal sizes, down to 1x1, against
//! the demo sandbox (help, forms, dialogs and prompts open along the way). Every draw
//! finishes within a second, and nothing panics.

use crate::tui_harness::Harness;
use crossterm::event::{KeyCode, KeyModifiers};
use proptest::prelude::*;
use std::time::Duration;

/// One thing a user does, followed by a draw at the step's size.
#[derive(Debug, Clone)]
enum Input {
    Key(KeyCode, KeyModifiers),
    Paste(String),
    /// Lets replies arrive before the next draw.
    Wait(u64),
}

fn key() -> impl Strategy<Value = Input> {
    let chars = "?1234jkgGnexyrDvmsSpP/:q aA0 \u{e9}"
        .chars()
        .collect::<Vec<_>>();
    let codes = vec![
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Backspace,
    ];
    prop_oneof![
        8 => prop::sample::select(chars).prop_map(|c| Input::Key(KeyCode::Char(c), KeyModifiers::NONE)),
        4 => prop::sample::select(codes).prop_map(|c| Input::Key(c, KeyModifiers::NONE)),
        1 => prop::sample::select(vec!['p', 'r', 'x', 'g'])
            .prop_map(|c| Input::Key(KeyCode::Char(c), KeyModifiers::CONTROL)),
        1 => "[a-z0-9 \n]{0,40}".prop_map(Input::Paste),
        1 => (0u64..60).prop_map(Input::Wait),
    ]
}

/// Mostly tiny or near the minimum size, sometimes anything up to 200x60.
fn size() -> impl Strategy<Value = (u16, u16)> {
    prop_oneof![
        (1u16..=12, 1u16..=6),
        (36u16..=44, 7u16..=13),
        (1u16..=200, 1u16..=60),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_keys_at_random_sizes_always_draw_promptly(
        steps in prop::collection::vec((key(), size()), 1..40)
    ) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let _guard = rt.enter();
        let mut h = rt.block_on(Harness::demo());
        for (input, (w, ht)) in steps {
            match input {
                Input::Key(code, mods) => h.press_with(code, mods),
                Input::Paste(text) => h.app.handle_paste(&text),
                Input::Wait(ms) => rt.block_on(tokio::time::sleep(Duration::from_millis(ms))),
            }
            h.pump();
            let drawn = h.screen_within(w, ht, Duration::from_secs(1));
            prop_assert!(drawn.is_ok(), "{}", drawn.unwrap_err());
        }
    }
}

//! Confirmation dialogs (issue 18): what a dialog calls its item, the button a typed
//! name enables, the production profiles of a rotation plan, and a plan longer than
//! the screen.

use crate::tui_harness::Harness;
use crossterm::event::KeyCode;
use std::time::Duration;
use telcreds::sandbox::Seed;

/// c2000000-…-001 has phone numbers: deleting it offers only a force delete.
const IN_USE: &str = "c2000000-0000-4000-8000-000000000001";

/// The first screen row that contains `text`.
fn row_with<'a>(screen: &'a str, text: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no row with {text:?}:\n{screen}"))
}

#[tokio::test]
async fn a_delete_dialog_names_what_it_deletes_and_the_button_the_name_enables() {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |ps| ps[0].protected = true).await;
    h.press(KeyCode::Char('D'));
    h.settle().await;
    let screen = h.screen(120, 40);
    assert!(
        row_with(&screen, "Provider ").contains("initech-outbound"),
        "{screen}"
    );
    h.press(KeyCode::Esc);

    h.press(KeyCode::Char('2'));
    h.select_sip(IN_USE);
    h.press(KeyCode::Char('D'));
    h.settle().await;
    let screen = h.screen(120, 40);
    assert!(!screen.contains("Item "), "{screen}");
    assert!(
        row_with(&screen, "Credential ").contains("EU carrier #1"),
        "{screen}"
    );
    assert!(screen.contains("[ Force delete ]"), "{screen}");
    assert!(
        screen.contains("to enable Force delete:"),
        "the typed name enables the button that is there:\n{screen}"
    );
}

#[tokio::test]
async fn a_rotation_plan_names_the_account_sid() {
    let mut h = Harness::demo().await;
    h.select_where(
        |app| &app.providers,
        |p| p.name.as_deref() == Some("acme-prod-us"),
    );
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('m'));
    h.settle().await;
    let screen = h.screen(120, 40);
    assert!(!screen.contains("Item "), "{screen}");
    assert!(
        row_with(&screen, "Account SID").contains("AC759b765966b5b7c9cdfaa58072348b24"),
        "{screen}"
    );
}

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
        |app| &app.tables.providers,
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

/// "Acme Production": Dasha providers 1, 2, 8 and Unpod configuration 101 use it.
const ACME: &str = "AC759b765966b5b7c9cdfaa58072348b24";

/// The demo platform seen through four profiles, read-only ones first: audit-dasha
/// (read-only), prod-dasha (protected), prod-unpod (labelled production) and audit
/// (read-only); the UI starts on prod-dasha.
async fn four_profiles() -> Harness {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |ps| {
        let (dasha, unpod) = (ps[0].clone(), ps[1].clone());
        let named = |p: &telcreds::config::Profile, name: &str| {
            let mut p = p.clone();
            p.name = name.into();
            p.label = None;
            p
        };
        let mut audit_dasha = named(&dasha, "audit-dasha");
        audit_dasha.readonly = true;
        let mut prod_dasha = named(&dasha, "prod-dasha");
        prod_dasha.protected = true;
        let mut prod_unpod = named(&unpod, "prod-unpod");
        prod_unpod.label = Some("production".into());
        let mut audit = named(&unpod, "audit");
        audit.readonly = true;
        // In this order the skipped targets come first in the plan.
        *ps = vec![audit_dasha, prod_dasha, prod_unpod, audit];
    })
    .await;
    h.press(KeyCode::Char(':'));
    h.type_text("ctx prod-dasha");
    h.press(KeyCode::Enter);
    h.settle().await;
    h
}

/// `r`, `m` on an Acme Production provider: the mint plan.
async fn mint_plan(h: &mut Harness) {
    h.select_provider_of(ACME);
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('m'));
    h.settle().await;
}

#[tokio::test]
async fn each_production_profile_of_a_plan_has_its_own_badge() {
    let mut h = four_profiles().await;
    mint_plan(&mut h).await;
    let screen = h.screen(120, 40);
    let profiles = row_with(&screen, "Profile");
    assert!(
        profiles.contains("audit-dasha, prod-dasha [PROD], prod-unpod [PROD], audit "),
        "{screen}"
    );
}

/// The plan's target rows as drawn: between its heading and what follows them.
fn plan_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains("only when no target is left on it."))
        .skip(1)
        .take_while(|l| !l.contains("Type ") && !l.contains("… and "))
        .filter(|l| !l.contains("more above"))
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[tokio::test]
async fn a_plan_taller_than_the_screen_shows_the_updates_first_and_scrolls_to_the_rest() {
    let mut h = four_profiles().await;
    mint_plan(&mut h).await;
    let all = plan_rows(&h.screen(60, 40));
    let text = all.join(" ");
    assert_eq!(text.matches("→ update").count(), 4, "{text}");
    assert_eq!(text.matches("→ skip").count(), 4, "{text}");
    assert!(
        text.rfind("→ update") < text.find("→ skip"),
        "the targets to change come first:\n{text}"
    );

    let screen = h.screen(60, 16);
    let first = plan_rows(&screen);
    assert!(first.len() >= 4, "{screen}");
    assert_eq!(first[..], all[..first.len()], "{screen}");
    assert!(
        row_with(&screen, "… and ").contains("more (↑/↓ scroll)"),
        "the rest says how to see it:\n{screen}"
    );
    // PgDn scrolls to the rest; the typed confirmation still works.
    for _ in 0..4 {
        h.press(KeyCode::PageDown);
    }
    let screen = h.screen(60, 16);
    assert!(!screen.contains("… and "), "{screen}");
    assert!(screen.contains("more above (↑/↓ scroll)"), "{screen}");
    let last = plan_rows(&screen);
    assert_eq!(last[..], all[all.len() - last.len()..], "{screen}");
    h.type_text(ACME);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(
            h.app.overlay,
            Some(telcreds::tui::app::Overlay::Rotation(_))
        ),
        "confirmed"
    );
}

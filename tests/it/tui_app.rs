//! App state driven by key sequences against the sandbox, without a terminal.

use crate::tui_harness::Harness;
use crossterm::event::{KeyCode, KeyModifiers};
use std::time::Duration;
use telcreds::domain::{SipSource, VerificationStatus};
use telcreds::journal::{Action, JournalEntry, Outcome};
use telcreds::sandbox::Seed;
use telcreds::secret::Secret;
use telcreds::tui::app::{Clock, Overlay, Tab};
use telcreds::tui::runtime::effect::{Answer, Msg};

const CTRL: KeyModifiers = KeyModifiers::CONTROL;

#[tokio::test]
async fn navigates_tabs_rows_and_panes() {
    let mut h = Harness::demo().await;
    assert_eq!(h.app.tables.providers.len(), 8);
    assert_eq!(h.app.tables.sip.len(), 42);
    let first = h.app.tables.providers.selected_item().unwrap().id.clone();
    h.press(KeyCode::Char('j'));
    h.press(KeyCode::Down);
    assert_eq!(h.app.tables.providers.selected_index(), 2);
    h.press(KeyCode::Char('G'));
    assert_eq!(h.app.tables.providers.selected_index(), 7);
    h.press(KeyCode::Char('g'));
    assert_eq!(h.app.tables.providers.selected_item().unwrap().id, first);
    h.press(KeyCode::Char('2'));
    assert_eq!(h.app.tables.tab, Tab::Sip);
    h.press(KeyCode::PageDown);
    assert_eq!(h.app.tables.sip.selected_index(), 10);
    h.press(KeyCode::Char('3'));
    assert_eq!(h.app.tables.tab, Tab::Verification);
    // Worst first: failed rows lead.
    assert_eq!(
        h.app.tables.verification.selected_item().unwrap().status,
        VerificationStatus::Failed
    );
    h.press(KeyCode::Char('4'));
    assert_eq!(h.app.tables.tab, Tab::Activity);
    h.press(KeyCode::Char('1'));
    h.press(KeyCode::Enter);
    h.settle().await;
    let screen = h.screen(120, 40);
    assert!(screen.contains("phone numbers ("), "{screen}");
}

#[tokio::test]
async fn filter_as_you_type_is_kept_per_tab_and_esc_clears() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('/'));
    h.type_text("acme-eu");
    assert_eq!(h.app.tables.providers.len(), 2);
    h.press(KeyCode::Enter);
    assert!(h.app.overlay.is_none());
    h.press(KeyCode::Char('2'));
    assert_eq!(h.app.tables.sip.len(), 42, "the SIP tab has its own filter");
    h.press(KeyCode::Char('/'));
    h.type_text("tls");
    let tls = h.app.tables.sip.len();
    assert!(tls > 0 && tls < 42);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('1'));
    assert_eq!(h.app.tables.providers.len(), 2, "kept when coming back");
    assert!(h.screen(80, 24).contains("/acme-eu"));
    h.press(KeyCode::Char('/'));
    h.press(KeyCode::Esc);
    assert_eq!(h.app.tables.providers.len(), 8);
}

#[tokio::test]
async fn creates_and_edits_a_sip_credential_through_the_form() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('n'));
    assert!(matches!(h.app.overlay, Some(Overlay::Form { .. })));
    h.type_text("sip.form-test.example:5061");
    h.press(KeyCode::Tab); // domain
    h.press(KeyCode::Tab); // auth user
    h.type_text("form-user");
    h.press(KeyCode::Tab); // password
    h.type_text("hunter2-hunter2");
    h.press(KeyCode::Tab); // transport
    h.press(KeyCode::Right);
    h.press(KeyCode::Right);
    h.press(KeyCode::Tab); // description
    h.type_text("Form test trunk");
    h.press(KeyCode::Tab); // cps limit
    h.type_text("7");
    assert!(
        !h.screen(80, 24).contains("hunter2"),
        "the password is masked while typing"
    );
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(h.app.overlay.is_none(), "the form closes after a save");
    let created = h.app.selected_sip().unwrap();
    assert_eq!(created.description.as_deref(), Some("Form test trunk"));
    assert_eq!(
        (created.transport.as_str(), created.cps_limit),
        ("tls", Some(7))
    );
    assert_eq!(h.app.tables.sip.len(), 43);
    assert_eq!(h.app.tables.activity.items().len(), 1);

    h.press(KeyCode::Char('e'));
    for _ in 0..5 {
        h.press(KeyCode::Tab);
    }
    h.type_text(" v2");
    h.press(KeyCode::Enter);
    h.settle().await;
    let edited = h.app.selected_sip().unwrap();
    assert_eq!(edited.id, created.id);
    assert_eq!(edited.description.as_deref(), Some("Form test trunk v2"));
    assert_eq!(
        edited.auth_password, created.auth_password,
        "untouched fields are kept"
    );
}

#[tokio::test]
async fn a_failed_submit_keeps_the_typed_input_and_shows_the_platform_error() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('n'));
    h.type_text("my-new-provider");
    h.press(KeyCode::Tab);
    h.type_text(&h.sandbox.twilio_accounts()[0].sid.clone());
    h.press(KeyCode::Tab);
    // Well-formed, but not the account's token: Twilio (the sandbox) refuses it.
    h.type_text("0123456789abcdef0123456789abcdef");
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::Form { .. })),
        "the form stays open"
    );
    let screen = h.screen(100, 30);
    assert!(
        screen.contains("my-new-provider"),
        "typed input kept:\n{screen}"
    );
    assert!(
        screen.contains("Authentication Error"),
        "the platform's reason is shown:\n{screen}"
    );
    assert!(
        !screen.contains("0123456789abcdef0123456789abcdef"),
        "the token stays masked"
    );
    assert!(h.app.status.flash.as_ref().unwrap().error);
    assert_eq!(h.app.tables.providers.len(), 8, "nothing was created");
}

#[tokio::test]
async fn deletes_an_unused_credential_after_confirming() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('/'));
    h.type_text("nordic");
    h.press(KeyCode::Enter);
    // Find a manual credential nobody uses (the demo seed has 26); every row once.
    let rows = h.app.tables.sip.len();
    let mut tries = 0;
    let target = loop {
        tries += 1;
        assert!(tries <= rows, "no unused manual credential among {rows}");
        let sel = h.app.selected_sip().unwrap();
        if sel.source == SipSource::Manual {
            h.press(KeyCode::Char('D'));
            h.settle().await;
            if let Some(Overlay::Confirm { .. }) = &h.app.overlay {
                let screen = h.screen(100, 30);
                if screen.contains("nothing uses it") {
                    break sel;
                }
                h.press(KeyCode::Esc);
            }
        }
        h.press(KeyCode::Char('j'));
    };
    let screen = h.screen(100, 30);
    assert!(
        screen.contains("demo-dasha"),
        "the dialog names the profile:\n{screen}"
    );
    h.press(KeyCode::Enter); // focus starts on Cancel
    assert!(h.app.overlay.is_none());
    assert!(
        h.app.tables.sip.items().iter().any(|s| s.id() == target.id),
        "cancel deletes nothing"
    );
    h.press(KeyCode::Char('D'));
    h.settle().await;
    h.press(KeyCode::Char('y'));
    h.settle().await;
    assert!(!h.app.tables.sip.items().iter().any(|s| s.id() == target.id));
    assert!(
        h.app
            .status
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("deleted")
    );
}

#[tokio::test]
async fn deleting_a_credential_in_use_lists_dependants_and_offers_only_force_delete() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    // c2000000-…-001 has three phone numbers and agents.
    let id = "c2000000-0000-4000-8000-000000000001";
    h.select_sip(id);
    h.press(KeyCode::Char('D'));
    h.settle().await;
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("phone number +1555"),
        "dependants listed:\n{screen}"
    );
    assert!(
        screen.contains("Force delete") && !screen.contains("[ Delete ]"),
        "a plain delete would be refused, so only force is offered:\n{screen}"
    );
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    assert!(
        h.screen(120, 40).contains("⏎ again"),
        "a force asks twice on a profile that asks no name"
    );
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(!h.app.tables.sip.items().iter().any(|s| s.id() == id));
    let entries: Vec<&JournalEntry> = h
        .app
        .tables
        .activity
        .items()
        .iter()
        .map(|a| &a.entry)
        .collect();
    assert_eq!(
        entries.len(),
        1,
        "one delete, no refused attempt: {entries:?}"
    );
    assert_eq!(entries[0].action, Action::SipDelete);
    assert_eq!(entries[0].outcome, Outcome::Ok);
    assert!(
        entries[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("force")),
        "{entries:?}"
    );
}

#[tokio::test]
async fn switching_profile_drops_results_of_the_old_one() {
    let mut h = Harness::start(Seed::Demo, Duration::from_millis(300), |_| {}).await;
    assert_eq!(h.app.tables.providers.len(), 8);
    let dasha_providers = h.app.tables.providers.items().to_vec();
    h.press_with(KeyCode::Char('r'), CTRL);
    assert!(h.app.is_busy(), "the refresh is in flight");
    let (old_generation, old_job) = (
        h.app.session.generation,
        *h.app.calls.jobs.keys().next().unwrap(),
    );
    h.press(KeyCode::Char(':'));
    h.type_text("ctx demo-unpod");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.profile().unwrap().name, "demo-unpod");
    assert!(!h.app.tables.providers.loaded);
    h.settle().await;
    assert_eq!(
        h.app.tables.providers.len(),
        3,
        "only the Unpod configurations"
    );
    // The old profile's answer arriving now is dropped.
    let stale = Msg::Done {
        generation: old_generation,
        job: old_job,
        answer: Answer::Providers(Ok(dasha_providers)),
    };
    let effects = h.app.update(stale);
    assert!(effects.is_empty());
    assert_eq!(h.app.tables.providers.len(), 3);
    assert!(
        h.app
            .tables
            .providers
            .items()
            .iter()
            .all(|p| p.status == VerificationStatus::NotVerifiable)
    );
    assert!(
        !h.screen(80, 24).contains("2 SIP credentials"),
        "Unpod has no SIP tab"
    );
}

#[tokio::test]
async fn a_readonly_profile_shows_no_mutating_action() {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |ps| {
        ps[0].readonly = true;
        ps[0].label = Some("production".into());
    })
    .await;
    let hints = h.screen(120, 30);
    assert!(
        hints.contains("[PROD]") && hints.contains("[RO]"),
        "{hints}"
    );
    let last = hints.lines().rev().nth(1).unwrap();
    for word in ["new", "edit", "delete"] {
        assert!(!last.contains(word), "hint bar offers {word}: {last}");
    }
    h.press(KeyCode::Char('n'));
    h.press(KeyCode::Char('D'));
    h.press(KeyCode::Char('e'));
    assert!(h.app.overlay.is_none());
    assert!(
        h.app
            .status
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("read-only")
    );
    h.press(KeyCode::Char('?'));
    assert!(h.screen(120, 40).contains("delete (read-only profile)"));
}

#[tokio::test]
async fn a_protected_profile_asks_for_the_name() {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |ps| ps[0].protected = true).await;
    h.press(KeyCode::Char('2'));
    let id = "c2000000-0000-4000-8000-000000000020";
    h.select_sip(id);
    let name = h
        .app
        .tables
        .sip
        .selected_item()
        .unwrap()
        .display_name()
        .to_string();
    h.press(KeyCode::Char('D'));
    h.settle().await;
    h.press(KeyCode::Char('y'));
    assert!(
        matches!(h.app.overlay, Some(Overlay::Confirm { .. })),
        "y alone does not delete"
    );
    h.press(KeyCode::Backspace); // the y went into the name box
    h.type_text(&name);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        !h.app.tables.sip.items().iter().any(|s| s.id() == id),
        "{:?}",
        h.app.status.flash
    );
}

#[tokio::test]
async fn reveal_and_copy_expire_after_thirty_seconds_and_say_what_was_done() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('j'));
    let cred = h.app.selected_sip().unwrap();
    let password = cred.auth_password.clone().unwrap();
    assert!(!h.screen(120, 40).contains(password.expose()));
    h.press(KeyCode::Char('x'));
    assert!(h.screen(120, 40).contains(password.expose()));
    h.press(KeyCode::Char('y'));
    assert_eq!(h.copied.last(), Some(&password));
    let later = Clock::system().advanced(Duration::from_secs(31));
    let effects = h.app.on_time(later);
    h.run(effects);
    assert!(
        !h.screen(120, 40).contains(password.expose()),
        "hidden again"
    );
    let last = h.copied.last().unwrap();
    assert_eq!(
        last.expose(),
        telcreds::tui::runtime::clipboard::PLACEHOLDER
    );
    let flash = h.app.status.flash.as_ref().map(|f| f.text.as_str());
    assert_eq!(flash, Some("clipboard overwritten"));
}

#[tokio::test]
async fn verify_updates_the_row_and_marks_select_several() {
    let mut h = Harness::demo().await;
    let sid = h
        .app
        .tables
        .providers
        .items()
        .iter()
        .find(|p| p.name.as_deref() == Some("acme-prod-us"))
        .unwrap()
        .account_sid
        .clone();
    h.sandbox.roll_twilio_token(&sid).unwrap();
    h.press(KeyCode::Char('/'));
    h.type_text("acme-prod");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Char('v'));
    assert_eq!(h.app.calls.verifying.len(), 2);
    assert!(h.screen(100, 30).contains("verifying"));
    h.settle().await;
    let failed = h
        .app
        .tables
        .providers
        .items()
        .iter()
        .filter(|p| {
            p.name
                .as_deref()
                .is_some_and(|n| n.starts_with("acme-prod"))
        })
        .all(|p| p.status == VerificationStatus::Failed);
    assert!(failed, "a rolled token fails the credentials check");
}

#[tokio::test]
async fn rotating_a_sip_password_keeps_the_id_and_every_other_field() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('j'));
    let before = h.app.selected_sip().unwrap();
    assert_eq!(before.source, SipSource::Manual);
    h.press(KeyCode::Char('r'));
    assert!(matches!(h.app.overlay, Some(Overlay::Prompt { .. })));
    h.press_with(KeyCode::Char('g'), CTRL);
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(h.app.overlay.is_none(), "{:?}", h.app.status.flash);
    let after = h.app.selected_sip().unwrap();
    assert_eq!(after.id, before.id);
    assert_ne!(after.auth_password, before.auth_password);
    assert_eq!(after.auth_password.as_ref().unwrap().char_len(), 32);
    assert_eq!(
        (after.server, after.transport, after.cps_limit),
        (before.server, before.transport, before.cps_limit)
    );
    let screen = h.screen(120, 40);
    assert!(
        !screen.contains(after.auth_password.as_ref().unwrap().expose()),
        "masked until revealed"
    );
    assert!(screen.contains("x reveals it"), "{screen}");
}

#[tokio::test]
async fn a_weak_or_production_sip_password_rotation_asks_before_anything_is_sent() {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |profiles| {
        profiles[0].protected = true;
    })
    .await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('j'));
    let before = h.app.selected_sip().unwrap();
    h.press(KeyCode::Char('r'));
    assert!(h.screen(100, 30).contains("carrier end of the trunk"));
    h.type_text("short");
    h.press(KeyCode::Enter);
    let screen = h.screen(100, 30);
    assert!(screen.contains("under 12"), "{screen}");
    assert!(matches!(h.app.overlay, Some(Overlay::Prompt { .. })));
    // The second ⏎ takes the weak password; the profile is protected: its name.
    h.press(KeyCode::Enter);
    assert!(
        matches!(h.app.overlay, Some(Overlay::Confirm { .. })),
        "{:?}",
        h.app.status.flash
    );
    let screen = h.screen(100, 30);
    assert!(
        screen.contains("[PROD]") && screen.contains("Rotate"),
        "{screen}"
    );
    assert!(screen.contains("carrier"), "{screen}");
    h.press(KeyCode::Enter); // focus starts on Cancel
    h.settle().await;
    assert!(h.app.overlay.is_none());
    assert_eq!(
        h.app.selected_sip().unwrap().auth_password,
        before.auth_password
    );

    // Again, with the name typed and Rotate chosen.
    h.press(KeyCode::Char('r'));
    h.type_text("short");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Enter);
    h.type_text(&before.confirm_name());
    h.press(KeyCode::Tab);
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(h.app.overlay.is_none(), "{:?}", h.app.status.flash);
    let after = h.app.selected_sip().unwrap();
    assert_eq!(after.auth_password.unwrap().expose(), "short");
}

#[tokio::test]
async fn a_profile_whose_host_does_not_answer_offers_no_new_item_and_says_why() {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |profiles| {
        profiles[0].base_url = "http://127.0.0.1:9/api/v1".into();
    })
    .await;
    for tab in ['1', '2'] {
        h.press(KeyCode::Char(tab));
        h.settle().await;
        let screen = h.screen(140, 30);
        assert!(
            screen.contains("nothing answers at 127.0.0.1:9 (connection refused)"),
            "{screen}"
        );
        assert!(!screen.contains("n new"), "{screen}");
        h.press(KeyCode::Char('n'));
        assert!(
            h.app.overlay.is_none(),
            "no form for a platform out of reach"
        );
    }
}

#[tokio::test]
async fn rotating_a_twilio_token_updates_every_profile_and_reports_each_target() {
    let mut h = Harness::demo().await;
    let sid = "AC759b765966b5b7c9cdfaa58072348b24";
    let new_token = h.sandbox.roll_twilio_token(sid).unwrap();
    h.select_provider_of(sid);
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('t')); // I already have the new token
    assert!(matches!(h.app.overlay, Some(Overlay::Prompt { .. })));
    h.type_text(&new_token);
    assert!(
        !h.screen(100, 30).contains(&new_token),
        "the token is masked"
    );
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::RotationPlan { .. })),
        "{:?}",
        h.app.status.flash
    );
    let plan = h.screen(120, 40);
    assert!(
        plan.contains("demo-dasha") && plan.contains("demo-unpod"),
        "{plan}"
    );
    assert!(
        plan.contains("acme-prod-us") && plan.contains("acme-onboarding"),
        "{plan}"
    );
    h.press(KeyCode::Enter); // focus starts on Cancel
    assert!(h.app.overlay.is_none(), "cancel changes nothing");
    assert!(
        h.app
            .status
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("nothing was changed")
    );

    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('t')); // I already have the new token
    h.type_text(&new_token);
    h.press(KeyCode::Enter);
    h.settle().await;
    h.press(KeyCode::Char('y'));
    h.settle().await;
    let result = h.screen(120, 40);
    assert!(
        result.contains("no provider found is left on the old token"),
        "{result}"
    );
    assert!(
        result.contains("✓ verified") && result.contains("✓ updated"),
        "{result}"
    );
    assert!(!result.contains(&new_token));
    h.press(KeyCode::Enter);
    h.settle().await;
    let prod_us = h
        .app
        .tables
        .providers
        .items()
        .iter()
        .find(|p| p.name.as_deref() == Some("acme-prod-us"))
        .unwrap();
    assert_eq!(prod_us.status, VerificationStatus::Verified);
    let journal = std::fs::read_to_string(h.data.path().join("journal.jsonl")).unwrap();
    assert!(journal.contains("rotation.update") && journal.contains("rotation.verify"));
    assert!(!journal.contains(&new_token));
}

#[tokio::test]
async fn a_token_twilio_rejects_changes_nothing() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('t')); // I already have the new token
    h.type_text("0123456789abcdef0123456789abcdef");
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::Prompt { .. })),
        "the prompt stays with the reason"
    );
    let screen = h.screen(100, 30);
    assert!(screen.contains("Twilio rejected the new token"), "{screen}");
    let requests: Vec<serde_json::Value> =
        reqwest::get(format!("{}/_sandbox/requests", h.sandbox.origin()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert!(
        requests.iter().all(|r| r["method"] != "PATCH"),
        "nothing was sent to a platform"
    );
}

#[tokio::test]
async fn verify_all_from_the_verification_tab_and_auto_refresh_with_pause() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('V'));
    assert!(
        h.app.calls.verifying.is_empty(),
        "only from the Verification tab"
    );
    h.press(KeyCode::Char('3'));
    h.press(KeyCode::Char('V'));
    assert_eq!(h.app.calls.verifying.len(), 8);
    h.settle().await;
    let failed = h
        .app
        .tables
        .verification
        .items()
        .iter()
        .filter(|p| p.status == VerificationStatus::Failed)
        .count();
    assert_eq!(failed, 3, "the seed's failed providers stay failed");
    let summary = &h.app.status.flash.as_ref().unwrap().text;
    assert!(
        summary.starts_with("verified 8 providers:") && summary.contains("3 ✗ failed"),
        "one summary of them all: {summary}"
    );
    assert_eq!(
        h.app.tables.verification.selected_item().unwrap().status,
        VerificationStatus::Failed,
        "worst first"
    );

    h.press(KeyCode::Char('P'));
    assert!(h.screen(100, 30).contains("⟳ 30s"));
    let effects = h
        .app
        .on_time(Clock::system().advanced(Duration::from_secs(31)));
    assert_eq!(effects.len(), 1, "one reload of the providers");
    h.run(effects);
    h.settle().await;
    h.press(KeyCode::Char('P'));
    assert!(h.screen(100, 30).contains("⏸ refresh paused"));
    assert!(
        h.app
            .on_time(Clock::system().advanced(Duration::from_secs(120)))
            .is_empty()
    );
}

#[tokio::test]
async fn an_unpod_provider_shows_the_twilio_check_telcreds_made() {
    let mut h = Harness::demo().await;
    let globex = h
        .sandbox
        .twilio_accounts()
        .into_iter()
        .find(|a| a.friendly_name == "Globex Staging")
        .unwrap();
    h.press(KeyCode::Char(':'));
    h.type_text("ctx demo-unpod");
    h.press(KeyCode::Enter);
    h.settle().await;
    h.press(KeyCode::Char('n'));
    h.press(KeyCode::Tab); // provider (twilio) → account SID
    h.type_text(&globex.sid);
    h.press(KeyCode::Tab);
    h.type_text(&globex.auth_token);
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(h.app.overlay.is_none(), "{:?}", h.app.status.flash);
    h.press(KeyCode::Char('3'));
    h.select_where(
        |app| &app.tables.verification,
        |p| p.account_sid == globex.sid,
    );
    h.press(KeyCode::Enter);
    h.settle().await;
    let screen = h.screen(140, 40);
    assert!(
        screen.contains("not verifiable by the platform"),
        "{screen}"
    );
    assert!(
        screen.contains("last Twilio check") && screen.contains("✓ verified"),
        "{screen}"
    );
}

#[tokio::test]
async fn an_abandoned_token_check_never_answers_a_new_prompt() {
    let mut h = Harness::demo().await;
    let sid = "AC759b765966b5b7c9cdfaa58072348b24";
    let valid = crate::support::current_token(&h.sandbox, sid);
    h.select_provider_of(sid);
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('t')); // I already have the new token
    h.type_text(valid.expose());
    h.press(KeyCode::Enter);
    h.press(KeyCode::Esc); // abandoned while Twilio is asked
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('t')); // I already have the new token
    h.type_text("0123456789abcdef0123456789abcdef");
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::Prompt { .. })),
        "no plan for the abandoned token"
    );
    assert!(h.screen(100, 30).contains("Twilio rejected the new token"));
}

#[tokio::test]
async fn a_pasted_token_with_a_newline_fills_the_prompt_without_submitting() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('t')); // I already have the new token
    h.app.handle_paste("0123456789abcdef0123456789abcdef\n");
    assert!(matches!(
        h.app.overlay,
        Some(Overlay::Prompt { job: None, .. })
    ));
    assert!(!h.app.is_busy(), "nothing was submitted by the newline");
    assert!(!h.screen(100, 30).contains("0123456789abcdef"), "masked");
    h.press(KeyCode::Char('/')); // a key in the prompt, not a filter
    h.press(KeyCode::Backspace);
    h.press(KeyCode::Enter);
    assert!(h.app.is_busy(), "the pasted token is checked with Twilio");
    h.settle().await;
}

#[tokio::test]
async fn an_empty_new_sip_password_is_refused_and_nothing_is_sent() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('j'));
    let before = h.app.selected_sip().unwrap();
    assert!(before.auth_password.is_some());
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::Prompt { .. })),
        "the prompt stays open"
    );
    assert!(
        h.screen(100, 30).contains("cannot be empty"),
        "{}",
        h.screen(100, 30)
    );
    h.press(KeyCode::Esc);
    h.press_with(KeyCode::Char('r'), CTRL);
    h.settle().await;
    let after = h.app.selected_sip().unwrap();
    assert_eq!(
        after.auth_password, before.auth_password,
        "nothing was sent"
    );
}

#[tokio::test]
async fn removing_a_sip_password_in_the_form_takes_a_confirmation() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('j'));
    let before = h.app.selected_sip().unwrap();
    h.press(KeyCode::Char('e'));
    for _ in 0..3 {
        h.press(KeyCode::Tab); // to the password
    }
    h.press_with(KeyCode::Char('u'), CTRL);
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::Form { .. })),
        "the first ⏎ only warns"
    );
    let screen = h.screen(100, 30);
    assert!(screen.contains("⏎ again to remove it"), "{screen}");
    assert_eq!(
        h.app.selected_sip().unwrap().auth_password,
        before.auth_password
    );
    // Typing again disarms; emptying and ⏎ ⏎ removes it on purpose.
    h.type_text("x");
    h.press(KeyCode::Backspace);
    h.press(KeyCode::Enter);
    assert!(matches!(h.app.overlay, Some(Overlay::Form { .. })));
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(h.app.overlay.is_none(), "{:?}", h.app.status.flash);
    assert_eq!(h.app.selected_sip().unwrap().auth_password, None);
}

#[tokio::test]
async fn a_credential_with_unreadable_fields_is_not_opened_for_a_full_replacement() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('j'));
    let mut odd = h.app.selected_sip().unwrap();
    odd.unreadable = vec!["cps_limit"];
    h.app.tables.sip.upsert(odd.into());
    h.press(KeyCode::Char('e'));
    assert!(h.app.overlay.is_none(), "no form");
    let screen = h.screen(140, 40);
    assert!(screen.contains("cannot edit"), "{screen}");
}

#[tokio::test]
async fn a_bearer_token_echoed_by_the_platform_never_reaches_the_screen() {
    const CANARY: &str = "CANARY-ui-bearer-55aa";
    let echo = crate::hostile::echo_everything().await;
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |profiles| {
        profiles[0].base_url = format!("{echo}/api/v1");
        profiles[0].token = telcreds::config::TokenSource::Inline(Secret::new(CANARY));
    })
    .await;
    let mut screens = vec![h.screen(140, 40)];
    h.press(KeyCode::Char('2'));
    h.settle().await;
    screens.push(h.screen(140, 40));
    h.press_with(KeyCode::Char('r'), CTRL);
    h.settle().await;
    screens.push(h.screen(140, 40));
    let all = screens.join("\n");
    assert!(all.contains("[redacted]"), "the error is shown: {all}");
    assert!(!all.contains(CANARY), "{all}");
    assert!(!format!("{:?}", h.app.status.flash).contains(CANARY));
}

#[tokio::test]
async fn a_form_submitted_before_the_profile_connected_says_why_and_keeps_its_input() {
    // A token command that waits (as one asking for a passphrase would).
    let gate = tempfile::tempdir().unwrap();
    let open = gate.path().join("open");
    let cmd = format!(
        "while [ ! -e '{}' ]; do sleep 0.05; done; echo {}",
        open.display(),
        telcreds::sandbox::DASHA_TOKEN
    );
    let mut h = Harness::connecting(|profiles| {
        profiles[0].token = telcreds::config::TokenSource::Cmd(cmd);
    })
    .await;
    assert!(h.app.session.ops.is_none() && h.app.session.connect_error.is_none());
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('n'));
    h.type_text("sip.kept.example");
    h.press(KeyCode::Enter);
    let Some(Overlay::Form { form, job }) = &h.app.overlay else {
        panic!("the form stays open");
    };
    assert_eq!(*job, None, "nothing is waiting for an answer");
    assert!(!form.is_submitting());
    let screen = h.screen(120, 40);
    assert!(screen.contains("not connected"), "{screen}");
    assert!(
        screen.contains("sip.kept.example"),
        "the input stays: {screen}"
    );
    // Esc does not pretend that a save is running.
    h.press(KeyCode::Esc);
    assert!(!h.screen(120, 40).contains("still saving"));
    std::fs::write(&open, "").unwrap();
    h.settle().await;
    assert!(h.app.session.ops.is_some(), "connected once the token came");
}

#[tokio::test]
async fn an_idle_app_wakes_only_when_the_screen_changes() {
    let mut h = Harness::demo().await;
    // Verify the first provider: a flash line; and say it was verified just now.
    h.press(KeyCode::Char('v'));
    h.settle().await;
    let start = h.app.clock();
    let flash = h.app.status.flash.clone().expect("a verification result");
    let mut fresh = h.app.tables.providers.selected_item().unwrap().clone();
    fresh.last_verified_at = Some(start.wall);
    h.app.tables.providers.upsert(fresh);
    let mut screen = h.screen(140, 40);
    assert!(screen.contains("0s ago"), "{screen}");
    // What the event loop does when nothing happens: sleep until the next deadline,
    // then hand the app the time.
    let mut wakes = 0;
    while h.app.clock().mono < start.mono + Duration::from_secs(61) {
        let deadline = h
            .app
            .next_deadline()
            .expect("something on screen will change");
        assert!(
            deadline > h.app.clock().mono,
            "never a deadline in the past"
        );
        let clock = start.advanced(deadline - start.mono);
        let effects = h.app.on_time(clock);
        assert!(effects.is_empty());
        wakes += 1;
        let now = h.screen(140, 40);
        assert_ne!(
            now,
            screen,
            "woke at {:?} for nothing",
            deadline - start.mono
        );
        screen = now;
        assert!(wakes < 200, "busy waking");
    }
    assert!(
        h.app.status.flash.is_none(),
        "{:?} outlived its time",
        flash.text
    );
    assert!(screen.contains("1m ago"), "{screen}");
    assert!(
        !screen.contains("0s ago") && !screen.contains("59s ago"),
        "{screen}"
    );
}

#[tokio::test]
async fn the_activity_tab_shows_the_journal_written_before_the_app_started() {
    let data = tempfile::tempdir().unwrap();
    let journal = telcreds::journal::Journal::open(data.path().join("journal.jsonl"));
    for i in 0..3 {
        let target = telcreds::journal::JournalTarget::new(
            telcreds::journal::TargetKind::SipCredential,
            format!("earlier-{i}"),
            None,
        );
        journal
            .append(&JournalEntry::new(Action::SipCreate, target))
            .unwrap();
    }
    let mut h = Harness::start_in(data, Seed::Demo, Duration::ZERO, |_| {}).await;
    for _ in 0..100 {
        h.pump();
        if h.app.tables.activity.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        h.app.tables.activity.len(),
        3,
        "the journal is read at start"
    );
}

#[tokio::test]
async fn status_messages_go_when_they_stop_being_true() {
    let mut h = Harness::demo().await;
    // A wrong command, then a right one.
    h.press(KeyCode::Char(':'));
    h.type_text("verif");
    h.press(KeyCode::Enter);
    assert!(h.screen(120, 40).contains("unknown command"));
    h.press(KeyCode::Char(':'));
    h.type_text("sip");
    h.press(KeyCode::Enter);
    assert!(
        !h.screen(120, 40).contains("unknown command"),
        "{}",
        h.screen(120, 40)
    );
    // A refusal, then an action that works.
    h.press(KeyCode::Char('V'));
    assert!(h.app.status.flash.as_ref().is_some_and(|f| f.error));
    h.press(KeyCode::Char('j'));
    assert!(h.app.status.flash.is_none(), "{:?}", h.app.status.flash);
    // "refreshing…" ends with the refresh.
    h.press_with(KeyCode::Char('r'), CTRL);
    assert!(h.screen(120, 40).contains("refreshing…"));
    h.settle().await;
    assert!(
        !h.screen(120, 40).contains("refreshing…"),
        "{}",
        h.screen(120, 40)
    );
}

#[tokio::test]
async fn a_filter_stays_with_its_profile() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('/'));
    h.type_text("glob");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.tables.providers.filter(), "glob");
    h.press_with(KeyCode::Char('p'), CTRL);
    h.press(KeyCode::Char('j'));
    h.press(KeyCode::Enter);
    h.settle().await;
    assert_eq!(h.app.profile().unwrap().name, "demo-unpod");
    assert_eq!(
        h.app.tables.providers.filter(),
        "",
        "the filter stays with its profile"
    );
    assert_eq!(h.app.tables.providers.len(), 3);
}

#[tokio::test]
async fn the_provider_delete_dialog_says_what_else_goes() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('D'));
    h.settle().await;
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("Deleting it also deletes:")
            && screen.contains("its provider-managed SIP credentials and its Twilio trunk"),
        "{screen}"
    );
}

#[tokio::test]
async fn the_hint_bar_names_what_can_be_done_and_only_that() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('3'));
    let last = |h: &mut Harness| {
        let screen = h.screen(160, 40);
        screen.lines().nth(38).unwrap_or_default().to_string()
    };
    let hints = last(&mut h);
    for key in [
        "V verify all",
        "space mark",
        "s sort",
        "P auto-refresh",
        "ctrl-p profiles",
    ] {
        assert!(hints.contains(key), "{key} missing: {hints}");
    }
    h.press(KeyCode::Char('1'));
    h.press(KeyCode::Char('n'));
    let hints = last(&mut h);
    assert!(!hints.contains("q quit"), "q types into the form: {hints}");
    assert!(hints.contains("Esc close"), "{hints}");
}

#[tokio::test]
async fn without_colour_the_focused_pane_still_shows_and_enter_keeps_the_table_focused() {
    let mut h = Harness::demo().await;
    h.app.settings.theme = telcreds::tui::app::theme::Theme::default_theme().without_colour();
    // ⏎ opens the detail but the keyboard stays on the table.
    h.press(KeyCode::Enter);
    h.settle().await;
    let before = h.app.tables.providers.selected_index();
    h.press(KeyCode::Char('j'));
    assert_eq!(
        h.app.tables.providers.selected_index(),
        before + 1,
        "j moves the table"
    );
    let reversed_at = |h: &mut Harness, x: u16| {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 40)).unwrap();
        terminal
            .draw(|f| telcreds::tui::views::draw(&mut h.app, f))
            .unwrap();
        terminal.backend().buffer()[(x, 2)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    };
    assert!(reversed_at(&mut h, 0), "the table's border shows focus");
    assert!(!reversed_at(&mut h, 139), "the detail's does not");
    h.press(KeyCode::Tab);
    assert!(reversed_at(&mut h, 139), "now the detail's does");
    assert!(!reversed_at(&mut h, 0));
}

#[tokio::test]
async fn activity_starts_on_the_newest_entry_and_cut_text_shows_an_ellipsis() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('j'));
    for _ in 0..2 {
        h.press(KeyCode::Char('r'));
        h.press_with(KeyCode::Char('g'), CTRL);
        h.press(KeyCode::Enter);
        h.settle().await;
    }
    h.press(KeyCode::Char('4'));
    let newest = h.app.tables.activity.items().iter().map(|a| a.seq).max();
    assert_eq!(
        h.app.tables.activity.selected_item().map(|a| a.seq),
        newest,
        "the cursor is on the newest entry"
    );
    let screen = h.screen(100, 30);
    assert!(screen.contains("sip.rotate "), "not cut: {screen}");
    // The SIP table at 120 columns cuts long descriptions and servers with `…`.
    h.press(KeyCode::Char('2'));
    let screen = h.screen(120, 40);
    assert!(
        screen.lines().any(|l| l.contains("…")),
        "a cut shows an ellipsis:\n{screen}"
    );
}

#[tokio::test]
async fn a_huge_provider_name_does_not_slow_the_screen() {
    let mut h = Harness::demo().await;
    let mut huge = h.app.tables.providers.selected_item().unwrap().clone();
    huge.name = Some("n".repeat(15 << 20));
    h.app.tables.providers.upsert(huge);
    let screen = h
        // A hang detector, not a speed test (benches/tui.rs measures drawing).
        .screen_within(140, 40, Duration::from_secs(10))
        .expect("drawn, not stuck on the name");
    assert!(screen.contains("nnnn…"), "{screen}");
}

#[tokio::test]
async fn a_profile_that_could_not_connect_offers_no_change_and_ctrl_r_connects_again() {
    // A token file that is not there yet (setting a variable would race the other
    // tests' threads).
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    let source = telcreds::config::TokenSource::File(token_file.clone());
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |profiles| {
        profiles[0].token = source;
    })
    .await;
    assert!(h.app.session.connect_error.is_some());
    let screen = h.screen(120, 40);
    assert!(!screen.contains("n new"), "no change offered: {screen}");
    assert!(screen.contains("ctrl-r retries"), "{screen}");
    h.press(KeyCode::Char('n'));
    assert!(h.app.overlay.is_none());
    // The token appears; ctrl-r connects.
    std::fs::write(&token_file, telcreds::sandbox::DASHA_TOKEN).unwrap();
    h.press_with(KeyCode::Char('r'), CTRL);
    h.settle().await;
    assert!(h.app.session.connect_error.is_none());
    assert_eq!(h.app.tables.providers.len(), 8);
}

#[tokio::test]
async fn the_detail_pane_says_never_plainly() {
    let mut h = Harness::demo().await;
    h.select_where(
        |app| &app.tables.providers,
        |p| p.last_verified_at.is_none(),
    );
    let screen = h.screen(140, 40);
    assert!(screen.contains("verified      never"), "{screen}");
    assert!(!screen.contains("never (-)"), "{screen}");
}

#[tokio::test]
async fn a_narrow_screen_keeps_names_apart() {
    let mut h = Harness::demo().await;
    let screen = h.screen(60, 30);
    assert!(
        screen.contains("acme-prod-us") && screen.contains("acme-prod-dr"),
        "less important columns give way to the names:\n{screen}"
    );
    assert!(!screen.contains("NUMBERS"), "{screen}");
}

#[tokio::test]
async fn help_reads_whole_on_a_narrow_screen() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('?'));
    let screen = h.screen(60, 30);
    assert!(
        screen.contains("reveal (not here)"),
        "one column, whole labels:\n{screen}"
    );
    h.press(KeyCode::Char('G'));
    let screen = h.screen(60, 30);
    assert!(
        screen.contains("⏎ save"),
        "the footer wraps, whole, at the end:\n{screen}"
    );
}

#[tokio::test]
async fn p_probes_a_sip_credential_and_r_also_checks_its_password() {
    let mut h = Harness::demo().await;
    let peer = h
        .sandbox
        .sip_peer_addr()
        .expect("the demo runs a SIP peer")
        .to_string();
    h.press(KeyCode::Char('2'));
    let peered: Vec<String> = h
        .app
        .tables
        .sip
        .items()
        .iter()
        .filter(|c| c.server() == peer)
        .map(|c| c.id().to_string())
        .collect();
    assert!(peered.len() >= 2, "demo credentials point at the peer");
    let first = h.select_sip(&peered[0]);
    // Without r, the password is not checked, and nothing says it was verified.
    h.press(KeyCode::Char('p'));
    h.press(KeyCode::Enter);
    h.settle().await;
    let flash = h.app.status.flash.as_ref().unwrap().text.clone();
    assert!(
        flash.starts_with("✓ probe of") && flash.contains(": reachable; password not checked"),
        "{flash}"
    );
    let screen = h.screen(140, 40);
    assert!(
        screen.contains("probe ✓ reachable; password not checked"),
        "{screen}"
    );
    h.press(KeyCode::Char('p'));
    assert!(
        h.screen(120, 40).contains("query-only"),
        "{}",
        h.screen(120, 40)
    );
    h.press(KeyCode::Char('r'));
    h.settle().await;
    let report = h.app.tables.probes.get(&first.id).expect("probed");
    assert_eq!(report.status(), VerificationStatus::Verified, "{report:?}");
    let screen = h.screen(140, 40);
    assert!(
        screen.contains("probe ") && screen.contains("authenticate"),
        "{screen}"
    );
    assert!(screen.contains("accepted"), "{screen}");
    // It is in the credential's history: shown when the detail opens, later too.
    h.app.tables.probes.clear();
    h.press(KeyCode::Enter);
    h.settle().await;
    let screen = h.screen(140, 40);
    assert!(
        screen.contains("authenticate") && screen.contains("accepted"),
        "{screen}"
    );
    // The peer does not know the last one's password: rejected.
    let last = h.select_sip(peered.last().unwrap());
    h.press(KeyCode::Char('p'));
    h.press(KeyCode::Char('r'));
    h.settle().await;
    let report = h.app.tables.probes.get(&last.id).expect("probed");
    assert_eq!(report.status(), VerificationStatus::Failed, "{report:?}");
    assert!(
        h.app
            .status
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("rejected")
    );
    // The Verification tab lists this session's probes beside the providers (the
    // first one's was cleared above).
    h.press(KeyCode::Char('3'));
    let screen = h.screen(140, 40);
    assert!(screen.contains("SIP probes (1)"), "{screen}");
    assert!(screen.contains("authenticate: rejected"), "{screen}");
}

#[tokio::test]
async fn a_new_sip_credential_shows_its_detail_from_the_top() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Tab);
    for _ in 0..6 {
        h.press(KeyCode::Char('j'));
    }
    assert!(
        !h.screen(120, 40).contains("│description "),
        "scrolled down"
    );
    h.press(KeyCode::Char('n'));
    h.type_text("sip.scroll-test.example");
    h.press(KeyCode::Enter);
    h.settle().await;
    let screen = h.screen(120, 40);
    assert_eq!(
        h.app.selected_sip().unwrap().server,
        "sip.scroll-test.example"
    );
    assert!(
        screen.contains("│description ") && screen.contains("sip.scroll-test.example"),
        "another item's detail starts at the top:\n{screen}"
    );
}

#[tokio::test]
async fn an_older_journal_read_that_ends_last_never_replaces_a_newer_one() {
    use telcreds::journal::{Action, JournalEntry, JournalTarget, TargetKind};
    use telcreds::tui::runtime::effect::Msg;
    let mut h = Harness::demo().await;
    let entry = |id: &str| {
        JournalEntry::new(
            Action::SipDelete,
            JournalTarget::new(TargetKind::SipCredential, id, None),
        )
    };
    let loaded = |read: u64, entries: Vec<JournalEntry>| Msg::JournalLoaded {
        read,
        entries,
        warnings: Vec::new(),
        unfinished: Vec::new(),
        unstored: Vec::new(),
        carrier: Vec::new(),
    };
    let _ = h.app.update(loaded(100, vec![entry("a"), entry("b")]));
    let _ = h.app.update(loaded(99, vec![entry("a")]));
    assert_eq!(
        h.app.tables.activity.items().len(),
        2,
        "the newer read stays"
    );
}

#[tokio::test]
async fn the_sip_detail_pane_names_the_carrier_end_of_a_twilio_trunk_credential() {
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.settle().await;
    h.select_sip(crate::probe::TRUNK_CREDENTIAL);
    h.press(KeyCode::Enter);
    h.settle().await;
    let screen = h.screen(160, 40);
    let line = screen
        .lines()
        .find(|l| l.contains("│carrier "))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(line.contains("Twilio AC"), "{screen}");
    // The rest wraps under it: the trunk, list and credential sids.
    let c = crate::support::dasha(&h.sandbox)
        .get_sip_credential(crate::probe::TRUNK_CREDENTIAL)
        .await
        .unwrap();
    let accounts = telcreds::tui::runtime::demo::twilio_accounts(&h.sandbox);
    let end =
        telcreds::ops::carrier::find_carrier_end(&c, &accounts, &crate::support::http()).await;
    let link = end.found().unwrap();
    for sid in [
        &link.trunk_sid,
        &link.credential_list_sid,
        &link.credential_sid,
    ] {
        assert!(screen.contains(sid.as_str()), "{sid}:\n{screen}");
    }
    let c = h.select_sip("c2000000-0000-4000-8000-000000000001");
    assert!(c.server.starts_with("sip.carrier-eu"));
    h.press(KeyCode::Enter);
    h.settle().await;
    let screen = h.screen(160, 40);
    assert!(
        !screen.lines().any(|l| l.contains("│carrier ")),
        "no carrier line for a server no Twilio trunk has:\n{screen}"
    );
}

/// True when `effects` read the journal again.
fn reads_the_journal(effects: &[telcreds::tui::runtime::effect::Effect]) -> bool {
    use telcreds::tui::runtime::effect::{Effect, Job};
    effects
        .iter()
        .any(|e| matches!(e, Effect::Work(Job::LoadJournal)))
}

/// A profile switch, ctrl-r, and the late answer of a rotation at both ends each
/// read the journal again: what it shows unfinished (the header's badges) is never
/// left as it was at start-up.
#[tokio::test]
async fn a_profile_switch_a_reload_and_a_late_rotation_answer_read_the_journal_again() {
    let mut h = Harness::demo().await;
    h.settle().await;
    let switched = h.app.switch_profile(1);
    assert!(reads_the_journal(&switched));
    h.run(switched);
    h.settle().await;
    let reloaded = h.app.reload();
    assert!(reads_the_journal(&reloaded));
    h.run(reloaded);
    h.settle().await;
    // The answer of a rotation at both ends started on the other profile.
    let late = Msg::Done {
        generation: h.app.session.generation - 1,
        job: 1,
        answer: Answer::SipCarrierRotated {
            name: "Acme voice".into(),
            result: Err(telcreds::ops::Error::Refused("stopped".into())),
        },
    };
    assert!(reads_the_journal(&h.app.update(late)));
}

/// What one profile showed is gone on the next: its probe results, the pane focus,
/// and a rotation check still running (its plan never opens there).
#[tokio::test]
async fn a_profile_switch_forgets_the_probes_the_focus_and_a_rotation_check() {
    let mut h = Harness::demo().await;
    h.settle().await;
    h.app.tables.probes.insert(
        "c1".into(),
        telcreds::probe::report::ProbeReport {
            credential_id: "c1".into(),
            credential_name: "c1".into(),
            server: "sip.test".into(),
            transport: "udp".into(),
            time: chrono::Utc::now(),
            checks: Vec::new(),
        },
    );
    h.select_provider_of("AC759b765966b5b7c9cdfaa58072348b24");
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('m'));
    assert!(h.app.overlay.is_none(), "the check runs");
    // The detail pane has the keyboard.
    h.press(KeyCode::Tab);
    let switched = h.app.switch_profile(1);
    h.run(switched);
    h.settle().await;
    assert!(h.app.tables.probes.is_empty());
    assert!(
        !matches!(h.app.overlay, Some(Overlay::RotationPlan { .. })),
        "the other profile's plan opened"
    );
    // The arrows move the cursor, not the detail pane.
    let before = h
        .app
        .tables
        .current_list()
        .selected_id()
        .map(str::to_string);
    h.press(KeyCode::Down);
    let after = h
        .app
        .tables
        .current_list()
        .selected_id()
        .map(str::to_string);
    assert_ne!(after, before);
}

/// A journal that cannot be read keeps what the app showed, and says so.
#[tokio::test]
async fn an_unreadable_journal_is_said_and_what_was_shown_is_kept() {
    let mut h = Harness::demo().await;
    h.settle().await;
    let journal = h.data.path().join("journal.jsonl");
    let _ = std::fs::remove_file(&journal);
    std::fs::create_dir_all(&journal).unwrap();
    let reloaded = h.app.reload();
    h.run(reloaded);
    h.settle().await;
    h.pump_until(|app| {
        app.status
            .flash
            .as_ref()
            .is_some_and(|f| f.text.contains("could not read"))
    })
    .await;
    let said = h.app.status.flash.as_ref().map(|f| f.text.clone());
    let said = said.unwrap_or_default();
    assert!(said.contains("may not be shown"), "{said}");
}

//! Every screen and dialog rendered to TestBackend at 80x24 and at a wide size, for
//! the default and the high-contrast theme. Fixed data and a fixed clock.

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use std::sync::Arc;
use telcreds::config::{ConfigError, Profile, TokenSource};
use telcreds::domain::{
    CheckStatus, Platform, Provider, SipCredential, SipSource, Transport, VerificationCheck,
    VerificationStatus,
};
use telcreds::history::History;
use telcreds::journal::{Action, Journal, JournalEntry, JournalTarget, TargetKind};
use telcreds::ops::{Ops, Stores};
use telcreds::secret::Secret;
use telcreds::tui::app::sip_row::SipRow;
use telcreds::tui::app::theme::Theme;
use telcreds::tui::app::{ActivityEntry, App, Clock};
use telcreds::tui::views;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
}

fn check(
    name: &str,
    status: CheckStatus,
    message: &str,
    details: serde_json::Value,
) -> VerificationCheck {
    VerificationCheck {
        name: name.into(),
        status,
        message: message.into(),
        timestamp: Some(now() - Duration::minutes(2)),
        details,
    }
}

fn provider(
    i: u32,
    name: &str,
    status: VerificationStatus,
    minutes_ago: Option<i64>,
    numbers: u32,
) -> Provider {
    let checks = match status {
        VerificationStatus::Failed => vec![
            check(
                "credentials",
                CheckStatus::Failed,
                "Authentication Error - invalid username (20003)",
                json!({"accountSid": "AC3f00000000000000000000000000091ab", "twilioStatus": "active"}),
            ),
            check(
                "trunk",
                CheckStatus::Warning,
                "Not checked: credentials failed",
                json!({"skipped": true}),
            ),
        ],
        VerificationStatus::Verified => vec![
            check(
                "credentials",
                CheckStatus::Passed,
                "Credentials valid",
                json!({}),
            ),
            check(
                "trunk",
                CheckStatus::Passed,
                "Trunk configured",
                json!({"trunkSid": "TK00000000000000000000000000000001"}),
            ),
        ],
        _ => Vec::new(),
    };
    Provider {
        id: format!("a1000000-0000-4000-8000-00000000000{i}"),
        name: Some(name.into()),
        provider_type: "twilio".into(),
        account_sid: format!("AC3f{i:030}91ab"),
        status,
        last_verified_at: minutes_ago.map(|m| now() - Duration::minutes(m)),
        phone_number_count: Some(numbers),
        checks,
        trunk_sid: Some("TK00000000000000000000000000000001".into()),
        termination_uri: Some("dasha-8cb4fb8d.pstn.twilio.com".into()),
        region: Some("us1".into()),
        supports_call_transfer: Some(true),
        created_at: None,
    }
}

/// Credentials as SIP list rows.
fn rows<const N: usize>(credentials: [SipCredential; N]) -> Vec<SipRow> {
    credentials.into_iter().map(SipRow::from).collect()
}

fn sip(
    i: u32,
    description: &str,
    server: &str,
    transport: Transport,
    source: SipSource,
) -> SipCredential {
    SipCredential {
        id: format!("c2000000-0000-4000-8000-00000000000{i}"),
        org_id: "org-1".into(),
        server: server.into(),
        domain: Some("carrier.example".into()),
        auth_user: Some(format!("trunk-{i}")),
        auth_password: Some(Secret::new("never-on-screen-pw")),
        transport: transport.into(),
        source,
        description: Some(description.into()),
        cps_limit: Some(10 * i),
        cps_key: None,
        provider_id: None,
        created_time: Some(now() - Duration::days(3)),
        last_update_time: Some(now() - Duration::days(1)),
        unreadable: Vec::new(),
    }
}

/// The fixed app every snapshot starts from: two profiles, four providers, three SIP
/// credentials, two journal entries, a fixed clock.
pub(crate) fn fixture(theme: Theme) -> App {
    let mut dasha = Profile::new(
        "prod-dasha",
        Platform::Dasha,
        "https://blackbox.dasha.ai/api/v1",
        TokenSource::Inline(Secret::new("t")),
    );
    dasha.label = Some("production".into());
    dasha.protected = true;
    let mut unpod = Profile::new(
        "staging-unpod",
        Platform::Unpod,
        "https://unpod.dev/api/v2/platform",
        TokenSource::Inline(Secret::new("t")),
    );
    unpod.org_handle = Some("acme.example".into());
    unpod.readonly = true;
    let ops = Ops::connect(&dasha, crate::support::http(), scratch_stores()).unwrap();
    let clock = Clock {
        mono: std::time::Instant::now(),
        wall: now(),
    };
    let (mut app, _) = App::new(vec![dasha, unpod], 0, theme, clock);
    app.session.ops = Some(Arc::new(ops));
    let providers = vec![
        provider(1, "prod-main", VerificationStatus::Verified, Some(2), 5),
        provider(2, "prod-dr", VerificationStatus::Failed, Some(60), 2),
        provider(3, "eu-support", VerificationStatus::Warning, Some(35), 5),
        provider(4, "onboarding", VerificationStatus::Pending, None, 0),
    ];
    app.tables.providers.set_items(providers.clone());
    app.tables.verification.set_items(providers);
    app.tables.sip.set_items(rows([
        sip(
            1,
            "EU carrier (outbound)",
            "sip.carrier-eu.example:5061",
            Transport::Tls,
            SipSource::Manual,
        ),
        sip(
            2,
            "US carrier (inbound)",
            "sip.carrier-us.example",
            Transport::Udp,
            SipSource::Manual,
        ),
        sip(
            3,
            "Managed by prod-main",
            "dasha-8cb4fb8d.pstn.twilio.com",
            Transport::Udp,
            SipSource::Provider,
        ),
    ]));
    let entry = |minutes: i64, action: Action, name: &str| {
        let target = JournalTarget::new(
            TargetKind::SipCredential,
            "c2000000-0000-4000-8000-000000000001",
            Some(name.into()),
        );
        let mut e = JournalEntry::new(action, target).on_named("prod-dasha", &Platform::Dasha);
        e.time = now() - Duration::minutes(minutes);
        e
    };
    app.tables.activity.set_items(vec![
        ActivityEntry::new(1, entry(3, Action::SipCreate, "US carrier (inbound)")),
        ActivityEntry::new(
            2,
            entry(1, Action::SipDelete, "EU carrier (outbound)")
                .failed("conflict: used by 2 phone numbers"),
        ),
    ]);
    app
}

pub(crate) fn press(app: &mut App, code: KeyCode) {
    let _ = app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Renders `app` at each size, with each theme, and snapshots text and styles.
fn snapshot_all(name: &str, setup: impl Fn(&mut App)) {
    for (theme_name, theme) in [
        ("default", Theme::default_theme()),
        ("high-contrast", Theme::builtin("high-contrast").unwrap()),
    ] {
        for (w, h) in [(80u16, 24u16), (140, 40)] {
            let mut app = fixture(theme.clone());
            setup(&mut app);
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal.draw(|f| views::draw(&mut app, f)).unwrap();
            let buffer = terminal.backend().buffer().clone();
            let text: String = buffer
                .content()
                .chunks(w as usize)
                .map(|r| r.iter().map(|c| c.symbol()).collect::<String>())
                .collect::<Vec<_>>()
                .join("\n");
            assert!(
                !text.contains("never-on-screen-pw") || name.contains("revealed"),
                "a masked secret leaked in {name}"
            );
            insta::assert_debug_snapshot!(format!("{name}_{theme_name}_{w}x{h}"), buffer);
        }
    }
}

#[test]
fn providers_screen() {
    snapshot_all("providers", |_| {});
}

#[test]
fn providers_detail_focused() {
    snapshot_all("providers_detail", |app| {
        press(app, KeyCode::Char('j'));
        press(app, KeyCode::Tab);
    });
}

#[test]
fn sip_screen() {
    snapshot_all("sip", |app| press(app, KeyCode::Char('2')));
}

#[test]
fn sip_password_revealed() {
    snapshot_all("sip_revealed", |app| {
        press(app, KeyCode::Char('2'));
        press(app, KeyCode::Char('x'));
    });
}

#[test]
fn verification_screen() {
    snapshot_all("verification", |app| press(app, KeyCode::Char('3')));
}

#[test]
fn activity_screen() {
    snapshot_all("activity", |app| press(app, KeyCode::Char('4')));
}

#[test]
fn help_overlay() {
    snapshot_all("help", |app| press(app, KeyCode::Char('?')));
}

#[test]
fn profile_picker() {
    snapshot_all("picker", |app| {
        let _ = app.handle_key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL));
        press(app, KeyCode::Down);
    });
}

#[test]
fn command_line_and_filter() {
    snapshot_all("command", |app| {
        press(app, KeyCode::Char(':'));
        for c in "ctx staging".chars() {
            press(app, KeyCode::Char(c));
        }
    });
    snapshot_all("filter", |app| {
        press(app, KeyCode::Char('/'));
        for c in "prod".chars() {
            press(app, KeyCode::Char(c));
        }
    });
}

#[test]
fn sip_form_dialog() {
    snapshot_all("sip_form", |app| {
        press(app, KeyCode::Char('2'));
        press(app, KeyCode::Char('n'));
        for c in "sip.new.example".chars() {
            press(app, KeyCode::Char(c));
        }
    });
}

#[test]
fn provider_form_dialog() {
    snapshot_all("provider_form", |app| press(app, KeyCode::Char('e')));
}

#[test]
fn delete_confirm_dialog_on_a_protected_profile() {
    snapshot_all("confirm", open_delete_confirm);
}

/// The SIP tab with the delete dialog of a credential in use, on a protected profile.
pub(crate) fn open_delete_confirm(app: &mut App) {
    press(app, KeyCode::Char('2'));
    // The dialog opens once dependants are known; open it directly as the reply would.
    app.overlay = None;
    let details = vec!["phone number +15550100001 → agent Support inbound (inbound)".to_string()];
    let dialog = telcreds::tui::components::confirm::ConfirmDialog::new(
        "Delete SIP credential",
        "Credential",
        "EU carrier (outbound)",
        vec![telcreds::tui::components::confirm::ProfileTag {
            name: "prod-dasha".into(),
            production: true,
        }],
        telcreds::config::Confirmation::TypeName("EU carrier (outbound)".into()),
        details,
    );
    app.overlay = Some(telcreds::tui::app::Overlay::Confirm {
        dialog: Box::new(dialog),
        target: telcreds::tui::app::ConfirmTarget::Sip(std::sync::Arc::new(
            telcreds::ops::SipDeletePlan {
                id: "c1".into(),
                name: "EU carrier (outbound)".into(),
                confirm_name: "EU carrier (outbound)".into(),
                dependants: Default::default(),
            },
        )),
        job: None,
    });
}

#[test]
fn unpod_readonly_profile() {
    snapshot_all("unpod_readonly", |app| {
        let _ = app.switch_profile(1);
        app.session.ops = None;
        app.session.connect_error = Some(ConfigError::TokenSource {
            profile: "staging-unpod".into(),
            section: telcreds::config::PROFILE,
            key: "token_env".into(),
            reason: telcreds::config::SourceError::EnvUnset("TELCREDS_UNPOD".into()),
        });
    });
}

/// Renders only the open overlay (the rotation dialogs), so the live demo data behind
/// it (relative times) cannot make the snapshot drift.
fn snapshot_overlay(name: &str, app: &telcreds::tui::app::App) {
    use telcreds::tui::app::Overlay;
    for (theme_name, theme) in [
        ("default", Theme::default_theme()),
        ("high-contrast", Theme::builtin("high-contrast").unwrap()),
    ] {
        for (w, h) in [(80u16, 24u16), (140, 40)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal
                .draw(|f| match &app.overlay {
                    Some(Overlay::Prompt { prompt, .. }) => prompt.render(f, f.area(), &theme),
                    Some(Overlay::RotationPlan { dialog, .. }) => {
                        dialog.render(f, f.area(), &theme)
                    }
                    Some(Overlay::Rotation(view)) => view.render(f, f.area(), &theme, "◐"),
                    Some(Overlay::RotateHow { account_sid }) => {
                        telcreds::tui::components::rotation_view::draw_rotate_how(
                            account_sid,
                            f,
                            f.area(),
                            &theme,
                        )
                    }
                    _ => panic!("no rotation overlay open"),
                })
                .unwrap();
            insta::assert_debug_snapshot!(
                format!("{name}_{theme_name}_{w}x{h}"),
                terminal.backend().buffer()
            );
        }
    }
}

#[tokio::test]
async fn rotation_prompt_plan_and_result_dialogs() {
    let mut h = crate::tui_harness::Harness::demo().await;
    let token = crate::support::current_token(&h.sandbox, "AC759b765966b5b7c9cdfaa58072348b24");
    h.select_where(
        |app| &app.tables.providers,
        |p| p.name.as_deref() == Some("acme-prod-us"),
    );
    h.press(KeyCode::Char('r'));
    snapshot_overlay("rotation_how", &h.app);
    h.press(KeyCode::Char('t'));
    h.type_text(&token.expose()[..31]);
    snapshot_overlay("rotation_prompt", &h.app);
    h.type_text(&token.expose()[31..]);
    h.press(KeyCode::Enter);
    h.settle().await;
    snapshot_overlay("rotation_plan", &h.app);
    h.press(KeyCode::Char('y'));
    h.settle().await;
    snapshot_overlay("rotation_result", &h.app);
}

#[tokio::test]
async fn mint_plan_blocked_and_promoted_screens() {
    let mut h = crate::tui_harness::Harness::start(
        telcreds::sandbox::Seed::Demo,
        std::time::Duration::ZERO,
        |p| p[1].readonly = true,
    )
    .await;
    h.select_where(
        |app| &app.tables.providers,
        |p| p.name.as_deref() == Some("acme-prod-us"),
    );
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('m'));
    h.settle().await;
    snapshot_overlay("mint_plan", &h.app);
    h.press(KeyCode::Char('y'));
    h.settle().await;
    snapshot_overlay("mint_blocked", &h.app);
    h.press(KeyCode::Char('P'));
    h.press(KeyCode::Char('P'));
    h.settle().await;
    snapshot_overlay("mint_promoted", &h.app);
}

/// Stores nothing reads: snapshots make no change.
fn scratch_stores() -> Stores {
    let dir = std::env::temp_dir().join("telcreds-snapshots");
    Stores {
        journal: Journal::open(dir.join("journal.jsonl")),
        history: History::open(dir.join("history")),
    }
}

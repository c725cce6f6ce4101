//! One set of scenarios run through the command line and through the UI, on two
//! sandboxes with the same seed: the audit journals they leave must say the same
//! (the operations layer is shared, so the frontends cannot drift).
//!
//! The scenarios: create, a failed create, an update, a delete of a credential in
//! use, a SIP password rotation, and a Twilio rotation over a production profile and
//! a read-only one.

use crate::cli::telcreds;
use crate::support::{current_token, sandbox};
use crate::tui_harness::Harness;
use crossterm::event::KeyCode;
use std::time::Duration;
use telcreds::journal::{Journal, JournalEntry};
use telcreds::sandbox::{DASHA_TOKEN, Sandbox, Seed, UNPOD_ORG_HANDLE, UNPOD_TOKEN};
use telcreds::tui::app::Overlay;

/// The SIP credential in use that both frontends force-delete.
const IN_USE: &str = "c2000000-0000-4000-8000-000000000001";
/// A well-formed auth token Twilio refuses.
const WRONG_TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// What must match in a journal entry: everything but the time, with the id of the
/// credential the scenario created (random) replaced.
fn normalized(entries: Vec<JournalEntry>, created: &str) -> Vec<String> {
    let mut lines: Vec<String> = entries
        .into_iter()
        .map(|e| {
            let id = if e.target.id == created {
                "<created>".to_string()
            } else {
                e.target.id.clone()
            };
            format!(
                "{} {:?} {id} {:?} {} {} failed_with_error={} {:?} {:?}",
                e.action,
                e.target.kind,
                e.target.name,
                e.profile.unwrap_or_default(),
                e.platform.map(|p| p.to_string()).unwrap_or_default(),
                e.error.is_some(),
                e.outcome,
                e.detail,
            )
        })
        .collect();
    // Rotation targets are updated concurrently: their order is not part of it.
    lines.sort();
    lines
}

/// A production Dasha profile and a read-only Unpod profile on `sb`.
fn config_text(sb: &Sandbox) -> String {
    format!(
        "[profiles.prod-dasha]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken = \"{DASHA_TOKEN}\"\n\
         twilio_api_base = \"{origin}\"\nlabel = \"production\"\n\n\
         [profiles.ro-unpod]\nplatform = \"unpod\"\nbase_url = \"{}\"\ntoken = \"{UNPOD_TOKEN}\"\n\
         org_handle = \"{UNPOD_ORG_HANDLE}\"\ntwilio_api_base = \"{origin}\"\nreadonly = true\n",
        sb.dasha_base(),
        sb.unpod_base(),
        origin = sb.origin(),
    )
}

async fn through_the_command_line() -> Vec<String> {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, config_text(&sb)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let p = ["-p", "prod-dasha"];
    let created = telcreds(
        &cfg,
        &[
            &p[..],
            &[
                "-o",
                "json",
                "sip",
                "create",
                "--server",
                "sip.scenario.example",
                "--description",
                "Scenario trunk",
                "--password-stdin",
            ],
        ]
        .concat(),
        "Scenario-Pa55word",
    )
    .await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let id = serde_json::from_str::<serde_json::Value>(&created.stdout).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let sid = sb.twilio_accounts()[0].sid.clone();
    let refused = telcreds(
        &cfg,
        &[
            &p[..],
            &[
                "providers",
                "create",
                "--allow-duplicate",
                "--account-sid",
                &sid,
                "--token-stdin",
            ],
        ]
        .concat(),
        WRONG_TOKEN,
    )
    .await;
    assert_eq!(refused.code, 6, "{}", refused.stderr);
    for (args, stdin) in [
        (
            vec!["sip", "update", &id, "--description", "Scenario trunk v2"],
            "",
        ),
        (
            vec!["sip", "rotate", &id, "--password-stdin", "--yes"],
            "Rotated-Pa55word",
        ),
        (vec!["sip", "delete", IN_USE, "--force", "--yes"], ""),
    ] {
        let run = telcreds(&cfg, &[&p[..], &args].concat(), stdin).await;
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    let token = current_token(&sb, &sid);
    let rotated = telcreds(
        &cfg,
        &[
            "rotate",
            "twilio",
            "--account-sid",
            &sid,
            "--token-stdin",
            "--yes",
        ],
        token.expose(),
    )
    .await;
    assert_eq!(
        rotated.code, 9,
        "the read-only profile keeps the old token: {}",
        rotated.stdout
    );
    let (entries, _) = Journal::open(dir.path().join("data/journal.jsonl")).read();
    normalized(entries, &id)
}

async fn through_the_ui() -> Vec<String> {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |profiles| {
        profiles[0].name = "prod-dasha".into();
        profiles[0].label = Some("production".into());
        profiles[1].name = "ro-unpod".into();
        profiles[1].label = None;
        profiles[1].readonly = true;
    })
    .await;
    // Create.
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('n'));
    h.type_text("sip.scenario.example");
    for _ in 0..3 {
        h.press(KeyCode::Tab); // domain, auth user, password
    }
    h.type_text("Scenario-Pa55word");
    h.press(KeyCode::Tab); // transport
    h.press(KeyCode::Tab); // description
    h.type_text("Scenario trunk");
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(h.app.overlay.is_none(), "{:?}", h.app.status.flash);
    let created = h
        .select_where(
            |app| &app.tables.sip,
            |s| s.description() == Some("Scenario trunk"),
        )
        .id()
        .to_string();
    // A create Twilio refuses.
    let sid = h.sandbox.twilio_accounts()[0].sid.clone();
    h.press(KeyCode::Char('1'));
    h.press(KeyCode::Char('n'));
    h.press(KeyCode::Tab); // account sid
    h.type_text(&sid);
    h.press(KeyCode::Tab); // auth token
    h.type_text(WRONG_TOKEN);
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::Form { .. })),
        "the input stays"
    );
    h.press(KeyCode::Esc);
    h.press(KeyCode::Esc);
    // Update.
    h.press(KeyCode::Char('2'));
    h.select_sip(&created);
    h.press(KeyCode::Char('e'));
    for _ in 0..5 {
        h.press(KeyCode::Tab); // to the description
    }
    h.type_text(" v2");
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(h.app.overlay.is_none(), "{:?}", h.app.status.flash);
    // SIP password rotation.
    h.select_sip(&created);
    h.press(KeyCode::Char('r'));
    h.type_text("Rotated-Pa55word");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('y')); // production: asked first
    h.settle().await;
    assert!(h.app.overlay.is_none(), "{:?}", h.app.status.flash);
    // Delete of a credential in use.
    h.select_sip(IN_USE);
    h.press(KeyCode::Char('D'));
    h.settle().await;
    h.press(KeyCode::Right); // Force delete
    h.press(KeyCode::Enter);
    h.press(KeyCode::Enter); // asked twice
    h.settle().await;
    // Twilio rotation: production asks for the Account SID to be typed.
    h.press(KeyCode::Char('1'));
    h.select_provider_of(&sid);
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('t')); // I already have the new token
    let token = current_token(&h.sandbox, &sid);
    h.type_text(token.expose());
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::RotationPlan { .. })),
        "{:?}",
        h.app.status.flash
    );
    h.type_text(&sid);
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        matches!(&h.app.overlay, Some(Overlay::Rotation(v)) if !v.running()),
        "{}",
        h.screen(120, 40)
    );
    let (entries, _) = Journal::open(h.data.path().join("journal.jsonl")).read();
    normalized(entries, &created)
}

#[tokio::test]
async fn the_command_line_and_the_ui_journal_the_same_scenarios_alike() {
    let cli = through_the_command_line().await;
    let ui = through_the_ui().await;
    assert!(cli.len() >= 8, "{cli:#?}");
    assert_eq!(cli, ui, "\ncommand line: {cli:#?}\nUI: {ui:#?}");
}

#[tokio::test]
async fn both_frontends_name_a_sip_credential_alike_and_the_filter_finds_what_is_shown() {
    use telcreds::domain::needle::Needle;
    use telcreds::tui::app::rows::{SIP_COLUMNS, sip_cells};
    let mut h = Harness::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = crate::cli::write_config(&h.sandbox, dir.path());
    let run = telcreds(&cfg, &["-p", "sandbox-dasha", "sip", "list"], "").await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cli_header: Vec<&str> = run.stdout.lines().next().unwrap().split("  ").collect();
    assert!(cli_header.contains(&SIP_COLUMNS[0]), "{cli_header:?}");
    // c2000000-…-007 has no description: both name it by its server.
    let bare = "c2000000-0000-4000-8000-000000000007";
    h.press(KeyCode::Char('2'));
    let credential = h.select_sip(bare);
    assert_eq!(credential.description, None);
    let cli_row = run.stdout.lines().find(|l| l.starts_with(bare)).unwrap();
    assert_eq!(
        cli_row.split_whitespace().nth(1),
        Some(credential.server.as_str()),
        "{cli_row}"
    );
    let ui_row = h.app.tables.sip.selected_item().unwrap();
    assert_eq!(sip_cells(ui_row)[0], credential.server);
    // Whatever a row shows finds it.
    for row in h.app.tables.sip.items() {
        for cell in sip_cells(row).iter().filter(|c| *c != "-") {
            assert!(row.matches(&Needle::new(cell)), "{cell:?} finds {row:?}");
        }
    }
}

/// What a run said where it stopped: each summary line, after its tone's symbol.
type Said = Vec<Vec<String>>;

/// The summary lines in a command's output: those after a tone's symbol.
fn summary_lines(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| {
            ["✓ ", "✗ ", "! ", "… ", "- ", "? "]
                .iter()
                .any(|s| l.starts_with(s))
        })
        .map(str::to_string)
        .collect()
}

/// The summary of the run on the UI's rotation screen.
fn ui_summary(h: &Harness) -> Vec<String> {
    match &h.app.overlay {
        Some(Overlay::Rotation(view)) => {
            let run = view.run.as_ref().expect("the run is back");
            run.summary().iter().map(|l| l.shown()).collect()
        }
        _ => panic!("no rotation screen: {:?}", h.app.status.flash),
    }
}

/// A mint that the read-only profile parks, then aborted, on the command line.
async fn mint_parked_then_aborted_on_the_command_line() -> (Vec<String>, Said) {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    let sid = sb.twilio_accounts()[0].sid.clone();
    let text = format!(
        "{}\n[twilio_accounts.acme]\naccount_sid = \"{sid}\"\ntoken = \"{}\"\n\
         twilio_accounts_base = \"{}\"\n",
        config_text(&sb),
        current_token(&sb, &sid).expose(),
        sb.origin()
    );
    std::fs::write(&cfg, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mint = ["rotate", "twilio", "--account-sid", &sid, "--mint", "--yes"];
    let parked = telcreds(&cfg, &mint, "").await;
    assert_eq!(parked.code, 9, "{}", parked.stderr);
    let abort = [
        "rotate",
        "twilio",
        "--account-sid",
        &sid,
        "--abort",
        "--yes",
    ];
    let aborted = telcreds(&cfg, &abort, "").await;
    assert_eq!(aborted.code, 0, "{}\n{}", aborted.stdout, aborted.stderr);
    let (entries, _) = Journal::open(dir.path().join("data/journal.jsonl")).read();
    let said = vec![
        summary_lines(&parked.stderr),
        summary_lines(&aborted.stdout),
    ];
    (normalized(entries, ""), said)
}

/// The same in the UI: `r`, `m`, the Account SID typed; then, after a restart (as
/// the command line's second run), `r`, `m` and `A` on the unfinished run.
async fn mint_parked_then_aborted_in_the_ui() -> (Vec<String>, Said) {
    let profiles = |profiles: &mut Vec<telcreds::config::Profile>| {
        profiles[0].name = "prod-dasha".into();
        profiles[0].label = Some("production".into());
        profiles[1].name = "ro-unpod".into();
        profiles[1].label = None;
        profiles[1].readonly = true;
    };
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, profiles).await;
    let sid = h.sandbox.twilio_accounts()[0].sid.clone();
    let mint = |h: &mut Harness| {
        h.select_provider_of(&sid);
        h.press(KeyCode::Char('r'));
        h.press(KeyCode::Char('m'));
    };
    mint(&mut h);
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::RotationPlan { .. })),
        "{:?}",
        h.app.status.flash
    );
    h.type_text(&sid);
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    h.settle().await;
    let parked = ui_summary(&h);
    h.press(KeyCode::Esc);
    h.settle().await;
    h.restart(profiles).await;
    mint(&mut h);
    h.settle().await;
    h.type_text(&sid);
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    h.settle().await;
    h.press(KeyCode::Char('A'));
    h.settle().await;
    let aborted = ui_summary(&h);
    let (entries, _) = Journal::open(h.data.path().join("journal.jsonl")).read();
    (normalized(entries, ""), vec![parked, aborted])
}

#[tokio::test]
async fn a_parked_then_aborted_mint_journals_and_says_alike_in_both_frontends() {
    let (cli, cli_said) = mint_parked_then_aborted_on_the_command_line().await;
    let (ui, ui_said) = mint_parked_then_aborted_in_the_ui().await;
    assert!(
        cli.iter().any(|l| l.contains("rotation.secondary_create")),
        "{cli:#?}"
    );
    assert_eq!(cli, ui, "\ncommand line: {cli:#?}\nUI: {ui:#?}");
    // Parked: the deployment, then NOT promoted and why; aborted: each step.
    assert!(
        cli_said[0].iter().any(|l| l.starts_with("✗ NOT promoted")),
        "{cli_said:#?}"
    );
    assert!(
        cli_said[1].iter().any(|l| l.contains("rotation aborted")),
        "{cli_said:#?}"
    );
    assert_eq!(
        cli_said, ui_said,
        "\ncommand line: {cli_said:#?}\nUI: {ui_said:#?}"
    );
}

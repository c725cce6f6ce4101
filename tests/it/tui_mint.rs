//! The zero-downtime rotation in the UI, without a terminal: `r` on a provider, `m`
//! mints a new token at Twilio, the plan is confirmed once, every target gets the
//! new token, then it is promoted (or the run stops before that, and `A` aborts).

use crate::support::{current_token, http};
use crate::tui_harness::Harness;
use crossterm::event::KeyCode;
use std::time::Duration;
use telcreds::api::TwilioVerdict;
use telcreds::api::twilio::check_credentials;
use telcreds::ops::rotation::RunStage as MintStage;
use telcreds::sandbox::Seed;
use telcreds::secret::Secret;
use telcreds::tui::app::Overlay;
use telcreds::tui::components::rotation_view::MintKeys;

/// "Acme Production": Dasha providers 1, 2, 8 and Unpod configuration 101 use it.
const ACME: &str = "AC759b765966b5b7c9cdfaa58072348b24";

async fn accepted(h: &Harness, token: &Secret) -> bool {
    matches!(
        check_credentials(&http(), &h.sandbox.twilio_base(), ACME, token)
            .await
            .unwrap(),
        TwilioVerdict::Valid { .. }
    )
}

fn stage(h: &Harness) -> &MintStage {
    match &h.app.overlay {
        Some(Overlay::Rotation(view)) if view.mints => &view.stage,
        _ => panic!("no rotation screen of a mint"),
    }
}

fn keys(h: &Harness) -> &MintKeys {
    match &h.app.overlay {
        Some(Overlay::Rotation(view)) => &view.keys,
        _ => panic!("no rotation screen"),
    }
}

/// A config for the command line on the harness's sandbox, with the demo's two
/// profiles (the Unpod one `read_only`) and the account's current token.
pub fn cli_config_for(h: &Harness, read_only: bool) -> std::path::PathBuf {
    let cfg = h.data.path().join("config.toml");
    let sb = &h.sandbox;
    std::fs::write(
        &cfg,
        format!(
            "[profiles.demo-dasha]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken = \"{}\"\n\
             twilio_api_base = \"{o}\"\n\n[profiles.demo-unpod]\nplatform = \"unpod\"\n\
             base_url = \"{}\"\ntoken = \"{}\"\norg_handle = \"{}\"\ntwilio_api_base = \"{o}\"\n\
             readonly = {read_only}\n\n[twilio_accounts.acme]\naccount_sid = \"{ACME}\"\ntoken = \"{}\"\n\
             twilio_accounts_base = \"{o}\"\n",
            sb.dasha_base(),
            telcreds::sandbox::DASHA_TOKEN,
            sb.unpod_base(),
            telcreds::sandbox::UNPOD_TOKEN,
            telcreds::sandbox::UNPOD_ORG_HANDLE,
            current_token(sb, ACME).expose(),
            o = sb.origin(),
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    cfg
}

/// The demo's Unpod profile read-only, so that a mint stops before its promotion.
fn read_only(profiles: &mut [telcreds::config::Profile]) {
    profiles[1].readonly = true;
}

/// A mint stopped before its promotion (a read-only target) and closed in the UI.
async fn parked_mint() -> Harness {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |p| read_only(p)).await;
    mint_and_confirm(&mut h).await;
    assert!(matches!(stage(&h), MintStage::Blocked { .. }));
    h.press(KeyCode::Esc);
    h.settle().await;
    h
}

/// `r`, `m`, then `y` on the plan: the whole run, settled.
pub async fn mint_and_confirm(h: &mut Harness) {
    h.select_provider_of(ACME);
    h.press(KeyCode::Char('r'));
    assert!(matches!(h.app.overlay, Some(Overlay::RotateHow { .. })));
    h.press(KeyCode::Char('m'));
    h.settle().await;
    let plan = h.screen(120, 40);
    assert!(
        matches!(
            h.app.overlay,
            Some(Overlay::RotationPlan { mint: Some(_), .. })
        ),
        "{plan}"
    );
    assert!(plan.contains("Mint a new token"), "{plan}");
    h.press(KeyCode::Char('y'));
    h.settle().await;
}

#[tokio::test]
async fn minting_in_the_ui_deploys_promotes_and_shows_the_new_token_once() {
    let mut h = Harness::demo().await;
    let old = current_token(&h.sandbox, ACME);
    mint_and_confirm(&mut h).await;
    let MintStage::Promoted { token, stored, .. } = stage(&h).clone() else {
        panic!("not promoted: {:?}", stage(&h));
    };
    assert!(stored.is_none());
    assert_eq!(token, current_token(&h.sandbox, ACME));
    assert!(!accepted(&h, &old).await, "the old token is dead");
    assert!(accepted(&h, &token).await);
    let screen = h.screen(120, 40);
    assert!(screen.contains("OLD TOKEN IS DEAD"), "{screen}");
    assert!(screen.contains("4 of 4 providers"), "{screen}");
    assert!(
        !screen.contains(token.expose()),
        "masked until revealed:\n{screen}"
    );
    h.press(KeyCode::Char('x'));
    assert!(h.screen(120, 40).contains(token.expose()), "x reveals it");
    h.press(KeyCode::Char('x'));
    assert!(!h.screen(120, 40).contains(token.expose()));
    h.press(KeyCode::Char('y'));
    assert_eq!(h.copied.last(), Some(&token), "y copies it");
    assert!(
        h.sandbox
            .tokens_held(ACME)
            .iter()
            .all(|(_, t)| t == token.expose())
    );

    // The session now knows the new token: a second mint needs no typing.
    h.press(KeyCode::Esc);
    h.settle().await;
    mint_and_confirm(&mut h).await;
    assert!(
        matches!(stage(&h), MintStage::Promoted { .. }),
        "{:?}",
        stage(&h)
    );
    assert!(!accepted(&h, &token).await);
}

#[tokio::test]
async fn a_read_only_profile_stops_before_promotion_and_abort_puts_the_old_token_back() {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |p| p[1].readonly = true).await;
    let old = current_token(&h.sandbox, ACME);
    mint_and_confirm(&mut h).await;
    let MintStage::Blocked { left, .. } = stage(&h).clone() else {
        panic!("promoted past a read-only target: {:?}", stage(&h));
    };
    assert_eq!(left.len(), 1, "{left:?}");
    let screen = h.screen(120, 40);
    assert!(screen.contains("NOT promoted"), "{screen}");
    assert!(screen.contains("A abort"), "{screen}");
    let secondary = Secret::new(h.sandbox.secondary_token(ACME).unwrap());
    assert!(accepted(&h, &old).await && accepted(&h, &secondary).await);

    // P once only asks; A aborts.
    h.press(KeyCode::Char('P'));
    assert!(matches!(stage(&h), MintStage::Blocked { .. }) && keys(&h).confirm_force);
    assert!(h.sandbox.secondary_token(ACME).is_some());
    h.press(KeyCode::Char('A'));
    // While the abort runs, the read-only target (never changed) is not "NOT restored".
    let running = h.screen(140, 40);
    assert!(matches!(stage(&h), MintStage::Aborting), "{running}");
    assert!(!running.contains("NOT restored"), "{running}");
    assert!(running.contains("never changed"), "{running}");
    assert!(running.contains("putting the old token back"), "{running}");
    h.settle().await;
    let MintStage::Aborted(abort) = stage(&h).clone() else {
        panic!("not aborted: {:?}", stage(&h));
    };
    assert!(abort.is_clean(), "{:?}", abort.summary());
    assert!(h.sandbox.secondary_token(ACME).is_none());
    assert!(
        h.sandbox
            .tokens_held(ACME)
            .iter()
            .all(|(_, t)| t == old.expose())
    );
    assert!(h.screen(120, 40).contains("secondary token deleted"));
}

#[tokio::test]
async fn an_account_outside_the_config_asks_for_its_current_token_masked() {
    let mut h = Harness::demo().await;
    h.app.set_twilio_accounts(Vec::new());
    let current = current_token(&h.sandbox, ACME);
    h.select_provider_of(ACME);
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('m'));
    assert!(matches!(h.app.overlay, Some(Overlay::Prompt { .. })));
    h.type_text(current.expose());
    let screen = h.screen(120, 40);
    assert!(screen.contains("Current token"), "{screen}");
    assert!(!screen.contains(current.expose()), "masked");
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(matches!(
        h.app.overlay,
        Some(Overlay::RotationPlan { mint: Some(_), .. })
    ));
}

#[tokio::test]
async fn with_a_store_command_the_new_token_never_reaches_the_screen() {
    let mut h = Harness::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let stored = dir.path().join("stored");
    let mut accounts = telcreds::tui::runtime::demo::twilio_accounts(&h.sandbox);
    for a in &mut accounts {
        a.store_cmd = Some(format!("cat > '{}'", stored.display()));
    }
    h.app.set_twilio_accounts(accounts);
    mint_and_confirm(&mut h).await;
    let token = current_token(&h.sandbox, ACME);
    assert_eq!(
        std::fs::read_to_string(&stored).unwrap(),
        format!("{}\n", token.expose())
    );
    let MintStage::Promoted {
        stored: Some(Ok(said)),
        ..
    } = stage(&h).clone()
    else {
        panic!("not stored: {:?}", stage(&h));
    };
    assert!(said.contains("exit status 0"), "{said}");
    for key in ['x', 'y'] {
        h.press(KeyCode::Char(key));
        let screen = h.screen(120, 40);
        assert!(
            screen.contains("handed the token on stdin and ended well (exit status 0)"),
            "{screen}"
        );
        assert!(!screen.contains(token.expose()), "{screen}");
    }
    assert!(
        h.copied.iter().all(|c| c != &token),
        "nothing to copy: it was stored"
    );
    let journal = std::fs::read_to_string(h.data.path().join("journal.jsonl")).unwrap();
    assert!(journal.contains("rotation.store") && !journal.contains(token.expose()));
}

#[tokio::test]
async fn r_retries_a_failed_target_then_the_token_is_promoted() {
    let mut h = Harness::demo().await;
    crate::support::fault(
        &h.sandbox,
        serde_json::json!({"kind": "server_error", "method": "PATCH", "path_prefix": "/api/v2/platform"}),
    )
    .await;
    mint_and_confirm(&mut h).await;
    let MintStage::Blocked { left, .. } = stage(&h).clone() else {
        panic!("promoted past an unknown target: {:?}", stage(&h));
    };
    assert!(left[0].contains("token UNKNOWN"), "{left:?}");
    assert!(h.screen(120, 40).contains("R retry the failed"));
    h.press(KeyCode::Char('R'));
    h.settle().await;
    assert!(
        matches!(stage(&h), MintStage::Promoted { .. }),
        "{:?}",
        stage(&h)
    );
    let token = current_token(&h.sandbox, ACME);
    assert!(
        h.sandbox
            .tokens_held(ACME)
            .iter()
            .all(|(_, t)| t == token.expose())
    );
}

#[tokio::test]
async fn a_mint_left_before_promotion_reopens_with_r_and_promotes_later() {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |p| p[1].readonly = true).await;
    let old = current_token(&h.sandbox, ACME);
    mint_and_confirm(&mut h).await;
    assert!(matches!(stage(&h), MintStage::Blocked { .. }));
    h.press(KeyCode::Esc);
    h.settle().await;
    assert!(h.app.overlay.is_none());
    assert!(
        h.app
            .status
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("reopens")
    );
    // Later (the read-only target fixed by other means): r reopens it, P P promotes.
    h.select_provider_of(ACME);
    h.press(KeyCode::Char('r'));
    assert!(matches!(stage(&h), MintStage::Blocked { .. }), "reopened");
    h.press(KeyCode::Char('P'));
    h.press(KeyCode::Char('P'));
    h.settle().await;
    assert!(
        matches!(stage(&h), MintStage::Promoted { .. }),
        "{:?}",
        stage(&h)
    );
    assert!(!accepted(&h, &old).await);
    // Forced: the target left behind is broken now, and the screen says so.
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("✗ 1 target holds the DEAD token: it is broken now; give it the new token"),
        "{screen}"
    );
    // Closed after the promotion (twice: the new token was never seen): r asks again.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Esc);
    h.settle().await;
    h.select_provider_of(ACME);
    h.press(KeyCode::Char('r'));
    assert!(matches!(h.app.overlay, Some(Overlay::RotateHow { .. })));
}

/// A mint stopped before its promotion (a read-only target), then telcreds quit and
/// started again: `r`, `m` on the account finds its secondary.
async fn restarted_after_an_unfinished_mint() -> Harness {
    let mut h = parked_mint().await;
    // The parked run is gone with the UI; its secondary is not.
    h.restart(|p| read_only(p)).await;
    mint_and_confirm(&mut h).await;
    assert!(
        matches!(stage(&h), MintStage::Unfinished(_)),
        "{:?}",
        stage(&h)
    );
    h
}

#[tokio::test]
async fn after_a_restart_the_unfinished_mint_is_named_and_a_aborts_it() {
    let mut h = restarted_after_an_unfinished_mint().await;
    let old = current_token(&h.sandbox, ACME);
    // Every word of what to do shows, even at 80 columns.
    let screen = h.screen(80, 24);
    for words in [
        "did not finish",
        "P promotes it",
        "A puts",
        "P promote",
        "A abort",
    ] {
        assert!(screen.contains(words), "{words}: {screen}");
    }
    h.press(KeyCode::Char('A'));
    h.settle().await;
    let MintStage::Aborted(abort) = stage(&h).clone() else {
        panic!("not aborted: {:?}", stage(&h));
    };
    assert!(abort.is_clean(), "{:?}", abort.summary());
    assert!(h.sandbox.secondary_token(ACME).is_none(), "deleted");
    assert!(
        h.sandbox
            .tokens_held(ACME)
            .iter()
            .all(|(_, t)| t == old.expose()),
        "the old token is back everywhere"
    );
    let screen = h.screen(100, 30);
    assert!(!screen.contains("rotating…"), "{screen}");
    // The rows say what the abort did: the old token is back, not a new one.
    assert!(!screen.contains("new token in place"), "{screen}");
    assert!(screen.contains("old token restored"), "{screen}");
}

#[tokio::test]
async fn after_a_restart_p_twice_promotes_the_unfinished_mint() {
    let mut h = restarted_after_an_unfinished_mint().await;
    let old = current_token(&h.sandbox, ACME);
    let secondary = h.sandbox.secondary_token(ACME).expect("kept");
    h.press(KeyCode::Char('P'));
    assert!(
        matches!(stage(&h), MintStage::Unfinished(_)) && keys(&h).armed == Some('P'),
        "the first P only asks"
    );
    // The rows say what the journal recorded for each target, and P names the
    // read-only target left on the old token.
    let screen = h.screen(140, 40);
    assert!(
        screen.contains("new token: new token recorded at"),
        "{screen}"
    );
    assert!(screen.contains("✓ on new"), "{screen}");
    assert!(!screen.contains("waiting"), "{screen}");
    assert!(!screen.contains("cannot read which token"), "{screen}");
    assert!(
        screen.contains("P again promotes ANYWAY: 1 target(s)"),
        "{screen}"
    );
    h.press(KeyCode::Char('P'));
    h.settle().await;
    let MintStage::Promoted { token, .. } = stage(&h).clone() else {
        panic!("not promoted: {:?}", stage(&h));
    };
    assert_eq!(
        token.expose(),
        secondary,
        "the deployed secondary is the primary now"
    );
    assert!(!accepted(&h, &old).await, "the old token is dead");
    let screen = h.screen(100, 30);
    assert!(screen.contains("verify every provider"), "{screen}");
}

#[tokio::test]
async fn after_a_restart_d_replaces_the_unfinished_secondary_only_when_pressed_twice() {
    let mut h = restarted_after_an_unfinished_mint().await;
    let first = h.sandbox.secondary_token(ACME).expect("kept");
    h.press(KeyCode::Char('D'));
    assert!(
        matches!(stage(&h), MintStage::Unfinished(_)) && keys(&h).armed == Some('D'),
        "the first D only asks"
    );
    assert!(h.screen(100, 30).contains("D again deletes it"));
    assert_eq!(
        h.sandbox.secondary_token(ACME).as_deref(),
        Some(first.as_str())
    );
    h.press(KeyCode::Char('D'));
    h.settle().await;
    let second = h.sandbox.secondary_token(ACME).expect("a new one");
    assert_ne!(second, first, "replaced");
    assert!(
        !matches!(
            stage(&h),
            MintStage::Unfinished(_) | MintStage::NotMinted(_)
        ),
        "{:?}",
        stage(&h)
    );
}

#[tokio::test]
async fn a_parked_mint_reopens_on_a_provider_that_spells_the_sid_in_capitals() {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |p| p[1].readonly = true).await;
    mint_and_confirm(&mut h).await;
    assert!(matches!(stage(&h), MintStage::Blocked { .. }));
    h.press(KeyCode::Esc);
    h.settle().await;
    // A platform that keeps the Account SID's hex digits in capitals.
    let mut shouting = h.select_provider_of(ACME);
    shouting.account_sid = format!("AC{}", ACME[2..].to_uppercase());
    h.app.tables.providers.upsert(shouting);
    h.press(KeyCode::Char('r'));
    assert!(
        matches!(stage(&h), MintStage::Blocked { .. }),
        "reopened: {:?}",
        h.app.overlay.is_some()
    );
}

#[tokio::test]
async fn the_header_says_a_rotation_did_not_finish_from_the_start() {
    use telcreds::domain::Platform;
    use telcreds::journal::{Action, Journal, JournalEntry, JournalTarget, TargetKind};
    let sid = "AC759b765966b5b7c9cdfaa58072348b24";
    let data = tempfile::tempdir().unwrap();
    let journal = Journal::open(data.path().join("journal.jsonl"));
    let account = JournalTarget::new(TargetKind::TwilioAccount, sid, None);
    journal
        .append(&JournalEntry::new(Action::RotationSecondaryCreate, account))
        .unwrap();
    let provider = JournalTarget::new(
        TargetKind::Provider,
        "a1000000-0000-4000-8000-000000000001",
        Some("acme-prod-us".into()),
    );
    journal
        .append(
            &JournalEntry::new(Action::RotationUpdate, provider)
                .on_named("demo-dasha", &Platform::Dasha)
                .for_account(sid),
        )
        .unwrap();
    let mut h = Harness::start_in(data, Seed::Demo, Duration::ZERO, |_| {}).await;
    // The journal is read in the background, apart from the calls settle waits for.
    h.pump_until(|app| !app.rotation.unfinished_runs.is_empty())
        .await;
    let screen = h.screen(160, 30);
    assert!(
        screen.contains("rotation of AC75…8b24 NOT finished"),
        "{screen}"
    );
    assert_eq!(h.app.rotation.unfinished_runs.len(), 1);
    // The account's providers are marked in the table.
    let row = screen
        .lines()
        .find(|l| l.contains("acme-prod-us"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains("⚠ AC75…8b24"), "{row}");
}

/// ctrl-c in the real binary while a mint deploys: the app closes, what was sent
/// finishes, and the message says where the run stands as the journal recorded it
/// (deployed, NOT promoted, the leaked token still works), with exit 9.
#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_mint_says_the_rotation_is_not_finished() {
    use crate::e2e_tmux::{Tmux, app_command};
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, sb.print_config()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    crate::support::fault(
        &sb,
        serde_json::json!({"kind": "slow", "count": 1, "method": "PATCH",
            "path_prefix": "/api/v2/platform", "delay_ms": 3000}),
    )
    .await;
    let command = app_command(
        dir.path(),
        &format!("--config {} -p sandbox-dasha", cfg.display()),
    );
    let tmux = Tmux::start(&format!("{command}; echo EXIT=$?; sleep 30"), 160, 40);
    mint_acme_in_tmux(&tmux);
    tmux.wait_until("the deployment to start", |s| {
        s.contains("rotating") || s.contains("updating")
    });
    tmux.keys(&["C-c"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("NOT finished"), "{screen}");
    assert!(screen.contains("NOT promoted"), "{screen}");
    assert!(screen.contains("--promote"), "{screen}");
    assert!(!screen.contains("allowed to finish"), "{screen}");
    assert!(screen.contains("EXIT=9"), "{screen}");
}

#[tokio::test]
async fn the_promoted_token_hides_after_30_s_and_is_not_closed_away_unseen() {
    use telcreds::tui::app::Clock;
    let mut h = Harness::demo().await;
    mint_and_confirm(&mut h).await;
    let MintStage::Promoted { token, .. } = stage(&h).clone() else {
        panic!("not promoted: {:?}", stage(&h));
    };
    let screen = h.screen(120, 40);
    assert!(screen.contains("gives the DEAD"), "no store_cmd: {screen}");
    // Esc before it was revealed, copied or stored: a warning, the screen stays.
    h.press(KeyCode::Esc);
    assert!(matches!(h.app.overlay, Some(Overlay::Rotation(_))));
    let flash = h.app.status.flash.as_ref().unwrap().text.clone();
    assert!(
        flash.contains("neither revealed, copied nor stored"),
        "{flash}"
    );
    // Revealed, then hidden again after the usual 30 s.
    h.press(KeyCode::Char('x'));
    assert!(h.screen(120, 40).contains(token.expose()));
    let _ = h
        .app
        .on_time(Clock::system().advanced(Duration::from_secs(31)));
    assert!(!h.screen(120, 40).contains(token.expose()), "hidden again");
    h.press(KeyCode::Esc);
    assert!(h.app.overlay.is_none());
}

#[tokio::test]
async fn a_message_of_another_rotation_never_changes_the_screen_open() {
    use telcreds::api::ApiError;
    use telcreds::ops::rotation::NotPromoted;
    use telcreds::tui::runtime::effect::{Msg, RotationMsg};
    let mut h = Harness::demo().await;
    mint_and_confirm(&mut h).await;
    assert!(matches!(stage(&h), MintStage::Promoted { .. }));
    let open = match &h.app.overlay {
        Some(Overlay::Rotation(view)) => view.id,
        _ => panic!("no rotation screen"),
    };
    let stray = Msg::Rotation {
        run: open + 1000,
        msg: RotationMsg::Stage(MintStage::PromotionFailed(NotPromoted::Refused(
            ApiError::Other {
                status: 400,
                message: "stray".into(),
            },
        ))),
    };
    let _ = h.app.update(stray);
    assert!(
        matches!(stage(&h), MintStage::Promoted { .. }),
        "{:?}",
        stage(&h)
    );
}

/// A mint parked in the UI, finished on the command line: the command line reads
/// the UI's journal and knows who holds which token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mint_parked_in_the_ui_is_seen_and_aborted_on_the_command_line() {
    let h = parked_mint().await;

    // The command line, on the same platform and the same data directory.
    let cfg = cli_config_for(&h, true);
    let data = h.data.path().to_path_buf();
    let run = |args: &'static [&'static str]| {
        let (cfg, data) = (cfg.clone(), data.clone());
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_telcreds"))
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .env("TELCREDS_DATA_DIR", &data)
            .env("TELCREDS_STATE_DIR", data.join("state"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = run(&["rotate", "status", "-o", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let runs: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let holds: Vec<(String, String)> = runs[0]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["profile"].as_str().unwrap().to_string(),
                t["holds"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        holds.contains(&("demo-dasha".into(), "new".into())),
        "{holds:?}"
    );
    assert!(
        holds.contains(&("demo-unpod".into(), "old".into())),
        "{holds:?}"
    );
    let (code, stdout, stderr) = run(&[
        "rotate",
        "twilio",
        "--account-sid",
        "AC759b765966b5b7c9cdfaa58072348b24",
        "--abort",
        "--yes",
    ]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(h.sandbox.secondary_token(ACME).is_none(), "deleted");
    let (_, stdout, _) = run(&["rotate", "status", "-o", "json"]);
    assert_eq!(stdout.trim(), "[]");
}

/// A store_cmd that writes to the terminal (a passphrase prompt) while the UI has
/// it: it gets no terminal, so nothing draws over the screen and nothing waits.
#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_cmd_never_draws_over_the_ui() {
    use crate::e2e_tmux::{Tmux, app_command};
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let stored = dir.path().join("stored");
    let cfg = dir.path().join("config.toml");
    let text = sb.print_config().replace(
        "[twilio_accounts.acme-production]\n",
        &format!(
            "[twilio_accounts.acme-production]\nstore_cmd = \"echo STORE-DRAWS-HERE > /dev/tty; cat > '{}'\"\n",
            stored.display()
        ),
    );
    std::fs::write(&cfg, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    let command = app_command(
        dir.path(),
        &format!("--config {} -p sandbox-dasha", cfg.display()),
    );
    let tmux = Tmux::start(&command, 160, 40);
    mint_acme_in_tmux(&tmux);
    let screen = tmux.wait_for("OLD TOKEN IS DEAD");
    assert!(!screen.contains("STORE-DRAWS-HERE"), "{screen}");
    assert_eq!(
        std::fs::read_to_string(&stored).unwrap().trim(),
        current_token(&sb, ACME).expose()
    );
    tmux.keys(&["Escape"]);
    // Esc and q read together are alt-q: the screen closes first.
    tmux.wait_for("q quit");
    tmux.keys(&["q"]);
    tmux.wait_exit();
}

/// In the real binary in tmux: `acme-prod-us` filtered, `r`, `m`, and the plan
/// confirmed with `y`.
fn mint_acme_in_tmux(tmux: &crate::e2e_tmux::Tmux) {
    tmux.wait_for("Providers (8)");
    tmux.keys(&["/"]);
    tmux.type_text("acme-prod-us");
    tmux.keys(&["Enter"]);
    tmux.keys(&["r"]);
    tmux.wait_for("mint a new token at Twilio");
    tmux.keys(&["m"]);
    tmux.wait_for("Mint a new token");
    tmux.keys(&["y"]);
}

/// A run killed while `store_cmd` ran (promoted, store sent, no end recorded): the
/// UI says from start-up that the new token may be stored nowhere.
#[tokio::test]
async fn a_new_token_handed_to_a_store_cmd_that_never_ended_is_named_at_start() {
    use telcreds::journal::{Action, Journal, JournalEntry, JournalTarget, TargetKind};
    let data = tempfile::tempdir().unwrap();
    let journal = Journal::open(data.path().join("journal.jsonl"));
    let account = || JournalTarget::new(TargetKind::TwilioAccount, ACME, None);
    journal
        .append(&JournalEntry::new(Action::RotationPromote, account()))
        .unwrap();
    journal
        .append(&JournalEntry::new(Action::RotationStore, account()).sent())
        .unwrap();
    let mut h = Harness::start_in(data, Seed::Demo, Duration::ZERO, |_| {}).await;
    // The journal is read in the background, apart from the calls settle waits for.
    h.pump_until(|app| !app.rotation.unstored_tokens.is_empty())
        .await;
    let screen = h.screen(200, 30);
    assert!(
        screen.contains("new token of AC75…8b24 may be stored nowhere"),
        "{screen}"
    );
}

/// `r` on the credential that dials the demo trunk: `b` rotates it at both ends,
/// and the report says so in the words of the command line.
#[tokio::test]
async fn r_then_b_rotates_a_trunk_credential_at_both_ends() {
    use telcreds::tui::app::Overlay;
    const TRUNK: &str = "c2000000-0000-4000-8000-000000000003";
    let mut h = Harness::demo().await;
    h.press(KeyCode::Char('2'));
    h.settle().await;
    h.select_sip(TRUNK);
    h.press(KeyCode::Char('r'));
    let how = h.screen(100, 30);
    assert!(how.contains("both ends"), "{how}");
    assert!(how.contains("calls FAIL"), "{how}");
    h.press(KeyCode::Char('b'));
    h.settle().await;
    assert!(
        matches!(h.app.overlay, Some(Overlay::Confirm { .. })),
        "asked first: {:?}",
        h.app.status.flash
    );
    // It asks with the plan read from both ends, in the command line's words.
    let asked = h.screen(140, 30);
    assert!(
        asked.contains("add vx-01-r2 to the carrier's list") && asked.contains("delete vx-01"),
        "{asked}"
    );
    h.press(KeyCode::Char('y'));
    h.settle().await;
    let Some(Overlay::Report { lines, .. }) = &h.app.overlay else {
        panic!("no report: {:?}", h.app.status.flash);
    };
    let text: Vec<String> = lines.iter().map(|l| l.shown()).collect();
    assert!(
        text.iter().any(|l| l.starts_with("✓ rotated at both ends")),
        "{text:#?}"
    );
    let screen = h.screen(100, 30);
    assert!(screen.contains("rotated at both ends"), "{screen}");
    // On a small screen the report scrolls to its last line.
    let small = h.screen(40, 12);
    assert!(small.contains("scroll"), "{small}");
    for _ in 0..30 {
        h.press(KeyCode::Down);
    }
    let bottom = h.screen(40, 12);
    assert!(bottom.contains("longer works"), "{bottom}");
    h.press(KeyCode::Esc);
    assert!(h.app.overlay.is_none());
    h.settle().await;
    let row = h.select_sip(TRUNK);
    assert_eq!(row.auth_user.as_deref(), Some("vx-01-r2"), "reloaded");
}

/// A credential whose server looks like a Twilio trunk's but whose carrier end
/// was looked up and not found: `r` offers no rotation at both ends, and says why.
#[tokio::test]
async fn r_offers_no_rotation_at_both_ends_when_the_carrier_end_was_not_found() {
    use telcreds::tui::app::Overlay;
    const TRUNK: &str = "c2000000-0000-4000-8000-000000000003";
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |_| {}).await;
    // No Twilio account in the config: no trunk can be read.
    h.app.set_twilio_accounts(Vec::new());
    h.press(KeyCode::Char('2'));
    h.settle().await;
    h.select_sip(TRUNK);
    h.press(KeyCode::Enter); // the detail pane looks the carrier end up
    h.settle().await;
    h.press(KeyCode::Char('r'));
    assert!(
        matches!(h.app.overlay, Some(Overlay::Prompt { .. })),
        "the platform-only prompt: {:?}",
        h.app.status.flash
    );
    let flash = h
        .app
        .status
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(flash.contains("no carrier end"), "{flash}");
}

/// A promotion sent from the UI whose answer was lost went through at Twilio: the
/// configured CURRENT token is dead. `r`, `m` says so, as the command line does,
/// instead of calling it a rejected new token.
#[tokio::test]
async fn after_a_promotion_whose_answer_was_lost_the_ui_says_it_went_through() {
    use telcreds::journal::{Action, Journal, JournalEntry, JournalTarget, TargetKind};
    let mut h = parked_mint().await;
    // The promotion reaches Twilio; its answer is lost (the journal has "sent" only).
    let journal = Journal::open(h.data.path().join("journal.jsonl"));
    let target = JournalTarget::new(TargetKind::TwilioAccount, ACME, None);
    journal
        .append(&JournalEntry::new(Action::RotationPromote, target).sent())
        .unwrap();
    let current = current_token(&h.sandbox, ACME);
    let promoted = reqwest::Client::new()
        .post(format!("{}/v1/AuthTokens/Promote", h.sandbox.origin()))
        .basic_auth(ACME, Some(current.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(promoted.status(), 200);

    // Started again: the parked run is gone with the UI, the journal is not, and
    // the account's token source still gives the token that was current.
    h.restart(|p| read_only(p)).await;
    let mut accounts = telcreds::tui::runtime::demo::twilio_accounts(&h.sandbox);
    for a in accounts.iter_mut().filter(|a| a.account_sid == ACME) {
        a.token = telcreds::config::TokenSource::Inline(current.clone());
    }
    h.app.set_twilio_accounts(accounts);
    h.settle().await;
    h.select_provider_of(ACME);
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('m'));
    h.settle().await;
    let screen = h.screen(160, 40);
    let said = h.app.status.flash.as_ref().map(|f| f.text.clone());
    let said = said.unwrap_or_else(|| screen.clone());
    assert!(
        said.contains("CURRENT") && said.contains("went through"),
        "{said}"
    );
    assert!(!said.contains("new token"), "{said}");
}

/// An account whose token source fails: `r`, `m` says which account's, as the
/// command line does, and that nothing was changed.
#[tokio::test]
async fn a_current_token_that_cannot_be_read_names_its_account() {
    let mut h = Harness::demo().await;
    let mut accounts = telcreds::tui::runtime::demo::twilio_accounts(&h.sandbox);
    for a in accounts.iter_mut().filter(|a| a.account_sid == ACME) {
        a.name = "acme".into();
        a.token = telcreds::config::TokenSource::Env("TELCREDS_TEST_NEVER_SET".into());
    }
    h.app.set_twilio_accounts(accounts);
    h.settle().await;
    h.select_provider_of(ACME);
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('m'));
    h.settle().await;
    let said = h.app.status.flash.as_ref().map(|f| f.text.clone());
    let said = said.unwrap_or_default();
    assert!(
        said.contains("twilio account \"acme\"") && said.contains("TELCREDS_TEST_NEVER_SET"),
        "{said}"
    );
    assert!(said.ends_with("nothing was changed"), "{said}");
}

//! `:doctor` in the terminal UI: the checks of `telcreds doctor`, in a dialog, on
//! the profile shown or on every profile; read-only.

use crate::support::requests;
use crate::tui_harness::Harness;
use crossterm::event::KeyCode;
use std::time::{Duration, Instant};
use telcreds::domain::CheckStatus;
use telcreds::ops::doctor::Report;
use telcreds::tui::app::Overlay;

/// Types a `:` command and presses ⏎.
fn command(h: &mut Harness, line: &str) {
    h.press(KeyCode::Char(':'));
    h.type_text(line);
    h.press(KeyCode::Enter);
}

/// The report of the open doctor dialog.
fn report(h: &Harness) -> Report {
    match &h.app.overlay {
        Some(Overlay::Doctor(view)) => view.report.clone().expect("the report came"),
        _ => panic!("no doctor dialog"),
    }
}

#[tokio::test]
async fn doctor_checks_the_profile_shown_in_a_dialog_and_only_reads() {
    let mut h = Harness::demo().await;
    reqwest::Client::new()
        .delete(format!("{}/_sandbox/requests", h.sandbox.origin()))
        .send()
        .await
        .unwrap();
    command(&mut h, "doctor");
    assert!(h.app.is_busy(), "the dialog waits for the report");
    let screen = h.screen(140, 40);
    assert!(screen.contains("checking demo-dasha"), "{screen}");
    h.settle().await;
    let r = report(&h);
    assert_eq!(r.status(), CheckStatus::Passed, "{r:#?}");
    assert_eq!(r.steps[0].step, "config");
    assert_eq!(
        r.steps[0].status,
        CheckStatus::Skipped,
        "the demo has no file"
    );
    // The profile's steps, then each Twilio account's (a mint may need any).
    let (profile, accounts): (Vec<_>, Vec<_>) = r.steps[1..]
        .iter()
        .partition(|s| s.profile.as_deref() == Some("demo-dasha"));
    assert!(!profile.is_empty());
    assert!(
        accounts
            .iter()
            .all(|s| s.profile.as_deref().unwrap().starts_with("twilio account ")),
        "{accounts:#?}"
    );
    assert!(r.steps.iter().any(|s| s.step == "GET sip-credentials"));
    let screen = h.screen(140, 40);
    assert!(screen.contains("Doctor — demo-dasha"), "{screen}");
    assert!(
        screen.contains("demo-dasha · GET sip-credentials"),
        "{screen}"
    );
    assert!(screen.contains("passed, 0 warning, 0 failed"), "{screen}");
    h.press(KeyCode::Esc);
    assert!(h.app.overlay.is_none());

    command(&mut h, "doctor all");
    h.settle().await;
    let r = report(&h);
    assert_eq!(r.status(), CheckStatus::Passed, "{r:#?}");
    for profile in ["demo-dasha", "demo-unpod"] {
        assert!(
            r.steps
                .iter()
                .any(|s| s.profile.as_deref() == Some(profile))
        );
    }
    assert!(r.steps.iter().any(|s| s.step == "org handle"));
    h.press(KeyCode::Char('q'));
    for (method, path, _) in requests(&h.sandbox).await {
        assert_eq!(method, "GET", "{path}");
    }
}

#[tokio::test]
async fn doctor_checks_the_config_file_and_reports_a_closed_run_in_the_flash() {
    let mut h = Harness::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, h.sandbox.print_config()).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    h.app.set_config_path(Some(path));
    command(&mut h, "doctor");
    h.settle().await;
    let config = &report(&h).steps[0];
    assert_eq!(config.status, CheckStatus::Passed, "{config:?}");
    assert!(
        config.message.ends_with("valid, 2 profile(s), mode 0600"),
        "{config:?}"
    );
    h.press(KeyCode::Enter);

    // Closed while it runs: the summary comes in the flash.
    command(&mut h, "doctor");
    h.press(KeyCode::Esc);
    assert!(h.app.overlay.is_none());
    let started = Instant::now();
    while !h
        .app
        .status
        .flash
        .as_ref()
        .is_some_and(|f| f.text.starts_with("doctor: "))
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            h.app.status.flash
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        h.pump();
    }

    command(&mut h, "doctor everything");
    let flash = h.app.status.flash.clone().unwrap();
    assert!(flash.error && flash.text.contains("\"all\""), "{flash:?}");
}

/// `:doctor` in the real binary runs a `token_cmd` again and names it so: the token
/// the UI fetched at start is not reused (an expired session shows ✗).
#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_in_the_ui_runs_the_token_cmd_again_and_names_it() {
    use crate::e2e_tmux::{Tmux, app_command};
    let sb = telcreds::sandbox::Sandbox::start(telcreds::sandbox::SandboxOptions::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The command prints the token once, then fails: a session that expired.
    let once = dir.path().join("used");
    let cmd = format!(
        "if [ -e {0} ]; then exit 3; fi; touch {0}; echo {1}",
        once.display(),
        telcreds::sandbox::DASHA_TOKEN
    );
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[profiles.p]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken_cmd = {:?}\n",
            sb.dasha_base(),
            cmd
        ),
    )
    .unwrap();
    let args = format!("--config {}", cfg.display());
    let tmux = Tmux::start(&app_command(dir.path(), &args), 140, 40);
    tmux.wait_for("Providers (8)");
    tmux.keys(&[":"]);
    tmux.type_text("doctor");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("token_cmd failed (exit status 3)");
    assert!(!screen.contains("inline"), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.wait_until("the doctor dialog to close", |s| {
        !s.contains("token_cmd failed")
    });
    tmux.keys(&["q"]);
    tmux.wait_exit();
}

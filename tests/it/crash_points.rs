//! `kill -9` of a command-line mint at each of its steps, then what every frontend
//! says: `rotate status`, the UI's resume screen and `--promote` must each tell
//! which target holds which token exactly as the journal recorded it.

use crate::mint::wait_for_journal;
use crate::support::{clear_faults, fault};
use crate::tui_harness::Harness;
use crate::tui_mint::{cli_config_for, mint_and_confirm};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use telcreds::journal::{Action, Journal, JournalEntry, Outcome};
use telcreds::ops::rotation::RunStage;
use telcreds::sandbox::Seed;
use telcreds::tui::app::Overlay;

const ACME: &str = "AC759b765966b5b7c9cdfaa58072348b24";

/// One place to crash: what makes the next step hang there, and when it is reached.
struct CrashPoint {
    name: &'static str,
    /// Sandbox faults that keep the step in flight.
    faults: Vec<serde_json::Value>,
    /// True once the journal shows the run there.
    reached: fn(&[JournalEntry]) -> bool,
}

fn count(entries: &[JournalEntry], action: Action, outcome: Outcome) -> usize {
    entries
        .iter()
        .filter(|e| e.action == action && e.outcome == outcome)
        .count()
}

fn slow(method: &str, path_prefix: &str, count: u32) -> serde_json::Value {
    serde_json::json!({"kind": "slow", "count": count, "method": method,
        "path_prefix": path_prefix, "delay_ms": 60000})
}

fn crash_points() -> Vec<CrashPoint> {
    vec![
        CrashPoint {
            name: "after the secondary is created, every update in flight",
            faults: vec![slow("PATCH", "/", 20), slow("PUT", "/", 20)],
            reached: |e| {
                count(e, Action::RotationSecondaryCreate, Outcome::Ok) == 1
                    && count(e, Action::RotationUpdate, Outcome::Sent) >= 4
            },
        },
        CrashPoint {
            name: "mid-deploy, the Unpod update in flight",
            faults: vec![slow("PATCH", "/api/v2/platform", 1)],
            reached: |e| {
                count(e, Action::RotationUpdate, Outcome::Ok) >= 3
                    && count(e, Action::RotationUpdate, Outcome::Sent) >= 4
            },
        },
        CrashPoint {
            name: "before the promotion answers",
            faults: vec![slow("POST", "/v1/AuthTokens/Promote", 1)],
            reached: |e| count(e, Action::RotationPromote, Outcome::Sent) == 1,
        },
    ]
}

/// `telcreds` with the harness's data directory.
fn telcreds(cfg: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_telcreds"))
        .arg("--config")
        .arg(cfg)
        .args(args)
        .env("TELCREDS_DATA_DIR", data)
        .env("TELCREDS_STATE_DIR", data.join("state"))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// (provider id, holds) of every target of the unfinished run, as `rotate status
/// -o json` says.
fn status(cfg: &Path, data: &Path) -> Vec<(String, String)> {
    let out = telcreds(cfg, data, &["rotate", "status", "-o", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let runs: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut holds: Vec<(String, String)> = runs[0]["targets"]
        .as_array()
        .unwrap_or_else(|| panic!("no unfinished run: {text}"))
        .iter()
        .map(|t| {
            (
                t["provider"].as_str().unwrap().to_string(),
                t["holds"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    holds.sort();
    holds
}

/// The cell the UI's resume screen shows for a target holding `holds`.
fn cell(holds: &str) -> &'static str {
    match holds {
        "new" => "✓ on new",
        "old" => "✗ on OLD",
        _ => "? unknown",
    }
}

async fn crash_and_resume(point: CrashPoint) {
    let mut h = Harness::start(Seed::Demo, Duration::ZERO, |_| {}).await;
    let cfg = cli_config_for(&h, false);
    let data = h.data.path().to_path_buf();
    for f in &point.faults {
        fault(&h.sandbox, f.clone()).await;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_telcreds"))
        .arg("--config")
        .arg(&cfg)
        .args(["rotate", "twilio", "--account-sid", ACME, "--mint", "--yes"])
        .env("TELCREDS_DATA_DIR", &data)
        .env("TELCREDS_STATE_DIR", data.join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let journal = Journal::open(data.join("journal.jsonl"));
    wait_for_journal(&journal, point.reached).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The step in flight was journaled as sent before it was sent: killed at once,
    // it may never have reached the sandbox, leaving its fault for the next command.
    clear_faults(&h.sandbox).await;
    let name = point.name;

    // The command line: which token each target holds.
    let holds = status(&cfg, &data);
    assert_eq!(holds.len(), 4, "{name}: {holds:?}");

    // The UI, started again: its resume screen says the same of each row.
    h.restart(|_| {}).await;
    mint_and_confirm(&mut h).await;
    let Some(Overlay::Rotation(view)) = &h.app.overlay else {
        panic!("{name}: no rotation screen: {:?}", h.app.status.flash);
    };
    assert!(
        matches!(view.stage, RunStage::Unfinished(_)),
        "{name}: {:?}",
        view.stage
    );
    let rows: Vec<(String, String)> = view
        .plan
        .targets
        .iter()
        .map(|t| (t.provider_id.clone(), t.provider_name.clone()))
        .collect();
    let screen = h.screen(160, 40);
    for (id, held) in &holds {
        let (_, provider) = rows
            .iter()
            .find(|(row, _)| row == id)
            .unwrap_or_else(|| panic!("{name}: {id} not on the screen"));
        // The screen's rows, under the list behind it: those with a holds cell.
        let line = screen
            .lines()
            .filter(|l| {
                ["new", "old", "unknown"]
                    .iter()
                    .any(|h| l.contains(cell(h)))
            })
            .find(|l| l.contains(provider.as_str()))
            .unwrap_or_else(|| panic!("{name}: no row for {provider}:\n{screen}"));
        assert!(
            line.contains(cell(held)),
            "{name}: {provider} {held}:\n{screen}"
        );
    }
    h.press(crossterm::event::KeyCode::Esc);
    h.settle().await;

    // `--promote`: blocked by any target not on the new token; nothing sent then.
    let secondary_kept = h.sandbox.secondary_token(ACME).is_some();
    let promote = telcreds(
        &cfg,
        &data,
        &[
            "rotate",
            "twilio",
            "--account-sid",
            ACME,
            "--promote",
            "--yes",
        ],
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&promote.stdout),
        String::from_utf8_lossy(&promote.stderr),
    );
    let all_new = holds.iter().all(|(_, held)| held == "new");
    if all_new {
        // Only a promotion in flight can leave every target on the new token: it went
        // through at Twilio or it did not, and the command line says which.
        match secondary_kept {
            true => assert_eq!(promote.status.code(), Some(0), "{name}: {stdout}{stderr}"),
            false => assert!(
                stderr.contains("went through"),
                "{name}: {:?} {stdout} {stderr}",
                promote.status.code()
            ),
        }
    } else {
        assert_eq!(promote.status.code(), Some(9), "{name}: {stdout}{stderr}");
        assert!(stderr.contains("NOT promoted"), "{name}: {stderr}");
        assert!(h.sandbox.secondary_token(ACME).is_some(), "{name}: kept");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mint_killed_at_each_step_is_told_alike_by_status_the_ui_and_promote() {
    for point in crash_points() {
        crash_and_resume(point).await;
    }
}

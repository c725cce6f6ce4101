//! `sip rotate ID --carrier`: a SIP trunk's password rotated at both ends, the
//! carrier (the sandbox's Twilio trunk) and the platform (Dasha), against the
//! sandbox, with a failure injected at each step.

use crate::cli::{Run, write_config};
use crate::support::{changes_since, clear_faults, fault, requests, sandbox, telcreds_env};
use std::path::{Path, PathBuf};
use telcreds::journal::{Action, Journal, Outcome};
use telcreds::sandbox::{Sandbox, Seed};

/// The demo credential that dials the demo trunk (user `vx-01`).
const TRUNK: &str = "c2000000-0000-4000-8000-000000000003";
/// A password no output, log, journal or history may ever hold.
const CANARY: &str = "Canary7PasswordXq9Zr";

async fn set_up() -> (Sandbox, tempfile::TempDir, PathBuf) {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    (sb, dir, cfg)
}

async fn run(cfg: &Path, args: &[&str], stdin: &str) -> Run {
    let all = [&["-p", "sandbox-dasha"][..], args].concat();
    telcreds_env(cfg, &all, stdin, &[], false).await
}

/// `sip rotate TRUNK --carrier --yes` with the canary password.
async fn rotate(cfg: &Path, extra: &[&str]) -> Run {
    let args = [
        &[
            "sip",
            "rotate",
            TRUNK,
            "--carrier",
            "--yes",
            "--password-stdin",
        ][..],
        extra,
    ]
    .concat();
    run(cfg, &args, CANARY).await
}

/// The carrier end's credential list, as `sip show` finds it.
async fn list_sid(cfg: &Path) -> String {
    let show = run(cfg, &["-o", "json", "sip", "show", TRUNK], "").await;
    let v: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    v["carrier"]["credential_list_sid"]
        .as_str()
        .unwrap_or_else(|| panic!("no carrier end: {}", show.stdout))
        .to_string()
}

/// The next `method` request to Twilio's 2010 API is refused (400).
async fn twilio_refuses(sb: &Sandbox, method: &str) {
    fault(
        sb,
        serde_json::json!({"kind": "refused", "method": method,
            "path_prefix": "/2010-04-01/Accounts"}),
    )
    .await;
}

/// `rule` for the platform's update of a SIP credential (whichever method it uses).
async fn platform_update_fault(sb: &Sandbox, rule: serde_json::Value) {
    for method in ["PUT", "PATCH"] {
        let mut rule = rule.clone();
        rule["method"] = method.into();
        rule["path_prefix"] = "/api/v1/sip".into();
        fault(sb, rule).await;
    }
}

/// Whether the carrier's list holds the old pair's user and the new one's.
fn listed(sb: &Sandbox, list: &str) -> (bool, bool) {
    let users = sb.credential_list_usernames(list);
    let has = |u: &str| users.iter().any(|x| x == u);
    (has("vx-01"), has("vx-01-r2"))
}

/// `r` ended with exit `code` and said `words`.
fn assert_said(r: &Run, code: i32, words: &str) {
    assert_eq!(r.code, code, "{}", said(r));
    assert!(said(r).contains(words), "{}", said(r));
}

fn said(r: &Run) -> String {
    format!("{}\n{}", r.stdout, r.stderr)
}

/// Every step of the journal's rotations at both ends, as `action outcome`.
fn steps(dir: &Path) -> Vec<String> {
    let (entries, _) = Journal::open(dir.join("data/journal.jsonl")).read();
    entries
        .iter()
        .filter(|e| e.carrier.is_some())
        .map(|e| format!("{} {:?}", e.action, e.outcome))
        .collect()
}

/// Nothing the canary reached: outputs, the journal, the history, the log.
fn assert_no_canary(dir: &Path, outputs: &[&Run]) {
    for r in outputs {
        assert!(!said(r).contains(CANARY), "{}", said(r));
    }
    for entry in walk(dir) {
        let text = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&text).contains(CANARY),
            "{}",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else if p.file_name().is_some_and(|n| n != "config.toml") {
            files.push(p);
        }
    }
    files
}

#[tokio::test]
async fn both_ends_rotate_in_order_and_the_carrier_accepts_only_the_new_pair() {
    let (sb, dir, cfg) = set_up().await;
    let list = list_sid(&cfg).await;
    assert!(
        sb.credential_list_usernames(&list)
            .contains(&"vx-01".to_string())
    );
    let before = requests(&sb).await.len();
    let rotated = rotate(&cfg, &[]).await;
    assert_said(&rotated, 0, "rotated at both ends");
    assert!(
        said(&rotated).contains("the carrier accepted it"),
        "{}",
        said(&rotated)
    );
    let users = sb.credential_list_usernames(&list);
    assert!(users.contains(&"vx-01-r2".to_string()), "{users:?}");
    assert!(
        !users.contains(&"vx-01".to_string()),
        "the old one is gone: {users:?}"
    );
    // Create at Twilio → the platform's update → delete at Twilio, in that order.
    let changes: Vec<(String, String)> = requests(&sb).await[before..]
        .iter()
        .filter(|(m, _, _)| m != "GET")
        .map(|(m, p, _)| (m.clone(), p.clone()))
        .collect();
    let at = |what: &dyn Fn(&(String, String)) -> bool| {
        changes
            .iter()
            .position(what)
            .unwrap_or_else(|| panic!("{changes:?}"))
    };
    let create = at(&|(m, p)| m == "POST" && p.ends_with("/Credentials.json"));
    let update = at(&|(m, p)| m != "POST" && p.starts_with("/api/v1/sip"));
    let delete = at(&|(m, _)| m == "DELETE");
    assert!(create < update && update < delete, "{changes:?}");
    // The probe with the platform's pair (now the new one) is accepted.
    let probe = run(&cfg, &["sip", "probe", TRUNK, "--register"], "").await;
    assert_eq!(probe.code, 0, "{}", said(&probe));
    assert_eq!(
        steps(dir.path()),
        [
            "carrier.create Sent",
            "carrier.create Ok",
            "carrier.platform_update Sent",
            "carrier.platform_update Ok",
            "carrier.check Ok",
            "carrier.delete Sent",
            "carrier.delete Ok",
        ]
    );
    let status = run(&cfg, &["rotate", "status", "-o", "json"], "").await;
    assert_eq!(status.stdout.trim(), "[]", "finished");
    assert_no_canary(dir.path(), &[&rotated, &probe, &status]);
}

#[tokio::test]
async fn twilio_refusing_the_new_credential_changes_nothing() {
    let (sb, dir, cfg) = set_up().await;
    let list = list_sid(&cfg).await;
    twilio_refuses(&sb, "POST").await;
    let r = rotate(&cfg, &[]).await;
    assert_said(&r, 9, "nothing changed");
    assert_eq!(listed(&sb, &list), (true, false), "only the old pair");
    let status = run(&cfg, &["rotate", "status", "-o", "json"], "").await;
    assert_eq!(status.stdout.trim(), "[]", "nothing to finish");
    assert_no_canary(dir.path(), &[&r]);
}

#[tokio::test]
async fn the_platform_refusing_the_new_pair_deletes_the_new_credential_again() {
    let (sb, _dir, cfg) = set_up().await;
    let list = list_sid(&cfg).await;
    platform_update_fault(&sb, serde_json::json!({"kind": "refused"})).await;
    let r = rotate(&cfg, &[]).await;
    assert_said(&r, 9, "deleted again");
    assert!(said(&r).contains("nothing changed"), "{}", said(&r));
    assert_eq!(listed(&sb, &list), (true, false), "only the old pair");
    let probe = run(&cfg, &["sip", "probe", TRUNK, "--register"], "").await;
    assert_eq!(probe.code, 0, "the old pair still works: {}", said(&probe));
}

#[tokio::test]
async fn no_answer_from_the_platform_leaves_both_pairs_working_and_a_second_run_finishes() {
    let (sb, dir, cfg) = set_up().await;
    let list = list_sid(&cfg).await;
    platform_update_fault(&sb, serde_json::json!({"kind": "drop", "count": 5})).await;
    let r = rotate(&cfg, &[]).await;
    assert_said(&r, 9, "works with either pair");
    // The command that finishes it names the profile: the default may be another.
    assert_said(
        &r,
        9,
        &format!("finish with `telcreds -p sandbox-dasha sip rotate {TRUNK} --carrier`"),
    );
    assert_eq!(listed(&sb, &list), (true, true), "both pairs work");
    // rotate status knows it, and the platform's pair is unknown.
    let status = run(&cfg, &["rotate", "status", "-o", "json"], "").await;
    let runs: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(runs[0]["kind"], "sip_carrier", "{runs}");
    assert_eq!(runs[0]["targets"][0]["holds"], "unknown", "{runs}");
    let doctor = run(&cfg, &["doctor", "-o", "json"], "").await;
    assert!(
        doctor.stdout.contains("unfinished rotation at both ends"),
        "{}",
        doctor.stdout
    );
    // Faults spent: the same command finishes it with a fresh password on the new
    // credential (the first one was lost with the run).
    clear_faults(&sb).await;
    let again = rotate(&cfg, &[]).await;
    assert_said(&again, 0, "set a new password on the new credential");
    assert_eq!(listed(&sb, &list), (false, true), "only the new pair");
    let status = run(&cfg, &["rotate", "status", "-o", "json"], "").await;
    assert_eq!(status.stdout.trim(), "[]");
    assert_no_canary(dir.path(), &[&r, &again, &status, &doctor]);
}

#[tokio::test]
async fn a_failed_delete_at_twilio_keeps_the_old_credential_and_a_second_run_deletes_it() {
    let (sb, _dir, cfg) = set_up().await;
    let list = list_sid(&cfg).await;
    twilio_refuses(&sb, "DELETE").await;
    let r = rotate(&cfg, &[]).await;
    assert_said(&r, 9, "still in the carrier's list");
    assert_eq!(listed(&sb, &list), (true, true), "both pairs work");
    let again = rotate(&cfg, &[]).await;
    assert_eq!(again.code, 0, "{}", said(&again));
    assert!(
        !sb.credential_list_usernames(&list)
            .contains(&"vx-01".to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_while_the_platform_update_is_in_flight_is_finished_by_the_next() {
    let (sb, dir, cfg) = set_up().await;
    let list = list_sid(&cfg).await;
    platform_update_fault(&sb, serde_json::json!({"kind": "slow", "delay_ms": 60000})).await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_telcreds"))
        .arg("--config")
        .arg(&cfg)
        .args([
            "-p",
            "sandbox-dasha",
            "sip",
            "rotate",
            TRUNK,
            "--carrier",
            "--yes",
        ])
        .env("TELCREDS_DATA_DIR", dir.path().join("data"))
        .env("TELCREDS_STATE_DIR", dir.path().join("state"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let journal = Journal::open(dir.path().join("data/journal.jsonl"));
    crate::mint::wait_for_journal(&journal, |e| {
        e.iter()
            .any(|e| e.action == Action::CarrierPlatformUpdate && e.outcome == Outcome::Sent)
    })
    .await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let status = run(&cfg, &["rotate", "status"], "").await;
    assert!(status.stdout.contains("NOT finished"), "{}", said(&status));
    assert!(status.stdout.contains("no answer"), "{}", said(&status));
    assert_eq!(listed(&sb, &list), (true, true), "both pairs work");
    clear_faults(&sb).await;
    let again = rotate(&cfg, &[]).await;
    assert_eq!(again.code, 0, "{}", said(&again));
    let users = sb.credential_list_usernames(&list);
    assert!(!users.contains(&"vx-01".to_string()), "{users:?}");
    let probe = run(&cfg, &["sip", "probe", TRUNK, "--register"], "").await;
    assert_eq!(probe.code, 0, "{}", said(&probe));
}

#[tokio::test]
async fn a_credential_with_no_carrier_end_is_not_rotated_at_both_ends() {
    let (_sb, _dir, cfg) = set_up().await;
    let other = "c2000000-0000-4000-8000-000000000001";
    let r = run(
        &cfg,
        &[
            "sip",
            "rotate",
            other,
            "--carrier",
            "--yes",
            "--generate-password",
        ],
        "",
    )
    .await;
    assert_said(&r, 8, "nothing was changed");
}

#[tokio::test]
async fn in_place_keeps_the_username_and_says_calls_fail_when_the_platform_refuses() {
    let (sb, dir, cfg) = set_up().await;
    let list = list_sid(&cfg).await;
    let r = rotate(&cfg, &["--in-place"]).await;
    assert_said(&r, 0, "rotated at both ends");
    assert_eq!(listed(&sb, &list), (true, false), "the same username");
    let probe = run(&cfg, &["sip", "probe", TRUNK, "--register"], "").await;
    assert_eq!(probe.code, 0, "{}", said(&probe));
    assert_eq!(
        steps(dir.path()),
        [
            "carrier.password Sent",
            "carrier.password Ok",
            "carrier.platform_update Sent",
            "carrier.platform_update Ok",
            "carrier.check Ok",
        ]
    );
    // The platform refuses: the carrier has the new password, the platform the old.
    platform_update_fault(&sb, serde_json::json!({"kind": "refused"})).await;
    let broken = rotate(&cfg, &["--in-place"]).await;
    assert_said(&broken, 9, "calls may FAIL");
    let status = run(&cfg, &["rotate", "status"], "").await;
    assert!(status.stdout.contains("--in-place"), "{}", said(&status));
    assert_no_canary(dir.path(), &[&r, &broken, &status]);
}

#[tokio::test]
async fn a_carrier_refusing_the_new_pair_gets_the_old_pair_back_on_the_platform() {
    let (sb, dir, cfg) = set_up().await;
    let list = list_sid(&cfg).await;
    // The carrier does not accept the new pair yet: the check's REGISTER is refused.
    sb.refuse_next_registers(1);
    let r = rotate(&cfg, &[]).await;
    assert_said(&r, 9, "the old pair is back on the platform");
    assert!(said(&r).contains("nothing changed"), "{}", said(&r));
    assert_eq!(
        listed(&sb, &list),
        (true, false),
        "the new credential deleted"
    );
    // The platform holds the old pair again: the carrier accepts it.
    let probe = run(&cfg, &["sip", "probe", TRUNK, "--register"], "").await;
    assert_eq!(probe.code, 0, "{}", said(&probe));
    let status = run(&cfg, &["rotate", "status", "-o", "json"], "").await;
    assert_eq!(status.stdout.trim(), "[]", "nothing to finish");
    assert_no_canary(dir.path(), &[&r, &probe, &status]);
}

/// A rotation at both ends killed on the command line while the platform's update
/// was in flight, finished in the UI: `r`, `b` there reads the journal and both
/// ends, and ends the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_on_the_command_line_is_finished_in_the_ui() {
    use crate::tui_harness::Harness;
    use crossterm::event::KeyCode;
    use telcreds::tui::app::Overlay;
    let mut h = Harness::start(Seed::Demo, std::time::Duration::ZERO, |_| {}).await;
    let data = h.data.path().to_path_buf();
    // The command line on the UI's sandbox and data, its Dasha profile named alike.
    let cfg = data.join("config.toml");
    let text = h
        .sandbox
        .print_config()
        .replace("[profiles.sandbox-dasha]", "[profiles.demo-dasha]");
    std::fs::write(&cfg, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    // The command line with the UI's data directory.
    let command = |args: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_telcreds"));
        c.arg("--config")
            .arg(&cfg)
            .args(args)
            .env("TELCREDS_DATA_DIR", &data)
            .env("TELCREDS_STATE_DIR", data.join("state"))
            .stdin(std::process::Stdio::null());
        c
    };
    let cli = |args: &[&str]| command(args).output().unwrap();
    let show = cli(&["-p", "demo-dasha", "-o", "json", "sip", "show", TRUNK]);
    let show: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    let list = show["carrier"]["credential_list_sid"]
        .as_str()
        .unwrap()
        .to_string();
    platform_update_fault(
        &h.sandbox,
        serde_json::json!({"kind": "slow", "delay_ms": 60000}),
    )
    .await;
    let mut child = command(&[
        "-p",
        "demo-dasha",
        "sip",
        "rotate",
        TRUNK,
        "--carrier",
        "--yes",
    ])
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    let journal = Journal::open(data.join("journal.jsonl"));
    crate::mint::wait_for_journal(&journal, |e| {
        e.iter()
            .any(|e| e.action == Action::CarrierPlatformUpdate && e.outcome == Outcome::Sent)
    })
    .await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    clear_faults(&h.sandbox).await;
    assert_eq!(listed(&h.sandbox, &list), (true, true), "both pairs work");
    // Started again, the UI's header says from the start that it is not finished.
    h.restart(|_| {}).await;
    h.settle().await;
    // The journal is read beside the calls: wait for its answer, not for them.
    h.pump_until(|app| !app.rotation.unfinished_carrier.is_empty())
        .await;
    let header = h.header();
    assert!(
        header.contains(
            "⚠ rotation at both ends of Acme voice trunk (Twilio Elastic SIP) on demo-dasha \
             NOT finished: "
        ),
        "{header}"
    );

    h.press(KeyCode::Char('2'));
    h.settle().await;
    h.select_sip(TRUNK);
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Char('b'));
    h.settle().await;
    // The question says the run that did not finish is finished.
    let asked = h.screen(140, 30);
    assert!(
        asked.contains("finishing the rotation to vx-01-r2 that did not finish"),
        "{asked}"
    );
    h.press(KeyCode::Char('y'));
    h.settle().await;
    let Some(Overlay::Report { lines, .. }) = &h.app.overlay else {
        panic!("no report: {:?}", h.app.status.flash);
    };
    let said: Vec<String> = lines.iter().map(|l| l.shown()).collect();
    assert!(
        said.iter()
            .any(|l| l.contains("where the earlier run stopped")),
        "{said:#?}"
    );
    assert!(
        said.iter().any(|l| l.starts_with("✓ rotated at both ends")),
        "{said:#?}"
    );
    assert_eq!(
        listed(&h.sandbox, &list),
        (false, true),
        "only the new pair"
    );
    // Finished: the header no longer says otherwise.
    h.press(KeyCode::Esc);
    h.settle().await;
    h.pump_until(|app| app.rotation.unfinished_carrier.is_empty())
        .await;
    let header = h.header();
    assert!(!header.contains("NOT finished"), "{header}");
    let status = cli(&["rotate", "status", "-o", "json"]);
    assert_eq!(
        String::from_utf8_lossy(&status.stdout).trim(),
        "[]",
        "finished"
    );
}

#[tokio::test]
async fn a_probe_that_cannot_be_set_up_is_named_at_the_check() {
    use telcreds::ops::carrier::generate_carrier_password;
    use telcreds::ops::carrier_rotation::{CarrierRotation, plan_carrier_rotation};
    use telcreds::ops::{Ops, Prober, Stores};
    let (_sb, dir, cfg) = set_up().await;
    let config = telcreds::config::Config::load(&cfg).unwrap();
    let profile = config.profile("sandbox-dasha").unwrap();
    let http = crate::support::http();
    let ops = Ops::connect(profile, http.clone(), Stores::in_dir(dir.path())).unwrap();
    let planned = plan_carrier_rotation(&ops, &config.twilio_accounts, &http, TRUNK, false)
        .await
        .unwrap();
    // A CA file that is not there: no probe can be set up on this machine.
    let prober = Prober::new(
        Some(dir.path().join("missing-ca.pem")),
        std::time::Duration::from_secs(5),
    );
    let report = CarrierRotation::new(&ops, planned, generate_carrier_password(), &prober)
        .run()
        .await;
    let said: Vec<String> = report.summary().into_iter().map(|l| l.text).collect();
    let check = said
        .iter()
        .find(|l| l.contains("check the new pair"))
        .unwrap_or_else(|| panic!("{said:#?}"));
    assert!(
        check.contains("no SIP probe could be set up here") && check.contains("missing-ca.pem"),
        "{check}"
    );
}

/// Twilio rate-limiting the trunk lookup is a transient failure (exit 7, try again),
/// not a refusal by telcreds (8): a script retries it.
#[tokio::test]
async fn a_carrier_end_that_could_not_be_read_keeps_twilios_exit_code() {
    let (sb, dir, cfg) = set_up().await;
    fault(
        &sb,
        serde_json::json!({"kind": "rate_limited", "count": 20, "method": "GET",
            "path_prefix": "/trunking/v1/Trunks"}),
    )
    .await;
    let r = rotate(&cfg, &[]).await;
    assert_said(
        &r,
        7,
        "could not read everything needed to find the carrier end",
    );
    assert_no_canary(dir.path(), &[&r]);
}

/// What the UI asked about is what runs: a plan that changed between the question
/// and the answer (here another rotation ran meanwhile) is refused, nothing sent.
#[tokio::test]
async fn a_confirmed_plan_that_changed_meanwhile_is_refused_and_nothing_is_sent() {
    use telcreds::ops::carrier::generate_carrier_password;
    use telcreds::ops::{Context, Error, Prober, Stores};
    let (sb, dir, cfg) = set_up().await;
    let config = telcreds::config::Config::load(&cfg).unwrap();
    let core = Context {
        http: crate::support::http(),
        stores: Stores::in_dir(dir.path()),
        profiles: config.profiles.clone(),
        twilio_accounts: config.twilio_accounts.clone(),
    };
    let ops = core
        .connect(config.profile("sandbox-dasha").unwrap())
        .unwrap();
    let shown = core
        .plan_carrier_rotation(&ops, TRUNK, false)
        .await
        .unwrap()
        .plan;
    assert_said(&rotate(&cfg, &[]).await, 0, "rotated at both ends");
    let before = requests(&sb).await.len();
    let answer = core
        .rotate_confirmed(
            &ops,
            &shown,
            generate_carrier_password(),
            &Prober::default(),
        )
        .await;
    let Err(Error::Refused(why)) = answer else {
        panic!("ran a plan that was not shown: {answer:?}");
    };
    assert!(why.contains("changed since it was shown"), "{why}");
    let sent = changes_since(&sb, before).await;
    assert!(sent.is_empty(), "{sent:?}");
}

/// Without a journal, a rotation at both ends is not started: nothing is sent.
#[tokio::test]
async fn a_rotation_at_both_ends_is_not_started_when_the_journal_cannot_be_read() {
    let (sb, dir, cfg) = set_up().await;
    std::fs::create_dir_all(dir.path().join("data").join("journal.jsonl")).unwrap();
    let before = requests(&sb).await.len();
    let r = rotate(&cfg, &[]).await;
    assert_said(&r, 8, "none is started without it");
    let sent = changes_since(&sb, before).await;
    assert!(sent.is_empty(), "{sent:?}");
}

//! On-call rotation of a Twilio token against the sandbox: the engine in process
//! (plan, apply, retry, events, journal, history) and `telcreds rotate twilio`.

use crate::cli::{Run, write_config};
use crate::support::*;
use std::path::Path;
use std::time::{Duration, Instant};
use telcreds::api::TwilioVerdict;
use telcreds::config::Profile;
use telcreds::domain::{NewProvider, Platform, VerificationStatus};
use telcreds::history::{History, Source};
use telcreds::journal::{Action, Journal, Outcome};
use telcreds::ops::rotation::{
    self, CheckedToken, Disposition, Plan, RotationEvent, Rotator, Stage, TargetOutcome,
};
use telcreds::sandbox::{Sandbox, SandboxOptions, Seed};
use telcreds::secret::Secret;

/// "Acme Production": Dasha providers 1, 2, 8 and Unpod configuration 101 use it.
const ACME: &str = "AC759b765966b5b7c9cdfaa58072348b24";

fn rotator(dir: &Path) -> Rotator {
    Rotator::new(
        Journal::open(dir.join("journal.jsonl")),
        History::open(dir.join("history")),
    )
}

/// Rolls the account's token as the Twilio console does and checks the new one.
async fn roll_and_check(sb: &Sandbox, sid: &str) -> CheckedToken {
    let token = Secret::new(sb.roll_twilio_token(sid).expect("demo account"));
    let verdict = rotation::check_token(&http(), &sb.twilio_base(), sid, &token)
        .await
        .unwrap();
    CheckedToken::from_verdict(sid, &token, &verdict).expect("Twilio accepts the new token")
}

fn profiles(sb: &Sandbox) -> Vec<Profile> {
    vec![
        profile(sb, "dasha", Platform::Dasha),
        profile(sb, "unpod", Platform::Unpod),
    ]
}

fn outcome_of<'a>(report: &'a rotation::Report, name: &str) -> &'a TargetOutcome {
    &report
        .results
        .iter()
        .find(|r| r.target.provider_name == name || r.target.provider_id == name)
        .unwrap_or_else(|| panic!("no target {name}"))
        .outcome
}

async fn dasha_status(sb: &Sandbox, id: &str) -> VerificationStatus {
    dasha(sb).verify_provider(id).await.unwrap().status
}

#[tokio::test]
async fn a_rotation_updates_every_platform_and_verifies_the_dasha_providers() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let checked = roll_and_check(&sb, ACME).await;
    let plan = rotation::plan(&profiles(&sb), &http(), ACME).await;
    let names: Vec<(&str, &str)> = plan
        .targets
        .iter()
        .map(|t| (t.profile.as_str(), t.provider_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("dasha", "acme-prod-us"),
            ("dasha", "acme-prod-dr"),
            ("dasha", "acme-onboarding"),
            ("unpod", "twilio AC75…8b24"),
        ]
    );
    assert!(plan.unreachable.is_empty());
    assert_eq!(plan.update_count(), 4);
    let dasha_ids: Vec<String> = plan.targets[..3]
        .iter()
        .map(|t| t.provider_id.clone())
        .collect();
    for id in &dasha_ids {
        assert_eq!(
            dasha_status(&sb, id).await,
            VerificationStatus::Failed,
            "the rolled token broke {id}"
        );
    }

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let report = rotator(dir.path())
        .with_events(tx)
        .apply(&plan, &checked)
        .await;
    for name in ["acme-prod-us", "acme-prod-dr", "acme-onboarding"] {
        assert_eq!(outcome_of(&report, name), &TargetOutcome::UpdatedVerified);
    }
    assert_eq!(outcome_of(&report, "101"), &TargetOutcome::Updated);
    assert!(report.is_complete() && report.warnings.is_empty());
    assert_eq!(report.old_token_holders().count(), 0);
    assert_eq!(report.updated_count(), 4);
    for id in &dasha_ids {
        assert_eq!(dasha_status(&sb, id).await, VerificationStatus::Verified);
    }

    // Progress: every target went updating → (verifying) → finished.
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    for i in 0..4 {
        let mine: Vec<&RotationEvent> = events
            .iter()
            .filter(|e| match e {
                RotationEvent::Updating { target }
                | RotationEvent::Verifying { target }
                | RotationEvent::Finished { target, .. } => *target == i,
            })
            .collect();
        assert!(
            matches!(mine[0], RotationEvent::Updating { .. }),
            "{mine:?}"
        );
        assert!(matches!(mine.last(), Some(RotationEvent::Finished { .. })));
        assert_eq!(mine.len(), if i < 3 { 3 } else { 2 }, "{mine:?}");
    }

    // Journal: the update and the verification of each target.
    let (entries, warnings) = Journal::open(dir.path().join("journal.jsonl")).read();
    assert!(warnings.is_empty());
    let count = |action| {
        entries
            .iter()
            .filter(|e| e.action == action && e.outcome == Outcome::Ok)
            .count()
    };
    assert_eq!(
        (count(Action::RotationUpdate), count(Action::RotationVerify)),
        (4, 3)
    );
    assert!(entries.iter().all(|e| e.profile.is_some()));

    // History: Twilio's check for every updated target, the platform's for Dasha.
    let history = History::open(dir.path().join("history"));
    let (records, _) = history.read("dasha", &dasha_ids[0]);
    let sources: Vec<Source> = records.iter().map(|r| r.source).collect();
    assert_eq!(sources, [Source::Twilio, Source::Platform]);
    assert_eq!(records[1].status, VerificationStatus::Verified);
    let (records, _) = history.read("unpod", "101");
    assert_eq!(records.len(), 1);
    assert_eq!(
        (records[0].source, &records[0].status),
        (Source::Twilio, &VerificationStatus::Verified)
    );
}

#[tokio::test]
async fn a_wrong_token_is_refused_by_twilio_and_nothing_changes() {
    let sb = sandbox(Seed::Demo).await;
    let wrong = Secret::new("0123456789abcdef0123456789abcdef");
    let verdict = rotation::check_token(&http(), &sb.twilio_base(), ACME, &wrong)
        .await
        .unwrap();
    assert!(
        matches!(&verdict, TwilioVerdict::Rejected { reason } if reason.contains("20003")),
        "{verdict:?}"
    );
    assert!(CheckedToken::from_verdict(ACME, &wrong, &verdict).is_none());

    // A malformed token never leaves the machine.
    let before = requests(&sb).await.len();
    let e = rotation::check_token(&http(), &sb.twilio_base(), ACME, &Secret::new("abc"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("auth_token"), "{e}");
    assert_eq!(requests(&sb).await.len(), before);

    // The command line stops at the check, journals it, and sends no PATCH.
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_rotation_config(&sb, dir.path());
    let run = rotate(&cfg, &["--yes"], wrong.expose()).await;
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert!(
        run.stderr.contains("Twilio rejected the new token")
            && run.stderr.contains("nothing was changed"),
        "{}",
        run.stderr
    );
    assert!(patches(&sb).await.is_empty());
    let (entries, _) = Journal::open(dir.path().join("data/journal.jsonl")).read();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        (entries[0].action, entries[0].outcome),
        (Action::RotationCheck, Outcome::Failed)
    );
}

#[tokio::test]
async fn a_failed_target_leaves_the_others_updated_and_a_retry_completes_it() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let checked = roll_and_check(&sb, ACME).await;
    let plan = rotation::plan(&profiles(&sb), &http(), ACME).await;
    fault(
        &sb,
        serde_json::json!({"kind": "server_error", "count": 1, "method": "PATCH", "path_prefix": "/api/v2/platform"}),
    )
    .await;
    let rotator = rotator(dir.path());
    let report = rotator.apply(&plan, &checked).await;
    let failed: Vec<&str> = report
        .failed()
        .map(|r| r.target.provider_id.as_str())
        .collect();
    assert_eq!(failed, ["101"], "exactly the Unpod target failed");
    match outcome_of(&report, "101") {
        TargetOutcome::Failed {
            stage: Stage::Update,
            error,
        } => assert!(error.to_string().contains("HTTP 500"), "{error}"),
        o => panic!("{o:?}"),
    }
    // A 500 is no clear answer: the update may have been applied, so the token is unknown.
    let unknown: Vec<&str> = report
        .unknown_token_holders()
        .map(|r| r.target.provider_id.as_str())
        .collect();
    assert_eq!(unknown, ["101"]);
    assert_eq!(report.old_token_holders().count(), 0);
    assert_eq!(report.updated_count(), 3);
    assert!(!report.is_complete());
    // The summary never says all is well above the target whose token is unknown.
    let summary: Vec<String> = report.summary().into_iter().map(|l| l.text).collect();
    assert!(
        !summary
            .iter()
            .any(|l| l.contains("no provider found is left")),
        "{summary:#?}"
    );
    assert!(
        summary.iter().any(|l| l.contains("UNKNOWN")),
        "{summary:#?}"
    );

    let patches_before = patches(&sb).await.len();
    let retried = rotator.retry(&plan, &report, &checked).await;
    assert!(retried.is_complete(), "{:?}", retried.results);
    assert_eq!(outcome_of(&retried, "101"), &TargetOutcome::Updated);
    assert_eq!(
        outcome_of(&retried, "acme-prod-us"),
        &TargetOutcome::UpdatedVerified
    );
    let new_patches = &patches(&sb).await[patches_before..];
    assert_eq!(
        new_patches.len(),
        1,
        "only the failed target: {new_patches:?}"
    );
    assert!(new_patches[0].0.ends_with("/101/"));

    // The journal tells the story: each update journaled as sent before it was, the
    // first with an unknown outcome (a 500), then the retried one.
    let (entries, _) = Journal::open(dir.path().join("journal.jsonl")).read();
    let unpod: Vec<Outcome> = entries
        .iter()
        .filter(|e| e.target.id == "101")
        .map(|e| e.outcome)
        .collect();
    assert_eq!(
        unpod,
        [Outcome::Sent, Outcome::Unknown, Outcome::Sent, Outcome::Ok]
    );
    let failed = entries
        .iter()
        .find(|e| e.outcome == Outcome::Unknown)
        .unwrap();
    assert!(failed.error.as_deref().unwrap().contains("HTTP 500"));
}

#[tokio::test]
async fn a_failed_verification_is_retried_without_updating_again() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let checked = roll_and_check(&sb, ACME).await;
    let plan = rotation::plan(&profiles(&sb)[..1], &http(), ACME).await;
    fault(
        &sb,
        serde_json::json!({"kind": "server_error", "count": 1, "method": "POST", "path_prefix": "/api/v1/providers"}),
    )
    .await;
    let rotator = rotator(dir.path()).with_concurrency(1);
    let report = rotator.apply(&plan, &checked).await;
    let failed: Vec<&TargetOutcome> = report.failed().map(|r| &r.outcome).collect();
    assert!(
        matches!(
            failed[..],
            [TargetOutcome::Failed {
                stage: Stage::Verify,
                ..
            }]
        ),
        "{failed:?}"
    );
    assert_eq!(
        report.old_token_holders().count(),
        0,
        "the token is in place"
    );
    let patches_before = patches(&sb).await.len();
    let retried = rotator.retry(&plan, &report, &checked).await;
    assert!(retried.is_complete());
    assert_eq!(patches(&sb).await.len(), patches_before, "no second update");
}

#[tokio::test]
async fn read_only_duplicate_and_unreachable_profiles_are_reported_not_dropped() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let mut ro_dasha = profile(&sb, "ro-dasha", Platform::Dasha);
    ro_dasha.readonly = true;
    let mut ro_unpod = profile(&sb, "ro-unpod", Platform::Unpod);
    ro_unpod.readonly = true;
    let mut broken = profile(&sb, "broken", Platform::Unpod);
    broken.org_handle = Some("wrong.example".into());
    let unpod = profile(&sb, "unpod", Platform::Unpod);
    let checked = roll_and_check(&sb, ACME).await;
    let plan = rotation::plan(&[ro_dasha, ro_unpod, unpod, broken], &http(), ACME).await;
    let ro = Disposition::Skipped {
        reason: "profile is read-only".into(),
    };
    let dispositions: Vec<(&str, &Disposition)> = plan
        .targets
        .iter()
        .map(|t| (t.profile.as_str(), &t.disposition))
        .collect();
    assert_eq!(
        dispositions,
        [
            ("ro-dasha", &ro),
            ("ro-dasha", &ro),
            ("ro-dasha", &ro),
            (
                "ro-unpod",
                &Disposition::Duplicate {
                    updated_through: "unpod".into()
                }
            ),
            ("unpod", &Disposition::Update),
        ]
    );
    assert_eq!(plan.unreachable.len(), 1);
    assert_eq!(plan.unreachable[0].profile, "broken");
    assert!(
        plan.unreachable[0].error.contains("wrong.example"),
        "{}",
        plan.unreachable[0].error
    );

    let report = rotator(dir.path()).apply(&plan, &checked).await;
    let old: Vec<&str> = report
        .old_token_holders()
        .map(|r| r.target.profile.as_str())
        .collect();
    assert_eq!(old, ["ro-dasha"; 3], "read-only targets keep the old token");
    assert!(
        matches!(outcome_of(&report, "acme-prod-us"), TargetOutcome::Skipped { reason } if reason == "profile is read-only")
    );
    assert!(!report.is_complete(), "a profile was not reached");
    assert!(
        patches(&sb)
            .await
            .iter()
            .all(|(p, _)| p.starts_with("/api/v2/platform")),
        "nothing sent to the read-only Dasha profile"
    );
    let (entries, _) = Journal::open(dir.path().join("journal.jsonl")).read();
    let skipped = entries
        .iter()
        .filter(|e| e.outcome == Outcome::Skipped)
        .count();
    let listed = entries
        .iter()
        .filter(|e| e.action == Action::RotationList && e.outcome == Outcome::Failed)
        .count();
    assert_eq!((skipped, listed), (4, 1));
}

/// [`write_config`], with every profile checking tokens against the sandbox's Twilio.
fn write_rotation_config(sb: &Sandbox, dir: &Path) -> std::path::PathBuf {
    let cfg = write_config(sb, dir);
    let mut doc: toml::Table = toml::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    if let Some(toml::Value::Table(profiles)) = doc.get_mut("profiles") {
        for (_, p) in profiles.iter_mut() {
            if let toml::Value::Table(p) = p {
                p.entry("twilio_api_base")
                    .or_insert_with(|| sb.twilio_base().into());
            }
        }
    }
    std::fs::write(&cfg, toml::to_string(&doc).unwrap()).unwrap();
    cfg
}

/// Runs `rotate twilio --account-sid ACME` with more args and the token on stdin.
async fn rotate(cfg: &Path, extra: &[&str], token: &str) -> Run {
    let mut args = vec!["rotate", "twilio", "--account-sid", ACME, "--token-stdin"];
    args.extend_from_slice(extra);
    telcreds_env(cfg, &args, &format!("{token}\n"), &[], false).await
}

#[tokio::test]
async fn the_command_line_rotates_reports_and_exits_by_outcome() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_rotation_config(&sb, dir.path());
    let token = sb.roll_twilio_token(ACME).unwrap();
    let two = ["--profiles", "sandbox-dasha,sandbox-unpod"];

    // A dry run checks and plans, and changes nothing.
    let dry = rotate(&cfg, &[&two[..], &["--dry-run"]].concat(), &token).await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("dry run: nothing changes"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("acme-prod-dr"), "{}", dry.stdout);
    assert!(patches(&sb).await.is_empty());

    // Without --yes and without a terminal: refused, after the plan, nothing sent.
    let refused = telcreds_env(
        &cfg,
        &[
            "rotate",
            "twilio",
            "--account-sid",
            ACME,
            "--token-stdin",
            "--profiles",
            "sandbox-dasha",
        ],
        &token,
        &[],
        true,
    )
    .await;
    assert_eq!(refused.code, 8, "{}", refused.stderr);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(patches(&sb).await.is_empty());

    // A fault on Unpod: the others are updated, exit 9 names whose token is unknown.
    fault(
        &sb,
        serde_json::json!({"kind": "server_error", "count": 1, "method": "PATCH", "path_prefix": "/api/v2/platform"}),
    )
    .await;
    let partial = rotate(&cfg, &[&two[..], &["--yes"]].concat(), &token).await;
    assert_eq!(partial.code, 9, "{}", partial.stderr);
    let old = partial
        .stdout
        .split("token UNKNOWN (retry):")
        .nth(1)
        .unwrap_or_else(|| panic!("{}", partial.stdout));
    assert!(
        old.contains("sandbox-unpod") && old.contains("twilio AC75…8b24"),
        "{old}"
    );
    assert!(!old.contains("acme-prod-us"), "{old}");
    assert!(
        partial.stdout.starts_with("Twilio accepted"),
        "{}",
        partial.stdout
    );
    assert!(partial.stdout.contains("PROFILE"), "{}", partial.stdout);

    // Again, as JSON: complete.
    let done = rotate(&cfg, &[&two[..], &["--yes", "-o", "json"]].concat(), &token).await;
    assert_eq!(done.code, 0, "{}", done.stderr);
    let v: serde_json::Value = serde_json::from_str(&done.stdout).unwrap();
    assert_eq!(v["complete"], true);
    assert_eq!(v["updated"], 4);
    assert_eq!(v["results"][0]["outcome"]["result"], "updated_verified");
    assert_eq!(v["results"][3]["outcome"]["result"], "updated");
    assert_eq!(v["still_on_old_token"], serde_json::json!([]));

    // Every profile: the read-only one is the same account (a duplicate), and the
    // profile with the wrong organisation is reported as not reached.
    let all = rotate(&cfg, &["--yes", "-o", "json"], &token).await;
    assert_eq!(all.code, 9, "{}", all.stderr);
    let v: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    assert_eq!(v["unreachable"][0]["profile"], "wrong-org");
    let dup = &v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["profile"] == "readonly-dasha")
        .unwrap()["disposition"];
    assert_eq!(dup["updated_through"], "sandbox-dasha");
}

#[tokio::test]
async fn the_new_token_never_leaks_from_a_rotation() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_rotation_config(&sb, dir.path());
    let token = sb.roll_twilio_token(ACME).unwrap();
    let wrong = "cafe0000cafe0000cafe0000cafe0000";
    let mut runs = Vec::new();
    for extra in [
        &["--dry-run"][..],
        &["--yes"],
        &["--yes", "-o", "json"],
        &["--yes", "--dry-run", "-o", "json"],
    ] {
        runs.push(rotate(&cfg, extra, &token).await);
    }
    fault(
        &sb,
        serde_json::json!({"kind": "server_error", "count": 1, "method": "PATCH", "path_prefix": "/api/v2/platform"}),
    )
    .await;
    runs.push(rotate(&cfg, &["--yes", "-o", "json"], &token).await);
    runs.push(rotate(&cfg, &["--yes"], wrong).await);
    assert!(runs.iter().all(|r| r.code != 0 || r.stdout.contains(ACME)));
    for run in &runs {
        for canary in [token.as_str(), wrong] {
            assert!(
                !run.stdout.contains(canary),
                "stdout leaks:\n{}",
                run.stdout
            );
            assert!(
                !run.stderr.contains(canary),
                "stderr leaks:\n{}",
                run.stderr
            );
        }
    }
    let mut files = vec![
        dir.path().join("data/journal.jsonl"),
        dir.path().join("state/telcreds.log"),
    ];
    let history = dir.path().join("data/history");
    for profile in std::fs::read_dir(&history).unwrap() {
        for f in std::fs::read_dir(profile.unwrap().path()).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    assert!(files.len() > 4, "history was written: {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.is_empty(), "{} is empty", f.display());
        for canary in [token.as_str(), wrong] {
            assert!(!text.contains(canary), "{} leaks the token", f.display());
        }
    }
    // Positive control: the sandbox command prints a rolled token, so the search works.
    let rolled = telcreds_env(
        &cfg,
        &[
            "sandbox",
            "roll-token",
            "--account-sid",
            ACME,
            "--url",
            &sb.origin(),
            "-o",
            "json",
            "--show-secrets",
        ],
        "",
        &[],
        false,
    )
    .await;
    assert_eq!(rolled.code, 0, "{}", rolled.stderr);
    let now = current_token(&sb, ACME);
    assert!(rolled.stdout.contains(now.expose()), "{}", rolled.stdout);
}

/// An empty sandbox answering after 50 ms, with 10 Dasha providers on one account
/// (its SID): the setting of the timing figures.
pub async fn ten_targets_at_50ms() -> (Sandbox, String) {
    let sb = Sandbox::start(SandboxOptions {
        seed: Seed::Empty,
        latency: Duration::from_millis(50),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let sid = providers_on_one_account(&sb, 10).await;
    (sb, sid)
}

/// Creates `n` Dasha providers on one account of an empty sandbox.
async fn providers_on_one_account(sb: &Sandbox, n: usize) -> String {
    let sid = sb.twilio_accounts()[0].sid.clone();
    let token = current_token(sb, &sid);
    let c = dasha(sb);
    let creates = (0..n).map(|i| {
        let new = NewProvider {
            name: Some(format!("timing-{i:02}")),
            provider: "twilio".into(),
            account_sid: sid.clone(),
            auth_token: token.clone(),
            region: None,
            supports_call_transfer: None,
        };
        let c = c.clone();
        async move { c.create_twilio_provider(&new).await.unwrap() }
    });
    futures_util::future::join_all(creates).await;
    sid
}

async fn time_apply(plan: &Plan, token: &CheckedToken, dir: &Path, concurrency: usize) -> Duration {
    let rotator = rotator(dir).with_concurrency(concurrency);
    let started = Instant::now();
    let report = rotator.apply(plan, token).await;
    let took = started.elapsed();
    assert!(report.is_complete(), "{:?}", report.results);
    assert_eq!(report.results.len(), 10);
    took
}

/// The timing figure: confirming a rotation of 10 targets to the full result, at
/// 50 ms platform latency, bounded-concurrent (8) against one at a time.
#[tokio::test]
async fn ten_targets_at_50ms_latency_rotate_concurrently() {
    let (sb, sid) = ten_targets_at_50ms().await;
    let dir = tempfile::tempdir().unwrap();
    let checked = roll_and_check(&sb, &sid).await;
    let plan = rotation::plan(&[profile(&sb, "dasha", Platform::Dasha)], &http(), &sid).await;
    assert_eq!(plan.update_count(), 10);
    let one_by_one = time_apply(&plan, &checked, dir.path(), 1).await;
    let concurrent = time_apply(&plan, &checked, dir.path(), rotation::DEFAULT_CONCURRENCY).await;
    eprintln!(
        "rotation of 10 targets at 50 ms latency: {} ms concurrently (8), {} ms one by one",
        concurrent.as_millis(),
        one_by_one.as_millis()
    );
    // Each target is an update and a verification: at least 100 ms each in sequence.
    assert!(one_by_one >= Duration::from_millis(1000), "{one_by_one:?}");
    assert!(
        concurrent * 2 < one_by_one,
        "{concurrent:?} vs {one_by_one:?}"
    );
}

#[tokio::test]
async fn a_read_only_target_is_counted_the_same_everywhere_and_dry_run_json_has_one_account_sid() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_rotation_config(&sb, dir.path());
    let token = sb.roll_twilio_token(ACME).unwrap();
    // Unpod is updated; the read-only Dasha profile's providers keep the old token.
    let profiles = ["--profiles", "readonly-dasha,sandbox-unpod"];
    let dry = rotate(
        &cfg,
        &[&profiles[..], &["--dry-run", "-o", "json"]].concat(),
        &token,
    )
    .await;
    assert_eq!(
        dry.stdout.matches("\"account_sid\"").count(),
        1,
        "one account_sid: {}",
        dry.stdout
    );
    let run = rotate(&cfg, &[&profiles[..], &["--yes"]].concat(), &token).await;
    assert_eq!(run.code, 9, "{}", run.stderr);
    assert!(
        run.stderr.contains("rotation incomplete:")
            && run
                .stderr
                .contains("on read-only profiles still on the old token")
            && !run.stderr.contains("0 provider(s) failed"),
        "the reason agrees with the report: {}",
        run.stderr
    );
    assert!(
        run.stdout.contains("still on the OLD token (")
            && run.stdout.contains("on read-only profiles)"),
        "{}",
        run.stdout
    );
}

/// The run in process: it takes only the decisions its stage offers (one it does
/// not take sends nothing), parks before the promotion while a read-only target
/// holds the old token, and is aborted from there.
#[tokio::test]
async fn a_run_takes_only_the_decisions_its_stage_offers() {
    use std::sync::Arc;
    use telcreds::ops::rotation::{
        Decision, MintSetup, NotOffered, RotationRun, RunContext, RunKind, RunStage,
    };
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let mut profiles = profiles(&sb);
    profiles[1].readonly = true;
    let journal = Journal::open(dir.path().join("journal.jsonl"));
    let current = current_token(&sb, ACME);
    let checked = rotation::check_everywhere(&http(), &profiles, ACME, &current, &journal)
        .await
        .result;
    let checked = Arc::new(checked.expect("the current token passes"));
    let plan = Arc::new(rotation::plan(&profiles, &http(), ACME).await);
    let ctx = RunContext {
        http: http(),
        journal: journal.clone(),
        history: History::open(dir.path().join("history")),
        profiles,
        concurrency: 4,
        halt: Default::default(),
    };
    let setup = Arc::new(MintSetup {
        accounts_base: sb.origin(),
        store_cmd: None,
    });
    let mut run = RotationRun::new(7, ctx, RunKind::Mint(setup), plan, checked);
    for refused in [
        Decision::Retry,
        Decision::Abort,
        Decision::Promote { force: true },
    ] {
        assert_eq!(
            run.advance(refused).await.result.unwrap_err(),
            NotOffered(refused)
        );
    }
    assert!(requests(&sb).await.iter().all(|(m, _, _)| m == "GET"));
    assert!(sb.secondary_token(ACME).is_none(), "nothing minted");

    run.advance(Decision::Start).await.result.unwrap();
    let RunStage::Blocked { left } = run.stage() else {
        panic!("{:?}", run.stage());
    };
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].contains("read-only"), "{left:?}");
    assert!(sb.secondary_token(ACME).is_some(), "both tokens work");
    // Only forced: a target holds the old token.
    assert!(!run.offers(Decision::Promote { force: false }));
    assert!(run.offers(Decision::Promote { force: true }));
    assert!(!run.offers(Decision::Retry), "nothing failed");
    assert!(
        run.summary()
            .iter()
            .any(|l| l.text.contains("NOT promoted"))
    );

    run.advance(Decision::Abort).await.result.unwrap();
    let RunStage::Aborted(abort) = run.stage() else {
        panic!("{:?}", run.stage());
    };
    assert!(abort.is_clean(), "{:?}", abort.summary());
    assert!(sb.secondary_token(ACME).is_none(), "deleted");
    assert!(!run.offers(Decision::Abort), "aborted once");
    let (entries, _) = journal.read();
    assert!(rotation::unfinished_run(&entries, ACME).is_none());
}

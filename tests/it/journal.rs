//! The audit journal and the verification history, written by the command line.

use crate::cli::{Run, telcreds, write_config};
use crate::support::*;
use std::io::Write;
use std::path::Path;
use telcreds::domain::VerificationStatus;
use telcreds::history::{History, Source, transitions};
use telcreds::journal::{Action, Journal, JournalEntry, Outcome, TargetKind};
use telcreds::sandbox::Seed;

fn json_id(run: &Run) -> String {
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    v["id"].as_str().unwrap().to_string()
}

fn journal(dir: &Path) -> Vec<JournalEntry> {
    let (entries, warnings) = Journal::open(dir.join("data/journal.jsonl")).read();
    assert!(warnings.is_empty(), "{warnings:?}");
    entries
}

#[tokio::test]
async fn every_mutation_is_journaled_with_its_outcome() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let acme = sb.twilio_accounts()[0].clone();
    let d = ["-p", "sandbox-dasha", "-o", "json"];
    let token = format!("{}\n", acme.auth_token);

    let provider = json_id(
        &telcreds(
            &cfg,
            &[
                &d[..],
                &[
                    "providers",
                    "create",
                    "--allow-duplicate",
                    "--name",
                    "j1",
                    "--account-sid",
                    &acme.sid,
                    "--token-stdin",
                ],
            ]
            .concat(),
            &token,
        )
        .await,
    );
    let updated = telcreds(
        &cfg,
        &[&d[..], &["providers", "update", &provider, "--name", "j2"]].concat(),
        "",
    )
    .await;
    assert_eq!(updated.code, 0, "{}", updated.stderr);
    let rejected = telcreds(
        &cfg,
        &[
            &d[..],
            &["providers", "rotate-token", &provider, "--token-stdin"],
        ]
        .concat(),
        "0123456789abcdef0123456789abcdef\n",
    )
    .await;
    assert_eq!(rejected.code, 6, "{}", rejected.stderr);
    let rotated = telcreds(
        &cfg,
        &[
            &d[..],
            &["providers", "rotate-token", &provider, "--token-stdin"],
        ]
        .concat(),
        &token,
    )
    .await;
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);
    let deleted = telcreds(
        &cfg,
        &[&d[..], &["providers", "delete", &provider, "--yes"]].concat(),
        "",
    )
    .await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);

    let sip = json_id(
        &telcreds(
            &cfg,
            &[
                &d[..],
                &[
                    "sip",
                    "create",
                    "--server",
                    "j.example",
                    "--generate-password",
                ],
            ]
            .concat(),
            "",
        )
        .await,
    );
    for args in [
        vec!["sip", "update", &sip, "--description", "journaled"],
        vec!["sip", "rotate", &sip, "--generate-password"],
        vec!["sip", "delete", &sip, "--yes"],
    ] {
        let r = telcreds(&cfg, &[&d[..], &args].concat(), "").await;
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }

    let entries = journal(dir.path());
    let seen: Vec<(Action, Outcome)> = entries.iter().map(|e| (e.action, e.outcome)).collect();
    use Action::*;
    assert_eq!(
        seen,
        [
            (ProviderCreate, Outcome::Ok),
            (ProviderUpdate, Outcome::Ok),
            (ProviderRotateToken, Outcome::Failed),
            (ProviderRotateToken, Outcome::Ok),
            (ProviderDelete, Outcome::Ok),
            (SipCreate, Outcome::Ok),
            (SipUpdate, Outcome::Ok),
            (SipRotate, Outcome::Ok),
            (SipDelete, Outcome::Ok),
        ]
    );
    assert!(
        entries
            .iter()
            .all(|e| e.profile.as_deref() == Some("sandbox-dasha"))
    );
    assert_eq!(entries[0].target.kind, TargetKind::Provider);
    assert_eq!(entries[0].target.id, provider);
    assert_eq!(entries[1].target.name.as_deref(), Some("j2"));
    let error = entries[2].error.as_deref().unwrap();
    assert!(
        error.contains("Twilio credentials rejected"),
        "the platform's reason: {error}"
    );
    assert_eq!(entries[5].target.kind, TargetKind::SipCredential);
    assert!(
        entries.windows(2).all(|w| w[0].time <= w[1].time),
        "newest last"
    );
}

#[tokio::test]
async fn an_unwritable_journal_is_reported_loudly_and_the_exit_code_kept() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    let env = [("TELCREDS_DATA_DIR", blocker.as_path())];
    let created = telcreds_env(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "sip",
            "create",
            "--server",
            "w.example",
            "--generate-password",
        ],
        "",
        &env,
        false,
    )
    .await;
    assert_eq!(created.code, 0, "the mutation happened: {}", created.stderr);
    let warning = format!(
        "warning: could not write the audit journal at {}",
        blocker.join("journal.jsonl").display()
    );
    assert!(
        created.stderr.lines().any(|l| l.starts_with(&warning)),
        "{}",
        created.stderr
    );
    // A rotation says the same, once per step it could not record.
    let token = sb.roll_twilio_token(&sb.twilio_accounts()[0].sid).unwrap();
    let sid = sb.twilio_accounts()[0].sid.clone();
    let rotated = telcreds_env(
        &cfg,
        &[
            "rotate",
            "twilio",
            "--account-sid",
            &sid,
            "--token-stdin",
            "--yes",
            "--profiles",
            "sandbox-unpod",
        ],
        &token,
        &env,
        false,
    )
    .await;
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);
    assert!(
        rotated.stderr.lines().any(|l| l.starts_with(&warning)),
        "{}",
        rotated.stderr
    );
    assert!(
        rotated
            .stderr
            .contains("warning: could not write the verification history at"),
        "{}",
        rotated.stderr
    );
}

#[tokio::test]
async fn a_corrupt_journal_line_is_skipped_with_a_warning() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let create = [
        "-p",
        "sandbox-dasha",
        "sip",
        "create",
        "--server",
        "c.example",
        "--generate-password",
    ];
    assert_eq!(telcreds(&cfg, &create, "").await.code, 0);
    let path = dir.path().join("data/journal.jsonl");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"{\"time\": \"half a line\n")
        .unwrap();
    assert_eq!(telcreds(&cfg, &create, "").await.code, 0);
    let (entries, warnings) = Journal::open(&path).read();
    assert_eq!(entries.len(), 2);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("line 2"), "{warnings:?}");
}

#[tokio::test]
async fn verifications_build_a_history_with_transitions() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let sid = "AC759b765966b5b7c9cdfaa58072348b24";
    let providers: serde_json::Value = serde_json::from_str(
        &telcreds(
            &cfg,
            &["-p", "sandbox-dasha", "-o", "json", "providers", "list"],
            "",
        )
        .await
        .stdout,
    )
    .unwrap();
    let id = providers
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "acme-prod-us")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let verify = ["-p", "sandbox-dasha", "providers", "verify", &id];
    assert_eq!(telcreds(&cfg, &verify, "").await.code, 0);
    let token = sb.roll_twilio_token(sid).unwrap();
    // The old token now fails verification: exit 11.
    assert_eq!(telcreds(&cfg, &verify, "").await.code, 11);
    let rotated = telcreds(
        &cfg,
        &[
            "rotate",
            "twilio",
            "--account-sid",
            sid,
            "--token-stdin",
            "--yes",
            "--profiles",
            "sandbox-dasha",
        ],
        &token,
    )
    .await;
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);

    let history = History::open(dir.path().join("data/history"));
    let (records, warnings) = history.read("sandbox-dasha", &id);
    assert!(warnings.is_empty());
    let seen: Vec<(Source, VerificationStatus)> = records
        .iter()
        .map(|r| (r.source, r.status.clone()))
        .collect();
    use VerificationStatus::*;
    assert_eq!(
        seen,
        [
            (Source::Platform, Verified),
            (Source::Platform, Failed),
            (Source::Twilio, Verified),
            (Source::Platform, Verified),
        ]
    );
    let failed = &records[1];
    assert!(
        failed
            .checks
            .iter()
            .any(|c| c.name == "credentials" && c.message.contains("20003")),
        "{:?}",
        failed.checks
    );
    let timeline: Vec<(VerificationStatus, VerificationStatus)> = transitions(&records)
        .into_iter()
        .map(|t| (t.from, t.to))
        .collect();
    assert_eq!(timeline, [(Verified, Failed), (Failed, Verified)]);

    // A corrupt line costs one record and a warning, never the rest.
    std::fs::OpenOptions::new()
        .append(true)
        .open(history.path_for("sandbox-dasha", &id))
        .unwrap()
        .write_all(b"not json\n")
        .unwrap();
    let (again, warnings) = history.read("sandbox-dasha", &id);
    assert_eq!((again.len(), warnings.len()), (4, 1), "{warnings:?}");
}

#[tokio::test]
async fn creating_on_unpod_checks_twilio_and_records_it() {
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let acme = sb.twilio_accounts()[0].clone();
    let id = json_id(
        &telcreds(
            &cfg,
            &[
                "-p",
                "sandbox-unpod",
                "-o",
                "json",
                "providers",
                "create",
                "--allow-duplicate",
                "--account-sid",
                &acme.sid,
                "--token-stdin",
            ],
            &acme.auth_token,
        )
        .await,
    );
    let history = History::open(dir.path().join("data/history"));
    let (records, _) = history.read("sandbox-unpod", &id);
    assert_eq!(records.len(), 1);
    assert_eq!(
        (records[0].source, &records[0].status),
        (Source::Twilio, &VerificationStatus::Verified)
    );

    // A pair Twilio refuses is not sent to Unpod at all, and the refusal is journaled.
    let other = sb.twilio_accounts()[1].clone();
    let refused = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-unpod",
            "providers",
            "create",
            "--allow-duplicate",
            "--account-sid",
            &other.sid,
            "--token-stdin",
        ],
        "0123456789abcdef0123456789abcdef",
    )
    .await;
    assert_eq!(refused.code, 6, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("Twilio rejected the credentials"),
        "{}",
        refused.stderr
    );
    let journal = std::fs::read_to_string(dir.path().join("data/journal.jsonl")).unwrap();
    assert!(
        journal
            .lines()
            .last()
            .unwrap()
            .contains(r#""outcome":"failed""#),
        "{journal}"
    );
}

/// A journal that cannot be read is not an empty one: `rotate status` cannot say
/// that no rotation is unfinished, and says why, exit 1; `doctor` names it too.
#[tokio::test]
async fn an_unreadable_journal_is_never_read_as_no_unfinished_rotation() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    // In its place, something that is not a file of the user's.
    std::fs::create_dir_all(dir.path().join("data").join("journal.jsonl")).unwrap();
    let status = telcreds(&cfg, &["rotate", "status"], "").await;
    assert_eq!(status.code, 1, "{}{}", status.stdout, status.stderr);
    assert!(
        status
            .stderr
            .contains("cannot tell which rotations did not finish"),
        "{}",
        status.stderr
    );
    assert!(
        !status.stdout.contains("no unfinished rotation"),
        "{}",
        status.stdout
    );
    let doctor = telcreds(&cfg, &["doctor", "-o", "json"], "").await;
    assert!(
        doctor
            .stdout
            .contains("the audit journal could not be read"),
        "{}",
        doctor.stdout
    );
}

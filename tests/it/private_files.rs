//! The files telcreds writes for itself (the log, the audit journal, the history)
//! and where they go: never through a symbolic link, never into a directory another
//! user controls, and never by changing the mode of a directory telcreds did not make.

use crate::cli::{Run, write_config};
use crate::support::{sandbox, telcreds_env};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use telcreds::sandbox::Seed;

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// All the permission bits (with setgid and sticky), in octal.
fn mode(path: &Path) -> String {
    let meta = std::fs::metadata(path).unwrap();
    format!("{:o}", meta.permissions().mode() & 0o7777)
}

/// `providers create … --token-stdin` on the sandbox's Dasha profile: a change that
/// is journaled (the token comes on stdin).
fn create_args(account_sid: &str) -> Vec<String> {
    [
        "-p",
        "sandbox-dasha",
        "providers",
        "create",
        "--name",
        "homeless",
        "--account-sid",
        account_sid,
        "--token-stdin",
    ]
    .map(String::from)
    .to_vec()
}

/// A one-profile config in `dir` (mode 0600) whose profile fails fast.
fn offline_config(dir: &Path) -> PathBuf {
    let path = dir.join("config.toml");
    let text = "[profiles.p]\nplatform = \"dasha\"\nbase_url = \"http://127.0.0.1:9/api/v1\"\ntoken = \"t\"\n";
    std::fs::write(&path, text).unwrap();
    set_mode(&path, 0o600);
    path
}

/// `profiles list` with the log in `state`.
async fn list_with_state(cfg: &Path, state: &Path) -> Run {
    let env = [("TELCREDS_STATE_DIR", state)];
    telcreds_env(cfg, &["profiles", "list"], "", &env, false).await
}

#[tokio::test]
async fn a_log_directory_telcreds_did_not_create_keeps_its_mode_and_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = offline_config(dir.path());

    // A team directory (setgid, group-writable), named directly.
    let team = dir.path().join("team");
    std::fs::create_dir(&team).unwrap();
    set_mode(&team, 0o2775);
    let out = list_with_state(&cfg, &team).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mode(&team), "2775", "the team directory keeps its mode");
    assert_eq!(mode(&team.join("telcreds.log")), "600");
    let shown = team.display().to_string();
    assert!(
        out.stderr.contains("warning:")
            && out.stderr.contains(&shown)
            && out.stderr.contains("writable by others"),
        "{}",
        out.stderr
    );

    // A state directory that is a link to a shared sticky directory.
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    set_mode(&shared, 0o1777);
    let state = dir.path().join("state-link");
    std::os::unix::fs::symlink(&shared, &state).unwrap();
    let out = list_with_state(&cfg, &state).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        mode(&shared),
        "1777",
        "the shared directory keeps its sticky bit"
    );
    assert!(out.stderr.contains("writable by others"), "{}", out.stderr);

    // One telcreds makes is private, and an existing private one brings no warning.
    let fresh = dir.path().join("a/b/telcreds");
    for _ in 0..2 {
        let out = list_with_state(&cfg, &fresh).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stderr.contains("warning"), "{}", out.stderr);
        assert_eq!(mode(&fresh), "700");
    }
}

#[tokio::test]
async fn the_log_is_never_written_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = offline_config(dir.path());
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    set_mode(&notes, 0o644);
    let nowhere = dir.path().join("nowhere");

    for (name, target) in [("linked", &notes), ("dangling", &nowhere)] {
        let state = dir.path().join(name);
        std::fs::create_dir(&state).unwrap();
        let log = state.join("telcreds.log");
        std::os::unix::fs::symlink(target, &log).unwrap();
        let out = list_with_state(&cfg, &state).await;
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let shown = log.display().to_string();
        assert!(
            out.stderr.contains(&shown) && out.stderr.contains("symbolic link"),
            "{name}: {}",
            out.stderr
        );
    }
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
    assert_eq!(mode(&notes), "644");
    assert!(!nowhere.exists(), "a dangling link's target is not created");
}

#[tokio::test]
async fn a_dated_log_that_is_a_link_is_not_rotated_into_and_is_warned_about() {
    use std::time::{Duration, SystemTime};
    let dir = tempfile::tempdir().unwrap();
    let cfg = offline_config(dir.path());
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    let state = dir.path().join("state");
    std::fs::create_dir(&state).unwrap();
    set_mode(&state, 0o700);
    let log = state.join("telcreds.log");
    std::fs::write(&log, "yesterday's line\n").unwrap();
    set_mode(&log, 0o600);
    let yesterday = SystemTime::now() - Duration::from_secs(86_400);
    let file = std::fs::File::options().append(true).open(&log).unwrap();
    file.set_modified(yesterday).unwrap();
    drop(file);
    let day = chrono::DateTime::<chrono::Utc>::from(yesterday).format("%Y-%m-%d");
    let dated = state.join(format!("telcreds.log.{day}"));
    std::os::unix::fs::symlink(&notes, &dated).unwrap();

    let out = list_with_state(&cfg, &state).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown = dated.display().to_string();
    assert!(
        out.stderr.contains("warning:")
            && out.stderr.contains(&shown)
            && out.stderr.contains("symbolic link"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
}

#[tokio::test]
async fn the_journal_is_never_written_through_a_symbolic_link() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let journal = data.join("journal.jsonl");
    std::os::unix::fs::symlink(&notes, &journal).unwrap();
    let acme = sb.twilio_accounts()[0].clone();
    let args = create_args(&acme.sid);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdin = format!("{}\n", acme.auth_token);

    let out = telcreds_env(&cfg, &args, &stdin, &[], false).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown = journal.display().to_string();
    assert!(
        out.stderr.contains("could not write the audit journal")
            && out.stderr.contains(&shown)
            && out.stderr.contains("symbolic link"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
}

//! The files telcreds writes for itself (the log, the audit journal, the history)
//! and where they go: never through a symbolic link, never into a directory another
//! user controls, and never by changing the mode of a directory telcreds did not make.

use crate::cli::{Run, write_config};
use crate::support::{requests, sandbox, telcreds_env};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use telcreds::sandbox::Seed;

/// A user id with no passwd entry: running as it, telcreds has no home directory.
const NO_HOME_UID: u32 = 48_813;

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// All the permission bits (with setgid and sticky), in octal.
fn mode(path: &Path) -> String {
    let meta = std::fs::metadata(path).unwrap();
    format!("{:o}", meta.permissions().mode() & 0o7777)
}

fn is_root() -> bool {
    telcreds::local_file::user_id() == 0
}

/// Runs `telcreds --config CONFIG ARGS…` as [`NO_HOME_UID`], with no `HOME` and no
/// telcreds directory set, and `tmp` as `TMPDIR`: where a container or a CI runner
/// without a home keeps telcreds' journal and log.
async fn run_without_home(tmp: &Path, config: &Path, args: Vec<String>, stdin: String) -> Run {
    use std::io::Write;
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_telcreds"));
    cmd.arg("--config")
        .arg(config)
        .args(args)
        .uid(NO_HOME_UID)
        .gid(NO_HOME_UID)
        .env("TMPDIR", tmp)
        .env("TELCREDS_LOG", "debug")
        .env_remove("HOME")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_STATE_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("TELCREDS_DATA_DIR")
        .env_remove("TELCREDS_STATE_DIR")
        .env_remove("TELCREDS_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        // A command refused before it reads stdin closes the pipe first.
        match input.write_all(stdin.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
        drop(input);
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        }
    })
    .await
    .unwrap()
}

/// `providers create … --token-stdin` on the sandbox's Dasha profile: a change that
/// is journaled (the token comes on stdin).
fn create_args(account_sid: &str) -> Vec<String> {
    [
        "-p",
        "sandbox-dasha",
        "providers",
        "create",
        "--allow-duplicate",
        "--name",
        "homeless",
        "--account-sid",
        account_sid,
        "--token-stdin",
    ]
    .map(String::from)
    .to_vec()
}

#[tokio::test]
async fn without_a_home_the_journal_and_log_go_to_a_private_per_user_directory() {
    use std::os::unix::fs::MetadataExt;
    if !is_root() {
        eprintln!("skipped: running as another user needs root");
        return;
    }
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o755);
    let cfg = write_config(&sb, dir.path());
    std::os::unix::fs::chown(&cfg, Some(NO_HOME_UID), Some(NO_HOME_UID)).unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    set_mode(&tmp, 0o1777);
    let acme = sb.twilio_accounts()[0].clone();
    let stdin = format!("{}\n", acme.auth_token);

    let out = run_without_home(&tmp, &cfg, create_args(&acme.sid), stdin).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let own = tmp.join(format!("telcreds-{NO_HOME_UID}"));
    let meta = std::fs::symlink_metadata(&own).unwrap();
    assert!(meta.is_dir());
    assert_eq!((meta.uid(), mode(&own)), (NO_HOME_UID, "700".into()));
    for file in ["journal.jsonl", "telcreds.log"] {
        let meta = std::fs::metadata(own.join(file)).unwrap();
        assert_eq!(
            (meta.uid(), meta.mode() & 0o777),
            (NO_HOME_UID, 0o600),
            "{file}"
        );
    }
    assert!(
        !tmp.join("telcreds").exists(),
        "no shared, fixed-name directory"
    );
}

#[tokio::test]
async fn without_a_home_a_directory_planted_under_the_users_name_is_refused() {
    if !is_root() {
        eprintln!("skipped: running as another user needs root");
        return;
    }
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o755);
    let cfg = write_config(&sb, dir.path());
    std::os::unix::fs::chown(&cfg, Some(NO_HOME_UID), Some(NO_HOME_UID)).unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    set_mode(&tmp, 0o1777);
    let own = tmp.join(format!("telcreds-{NO_HOME_UID}"));
    let acme = sb.twilio_accounts()[0].clone();
    let stdin = format!("{}\n", acme.auth_token);
    let planted = "{\"planted\":true}\n";

    // Made first by someone else (root here), or left open to everyone.
    for (owner, dir_mode, what) in [
        (0, 0o700, "owned by uid 0"),
        (NO_HOME_UID, 0o777, "mode 0777"),
    ] {
        let _ = std::fs::remove_dir_all(&own);
        std::fs::create_dir(&own).unwrap();
        let journal = own.join("journal.jsonl");
        std::fs::write(&journal, planted).unwrap();
        set_mode(&journal, 0o666);
        std::os::unix::fs::chown(&own, Some(owner), Some(owner)).unwrap();
        set_mode(&own, dir_mode);

        let out = run_without_home(&tmp, &cfg, create_args(&acme.sid), stdin.clone()).await;
        assert_ne!(out.code, 0, "{what}: {}", out.stderr);
        let shown = own.display().to_string();
        for needle in [shown.as_str(), what, "TELCREDS_DATA_DIR"] {
            assert!(out.stderr.contains(needle), "{needle:?} in: {}", out.stderr);
        }
        assert_eq!(std::fs::read_to_string(&journal).unwrap(), planted);
        assert!(!own.join("telcreds.log").exists(), "{what}: no log there");
        assert_eq!(
            mode(&own),
            format!("{dir_mode:o}"),
            "{what}: left as it was"
        );
    }
    let posts = requests(&sb).await;
    assert!(
        !posts.iter().any(|(m, _, _)| m == "POST"),
        "nothing was changed: {posts:?}"
    );
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

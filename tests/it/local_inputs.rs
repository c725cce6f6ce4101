//! Local inputs of the real binary: the log file's permissions, size limits and
//! file kinds of the config and token files, and malformed tokens and headers.

use crate::cli::Run;
use crate::support::telcreds_env;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A one-profile Dasha config (mode 0600) whose profile `p` has `extra` lines.
fn config_with(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("config.toml");
    let text = format!(
        "[profiles.p]\nplatform = \"dasha\"\nbase_url = \"http://127.0.0.1:9/api/v1\"\n{extra}\n"
    );
    std::fs::write(&path, text).unwrap();
    set_mode(&path, 0o600);
    path
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The permission bits, in octal.
fn mode(path: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    format!(
        "{:o}",
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    )
}

async fn run(config: &Path, args: &[&str]) -> Run {
    telcreds_env(config, args, "", &[], false).await
}

#[tokio::test]
async fn the_log_file_is_private_and_an_old_one_is_tightened() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "token = \"t\"");
    let state = dir.path().join("state");
    let out = run(&cfg, &["profiles", "list"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let log = state.join("telcreds.log");
    assert_eq!(mode(&state), "700", "state directory");
    assert_eq!(mode(&log), "600", "log file");

    set_mode(&state, 0o755);
    set_mode(&log, 0o644);
    let out = run(&cfg, &["profiles", "list"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        mode(&state),
        "755",
        "an existing directory is left as it is"
    );
    assert_eq!(mode(&log), "600", "existing log file");
}

#[test]
fn the_log_is_rotated_daily_a_week_is_kept_and_every_file_is_private_whatever_the_umask() {
    use std::time::{Duration, SystemTime};
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "token = \"t\"");
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    set_mode(&state, 0o750);
    // Yesterday's log (UTC), wide open, and nine older rotated ones.
    let log = state.join("telcreds.log");
    std::fs::write(&log, "yesterday's line\n").unwrap();
    set_mode(&log, 0o666);
    let yesterday = SystemTime::now() - Duration::from_secs(86_400);
    let file = std::fs::File::options().append(true).open(&log).unwrap();
    file.set_modified(yesterday).unwrap();
    drop(file);
    let old: Vec<String> = (1..=9)
        .map(|d| format!("telcreds.log.2020-01-0{d}"))
        .collect();
    for name in &old {
        std::fs::write(state.join(name), "old\n").unwrap();
        set_mode(&state.join(name), 0o600);
    }

    // Under umask 000 a file created with the default mode would be 0666.
    let out = Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_telcreds"))
        .args(["--config", cfg.to_str().unwrap(), "providers", "list"])
        .env("TELCREDS_STATE_DIR", &state)
        .env("TELCREDS_DATA_DIR", dir.path().join("data"))
        .env("TELCREDS_LOG", "debug")
        .output()
        .unwrap();
    // Nothing listens on port 9: the run fails, and logs that it resolved the token.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");

    let day = chrono::DateTime::<chrono::Utc>::from(yesterday).format("%Y-%m-%d");
    let rotated = state.join(format!("telcreds.log.{day}"));
    assert_eq!(
        std::fs::read_to_string(&rotated).unwrap(),
        "yesterday's line\n"
    );
    let today = std::fs::read_to_string(&log).unwrap();
    assert!(
        !today.is_empty() && !today.contains("yesterday"),
        "{today:?}: {stderr}"
    );
    let mut names: Vec<String> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut kept: Vec<String> = old[3..].to_vec();
    kept.push(format!("telcreds.log.{day}"));
    kept.push("telcreds.log".into());
    kept.sort();
    assert_eq!(names, kept, "the newest seven rotated logs and today's");
    for name in &names {
        assert_eq!(mode(&state.join(name)), "600", "{name}");
    }
    assert_eq!(
        mode(&state),
        "750",
        "a directory telcreds did not make keeps its mode"
    );
}

/// Runs `telcreds --config CONFIG ARGS…` with state and data in `dir`, at most 1 GiB
/// of address space and 20 s: a defect that reads without limit or blocks fails the
/// test instead of eating the machine or hanging it.
fn run_bounded(dir: &Path, config: &Path, args: &[&str]) -> Run {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_telcreds"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("TELCREDS_STATE_DIR", dir.join("state"))
        .env("TELCREDS_DATA_DIR", dir.join("data"))
        .env_remove("TELCREDS_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("telcreds {args:?} with --config {config:?} did not finish in 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {path:?}");
}

/// Exit 2 and a message that names `path` and has `what` in it.
fn assert_refused(run: &Run, path: &Path, what: &str) {
    assert_eq!(run.code, 2, "{}", run.stderr);
    let shown = path.display().to_string();
    assert!(
        run.stderr.contains(&shown) && run.stderr.contains(what),
        "expected {shown:?} and {what:?} in: {}",
        run.stderr
    );
}

#[test]
fn a_config_that_is_not_a_small_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zero = Path::new("/dev/zero");
    let out = run_bounded(dir.path(), zero, &["profiles", "list"]);
    assert_refused(&out, zero, "not a regular file");

    let fifo = dir.path().join("config.fifo");
    mkfifo(&fifo);
    let out = run_bounded(dir.path(), &fifo, &["profiles", "list"]);
    assert_refused(&out, &fifo, "not a regular file");

    let big = dir.path().join("big.toml");
    let mut text = "# padding\n".repeat(500_000);
    text.push_str("[profiles.p]\n");
    std::fs::write(&big, text).unwrap();
    let out = run_bounded(dir.path(), &big, &["profiles", "list"]);
    assert_refused(&out, &big, "larger than the 4 MiB limit");
}

#[test]
fn a_token_file_that_is_not_a_small_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("token.fifo");
    mkfifo(&fifo);
    let big = dir.path().join("big.token");
    std::fs::write(&big, "x".repeat(17 * 1024)).unwrap();
    for (path, what) in [
        (Path::new("/dev/zero"), "not a regular file"),
        (fifo.as_path(), "not a regular file"),
        (big.as_path(), "larger than the 16 KiB limit"),
    ] {
        let cfg = config_with(dir.path(), &format!("token_file = \"{}\"", path.display()));
        let out = run_bounded(dir.path(), &cfg, &["providers", "list"]);
        assert_refused(&out, path, what);
        assert!(out.stderr.contains("profile \"p\""), "{}", out.stderr);
    }
}

#[test]
fn a_password_file_that_is_not_a_small_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "token = \"t\"");
    let fifo = dir.path().join("password.fifo");
    mkfifo(&fifo);
    let big = dir.path().join("big.password");
    std::fs::write(&big, "x".repeat(17 * 1024)).unwrap();
    for (path, what) in [
        (Path::new("/dev/zero"), "not a regular file"),
        (fifo.as_path(), "not a regular file"),
        (big.as_path(), "larger than the 16 KiB limit"),
    ] {
        let file = path.to_str().unwrap();
        let args = [
            "sip",
            "create",
            "--server",
            "a.example",
            "--password-file",
            file,
        ];
        let out = run_bounded(dir.path(), &cfg, &args);
        assert_refused(&out, path, what);
    }
}

/// Exit 2, and a message naming profile `p` and `key`, never holding "CANARY".
fn assert_config_error(run: &Run, key: &str) {
    assert_eq!(run.code, 2, "{}", run.stderr);
    let named = format!("profile \"p\", key \"{key}\"");
    assert!(
        run.stderr.contains(&named) && run.stderr.contains("control character"),
        "expected {named:?} in: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("CANARY"), "{}", run.stderr);
}

#[tokio::test]
async fn a_token_or_header_value_with_a_control_character_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let unpod =
        "platform = \"unpod\"\nbase_url = \"http://127.0.0.1:9/api/v2/platform\"\ntoken = \"t\"";
    for (extra, key) in [
        ("token = \"CANARY\\u0007x\"", "token"),
        (
            &format!("{unpod}\norg_handle = \"acme.example\\r\\nX-CANARY: 1\"")[..],
            "org_handle",
        ),
        (
            &format!("{unpod}\norg_handle = \"a\"\nproduct_id = \"CANARY\\tx\"")[..],
            "product_id",
        ),
    ] {
        // A second `platform`/`base_url` for unpod: keep only the last ones.
        let text = if extra.contains("unpod") {
            format!("[profiles.p]\n{extra}\n")
        } else {
            format!(
                "[profiles.p]\nplatform = \"dasha\"\nbase_url = \"http://127.0.0.1:9/api/v1\"\n{extra}\n"
            )
        };
        let cfg = dir.path().join("config.toml");
        std::fs::write(&cfg, text).unwrap();
        set_mode(&cfg, 0o600);
        let out = run(&cfg, &["providers", "list"]).await;
        assert_config_error(&out, key);
    }

    let cfg = config_with(dir.path(), "token_env = \"TELCREDS_TEST_CTL_TOKEN\"");
    let env = [("TELCREDS_TEST_CTL_TOKEN", Path::new("CANARY\nsecond"))];
    let out = telcreds_env(&cfg, &["providers", "list"], "", &env, false).await;
    assert_config_error(&out, "token_env");

    let file = dir.path().join("ctl.token");
    std::fs::write(&file, "CANARY\x1b[2Jx\nnotes\n").unwrap();
    let cfg = config_with(dir.path(), &format!("token_file = \"{}\"", file.display()));
    let out = run(&cfg, &["providers", "list"]).await;
    assert_config_error(&out, "token_file");
}

#[tokio::test]
async fn a_token_file_gives_its_first_line_and_headers_are_trimmed() {
    use telcreds::sandbox::{DASHA_TOKEN, Seed, UNPOD_ORG_HANDLE, UNPOD_TOKEN};
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dasha.token");
    std::fs::write(&file, format!("  {DASHA_TOKEN}\r\ncreated 2024-01-01\n")).unwrap();
    let cfg = dir.path().join("config.toml");
    let text = format!(
        "[profiles.d]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken_file = \"{}\"\n\n\
         [profiles.u]\nplatform = \"unpod\"\nbase_url = \"{}\"\ntoken = \"{UNPOD_TOKEN}\"\n\
         org_handle = \"{UNPOD_ORG_HANDLE}\\r\\n\"\n",
        sb.dasha_base(),
        file.display(),
        sb.unpod_base()
    );
    std::fs::write(&cfg, text).unwrap();
    set_mode(&cfg, 0o600);
    for profile in ["d", "u"] {
        let out = run(&cfg, &["-p", profile, "providers", "list"]).await;
        assert_eq!(out.code, 0, "profile {profile}: {}", out.stderr);
    }
}

//! Local inputs of the real binary: the log file's permissions, size limits and
//! file kinds of the config and token files, and malformed tokens and headers.

use crate::cli::Run;
use crate::support::telcreds_env;
use std::path::{Path, PathBuf};

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
    assert_eq!(mode(&state), "700", "existing state directory");
    assert_eq!(mode(&log), "600", "existing log file");
}

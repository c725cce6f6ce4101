//! The real binary in tmux where it reads from the terminal: a `token_cmd` that asks
//! for a passphrase on `/dev/tty`, and secrets typed at a hidden prompt.

use crate::e2e_tmux::Tmux;
use std::path::{Path, PathBuf};
use telcreds::sandbox::{DASHA_TOKEN, Sandbox, Seed};

/// A config (mode 0600) with one Dasha profile `p` on `sb` whose token comes from `token`.
fn config(sb: &Sandbox, dir: &Path, token: &str) -> PathBuf {
    let path = dir.join("config.toml");
    let text = format!(
        "[profiles.p]\nplatform = \"dasha\"\nbase_url = \"{}\"\n{token}\n",
        sb.dasha_base()
    );
    std::fs::write(&path, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// A shell line that runs `telcreds --config CONFIG ARGS…`, then prints its exit
/// status and the terminal's modes, and stays. The shell catches SIGINT, so a ctrl-c
/// stops only telcreds (which gets the default action).
fn shell(dir: &Path, config: &Path, args: &str) -> String {
    format!(
        "sh -c \"trap 'echo interrupted' INT; env TELCREDS_STATE_DIR={0}/state TELCREDS_DATA_DIR={0}/data {1} --config {2} {args}; echo exit=\\$?; stty -a; sleep 600\"",
        dir.display(),
        env!("CARGO_BIN_EXE_telcreds"),
        config.display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_cmd_can_still_ask_for_a_passphrase_on_the_terminal() {
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cmd = "printf 'passphrase: ' >/dev/tty; read -r p </dev/tty; echo \"$p\"";
    let cfg = config(&sb, dir.path(), &format!("token_cmd = '''{cmd}'''"));
    let line = shell(dir.path(), &cfg, "-p p providers list");
    let screen = tokio::task::spawn_blocking(move || {
        let tmux = Tmux::start(&line, 120, 40);
        tmux.wait_for("passphrase:");
        tmux.type_text(DASHA_TOKEN);
        tmux.keys(&["Enter"]);
        tmux.wait_for("exit=")
    })
    .await
    .unwrap();
    assert!(screen.contains("exit=0"), "{screen}");
    assert!(screen.contains("acme-prod-us"), "{screen}");
}

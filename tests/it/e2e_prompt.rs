//! The real binary in tmux where it reads from the terminal: a `token_cmd` that asks
//! for a passphrase on `/dev/tty`, and secrets typed at a hidden prompt.

use crate::e2e_terminal::kill;
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

#[ignore = "needs tmux: scripts/test installs it and runs these"]
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

/// Looks like a Twilio auth token, so it passes local checks.
const TYPED_CANARY: &str = "cafe2222cafe2222cafe2222cafe2222";

/// The pane command that rotates a provider's token on `sb`, reading it from the terminal.
async fn rotate_token_shell(sb: &Sandbox, dir: &Path) -> String {
    let cfg = crate::cli::write_config(sb, dir);
    let providers = crate::support::dasha(sb).list_providers().await.unwrap();
    let id = &providers[0].id;
    shell(
        dir,
        &cfg,
        &format!("-p sandbox-dasha providers rotate-token {id} --token-stdin"),
    )
}

/// True when `stty -a` output on `screen` has the mode `flag` on (`echo`, not `-echo`).
fn mode_on(screen: &str, flag: &str) -> bool {
    screen
        .lines()
        .skip_while(|l| !l.starts_with("speed "))
        .flat_map(|l| l.split([' ', ';']))
        .any(|w| w == flag)
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_typed_at_the_prompt_is_never_shown_and_enter_ends_it() {
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let line = rotate_token_shell(&sb, dir.path()).await;
    let screen = tokio::task::spawn_blocking(move || {
        let tmux = Tmux::start(&line, 120, 40);
        tmux.wait_for("(input hidden)");
        tmux.type_text(TYPED_CANARY);
        assert!(!tmux.screen().contains(TYPED_CANARY), "{}", tmux.screen());
        tmux.keys(&["Enter"]);
        tmux.wait_for("exit=")
    })
    .await
    .unwrap();
    assert!(!screen.contains(TYPED_CANARY), "{screen}");
    assert!(screen.contains("Auth token (input hidden):"), "{screen}");
    assert!(
        mode_on(&screen, "echo") && mode_on(&screen, "icanon"),
        "{screen}"
    );
    // The token reached the platform: the sandbox refuses it after its Twilio check.
    assert!(
        !screen.contains("exit=0") || screen.contains("rotated"),
        "{screen}"
    );
}

/// Starts the rotation prompt, types part of the canary, lets `interrupt` stop
/// telcreds, and returns the screen once the shell has printed `stty -a`.
async fn interrupted_prompt(interrupt: fn(&Tmux)) -> String {
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let line = rotate_token_shell(&sb, dir.path()).await;
    tokio::task::spawn_blocking(move || {
        let tmux = Tmux::start(&line, 120, 40);
        tmux.wait_for("(input hidden)");
        tmux.type_text(&TYPED_CANARY[..8]);
        interrupt(&tmux);
        tmux.wait_for("exit=")
    })
    .await
    .unwrap()
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_at_the_prompt_leaves_echo_and_line_mode_on() {
    let screen = interrupted_prompt(|tmux| tmux.keys(&["C-c"])).await;
    assert!(screen.contains("exit=130"), "killed by SIGINT: {screen}");
    assert!(!screen.contains(&TYPED_CANARY[..8]), "{screen}");
    assert!(
        mode_on(&screen, "echo") && mode_on(&screen, "icanon"),
        "{screen}"
    );
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_at_the_prompt_leaves_echo_on() {
    let screen = interrupted_prompt(|tmux| kill("TERM", &telcreds_pid(tmux))).await;
    assert!(screen.contains("exit=143"), "killed by SIGTERM: {screen}");
    assert!(mode_on(&screen, "echo"), "{screen}");
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_at_the_prompt_leaves_echo_on() {
    let screen = interrupted_prompt(|tmux| kill("HUP", &telcreds_pid(tmux))).await;
    assert!(screen.contains("exit=129"), "killed by SIGHUP: {screen}");
    assert!(mode_on(&screen, "echo"), "{screen}");
}

/// The pid of telcreds, the one in the pane's session (whose id is the pid of what
/// the pane runs).
fn telcreds_pid(tmux: &Tmux) -> String {
    let session = tmux.format("#{pane_pid}");
    let out = std::process::Command::new("pgrep")
        .args(["-x", "-s", &session, "telcreds"])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !pid.is_empty() && !pid.contains('\n'),
        "one telcreds: {pid:?}"
    );
    pid
}

/// The pane's terminal modes as `stty -a` prints them, read from outside (what runs
/// in the pane may be stopped).
fn pane_modes(tmux: &Tmux) -> String {
    let tty = tmux.format("#{pane_tty}");
    let out = std::process::Command::new("stty")
        .args(["-a", "-F", &tty])
        .output()
        .unwrap();
    assert!(out.status.success(), "stty -F {tty}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits until the process `pid` is stopped.
fn wait_stopped(pid: &str) {
    // Generous: the whole suite runs in parallel on two cores.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(40);
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        // The state follows the program's name, which is in parentheses.
        if stat
            .rsplit(") ")
            .next()
            .is_some_and(|rest| rest.starts_with('T'))
        {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{pid} stops: {stat}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_at_the_prompt_gives_echo_back_until_continued_then_hides_input_again() {
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    // A stop signal with its default action stops only a process whose group has a
    // parent in the session outside it: the pane's shell has none (tmux runs it in
    // a session of its own), so bash, with job control (`set -m`), starts the shell
    // that starts telcreds in a group of its own (`; true`: not in its own place).
    let script = dir.path().join("prompt.sh");
    std::fs::write(&script, rotate_token_shell(&sb, dir.path()).await).unwrap();
    let line = format!("bash -c 'set -m; sh {}; true'", script.display());
    let (stopped, continued, screen) = tokio::task::spawn_blocking(move || {
        let tmux = Tmux::start(&line, 120, 40);
        tmux.wait_for("(input hidden)");
        let pid = telcreds_pid(&tmux);
        // As ctrl-z would, but to telcreds alone: the pane's sh has no job control.
        kill("TSTP", &pid);
        wait_stopped(&pid);
        let stopped = pane_modes(&tmux);
        kill("CONT", &pid);
        tmux.wait_until("the prompt shown again", |s| {
            s.matches("(input hidden)").count() == 2
        });
        let continued = pane_modes(&tmux);
        tmux.type_text(TYPED_CANARY);
        tmux.keys(&["Enter"]);
        (stopped, continued, tmux.wait_for("exit="))
    })
    .await
    .unwrap();
    assert!(
        mode_on(&stopped, "echo"),
        "echo on while stopped: {stopped}"
    );
    assert!(mode_on(&continued, "-echo"), "hidden again: {continued}");
    assert!(!screen.contains(TYPED_CANARY), "{screen}");
    assert!(!screen.contains("cancelled"), "{screen}");
    assert!(
        mode_on(&screen, "echo") && mode_on(&screen, "icanon"),
        "{screen}"
    );
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ignored_sigint_leaves_the_prompt_running() {
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    // `trap '' INT`: telcreds starts with SIGINT ignored, as under nohup or `&`.
    let line = rotate_token_shell(&sb, dir.path()).await.replacen(
        "trap 'echo interrupted' INT",
        "trap '' INT",
        1,
    );
    let screen = tokio::task::spawn_blocking(move || {
        let tmux = Tmux::start(&line, 120, 40);
        tmux.wait_for("(input hidden)");
        tmux.keys(&["C-c"]);
        tmux.type_text(TYPED_CANARY);
        tmux.keys(&["Enter"]);
        tmux.wait_for("exit=")
    })
    .await
    .unwrap();
    assert!(!screen.contains("exit=130"), "{screen}");
    assert!(!screen.contains("cancelled"), "{screen}");
    assert!(!screen.contains(TYPED_CANARY), "{screen}");
    assert!(
        mode_on(&screen, "echo") && mode_on(&screen, "icanon"),
        "{screen}"
    );
}

/// A line of `screen` that reads exactly `text` (the `^C` echo stays on the line
/// before it).
fn has_line(screen: &str, text: &str) -> bool {
    screen.lines().any(|l| l.trim_end() == text)
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_at_a_delete_confirmation_says_nothing_was_changed() {
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = crate::cli::write_config(&sb, dir.path());
    let d = crate::support::dasha(&sb);
    let mut id = None;
    for c in d.list_sip_credentials().await.unwrap() {
        if !c.is_read_only() && d.sip_credential_dependants(&c.id).await.unwrap().is_empty() {
            id = Some(c.id);
            break;
        }
    }
    let id = id.expect("a manual credential nothing uses");
    let line = shell(
        dir.path(),
        &cfg,
        &format!("-p sandbox-dasha sip delete {id}"),
    );
    ctrl_c_at_the_confirmation(line, 120).await;
    assert!(d.get_sip_credential(&id).await.is_ok(), "not deleted");
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_at_the_rotation_confirmation_on_the_terminal_says_nothing_was_changed() {
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = crate::cli::write_config(&sb, dir.path());
    let account = sb
        .twilio_accounts()
        .into_iter()
        .find(|a| a.status == "active")
        .unwrap();
    let token = sb.roll_twilio_token(&account.sid).unwrap();
    let line = format!(
        "sh -c \"trap 'echo interrupted' INT; echo {token} | env TELCREDS_STATE_DIR={0}/state TELCREDS_DATA_DIR={0}/data {1} --config {2} rotate twilio --account-sid {3} --token-stdin --profiles sandbox-dasha; echo exit=\\$?; stty -a; sleep 600\"",
        dir.path().display(),
        env!("CARGO_BIN_EXE_telcreds"),
        cfg.display(),
        account.sid,
    );
    ctrl_c_at_the_confirmation(line, 160).await;
    assert!(
        crate::support::patches(&sb).await.is_empty(),
        "nothing sent"
    );
}

/// Runs `line` in tmux at `width` x 40, presses ctrl-c at the confirmation prompt,
/// and checks what every such cancel must leave: exit 130, "nothing was changed",
/// echo and line mode on.
async fn ctrl_c_at_the_confirmation(line: String, width: u16) {
    let screen = tokio::task::spawn_blocking(move || {
        let tmux = Tmux::start(&line, width, 40);
        tmux.wait_for("to confirm:");
        tmux.keys(&["C-c"]);
        tmux.wait_for("exit=")
    })
    .await
    .unwrap();
    assert!(screen.contains("exit=130"), "{screen}");
    assert!(
        has_line(&screen, "cancelled: nothing was changed"),
        "{screen}"
    );
    assert!(
        mode_on(&screen, "echo") && mode_on(&screen, "icanon"),
        "{screen}"
    );
}

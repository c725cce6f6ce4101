//! The real binary, `telcreds --demo`, driven in tmux as a user would: open, list,
//! create a SIP credential, see it, delete it, quit, and find the terminal restored.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A private tmux server running one pane.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` in a `width` x `height` pane that stays after the program exits.
    pub fn start(command: &str, width: u16, height: u16) -> Tmux {
        let socket = format!("telcreds-e2e-{}-{}", std::process::id(), rand_suffix());
        let t = Tmux { socket };
        t.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        t.run(&["set-option", "-g", "remain-on-exit", "on"]);
        t.run(&["respawn-pane", "-k", "-t", "e2e", command]);
        t
    }

    /// Sets a server option, e.g. `set-clipboard on`.
    pub fn set_option(&self, name: &str, value: &str) {
        self.run(&["set-option", "-s", name, value]);
    }

    /// The newest paste buffer (what OSC 52 put there), or `None` when there is none.
    /// The text of every paste buffer tmux holds.
    pub fn buffers(&self) -> Vec<String> {
        self.run(&["list-buffers", "-F", "#{buffer_name}"])
            .lines()
            .map(|name| self.run(&["show-buffer", "-b", name.trim()]))
            .collect()
    }

    pub fn show_buffer(&self) -> Option<String> {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "show-buffer"])
            .output()
            .expect("tmux runs");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Resizes the window (and so the pane) to `width` x `height`.
    pub fn resize(&self, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        self.run(&["resize-window", "-t", "e2e", "-x", &w, "-y", &h]);
    }

    /// Waits until the program in the pane has exited.
    pub fn wait_exit(&self) {
        self.wait_until("the program to exit", |_| {
            self.format("#{pane_dead}") == "1"
        });
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed (.ci/run installs it: apt-get install tmux)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends keys (tmux key names, e.g. `Enter`, `Tab`, `q`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types literal text.
    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// A tmux format value of the pane, e.g. `#{alternate_on}`.
    pub fn format(&self, f: &str) -> String {
        self.run(&["display-message", "-p", "-t", "e2e", f])
            .trim()
            .to_string()
    }

    /// Waits until the screen contains `text`; fails with the screen otherwise.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    /// Waits until `done(screen)` holds on a screen that has stopped changing (a
    /// capture can catch a frame half-written).
    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        // Generous: the whole suite runs in parallel on two cores.
        let deadline = Instant::now() + Duration::from_secs(40);
        let mut previous = String::new();
        loop {
            let screen = self.screen();
            if done(&screen) && screen == previous {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what:?}; screen:\n{screen}"
            );
            previous = screen;
            std::thread::sleep(Duration::from_millis(60));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // A program that hangs ignores the SIGHUP of kill-server: end it for sure.
        let alive = Command::new("tmux")
            .args(["-L", &self.socket, "display-message", "-p", "-t", "e2e"])
            .arg("#{pane_dead} #{pane_pid}")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        if let Some(pid) = alive.strip_prefix("0 ") {
            let _ = Command::new("kill").args(["-KILL", pid]).status();
        }
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// The program exited by itself with status 0, not by a signal. Under heavy load
/// tmux sometimes marks the pane dead without recording a status: then only the
/// signal (none) and the restored screen, checked by the callers, are asserted.
pub fn assert_exited_cleanly(tmux: &Tmux) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while tmux.format("#{pane_dead_status}").is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = tmux.format("#{pane_dead_status}");
    assert!(status.is_empty() || status == "0", "exit status {status}");
    assert_eq!(tmux.format("#{pane_dead_signal}"), "", "killed by a signal");
}

/// The shell command that runs the demo with logs and data in `dir`.
pub fn demo_command(dir: &Path) -> String {
    app_command(dir, "--demo")
}

/// The shell command that runs the binary with `args`, logs and data in `dir`.
pub fn app_command(dir: &Path, args: &str) -> String {
    format!(
        "env TERM=xterm-256color TELCREDS_STATE_DIR={0}/state TELCREDS_DATA_DIR={0}/data TELCREDS_CONFIG={0}/none.toml {1} {args}",
        dir.display(),
        env!("CARGO_BIN_EXE_telcreds")
    )
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[test]
fn demo_create_see_delete_quit_in_tmux() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = Tmux::start(&demo_command(dir.path()), 100, 30);
    tmux.wait_for("Providers (8)");
    assert_eq!(
        tmux.format("#{alternate_on}"),
        "1",
        "the UI runs on the alternate screen"
    );
    let screen = tmux.screen();
    assert!(
        screen.contains("acme-prod-us") && screen.contains("✓ verified"),
        "{screen}"
    );

    tmux.keys(&["2"]);
    tmux.wait_for("SIP credentials (42)");
    tmux.keys(&["n"]);
    tmux.wait_for("New SIP credential");
    tmux.type_text("sip.e2e.example:5061");
    for _ in 0..5 {
        tmux.keys(&["Tab"]);
    }
    tmux.type_text("e2e trunk");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("SIP credentials (43)");
    assert!(
        screen.contains("e2e trunk") && screen.contains("sip.e2e.example"),
        "{screen}"
    );

    tmux.keys(&["D"]);
    let screen = tmux.wait_for("Delete SIP credential");
    assert!(
        screen.contains("demo-dasha") && screen.contains("nothing uses it"),
        "{screen}"
    );
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("SIP credentials (42)");
    assert!(
        !screen.contains("sip.e2e.example") && screen.contains("✓ deleted e2e trunk"),
        "{screen}"
    );

    tmux.keys(&["q"]);
    tmux.wait_exit();
    assert_exited_cleanly(&tmux);
    assert_eq!(
        tmux.format("#{alternate_on}"),
        "0",
        "the terminal is back on the normal screen"
    );
}

/// `telcreds --demo` at 120x40 with its journal under `dir/tmp` (the demo's own
/// directory lives under TMPDIR and goes when it quits), filtered to `acme-prod-us`.
fn demo_on_acme_prod_us(dir: &std::path::Path) -> (Tmux, std::path::PathBuf) {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let command = format!("env TMPDIR={} {}", tmp.display(), demo_command(dir));
    let tmux = Tmux::start(&command, 120, 40);
    tmux.wait_for("Providers (8)");
    tmux.type_text("/acme-prod-us");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Providers (1 of 8)");
    (tmux, tmp)
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test]
async fn demo_rotation_in_tmux_reads_the_result_table() {
    // The demo seed is deterministic: a second sandbox knows the demo account's token.
    let seed = telcreds::sandbox::Sandbox::start(telcreds::sandbox::SandboxOptions::default())
        .await
        .unwrap();
    let account = seed
        .twilio_accounts()
        .into_iter()
        .find(|a| a.friendly_name == "Acme Production")
        .unwrap();
    seed.shutdown().await;
    let dir = tempfile::tempdir().unwrap();
    let (tmux, tmp) = demo_on_acme_prod_us(dir.path());
    tmux.keys(&["r"]);
    tmux.wait_for("I already have the new token");
    tmux.keys(&["t"]);
    tmux.wait_for("New token");
    tmux.type_text(&account.auth_token);
    let screen = tmux.screen();
    assert!(!screen.contains(&account.auth_token), "masked: {screen}");
    tmux.keys(&["Enter"]);
    let plan = tmux.wait_for("Rotate the token of");
    assert!(
        plan.contains("demo-unpod") && plan.contains("acme-prod-dr"),
        "{plan}"
    );
    tmux.keys(&["y"]);
    let result = tmux.wait_for("no provider found is left on the old token");
    let rows: Vec<&str> = result
        .lines()
        .filter(|l| l.starts_with("│ demo-"))
        .collect();
    assert_eq!(
        rows.len(),
        4,
        "three Dasha providers and one Unpod configuration:\n{result}"
    );
    assert_eq!(
        rows.iter().filter(|l| l.contains("✓ verified")).count(),
        3,
        "{result}"
    );
    assert!(
        rows.iter()
            .any(|l| l.contains("demo-unpod") && l.contains("✓ updated")),
        "{result}"
    );
    assert!(!result.contains(&account.auth_token));
    tmux.keys(&["Enter"]);
    tmux.keys(&["4"]);
    tmux.wait_for("rotation.");
    let journal = crate::e2e_demo::demo_journal(&tmp);
    tmux.keys(&["q"]);
    tmux.wait_exit();
    assert_exited_cleanly(&tmux);
    assert_eq!(tmux.format("#{alternate_on}"), "0");
    assert!(journal.contains("rotation.update") && !journal.contains(&account.auth_token));
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[test]
fn a_sip_credential_is_probed_in_the_ui_against_the_demo_peer() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = Tmux::start(&demo_command(dir.path()), 140, 40);
    tmux.wait_for("Providers (8)");
    tmux.keys(&["2"]);
    tmux.wait_for("SIP credentials (42)");
    // The demo's "Legacy gateway" credentials point at its SIP peer.
    tmux.keys(&["/"]);
    tmux.type_text("Legacy gateway #2");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Legacy gateway #2");
    tmux.keys(&["p"]);
    tmux.wait_for("query-only");
    tmux.keys(&["r"]);
    let screen = tmux.wait_for("authenticate");
    assert!(
        screen.contains("resolve") && screen.contains("reach"),
        "{screen}"
    );
    assert!(screen.contains("accepted"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_exit();
    assert_exited_cleanly(&tmux);
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test]
async fn demo_mint_in_tmux_promotes_and_reveals_the_new_token_once() {
    let dir = tempfile::tempdir().unwrap();
    let (tmux, tmp) = demo_on_acme_prod_us(dir.path());
    tmux.keys(&["r"]);
    tmux.wait_for("mint a new token at Twilio");
    tmux.keys(&["m"]);
    let plan = tmux.wait_for("Mint a new token for");
    assert!(plan.contains("then promote it"), "{plan}");
    tmux.keys(&["y"]);
    let result = tmux.wait_for("OLD TOKEN IS DEAD");
    assert!(
        result.contains("4 of 4 providers to update now use the new token"),
        "{result}"
    );
    let masked = "•".repeat(32);
    assert!(result.contains(&masked), "masked until revealed:\n{result}");
    tmux.keys(&["x"]);
    // The token has a line of its own, under its label.
    let token_line = |screen: &str| -> String {
        let lines: Vec<&str> = screen.lines().collect();
        let at = lines.iter().position(|l| l.contains("store it now):"));
        at.and_then(|i| lines.get(i + 1))
            .map(|l| {
                l.trim_matches(|c: char| c == '│' || c.is_whitespace())
                    .to_string()
            })
            .unwrap_or_default()
    };
    let revealed = tmux.wait_until("the token revealed", |s| !token_line(s).contains('•'));
    let line = token_line(&revealed);
    let token: String = line.chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 32, "the new token, revealed: {line}");
    tmux.keys(&["x"]);
    let hidden = tmux.wait_for(&masked);
    assert!(!hidden.contains(&token));
    tmux.keys(&["Enter"]);
    tmux.keys(&["4"]);
    let activity = tmux.wait_for("rotation.promote");
    assert!(!activity.contains(&token));
    let journal = crate::e2e_demo::demo_journal(&tmp);
    tmux.keys(&["q"]);
    tmux.wait_exit();
    assert_exited_cleanly(&tmux);
    assert!(journal.contains("rotation.secondary_create") && !journal.contains(&token));
}

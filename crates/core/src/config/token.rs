//! Where a profile's API token comes from, and how it is fetched.
//!
//! Errors name the source (variable, command, file) but never hold the token, nor
//! anything a token command printed (stdout or stderr).

use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

use secrecy::zeroize::Zeroize;

use super::command::{self, Finished};
use super::error::ConfigError;
use super::paths::tilde;
use crate::local_file;
use crate::secret::Secret;

/// Why a token or header value with a control character is refused.
pub(super) const CONTROL_HINT: &str =
    "a line break, tab or escape, which cannot be sent in an HTTP header";

/// True when `s` holds a control character (after the caller trimmed it).
pub(super) fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// Why a token source gave no usable token. Names the source as
/// [`TokenSource::describe`] does (`shown`); never holds the token, a command's text
/// or anything it printed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// `token_env` names a variable that is not set.
    #[error("environment variable {0} is not set")]
    EnvUnset(String),
    /// `token_env` names a variable that is not UTF-8.
    #[error("environment variable {0} is not valid UTF-8")]
    EnvNotUnicode(String),
    /// `token_file` could not be read.
    #[error("cannot read token file {path}: {error}")]
    File {
        /// The file, as shown (`~/…`).
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// `token_cmd` did not run to its end.
    #[error("{shown} {error}")]
    Command {
        /// The source, as shown.
        shown: String,
        /// Why.
        error: command::CommandError,
    },
    /// `token_cmd` exited with a failure.
    #[error("{shown} failed ({}){}", describe_status(*status), stderr_note(*stderr_bytes))]
    Failed {
        /// The source, as shown.
        shown: String,
        /// Its exit status.
        status: ExitStatus,
        /// How much it wrote on stderr (never its text).
        stderr_bytes: u64,
    },
    /// `token_cmd` printed something that is not UTF-8.
    #[error("{0} printed something that is not UTF-8")]
    NotUtf8(String),
    /// `token_cmd` printed nothing.
    #[error("{0} printed nothing on stdout")]
    NoOutput(String),
    /// The token is empty.
    #[error("{0} gave an empty token")]
    Empty(String),
    /// The token holds a control character.
    #[error("{0} gave a token with a control character inside ({CONTROL_HINT})")]
    Control(String),
    /// The task fetching it stopped before it ended (its panic or cancellation).
    #[error("resolving the token stopped: {0}")]
    Stopped(String),
}

/// One of the four ways a profile names its token. `Debug` never shows an inline token.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenSource {
    /// `token_env = "VAR"`: read an environment variable.
    Env(String),
    /// `token_cmd = "pass show x"`: run with `sh -c`; the first line of stdout, trimmed.
    Cmd(String),
    /// `token_file = "~/x"`: the first line of a file (path already expanded), trimmed.
    File(PathBuf),
    /// `token = "…"`: written in the config file itself.
    Inline(Secret),
}

impl TokenSource {
    /// How long a `token_cmd` may take, output included (it may ask for a passphrase).
    pub const TIMEOUT: Duration = Duration::from_secs(60);

    /// Fetches the token, a `token_cmd` within 60 s. Errors carry an empty profile
    /// name; see [`Profile::resolve_token`](super::Profile::resolve_token) for one that
    /// names it.
    pub fn resolve(&self) -> Result<Secret, ConfigError> {
        self.resolve_with(Self::TIMEOUT)
    }

    /// Fetches the token, a `token_cmd` within `timeout` (`doctor` sets its own).
    /// Messages name the source as [`TokenSource::describe`] does: never a command's
    /// text, which may hold a secret of its own.
    /// A `token_cmd` that ctrl-c ended is [`ConfigError::Interrupted`].
    pub fn resolve_with(&self, timeout: Duration) -> Result<Secret, ConfigError> {
        let shown = self.describe();
        let token = match self {
            TokenSource::Env(var) => from_env(var),
            TokenSource::Cmd(cmd) => match command::run(cmd, timeout) {
                Ok(out) if interrupted(out.status) => {
                    return Err(ConfigError::Interrupted {
                        profile: String::new(),
                        section: super::error::PROFILE,
                        key: self.key().to_string(),
                    });
                }
                Ok(out) => command_token(&shown, &out),
                Err(error) => Err(SourceError::Command {
                    shown: shown.clone(),
                    error,
                }),
            },
            TokenSource::File(path) => from_file(path),
            TokenSource::Inline(secret) => Ok(secret.trimmed()),
        };
        token
            .and_then(|t| {
                if t.is_empty() {
                    Err(SourceError::Empty(shown))
                } else if has_control(t.expose()) {
                    Err(SourceError::Control(shown))
                } else {
                    Ok(t)
                }
            })
            .map_err(|reason| ConfigError::TokenSource {
                profile: String::new(),
                section: super::error::PROFILE,
                key: self.key().to_string(),
                reason,
            })
    }

    /// The config key this source is written with.
    pub fn key(&self) -> &'static str {
        match self {
            TokenSource::Env(_) => "token_env",
            TokenSource::Cmd(_) => "token_cmd",
            TokenSource::File(_) => "token_file",
            TokenSource::Inline(_) => "token",
        }
    }

    /// Names the source for humans ("env TELCREDS_X", "token_cmd", "file ~/x",
    /// "inline"): never the token, nor a command's text, which may hold one (`echo …`,
    /// `FOO=… pass show x`).
    pub fn describe(&self) -> String {
        match self {
            TokenSource::Env(var) => format!("env {var}"),
            TokenSource::Cmd(_) => "token_cmd".to_string(),
            TokenSource::File(path) => format!("file {}", tilde(path)),
            TokenSource::Inline(_) => "inline".to_string(),
        }
    }
}

fn from_env(var: &str) -> Result<Secret, SourceError> {
    match std::env::var(var) {
        Ok(mut value) => {
            let secret = Secret::new(value.trim());
            value.zeroize();
            Ok(secret)
        }
        Err(std::env::VarError::NotPresent) => Err(SourceError::EnvUnset(var.to_string())),
        Err(std::env::VarError::NotUnicode(_)) => Err(SourceError::EnvNotUnicode(var.to_string())),
    }
}

fn from_file(path: &std::path::Path) -> Result<Secret, SourceError> {
    let (mut text, _) =
        local_file::read_to_string(path, local_file::SECRET_LIMIT).map_err(|error| {
            SourceError::File {
                path: tilde(path),
                error,
            }
        })?;
    // The first line, like `token_cmd` and `--password-file`.
    let secret = Secret::new(text.lines().next().unwrap_or_default().trim());
    text.zeroize();
    Ok(secret)
}

/// True when ctrl-c ended a command: SIGINT reached it (it had the terminal), or it
/// exited 130 as a shell does when what it ran was interrupted.
fn interrupted(status: ExitStatus) -> bool {
    #[cfg(unix)]
    if std::os::unix::process::ExitStatusExt::signal(&status) == Some(libc::SIGINT) {
        return true;
    }
    status.code() == Some(130)
}

/// The token from a command's output, or an error that holds none of its output.
fn command_token(shown: &str, out: &Finished) -> Result<Secret, SourceError> {
    if !out.status.success() {
        return Err(SourceError::Failed {
            shown: shown.to_string(),
            status: out.status,
            stderr_bytes: out.stderr_bytes,
        });
    }
    let Ok(stdout) = std::str::from_utf8(&out.stdout) else {
        return Err(SourceError::NotUtf8(shown.to_string()));
    };
    // The first line, like `pass show` (later lines are notes, not the password).
    let first = stdout.trim().lines().next().unwrap_or_default().trim();
    if first.is_empty() {
        return Err(SourceError::NoOutput(shown.to_string()));
    }
    Ok(Secret::new(first))
}

/// What a failed command wrote on stderr, by size only.
///
/// Policy: the text is never quoted. A command that fails may print the token on
/// stderr in any form (`auth failed for <token>`, a partial or encoded copy), and
/// scrubbing only what it also printed on stdout cannot catch that; the user can run
/// the command in a shell to read its stderr.
pub(super) fn stderr_note(bytes: u64) -> String {
    match bytes {
        0 => String::new(),
        n => format!(
            "; it wrote {n} bytes on stderr, not shown as they may hold the token: \
             run the command in a shell to read them"
        ),
    }
}

pub(super) fn describe_status(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};
    use std::thread;
    use std::time::Instant;

    fn message(err: ConfigError) -> String {
        match err {
            ConfigError::TokenSource { reason, .. } => reason.to_string(),
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn command_output_is_trimmed_to_its_first_line() {
        let t = TokenSource::Cmd("printf abc".into()).resolve().unwrap();
        assert_eq!(t.expose(), "abc");
        let t = TokenSource::Cmd("printf '  s3cret \\nnotes: x\\n'".into())
            .resolve()
            .unwrap();
        assert_eq!(t.expose(), "s3cret");
    }

    #[test]
    fn failing_command_reports_status_and_stderr_size_but_never_their_text() {
        // The command text is part of the message, so the canary is assembled at run time.
        let cmd = "t=TOKEN-; printf \"${t}CANARY\"; echo 'gpg: decryption failed' >&2; exit 3";
        let msg = message(TokenSource::Cmd(cmd.into()).resolve().unwrap_err());
        assert!(!msg.contains("TOKEN-CANARY"), "{msg}");
        assert!(msg.contains("failed (exit status 3)"), "{msg}");
        assert!(msg.contains("it wrote 23 bytes on stderr"), "{msg}");

        let msg = message(TokenSource::Cmd("exit 2".into()).resolve().unwrap_err());
        assert_eq!(msg, "token_cmd failed (exit status 2)");
    }

    #[test]
    fn no_message_quotes_the_command_text() {
        // A command line may hold a secret of its own (`echo TOKEN`, `FOO=… pass show`).
        for (cmd, timeout) in [
            ("echo CMD-CANARY >/dev/null; exit 4", TokenSource::TIMEOUT),
            ("true # CMD-CANARY", TokenSource::TIMEOUT),
            ("sleep 100031 # CMD-CANARY", Duration::from_millis(200)),
        ] {
            let source = TokenSource::Cmd(cmd.into());
            let msg = message(source.resolve_with(timeout).unwrap_err());
            assert!(!msg.contains("CANARY"), "{msg}");
            assert!(msg.starts_with("token_cmd "), "{msg}");
        }
        assert_eq!(
            TokenSource::Cmd("echo CMD-CANARY".into()).describe(),
            "token_cmd"
        );
    }

    #[test]
    fn a_token_the_command_prints_only_on_stderr_never_reaches_the_message() {
        let dir = tempfile::tempdir().unwrap();
        let tok = dir.path().join("tok");
        std::fs::write(&tok, "STDERR-CANARY-7f3a\n").unwrap();
        let cmd = format!(
            "echo \"auth failed for $(cat {})\" >&2; exit 1",
            tok.display()
        );
        let msg = message(TokenSource::Cmd(cmd).resolve().unwrap_err());
        assert!(!msg.contains("STDERR-CANARY-7f3a"), "{msg}");
        assert!(msg.contains("failed (exit status 1)"), "{msg}");
    }

    #[test]
    fn command_that_prints_nothing_is_an_error() {
        let msg = message(TokenSource::Cmd("true".into()).resolve().unwrap_err());
        assert!(msg.contains("printed nothing"), "{msg}");
    }

    #[test]
    fn slow_command_times_out() {
        let err = TokenSource::Cmd("sleep 5".into())
            .resolve_with(Duration::from_millis(100))
            .unwrap_err();
        assert!(message(err).contains("timed out"));
    }

    /// `cmd` as a token source on another thread, failing (not hanging) after `limit`.
    fn within(limit: Duration, cmd: &str, timeout: Duration) -> Result<Secret, String> {
        let (tx, rx) = std::sync::mpsc::channel();
        let source = TokenSource::Cmd(cmd.to_string());
        thread::spawn(move || tx.send(source.resolve_with(timeout).map_err(message)));
        rx.recv_timeout(limit)
            .unwrap_or_else(|_| panic!("the token_cmd did not return within {limit:?}"))
    }

    #[test]
    fn a_command_ended_by_ctrl_c_is_an_interruption() {
        for cmd in ["kill -INT $$", "exit 130"] {
            let err = TokenSource::Cmd(cmd.into()).resolve().unwrap_err();
            assert!(
                matches!(err, ConfigError::Interrupted { .. }),
                "{cmd}: {err:?}"
            );
        }
        let err = TokenSource::Cmd("exit 2".into()).resolve().unwrap_err();
        assert!(matches!(err, ConfigError::TokenSource { .. }), "{err:?}");
    }

    /// True while a process whose command line contains `pattern` runs.
    /// True while a process matches `pattern`, for up to 5 s: a process sent
    /// SIGKILL still shows until the kernel has torn it down, which a loaded machine
    /// may take a while to do.
    fn running(pattern: &str) -> bool {
        let matches = || {
            Command::new("pgrep")
                .args(["-f", pattern])
                .stdout(Stdio::null())
                .status()
                .unwrap()
                .success()
        };
        let until = Instant::now() + Duration::from_secs(5);
        while matches() {
            if Instant::now() >= until {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    #[test]
    fn a_background_child_holding_stdout_does_not_hang_the_read() {
        let started = Instant::now();
        let cmd = "(sleep 100017 &); printf 'tok\\nnotes'";
        // A limit far above the bound: the read ends when the shell has, not at it.
        let t = within(Duration::from_secs(60), cmd, Duration::from_secs(30)).unwrap();
        assert_eq!(t.expose(), "tok");
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{:?}",
            started.elapsed()
        );
        assert!(
            !running("sleep 10001[7]"),
            "the command's process group is killed"
        );

        let cmd = "(sleep 100018 &); exit 1";
        let err = within(Duration::from_secs(10), cmd, Duration::from_secs(5)).unwrap_err();
        assert!(err.contains("failed (exit status 1)"), "{err}");
        assert!(!running("sleep 10001[8]"));
    }

    #[test]
    fn the_time_limit_covers_the_pipes_and_kills_the_whole_group() {
        let started = Instant::now();
        let cmd = "sleep 100019 & sleep 100020";
        let err = within(Duration::from_secs(10), cmd, Duration::from_millis(300)).unwrap_err();
        assert!(err.contains("timed out after 300 ms"), "{err}");
        // Well under `within`'s 10 s: the 300 ms limit, not a hang, ended it.
        assert!(started.elapsed() < Duration::from_secs(8));
        assert!(!running("sleep 10001[9]") && !running("sleep 10002[0]"));

        // The shell has exited, a background child holds stdout with no output yet.
        let cmd = "(sleep 100021 &); exit 0";
        let err = within(Duration::from_secs(10), cmd, Duration::from_millis(300)).unwrap_err();
        assert!(err.contains("printed nothing"), "{err}");
        assert!(!running("sleep 10002[1]"));
    }

    #[test]
    fn a_report_cuts_a_hanging_command_off_and_never_quotes_it() {
        let started = Instant::now();
        let hanging = TokenSource::Cmd("sleep 100023 # CANARY-cmd".into());
        let msg = message(
            hanging
                .resolve_with(Duration::from_millis(300))
                .unwrap_err(),
        );
        assert_eq!(msg, "token_cmd timed out after 300 ms and was stopped");
        assert!(started.elapsed() < Duration::from_secs(8));
        assert!(!running("sleep 10002[3]"), "the command's group is killed");

        let failing = TokenSource::Cmd("echo CANARY-cmd >&2; exit 4".into());
        let msg = message(failing.resolve_with(Duration::from_secs(5)).unwrap_err());
        assert!(msg.starts_with("token_cmd failed (exit status 4)"), "{msg}");
        assert!(!msg.contains("CANARY"), "{msg}");
        let printed = TokenSource::Cmd("printf tok".into());
        let token = printed.resolve_with(Duration::from_secs(5)).unwrap();
        assert_eq!(token.expose(), "tok");
    }

    #[test]
    fn command_output_is_capped() {
        let cmd = "head -c 1000000 /dev/zero | tr '\\0' x";
        let err = within(Duration::from_secs(10), cmd, Duration::from_secs(5)).unwrap_err();
        assert!(err.contains("more than 16 KiB on stdout"), "{err}");
        let err = within(Duration::from_secs(10), "yes", Duration::from_secs(5)).unwrap_err();
        assert!(err.contains("more than 16 KiB on stdout"), "{err}");

        // A chatty stderr is counted, not kept.
        let cmd = "head -c 1000000 /dev/zero >&2; echo tok";
        let t = within(Duration::from_secs(10), cmd, Duration::from_secs(5)).unwrap();
        assert_eq!(t.expose(), "tok");
    }

    #[test]
    fn unset_env_var_is_named() {
        let var = "TELCREDS_TEST_SURELY_UNSET_VAR_9F3A";
        let msg = message(TokenSource::Env(var.into()).resolve().unwrap_err());
        assert_eq!(msg, format!("environment variable {var} is not set"));
    }

    #[test]
    fn set_env_var_is_read() {
        // PATH is set in every test environment and is never modified by tests.
        let t = TokenSource::Env("PATH".into()).resolve().unwrap();
        assert!(!t.is_empty());
    }

    #[test]
    fn file_is_read_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tok");
        std::fs::write(&path, "  file-token\n").unwrap();
        assert_eq!(
            TokenSource::File(path.clone()).resolve().unwrap().expose(),
            "file-token"
        );

        std::fs::write(&path, "\n").unwrap();
        let msg = message(TokenSource::File(path).resolve().unwrap_err());
        assert!(msg.contains("empty token"), "{msg}");

        let missing = dir.path().join("missing");
        let msg = message(TokenSource::File(missing).resolve().unwrap_err());
        assert!(msg.contains("cannot read token file"), "{msg}");
    }

    #[test]
    fn inline_never_prints() {
        let src = TokenSource::Inline(Secret::new("INLINE-CANARY"));
        assert_eq!(format!("{src:?}"), "Inline([redacted])");
        assert_eq!(src.describe(), "inline");
        assert_eq!(src.resolve().unwrap().expose(), "INLINE-CANARY");
    }

    #[test]
    fn describe_names_the_source() {
        assert_eq!(
            TokenSource::Env("TELCREDS_X".into()).describe(),
            "env TELCREDS_X"
        );
        assert_eq!(
            TokenSource::Cmd("pass show x".into()).describe(),
            "token_cmd"
        );
        assert_eq!(TokenSource::File("/tmp/x".into()).describe(), "file /tmp/x");
    }
}

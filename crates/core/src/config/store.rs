//! Hands a new secret to the user's own secret store: `store_cmd` (for example
//! `pass insert -m -f twilio/acme`) run with `sh -c`, the secret on its stdin.
//! Neither what it prints nor the secret ever appears in the result.

use std::time::Duration;

use zeroize::Zeroizing;

use super::command::{self, CommandError, Finished};
use super::token::{describe_status, stderr_note};
use crate::secret::Secret;
use std::process::ExitStatus;
use std::sync::Arc;

/// How long a store command may take (it may ask for a passphrase).
pub const STORE_TIMEOUT: Duration = Duration::from_secs(120);

/// Why `store_cmd` did not take the secret. Never quotes the command's output nor
/// its text (a command line may hold a secret of its own), as for a `token_cmd`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// It did not run to its end.
    #[error("store_cmd {0}")]
    Command(Arc<CommandError>),
    /// It exited with a failure.
    #[error("store_cmd failed ({}){}", describe_status(*status), stderr_note(*stderr_bytes))]
    Failed {
        /// Its exit status.
        status: ExitStatus,
        /// How much it wrote on stderr (never its text).
        stderr_bytes: u64,
    },
    /// The task running it stopped before it ended.
    #[error("the store command could not run: {0}")]
    Stopped(String),
}

/// Runs `cmd` with `secret` and a newline on stdin. `Ok` names the exit status (0).
pub fn store_secret(cmd: &str, secret: &Secret, timeout: Duration) -> Result<String, StoreError> {
    let mut input = Zeroizing::new(Vec::with_capacity(secret.expose().len() + 1));
    input.extend_from_slice(secret.expose().as_bytes());
    input.push(b'\n');
    // What it writes (`cat > f`) is for the user alone, whatever their umask.
    let script = format!("umask 077\n{cmd}");
    let out: Finished = command::run_with_input(&script, Some(input), timeout)
        .map_err(|e| StoreError::Command(Arc::new(e)))?;
    if out.status.success() {
        Ok(format!(
            "store_cmd was handed the token on stdin and ended well ({}); telcreds cannot \
             tell whether it kept it",
            describe_status(out.status)
        ))
    } else {
        Err(StoreError::Failed {
            status: out.status,
            stderr_bytes: out.stderr_bytes,
        })
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn what_the_command_writes_is_private_whatever_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        let cmd = format!("umask 022; true; cat > '{}'", file.display());
        // The user's own `umask 022` inside the command is theirs to set: without
        // one, the file is private.
        let plain = format!("cat > '{}'", file.display());
        store_secret(&plain, &Secret::new("tok"), Duration::from_secs(5)).unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
        std::fs::remove_file(&file).unwrap();
        store_secret(&cmd, &Secret::new("tok"), Duration::from_secs(5)).unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{mode:o}");
    }

    #[test]
    fn the_secret_arrives_on_stdin_and_never_in_the_result() {
        let dir = std::env::temp_dir().join(format!("telcreds-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("got");
        let cmd = format!("cat > '{}'; cat '{}' >&2", file.display(), file.display());
        let said = store_secret(&cmd, &Secret::new("CANARY-S1"), Duration::from_secs(5)).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "CANARY-S1\n");
        assert!(!said.contains("CANARY-S1"), "{said}");
        assert!(
            said.contains("exit status 0") || said.contains("exit code 0"),
            "{said}"
        );
        let e = store_secret(
            "cat >&2; exit 3",
            &Secret::new("CANARY-S2"),
            Duration::from_secs(5),
        )
        .unwrap_err();
        let e = e.to_string();
        assert!(e.contains('3') && !e.contains("CANARY-S2"), "{e}");
        let _ = std::fs::remove_dir_all(dir);
    }
}

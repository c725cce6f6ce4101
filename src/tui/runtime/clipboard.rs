//! The clipboard, by OSC 52: the terminal sets it, and nothing tells whether it did.
//! Under tmux, whose default `set-clipboard external` ignores an application's OSC
//! 52, the text is also loaded into the paste buffer [`TMUX_BUFFER`] (and from there
//! to the outer terminal where tmux may). An empty OSC 52 clears the clipboard in
//! some terminals, but tmux ignores it, so a copied secret is overwritten with
//! [`PLACEHOLDER`] (which tmux and terminals take) and then cleared where the
//! terminal allows it; every tmux buffer holding the secret is deleted.

use crate::secret::Secret;
use crate::tui::app::SECRET_TTL;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Longest wait for tmux to delete its copies of a secret.
const TMUX_WAIT: Duration = Duration::from_millis(500);

/// What replaces a copied secret.
pub const PLACEHOLDER: &str = "-";

/// Test-only: seconds before a copied secret is overwritten, to shorten the 30 s in
/// end-to-end tests. Never lengthens it.
pub const TTL_ENV: &str = "TELCREDS_CLIPBOARD_SECS";

/// The tmux paste buffer a copy is loaded into under tmux.
pub const TMUX_BUFFER: &str = "telcreds";

/// True when running inside tmux (`$TMUX` set).
pub fn under_tmux() -> bool {
    std::env::var_os("TMUX").is_some()
}

/// Where a copy goes, as a message says it ("… copied {destination}").
pub fn destination(tmux: bool) -> String {
    if tmux {
        format!("to tmux buffer \"{TMUX_BUFFER}\" (prefix ] pastes it) and by OSC 52")
    } else {
        "by OSC 52 to the terminal's clipboard (if the terminal allows OSC 52)".to_string()
    }
}

/// What tmux did not do with a copy.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// `tmux load-buffer` failed.
    #[error("tmux refused the copy (load-buffer failed)")]
    Refused,
    /// tmux could not be run.
    #[error("could not copy to tmux: {0}")]
    NoTmux(std::io::Error),
}

/// Puts `text` on the clipboard by OSC 52 and, under tmux, in [`TMUX_BUFFER`]; `Err`
/// says what tmux refused.
pub fn copy(text: &str) -> Result<(), CopyError> {
    osc52(text);
    if under_tmux() {
        load_tmux_buffer(text)?;
    }
    Ok(())
}

/// Sends `text` by OSC 52.
fn osc52(text: &str) {
    use crossterm::clipboard::CopyToClipboard;
    let _ = crossterm::execute!(std::io::stdout(), CopyToClipboard::to_clipboard_from(text));
}

/// Loads `text` (on stdin, never in an argument) into [`TMUX_BUFFER`], and with `-w`
/// to the outer terminal where tmux may (tmux 3.2 and later; retried without it).
fn load_tmux_buffer(text: &str) -> Result<(), CopyError> {
    let load = |args: &[&str]| -> std::io::Result<bool> {
        use std::io::Write;
        let mut child = Command::new("tmux")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(text.as_bytes())?;
        }
        Ok(child.wait()?.success())
    };
    let with_w = ["load-buffer", "-w", "-b", TMUX_BUFFER, "-"];
    let without = ["load-buffer", "-b", TMUX_BUFFER, "-"];
    match load(&with_w).and_then(|ok| if ok { Ok(true) } else { load(&without) }) {
        Ok(true) => Ok(()),
        Ok(false) => Err(CopyError::Refused),
        Err(e) => Err(CopyError::NoTmux(e)),
    }
}

/// Replaces whatever is on the clipboard with [`PLACEHOLDER`], then clears it where
/// the terminal honours an empty OSC 52.
pub fn overwrite() {
    let _ = copy(PLACEHOLDER);
    osc52("");
}

/// Under tmux, deletes every paste buffer that holds `secret`, waiting at most
/// [`TMUX_WAIT`]. Returns how many were deleted.
pub fn forget_in_tmux(secret: &Secret) -> usize {
    if !under_tmux() {
        return 0;
    }
    let secret = secret.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(delete_tmux_buffers(&secret));
    });
    rx.recv_timeout(TMUX_WAIT).unwrap_or(0)
}

fn delete_tmux_buffers(secret: &Secret) -> usize {
    let names = tmux(&["list-buffers", "-F", "#{buffer_name}"]).unwrap_or_default();
    names
        .lines()
        .map(str::trim)
        .filter(|name| {
            tmux(&["show-buffer", "-b", name]).is_some_and(|text| text == secret.expose())
        })
        .filter(|name| tmux(&["delete-buffer", "-b", name]).is_some())
        .count()
}

/// Runs one tmux command; its stdout when it succeeded.
fn tmux(args: &[&str]) -> Option<String> {
    let out = Command::new("tmux")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// How long a copied secret stays: [`SECRET_TTL`], or a shorter `value` of [`TTL_ENV`].
pub fn ttl(value: Option<&str>) -> Duration {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .filter(|d| !d.is_zero() && *d < SECRET_TTL)
        .unwrap_or(SECRET_TTL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_knob_only_shortens_the_delay() {
        assert_eq!(ttl(None), SECRET_TTL);
        assert_eq!(ttl(Some("2")), Duration::from_secs(2));
        for ignored in ["0", "300", "soon", ""] {
            assert_eq!(ttl(Some(ignored)), SECRET_TTL, "{ignored}");
        }
    }
}

//! The clipboard, by OSC 52: the terminal (or tmux) sets it, and nothing tells whether
//! it did. An empty OSC 52 clears the clipboard in some terminals, but tmux ignores it,
//! so a copied secret is overwritten with [`PLACEHOLDER`] (which tmux and terminals
//! take) and then cleared where the terminal allows it. Under tmux, every copy of
//! OSC 52 is also kept as a paste buffer: the buffers holding the secret are deleted.

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

/// Puts `text` on the clipboard.
pub fn copy(text: &str) {
    use crossterm::clipboard::CopyToClipboard;
    let _ = crossterm::execute!(std::io::stdout(), CopyToClipboard::to_clipboard_from(text));
}

/// Replaces whatever is on the clipboard with [`PLACEHOLDER`], then clears it where
/// the terminal honours an empty OSC 52.
pub fn overwrite() {
    copy(PLACEHOLDER);
    copy("");
}

/// Under tmux (`$TMUX` set), deletes every paste buffer that holds `secret`, waiting
/// at most [`TMUX_WAIT`]. Returns how many were deleted.
pub fn forget_in_tmux(secret: &Secret) -> usize {
    if std::env::var_os("TMUX").is_none() {
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

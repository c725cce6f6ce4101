//! Time as an input: the event loop reads the system clock and hands it to the app;
//! the update code never reads it. Every deadline (a flash message expiring, a
//! revealed secret hiding, the clipboard overwrite, auto-refresh, a relative time
//! such as "4m ago" turning into "5m ago") is derived from state and this clock, so
//! an idle app wakes exactly when something on screen must change.

use chrono::{DateTime, Utc};
use std::time::{Duration, Instant};

/// A moment, as the app sees it: monotonic for deadlines, wall time for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// For deadlines.
    pub mono: Instant,
    /// For what is shown ("4m ago").
    pub wall: DateTime<Utc>,
}

/// The time and what waits on it: a revealed secret, the clipboard's overwrite,
/// auto-refresh.
pub struct Timers {
    /// The time, as last handed in by the event loop.
    pub(super) clock: Clock,
    /// The SIP credential whose password is shown, and until when.
    pub(super) revealed: Option<(String, Instant)>,
    /// When the copied secret on the clipboard is to be overwritten.
    pub(crate) clipboard_clear_at: Option<Instant>,
    /// How long a copied secret stays on the clipboard ([`super::SECRET_TTL`] but in
    /// tests).
    pub(crate) clipboard_ttl: Duration,
    /// Where a copy goes, as the message says it
    /// ([`crate::tui::runtime::clipboard::destination`]).
    pub(crate) clipboard_destination: String,
    /// When auto-refresh next reloads; `None` while it is off or paused.
    pub(crate) auto_refresh_at: Option<Instant>,
    /// True once auto-refresh was turned on (the header then shows its state).
    pub(crate) auto_refresh_used: bool,
}

impl Timers {
    /// At `clock`, nothing revealed or copied, auto-refresh off.
    pub(super) fn new(clock: Clock) -> Timers {
        Timers {
            clock,
            revealed: None,
            clipboard_clear_at: None,
            clipboard_ttl: super::SECRET_TTL,
            clipboard_destination: crate::tui::runtime::clipboard::destination(false),
            auto_refresh_at: None,
            auto_refresh_used: false,
        }
    }
}

impl Clock {
    /// The system clock now. Called by the event loop, never by update code.
    pub fn system() -> Clock {
        Clock {
            mono: Instant::now(),
            wall: Utc::now(),
        }
    }

    /// This moment, `by` later.
    pub fn advanced(self, by: Duration) -> Clock {
        Clock {
            mono: self.mono + by,
            wall: self.wall + chrono::Duration::from_std(by).unwrap_or_default(),
        }
    }

    /// The monotonic instant at which the wall clock shows `wall` (now, if past).
    pub fn instant_at(&self, wall: DateTime<Utc>) -> Instant {
        let ahead = (wall - self.wall).to_std().unwrap_or_default();
        self.mono + ahead
    }
}

/// When "… ago" for `t` next changes its text, as shown by
/// [`crate::domain::time::ago`] (seconds, then minutes, hours, days).
pub fn next_age_change(t: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    let age = (now - t).num_seconds();
    let step = match age {
        ..0 => return t,
        0..=59 => 1,
        60..=3599 => 60,
        3600..=86_399 => 3600,
        _ => 86_400,
    };
    t + chrono::Duration::seconds((age / step + 1) * step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::ago;
    use chrono::TimeZone;

    #[test]
    fn the_next_age_change_is_when_the_text_changes() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        for secs in [0, 5, 59, 60, 61, 3599, 3600, 86_399, 86_400, 200_000] {
            let now = t + chrono::Duration::seconds(secs);
            let next = next_age_change(t, now);
            assert!(next > now, "{secs}");
            let before = next - chrono::Duration::milliseconds(1);
            assert_eq!(
                ago(Some(t), before),
                ago(Some(t), now),
                "{secs}: stays until then"
            );
            assert_ne!(
                ago(Some(t), next),
                ago(Some(t), now),
                "{secs}: changes then"
            );
        }
    }
}

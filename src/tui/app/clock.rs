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
    clock: Clock,
    /// The secret shown (a SIP credential's id, or [`super::NEW_TOKEN`]), and until
    /// when.
    revealed: Option<(String, Instant)>,
    /// When the copied secret on the clipboard is to be overwritten.
    clipboard_clear_at: Option<Instant>,
    /// How long a copied secret stays on the clipboard ([`super::SECRET_TTL`] but in
    /// tests).
    clipboard_ttl: Duration,
    /// Where a copy goes, as the message says it
    /// ([`crate::tui::runtime::clipboard::destination`]).
    clipboard_destination: String,
    /// When auto-refresh next reloads; `None` while it is off or paused.
    auto_refresh_at: Option<Instant>,
    /// True once auto-refresh was turned on (the header then shows its state).
    auto_refresh_used: bool,
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

    /// The time last handed in.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The wall time to show.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.wall
    }

    /// Hands it the time; the event loop does before every update.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// True when the secret `id` is revealed.
    pub fn is_revealed(&self, id: &str) -> bool {
        self.revealed.as_ref().is_some_and(|(r, _)| r == id)
    }

    /// Reveals the secret `id` for [`super::SECRET_TTL`] (any other one hides).
    pub(super) fn reveal(&mut self, id: String) {
        self.revealed = Some((id, self.clock.mono + super::SECRET_TTL));
    }

    /// Hides the secret revealed, if any.
    pub(super) fn hide(&mut self) {
        self.revealed = None;
    }

    /// Hides the secret revealed once its time is up, and says which it was.
    pub(super) fn hide_expired(&mut self) -> Option<String> {
        if self
            .revealed
            .as_ref()
            .is_some_and(|(_, t)| *t <= self.clock.mono)
        {
            return self.revealed.take().map(|(id, _)| id);
        }
        None
    }

    /// A secret was copied: the clipboard is overwritten after the delay returned.
    pub(super) fn clear_clipboard_later(&mut self) -> Duration {
        self.clipboard_clear_at = Some(self.clock.mono + self.clipboard_ttl);
        self.clipboard_ttl
    }

    /// An identifier was copied: it may stay on the clipboard.
    pub(super) fn keep_clipboard(&mut self) {
        self.clipboard_clear_at = None;
    }

    /// True, once, when the copied secret is due to be overwritten.
    pub(super) fn clipboard_due(&mut self) -> bool {
        let due = self
            .clipboard_clear_at
            .is_some_and(|t| t <= self.clock.mono);
        if due {
            self.clipboard_clear_at = None;
        }
        due
    }

    /// True while a copied secret waits to be overwritten.
    pub(crate) fn clipboard_pending(&self) -> bool {
        self.clipboard_clear_at.is_some()
    }

    /// Where a copy goes, as a message says it.
    pub(super) fn clipboard_destination(&self) -> &str {
        &self.clipboard_destination
    }

    /// How long a copied secret stays on the clipboard, and where a copy goes.
    pub(crate) fn set_clipboard(&mut self, ttl: Duration, destination: String) {
        self.clipboard_ttl = ttl;
        self.clipboard_destination = destination;
    }

    /// Turns auto-refresh on, or pauses it; true when it is now on.
    pub(super) fn toggle_auto_refresh(&mut self) -> bool {
        self.auto_refresh_used = true;
        if self.auto_refresh_at.take().is_some() {
            return false;
        }
        self.auto_refresh_at = Some(self.clock.mono + super::AUTO_REFRESH);
        true
    }

    /// True when auto-refresh is due; the next one is then set.
    pub(super) fn auto_refresh_due(&mut self) -> bool {
        let now = self.clock.mono;
        let due = self.auto_refresh_at.is_some_and(|t| t <= now);
        if due {
            self.auto_refresh_at = Some(now + super::AUTO_REFRESH);
        }
        due
    }

    /// Whether auto-refresh runs; `None` until it was first turned on.
    pub(crate) fn auto_refresh(&self) -> Option<bool> {
        self.auto_refresh_used
            .then_some(self.auto_refresh_at.is_some())
    }

    /// The next of its deadlines: a secret hides, the clipboard is overwritten,
    /// auto-refresh runs.
    pub(super) fn next_deadline(&self) -> Option<Instant> {
        let revealed = self.revealed.as_ref().map(|(_, t)| *t);
        [revealed, self.clipboard_clear_at, self.auto_refresh_at]
            .into_iter()
            .flatten()
            .min()
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

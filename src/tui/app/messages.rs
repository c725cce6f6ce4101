//! The status line: the flash message under the hints, the spinner, and the message
//! log, every flash message kept for `:messages` (as vim and k9s keep theirs), so
//! that one longer than the status line can be read whole.

use super::Clock;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// A one-line message under the hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// The text.
    pub text: String,
    /// Shown in the error style.
    pub error: bool,
    /// When it goes away (errors stay longer).
    pub until: Instant,
    /// Progress ("refreshing…"): goes away when the lists have loaded.
    pub progress: bool,
}

/// How long a flash message stays; an error stays three times as long.
pub const FLASH_TTL: Duration = Duration::from_secs(10);

/// How many messages the log keeps; the oldest go first.
pub const MESSAGES_KEPT: usize = 100;

/// A flash message as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// When it was shown.
    pub time: DateTime<Utc>,
    /// The text, on one line, without control characters.
    pub text: String,
    /// Shown as an error.
    pub error: bool,
}

/// The last [`MESSAGES_KEPT`] messages, oldest first.
#[derive(Debug, Default)]
pub struct MessageLog {
    kept: VecDeque<Message>,
}

impl MessageLog {
    /// Keeps `message`, forgetting the oldest one when full.
    pub fn push(&mut self, message: Message) {
        if self.kept.len() == MESSAGES_KEPT {
            self.kept.pop_front();
        }
        self.kept.push_back(message);
    }

    /// The messages, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Message> {
        self.kept.iter()
    }
}

/// The status line: the flash message, the log of every one shown, the spinner.
#[derive(Debug, Default)]
pub struct Status {
    /// The flash line.
    pub flash: Option<Flash>,
    /// Every flash message, for `:messages`.
    messages: MessageLog,
    /// Spinner frame.
    spinner: usize,
}

impl Status {
    /// Shows a flash message at `clock` (on one line, without control characters)
    /// and keeps it in the message log.
    pub fn set_flash(&mut self, text: impl Into<String>, error: bool, clock: Clock) {
        let text = crate::text::printable(&text.into()).into_owned();
        self.messages.push(Message {
            time: clock.wall,
            text: text.clone(),
            error,
        });
        self.show(text, error, false, clock.mono);
    }

    /// Shows a progress message at `clock` that goes away once the lists have loaded
    /// (not kept in the log).
    pub fn set_progress(&mut self, text: impl Into<String>, clock: Clock) {
        let text = crate::text::printable(&text.into()).into_owned();
        self.show(text, false, true, clock.mono);
    }

    fn show(&mut self, text: String, error: bool, progress: bool, now: Instant) {
        let ttl = if error { FLASH_TTL * 3 } else { FLASH_TTL };
        self.flash = Some(Flash {
            text,
            error,
            until: now + ttl,
            progress,
        });
    }

    /// The messages shown so far (the last [`MESSAGES_KEPT`]), oldest first.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter()
    }

    /// Clears the flash line (a dialog takes the screen, another profile is shown).
    pub(super) fn clear_flash(&mut self) {
        self.flash = None;
    }

    /// A new action makes an error or a progress message about an earlier one
    /// untrue: it goes. A success message stays its time.
    pub(super) fn drop_stale(&mut self) {
        if self.flash.as_ref().is_some_and(|f| f.error || f.progress) {
            self.flash = None;
        }
    }

    /// Ends a progress message (the lists it waited for have loaded).
    pub(super) fn end_progress(&mut self) {
        if self.flash.as_ref().is_some_and(|f| f.progress) {
            self.flash = None;
        }
    }

    /// Clears the flash message once its time is up at `now`.
    pub(super) fn expire(&mut self, now: Instant) {
        if self.flash.as_ref().is_some_and(|f| f.until <= now) {
            self.flash = None;
        }
    }

    /// When the flash message goes away, if one is shown.
    pub(super) fn deadline(&self) -> Option<Instant> {
        self.flash.as_ref().map(|f| f.until)
    }

    /// Advances the spinner (on ticks while busy).
    pub(crate) fn tick(&mut self) {
        self.spinner = self.spinner.wrapping_add(1);
    }

    /// The spinner's frame.
    pub(crate) fn spinner(&self) -> usize {
        self.spinner
    }
}

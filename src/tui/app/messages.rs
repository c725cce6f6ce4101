//! The message log: every flash message, kept for `:messages` (as vim and k9s keep
//! theirs), so that one longer than the status line can be read whole.

use super::Flash;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

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
    pub(super) messages: MessageLog,
    /// Spinner frame.
    pub(crate) spinner: usize,
}

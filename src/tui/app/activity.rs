//! What was changed in this session, newest first, for the Activity tab.

use crate::tui::list::Row;
use chrono::{DateTime, Utc};
use std::cmp::Ordering;

/// One mutation and how it ended. Never holds a secret.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityEntry {
    /// Sequence number, unique in the session.
    pub seq: u64,
    /// When it finished.
    pub at: DateTime<Utc>,
    /// Profile name.
    pub profile: String,
    /// e.g. `create SIP credential`.
    pub action: String,
    /// The item's name or id.
    pub target: String,
    /// `None` on success, the platform's error otherwise.
    pub error: Option<String>,
    id: String,
}

impl ActivityEntry {
    /// Builds an entry.
    pub fn new(
        seq: u64,
        at: DateTime<Utc>,
        profile: &str,
        action: &str,
        target: &str,
        error: Option<String>,
    ) -> Self {
        ActivityEntry {
            seq,
            at,
            profile: profile.to_string(),
            action: action.to_string(),
            target: target.to_string(),
            error,
            id: seq.to_string(),
        }
    }
}

impl Row for ActivityEntry {
    fn id(&self) -> &str {
        &self.id
    }

    fn matches(&self, needle: &str) -> bool {
        [&self.profile, &self.action, &self.target]
            .iter()
            .any(|s| s.to_lowercase().contains(needle))
            || self
                .error
                .as_deref()
                .is_some_and(|e| e.to_lowercase().contains(needle))
    }

    fn compare(&self, other: &Self, _column: usize) -> Ordering {
        self.seq.cmp(&other.seq)
    }
}

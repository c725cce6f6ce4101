//! The Activity tab: the audit journal, newest first, filterable.

use crate::domain::needle::Needle;
use crate::journal::JournalEntry;
use crate::tui::app::list::Row;
use crate::tui::app::sort_key::SortKey;

/// One journal entry as a row, with a sequence number as its id.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityEntry {
    /// Position in the journal (older entries have smaller numbers).
    pub seq: u64,
    /// The entry.
    pub entry: JournalEntry,
    id: String,
}

impl ActivityEntry {
    /// Wraps a journal entry.
    pub fn new(seq: u64, entry: JournalEntry) -> Self {
        ActivityEntry {
            seq,
            entry,
            id: seq.to_string(),
        }
    }

    /// The target as shown: its name, else its id.
    pub fn target(&self) -> &str {
        let t = &self.entry.target;
        t.name.as_deref().filter(|n| !n.is_empty()).unwrap_or(&t.id)
    }
}

impl Row for ActivityEntry {
    fn id(&self) -> &str {
        &self.id
    }

    fn matches(&self, needle: &Needle) -> bool {
        let e = &self.entry;
        [
            e.profile.as_deref().unwrap_or_default(),
            e.action.as_str(),
            e.outcome.as_str(),
            self.target(),
            &e.target.id,
            e.error.as_deref().unwrap_or_default(),
            e.detail.as_deref().unwrap_or_default(),
        ]
        .iter()
        .any(|field| needle.is_in(field))
    }

    fn sort_key(&self, _column: usize, key: SortKey) -> SortKey {
        key.number(self.seq)
    }
}

//! What an operation could not record: typed, with the file and the reason.

use crate::journal::JournalError;
use std::fmt;
use std::path::PathBuf;

/// Which local store could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// The audit journal.
    Journal,
    /// The verification history.
    History,
}

/// A record that could not be written. The change itself did happen (or not, as
/// its result says): this must be shown, never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Which store.
    pub store: Store,
    /// The file.
    pub path: PathBuf,
    /// Why it could not be written.
    pub reason: String,
}

impl Warning {
    /// A warning about `store`.
    pub fn new(store: Store, error: JournalError) -> Warning {
        Warning {
            store,
            path: error.path,
            reason: error.source.to_string(),
        }
    }
}

/// Serialized as its message, like any other warning in JSON output.
impl serde::Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.store {
            Store::Journal => "the audit journal",
            Store::History => "the verification history",
        };
        write!(
            f,
            "could not write {what} at {}: {}",
            self.path.display(),
            self.reason
        )
    }
}

/// Appends `entry` to the journal; a warning when it cannot.
pub(crate) fn write_journal(
    journal: &crate::journal::Journal,
    entry: &crate::journal::JournalEntry,
) -> Option<Warning> {
    journal
        .append(entry)
        .err()
        .map(|e| Warning::new(Store::Journal, e))
}

/// Appends `record` to a provider's history; a warning when it cannot.
pub(crate) fn write_history(
    history: &crate::history::History,
    profile: &str,
    provider_id: &str,
    record: &crate::history::Record,
) -> Option<Warning> {
    history
        .append(profile, provider_id, record)
        .err()
        .map(|e| Warning::new(Store::History, e))
}

//! What an operation could not record: typed, with the file and the reason.

use crate::journal::JournalError;
use std::fmt;

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
#[derive(Debug)]
pub struct Warning {
    /// Which store.
    pub store: Store,
    /// The file and the reason.
    pub error: JournalError,
}

impl Warning {
    /// A warning about `store`.
    pub fn new(store: Store, error: JournalError) -> Warning {
        Warning { store, error }
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
            self.error.path.display(),
            self.error.source
        )
    }
}

//! Recording what commands change: an audit journal entry per mutation, a history
//! record per verification result, and a loud `warning:` when either cannot be
//! written (the command's own exit code is kept: the change did happen).

use super::Context;
use crate::api::TwilioVerdict;
use crate::domain::VerificationResult;
use crate::history::Record;
use crate::journal::{Action, JournalEntry, JournalTarget, TargetKind};

/// Prints a warning on stderr, where it cannot be mistaken for output.
pub fn warn(message: &str) {
    eprintln!("warning: {}", crate::text::printable_lines(message));
}

/// Prints each warning.
pub fn warn_all<'a>(messages: impl IntoIterator<Item = &'a String>) {
    for m in messages {
        warn(m);
    }
}

impl Context {
    /// Journals one mutation of `kind` `id` (named `name`) with its result.
    pub fn audit<T>(
        &self,
        action: Action,
        kind: TargetKind,
        id: &str,
        name: Option<String>,
        result: &Result<T, crate::api::ApiError>,
    ) {
        let entry = JournalEntry::new(action, JournalTarget::new(kind, id, name))
            .on(&self.profile)
            .result(result);
        if let Some(w) = self.journal.record(&entry) {
            warn(&w);
        }
    }

    /// Appends a platform verification result to the provider's history.
    pub fn record_verification(&self, provider_id: &str, r: &VerificationResult) {
        let record = Record::from_verification(r);
        self.record_history(provider_id, &record);
    }

    /// Appends a Twilio check made by telcreds to the provider's history.
    pub fn record_twilio_check(&self, provider_id: &str, verdict: &TwilioVerdict) {
        self.record_history(provider_id, &Record::from_twilio(verdict));
    }

    fn record_history(&self, provider_id: &str, record: &Record) {
        if let Some(w) = self.history.record(&self.profile.name, provider_id, record) {
            warn(&w);
        }
    }
}

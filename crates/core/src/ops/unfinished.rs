//! What the journal shows unfinished, read once for every frontend: `rotate status`,
//! the doctor, the UI's header and the epilogue when the UI closes mid-rotation.

use super::carrier_rotation::{UnfinishedCarrierRun, unfinished_carrier_runs};
use super::rotation::{UnfinishedRun, UnstoredToken, unfinished_runs, unstored_tokens};
use crate::journal::{Journal, JournalEntry, ReadError};
use std::sync::Arc;

/// The rotations the journal shows started and not finished, and the new tokens it
/// shows handed to a `store_cmd` that never ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unfinished {
    /// Token rotations: a secondary created and neither promoted nor deleted.
    pub runs: Vec<UnfinishedRun>,
    /// New tokens that may be stored nowhere.
    pub unstored: Vec<UnstoredToken>,
    /// Rotations of a SIP credential at both ends.
    pub carrier: Vec<UnfinishedCarrierRun>,
}

impl Unfinished {
    /// What `entries` (the whole journal, oldest first) show unfinished.
    pub fn of(entries: &[JournalEntry]) -> Unfinished {
        Unfinished {
            runs: unfinished_runs(entries),
            unstored: unstored_tokens(entries),
            carrier: unfinished_carrier_runs(entries),
        }
    }

    /// What `journal` shows unfinished (read off the async threads), with a warning
    /// per line it could not read; a journal that cannot be read is the error (what
    /// is unfinished is then unknown, never "nothing").
    pub async fn read(journal: &Journal) -> Result<(Unfinished, Vec<String>), ReadError> {
        let (entries, warnings) = journal.read_checked().await?;
        Ok((Unfinished::of(&entries), warnings))
    }
}

/// A rotation not started because the audit journal cannot be read: it records each
/// step there before sending it, and tells an unfinished run from it.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{0}: a rotation records each step in the audit journal before it is sent, so none is \
     started without it"
)]
pub struct JournalNeeded(pub Arc<ReadError>);

/// The whole journal, as the Activity tab lists it, with what it shows unfinished.
#[derive(Debug, Clone, Default)]
pub struct JournalRead {
    /// Every entry, oldest first.
    pub entries: Vec<JournalEntry>,
    /// One line per line that could not be read.
    pub warnings: Vec<String>,
    /// What the entries show unfinished.
    pub unfinished: Unfinished,
}

impl super::Stores {
    /// Reads the journal (off the async threads) and what it shows unfinished; a
    /// journal that cannot be read is the error.
    pub async fn read_journal(&self) -> Result<JournalRead, ReadError> {
        let (entries, warnings) = self.journal.read_checked().await?;
        Ok(JournalRead {
            unfinished: Unfinished::of(&entries),
            entries,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Action, JournalTarget, Outcome, TargetKind};

    fn account(sid: &str, action: Action, outcome: Outcome) -> JournalEntry {
        let mut e = JournalEntry::new(
            action,
            JournalTarget::new(TargetKind::TwilioAccount, sid, None),
        );
        e.outcome = outcome;
        e
    }

    #[tokio::test]
    async fn a_journal_is_read_once_for_runs_and_unstored_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(dir.path().join("journal.jsonl"));
        assert_eq!(
            Unfinished::read(&journal).await.unwrap().0,
            Unfinished::default()
        );
        let (parked, stored) = (
            "AC00000000000000000000000000000001",
            "AC00000000000000000000000000000002",
        );
        for e in [
            account(parked, Action::RotationSecondaryCreate, Outcome::Ok),
            account(stored, Action::RotationPromote, Outcome::Ok),
            account(stored, Action::RotationStore, Outcome::Sent),
        ] {
            journal.append(&e).unwrap();
        }
        let (unfinished, warnings) = Unfinished::read(&journal).await.unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let runs: Vec<&str> = unfinished
            .runs
            .iter()
            .map(|r| r.account_sid.as_str())
            .collect();
        let unstored: Vec<&str> = unfinished
            .unstored
            .iter()
            .map(|u| u.account_sid.as_str())
            .collect();
        assert_eq!((runs, unstored), (vec![parked], vec![stored]));
        assert!(unfinished.carrier.is_empty());
    }
}

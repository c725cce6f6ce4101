//! What the journal knows about a zero-downtime rotation that did not finish: when
//! its secondary token was created and, per target, which token telcreds last put
//! there. Every step is journaled before it is sent (`sent`) and again when it ends,
//! so a run is rebuilt from the journal alone after a crash, `kill -9` or a closed
//! laptop, and a request in flight at the crash reads as unknown, never as old.

use crate::journal::{Action, JournalEntry, Outcome, TargetKind};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Which token a target holds, as far as the journal knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Holds {
    /// The new (secondary) token: its update was confirmed.
    New,
    /// The old token: never changed, skipped, refused, or put back.
    Old,
    /// Sent with no clear answer, or in flight when the process stopped.
    Unknown,
}

impl Holds {
    /// The word shown for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Holds::New => "new",
            Holds::Old => "old",
            Holds::Unknown => "unknown",
        }
    }
}

/// One target of an unfinished run, as the journal recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetRecord {
    /// The profile.
    pub profile: String,
    /// The provider's id.
    pub provider: String,
    /// The provider's name, when recorded.
    pub name: Option<String>,
    /// Which token it holds.
    pub holds: Holds,
    /// What was recorded, in words ("new token recorded", "sent, no answer").
    pub recorded: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A zero-downtime rotation whose secondary token was created and neither promoted
/// nor deleted, rebuilt from the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnfinishedRun {
    /// The account.
    pub account_sid: String,
    /// Where it stopped, in words.
    pub stage: String,
    /// When its secondary was created.
    pub started: DateTime<Utc>,
    /// Every target a step was recorded for, in the order first recorded.
    pub targets: Vec<TargetRecord>,
    /// A promotion was sent and no answer recorded: the old token may be dead.
    pub promotion_sent: bool,
}

impl UnfinishedRun {
    /// Where it stands and how to finish it, in the words every frontend uses.
    pub fn not_finished(&self) -> String {
        format!(
            "the rotation of {sid} is NOT finished: {stage}; the leaked token still works \
             until it is promoted, and {WEBHOOKS} (parked for {parked}). Finish it with \
             `telcreds rotate twilio --account-sid {sid} --promote` (once every target holds \
             the new token) or `--abort`; `telcreds rotate status` shows which token each \
             target holds",
            sid = self.account_sid,
            stage = self.stage,
            parked = parked_for(self.started),
        )
    }

    /// What the journal says target `provider` of `profile` holds: "no update
    /// recorded" (the old token) when nothing was.
    pub fn holds(&self, profile: &str, provider: &str) -> (Holds, String) {
        self.targets
            .iter()
            .find(|t| t.profile == profile && t.provider == provider)
            .map_or((Holds::Old, "no update recorded".to_string()), |t| {
                (t.holds, format!("{} at {}", t.recorded, clock(t.at)))
            })
    }
}

/// Why a parked run is not harmless: Twilio signs the webhooks it sends with the
/// primary token (its error 57012 names "a secondary token that has not been
/// promoted"), so a platform checking signatures with the token telcreds gave it may
/// reject them.
pub const WEBHOOKS: &str = "targets on the new token may reject Twilio's inbound webhooks \
     (signed with the primary token) until it is promoted or aborted";

/// How long since `since`, in words: `3 min`, `2 h 5 min`.
fn parked_for(since: DateTime<Utc>) -> String {
    let minutes = (Utc::now() - since).num_minutes().max(0);
    match minutes {
        0 => "under a minute".to_string(),
        m if m < 60 => format!("{m} min"),
        m => format!("{} h {} min", m / 60, m % 60),
    }
}

/// `11:08Z` today, else `2026-12-07 11:08Z`.
fn clock(at: DateTime<Utc>) -> String {
    if at.date_naive() == Utc::now().date_naive() {
        at.format("%H:%MZ").to_string()
    } else {
        at.format("%Y-%m-%d %H:%MZ").to_string()
    }
}

/// A promotion whose new token was handed to `store_cmd`, which never ended (the
/// process stopped): the new primary may be stored nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnstoredToken {
    /// The account.
    pub account_sid: String,
    /// When `store_cmd` was started.
    pub since: DateTime<Utc>,
}

impl UnstoredToken {
    /// What it means and what to do, in the words every frontend uses.
    pub fn message(&self) -> String {
        format!(
            "{} was promoted, and the new primary token was handed to store_cmd at {}, \
             which never ended (telcreds stopped): it may be stored nowhere. Read it in the \
             Twilio console and put it in the account's token source",
            self.account_sid,
            clock(self.since)
        )
    }
}

/// Every account whose last store step was started and never ended.
pub fn unstored_tokens(entries: &[JournalEntry]) -> Vec<UnstoredToken> {
    let mut last: Vec<(String, &JournalEntry)> = Vec::new();
    for e in entries
        .iter()
        .filter(|e| e.target.kind == TargetKind::TwilioAccount && e.action == Action::RotationStore)
    {
        match last
            .iter_mut()
            .find(|(sid, _)| sid.eq_ignore_ascii_case(&e.target.id))
        {
            Some(slot) => slot.1 = e,
            None => last.push((e.target.id.clone(), e)),
        }
    }
    last.into_iter()
        .filter(|(_, e)| e.outcome == Outcome::Sent)
        .map(|(account_sid, e)| UnstoredToken {
            account_sid,
            since: e.time,
        })
        .collect()
}

/// Every unfinished run in `entries` (oldest first), one per account.
pub fn unfinished_runs(entries: &[JournalEntry]) -> Vec<UnfinishedRun> {
    let mut accounts: Vec<String> = Vec::new();
    for e in entries {
        if e.target.kind == TargetKind::TwilioAccount
            && e.action == Action::RotationSecondaryCreate
            && !accounts
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&e.target.id))
        {
            accounts.push(e.target.id.clone());
        }
    }
    accounts
        .iter()
        .filter_map(|sid| unfinished_run(entries, sid))
        .collect()
}

/// The unfinished run of `sid` in `entries`, if there is one.
pub fn unfinished_run(entries: &[JournalEntry], sid: &str) -> Option<UnfinishedRun> {
    let started = super::mint::unfinished_in(entries, sid)?;
    let mut targets: Vec<TargetRecord> = Vec::new();
    let mut promotion_sent = false;
    for e in entries.iter().filter(|e| e.time >= started) {
        let ours = |id: &str| id.eq_ignore_ascii_case(sid);
        if e.target.kind == TargetKind::TwilioAccount
            && ours(&e.target.id)
            && e.action == Action::RotationPromote
        {
            promotion_sent = e.outcome == Outcome::Sent || e.outcome == Outcome::Unknown;
            continue;
        }
        if !e.account.as_deref().is_some_and(ours) {
            continue;
        }
        let Some((holds, recorded)) = step_holds(e) else {
            continue;
        };
        let profile = e.profile.clone().unwrap_or_default();
        let record = TargetRecord {
            profile: profile.clone(),
            provider: e.target.id.clone(),
            name: e.target.name.clone(),
            holds,
            recorded,
            at: e.time,
        };
        match targets
            .iter_mut()
            .find(|t| t.profile == profile && t.provider == e.target.id)
        {
            Some(t) => *t = record,
            None => targets.push(record),
        }
    }
    Some(UnfinishedRun {
        account_sid: sid.to_string(),
        stage: stage(&targets, promotion_sent),
        started,
        targets,
        promotion_sent,
    })
}

/// What one journaled step leaves the target holding; `None` for a step that changes
/// no token (a verification).
fn step_holds(e: &JournalEntry) -> Option<(Holds, String)> {
    let update = match e.action {
        Action::RotationUpdate => true,
        Action::RotationRestore => false,
        _ => return None,
    };
    let (put, kept) = if update {
        (Holds::New, Holds::Old)
    } else {
        (Holds::Old, Holds::New)
    };
    let token = if update { "new token" } else { "old token" };
    Some(match e.outcome {
        Outcome::Ok => (put, format!("{token} recorded")),
        Outcome::Sent => (Holds::Unknown, format!("{token} sent, no answer recorded")),
        Outcome::Unknown => (Holds::Unknown, format!("{token} sent, no clear answer")),
        Outcome::Failed => (kept, format!("{token} refused")),
        Outcome::Skipped => (kept, "skipped".to_string()),
    })
}

/// Where a run stopped, from what its targets hold.
fn stage(targets: &[TargetRecord], promotion_sent: bool) -> String {
    let count = |h: Holds| targets.iter().filter(|t| t.holds == h).count();
    let (new, unknown) = (count(Holds::New), count(Holds::Unknown));
    if promotion_sent {
        "promotion sent, no answer recorded: the old token may be dead".to_string()
    } else if new + unknown == 0 {
        "secondary created, not deployed".to_string()
    } else {
        format!(
            "deployed to {new} of {} target(s){}, NOT promoted",
            targets.len(),
            if unknown > 0 {
                format!(", {unknown} unknown")
            } else {
                String::new()
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;
    use crate::journal::JournalTarget;

    const SID: &str = "AC759b765966b5b7c9cdfaa58072348b24";

    fn account(action: Action, outcome: Outcome) -> JournalEntry {
        let mut e = JournalEntry::new(
            action,
            JournalTarget::new(TargetKind::TwilioAccount, SID, None),
        );
        e.outcome = outcome;
        e
    }

    fn target(action: Action, outcome: Outcome, profile: &str, id: &str) -> JournalEntry {
        let mut e = JournalEntry::new(
            action,
            JournalTarget::new(TargetKind::Provider, id, Some(format!("name-{id}"))),
        )
        .on_named(profile, &Platform::Dasha)
        .for_account(SID);
        e.outcome = outcome;
        e
    }

    #[test]
    fn a_crash_mid_deploy_is_rebuilt_target_by_target() {
        use Action::{RotationSecondaryCreate as Create, RotationUpdate as Update};
        use Outcome::{Ok, Sent, Skipped};
        let entries = vec![
            account(Create, Sent),
            account(Create, Ok),
            target(Update, Sent, "prod", "a"),
            target(Update, Ok, "prod", "a"),
            target(Update, Sent, "prod", "b"),
            target(Update, Skipped, "ro", "c"),
            // Another account's step is not this run's.
            target(Update, Ok, "prod", "d").for_account("AC00000000000000000000000000000001"),
        ];
        let run = unfinished_run(&entries, &SID.to_lowercase()).expect("unfinished");
        let holds: Vec<(&str, Holds)> = run
            .targets
            .iter()
            .map(|t| (t.provider.as_str(), t.holds))
            .collect();
        assert_eq!(
            holds,
            [("a", Holds::New), ("b", Holds::Unknown), ("c", Holds::Old)]
        );
        assert_eq!(
            run.stage,
            "deployed to 1 of 3 target(s), 1 unknown, NOT promoted"
        );
        assert_eq!(run.holds("prod", "x").0, Holds::Old, "no update recorded");
        assert!(
            run.holds("prod", "a")
                .1
                .starts_with("new token recorded at ")
        );
        assert_eq!(unfinished_runs(&entries).len(), 1);
    }

    #[test]
    fn a_crash_right_after_the_create_is_a_secondary_nothing_holds() {
        let entries = vec![
            account(Action::RotationSecondaryCreate, Outcome::Sent),
            account(Action::RotationSecondaryCreate, Outcome::Ok),
        ];
        let run = unfinished_run(&entries, SID).expect("unfinished");
        assert_eq!(run.stage, "secondary created, not deployed");
        assert!(run.targets.is_empty());
        assert_eq!(run.holds("prod", "a").0, Holds::Old);
        assert!(run.not_finished().contains("NOT finished"));
    }

    #[test]
    fn a_store_cmd_that_never_ended_is_told() {
        let mut entries = vec![
            account(Action::RotationPromote, Outcome::Ok),
            account(Action::RotationStore, Outcome::Sent),
        ];
        let unstored = unstored_tokens(&entries);
        assert_eq!(unstored.len(), 1);
        assert!(unstored[0].message().contains("never ended"));
        entries.push(account(Action::RotationStore, Outcome::Ok));
        assert!(unstored_tokens(&entries).is_empty());
    }

    #[test]
    fn a_restore_puts_the_old_token_back_and_a_promotion_ends_the_run() {
        use Action::{RotationPromote as Promote, RotationRestore as Restore};
        use Action::{RotationSecondaryCreate as Create, RotationUpdate as Update};
        let mut entries = vec![
            account(Create, Outcome::Ok),
            target(Update, Outcome::Ok, "prod", "a"),
            target(Restore, Outcome::Ok, "prod", "a"),
        ];
        let run = unfinished_run(&entries, SID).unwrap();
        assert_eq!(run.targets[0].holds, Holds::Old);
        entries.push(account(Promote, Outcome::Sent));
        let run = unfinished_run(&entries, SID).unwrap();
        assert!(run.stage.starts_with("promotion sent"), "{}", run.stage);
        assert!(run.promotion_sent);
        entries.push(account(Promote, Outcome::Ok));
        assert!(unfinished_run(&entries, SID).is_none());
        assert!(unfinished_runs(&entries).is_empty());
    }
}

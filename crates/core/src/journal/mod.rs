//! The audit journal: one JSON line per change telcreds made (or tried to make) on a
//! platform, at `data_dir()/journal.jsonl`. Append-only, never a secret: entries
//! name the profile, platform, target, action and outcome, and the platform's error.

pub(crate) mod jsonl;

use crate::config::Profile;
use crate::domain::Platform;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// The journal's file name inside the data directory.
pub const FILE_NAME: &str = "journal.jsonl";

/// A journal or history line could not be written; `path` says which file.
pub type JournalError = jsonl::WriteError;
pub use jsonl::ReadError;

/// The audit journal file. Opening touches nothing: the file and its directory are
/// created by the first [`Journal::append`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// The journal at `path`.
    pub fn open(path: impl Into<PathBuf>) -> Journal {
        Journal { path: path.into() }
    }

    /// Where the entries go.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line. Callers must report an error, never drop it.
    pub fn append(&self, entry: &JournalEntry) -> Result<(), JournalError> {
        jsonl::append(&self.path, entry)
    }

    /// Every entry, oldest first (newest last), with a warning per corrupt line.
    pub fn read(&self) -> (Vec<JournalEntry>, Vec<String>) {
        jsonl::read(&self.path)
    }

    /// Every entry and a warning per corrupt line, off the async threads; a journal
    /// that exists and cannot be read (or a read that could not run) is the error,
    /// never an empty journal.
    pub async fn read_checked(&self) -> Result<(Vec<JournalEntry>, Vec<String>), ReadError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || jsonl::read_or_fail(&path))
            .await
            .unwrap_or_else(|e| {
                Err(ReadError {
                    path: self.path.clone(),
                    source: std::io::Error::other(e.to_string()),
                })
            })
    }
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// When it happened (RFC 3339).
    pub time: DateTime<Utc>,
    /// The profile; `None` for steps not bound to one (the Twilio check of a rotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The profile's platform; `None` with the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// What was acted on.
    pub target: JournalTarget,
    /// The Twilio Account SID a rotation step is for (a target's update, restore or
    /// verification), so that a run can be rebuilt from the journal alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// What was done.
    pub action: Action,
    /// How it ended.
    pub outcome: Outcome,
    /// The platform's (or telcreds') error text, when it failed or was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Extra facts that are not an error, e.g. the verification status reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A step of a rotation at both ends of a SIP trunk: the carrier's side of it,
    /// so that the run can be rebuilt from the journal alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<CarrierRecord>,
}

/// An error a journal entry can tell apart: a change refused, or one sent with no
/// clear answer (it may have happened).
pub trait StepError: fmt::Display {
    /// True when the change may have happened.
    fn outcome_unknown(&self) -> bool;
}

/// The carrier's side of a rotation at both ends (sids and usernames, never a
/// password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierRecord {
    /// The Twilio trunk (`TK…`).
    pub trunk_sid: String,
    /// Its credential list (`CL…`).
    pub list_sid: String,
    /// The credential the platform used before (`CR…`).
    pub old_sid: String,
    /// Its username.
    pub old_username: String,
    /// The username of the new pair.
    pub new_username: String,
    /// The password changes under the same username.
    pub in_place: bool,
    /// The list credential this step acted on, when it acted on one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acted_on: Option<String>,
}

impl JournalEntry {
    /// A successful `action` on `target`, now, bound to no profile yet.
    pub fn new(action: Action, target: JournalTarget) -> JournalEntry {
        JournalEntry {
            time: Utc::now(),
            profile: None,
            platform: None,
            target,
            account: None,
            action,
            outcome: Outcome::Ok,
            error: None,
            detail: None,
            carrier: None,
        }
    }

    /// Binds the entry to a profile and its platform.
    pub fn on(mut self, profile: &Profile) -> JournalEntry {
        self.profile = Some(profile.name.clone());
        self.platform = Some(profile.platform.clone());
        self
    }

    /// Binds the entry to a profile known by name and platform.
    pub fn on_named(mut self, profile: &str, platform: &Platform) -> JournalEntry {
        self.profile = Some(profile.to_string());
        self.platform = Some(platform.clone());
        self
    }

    /// Names the Twilio account a rotation step is for.
    pub fn for_account(mut self, account_sid: &str) -> JournalEntry {
        self.account = Some(account_sid.to_string());
        self
    }

    /// Marks it as about to be sent: written before the request, so that a crash
    /// while it is in flight reads as "sent, no answer", never as "not done".
    pub fn sent(mut self) -> JournalEntry {
        self.outcome = Outcome::Sent;
        self
    }

    /// Marks it failed with the error's text.
    pub fn failed(mut self, error: impl fmt::Display) -> JournalEntry {
        self.outcome = Outcome::Failed;
        self.error = Some(error.to_string());
        self
    }

    /// Marks it skipped, with the reason.
    pub fn skipped(mut self, reason: impl Into<String>) -> JournalEntry {
        self.outcome = Outcome::Skipped;
        self.error = Some(reason.into());
        self
    }

    /// Ok, failed or unknown, from a call's result.
    pub fn result<T, E: StepError>(self, result: &Result<T, E>) -> JournalEntry {
        match result {
            Ok(_) => self,
            Err(e) if e.outcome_unknown() => self.unknown(e),
            Err(e) => self.failed(e),
        }
    }

    /// Marks it as sent with an unknown outcome, with the reason.
    pub fn unknown(mut self, error: impl fmt::Display) -> JournalEntry {
        self.outcome = Outcome::Unknown;
        self.error = Some(error.to_string());
        self
    }

    /// With the carrier's side of a rotation at both ends.
    pub fn carrier(mut self, record: CarrierRecord) -> JournalEntry {
        self.carrier = Some(record);
        self
    }

    /// Adds a non-error detail.
    pub fn detail(mut self, detail: impl Into<String>) -> JournalEntry {
        self.detail = Some(detail.into());
        self
    }
}

/// The item an entry is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalTarget {
    /// What kind of item.
    pub kind: TargetKind,
    /// Its platform id (the Account SID for a Twilio account).
    pub id: String,
    /// Its display name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl JournalTarget {
    /// A target of `kind` with `id` and an optional name.
    pub fn new(kind: TargetKind, id: impl Into<String>, name: Option<String>) -> JournalTarget {
        JournalTarget {
            kind,
            id: id.into(),
            name,
        }
    }
}

/// Kinds of items the journal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A Twilio provider (Dasha) or provider configuration (Unpod).
    Provider,
    /// A SIP trunk credential.
    SipCredential,
    /// A Twilio account, by Account SID.
    TwilioAccount,
    /// A kind written by a newer telcreds.
    #[serde(other)]
    Unknown,
}

/// What was done. Serialized as `group.verb`, e.g. `provider.rotate_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// `providers create`.
    #[serde(rename = "provider.create")]
    ProviderCreate,
    /// `providers update`.
    #[serde(rename = "provider.update")]
    ProviderUpdate,
    /// `providers rotate-token` (one provider).
    #[serde(rename = "provider.rotate_token")]
    ProviderRotateToken,
    /// `providers delete`.
    #[serde(rename = "provider.delete")]
    ProviderDelete,
    /// `sip create`.
    #[serde(rename = "sip.create")]
    SipCreate,
    /// `sip update`.
    #[serde(rename = "sip.update")]
    SipUpdate,
    /// `sip rotate`: a new password, every other field kept.
    #[serde(rename = "sip.rotate")]
    SipRotate,
    /// `sip delete`.
    #[serde(rename = "sip.delete")]
    SipDelete,
    /// Rotation step: the new token checked with Twilio.
    #[serde(rename = "rotation.check")]
    RotationCheck,
    /// Rotation step: a profile's providers could not be listed.
    #[serde(rename = "rotation.list")]
    RotationList,
    /// Rotation step: the token replaced on one target (or skipped).
    #[serde(rename = "rotation.update")]
    RotationUpdate,
    /// Rotation step: the platform's verification after the update.
    #[serde(rename = "rotation.verify")]
    RotationVerify,
    /// Zero-downtime rotation: a secondary token created at Twilio.
    #[serde(rename = "rotation.secondary_create")]
    RotationSecondaryCreate,
    /// Zero-downtime rotation: the secondary token deleted at Twilio.
    #[serde(rename = "rotation.secondary_delete")]
    RotationSecondaryDelete,
    /// Zero-downtime rotation: the old token put back on one target (abort).
    #[serde(rename = "rotation.restore")]
    RotationRestore,
    /// Zero-downtime rotation: the secondary promoted; the old token is dead.
    #[serde(rename = "rotation.promote")]
    RotationPromote,
    /// Zero-downtime rotation: the new primary handed to `store_cmd`.
    #[serde(rename = "rotation.store")]
    RotationStore,
    /// Rotation at both ends of a SIP trunk: a new credential added to the
    /// carrier's (Twilio's) credential list.
    #[serde(rename = "carrier.create")]
    CarrierCreate,
    /// Rotation at both ends: a password set on a credential of the carrier's list.
    #[serde(rename = "carrier.password")]
    CarrierPassword,
    /// Rotation at both ends: the platform's SIP credential given the new pair.
    #[serde(rename = "carrier.platform_update")]
    CarrierPlatformUpdate,
    /// Rotation at both ends: the new pair checked (the platform's answer, a probe).
    #[serde(rename = "carrier.check")]
    CarrierCheck,
    /// Rotation at both ends: a credential deleted from the carrier's list.
    #[serde(rename = "carrier.delete")]
    CarrierDelete,
    /// An action written by a newer telcreds.
    #[serde(other, rename = "unknown")]
    Unknown,
}

impl Action {
    /// The wire spelling, e.g. `rotation.update`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::ProviderCreate => "provider.create",
            Action::ProviderUpdate => "provider.update",
            Action::ProviderRotateToken => "provider.rotate_token",
            Action::ProviderDelete => "provider.delete",
            Action::SipCreate => "sip.create",
            Action::SipUpdate => "sip.update",
            Action::SipRotate => "sip.rotate",
            Action::SipDelete => "sip.delete",
            Action::RotationCheck => "rotation.check",
            Action::RotationList => "rotation.list",
            Action::RotationUpdate => "rotation.update",
            Action::RotationVerify => "rotation.verify",
            Action::RotationSecondaryCreate => "rotation.secondary_create",
            Action::RotationSecondaryDelete => "rotation.secondary_delete",
            Action::RotationRestore => "rotation.restore",
            Action::RotationPromote => "rotation.promote",
            Action::RotationStore => "rotation.store",
            Action::CarrierCreate => "carrier.create",
            Action::CarrierPassword => "carrier.password",
            Action::CarrierPlatformUpdate => "carrier.platform_update",
            Action::CarrierCheck => "carrier.check",
            Action::CarrierDelete => "carrier.delete",
            Action::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It was done.
    Ok,
    /// It was tried and failed (or the verification did not pass).
    Failed,
    /// It was deliberately not done.
    Skipped,
    /// It was sent, but whether the platform applied it is unknown (timeout,
    /// dropped connection, 5xx, or an answer that could not be read).
    Unknown,
    /// It is being sent: the line before the request. A later line of the same step
    /// says how it ended; without one, the process stopped while it was in flight.
    Sent,
}

impl Outcome {
    /// How it reads at a glance.
    pub fn tone(self) -> crate::domain::Tone {
        use crate::domain::Tone;
        match self {
            Outcome::Ok => Tone::Ok,
            Outcome::Failed => Tone::Error,
            Outcome::Skipped => Tone::Muted,
            Outcome::Unknown => Tone::Warn,
            Outcome::Sent => Tone::Pending,
        }
    }
}

impl Outcome {
    /// How it is written.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::Unknown => "unknown",
            Outcome::Sent => "sent",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> JournalEntry {
        JournalEntry::new(
            Action::RotationUpdate,
            JournalTarget::new(TargetKind::Provider, "p1", Some("prod".into())),
        )
        .on_named("prod", &Platform::Dasha)
    }

    #[test]
    fn entries_round_trip_with_stable_names() {
        let e = entry().failed("platform error (HTTP 500): boom");
        let line = serde_json::to_string(&e).unwrap();
        assert!(line.contains(r#""action":"rotation.update""#), "{line}");
        assert!(line.contains(r#""outcome":"failed""#), "{line}");
        assert!(line.contains(r#""target":{"kind":"provider","id":"p1","name":"prod"}"#));
        assert!(
            !line.contains("detail"),
            "absent fields are left out: {line}"
        );
        let back: JournalEntry = serde_json::from_str(&line).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn unknown_kinds_and_actions_still_read() {
        let line = r#"{"time":"2026-01-01T00:00:00Z","target":{"kind":"webhook","id":"w"},"action":"webhook.fire","outcome":"ok"}"#;
        let e: JournalEntry = serde_json::from_str(line).unwrap();
        assert_eq!(
            (e.target.kind, e.action),
            (TargetKind::Unknown, Action::Unknown)
        );
    }

    #[test]
    fn journal_appends_newest_last_and_skips_corrupt_lines() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(dir.path().join("j.jsonl"));
        j.append(&entry()).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(j.path())
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"garbage\n"))
            .unwrap();
        j.append(&entry().skipped("profile is read-only")).unwrap();
        let (entries, warnings) = j.read();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].outcome, Outcome::Skipped);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("line 2"), "{warnings:?}");
    }
}

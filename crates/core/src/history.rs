//! Verification history: every verification result telcreds saw for a provider, as
//! JSON lines in `data_dir()/history/<profile>/<provider-id>.jsonl`, and the status
//! transitions read from them ("verified → failed at …").

use crate::domain::time::stamp;
use crate::domain::{CheckStatus, VerificationResult, VerificationStatus};
use crate::journal::{JournalError, jsonl};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// The history directory's name inside the data directory.
pub const DIR_NAME: &str = "history";

/// The check name of a Twilio credential check made by telcreds.
pub const TWILIO_CHECK: &str = "credentials";

/// The history files under one root directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    root: PathBuf,
}

impl History {
    /// History kept under `root` (one directory per profile).
    pub fn open(root: impl Into<PathBuf>) -> History {
        History { root: root.into() }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of one provider; names are made safe for any filesystem.
    pub fn path_for(&self, profile: &str, provider_id: &str) -> PathBuf {
        self.root
            .join(file_component(profile))
            .join(format!("{}.jsonl", file_component(provider_id)))
    }

    /// Appends one record to a provider's history.
    pub fn append(
        &self,
        profile: &str,
        provider_id: &str,
        record: &Record,
    ) -> Result<(), JournalError> {
        jsonl::append(&self.path_for(profile, provider_id), record)
    }

    /// A provider's records, oldest first, with a warning per corrupt line.
    pub fn read(&self, profile: &str, provider_id: &str) -> (Vec<Record>, Vec<String>) {
        jsonl::read(&self.path_for(profile, provider_id))
    }
}

/// Encodes a name as one path component: `[A-Za-z0-9_-]` kept, every other byte as
/// `%XX` (so `.`, `..` and `/` cannot escape the directory, and no two names collide).
fn file_component(name: &str) -> String {
    if name.is_empty() {
        return "%".into();
    }
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Who produced a verification result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The platform's own verification (Dasha).
    Platform,
    /// telcreds' direct credential check with Twilio.
    Twilio,
    /// telcreds' SIP probe of a SIP credential (resolve, reach, authenticate).
    Probe,
    /// A source written by a newer telcreds.
    #[serde(other)]
    Other,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Platform => "platform",
            Source::Twilio => "twilio",
            Source::Probe => "sip probe",
            Source::Other => "other",
        })
    }
}

/// One verification result of one provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// When the verification ran.
    pub time: DateTime<Utc>,
    /// Who ran it.
    pub source: Source,
    /// The overall status.
    pub status: VerificationStatus,
    /// Per-check results.
    #[serde(default)]
    pub checks: Vec<CheckRecord>,
}

/// One check of a [`Record`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRecord {
    /// Check name, e.g. `credentials`, `trunk`.
    pub name: String,
    /// Its outcome.
    pub status: CheckStatus,
    /// The explanation given.
    #[serde(default)]
    pub message: String,
}

impl Record {
    /// A platform verification result; timed by the platform when it says when.
    pub fn from_verification(r: &VerificationResult) -> Record {
        Record {
            time: r.last_verified_at.unwrap_or_else(Utc::now),
            source: Source::Platform,
            status: r.status.clone(),
            checks: r
                .checks
                .iter()
                .map(|c| CheckRecord {
                    name: c.name.clone(),
                    status: c.status.clone(),
                    message: c.message.clone(),
                })
                .collect(),
        }
    }
}

/// A change of status between two consecutive records of the same source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    /// When the new status was first seen.
    pub time: DateTime<Utc>,
    /// Whose verification changed.
    pub source: Source,
    /// The status before.
    pub from: VerificationStatus,
    /// The status after.
    pub to: VerificationStatus,
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} → {} at {} ({})",
            self.from,
            self.to,
            stamp(Some(self.time)),
            self.source
        )
    }
}

/// The status changes in `records` (oldest first), per source: a Twilio check and the
/// platform's verification answer different questions, so they are never compared.
pub fn transitions(records: &[Record]) -> Vec<Transition> {
    let mut last: Vec<(Source, &VerificationStatus)> = Vec::new();
    let mut out = Vec::new();
    for r in records {
        match last.iter_mut().find(|(s, _)| *s == r.source) {
            Some((_, prev)) => {
                if *prev != &r.status {
                    out.push(Transition {
                        time: r.time,
                        source: r.source,
                        from: (*prev).clone(),
                        to: r.status.clone(),
                    });
                    *prev = &r.status;
                }
            }
            None => last.push((r.source, &r.status)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rec(min: u32, source: Source, status: VerificationStatus) -> Record {
        Record {
            time: Utc.with_ymd_and_hms(2026, 1, 1, 10, min, 0).unwrap(),
            source,
            status,
            checks: Vec::new(),
        }
    }

    #[test]
    fn transitions_are_per_source() {
        use VerificationStatus::*;
        let records = [
            rec(0, Source::Platform, Verified),
            rec(1, Source::Twilio, Verified),
            rec(2, Source::Platform, Verified),
            rec(3, Source::Platform, Failed),
            rec(4, Source::Twilio, Verified),
            rec(5, Source::Platform, Verified),
        ];
        let t = transitions(&records);
        let text: Vec<String> = t.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "verified → failed at 2026-01-01 10:03:00Z (platform)",
                "failed → verified at 2026-01-01 10:05:00Z (platform)",
            ]
        );
        assert!(transitions(&[]).is_empty());
    }

    #[test]
    fn names_become_safe_distinct_file_names() {
        assert_eq!(file_component("prod-eu_1"), "prod-eu_1");
        assert_eq!(file_component(".."), "%2E%2E");
        assert_eq!(file_component("a/b"), "a%2Fb");
        assert_ne!(file_component("a b"), file_component("a_b"));
        assert_eq!(file_component(""), "%");
        let h = History::open("/h");
        assert_eq!(
            h.path_for("../x", "1"),
            PathBuf::from("/h/%2E%2E%2Fx/1.jsonl")
        );
    }
}

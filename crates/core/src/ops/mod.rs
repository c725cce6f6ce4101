//! The operations layer: one function per user-visible operation, called by both the
//! command line and the terminal UI, so the two never drift. Each operation checks
//! its input, makes the platform call, writes the audit journal entry and the
//! verification history record, and returns a typed result with typed warnings.
//!
//! The frontends only turn input into a call here and the answer into output.

pub mod carrier;
pub mod carrier_rotation;
mod context;
pub mod doctor;
mod error;
mod lookup;
mod probe;
mod providers;
pub mod rotation;
mod sip;
mod unfinished;
pub(crate) mod warning;

pub use context::Context;
pub use error::Error;
pub use lookup::{Lookup, Named};
pub use probe::{ProbeSetupError, Prober};
pub use providers::{ProviderChange, ProviderDeletePlan, check_change, check_new_provider};
pub use sip::{PasswordChange, SipDeletePlan, SipEdit};
pub use unfinished::{JournalNeeded, JournalRead, Unfinished};
pub use warning::{Store, Warning};

use crate::api::{Http, PlatformClient};
use crate::config::{ConfigError, Profile};
use crate::domain::Platform;
use crate::history::{History, Record};
use crate::journal::{Action, Journal, JournalEntry, JournalTarget, TargetKind};
use crate::secret::Secret;
use std::sync::Arc;

/// Where operations record what they did.
#[derive(Debug, Clone)]
pub struct Stores {
    /// The audit journal.
    pub journal: Journal,
    /// Verification history.
    pub history: History,
}

impl Stores {
    /// The journal and history in the data directory; an error when, without a home
    /// directory, there is no private one (nothing may change unrecorded).
    pub fn open_default() -> std::io::Result<Stores> {
        Ok(Stores::in_dir(&crate::config::data_dir()?))
    }

    /// The journal and history in `data_dir`, laid out as in the data directory.
    pub fn in_dir(data_dir: &std::path::Path) -> Stores {
        Stores {
            journal: Journal::open(data_dir.join(crate::journal::FILE_NAME)),
            history: History::open(data_dir.join(crate::history::DIR_NAME)),
        }
    }
}

/// The profile an operation acts on, as operations need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Profile name.
    pub profile: String,
    /// Its platform.
    pub platform: Platform,
    /// Read-only profiles refuse every change.
    pub readonly: bool,
}

impl Origin {
    /// The origin of `profile`.
    pub fn of(profile: &Profile) -> Origin {
        Origin {
            profile: profile.name.clone(),
            platform: profile.platform.clone(),
            readonly: profile.readonly,
        }
    }
}

/// What a change operation did: its result, the journal entry it wrote (shown in
/// the Activity tab), and what could not be recorded.
#[derive(Debug)]
pub struct Done<T, E = Error> {
    /// The platform's answer, or why not.
    pub result: Result<T, E>,
    /// The journal entry, when it was written.
    pub journaled: Option<JournalEntry>,
    /// What could not be recorded.
    pub warnings: Vec<Warning>,
}

impl<T, E> Done<T, E> {
    /// A change refused before anything was sent: nothing is journaled.
    pub(crate) fn refused(error: impl Into<E>) -> Done<T, E> {
        Done {
            result: Err(error.into()),
            journaled: None,
            warnings: Vec::new(),
        }
    }

    /// A step of several journal entries (written as it went), with what could not
    /// be recorded.
    pub(crate) fn steps(result: Result<T, E>, warnings: Vec<Warning>) -> Done<T, E> {
        Done {
            result,
            journaled: None,
            warnings,
        }
    }

    /// The result and the warnings, for a caller that shows the warnings apart.
    pub fn into_parts(self) -> (Result<T, E>, Vec<Warning>) {
        (self.result, self.warnings)
    }
}

/// One profile's operations: its client, who it is, and where to record.
#[derive(Debug, Clone)]
pub struct Ops {
    client: Arc<PlatformClient>,
    origin: Origin,
    stores: Stores,
}

impl Ops {
    /// Operations on `origin`'s platform through `client`, recording into `stores`.
    pub fn new(client: Arc<PlatformClient>, origin: Origin, stores: Stores) -> Ops {
        Ops {
            client,
            origin,
            stores,
        }
    }

    /// Operations on `profile`: resolves its token (may run `token_cmd`, so call it
    /// off the UI thread) and builds its client.
    pub fn connect(profile: &Profile, http: Http, stores: Stores) -> Result<Ops, ConfigError> {
        let client = PlatformClient::connect(profile, http)?;
        Ok(Ops::new(Arc::new(client), Origin::of(profile), stores))
    }

    /// Operations on `profile` with its token already fetched.
    pub fn with_token(profile: &Profile, http: Http, stores: Stores, token: Secret) -> Ops {
        let client = PlatformClient::with_token(profile, http, token);
        Ops::new(Arc::new(client), Origin::of(profile), stores)
    }

    /// The platform client (for what it can do).
    pub fn client(&self) -> &PlatformClient {
        &self.client
    }

    /// The audit journal the operations write to.
    pub fn audit_journal(&self) -> &Journal {
        &self.stores.journal
    }

    /// The profile the operations act on.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Refuses changes on a read-only profile.
    pub fn writable(&self) -> Result<(), Error> {
        if self.origin.readonly {
            return Err(Error::Refused(format!(
                "profile \"{}\" is read-only: nothing was changed",
                self.origin.profile
            )));
        }
        Ok(())
    }

    /// Journals a finished change of `target` with its result (and an optional
    /// detail), and returns the [`Done`].
    fn journal<T>(
        &self,
        action: Action,
        target: JournalTarget,
        detail: Option<String>,
        result: Result<T, impl Into<Error>>,
    ) -> Done<T> {
        let result = result.map_err(Into::into);
        let mut entry = JournalEntry::new(action, target)
            .on_named(&self.origin.profile, &self.origin.platform)
            .result(&result);
        if let Some(d) = detail {
            entry = entry.detail(d);
        }
        let (journaled, warnings) = match self.stores.journal.append(&entry) {
            Ok(()) => (Some(entry), Vec::new()),
            Err(e) => (None, vec![Warning::new(Store::Journal, e)]),
        };
        Done {
            result,
            journaled,
            warnings,
        }
    }

    /// Appends a record to a provider's history; a warning when it cannot.
    fn record_history(&self, provider_id: &str, record: &Record) -> Option<Warning> {
        self.stores
            .history
            .append(&self.origin.profile, provider_id, record)
            .err()
            .map(|e| Warning::new(Store::History, e))
    }

    /// A provider's verification history, oldest first (corrupt lines skipped).
    pub async fn history(&self, provider_id: &str) -> Vec<Record> {
        let (history, profile, id) = (
            self.stores.history.clone(),
            self.origin.profile.clone(),
            provider_id.to_string(),
        );
        tokio::task::spawn_blocking(move || history.read(&profile, &id).0)
            .await
            .unwrap_or_default()
    }
}

/// The journal target of a provider.
fn provider_target(id: &str, name: Option<String>) -> JournalTarget {
    JournalTarget::new(TargetKind::Provider, id, name)
}

/// The id journaled for an item whose creation failed (it has no id).
pub const NEW_ITEM_ID: &str = "(new)";

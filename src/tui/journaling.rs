//! What the UI writes down: every change it makes goes to the audit journal, every
//! verification to the provider's history. Runs in the worker, so a change whose
//! result the screen no longer wants (the profile was switched) is still recorded.

use super::effect::{Origin, Reply, Request};
use crate::api::{ApiError, TwilioVerdict};
use crate::history::{History, Record};
use crate::journal::{Action, Journal, JournalEntry, JournalTarget, TargetKind};
use crate::tui::form::FormSubmission;

/// Where the UI records things.
#[derive(Debug, Clone)]
pub struct Stores {
    /// The audit journal.
    pub journal: Journal,
    /// Verification history.
    pub history: History,
}

impl Stores {
    /// The journal and history in the data directory.
    pub fn open_default() -> Stores {
        Stores {
            journal: Journal::open_default(),
            history: History::open_default(),
        }
    }
}

/// The journal entry for a finished mutating request; `None` for reads.
pub fn entry_for(
    origin: &Origin,
    request: &Request,
    result: &Result<Reply, ApiError>,
) -> Option<JournalEntry> {
    let (action, kind, id, name, detail) = match request {
        Request::Save(s) => match s {
            FormSubmission::CreateSip(i) => {
                let id = saved_id(result).unwrap_or_default();
                (
                    Action::SipCreate,
                    TargetKind::SipCredential,
                    id,
                    i.description.clone().or(Some(i.server.clone())),
                    None,
                )
            }
            FormSubmission::UpdateSip { id, input } => (
                Action::SipUpdate,
                TargetKind::SipCredential,
                id.clone(),
                input.description.clone(),
                None,
            ),
            FormSubmission::CreateProvider(p) => {
                let id = saved_id(result).unwrap_or_else(|| p.account_sid.clone());
                (
                    Action::ProviderCreate,
                    TargetKind::Provider,
                    id,
                    p.name.clone(),
                    None,
                )
            }
            FormSubmission::UpdateProvider { id, .. } => (
                Action::ProviderUpdate,
                TargetKind::Provider,
                id.clone(),
                None,
                None,
            ),
        },
        Request::DeleteSip { id, name, force } => {
            let detail = force.then(|| "force: phone numbers using it deleted too".to_string());
            (
                Action::SipDelete,
                TargetKind::SipCredential,
                id.clone(),
                Some(name.clone()),
                detail,
            )
        }
        Request::DeleteProvider { id, name } => (
            Action::ProviderDelete,
            TargetKind::Provider,
            id.clone(),
            Some(name.clone()),
            None,
        ),
        Request::RotateSipPassword { id, name, .. } => (
            Action::SipRotate,
            TargetKind::SipCredential,
            id.clone(),
            Some(name.clone()),
            None,
        ),
        _ => return None,
    };
    let mut entry = JournalEntry::new(action, JournalTarget::new(kind, id, name))
        .on_named(&origin.profile, &origin.platform)
        .result(result);
    if let Some(d) = detail {
        entry = entry.detail(d);
    }
    Some(entry)
}

fn saved_id(result: &Result<Reply, ApiError>) -> Option<String> {
    match result {
        Ok(Reply::SipSaved(c)) => Some(c.id.clone()),
        Ok(Reply::ProviderSaved(p)) => Some(p.id.clone()),
        _ => None,
    }
}

/// Appends the verification result of `request` to the provider's history; returns a
/// warning when it cannot be written.
pub fn record_history(
    stores: &Stores,
    origin: &Origin,
    request: &Request,
    result: &Result<Reply, ApiError>,
) -> Option<String> {
    match (request, result) {
        (Request::Verify { id }, Ok(Reply::Verified(r))) => {
            stores
                .history
                .record(&origin.profile, id, &Record::from_verification(r))
        }
        // On a platform that cannot verify, the client checked the pair with Twilio
        // before creating: that check is the provider's first history record.
        (Request::Save(FormSubmission::CreateProvider(_)), Ok(Reply::ProviderSaved(p)))
            if !crate::api::capabilities(&origin.platform).checks_twilio =>
        {
            let valid = TwilioVerdict::Valid {
                friendly_name: None,
            };
            stores
                .history
                .record(&origin.profile, &p.id, &Record::from_twilio(&valid))
        }
        _ => None,
    }
}

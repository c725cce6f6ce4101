//! What the UI asks the outside world to do, and the messages that come back.
//! `App` returns effects; the worker runs them as tokio tasks; results come back as
//! [`Msg`] over a channel. Every call carries the profile generation it was made for.

use crate::api::{ApiError, PlatformClient};
use crate::config::Profile;
use crate::domain::{Dependants, PhoneNumber, Provider, SipCredential, VerificationResult};
use crate::tui::form::FormSubmission;
use std::sync::Arc;

/// One platform call.
#[derive(Debug, Clone)]
pub enum Request {
    /// Every provider.
    ListProviders,
    /// Every SIP credential.
    ListSip,
    /// Phone numbers of a provider (detail pane, delete dialog).
    ProviderNumbers { id: String, for_delete: bool },
    /// What uses a SIP credential (detail pane, delete dialog).
    SipDependants { id: String, for_delete: bool },
    /// A form's create or update.
    Save(FormSubmission),
    /// Delete a SIP credential.
    DeleteSip {
        id: String,
        name: String,
        force: bool,
    },
    /// Delete a provider.
    DeleteProvider { id: String, name: String },
    /// Replace a SIP credential's password, keeping every other field and the id.
    RotateSipPassword {
        id: String,
        name: String,
        password: crate::secret::Secret,
    },
    /// Run the platform's verification of a provider.
    Verify { id: String },
}

/// A successful answer to a [`Request`].
#[derive(Debug, Clone)]
pub enum Reply {
    /// Providers loaded.
    Providers(Vec<Provider>),
    /// SIP credentials loaded.
    Sip(Vec<SipCredential>),
    /// Phone numbers of a provider.
    ProviderNumbers(Vec<PhoneNumber>),
    /// What uses a SIP credential.
    SipDependants(Dependants),
    /// A SIP credential was created or replaced.
    SipSaved(SipCredential),
    /// A provider was created or updated.
    ProviderSaved(Provider),
    /// The item is gone.
    Deleted,
    /// A verification finished.
    Verified(VerificationResult),
}

/// Work for the worker.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Build a client for a profile (resolves its token off the UI thread).
    Connect {
        generation: u64,
        profile: Box<Profile>,
    },
    /// Run one call.
    Call {
        generation: u64,
        job: u64,
        client: Arc<PlatformClient>,
        request: Request,
    },
    /// Abort every task in flight (profile switch, quit).
    CancelAll,
    /// Put text on the clipboard (OSC 52); empty text clears it. A secret type, as it
    /// may hold a password.
    Copy(crate::secret::Secret),
}

/// What comes back to the UI task. Each message is moved once through the channel,
/// so the size difference between variants costs nothing worth a box.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    /// A client is ready (or its token could not be resolved).
    Connected {
        generation: u64,
        result: Result<Arc<PlatformClient>, String>,
    },
    /// A call finished.
    Done {
        generation: u64,
        job: u64,
        request: Request,
        result: Result<Reply, ApiError>,
    },
}

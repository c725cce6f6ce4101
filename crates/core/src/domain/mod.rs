//! The normalised model the UI and the command line work with, whatever platform
//! the data came from. Wire types live in `api::*` and are mapped into these.

mod enums;
mod model;
pub mod needle;
pub mod password;
pub mod server;
pub mod time;
mod tone;
mod transport;
pub mod validate;

pub use enums::{CheckStatus, Platform, SipSource, VerificationStatus};
pub use model::{
    AffectedAgent, AffectedPhoneNumber, Dependants, NewProvider, PhoneNumber, Provider,
    ProviderUpdate, SipCredential, SipCredentialInput, Unreplaceable, VerificationCheck,
    VerificationResult, same_account_sid, short_sid, sip_name,
};
pub use tone::Tone;
pub use transport::{Transport, TransportField};

//! Platform clients. [`PlatformClient`] is the one entry point the UI and the command
//! line use: the same calls on every platform, answered with the domain model.

pub mod dasha;
pub mod error;
pub mod http;
mod redact;
pub mod scrub;
pub mod twilio;
pub mod twilio_accounts;
pub mod twilio_trunking;
pub mod unpod;
mod wire;

pub use dasha::ListPage;
pub use error::{ApiError, ErrorKind, describe_fields};
pub use http::{Http, HttpOptions};
pub use twilio::TwilioVerdict;

use crate::config::{ConfigError, Profile};
use crate::domain::{
    Dependants, NewProvider, PhoneNumber, Platform, Provider, ProviderUpdate, SipCredential,
    SipCredentialInput, VerificationResult, validate,
};
use crate::secret::Secret;
use dasha::DashaClient;
use unpod::{UnpodClient, UnpodSettings};

/// What a platform can do, so callers offer only what works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// SIP trunk credentials exist.
    pub sip_credentials: bool,
    /// The platform verifies providers itself.
    pub verification: bool,
    /// The platform checks Twilio credentials itself before saving them.
    pub checks_twilio: bool,
}

/// A client for one profile, on whichever platform it names.
#[derive(Clone, Debug)]
pub enum PlatformClient {
    /// Dasha BlackBox.
    Dasha(DashaClient),
    /// Unpod, which stores Twilio credentials without checking them: this client
    /// checks them with Twilio first.
    Unpod {
        /// The Unpod API client.
        client: UnpodClient,
        /// Checks credentials with Twilio before they are sent to Unpod.
        twilio: TwilioChecker,
    },
}

/// Checks Twilio credentials directly with Twilio (or the sandbox) at a profile's
/// `twilio_api_base`.
#[derive(Clone, Debug)]
pub struct TwilioChecker {
    http: Http,
    base: String,
}

impl TwilioChecker {
    /// A checker for the Twilio API at `base` (e.g. `https://api.twilio.com`).
    pub fn new(http: Http, base: &str) -> Self {
        TwilioChecker {
            http,
            base: base.to_string(),
        }
    }

    /// Checks the pair; a pair Twilio refuses becomes a validation error on the
    /// auth token, so nothing is sent to the platform.
    async fn require_valid(&self, account_sid: &str, token: &Secret) -> Result<(), ApiError> {
        match twilio::check_credentials(&self.http, &self.base, account_sid, token).await? {
            TwilioVerdict::Valid { .. } => Ok(()),
            TwilioVerdict::Rejected { reason } => Err(ApiError::Validation {
                message: "Twilio rejected the credentials".into(),
                fields: vec![validate::FieldError::new(
                    validate::field::AUTH_TOKEN,
                    reason,
                )],
            }),
        }
    }
}

impl PlatformClient {
    /// Builds a client for a profile, resolving its token (may run `token_cmd`, so
    /// call it off the UI thread).
    pub fn connect(profile: &Profile, http: Http) -> Result<Self, ConfigError> {
        let token = profile.resolve_token()?;
        Ok(Self::with_token(profile, http, token))
    }

    /// A client for a profile whose token is already resolved.
    pub fn with_token(profile: &Profile, http: Http, token: Secret) -> Self {
        match profile.platform {
            Platform::Unpod => PlatformClient::Unpod {
                twilio: TwilioChecker::new(http.clone(), &profile.twilio_api_base),
                client: UnpodClient::new(
                    http,
                    UnpodSettings {
                        base: profile.base_url.clone(),
                        token,
                        org_handle: profile.org_handle.clone().unwrap_or_default(),
                        product_id: profile.product_id.clone(),
                        configurations_path: profile.provider_configurations_path.clone(),
                    },
                ),
            },
            _ => PlatformClient::Dasha(DashaClient::new(http, &profile.base_url, token)),
        }
    }

    /// The platform this client talks to.
    pub fn platform(&self) -> Platform {
        match self {
            PlatformClient::Dasha(_) => Platform::Dasha,
            PlatformClient::Unpod { .. } => Platform::Unpod,
        }
    }

    /// What this platform supports.
    pub fn capabilities(&self) -> Capabilities {
        capabilities(&self.platform())
    }

    /// Every provider of the profile.
    pub async fn list_providers(&self) -> Result<Vec<Provider>, ApiError> {
        let result = match self {
            PlatformClient::Dasha(c) => c.list_providers().await,
            PlatformClient::Unpod { client, .. } => client.list_configurations().await,
        };
        result.map_err(|e| self.list_error(e, "/providers"))
    }

    /// The error of a list, saying what a 404 or an Unpod 403 most likely means: the
    /// profile's `base_url` or `org_handle` is wrong (`dasha_path`: the Dasha list).
    fn list_error(&self, e: ApiError, dasha_path: &str) -> ApiError {
        let doctor = "`telcreds doctor` checks it";
        match (self, e) {
            (_, ApiError::NotFound { message }) => {
                let url = match self {
                    PlatformClient::Dasha(c) => format!("{}{dasha_path}", c.base()),
                    PlatformClient::Unpod { client, .. } => client.configurations_url(),
                };
                ApiError::Other {
                    status: 404,
                    message: format!(
                        "nothing at GET {url} ({message}): check the profile's base_url \
                         ({doctor})"
                    ),
                }
            }
            (PlatformClient::Unpod { .. }, ApiError::Forbidden { message }) => {
                ApiError::Forbidden {
                    message: format!("{message}: check the profile's org_handle ({doctor})"),
                }
            }
            (_, other) => other,
        }
    }

    /// One provider with every field.
    pub async fn get_provider(&self, id: &str) -> Result<Provider, ApiError> {
        match self {
            PlatformClient::Dasha(c) => c.get_twilio_provider(id).await,
            PlatformClient::Unpod { client, .. } => client.get_configuration(id).await,
        }
    }

    /// Creates a Twilio provider (its fields checked by the operations layer). Dasha
    /// checks the pair with Twilio itself; for Unpod it is checked with Twilio first,
    /// and a refused pair is never sent.
    pub async fn create_provider(&self, new: &NewProvider) -> Result<Provider, ApiError> {
        match self {
            PlatformClient::Dasha(c) => c.create_twilio_provider(new).await,
            PlatformClient::Unpod { client, twilio } => {
                twilio
                    .require_valid(&new.account_sid, &new.auth_token)
                    .await?;
                client.create_configuration(new).await
            }
        }
    }

    /// Changes a provider's editable fields. On Unpod a new Account SID comes with
    /// the auth token of that account, and the pair is checked with Twilio first, as
    /// on create: a refused pair is never sent.
    pub async fn update_provider(
        &self,
        id: &str,
        u: &ProviderUpdate,
    ) -> Result<Provider, ApiError> {
        match self {
            PlatformClient::Dasha(c) => c.update_twilio_provider(id, u).await,
            PlatformClient::Unpod { client, twilio } => {
                match (&u.account_sid, &u.auth_token) {
                    (Some(sid), Some(token)) => twilio.require_valid(sid, token).await?,
                    (Some(_), None) => {
                        return Err(ApiError::local_validation(vec![validate::FieldError::new(
                            validate::field::AUTH_TOKEN,
                            "required with a new Account SID: Unpod cannot return the \
                                 stored token, and the new pair is checked with Twilio first",
                        )]));
                    }
                    (None, Some(_)) => {
                        return Err(ApiError::local_validation(vec![validate::FieldError::new(
                            validate::field::AUTH_TOKEN,
                            "a new auth token alone is a token rotation, not an update",
                        )]));
                    }
                    (None, None) => {}
                }
                client.update_configuration(id, u).await
            }
        }
    }

    /// Replaces a provider's Twilio auth token. Dasha checks it with Twilio itself;
    /// for Unpod the configuration's Account SID is fetched and the pair checked with
    /// Twilio first, and a refused token is never sent.
    pub async fn rotate_provider_token(
        &self,
        id: &str,
        token: &Secret,
    ) -> Result<Provider, ApiError> {
        match self {
            PlatformClient::Dasha(c) => c.update_auth_token(id, token).await,
            PlatformClient::Unpod { client, twilio } => {
                let current = client.get_configuration(id).await?;
                twilio.require_valid(&current.account_sid, token).await?;
                client.patch_configuration(id, None, Some(token)).await
            }
        }
    }

    /// Deletes a provider.
    pub async fn delete_provider(&self, id: &str) -> Result<(), ApiError> {
        match self {
            PlatformClient::Dasha(c) => c.delete_provider(id).await,
            PlatformClient::Unpod { client, .. } => client.delete_configuration(id).await,
        }
    }

    /// Runs the platform's verification; Unpod has none.
    pub async fn verify_provider(&self, id: &str) -> Result<VerificationResult, ApiError> {
        match self {
            PlatformClient::Dasha(c) => c.verify_provider(id).await,
            PlatformClient::Unpod { .. } => Err(unsupported("verification")),
        }
    }

    fn dasha(&self, what: &str) -> Result<&DashaClient, ApiError> {
        match self {
            PlatformClient::Dasha(c) => Ok(c),
            PlatformClient::Unpod { .. } => Err(unsupported(what)),
        }
    }

    /// Every SIP credential (Dasha only).
    pub async fn list_sip_credentials(&self) -> Result<Vec<SipCredential>, ApiError> {
        self.dasha("SIP credentials")?
            .list_sip_credentials()
            .await
            .map_err(|e| self.list_error(e, "/sip-credentials"))
    }

    /// Every SIP credential, page by page in order as they arrive (Dasha only).
    pub async fn sip_credential_pages(
        &self,
        on_page: impl FnMut(ListPage<SipCredential>),
    ) -> Result<(), ApiError> {
        self.dasha("SIP credentials")?
            .sip_credential_pages(on_page)
            .await
            .map_err(|e| self.list_error(e, "/sip-credentials"))
    }

    /// One SIP credential.
    pub async fn get_sip_credential(&self, id: &str) -> Result<SipCredential, ApiError> {
        self.dasha("SIP credentials")?.get_sip_credential(id).await
    }

    /// Creates a SIP credential (its fields checked by the operations layer).
    pub async fn create_sip_credential(
        &self,
        input: &SipCredentialInput,
    ) -> Result<SipCredential, ApiError> {
        self.dasha("SIP credentials")?
            .create_sip_credential(input)
            .await
    }

    /// Replaces a SIP credential's fields (id kept; checked by the operations layer).
    pub async fn update_sip_credential(
        &self,
        id: &str,
        input: &SipCredentialInput,
    ) -> Result<SipCredential, ApiError> {
        self.dasha("SIP credentials")?
            .replace_sip_credential(id, input)
            .await
    }

    /// Deletes a SIP credential; `force` removes the phone numbers using it too.
    pub async fn delete_sip_credential(&self, id: &str, force: bool) -> Result<(), ApiError> {
        self.dasha("SIP credentials")?
            .delete_sip_credential(id, force)
            .await
    }

    /// What depends on a SIP credential.
    pub async fn sip_credential_dependants(&self, id: &str) -> Result<Dependants, ApiError> {
        self.dasha("SIP credentials")?
            .sip_credential_dependants(id)
            .await
    }

    /// Phone numbers, optionally of one provider (Dasha only; empty on Unpod).
    pub async fn list_phone_numbers(
        &self,
        provider_id: Option<&str>,
    ) -> Result<Vec<PhoneNumber>, ApiError> {
        match self {
            PlatformClient::Dasha(c) => c.list_phone_numbers(provider_id).await,
            PlatformClient::Unpod { .. } => Ok(Vec::new()),
        }
    }
}

/// What a platform supports, without a client.
pub fn capabilities(platform: &Platform) -> Capabilities {
    let dasha = *platform == Platform::Dasha;
    Capabilities {
        sip_credentials: dasha,
        verification: dasha,
        checks_twilio: dasha,
    }
}

fn unsupported(what: &str) -> ApiError {
    ApiError::Unsupported(format!("Unpod has no {what}"))
}

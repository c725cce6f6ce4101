//! The records the sandbox keeps: Twilio accounts and trunks, Dasha providers with
//! their verification, SIP credentials, phone numbers and agents, and Unpod provider
//! configurations.
//!
//! Records that Dasha returns as they are serialize in Dasha's camelCase shape;
//! fields the platform never shows are `#[serde(skip)]`.

use super::TwilioAccountInfo;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// A timestamp, always whole seconds so it prints as `2026-11-23T10:00:00Z`.
pub(crate) type Ts = DateTime<Utc>;

/// Twilio account status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum AccountStatus {
    Active,
    Suspended,
    Closed,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Suspended => "suspended",
            AccountStatus::Closed => "closed",
        }
    }
}

/// A Twilio account as the sandbox's fake Twilio knows it.
#[derive(Clone, Debug)]
pub(crate) struct TwilioAccount {
    pub sid: String,
    pub friendly_name: String,
    pub status: AccountStatus,
    pub auth_token: String,
    /// A secondary token (Twilio's `AuthTokens/Secondary`): accepted like the
    /// primary until it is promoted or deleted.
    pub secondary_token: Option<String>,
    /// False when Twilio has not enabled the Accounts API's auth tokens for the
    /// account: its calls answer 404, code 20404 ("contact Twilio support").
    pub auth_tokens_api: bool,
    pub created: Ts,
    pub updated: Ts,
}

impl TwilioAccount {
    /// True when Twilio accepts `token` for this account: the primary or the secondary.
    pub fn accepts(&self, token: &str) -> bool {
        self.auth_token == token || self.secondary_token.as_deref() == Some(token)
    }

    pub fn info(&self) -> TwilioAccountInfo {
        TwilioAccountInfo {
            sid: self.sid.clone(),
            friendly_name: self.friendly_name.clone(),
            status: self.status.as_str().to_string(),
            auth_token: self.auth_token.clone(),
        }
    }
}

/// Why Twilio refuses an Account SID + Auth Token pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TwilioRejection {
    /// Unknown SID or not the current token (Twilio error 20003).
    InvalidCredentials,
    /// The pair is right but the account cannot be used.
    NotActive(AccountStatus),
}

impl TwilioRejection {
    pub fn message(self) -> String {
        match self {
            TwilioRejection::InvalidCredentials => {
                "Authentication Error - invalid username (20003)".to_string()
            }
            TwilioRejection::NotActive(status) => format!("Account is {}", status.as_str()),
        }
    }
}

/// An Elastic SIP trunk in a Twilio account.
#[derive(Clone, Debug)]
pub(crate) struct Trunk {
    pub sid: String,
    pub account_sid: String,
    pub credential_list_sid: String,
    pub credential_list_attached: bool,
}

/// An Elastic SIP trunk as Twilio's trunking API (`trunking.twilio.com/v1/Trunks`)
/// serves it: the platform dials `domain_name`, and Twilio challenges its INVITEs
/// against every credential of every list attached.
#[derive(Clone, Debug)]
pub(crate) struct ElasticTrunk {
    pub sid: String,
    pub account_sid: String,
    pub friendly_name: String,
    /// The termination SIP URI's host (`{name}.pstn.twilio.com`).
    pub domain_name: String,
    /// The credential lists attached, by SID, in the order they were attached.
    pub credential_lists: Vec<String>,
    pub created: Ts,
    pub updated: Ts,
}

/// A SIP credential list of a Twilio account (2010 API `SIP/CredentialLists`).
#[derive(Clone, Debug)]
pub(crate) struct CredentialList {
    pub sid: String,
    pub account_sid: String,
    pub friendly_name: String,
    pub credentials: Vec<ListCredential>,
    pub created: Ts,
    pub updated: Ts,
}

/// One username and password of a credential list. Twilio never returns the
/// password; the sandbox keeps it to check digest answers (its SIP peer).
#[derive(Clone, Debug)]
pub(crate) struct ListCredential {
    pub sid: String,
    pub username: String,
    pub password: String,
    pub created: Ts,
    pub updated: Ts,
}

/// Overall verification status of a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum VerificationStatus {
    Pending,
    Verified,
    Warning,
    Failed,
}

/// Outcome of one verification check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CheckStatus {
    Passed,
    Warning,
    Failed,
}

/// One verification check (Dasha `VerificationCheck`).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VerificationCheck {
    pub check_name: &'static str,
    pub status: CheckStatus,
    pub message: String,
    pub timestamp: Ts,
    pub details: serde_json::Value,
}

/// A completed verification (Dasha `VerificationResult`).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Verification {
    pub status: VerificationStatus,
    pub checks: Vec<VerificationCheck>,
    pub last_verified_at: Ts,
}

/// A Dasha Twilio provider. `verification` is `None` until first verified (pending).
#[derive(Clone, Debug)]
pub(crate) struct Provider {
    pub id: Uuid,
    pub name: Option<String>,
    pub account_sid: String,
    pub auth_token: String,
    pub trunk_sid: String,
    pub termination_uri: String,
    pub region: String,
    pub supports_call_transfer: bool,
    pub created: Ts,
    pub verification: Option<Verification>,
}

/// What creating a Twilio provider needs; ids and secrets come from the caller so
/// the demo seed can be deterministic.
#[derive(Clone, Debug)]
pub(crate) struct ProviderSpec {
    pub id: Uuid,
    pub name: Option<String>,
    pub account_sid: String,
    pub auth_token: String,
    pub region: String,
    pub supports_call_transfer: bool,
    pub trunk_sid: String,
    pub credential_list_sid: String,
    pub credential_id: Uuid,
    pub credential_password: String,
    pub created: Ts,
}

/// SIP transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Transport {
    Udp,
    Tcp,
    Tls,
}

impl Transport {
    /// Parses a transport name, ignoring case.
    pub fn parse(text: &str) -> Option<Transport> {
        [Transport::Udp, Transport::Tcp, Transport::Tls]
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
        }
    }
}

/// Who created a SIP credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Source {
    Manual,
    Provider,
}

/// The user-settable fields of a SIP credential (Dasha `SipCredentialRequest`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SipFields {
    pub server: String,
    pub domain: Option<String>,
    pub auth_user: Option<String>,
    pub auth_password: Option<String>,
    pub transport: Transport,
    pub description: Option<String>,
    /// As sent: the documented type is `number<float> | null`.
    pub cps_limit: Option<serde_json::Number>,
    pub cps_key: Option<String>,
}

/// A Dasha SIP credential (without `orgId`, added on the wire).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SipCredential {
    pub id: Uuid,
    #[serde(flatten)]
    pub fields: SipFields,
    pub source: Source,
    pub provider_id: Option<Uuid>,
    pub created_time: Ts,
    pub last_update_time: Ts,
}

/// A Dasha SIP phone number (without `orgId`, added on the wire).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PhoneNumber {
    pub id: Uuid,
    pub phone_number: String,
    pub credentials_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub description: Option<String>,
    pub display_name: Option<String>,
    pub registration: bool,
    pub incoming_calls_agent_id: Option<String>,
    pub created_time: Ts,
    pub last_update_time: Ts,
    /// Whether the number is still attached to its provider's Twilio trunk.
    #[serde(skip)]
    pub attached_to_trunk: bool,
}

/// A Dasha agent: inbound on the numbers that name it, outbound on `outbound_numbers`.
#[derive(Clone, Debug)]
pub(crate) struct Agent {
    pub id: String,
    pub name: String,
    pub outbound_numbers: Vec<Uuid>,
    pub queued_calls: u32,
}

/// An agent affected by a change to a phone number (Dasha `AffectedAgent`).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AffectedAgent {
    pub agent_id: String,
    pub agent_name: String,
    pub uses: Vec<&'static str>,
}

/// A phone number that uses a SIP credential, with the agents that use it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AffectedPhoneNumber {
    pub id: Uuid,
    pub phone_number: String,
    pub affected_agents: Vec<AffectedAgent>,
}

/// An Unpod provider configuration.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct UnpodConfig {
    pub id: i64,
    pub provider: String,
    pub account_sid: String,
    #[serde(skip)]
    pub auth_token: String,
    pub created_at: Ts,
    #[serde(skip)]
    pub org_handle: String,
}

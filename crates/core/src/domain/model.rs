//! Normalised records shared by the UI, the command line and the clients.

use super::enums::{CheckStatus, SipSource, VerificationStatus};
use super::needle::Needle;
use super::transport::TransportField;
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A telephony provider credential: a Twilio account linked to a platform
/// (Dasha "Twilio provider", Unpod "provider configuration").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider {
    /// Platform id: a UUID on Dasha, an integer (as text) on Unpod.
    pub id: String,
    /// Display name (Dasha); Unpod configurations have none.
    pub name: Option<String>,
    /// Provider kind as the platform names it, e.g. `twilio`.
    pub provider_type: String,
    /// Twilio Account SID, `AC` + 32 hex digits.
    pub account_sid: String,
    /// Overall verification state; `NotVerifiable` on Unpod.
    pub status: VerificationStatus,
    /// When the platform last verified it.
    pub last_verified_at: Option<DateTime<Utc>>,
    /// Phone numbers imported through it.
    pub phone_number_count: Option<u32>,
    /// The per-check results of the last verification.
    pub checks: Vec<VerificationCheck>,
    /// Twilio SIP trunk SID (Dasha).
    pub trunk_sid: Option<String>,
    /// SIP termination URI of the trunk (Dasha).
    pub termination_uri: Option<String>,
    /// Twilio region, e.g. `us1` (Dasha).
    pub region: Option<String>,
    /// Whether calls may be transferred (Dasha).
    pub supports_call_transfer: Option<bool>,
    /// Creation time (Unpod).
    pub created_at: Option<DateTime<Utc>>,
}

impl Provider {
    /// The name to show: the platform's name, or a fallback built from the SID.
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(n) if !n.trim().is_empty() => n.clone(),
            _ => format!("{} {}", self.provider_type, short_sid(&self.account_sid)),
        }
    }

    /// The text a user types to confirm a protected action: the name if it has one
    /// (trimmed), else the full Account SID. Unlike [`Provider::display_name`] it
    /// never abbreviates, so it can always be typed.
    pub fn confirm_name(&self) -> String {
        match &self.name {
            Some(n) if !n.trim().is_empty() => n.trim().to_string(),
            _ => self.account_sid.trim().to_string(),
        }
    }

    /// True when a list filter finds its text in the name, Account SID, status or
    /// region (the UI's `/` and `providers list --filter`).
    pub fn matches(&self, needle: &Needle) -> bool {
        [
            self.display_name().as_str(),
            &self.account_sid,
            self.status.as_str(),
            self.region.as_deref().unwrap_or(""),
        ]
        .iter()
        .any(|field| needle.is_in(field))
    }
}

/// True when two Account SIDs name the same account: their hex digits compared
/// ignoring case (Unpod keeps a SID as it was typed).
pub fn same_account_sid(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// `AC3f…91ab`: enough of a SID to recognise it in a table.
pub fn short_sid(sid: &str) -> String {
    let chars: Vec<char> = sid.chars().collect();
    if chars.len() <= 10 {
        return sid.to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// One check of a verification run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerificationCheck {
    /// Check name, e.g. `credentials`, `trunk`.
    pub name: String,
    /// Outcome.
    pub status: CheckStatus,
    /// Human-readable explanation from the platform.
    pub message: String,
    /// When the check ran.
    pub timestamp: Option<DateTime<Utc>>,
    /// Free-form details object, kept as sent.
    pub details: serde_json::Value,
}

/// The answer of a verification run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerificationResult {
    /// Overall status.
    pub status: VerificationStatus,
    /// Per-check results.
    pub checks: Vec<VerificationCheck>,
    /// When it ran.
    pub last_verified_at: Option<DateTime<Utc>>,
}

/// A SIP trunk credential (Dasha `/sip-credentials`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SipCredential {
    /// UUID.
    pub id: String,
    /// Owning organisation: the same for every credential of a list, so one copy
    /// is shared by all of them (see `api::dasha`).
    pub org_id: std::sync::Arc<str>,
    /// Host or IP with optional `:port`.
    pub server: String,
    /// Auth realm.
    pub domain: Option<String>,
    /// Digest auth user.
    pub auth_user: Option<String>,
    /// Digest password, as the platform returned it; serialized as `[redacted]`.
    #[serde(skip)]
    pub auth_password: Option<Secret>,
    /// udp, tcp or tls, or what else the platform says.
    pub transport: TransportField,
    /// `manual` or `provider` (read-only).
    pub source: SipSource,
    /// Free text.
    pub description: Option<String>,
    /// Calls per second limit.
    pub cps_limit: Option<u32>,
    /// Shared rate-limit group key.
    pub cps_key: Option<String>,
    /// Provider that created it, for `source = provider`.
    pub provider_id: Option<String>,
    /// Created.
    pub created_time: Option<DateTime<Utc>>,
    /// Last changed.
    pub last_update_time: Option<DateTime<Utc>>,
    /// Fields the platform sent in a form telcreds could not read, or left out of its
    /// answer (keyed like [`validate::field`](super::validate::field)): their values
    /// are unknown, and a full replacement would erase them.
    #[serde(skip)]
    pub unreadable: Vec<&'static str>,
}

impl SipCredential {
    /// Provider-managed credentials are read-only: delete the provider instead.
    pub fn is_read_only(&self) -> bool {
        self.source == SipSource::Provider
    }

    /// The text to show as the credential's name.
    pub fn display_name(&self) -> String {
        sip_name(self.description.as_deref(), &self.server).to_string()
    }

    /// The text a user types to confirm a protected action: the description if it
    /// has one (trimmed), else the server.
    pub fn confirm_name(&self) -> String {
        sip_name(self.description.as_deref(), &self.server)
            .trim()
            .to_string()
    }

    /// True when a list filter finds its text in the server, description, auth user,
    /// domain, transport or source, or the CPS limit as it is written (the UI's `/`,
    /// whose compact rows keep these fields first, and `sip list --filter`).
    pub fn matches(&self, needle: &Needle) -> bool {
        [
            Some(self.server.as_str()),
            self.description.as_deref(),
            self.auth_user.as_deref(),
            self.domain.as_deref(),
            Some(self.transport.as_str()),
            Some(self.source.as_str()),
        ]
        .into_iter()
        .flatten()
        .any(|field| needle.is_in(field))
            || self.cps_limit.is_some_and(|n| needle.is_in_number(n))
    }

    /// The editable fields of this credential, for a full-replacement update; refused
    /// when a field could not be read, since sending it back empty would erase it.
    pub fn to_input(&self) -> Result<SipCredentialInput, Unreplaceable> {
        if let Some(blocker) = self.replacement_blocker() {
            return Err(blocker);
        }
        Ok(SipCredentialInput {
            server: self.server.clone(),
            domain: self.domain.clone(),
            auth_user: self.auth_user.clone(),
            auth_password: self.auth_password.clone(),
            transport: self.transport.clone(),
            description: self.description.clone(),
            cps_limit: self.cps_limit,
            cps_key: self.cps_key.clone(),
        })
    }

    /// A field as shown: its value, "-" when it has none, "unreadable" when the
    /// platform sent it in a form telcreds cannot read or not at all (never "-",
    /// which would read as "no value": a CPS limit of 2.5 is not "no limit").
    pub fn field_text<T: ToString>(&self, field: &str, value: Option<&T>) -> String {
        if self.unreadable.contains(&field) {
            "unreadable".to_string()
        } else {
            value.map_or_else(|| "-".to_string(), ToString::to_string)
        }
    }

    /// Why this credential cannot be replaced as a whole, if it cannot.
    pub fn replacement_blocker(&self) -> Option<Unreplaceable> {
        (!self.unreadable.is_empty()).then(|| Unreplaceable {
            id: self.id.clone(),
            fields: self.unreadable.iter().map(|f| f.to_string()).collect(),
        })
    }
}

/// A SIP credential's name: its description unless blank, else its server.
pub fn sip_name<'a>(description: Option<&'a str>, server: &'a str) -> &'a str {
    match description {
        Some(d) if !d.trim().is_empty() => d,
        _ => server,
    }
}

/// The body of a SIP credential create or full-replacement update.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SipCredentialInput {
    /// Required, 1–255.
    pub server: String,
    /// ≤ 255.
    pub domain: Option<String>,
    /// ≤ 255.
    pub auth_user: Option<String>,
    /// ≤ 64.
    pub auth_password: Option<Secret>,
    /// Default udp; a platform's unknown value is refused before it is sent.
    pub transport: TransportField,
    /// ≤ 255.
    pub description: Option<String>,
    /// Non-negative.
    pub cps_limit: Option<u32>,
    /// ≤ 255.
    pub cps_key: Option<String>,
}

/// What a new Twilio provider needs.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProvider {
    /// Display name (Dasha; ≤ 100).
    pub name: Option<String>,
    /// Provider slug for Unpod, e.g. `twilio`.
    pub provider: String,
    /// `AC` + 32 hex.
    pub account_sid: String,
    /// 32 hex.
    pub auth_token: Secret,
    /// Twilio region (Dasha).
    pub region: Option<String>,
    /// Dasha only.
    pub supports_call_transfer: Option<bool>,
}

/// A partial provider update; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderUpdate {
    /// Dasha: new name.
    pub name: Option<String>,
    /// Dasha: new region.
    pub region: Option<String>,
    /// Dasha: call transfer.
    pub supports_call_transfer: Option<bool>,
    /// Unpod: new Account SID; needs `auth_token`, as Unpod cannot return the stored
    /// one and the pair is checked with Twilio before it is sent.
    pub account_sid: Option<String>,
    /// Unpod: the auth token of the new Account SID.
    pub auth_token: Option<Secret>,
}

impl ProviderUpdate {
    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        self == &ProviderUpdate::default()
    }
}

/// A phone number routed over a provider or SIP credential.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhoneNumber {
    /// UUID.
    pub id: String,
    /// The number as configured.
    pub phone_number: String,
    /// SIP credential it uses.
    pub credentials_id: Option<String>,
    /// Provider it was imported through.
    pub provider_id: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Agent taking inbound calls on it.
    pub incoming_calls_agent_id: Option<String>,
}

/// An agent affected by removing a credential or number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AffectedAgent {
    /// Agent id.
    pub agent_id: String,
    /// Agent name.
    pub agent_name: String,
    /// How it uses the number: inbound, outbound.
    pub uses: Vec<String>,
}

/// A phone number and the agents that use it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AffectedPhoneNumber {
    /// Number id.
    pub id: String,
    /// The number.
    pub phone_number: String,
    /// Agents using it.
    pub affected_agents: Vec<AffectedAgent>,
}

/// Everything that depends on a SIP credential.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Dependants {
    /// Phone numbers using the credential, with their agents.
    pub phone_numbers: Vec<AffectedPhoneNumber>,
    /// Calls queued on it.
    pub affected_calls_count: u32,
}

impl Dependants {
    /// One line per dependant, e.g. `+15550100 → agent Support (inbound)`.
    pub fn describe(&self) -> Vec<String> {
        self.phone_numbers
            .iter()
            .map(|n| {
                if n.affected_agents.is_empty() {
                    format!("phone number {}", n.phone_number)
                } else {
                    let agents: Vec<String> = n
                        .affected_agents
                        .iter()
                        .map(|a| format!("{} ({})", a.agent_name, a.uses.join(", ")))
                        .collect();
                    format!(
                        "phone number {} → agent {}",
                        n.phone_number,
                        agents.join("; ")
                    )
                }
            })
            .collect()
    }

    /// True when nothing depends on it.
    pub fn is_empty(&self) -> bool {
        self.phone_numbers.is_empty() && self.affected_calls_count == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Transport;

    const SID: &str = "AC75000000000000000000000000008b24";

    fn provider(name: Option<&str>) -> Provider {
        Provider {
            id: "p1".into(),
            name: name.map(String::from),
            provider_type: "twilio".into(),
            account_sid: SID.into(),
            status: VerificationStatus::Pending,
            last_verified_at: None,
            phone_number_count: None,
            checks: Vec::new(),
            trunk_sid: None,
            termination_uri: None,
            region: None,
            supports_call_transfer: None,
            created_at: None,
        }
    }

    fn sip(description: Option<&str>) -> SipCredential {
        SipCredential {
            id: "s1".into(),
            org_id: "org".into(),
            server: "sip.example.com:5061".into(),
            domain: None,
            auth_user: None,
            auth_password: None,
            transport: Transport::Udp.into(),
            source: SipSource::Manual,
            description: description.map(String::from),
            cps_limit: None,
            cps_key: None,
            provider_id: None,
            created_time: None,
            last_update_time: None,
            unreadable: Vec::new(),
        }
    }

    /// Every character of a confirm name can be typed on a plain keyboard.
    fn typeable(s: &str) -> bool {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic() || c == ' ')
    }

    #[test]
    fn a_nameless_provider_is_confirmed_by_its_full_sid() {
        let nameless = provider(None);
        assert!(nameless.display_name().contains('…'));
        assert_eq!(nameless.confirm_name(), SID);
        assert!(typeable(&nameless.confirm_name()));
        assert_eq!(provider(Some("  ")).confirm_name(), SID);
        assert_eq!(provider(Some(" prod-main ")).confirm_name(), "prod-main");
    }

    #[test]
    fn a_sip_credential_is_confirmed_by_description_or_server() {
        assert_eq!(sip(None).confirm_name(), "sip.example.com:5061");
        assert_eq!(sip(Some("")).confirm_name(), "sip.example.com:5061");
        assert_eq!(sip(Some("Main trunk ")).confirm_name(), "Main trunk");
    }

    #[test]
    fn short_sid_keeps_both_ends() {
        assert_eq!(short_sid("AC0123456789abcdef0123456789abcdef"), "AC01…cdef");
        assert_eq!(short_sid("AC12"), "AC12");
    }
}

/// A SIP credential that cannot be replaced as a whole: fields the platform sent in a
/// form telcreds cannot read (or not at all) would be erased by a full replacement.
/// Said as the answer that could not be decoded, which is what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreplaceable {
    /// The credential.
    pub id: String,
    /// The fields that could not be read.
    pub fields: Vec<String>,
}

impl Unreplaceable {
    /// What was wrong, as the excerpt of an undecodable answer.
    pub fn excerpt(&self) -> String {
        format!(
            "{} of SIP credential {} came in a form telcreds cannot read, or not at all; an \
             update replaces every field and would erase {}, so nothing was changed",
            self.fields.join(", "),
            self.id,
            if self.fields.len() == 1 { "it" } else { "them" },
        )
    }
}

impl std::fmt::Display for Unreplaceable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "could not decode the platform's answer (HTTP 200): {}",
            self.excerpt()
        )
    }
}

impl std::error::Error for Unreplaceable {}

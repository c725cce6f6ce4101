//! Dasha's JSON shapes, read leniently (missing, null or odd values never fail a
//! whole list) and mapped into the domain model.

use crate::api::wire::{
    Field, field_string, field_u32, lenient_bool, lenient_string, lenient_time, lenient_u32,
};
use crate::domain::validate::field;
use crate::domain::{
    AffectedAgent, AffectedPhoneNumber, CheckStatus, Dependants, PhoneNumber, Provider,
    SipCredential, SipSource, TransportField, VerificationCheck, VerificationResult,
    VerificationStatus,
};
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Page<T> {
    Paged {
        items: Vec<T>,
        #[serde(rename = "totalCount")]
        total_count: u64,
    },
    Bare(Vec<T>),
}

impl<T> Page<T> {
    pub(super) fn into_items(self) -> Vec<T> {
        match self {
            Page::Paged { items, .. } | Page::Bare(items) => items,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireProvider {
    #[serde(default, deserialize_with = "lenient_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    provider_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    account_sid: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    verification_status: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    last_verified_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_u32")]
    phone_number_count: Option<u32>,
    #[serde(default)]
    verification_details: Option<Vec<Value>>,
    #[serde(default, deserialize_with = "lenient_string")]
    trunk_sid: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    termination_uri: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    supports_call_transfer: Option<bool>,
}

impl WireProvider {
    pub(super) fn into_domain(self) -> Provider {
        Provider {
            id: self.id.unwrap_or_default(),
            name: self.name,
            provider_type: self.provider_type.unwrap_or_else(|| "twilio".into()),
            account_sid: self.account_sid.unwrap_or_default(),
            status: self
                .verification_status
                .map(|s| VerificationStatus::parse(&s))
                .unwrap_or(VerificationStatus::Pending),
            last_verified_at: self.last_verified_at,
            phone_number_count: self.phone_number_count,
            checks: checks_from(self.verification_details.unwrap_or_default()),
            trunk_sid: self.trunk_sid,
            termination_uri: self.termination_uri,
            region: self.region,
            supports_call_transfer: self.supports_call_transfer,
            created_at: None,
        }
    }
}

/// Reads checks one by one, so one odd check does not hide the others.
pub(super) fn checks_from(values: Vec<Value>) -> Vec<VerificationCheck> {
    values
        .into_iter()
        .filter_map(|v| serde_json::from_value::<WireCheck>(v).ok())
        .map(WireCheck::into_domain)
        .collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireCheck {
    #[serde(default, deserialize_with = "lenient_string")]
    check_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    message: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    timestamp: Option<DateTime<Utc>>,
    #[serde(default)]
    details: Value,
}

impl WireCheck {
    pub(super) fn into_domain(self) -> VerificationCheck {
        VerificationCheck {
            name: self.check_name.unwrap_or_else(|| "check".into()),
            status: CheckStatus::parse(self.status.as_deref().unwrap_or("unknown")),
            message: self.message.unwrap_or_default(),
            timestamp: self.timestamp,
            details: self.details,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireVerification {
    #[serde(default, deserialize_with = "lenient_string")]
    status: Option<String>,
    #[serde(default)]
    checks: Option<Vec<Value>>,
    #[serde(default, deserialize_with = "lenient_time")]
    last_verified_at: Option<DateTime<Utc>>,
}

impl WireVerification {
    pub(super) fn into_domain(self) -> VerificationResult {
        VerificationResult {
            status: VerificationStatus::parse(self.status.as_deref().unwrap_or("pending")),
            checks: checks_from(self.checks.unwrap_or_default()),
            last_verified_at: self.last_verified_at,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireSip {
    #[serde(default, deserialize_with = "lenient_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    org_id: Option<String>,
    #[serde(default, deserialize_with = "field_string")]
    server: Field<String>,
    #[serde(default, deserialize_with = "field_string")]
    domain: Field<String>,
    #[serde(default, deserialize_with = "field_string")]
    auth_user: Field<String>,
    #[serde(default, deserialize_with = "field_string")]
    auth_password: Field<String>,
    #[serde(default, deserialize_with = "field_string")]
    transport: Field<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    source: Option<String>,
    #[serde(default, deserialize_with = "field_string")]
    description: Field<String>,
    #[serde(default, deserialize_with = "field_u32")]
    cps_limit: Field<u32>,
    #[serde(default, deserialize_with = "field_string")]
    cps_key: Field<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    provider_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    created_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_time")]
    last_update_time: Option<DateTime<Utc>>,
}

impl WireSip {
    pub(super) fn into_domain(self) -> SipCredential {
        // In the order of `field::SIP_CHECKED` (the array type checks the count).
        let unreadable: [bool; field::SIP_CHECKED.len()] = [
            self.server.is_unknown(),
            self.domain.is_unknown(),
            self.auth_user.is_unknown(),
            self.auth_password.is_unknown(),
            self.transport.is_unknown(),
            self.description.is_unknown(),
            self.cps_limit.is_unknown(),
            self.cps_key.is_unknown(),
        ];
        let unreadable = field::SIP_CHECKED
            .into_iter()
            .zip(unreadable)
            .filter_map(|(name, bad)| bad.then_some(name))
            .collect();
        SipCredential {
            id: self.id.unwrap_or_default(),
            org_id: self.org_id.unwrap_or_default().into(),
            server: self.server.value().unwrap_or_default(),
            domain: self.domain.value(),
            auth_user: self.auth_user.value(),
            auth_password: self.auth_password.value().map(Secret::new),
            transport: self
                .transport
                .value()
                .map(|t| TransportField::parse(&t))
                .unwrap_or_default(),
            source: SipSource::parse(self.source.as_deref().unwrap_or("manual")),
            description: self.description.value(),
            cps_limit: self.cps_limit.value(),
            cps_key: self.cps_key.value(),
            provider_id: self.provider_id,
            created_time: self.created_time,
            last_update_time: self.last_update_time,
            unreadable,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WirePhoneNumber {
    #[serde(default, deserialize_with = "lenient_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    phone_number: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    credentials_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    provider_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    incoming_calls_agent_id: Option<String>,
}

impl WirePhoneNumber {
    pub(super) fn into_domain(self) -> PhoneNumber {
        PhoneNumber {
            id: self.id.unwrap_or_default(),
            phone_number: self.phone_number.unwrap_or_default(),
            credentials_id: self.credentials_id,
            provider_id: self.provider_id,
            description: self.description,
            incoming_calls_agent_id: self.incoming_calls_agent_id,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct WireDependants {
    phone_numbers: Vec<WireAffectedNumber>,
    #[serde(deserialize_with = "lenient_u32")]
    affected_calls_count: Option<u32>,
}

impl WireDependants {
    pub(super) fn into_domain(self) -> Dependants {
        Dependants {
            phone_numbers: self
                .phone_numbers
                .into_iter()
                .map(WireAffectedNumber::into_domain)
                .collect(),
            affected_calls_count: self.affected_calls_count.unwrap_or(0),
        }
    }
}

#[derive(Deserialize, Clone, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct WireAffectedNumber {
    #[serde(deserialize_with = "lenient_string")]
    id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    phone_number: Option<String>,
    affected_agents: Vec<WireAgent>,
}

impl WireAffectedNumber {
    pub(super) fn into_domain(self) -> AffectedPhoneNumber {
        AffectedPhoneNumber {
            id: self.id.unwrap_or_default(),
            phone_number: self.phone_number.unwrap_or_default(),
            affected_agents: self
                .affected_agents
                .into_iter()
                .map(|a| AffectedAgent {
                    agent_id: a.agent_id.unwrap_or_default(),
                    agent_name: a.agent_name.unwrap_or_default(),
                    uses: a.uses,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, Clone, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct WireAgent {
    #[serde(deserialize_with = "lenient_string")]
    agent_id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    agent_name: Option<String>,
    uses: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sip(json: serde_json::Value) -> SipCredential {
        serde_json::from_value::<WireSip>(json)
            .unwrap()
            .into_domain()
    }

    #[test]
    fn a_field_missing_from_the_answer_blocks_a_full_replacement_like_an_unreadable_one() {
        let full = serde_json::json!({
            "id": "c1", "orgId": "o", "server": "sip.example.com", "domain": "example.com",
            "authUser": "u", "authPassword": "p", "transport": "udp", "source": "manual",
            "description": "d", "cpsLimit": 5, "cpsKey": "k"
        });
        assert!(sip(full.clone()).to_input().is_ok());
        for missing in ["authPassword", "domain"] {
            let mut answer = full.clone();
            answer.as_object_mut().unwrap().remove(missing);
            let credential = sip(answer);
            let err = credential.to_input().unwrap_err().to_string();
            let name = crate::domain::validate::field_key(missing);
            assert!(err.contains(&name), "{err}");
            assert!(err.contains("nothing was changed"), "{err}");
        }
        // An explicit null is a value: no password, no domain.
        let mut nulls = full.clone();
        nulls["authPassword"] = serde_json::Value::Null;
        nulls["domain"] = serde_json::Value::Null;
        let input = sip(nulls).to_input().unwrap();
        assert!(input.auth_password.is_none() && input.domain.is_none());
    }

    #[test]
    fn a_fractional_cps_limit_shows_as_unreadable_never_as_no_limit() {
        use crate::domain::validate::field::CPS_LIMIT;
        let c = sip(serde_json::json!({"id": "c1", "server": "s", "cpsLimit": 2.5}));
        assert_eq!(c.field_text(CPS_LIMIT, c.cps_limit.as_ref()), "unreadable");
        let c = sip(serde_json::json!({"id": "c1", "server": "s", "cpsLimit": null}));
        assert_eq!(c.field_text(CPS_LIMIT, c.cps_limit.as_ref()), "-");
        let c = sip(serde_json::json!({"id": "c1", "server": "s", "cpsLimit": 3}));
        assert_eq!(c.field_text(CPS_LIMIT, c.cps_limit.as_ref()), "3");
    }
}

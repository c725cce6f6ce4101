//! Dasha BlackBox client: `/providers`, `/providers/twilio`, `/sip-credentials`,
//! `/sip-phone-numbers`. camelCase JSON, problem-details errors, skip/take paging.

mod pages;
mod wire;

pub use pages::{ListPage, MAX_PAGES, MAX_TAKE};

use super::error::{ApiError, ErrorBody};
use super::http::{Answer, Http, RetryMode, decode, excerpt, seg};
use crate::domain::validate::{FieldError, field_key};
use crate::domain::{
    Dependants, NewProvider, PhoneNumber, Provider, ProviderUpdate, SipCredential,
    SipCredentialInput, VerificationResult,
};
use crate::secret::Secret;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::{Value, json};
use wire::{
    WireAffectedNumber, WireDependants, WirePhoneNumber, WireProvider, WireSip, WireVerification,
};

/// A Dasha BlackBox API client for one profile.
#[derive(Clone, Debug)]
pub struct DashaClient {
    http: Http,
    base: String,
    token: Secret,
}

impl DashaClient {
    /// A client for `base` (e.g. `https://blackbox.dasha.ai/api/v1`) with a bearer token.
    pub fn new(http: Http, base: &str, token: Secret) -> Self {
        DashaClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            token,
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<Answer, ApiError> {
        let mode = if method == Method::POST || method == Method::PATCH {
            RetryMode::Never
        } else {
            RetryMode::Idempotent
        };
        let url = format!("{}{}", self.base, path);
        let make = || {
            let mut req = self
                .http
                .client()
                .request(method.clone(), &url)
                .bearer_auth(self.token.expose())
                .query(query);
            if let Some(b) = &body {
                req = req.json(b);
            }
            req
        };
        self.http.send(make, mode, classify).await
    }

    /// The base URL, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Lists every provider (the list may come as a bare array or a paged object).
    pub async fn list_providers(&self) -> Result<Vec<Provider>, ApiError> {
        let all = self
            .all_pages::<WireProvider>("providers", "/providers", &[])
            .await?;
        Ok(all.into_iter().map(WireProvider::into_domain).collect())
    }

    /// Fetches one provider.
    pub async fn get_provider(&self, id: &str) -> Result<Provider, ApiError> {
        let a = self
            .call(Method::GET, &format!("/providers/{}", seg(id)?), &[], None)
            .await?;
        Ok(decode::<WireProvider>(&a)?.into_domain())
    }

    /// Deletes a provider and everything it created (irreversible on the platform).
    pub async fn delete_provider(&self, id: &str) -> Result<(), ApiError> {
        self.call(
            Method::DELETE,
            &format!("/providers/{}", seg(id)?),
            &[],
            None,
        )
        .await?;
        Ok(())
    }

    /// Runs the platform's verification of a provider.
    pub async fn verify_provider(&self, id: &str) -> Result<VerificationResult, ApiError> {
        let path = format!("/providers/{}/verify", seg(id)?);
        let a = self.call(Method::POST, &path, &[], None).await?;
        Ok(decode::<WireVerification>(&a)?.into_domain())
    }

    /// Creates a Twilio provider (the platform checks the credentials with Twilio).
    pub async fn create_twilio_provider(&self, p: &NewProvider) -> Result<Provider, ApiError> {
        let mut body = json!({
            "accountSid": p.account_sid.trim(),
            "authToken": p.auth_token.expose().trim(),
        });
        insert_opt(&mut body, "name", p.name.as_ref().map(|v| json!(v)));
        insert_opt(&mut body, "region", p.region.as_ref().map(|v| json!(v)));
        insert_opt(
            &mut body,
            "supportsCallTransfer",
            p.supports_call_transfer.map(|v| json!(v)),
        );
        let a = self
            .call(Method::POST, "/providers/twilio", &[], Some(body))
            .await?;
        Ok(decode::<WireProvider>(&a)?.into_domain())
    }

    /// Fetches a Twilio provider with its Twilio-specific fields.
    pub async fn get_twilio_provider(&self, id: &str) -> Result<Provider, ApiError> {
        let path = format!("/providers/twilio/{}", seg(id)?);
        let a = self.call(Method::GET, &path, &[], None).await?;
        Ok(decode::<WireProvider>(&a)?.into_domain())
    }

    /// Partial update of name, region, call transfer.
    pub async fn update_twilio_provider(
        &self,
        id: &str,
        u: &ProviderUpdate,
    ) -> Result<Provider, ApiError> {
        if u.account_sid.is_some() {
            return Err(ApiError::Unsupported(
                "Dasha cannot change a provider's Account SID: create a new provider instead"
                    .into(),
            ));
        }
        if u.auth_token.is_some() {
            return Err(ApiError::Unsupported(
                "a Dasha provider's auth token is replaced by a token rotation, not an update"
                    .into(),
            ));
        }
        let mut body = json!({});
        insert_opt(&mut body, "name", u.name.as_ref().map(|v| json!(v)));
        insert_opt(&mut body, "region", u.region.as_ref().map(|v| json!(v)));
        insert_opt(
            &mut body,
            "supportsCallTransfer",
            u.supports_call_transfer.map(|v| json!(v)),
        );
        let path = format!("/providers/twilio/{}", seg(id)?);
        let a = self.call(Method::PUT, &path, &[], Some(body)).await?;
        Ok(decode::<WireProvider>(&a)?.into_domain())
    }

    /// Replaces the Twilio auth token; the platform checks it with Twilio first.
    pub async fn update_auth_token(&self, id: &str, token: &Secret) -> Result<Provider, ApiError> {
        let body = json!({ "authToken": token.expose().trim() });
        let path = format!("/providers/twilio/{}/auth-token", seg(id)?);
        let a = self.call(Method::PATCH, &path, &[], Some(body)).await?;
        Ok(decode::<WireProvider>(&a)?.into_domain())
    }

    /// Lists every SIP credential, fetching the pages after the first concurrently.
    pub async fn list_sip_credentials(&self) -> Result<Vec<SipCredential>, ApiError> {
        let mut all = Vec::new();
        self.sip_credential_pages(|page| all.extend(page.items))
            .await?;
        Ok(all)
    }

    /// Hands every page of SIP credentials to `on_page`, in order, as it arrives.
    pub async fn sip_credential_pages(
        &self,
        mut on_page: impl FnMut(ListPage<SipCredential>),
    ) -> Result<(), ApiError> {
        // Every credential of a list has the same organisation: one shared copy.
        let mut org: Option<std::sync::Arc<str>> = None;
        let mut share = |mut c: SipCredential| {
            match &org {
                Some(shared) if **shared == *c.org_id => c.org_id = shared.clone(),
                _ => org = Some(c.org_id.clone()),
            }
            c
        };
        self.each_page(
            "SIP credentials",
            "/sip-credentials",
            &[],
            |page: ListPage<WireSip>| {
                on_page(ListPage {
                    items: page
                        .items
                        .into_iter()
                        .map(|w| share(w.into_domain()))
                        .collect(),
                    loaded: page.loaded,
                    total: page.total,
                })
            },
        )
        .await
    }

    /// Fetches one SIP credential.
    pub async fn get_sip_credential(&self, id: &str) -> Result<SipCredential, ApiError> {
        let path = format!("/sip-credentials/{}", seg(id)?);
        let a = self.call(Method::GET, &path, &[], None).await?;
        Ok(decode::<WireSip>(&a)?.into_domain())
    }

    /// Creates a SIP credential.
    pub async fn create_sip_credential(
        &self,
        input: &SipCredentialInput,
    ) -> Result<SipCredential, ApiError> {
        let a = self
            .call(Method::POST, "/sip-credentials", &[], Some(sip_body(input)))
            .await?;
        Ok(decode::<WireSip>(&a)?.into_domain())
    }

    /// Replaces every field of a SIP credential (the id is kept).
    pub async fn replace_sip_credential(
        &self,
        id: &str,
        input: &SipCredentialInput,
    ) -> Result<SipCredential, ApiError> {
        let path = format!("/sip-credentials/{}", seg(id)?);
        let a = self
            .call(Method::PUT, &path, &[], Some(sip_body(input)))
            .await?;
        Ok(decode::<WireSip>(&a)?.into_domain())
    }

    /// Deletes a SIP credential; `force` also deletes the phone numbers using it.
    pub async fn delete_sip_credential(&self, id: &str, force: bool) -> Result<(), ApiError> {
        let path = format!("/sip-credentials/{}", seg(id)?);
        self.call(Method::DELETE, &path, &[("force", force.to_string())], None)
            .await?;
        Ok(())
    }

    /// Phone numbers and agents that use a SIP credential.
    pub async fn sip_credential_dependants(&self, id: &str) -> Result<Dependants, ApiError> {
        let path = format!("/sip-credentials/{}/affected-agents", seg(id)?);
        let a = self.call(Method::GET, &path, &[], None).await?;
        Ok(decode::<WireDependants>(&a)?.into_domain())
    }

    /// Phone numbers, optionally only those of one provider.
    pub async fn list_phone_numbers(
        &self,
        provider_id: Option<&str>,
    ) -> Result<Vec<PhoneNumber>, ApiError> {
        let filter: Vec<(&str, String)> = provider_id
            .map(|p| ("providerId", p.to_string()))
            .into_iter()
            .collect();
        let path = "/sip-phone-numbers";
        let all = self
            .all_pages::<WirePhoneNumber>("phone numbers", path, &filter)
            .await?;
        Ok(all.into_iter().map(WirePhoneNumber::into_domain).collect())
    }
}

fn insert_opt(body: &mut Value, key: &str, value: Option<Value>) {
    if let (Some(v), Some(map)) = (value, body.as_object_mut()) {
        map.insert(key.to_string(), v);
    }
}

fn sip_body(i: &SipCredentialInput) -> Value {
    json!({
        "server": i.server.trim(),
        "domain": i.domain,
        "authUser": i.auth_user,
        "authPassword": i.auth_password.as_ref().map(|p| p.expose()),
        "transport": i.transport.as_str(),
        "description": i.description,
        "cpsLimit": i.cps_limit,
        "cpsKey": i.cps_key,
    })
}

/// Turns a Dasha response into an error when it is one (RFC 7807 problem details).
fn classify(status: u16, headers: &HeaderMap, body: &[u8]) -> Option<ApiError> {
    if (200..300).contains(&status) {
        return None;
    }
    let problem: Problem = serde_json::from_slice(body).unwrap_or_default();
    let message = problem.message().unwrap_or_else(|| excerpt(body));
    let body = ErrorBody {
        message,
        fields: problem.field_errors(),
        dependants: problem.dependants(),
    };
    Some(ApiError::from_status(status, headers, body))
}

/// RFC 7807 problem details, with ASP.NET's `errors` and our 409 `phoneNumbers`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Problem {
    title: Option<String>,
    detail: Option<String>,
    errors: Option<serde_json::Map<String, Value>>,
    phone_numbers: Option<Vec<WireAffectedNumber>>,
}

impl Problem {
    fn message(&self) -> Option<String> {
        match (&self.title, &self.detail) {
            (Some(t), Some(d)) if !d.is_empty() && t != d => Some(format!("{t}: {d}")),
            (Some(t), _) => Some(t.clone()),
            (None, Some(d)) => Some(d.clone()),
            (None, None) => None,
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        let Some(errors) = &self.errors else {
            return Vec::new();
        };
        errors
            .iter()
            .flat_map(|(key, msgs)| {
                let field = field_key(key);
                let msgs: Vec<String> = match msgs {
                    Value::Array(a) => a
                        .iter()
                        .filter_map(|m| m.as_str().map(String::from))
                        .collect(),
                    Value::String(s) => vec![s.clone()],
                    _ => Vec::new(),
                };
                msgs.into_iter().map(move |m| FieldError::new(&field, m))
            })
            .collect()
    }

    fn dependants(&self) -> Dependants {
        Dependants {
            phone_numbers: self
                .phone_numbers
                .iter()
                .flatten()
                .cloned()
                .map(WireAffectedNumber::into_domain)
                .collect(),
            affected_calls_count: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wire::WireProvider;
    use super::*;
    use crate::domain::{CheckStatus, VerificationStatus};

    #[test]
    fn unknown_enum_values_do_not_fail_a_provider() {
        let v: WireProvider = serde_json::from_str(
            r#"{"id":"x","providerType":"vonage","accountSid":"AC1","verificationStatus":"degraded",
                "lastVerifiedAt":"not a date","phoneNumberCount":-3,"verificationDetails":[{"checkName":"trunk","status":"flaky"}, 7]}"#,
        )
        .unwrap();
        let p = v.into_domain();
        assert_eq!(p.status, VerificationStatus::Unknown("degraded".into()));
        assert_eq!(p.last_verified_at, None);
        assert_eq!(p.phone_number_count, None);
        assert_eq!(p.checks.len(), 1);
        assert_eq!(p.checks[0].status, CheckStatus::Unknown("flaky".into()));
    }

    #[test]
    fn problem_details_become_field_errors() {
        let body = br#"{"title":"One or more validation errors occurred.","status":400,"errors":{"authPassword":["The field authPassword must be at most 64 characters."]}}"#;
        let e = classify(400, &HeaderMap::new(), body).unwrap();
        assert_eq!(e.field_errors()[0].field, "auth_password");
    }
}

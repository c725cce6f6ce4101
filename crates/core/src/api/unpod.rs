//! Unpod platform v2 client: organizations and telephony provider configurations.
//! `Token` auth plus `Org-Handle`, the `{status_code, message, data}` envelope,
//! trailing slashes, and HTTP 206 treated as the error it is.

use super::error::{ApiError, ErrorBody};
use super::http::{Answer, Http, RetryMode, decode, excerpt, seg};
use super::wire::{lenient_string, lenient_time};
use crate::domain::validate::FieldError;
use crate::domain::{NewProvider, Provider, ProviderUpdate, VerificationStatus};
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Connection settings of an Unpod profile.
#[derive(Clone, Debug)]
pub struct UnpodSettings {
    /// e.g. `https://unpod.dev/api/v2/platform`.
    pub base: String,
    /// API token (`Authorization: Token …`).
    pub token: Secret,
    /// `Org-Handle` header.
    pub org_handle: String,
    /// `Product-ID` header, when the deployment asks for it.
    pub product_id: Option<String>,
    /// Path of provider configurations, ending in `/`.
    pub configurations_path: String,
}

/// An Unpod API client for one profile.
#[derive(Clone, Debug)]
pub struct UnpodClient {
    http: Http,
    settings: UnpodSettings,
}

/// An organization the token is a member of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Display name.
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: Option<String>,
    /// The handle to use as `Org-Handle`.
    #[serde(default, deserialize_with = "lenient_string")]
    pub domain_handle: Option<String>,
}

/// A list of provider configurations as read.
#[derive(Debug, Clone, Default)]
pub struct ConfigurationList {
    /// The configurations that could be read.
    pub configurations: Vec<Provider>,
    /// A short excerpt (secret-looking values redacted) of each item that could not.
    pub unreadable: Vec<String>,
}

impl UnpodClient {
    /// A client with the given settings.
    pub fn new(http: Http, mut settings: UnpodSettings) -> Self {
        settings.base = settings.base.trim_end_matches('/').to_string();
        if !settings.configurations_path.ends_with('/') {
            settings.configurations_path.push('/');
        }
        UnpodClient { http, settings }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Answer, ApiError> {
        let mode = if method == Method::POST || method == Method::PATCH {
            RetryMode::Never
        } else {
            RetryMode::Idempotent
        };
        let authorization = self.authorization()?;
        let make = || self.request(&method, path, &authorization, body.as_ref());
        self.http.send(make, mode, classify).await
    }

    /// `Authorization: Token …`, marked sensitive so it is never printed or logged
    /// (as reqwest does for `bearer_auth`).
    fn authorization(&self) -> Result<HeaderValue, ApiError> {
        let mut value = HeaderValue::from_str(&format!("Token {}", self.settings.token.expose()))
            .map_err(|_| ApiError::Unauthorized {
            message: "the token contains characters that cannot be sent in an HTTP header".into(),
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// One attempt's request: auth and organization headers, and the JSON body.
    fn request(
        &self,
        method: &Method,
        path: &str,
        authorization: &HeaderValue,
        body: Option<&Value>,
    ) -> reqwest::RequestBuilder {
        let s = &self.settings;
        let url = format!("{}/{}", s.base, path.trim_start_matches('/'));
        let mut req = self
            .http
            .client()
            .request(method.clone(), url)
            .header(AUTHORIZATION, authorization.clone())
            .header("Org-Handle", &s.org_handle);
        if let Some(p) = &s.product_id {
            req = req.header("Product-ID", p);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req
    }

    /// The configurations path, or one configuration's path (the id percent-encoded
    /// as one segment).
    fn config_path(&self, id: Option<&str>) -> Result<String, ApiError> {
        let base = &self.settings.configurations_path;
        Ok(match id {
            Some(id) => format!("{base}{}/", seg(id.trim())?),
            None => base.clone(),
        })
    }

    /// Organizations the token belongs to.
    pub async fn list_organizations(&self) -> Result<Vec<Organization>, ApiError> {
        let a = self.call(Method::GET, "organizations/", None).await?;
        data::<Vec<Organization>>(&a)
    }

    /// The path of provider configurations this client uses (ends in `/`).
    pub fn configurations_path(&self) -> &str {
        &self.settings.configurations_path
    }

    /// The URL of the provider configuration list.
    pub fn configurations_url(&self) -> String {
        let s = &self.settings;
        format!(
            "{}/{}",
            s.base.trim_end_matches('/'),
            s.configurations_path.trim_start_matches('/')
        )
    }

    /// The same client with provider configurations at `path` (ending in `/`).
    pub fn with_configurations_path(&self, path: &str) -> UnpodClient {
        let mut settings = self.settings.clone();
        settings.configurations_path = path.to_string();
        UnpodClient::new(self.http.clone(), settings)
    }

    /// Every provider configuration of the organization.
    pub async fn list_configurations(&self) -> Result<Vec<Provider>, ApiError> {
        Ok(self.read_configurations().await?.configurations)
    }

    /// Every provider configuration of the organization, with the items that could
    /// not be read (skipped by [`UnpodClient::list_configurations`]).
    pub async fn read_configurations(&self) -> Result<ConfigurationList, ApiError> {
        let a = self
            .call(Method::GET, &self.config_path(None)?, None)
            .await?;
        let items = data::<Vec<Value>>(&a)?;
        // One odd item does not fail the list: it is skipped.
        let mut list = ConfigurationList::default();
        for item in items {
            match serde_json::from_value::<WireConfig>(item.clone()) {
                Ok(c) => list.configurations.push(c.into_domain()),
                Err(_) => list.unreadable.push(excerpt(item.to_string().as_bytes())),
            }
        }
        Ok(list)
    }

    /// One provider configuration.
    pub async fn get_configuration(&self, id: &str) -> Result<Provider, ApiError> {
        let a = self
            .call(Method::GET, &self.config_path(Some(id))?, None)
            .await?;
        Ok(data::<WireConfig>(&a)?.into_domain())
    }

    /// Creates a configuration. Unpod does not check the Twilio credentials: use
    /// [`PlatformClient`](super::PlatformClient), which checks them with Twilio first.
    pub async fn create_configuration(&self, p: &NewProvider) -> Result<Provider, ApiError> {
        let body = json!({
            "provider": p.provider,
            "account_sid": p.account_sid.trim(),
            "auth_token": p.auth_token.expose().trim(),
        });
        let a = self
            .call(Method::POST, &self.config_path(None)?, Some(body))
            .await?;
        Ok(data::<WireConfig>(&a)?.into_domain())
    }

    /// Partial update: Account SID and/or auth token.
    pub async fn patch_configuration(
        &self,
        id: &str,
        account_sid: Option<&str>,
        auth_token: Option<&Secret>,
    ) -> Result<Provider, ApiError> {
        let mut body = serde_json::Map::new();
        if let Some(sid) = account_sid {
            body.insert("account_sid".into(), json!(sid.trim()));
        }
        if let Some(t) = auth_token {
            body.insert("auth_token".into(), json!(t.expose().trim()));
        }
        let a = self
            .call(
                Method::PATCH,
                &self.config_path(Some(id))?,
                Some(Value::Object(body)),
            )
            .await?;
        Ok(data::<WireConfig>(&a)?.into_domain())
    }

    /// Applies a [`ProviderUpdate`]; only the Account SID (with its auth token) can
    /// change on Unpod. Unpod does not check the pair: use
    /// [`PlatformClient`](super::PlatformClient), which checks it with Twilio first.
    pub async fn update_configuration(
        &self,
        id: &str,
        u: &ProviderUpdate,
    ) -> Result<Provider, ApiError> {
        if u.name.is_some() || u.region.is_some() || u.supports_call_transfer.is_some() {
            return Err(ApiError::Unsupported(
                "Unpod provider configurations have only an Account SID and an auth token".into(),
            ));
        }
        self.patch_configuration(id, u.account_sid.as_deref(), u.auth_token.as_ref())
            .await
    }

    /// Deletes a configuration (204; any body is ignored).
    pub async fn delete_configuration(&self, id: &str) -> Result<(), ApiError> {
        self.call(Method::DELETE, &self.config_path(Some(id))?, None)
            .await?;
        Ok(())
    }
}

/// Unwraps the envelope's `data`.
fn data<T: for<'de> Deserialize<'de>>(answer: &Answer) -> Result<T, ApiError> {
    #[derive(Deserialize)]
    struct Envelope<T> {
        data: T,
    }
    decode::<Envelope<T>>(answer).map(|e| e.data)
}

/// Turns an Unpod response into an error when it is one: any non-2xx, and 206.
fn classify(status: u16, headers: &HeaderMap, body: &[u8]) -> Option<ApiError> {
    if (200..300).contains(&status) && status != 206 {
        return None;
    }
    let env: ErrorEnvelope = serde_json::from_slice(body).unwrap_or_default();
    let message = env
        .message
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| excerpt(body));
    let fields = field_errors(&env.data);
    let body = ErrorBody {
        message,
        fields,
        ..ErrorBody::default()
    };
    // 206 is how Unpod reports validation problems on updates.
    let status = if status == 206 { 400 } else { status };
    Some(ApiError::from_status(status, headers, body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ErrorEnvelope {
    #[serde(deserialize_with = "lenient_string")]
    message: Option<String>,
    data: Value,
}

/// DRF field errors: `{"account_sid": ["msg"], "detail": "msg"}`.
fn field_errors(data: &Value) -> Vec<FieldError> {
    let Some(map) = data.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(k, _)| k.as_str() != "detail" && k.as_str() != "non_field_errors")
        .flat_map(|(k, v)| {
            let msgs: Vec<String> = match v {
                Value::Array(a) => a
                    .iter()
                    .filter_map(|m| m.as_str().map(String::from))
                    .collect(),
                Value::String(s) => vec![s.clone()],
                _ => Vec::new(),
            };
            msgs.into_iter().map(move |m| FieldError::new(k, m))
        })
        .collect()
}

/// A provider configuration as sent: the documented shape, with the legacy
/// `api_key` (which held the Account SID) accepted too.
#[derive(Deserialize)]
struct WireConfig {
    #[serde(default, deserialize_with = "lenient_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    provider: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    account_sid: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    api_key: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    created_at: Option<DateTime<Utc>>,
}

impl WireConfig {
    fn into_domain(self) -> Provider {
        Provider {
            id: self.id.unwrap_or_default(),
            name: self.name,
            provider_type: self.provider.unwrap_or_else(|| "twilio".into()),
            account_sid: self.account_sid.or(self.api_key).unwrap_or_default(),
            status: VerificationStatus::NotVerifiable,
            last_verified_at: None,
            phone_number_count: None,
            checks: Vec::new(),
            trunk_sid: None,
            termination_uri: None,
            region: None,
            supports_call_transfer: None,
            created_at: self.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_206_is_an_error() {
        let body = br#"{"status_code":206,"message":"Invalid data.","data":{"account_sid":["Invalid Account SID."]}}"#;
        let e = classify(206, &HeaderMap::new(), body).unwrap();
        assert_eq!(e.field_errors()[0].field, "account_sid");
        assert!(classify(204, &HeaderMap::new(), b"").is_none());
    }

    fn client() -> UnpodClient {
        UnpodClient::new(
            Http::new(Default::default()).unwrap(),
            UnpodSettings {
                base: "https://unpod.example/api/v2/platform/".into(),
                token: Secret::new("CANARY-unpod-token"),
                org_handle: "acme.example".into(),
                product_id: None,
                configurations_path: "telephony/providers-configurations".into(),
            },
        )
    }

    #[test]
    fn the_authorization_header_is_sensitive() {
        let c = client();
        let auth = c.authorization().unwrap();
        assert!(auth.is_sensitive());
        let request = c
            .request(&Method::GET, "organizations/", &auth, None)
            .build()
            .unwrap();
        let header = &request.headers()[AUTHORIZATION];
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().unwrap(), "Token CANARY-unpod-token");
        let shown = format!("{request:?} {:?}", request.headers());
        assert!(!shown.contains("CANARY"), "{shown}");
    }

    #[test]
    fn configuration_ids_stay_one_path_segment() {
        let c = client();
        assert_eq!(
            c.config_path(Some(" 101 ")).unwrap(),
            "telephony/providers-configurations/101/"
        );
        assert_eq!(
            c.config_path(Some("../organizations")).unwrap(),
            "telephony/providers-configurations/..%2Forganizations/"
        );
        assert!(c.config_path(Some("..")).is_err());
        let request = c
            .request(
                &Method::DELETE,
                &c.config_path(Some("../../organizations")).unwrap(),
                &c.authorization().unwrap(),
                None,
            )
            .build()
            .unwrap();
        assert_eq!(
            request.url().path(),
            "/api/v2/platform/telephony/providers-configurations/..%2F..%2Forganizations/"
        );
    }

    #[test]
    fn legacy_shape_maps_api_key_to_sid() {
        let c: WireConfig =
            serde_json::from_str(r#"{"id":7,"provider":3,"api_key":"AC1","api_secret":"s"}"#)
                .unwrap();
        let p = c.into_domain();
        assert_eq!(
            (
                p.id.as_str(),
                p.account_sid.as_str(),
                p.provider_type.as_str()
            ),
            ("7", "AC1", "3")
        );
    }
}

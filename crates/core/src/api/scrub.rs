//! The one place where what a platform sends back is cleaned of the secrets that the
//! request carried: the token in its `Authorization` header (and, for basic auth, the
//! pair and its base64 form) and every secret in its JSON or form body (a new auth
//! token or SIP password). A server that echoes a request back, in an error or in a field of
//! a successful answer, cannot make telcreds print, log or journal it.

use super::error::ApiError;
use crate::secret::{REDACTED, Secret};
use base64::Engine as _;
use serde_json::Value;

/// Shorter values are not scrubbed: replacing them would mangle ordinary text.
const MIN_SECRET_CHARS: usize = 4;

/// The secrets one request carried, in every form a server may echo them in.
#[derive(Clone, Default)]
pub struct RequestSecrets {
    /// From headers: never legitimately part of an answer, scrubbed everywhere.
    credentials: Vec<Secret>,
    /// From the body: scrubbed everywhere except as the value of a secret field.
    sent: Vec<Secret>,
}

impl std::fmt::Debug for RequestSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RequestSecrets({} credential forms, {} sent forms)",
            self.credentials.len(),
            self.sent.len()
        )
    }
}

impl RequestSecrets {
    /// Collects the secrets of a built request: sensitive headers and secret-named
    /// fields of a JSON body.
    pub fn of(request: &reqwest::Request) -> RequestSecrets {
        let mut secrets = RequestSecrets::default();
        for value in request.headers().values() {
            if value.is_sensitive()
                && let Ok(text) = value.to_str()
            {
                for form in header_forms(text) {
                    push_forms(&mut secrets.credentials, &form);
                }
            }
        }
        if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
            let mut found = Vec::new();
            if let Ok(json) = serde_json::from_slice::<Value>(body) {
                secret_fields(&json, false, &mut found);
            } else if is_form(request) {
                // Twilio's form bodies: `Password=…`.
                found.extend(
                    form_urlencoded::parse(body)
                        .filter(|(k, _)| super::redact::is_sensitive(k))
                        .map(|(_, v)| v.into_owned()),
                );
            }
            for value in found {
                push_forms(&mut secrets.sent, &value);
            }
        }
        secrets
    }

    /// True when the request carried no secret.
    pub fn is_empty(&self) -> bool {
        self.credentials.is_empty() && self.sent.is_empty()
    }

    fn all(&self) -> impl Iterator<Item = &Secret> {
        self.credentials.iter().chain(&self.sent)
    }

    /// `text` with every secret replaced by `[redacted]`.
    pub fn scrub_text(&self, text: &str) -> String {
        crate::secret::scrub(text, &self.all().collect::<Vec<_>>())
    }

    /// The error with every secret removed from its texts, and its texts made
    /// printable (no control characters).
    pub fn scrub_error(&self, error: ApiError) -> ApiError {
        error.map_texts(|t| crate::text::printable(&self.scrub_text(t)).into_owned())
    }

    /// A successful answer's body with the secrets removed. The request's own
    /// credentials go everywhere; a secret it sent stays only as the value of a
    /// secret-named field (a stored SIP password read back), never elsewhere.
    pub fn scrub_body(&self, body: Vec<u8>) -> Vec<u8> {
        if self.is_empty() || !self.all().any(|s| contains(&body, s.expose())) {
            return body;
        }
        if !self.sent.is_empty()
            && let Ok(mut json) = serde_json::from_slice::<Value>(&body)
        {
            self.scrub_json(&mut json, false);
            return serde_json::to_vec(&json).unwrap_or_default();
        }
        let mut body = body;
        for secret in self.all() {
            body = replace_bytes(&body, secret.expose().as_bytes(), REDACTED.as_bytes());
        }
        body
    }

    fn scrub_json(&self, value: &mut Value, in_secret_field: bool) {
        match value {
            Value::String(s) => {
                // In a secret field, only the credentials go (the value may be the
                // new password the request set).
                let secrets: Vec<&Secret> = if in_secret_field {
                    self.credentials.iter().collect()
                } else {
                    self.all().collect()
                };
                if secrets.iter().any(|x| s.contains(x.expose())) {
                    *s = crate::secret::scrub(s, &secrets);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.scrub_json(item, in_secret_field);
                }
            }
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut item) in entries {
                    self.scrub_json(&mut item, super::redact::is_sensitive(&key));
                    let key = if self.all().any(|x| key.contains(x.expose())) {
                        self.scrub_text(&key)
                    } else {
                        key
                    };
                    map.insert(key, item);
                }
            }
            _ => {}
        }
    }
}

/// True when the request's body is `application/x-www-form-urlencoded`.
fn is_form(request: &reqwest::Request) -> bool {
    request
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        })
}

/// The secret parts of an `Authorization`-like header value: the whole value, the
/// credential after the scheme, and for basic auth the decoded pair and password.
fn header_forms(value: &str) -> Vec<String> {
    let mut forms = vec![value.to_string()];
    if let Some((scheme, credential)) = value.split_once(' ') {
        let credential = credential.trim();
        forms.push(credential.to_string());
        if scheme.eq_ignore_ascii_case("basic")
            && let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(credential)
            && let Ok(pair) = String::from_utf8(raw)
        {
            if let Some((_, password)) = pair.split_once(':') {
                forms.push(password.to_string());
            }
            forms.push(pair);
        }
    }
    forms
}

/// Adds `value` and the escaped forms a server may write it in (JSON string, JSON
/// with escaped slashes, percent-encoded).
fn push_forms(into: &mut Vec<Secret>, value: &str) {
    if value.chars().count() < MIN_SECRET_CHARS {
        return;
    }
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = json.trim_matches('"').to_string();
    let slashes = json.replace('/', "\\/");
    let percent: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    for form in [value.to_string(), json, slashes, percent] {
        if !into.iter().any(|s| s.expose() == form) {
            into.push(Secret::new(form));
        }
    }
    // Longest first, so a form that contains another is replaced whole.
    into.sort_by_key(|s| std::cmp::Reverse(s.expose().len()));
}

/// The string values of secret-named fields, at any depth.
fn secret_fields(value: &Value, in_secret_field: bool, found: &mut Vec<String>) {
    match value {
        Value::String(s) if in_secret_field => found.push(s.clone()),
        Value::Array(items) => items
            .iter()
            .for_each(|v| secret_fields(v, in_secret_field, found)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| secret_fields(v, super::redact::is_sensitive(k), found)),
        _ => {}
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    memchr::memmem::find(haystack, needle.as_bytes()).is_some()
}

fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = memchr::memmem::find(rest, needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "CANARY-bearer-0123456789";
    const NEW: &str = "cafe0000cafe0000cafe0000cafe0000";

    fn request() -> reqwest::Request {
        reqwest::Client::new()
            .patch("http://127.0.0.1:1/x")
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({ "authToken": NEW, "name": "n" }))
            .build()
            .unwrap()
    }

    #[test]
    fn errors_lose_the_header_token_and_the_body_secret_in_every_form() {
        let secrets = RequestSecrets::of(&request());
        let echoed = format!(
            "request had Authorization: Bearer {TOKEN} and body {}",
            serde_json::to_string(&serde_json::json!({"authToken": NEW})).unwrap()
        );
        let e = secrets.scrub_error(ApiError::Server {
            status: 500,
            message: format!("{echoed}\x1b[2J"),
        });
        let text = e.to_string();
        assert!(!text.contains(TOKEN) && !text.contains(NEW), "{text}");
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }

    #[test]
    fn basic_auth_pair_and_base64_are_scrubbed() {
        let req = reqwest::Client::new()
            .get("http://127.0.0.1:1/x")
            .basic_auth("AC123", Some(NEW))
            .build()
            .unwrap();
        let secrets = RequestSecrets::of(&req);
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("AC123:{NEW}"));
        let text = secrets.scrub_text(&format!("got {b64} for AC123:{NEW} and {NEW}"));
        assert!(!text.contains(NEW) && !text.contains(&b64), "{text}");
    }

    #[test]
    fn a_body_secret_stays_in_its_own_field_but_nowhere_else() {
        let req = reqwest::Client::new()
            .put("http://127.0.0.1:1/x")
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({ "authPassword": "new-Pa55word-xyz" }))
            .build()
            .unwrap();
        let secrets = RequestSecrets::of(&req);
        let body = serde_json::json!({
            "authPassword": "new-Pa55word-xyz",
            "description": "echo new-Pa55word-xyz",
            "server": TOKEN,
        });
        let out = secrets.scrub_body(serde_json::to_vec(&body).unwrap());
        let out: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(out["authPassword"], "new-Pa55word-xyz");
        assert_eq!(out["description"], "echo [redacted]");
        assert_eq!(out["server"], "[redacted]");
    }

    #[test]
    fn a_form_body_password_is_a_secret_too() {
        let req = reqwest::Client::new()
            .post("http://127.0.0.1:1/Credentials.json")
            .basic_auth("AC1", Some(NEW))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("Username=alice&Password=Form%2BPa55+word")
            .build()
            .unwrap();
        let secrets = RequestSecrets::of(&req);
        let text = secrets.scrub_text("echo Form+Pa55 word, Form%2BPa55+word and alice");
        assert_eq!(text, "echo [redacted], [redacted] and alice");
    }

    #[test]
    fn a_list_answer_loses_the_bearer_token_and_stays_untouched_otherwise() {
        let req = reqwest::Client::new()
            .get("http://127.0.0.1:1/x")
            .bearer_auth(TOKEN)
            .build()
            .unwrap();
        let secrets = RequestSecrets::of(&req);
        let body = format!(r#"{{"items":[{{"name":"{TOKEN}"}}]}}"#).into_bytes();
        let out = String::from_utf8(secrets.scrub_body(body)).unwrap();
        assert_eq!(out, r#"{"items":[{"name":"[redacted]"}]}"#);
        let plain = br#"{"items":[]}"#.to_vec();
        assert_eq!(secrets.scrub_body(plain.clone()), plain);
    }
}

//! Request bodies: a JSON object read field by field, so that a wrong type is
//! reported against its own field instead of failing the whole request, and a
//! broken body becomes the platform's own 400 rather than a plain-text rejection.

use super::errors::FieldErrors;
use axum::extract::Request;
use axum::http::header;
use serde_json::{Map, Value};

/// Largest body the sandbox reads.
const BODY_LIMIT: usize = 1024 * 1024;

/// Why a body could not be read as a JSON object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// A `Content-Type` other than JSON was sent.
    UnsupportedMediaType,
    /// Larger than the limit, or the connection failed while reading.
    TooLarge,
    /// No body at all.
    Empty,
    /// Not valid JSON.
    Malformed(String),
    /// Valid JSON, but not an object; holds the kind that was sent.
    NotObject(&'static str),
}

impl BodyError {
    pub fn message(&self) -> String {
        match self {
            BodyError::UnsupportedMediaType => {
                "Unsupported media type: send application/json.".into()
            }
            BodyError::TooLarge => "The request body is too large.".into(),
            BodyError::Empty => "A non-empty request body is required.".into(),
            BodyError::Malformed(e) => format!("JSON parse error - {e}"),
            BodyError::NotObject(kind) => format!("Expected a JSON object, but got {kind}."),
        }
    }
}

/// Reads a request's body as a JSON object. A missing `Content-Type` is tolerated;
/// a non-JSON one is refused.
pub(crate) async fn read_object(req: Request) -> Result<Map<String, Value>, BodyError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if content_type.is_some_and(|ct| !is_json(ct)) {
        return Err(BodyError::UnsupportedMediaType);
    }
    let bytes = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
        .await
        .map_err(|_| BodyError::TooLarge)?;
    parse_object(&bytes)
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Parses bytes as a JSON object.
fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyError::Empty);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(BodyError::NotObject(kind(&other))),
        Err(e) => Err(BodyError::Malformed(e.to_string())),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Reads typed fields from a JSON object, collecting per-field errors under the
/// field's own wire name. Absent and `null` both read as `None`.
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    pub errors: FieldErrors,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Fields {
            map,
            errors: FieldErrors::default(),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            _ => self.wrong_type(key, "must be a string"),
        }
    }

    /// Any JSON number, whole or not, kept as sent.
    pub fn number(&mut self, key: &str) -> Option<serde_json::Number> {
        match self.get(key)? {
            Value::Number(n) => Some(n.clone()),
            _ => self.wrong_type(key, "must be a number"),
        }
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        match self.get(key)?.as_bool() {
            Some(b) => Some(b),
            None => self.wrong_type(key, "must be true or false"),
        }
    }

    /// A string that must be present and not blank.
    pub fn required(&mut self, key: &str) -> Option<String> {
        if self.get(key).is_none() {
            self.errors.add(key, "This field is required.");
            return None;
        }
        let value = self.string(key)?;
        if value.trim().is_empty() {
            self.errors.add(key, "This field may not be blank.");
            return None;
        }
        Some(value)
    }

    /// An optional string of at most `max` characters.
    pub fn text(&mut self, key: &str, max: usize) -> Option<String> {
        let value = self.string(key);
        self.max_len(key, value.as_deref(), max);
        value
    }

    /// Records an error when `value` is longer than `max` characters.
    pub fn max_len(&mut self, key: &str, value: Option<&str>, max: usize) {
        if let Some(n) = value.map(|v| v.chars().count()).filter(|&n| n > max) {
            self.errors
                .add(key, format!("Must be at most {max} characters (got {n})."));
        }
    }

    fn wrong_type<T>(&mut self, key: &str, message: &str) -> Option<T> {
        self.errors.add(key, message);
        None
    }
}

/// `AC` followed by 32 hex digits; `lowercase_only` is Dasha's stricter rule.
pub(crate) fn is_account_sid(text: &str, lowercase_only: bool) -> bool {
    text.strip_prefix("AC")
        .is_some_and(|hex| is_hex32(hex, lowercase_only))
}

/// Exactly 32 hex digits; `lowercase_only` refuses `A-F`.
pub(crate) fn is_hex32(text: &str, lowercase_only: bool) -> bool {
    text.len() == 32
        && text.bytes().all(|b| {
            b.is_ascii_digit()
                || (b'a'..=b'f').contains(&b)
                || (!lowercase_only && (b'A'..=b'F').contains(&b))
        })
}

//! Error bodies in each platform's own shape: RFC 7807 problem details (Dasha), the
//! `{status_code, message, data}` envelope (Unpod) and Twilio's error object.

use super::{
    DASHA_PREFIX, TWILIO_ACCOUNTS_PREFIX, TWILIO_PREFIX, TWILIO_TRUNKING_PREFIX, UNPOD_PREFIX,
};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Field name → messages: Dasha's `errors`, Unpod's `data`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub(crate) struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    /// One error on one field.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    /// `Ok` when there is nothing to report.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

/// The platform whose error shape a response takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Platform {
    Dasha,
    Unpod,
    Twilio,
}

impl Platform {
    /// The platform serving a path, if any (control routes belong to none).
    pub fn of_path(path: &str) -> Option<Platform> {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under(DASHA_PREFIX) {
            Some(Platform::Dasha)
        } else if under(UNPOD_PREFIX) {
            Some(Platform::Unpod)
        } else if under(TWILIO_PREFIX)
            || under(TWILIO_ACCOUNTS_PREFIX)
            || under(TWILIO_TRUNKING_PREFIX)
        {
            Some(Platform::Twilio)
        } else {
            None
        }
    }

    /// A plain error for `status` in this platform's shape.
    pub fn error(self, status: StatusCode, path: &str) -> Response {
        let reason = reason(status);
        match self {
            Platform::Dasha => Problem::new(status, path).into_response(),
            Platform::Unpod => Envelope::error(status, format!("{reason}.")).into_response(),
            Platform::Twilio => twilio_error(status, 20000 + u32::from(status.as_u16()), reason),
        }
    }
}

fn reason(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

/// An RFC 7807 problem (ASP.NET `ProblemDetails` / `ValidationProblemDetails`).
#[derive(Clone, Debug)]
pub(crate) struct Problem {
    status: StatusCode,
    title: String,
    detail: Option<String>,
    instance: String,
    extensions: Map<String, Value>,
}

impl Problem {
    /// A problem titled with the status's reason phrase.
    pub fn new(status: StatusCode, instance: &str) -> Self {
        Problem {
            status,
            title: reason(status).to_string(),
            detail: None,
            instance: instance.to_string(),
            extensions: Map::new(),
        }
    }

    /// 404 for a resource that does not exist.
    pub fn not_found(instance: &str) -> Self {
        Problem::new(StatusCode::NOT_FOUND, instance)
            .detail("The requested resource was not found.")
    }

    /// 400 with per-field `errors`.
    pub fn validation(instance: &str, errors: FieldErrors) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, instance)
            .title("One or more validation errors occurred.")
            .with("errors", errors)
    }

    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds an extension member such as `errors` or `phoneNumbers`.
    pub fn with(mut self, key: &str, value: impl Serialize) -> Self {
        self.extensions.insert(
            key.to_string(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("type".into(), json!(type_uri(self.status)));
        body.insert("title".into(), json!(self.title));
        body.insert("status".into(), json!(self.status.as_u16()));
        if let Some(detail) = self.detail {
            body.insert("detail".into(), json!(detail));
        }
        body.insert("instance".into(), json!(self.instance));
        body.extend(self.extensions);
        let mut response = (self.status, Json(Value::Object(body))).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json; charset=utf-8"),
        );
        response
    }
}

/// The `type` URI ASP.NET uses for a status.
fn type_uri(status: StatusCode) -> String {
    let section = match status.as_u16() {
        400 => "15.5.1",
        401 => "15.5.2",
        403 => "15.5.4",
        404 => "15.5.5",
        405 => "15.5.6",
        409 => "15.5.10",
        413 => "15.5.14",
        415 => "15.5.16",
        429 => return "https://tools.ietf.org/html/rfc6585#section-4".into(),
        _ => "15.6.1",
    };
    format!("https://tools.ietf.org/html/rfc9110#section-{section}")
}

/// Unpod's response envelope.
#[derive(Clone, Debug)]
pub(crate) struct Envelope {
    status: StatusCode,
    message: String,
    data: Option<Value>,
    count: Option<usize>,
}

impl Envelope {
    /// A success body carrying `data`.
    pub fn ok(status: StatusCode, message: &str, data: impl Serialize) -> Self {
        let data = serde_json::to_value(data).unwrap_or(Value::Null);
        Envelope {
            status,
            message: message.to_string(),
            data: Some(data),
            count: None,
        }
    }

    /// An error body; statuses below 401 carry `data: {}` as Unpod's renderer does.
    pub fn error(status: StatusCode, message: impl Into<String>) -> Self {
        let data = (status.as_u16() < 401).then(|| json!({}));
        Envelope {
            status,
            message: message.into(),
            data,
            count: None,
        }
    }

    /// A validation error: `Invalid data.` with the field errors as `data`.
    pub fn invalid(status: StatusCode, errors: FieldErrors) -> Self {
        Envelope::error(status, "Invalid data.").data(errors)
    }

    pub fn data(mut self, data: impl Serialize) -> Self {
        self.data = Some(serde_json::to_value(data).unwrap_or(Value::Null));
        self
    }

    pub fn count(mut self, count: usize) -> Self {
        self.count = Some(count);
        self
    }
}

impl IntoResponse for Envelope {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        if let Some(count) = self.count {
            body.insert("count".into(), json!(count));
        }
        body.insert("status_code".into(), json!(self.status.as_u16()));
        body.insert("message".into(), json!(self.message));
        if let Some(data) = self.data {
            body.insert("data".into(), data);
        }
        (self.status, Json(Value::Object(body))).into_response()
    }
}

/// A Twilio REST error body: `{code, message, more_info, status}`.
pub(crate) fn twilio_error(status: StatusCode, code: u32, message: &str) -> Response {
    let body = json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status.as_u16(),
    });
    (status, Json(body)).into_response()
}

//! Lenient helpers shared by the wire types: values that may be missing, null, of an
//! unexpected type or badly formatted are read as `None` instead of failing a list.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// Reads a timestamp; anything unparseable becomes `None`.
pub fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| v.as_str().and_then(parse_time)))
}

/// Parses RFC 3339 (with or without offset) into UTC.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}

/// Reads a non-negative integer; negative, fractional or non-numbers become `None`.
pub fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| v.as_u64())
        .and_then(|n| u32::try_from(n).ok()))
}

/// Reads a string; numbers are turned into text (Unpod ids are integers), other types `None`.
pub fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// Reads a boolean; anything else becomes `None`.
pub fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| v.as_bool()))
}

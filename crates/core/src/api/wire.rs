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

/// Reads a non-negative integer, also written as a string ("10"); negative,
/// fractional or non-numbers become `None`.
pub fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.as_ref().and_then(u32_of))
}

fn u32_of(v: &serde_json::Value) -> Option<u32> {
    match v {
        serde_json::Value::String(s) => s.trim().parse().ok(),
        v => v.as_u64().and_then(|n| u32::try_from(n).ok()),
    }
}

/// A field that a full replacement sends back: missing from the answer, null, read,
/// or present in a form that could not be read. Missing and unreadable are both
/// unknown values: a replacement must not send them back as nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    /// Not in the answer at all: its value is unknown.
    #[default]
    Missing,
    /// Null: no value.
    Absent,
    /// Read.
    Read(T),
    /// Present, but of a type or format telcreds cannot read.
    Unreadable,
}

impl<T> Field<T> {
    /// The value, when it was read.
    pub fn value(self) -> Option<T> {
        match self {
            Field::Read(v) => Some(v),
            _ => None,
        }
    }

    /// True when the value is unknown (missing or unreadable): sending it back empty
    /// would erase what the platform holds.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Field::Missing | Field::Unreadable)
    }
}

/// Reads a string field of a full-replacement item (numbers become text).
pub fn field_string<'de, D: Deserializer<'de>>(d: D) -> Result<Field<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => Field::Absent,
        Some(serde_json::Value::String(s)) => Field::Read(s),
        Some(serde_json::Value::Number(n)) => Field::Read(n.to_string()),
        Some(_) => Field::Unreadable,
    })
}

/// Reads a non-negative integer field of a full-replacement item.
pub fn field_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Field<u32>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => Field::Absent,
        Some(v) => u32_of(&v).map_or(Field::Unreadable, Field::Read),
    })
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

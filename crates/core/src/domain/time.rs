//! Human times: "2m ago", "3h ago", "never"; durations in JSON.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// A duration as whole milliseconds, for a JSON field named `…_ms`.
pub fn serialize_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis().try_into().unwrap_or(u64::MAX))
}

/// How long ago `t` was, relative to `now`, in the largest whole unit.
pub fn ago(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(t) = t else { return "never".into() };
    let secs = (now - t).num_seconds();
    if secs < 0 {
        return "just now".into();
    }
    match secs {
        0..=59 => format!("{secs}s ago"),
        60..=3599 => format!("{}m ago", secs / 60),
        3600..=86_399 => format!("{}h ago", secs / 3600),
        _ => format!("{}d ago", secs / 86_400),
    }
}

/// `2026-11-23 10:04:05Z`, or `-` when unknown.
pub fn stamp(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%SZ").to_string())
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn picks_the_largest_unit() {
        let now = Utc::now();
        assert_eq!(ago(Some(now - Duration::seconds(5)), now), "5s ago");
        assert_eq!(ago(Some(now - Duration::minutes(2)), now), "2m ago");
        assert_eq!(ago(Some(now - Duration::hours(26)), now), "1d ago");
        assert_eq!(ago(None, now), "never");
    }
}

//! How providers and SIP credentials appear as table rows: filter matching, sorting
//! and columns.

use super::list::Row;
use super::widgets::clip;
use crate::domain::{Provider, SipCredential, short_sid};
use std::cmp::Ordering;

/// Provider table columns.
pub const PROVIDER_COLUMNS: &[&str] = &["NAME", "ACCOUNT SID", "STATUS", "VERIFIED", "NUMBERS"];
/// SIP table columns.
pub const SIP_COLUMNS: &[&str] = &[
    "DESCRIPTION",
    "SERVER",
    "TRANSPORT",
    "AUTH USER",
    "CPS",
    "SOURCE",
];

fn contains(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(needle)
}

impl Row for Provider {
    fn id(&self) -> &str {
        &self.id
    }

    fn matches(&self, needle: &str) -> bool {
        contains(&self.display_name(), needle)
            || contains(&self.account_sid, needle)
            || contains(self.status.as_str(), needle)
            || self.region.as_deref().is_some_and(|r| contains(r, needle))
    }

    fn compare(&self, other: &Self, column: usize) -> Ordering {
        match column {
            1 => self.account_sid.cmp(&other.account_sid),
            2 => self
                .status
                .severity_rank()
                .cmp(&other.status.severity_rank()),
            3 => other.last_verified_at.cmp(&self.last_verified_at),
            4 => self.phone_number_count.cmp(&other.phone_number_count),
            _ => self
                .display_name()
                .to_lowercase()
                .cmp(&other.display_name().to_lowercase()),
        }
        .then_with(|| self.id.cmp(&other.id))
    }
}

impl Row for SipCredential {
    fn id(&self) -> &str {
        &self.id
    }

    fn matches(&self, needle: &str) -> bool {
        contains(&self.server, needle)
            || self
                .description
                .as_deref()
                .is_some_and(|d| contains(d, needle))
            || self
                .auth_user
                .as_deref()
                .is_some_and(|u| contains(u, needle))
            || self.domain.as_deref().is_some_and(|d| contains(d, needle))
            || contains(self.transport.as_str(), needle)
            || contains(self.source.as_str(), needle)
    }

    fn compare(&self, other: &Self, column: usize) -> Ordering {
        match column {
            1 => self.server.cmp(&other.server),
            2 => self.transport.as_str().cmp(other.transport.as_str()),
            3 => self.auth_user.cmp(&other.auth_user),
            4 => self.cps_limit.cmp(&other.cps_limit),
            5 => self.source.as_str().cmp(other.source.as_str()),
            _ => self
                .display_name()
                .to_lowercase()
                .cmp(&other.display_name().to_lowercase()),
        }
        .then_with(|| self.id.cmp(&other.id))
    }
}

/// The cells of a provider row (status symbol and colour are added by the view).
pub fn provider_cells(p: &Provider, now: chrono::DateTime<chrono::Utc>) -> [String; 5] {
    let name = match p.name.as_deref() {
        Some(n) if !n.trim().is_empty() => clip(n),
        _ => p.display_name(),
    };
    [
        name,
        short_sid(&p.account_sid),
        format!("{} {}", p.status.symbol(), p.status),
        crate::domain::time::ago(p.last_verified_at, now),
        p.phone_number_count
            .map(|n| n.to_string())
            .unwrap_or_else(|| "-".into()),
    ]
}

/// The cells of a SIP credential row.
pub fn sip_cells(c: &SipCredential) -> [String; 6] {
    let description = match c.description.as_deref() {
        Some(d) if !d.trim().is_empty() => d,
        _ => &c.server,
    };
    [
        clip(description),
        clip(&c.server),
        clip(c.transport.as_str()),
        clip(c.auth_user.as_deref().unwrap_or("-")),
        c.cps_limit
            .map(|n| n.to_string())
            .unwrap_or_else(|| "-".into()),
        c.source.to_string(),
    ]
}

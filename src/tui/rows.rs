//! How providers and SIP credentials appear as table rows: filter matching, sorting
//! and columns.

use super::list::Row;
use super::sort_key::SortKey;
use super::widgets::clip;
use crate::domain::{Provider, SipCredential, short_sid};

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

/// Fields joined for [`Row::search_text`], lowercased.
fn search_text<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for f in fields {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&f.to_lowercase());
    }
    text
}

impl Row for Provider {
    fn id(&self) -> &str {
        &self.id
    }

    fn search_text(&self) -> String {
        search_text([
            self.display_name().as_str(),
            &self.account_sid,
            self.status.as_str(),
            self.region.as_deref().unwrap_or(""),
        ])
    }

    fn sort_key(&self, column: usize, key: SortKey) -> SortKey {
        match column {
            1 => key.text(&self.account_sid),
            2 => key.number(u64::from(self.status.severity_rank())),
            // Newest first, never verified last.
            3 => key
                .number(u64::from(self.last_verified_at.is_none()))
                .signed(self.last_verified_at.map_or(0, |t| -t.timestamp_millis())),
            4 => key.optional(self.phone_number_count.map(u64::from)),
            _ => key.text(&self.display_name()),
        }
    }
}

impl Row for SipCredential {
    fn id(&self) -> &str {
        &self.id
    }

    fn search_text(&self) -> String {
        search_text([
            self.server.as_str(),
            self.description.as_deref().unwrap_or(""),
            self.auth_user.as_deref().unwrap_or(""),
            self.domain.as_deref().unwrap_or(""),
            self.transport.as_str(),
            self.source.as_str(),
        ])
    }

    fn sort_key(&self, column: usize, key: SortKey) -> SortKey {
        match column {
            1 => key.text(&self.server),
            2 => key.text(self.transport.as_str()),
            // No user first.
            3 => key
                .number(u64::from(self.auth_user.is_some()))
                .text(self.auth_user.as_deref().unwrap_or("")),
            4 => key.optional(self.cps_limit.map(u64::from)),
            5 => key.text(self.source.as_str()),
            // The description, else the server (as shown), without a copy.
            _ => key.text(match self.description.as_deref() {
                Some(d) if !d.trim().is_empty() => d,
                _ => &self.server,
            }),
        }
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

//! How providers and SIP credentials appear as table rows: filter matching, sorting
//! and columns.

use crate::domain::needle::Needle;
use crate::domain::{Provider, SipSource, short_sid};
use crate::tui::app::list::Row;
use crate::tui::app::sip_row::SipRow;
use crate::tui::app::sort_key::SortKey;
use crate::tui::components::widgets::clip;

/// Provider table columns.
pub const PROVIDER_COLUMNS: &[&str] = &["NAME", "ACCOUNT SID", "STATUS", "VERIFIED", "NUMBERS"];
/// SIP table columns. The first is the credential's name: its description, else its server (as on
/// the command line's `sip list`).
pub const SIP_COLUMNS: &[&str] = &["NAME", "SERVER", "TRANSPORT", "AUTH USER", "CPS", "SOURCE"];

impl Row for Provider {
    fn id(&self) -> &str {
        &self.id
    }

    fn matches(&self, needle: &Needle) -> bool {
        Provider::matches(self, needle)
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

impl Row for SipRow {
    fn id(&self) -> &str {
        SipRow::id(self)
    }

    fn matches(&self, needle: &Needle) -> bool {
        SipRow::matches(self, needle)
    }

    fn sort_key(&self, column: usize, key: SortKey) -> SortKey {
        match column {
            1 => key.text(self.server()),
            2 => key.text(self.transport()),
            // No user first.
            3 => key
                .number(u64::from(self.auth_user().is_some()))
                .text(self.auth_user().unwrap_or("")),
            4 => key.optional(self.cps_limit().map(u64::from)),
            5 => key.text(self.source()),
            // The description, else the server (as shown).
            _ => key.text(self.display_name()),
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
pub fn sip_cells(c: &SipRow) -> [String; 6] {
    [
        clip(c.display_name()),
        clip(c.server()),
        clip(c.transport()),
        clip(c.auth_user().unwrap_or("-")),
        c.cps_limit()
            .map(|n| n.to_string())
            .unwrap_or_else(|| "-".into()),
        SipSource::parse(c.source()).to_string(),
    ]
}

//! A SIP credential as the list keeps it: every text field in one buffer, so that
//! 100,000 of them fit in a few tens of megabytes. A row becomes a
//! [`SipCredential`] again when it is opened, edited or acted on.
//!
//! The buffer starts with the text a filter searches (server, description, auth
//! user, domain, transport, source, joined by `\n`: [`SipCredential::matches`]'s
//! fields; the CPS limit, a number, is searched as it is written); the id, CPS key,
//! provider id
//! and password follow. When lowercasing the searched text would change more than
//! ASCII letters, its lowercase form is kept at the end, so that a filter
//! keystroke never lowercases rows. The password shares the buffer, so the buffer
//! is zeroized on drop, like a [`Secret`], and never printed.

use crate::domain::validate::field;
use crate::domain::{SipCredential, SipSource, TransportField, sip_name};
use crate::secret::{REDACTED, Secret};
use chrono::{DateTime, Utc};
use std::fmt;
use std::sync::Arc;
use zeroize::Zeroize;

use crate::domain::needle::{Needle, has_capitals, needs_unicode_lowering};

/// Fields in buffer order.
#[derive(Clone, Copy)]
enum Field {
    Server,
    Description,
    AuthUser,
    Domain,
    Transport,
    Source,
    Id,
    CpsKey,
    ProviderId,
    Password,
}

/// Number of fields in the buffer (not counting the lowercase copy).
const FIELDS: usize = Field::Password as usize + 1;
/// The last field the filter searches.
const LAST_SEARCHED: Field = Field::Source;
/// Bit of [`SipRow::flags`]: a lowercase copy of the searched text follows the fields.
const HAS_LOWER_COPY: u16 = 1 << FIELDS;
/// Bit of [`SipRow::flags`]: the searched text holds no capital letter.
const SEARCHED_IS_LOWERCASE: u16 = 1 << (FIELDS + 1);
/// Bit of [`SipRow::flags`]: the credential has a CPS limit.
const HAS_CPS_LIMIT: u16 = 1 << (FIELDS + 2);
/// Bit of [`SipRow::flags`]: managed by its provider (read-only).
const READ_ONLY: u16 = 1 << (FIELDS + 3);
const _: () = assert!(FIELDS + 4 <= 16, "the flags fit in a u16");
const _: () = assert!(
    field::SIP_CHECKED.len() <= 8,
    "the unreadable bits fit in a u8"
);
/// A missing timestamp.
const NO_TIME: i64 = i64::MIN;

/// One SIP credential, compact. Build it with `From<SipCredential>`; read it with
/// the accessors or [`SipRow::credential`].
#[derive(Clone)]
pub struct SipRow {
    /// The fields, each followed by `\n` (see the module doc).
    text: Box<str>,
    /// Where each field ends in `text` (the next starts one byte later).
    ends: Ends,
    /// Bit `i`: field `i` is present (`Some`); and [`HAS_LOWER_COPY`],
    /// [`SEARCHED_IS_LOWERCASE`], [`HAS_CPS_LIMIT`], [`READ_ONLY`].
    flags: u16,
    /// Bit `i`: `field::SIP_CHECKED[i]` came in a form telcreds could not read.
    unreadable: u8,
    cps_limit: u32,
    org_id: Arc<str>,
    /// Microseconds since the epoch, or [`NO_TIME`] (shown only, so a platform's
    /// nanoseconds are not kept).
    created: i64,
    updated: i64,
}

impl From<SipCredential> for SipRow {
    fn from(c: SipCredential) -> Self {
        let values: [Option<&str>; FIELDS] = [
            Some(&c.server),
            c.description.as_deref(),
            c.auth_user.as_deref(),
            c.domain.as_deref(),
            Some(c.transport.as_str()),
            Some(c.source.as_str()),
            Some(&c.id),
            c.cps_key.as_deref(),
            c.provider_id.as_deref(),
            c.auth_password.as_ref().map(Secret::expose),
        ];
        let mut flags = 0;
        // The case of the searched fields (no secret among them), field by field: a
        // joined copy is made only in the rare case it must be kept lowercased.
        let searched = || {
            values[..=LAST_SEARCHED as usize]
                .iter()
                .map(|v| v.unwrap_or_default())
        };
        let lower_copy = if !searched().any(has_capitals) {
            flags |= SEARCHED_IS_LOWERCASE;
            None
        } else if searched().any(needs_unicode_lowering) {
            flags |= HAS_LOWER_COPY;
            Some(searched().collect::<Vec<_>>().join("\n").to_lowercase())
        } else {
            None
        };
        // One allocation of the exact size: the password is never copied by a
        // growing buffer and left behind in freed memory.
        let size = values
            .iter()
            .map(|v| v.map_or(0, str::len) + 1)
            .sum::<usize>()
            + lower_copy.as_ref().map_or(0, String::len);
        let mut text = String::with_capacity(size);
        let mut ends = [0; FIELDS];
        for (i, value) in values.iter().enumerate() {
            if let Some(v) = value {
                text.push_str(v);
                flags |= 1 << i;
            }
            ends[i] = text.len();
            text.push('\n');
        }
        text.push_str(lower_copy.as_deref().unwrap_or_default());
        debug_assert_eq!(text.len(), text.capacity());
        if c.cps_limit.is_some() {
            flags |= HAS_CPS_LIMIT;
        }
        if c.is_read_only() {
            flags |= READ_ONLY;
        }
        let unreadable = field::SIP_CHECKED
            .iter()
            .enumerate()
            .filter(|(_, name)| c.unreadable.contains(name))
            .fold(0, |bits, (i, _)| bits | (1 << i));
        debug_assert!(c.unreadable.iter().all(|n| field::SIP_CHECKED.contains(n)));
        SipRow {
            text: text.into_boxed_str(),
            ends: Ends::new(ends),
            flags,
            unreadable,
            cps_limit: c.cps_limit.unwrap_or_default(),
            org_id: c.org_id.clone(),
            created: micros(c.created_time),
            updated: micros(c.last_update_time),
        }
    }
}

/// Field ends: two bytes each, or a boxed array of `usize` for a row over 64 KiB
/// of text (only a platform sending huge fields makes one).
#[derive(Clone)]
enum Ends {
    Short([u16; FIELDS]),
    Long(Box<[usize; FIELDS]>),
}

impl Ends {
    /// `ends` rise, so the last one tells whether all fit in two bytes.
    fn new(ends: [usize; FIELDS]) -> Self {
        if u16::try_from(ends[FIELDS - 1]).is_ok() {
            Ends::Short(ends.map(|e| e as u16))
        } else {
            Ends::Long(Box::new(ends))
        }
    }

    /// Where field `i` ends.
    fn at(&self, i: usize) -> usize {
        match self {
            Ends::Short(e) => usize::from(e[i]),
            Ends::Long(e) => e[i],
        }
    }
}

/// A time as stored in a row.
fn micros(t: Option<DateTime<Utc>>) -> i64 {
    t.map_or(NO_TIME, |t| t.timestamp_micros())
}

/// A time as a row stores it, back.
fn time(micros: i64) -> Option<DateTime<Utc>> {
    (micros != NO_TIME)
        .then(|| DateTime::from_timestamp_micros(micros))
        .flatten()
}

impl SipRow {
    /// Field `f`, when present.
    fn get(&self, f: Field) -> Option<&str> {
        let i = f as usize;
        (self.flags & (1 << i) != 0).then(|| {
            let start = if i == 0 { 0 } else { self.ends.at(i - 1) + 1 };
            &self.text[start..self.ends.at(i)]
        })
    }

    /// Field `f`, which every credential has.
    fn required(&self, f: Field) -> &str {
        self.get(f).unwrap_or_default()
    }

    /// The platform's id.
    pub fn id(&self) -> &str {
        self.required(Field::Id)
    }

    /// Host or IP with optional port.
    pub fn server(&self) -> &str {
        self.required(Field::Server)
    }

    /// Free text.
    pub fn description(&self) -> Option<&str> {
        self.get(Field::Description)
    }

    /// Digest auth user.
    pub fn auth_user(&self) -> Option<&str> {
        self.get(Field::AuthUser)
    }

    /// Auth realm.
    pub fn domain(&self) -> Option<&str> {
        self.get(Field::Domain)
    }

    /// The transport as the platform spelled it.
    pub fn transport(&self) -> &str {
        self.required(Field::Transport)
    }

    /// `manual` or `provider`, as the platform spelled it.
    pub fn source(&self) -> &str {
        self.required(Field::Source)
    }

    /// True when the platform sent a password.
    pub fn has_password(&self) -> bool {
        self.get(Field::Password).is_some()
    }

    /// Calls per second limit.
    pub fn cps_limit(&self) -> Option<u32> {
        (self.flags & HAS_CPS_LIMIT != 0).then_some(self.cps_limit)
    }

    /// Provider-managed credentials are read-only.
    pub fn is_read_only(&self) -> bool {
        self.flags & READ_ONLY != 0
    }

    /// The description if it has one, else the server (as shown in the list).
    pub fn display_name(&self) -> &str {
        sip_name(self.description(), self.server())
    }

    /// The text to confirm a protected action with: the description if it has one
    /// (trimmed), else the server.
    pub fn confirm_name(&self) -> &str {
        self.display_name().trim()
    }

    /// True when the filter matches the searched fields or the CPS limit (what the
    /// row shows).
    pub fn matches(&self, needle: &Needle) -> bool {
        self.text_matches(needle) || self.cps_limit().is_some_and(|n| needle.is_in_number(n))
    }

    fn text_matches(&self, needle: &Needle) -> bool {
        if self.flags & SEARCHED_IS_LOWERCASE != 0 {
            needle.is_in_lowercase(self.searched())
        } else if self.flags & HAS_LOWER_COPY != 0 {
            needle.is_in_lowercase(self.lower_copy())
        } else {
            needle.is_in_ascii_folded(self.searched())
        }
    }

    /// The searched fields joined by `\n`.
    fn searched(&self) -> &str {
        &self.text[..self.ends.at(LAST_SEARCHED as usize)]
    }

    /// The lowercase copy of [`SipRow::searched`] (empty when there is none).
    fn lower_copy(&self) -> &str {
        &self.text[self.ends.at(FIELDS - 1) + 1..]
    }

    /// The full credential.
    pub fn credential(&self) -> SipCredential {
        let owned = |f| self.get(f).map(str::to_string);
        SipCredential {
            id: self.id().to_string(),
            org_id: self.org_id.clone(),
            server: self.server().to_string(),
            domain: owned(Field::Domain),
            auth_user: owned(Field::AuthUser),
            auth_password: self.get(Field::Password).map(Secret::new),
            transport: TransportField::parse(self.transport()),
            source: SipSource::parse(self.source()),
            description: owned(Field::Description),
            cps_limit: self.cps_limit(),
            cps_key: owned(Field::CpsKey),
            provider_id: owned(Field::ProviderId),
            created_time: time(self.created),
            last_update_time: time(self.updated),
            unreadable: field::SIP_CHECKED
                .iter()
                .enumerate()
                .filter(|(i, _)| self.unreadable & (1 << i) != 0)
                .map(|(_, name)| *name)
                .collect(),
        }
    }
}

impl Drop for SipRow {
    fn drop(&mut self) {
        // The password lives in the buffer.
        self.text.zeroize();
    }
}

impl fmt::Debug for SipRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SipRow")
            .field("id", &self.id())
            .field("server", &self.server())
            .field("description", &self.description())
            .field("password", &self.get(Field::Password).map(|_| REDACTED))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Transport;
    use chrono::TimeZone;

    fn full() -> SipCredential {
        SipCredential {
            id: "c2000000-0000-4000-8000-000000000001".into(),
            org_id: "org-1".into(),
            server: "sip.carrier.example:5061".into(),
            domain: Some("carrier.example".into()),
            auth_user: Some("user\nwith newline".into()),
            auth_password: Some(Secret::new("pässwörd")),
            transport: Transport::Tls.into(),
            source: SipSource::Provider,
            description: Some(String::new()),
            cps_limit: Some(7),
            cps_key: Some("key".into()),
            provider_id: Some("p-1".into()),
            created_time: Some(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()),
            last_update_time: Some(
                Utc.with_ymd_and_hms(2026, 2, 3, 4, 5, 6).unwrap()
                    + chrono::Duration::microseconds(123_456),
            ),
            unreadable: vec![field::DOMAIN, field::CPS_KEY],
        }
    }

    #[test]
    fn a_row_gives_back_the_same_credential() {
        let c = full();
        let row = SipRow::from(c.clone());
        let back = row.credential();
        assert_eq!(back, c);
        assert_eq!(back.auth_password.unwrap().expose(), "pässwörd");
        assert!(row.is_read_only());
        assert_eq!(
            row.display_name(),
            "sip.carrier.example:5061",
            "blank description"
        );

        let bare = SipCredential {
            domain: None,
            auth_user: None,
            auth_password: None,
            description: None,
            cps_limit: None,
            cps_key: None,
            provider_id: None,
            created_time: None,
            last_update_time: None,
            unreadable: Vec::new(),
            transport: TransportField::Unknown("QUIC".into()),
            source: SipSource::Unknown("".into()),
            ..full()
        };
        assert_eq!(SipRow::from(bare.clone()).credential(), bare);
        let empty_strings = SipCredential {
            domain: Some(String::new()),
            auth_user: Some(String::new()),
            ..bare
        };
        assert_eq!(
            SipRow::from(empty_strings.clone()).credential(),
            empty_strings,
            "Some(\"\") stays apart from None"
        );
    }

    #[test]
    fn the_filter_searches_the_shown_fields_only() {
        let row = SipRow::from(full());
        for hit in ["CARRIER.example", "tls", "provider", "with newline", "5061"] {
            assert!(row.matches(&Needle::new(hit)), "{hit}");
        }
        for miss in ["c2000000", "p-1", "pässwörd", "key"] {
            assert!(!row.matches(&Needle::new(miss)), "{miss}");
        }
        let accented = SipRow::from(SipCredential {
            description: Some("ZÜRICH Trunk".into()),
            ..full()
        });
        let capitals = SipRow::from(SipCredential {
            description: Some("EU Carrier".into()),
            ..full()
        });
        assert!(capitals.matches(&Needle::new("eu carrier")));
        assert!(capitals.matches(&Needle::new("U CARR")));
        assert!(!capitals.matches(&Needle::new("eu carriers")));
        assert!(accented.matches(&Needle::new("zürich")));
        assert!(accented.matches(&Needle::new("ÜRICH T")));
        assert!(!accented.matches(&Needle::new("pässwörd")));
    }

    #[test]
    fn a_row_over_64_kib_and_a_zero_cps_limit_come_back_whole() {
        let long = SipCredential {
            description: Some(format!("{}needle", "x".repeat(70_000))),
            cps_limit: Some(0),
            ..full()
        };
        let row = SipRow::from(long.clone());
        assert!(matches!(row.ends, Ends::Long(_)));
        assert_eq!(row.credential(), long);
        assert!(row.matches(&Needle::new("NEEDLE")));
        assert_eq!(row.cps_limit(), Some(0));
        assert!(matches!(SipRow::from(full()).ends, Ends::Short(_)));
    }

    proptest::proptest! {
        /// The same answer as lowercasing the shown fields and the filter: on text
        /// without capitals, with ASCII capitals and with capitals beyond ASCII.
        #[test]
        fn matches_as_lowercasing_would(
            description in "[a-cA-CéÉİΣǅ1 ]{0,10}",
            server in "[a-cA-C1.]{1,8}",
            filter in "[a-cA-CéÉİΣǅ1 ]{0,3}",
        ) {
            let c = SipCredential {
                description: Some(description.clone()),
                server: server.clone(),
                ..full()
            };
            let row = SipRow::from(c.clone());
            let fields = [
                server.as_str(),
                &description,
                c.auth_user.as_deref().unwrap_or_default(),
                c.domain.as_deref().unwrap_or_default(),
                c.transport.as_str(),
                c.source.as_str(),
            ];
            let lower = filter.to_lowercase();
            let expected = fields.iter().any(|f| f.to_lowercase().contains(&lower));
            let needle = Needle::new(&filter);
            proptest::prop_assert_eq!(row.matches(&needle), expected);
            // The credential's own rule, which `sip list --filter` uses, agrees.
            proptest::prop_assert_eq!(c.matches(&needle), expected);
            proptest::prop_assert_eq!(row.credential(), c);
        }
    }

    #[test]
    fn debug_never_prints_the_password() {
        let text = format!("{:?}", SipRow::from(full()));
        assert!(!text.contains("pässwörd"), "{text}");
        assert!(text.contains(REDACTED), "{text}");
    }
}

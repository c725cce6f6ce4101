//! The carrier end of a SIP credential: when its server is the termination host
//! (`domain_name`) of a Twilio Elastic SIP trunk of a configured Twilio account, the
//! credential of that trunk's lists with the same username. Twilio then challenges
//! the platform with that pair, so changing the password on one end alone breaks
//! the trunk.
//!
//! Also the rules a new pair must meet at both ends (Twilio's credential list and
//! Dasha's SIP credential), a generator of a password that meets them, and the new
//! username of a rotation without downtime.

use crate::api::twilio_trunking::{ListCredential, TwilioTrunking};
use crate::api::{ApiError, ErrorKind, Http};
use crate::config::{ConfigError, TwilioAccount};
use crate::domain::SipCredential;
use crate::domain::server::{Host, ServerError, parse_sip_server};
use crate::domain::validate::{SIP_PASSWORD_MAX, SIP_TEXT_MAX};
use crate::ops::Error;
use crate::secret::Secret;
use serde::Serialize;

/// Twilio: a credential list's username has at most 32 characters
/// (https://www.twilio.com/docs/errors/21240; the OpenAPI's CreateSipCredential).
pub const TWILIO_USERNAME_MAX: usize = 32;
/// Twilio: a credential list's password has at least 12 characters, a digit, and
/// mixed case (the OpenAPI's CreateSipCredential, e.g. `IWasAtSignal2018`).
pub const TWILIO_PASSWORD_MIN: usize = 12;
/// The longest username both ends accept: Twilio's 32, Dasha's `authUser` 255.
pub const USERNAME_MAX: usize = if TWILIO_USERNAME_MAX < SIP_TEXT_MAX {
    TWILIO_USERNAME_MAX
} else {
    SIP_TEXT_MAX
};
/// Length of a generated password: within Dasha's 64, well over Twilio's 12.
pub const GENERATED_LENGTH: usize = 32;

/// Where a SIP credential's carrier end is: the trunk, its list and the credential
/// of the same username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarrierLink {
    /// The Twilio account (`AC…`).
    pub account_sid: String,
    /// The trunk (`TK…`).
    pub trunk_sid: String,
    /// Its name, as Twilio gave it.
    pub trunk_name: Option<String>,
    /// The credential list holding the username (`CL…`).
    pub credential_list_sid: String,
    /// The credential (`CR…`).
    pub credential_sid: String,
    /// The username (the SIP credential's auth user).
    pub username: String,
}

impl CarrierLink {
    /// One line for people: `Twilio AC… trunk TK… ("Acme voice"), list CL…, credential CR… (vx-01)`.
    pub fn describe(&self) -> String {
        let name = self
            .trunk_name
            .as_deref()
            .map(|n| format!(" (\"{}\")", crate::text::printable(n)))
            .unwrap_or_default();
        format!(
            "Twilio {} trunk {}{name}, list {}, credential {} ({})",
            self.account_sid,
            self.trunk_sid,
            self.credential_list_sid,
            self.credential_sid,
            crate::text::printable(&self.username)
        )
    }
}

/// What was found of a SIP credential's carrier end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CarrierEnd {
    /// Exactly one credential of a trunk dialled at the server has the username.
    Found(CarrierLink),
    /// None does; `why` says what was looked at.
    NotFound {
        /// Why, for people.
        why: String,
    },
    /// Several do: which one the carrier checks is not for telcreds to guess.
    Ambiguous {
        /// Every match.
        candidates: Vec<CarrierLink>,
    },
    /// An account, trunk or list could not be read, so no answer is sure.
    Unreadable {
        /// What could not be read, and why.
        why: String,
        /// The class of the first failure (Twilio's, or the account's token), for
        /// exit codes.
        #[serde(skip)]
        kind: ErrorKind,
    },
}

impl CarrierEnd {
    /// The link, when exactly one was found.
    pub fn found(&self) -> Option<&CarrierLink> {
        match self {
            CarrierEnd::Found(link) => Some(link),
            _ => None,
        }
    }

    /// Why there is no single carrier end, when there is none.
    pub fn missing(&self) -> Option<String> {
        match self {
            CarrierEnd::Found(_) => None,
            CarrierEnd::NotFound { why } | CarrierEnd::Unreadable { why, .. } => Some(why.clone()),
            CarrierEnd::Ambiguous { candidates } => Some(format!(
                "{} credentials match, so which one the carrier checks is unclear: {}",
                candidates.len(),
                candidates
                    .iter()
                    .map(CarrierLink::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
}

/// The host a credential's server names, lower case (the form `domain_name` is
/// compared in).
fn server_host(server: &str) -> Result<String, ServerError> {
    let spec = parse_sip_server(server.trim())?;
    Ok(match spec.host {
        Host::Ip(ip) => ip.to_string(),
        Host::Name(name) => name.to_ascii_lowercase(),
    })
}

/// True when `server` (a SIP credential's) is a Twilio trunk's termination host:
/// the only servers whose carrier end is looked up.
pub fn dials_a_twilio_trunk(server: &str) -> bool {
    server_host(server).is_ok_and(|host| is_twilio_termination(&host))
}

/// True for a host of the form Twilio gives a trunk's termination URI,
/// `{name}.pstn.twilio.com` (also `{name}.pstn.{edge}.twilio.com`), and the
/// sandbox's `{name}.pstn.twilio.localhost`: only those are looked up, so showing
/// any other credential reads no token and calls no one.
pub fn is_twilio_termination(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    [".twilio.com", ".twilio.localhost"]
        .iter()
        .any(|end| host.ends_with(end))
        && host.contains(".pstn.")
}

/// Finds the carrier end of `credential` across `accounts` (each read with its own
/// current token, which may run its `token_cmd`: off the async threads). Reads only.
pub async fn find_carrier_end(
    credential: &SipCredential,
    accounts: &[TwilioAccount],
    http: &Http,
) -> CarrierEnd {
    let host = match server_host(&credential.server) {
        Ok(h) => h,
        Err(e) => {
            return CarrierEnd::NotFound {
                why: format!("its server cannot be read ({e})"),
            };
        }
    };
    if !is_twilio_termination(&host) {
        return CarrierEnd::NotFound {
            why: format!(
                "its server {host} is not a Twilio Elastic SIP trunk's termination host \
                 (*.pstn.twilio.com)"
            ),
        };
    }
    let Some(user) = credential.auth_user.as_deref().filter(|u| !u.is_empty()) else {
        return CarrierEnd::NotFound {
            why: "it has no auth user, so no carrier credential can be its pair".to_string(),
        };
    };
    if accounts.is_empty() {
        return CarrierEnd::NotFound {
            why: "no [twilio_accounts] table in the config: telcreds reads a Twilio \
                  account's trunks with the token of its table"
                .to_string(),
        };
    }
    let host = host.as_str();
    let lookups = accounts.iter().map(|account| async move {
        match trunking(http, account).await {
            Ok(client) => search(&client, host, user).await,
            Err(e) => Search {
                errors: vec![(
                    format!("Twilio account {}: {e}", account.account_sid),
                    Error::from(e).kind(),
                )],
                ..Search::default()
            },
        }
    });
    let searches = futures_util::future::join_all(lookups).await;
    decide(host, user, searches)
}

/// The account's trunking client, its token read off the async threads.
pub(crate) async fn trunking(
    http: &Http,
    account: &TwilioAccount,
) -> Result<TwilioTrunking, ConfigError> {
    let token = account.resolve_token_in_background().await?;
    Ok(TwilioTrunking::new(
        http.clone(),
        &account.twilio_api_base,
        &account.twilio_trunking_base,
        &account.account_sid,
        token,
    ))
}

/// What one account showed.
#[derive(Debug, Default)]
struct Search {
    /// Trunks dialled at the host: (sid, name, the lists' sids).
    trunks: Vec<(String, Vec<String>)>,
    /// Credentials of the username in those trunks' lists.
    matches: Vec<CarrierLink>,
    /// What could not be read, and the class of each failure.
    errors: Vec<(String, ErrorKind)>,
}

/// Reads one account's trunks at `host` and their lists for `user`.
async fn search(client: &TwilioTrunking, host: &str, user: &str) -> Search {
    let account = client.account_sid().to_string();
    let mut out = Search::default();
    let fail = |what: String, e: ApiError| (format!("{what}: {e}"), e.kind());
    let trunks = match client.list_trunks().await {
        Ok(t) => t,
        Err(e) => {
            out.errors
                .push(fail(format!("the trunks of Twilio account {account}"), e));
            return out;
        }
    };
    for trunk in trunks.into_iter().filter(|t| {
        t.domain_name
            .as_deref()
            .is_some_and(|d| d.trim().trim_end_matches('.').eq_ignore_ascii_case(host))
    }) {
        let lists = match client.trunk_credential_lists(&trunk.sid).await {
            Ok(l) => l,
            Err(e) => {
                out.errors.push(fail(
                    format!("the credential lists of trunk {}", trunk.sid),
                    e,
                ));
                continue;
            }
        };
        out.trunks.push((
            format!("{} of {account}", trunk.sid),
            lists.iter().map(|l| l.sid.clone()).collect(),
        ));
        for list in lists {
            match client.list_credentials(&list.sid).await {
                Ok(credentials) => {
                    out.matches
                        .extend(credentials.iter().filter(|c| c.username == user).map(
                            |c: &ListCredential| CarrierLink {
                                account_sid: account.clone(),
                                trunk_sid: trunk.sid.clone(),
                                trunk_name: trunk.friendly_name.clone(),
                                credential_list_sid: list.sid.clone(),
                                credential_sid: c.sid.clone(),
                                username: c.username.clone(),
                            },
                        ));
                }
                Err(e) => out
                    .errors
                    .push(fail(format!("credential list {}", list.sid), e)),
            }
        }
    }
    out
}

/// The answer from what every account showed: sure only when everything was read.
fn decide(host: &str, user: &str, searches: Vec<Search>) -> CarrierEnd {
    let mut matches = Vec::new();
    let mut trunks = Vec::new();
    let mut errors = Vec::new();
    let accounts = searches.len();
    for s in searches {
        matches.extend(s.matches);
        trunks.extend(s.trunks);
        errors.extend(s.errors);
    }
    let shown_user = crate::text::printable(user);
    if let Some((_, kind)) = errors.first() {
        let said: Vec<&str> = errors.iter().map(|(e, _)| e.as_str()).collect();
        return CarrierEnd::Unreadable {
            why: format!(
                "could not read everything needed to find the carrier end: {}",
                said.join("; ")
            ),
            kind: *kind,
        };
    }
    match matches.len() {
        1 => CarrierEnd::Found(matches.remove(0)),
        0 if trunks.is_empty() => CarrierEnd::NotFound {
            why: format!(
                "no trunk of the {accounts} configured Twilio account{} has domain_name {host}",
                if accounts == 1 { "" } else { "s" }
            ),
        },
        0 => CarrierEnd::NotFound {
            why: format!(
                "no credential {shown_user} in the lists of trunk {}",
                trunks
                    .iter()
                    .map(|(t, lists)| format!("{t} ({})", lists.join(", ")))
                    .collect::<Vec<_>>()
                    .join(", trunk ")
            ),
        },
        _ => CarrierEnd::Ambiguous {
            candidates: matches,
        },
    }
}

/// Why a password cannot be a SIP trunk's at both ends, if it cannot: Twilio's
/// rules (at least 12 characters, a digit, an upper and a lower case letter) and
/// Dasha's (at most 64 characters), and no space or control character.
pub fn carrier_password_problem(password: &Secret) -> Option<String> {
    let p = password.expose();
    let n = p.chars().count();
    let mut missing = Vec::new();
    if n < TWILIO_PASSWORD_MIN {
        missing.push(format!(
            "at least {TWILIO_PASSWORD_MIN} characters (got {n})"
        ));
    }
    if n > SIP_PASSWORD_MAX {
        missing.push(format!("at most {SIP_PASSWORD_MAX} characters (got {n})"));
    }
    if !p.chars().any(|c| c.is_ascii_digit()) {
        missing.push("a digit".to_string());
    }
    if !p.chars().any(char::is_uppercase) || !p.chars().any(char::is_lowercase) {
        missing.push("upper and lower case letters".to_string());
    }
    if p.chars().any(|c| c.is_whitespace() || c.is_control()) {
        missing.push("no space or control character".to_string());
    }
    (!missing.is_empty()).then(|| {
        format!(
            "the password must have {} (Twilio's credential lists and Dasha both check it)",
            missing.join(", ")
        )
    })
}

/// A password both ends accept: 32 letters and digits from the OS-seeded generator,
/// with at least one digit, one upper and one lower case letter.
pub fn generate_carrier_password() -> Secret {
    loop {
        let candidate = crate::domain::password::generate();
        if candidate.char_len() == GENERATED_LENGTH
            && carrier_password_problem(&candidate).is_none()
        {
            return candidate;
        }
    }
}

/// Why no new username could be derived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    /// The credential has no auth user.
    #[error("the SIP credential has no auth user to derive a new one from")]
    NoAuthUser,
    /// Every candidate is taken or too long.
    #[error("no free username derived from {} within {USERNAME_MAX} characters", crate::text::printable(.0))]
    NoneFree(String),
}

/// The username of a rotation without downtime: `old` with a rotation suffix
/// (`-r2`, then `-r3` …, replacing one already there), shortened to fit Twilio's
/// 32 characters (and Dasha's 255), and not already in `taken` (ignoring case).
pub fn next_username(old: &str, taken: &[&str]) -> Result<String, UsernameError> {
    let old = old.trim();
    let (base, from) = match old.rsplit_once("-r") {
        Some((base, n))
            if !base.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (
                base,
                n.parse::<u32>().map(|n| n.saturating_add(1)).unwrap_or(2),
            )
        }
        _ => (old, 2),
    };
    if base.is_empty() {
        return Err(UsernameError::NoAuthUser);
    }
    let is_taken = |u: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(u));
    for n in from.max(2)..from.max(2).saturating_add(1000) {
        let suffix = format!("-r{n}");
        let room = USERNAME_MAX.saturating_sub(suffix.chars().count());
        let stem: String = base.chars().take(room).collect();
        let stem = stem.trim_end_matches(['-', '.', '_']);
        if stem.is_empty() {
            break;
        }
        let candidate = format!("{stem}{suffix}");
        if !is_taken(&candidate) {
            return Ok(candidate);
        }
    }
    Err(UsernameError::NoneFree(old.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(n: u32) -> CarrierLink {
        CarrierLink {
            account_sid: "AC1".into(),
            trunk_sid: format!("TK{n}"),
            trunk_name: None,
            credential_list_sid: "CL1".into(),
            credential_sid: format!("CR{n}"),
            username: "vx-01".into(),
        }
    }

    #[test]
    fn the_answer_is_sure_only_when_everything_was_read() {
        let found = Search {
            trunks: vec![("TK1 of AC1".into(), vec!["CL1".into()])],
            matches: vec![link(1)],
            errors: vec![],
        };
        assert_eq!(
            decide("h", "vx-01", vec![found, Search::default()]),
            CarrierEnd::Found(link(1))
        );
        let two = Search {
            matches: vec![link(1), link(2)],
            ..Search::default()
        };
        let ambiguous = decide("h", "vx-01", vec![two]);
        assert_eq!(
            ambiguous,
            CarrierEnd::Ambiguous {
                candidates: vec![link(1), link(2)]
            }
        );
        assert!(
            ambiguous
                .missing()
                .unwrap()
                .starts_with("2 credentials match")
        );
        let broken = Search {
            errors: vec![(
                "the trunks of Twilio account AC2: unauthorized".into(),
                ErrorKind::Auth,
            )],
            ..Search::default()
        };
        let found = Search {
            matches: vec![link(1)],
            ..Search::default()
        };
        assert!(matches!(
            decide("h", "vx-01", vec![found, broken]),
            CarrierEnd::Unreadable { why, kind: ErrorKind::Auth } if why.contains("AC2: unauthorized")
        ));
        assert_eq!(
            decide(
                "sip.example",
                "u",
                vec![Search::default(), Search::default()]
            ),
            CarrierEnd::NotFound {
                why: "no trunk of the 2 configured Twilio accounts has domain_name sip.example"
                    .into()
            }
        );
        let trunk_only = Search {
            trunks: vec![("TK1 of AC1".into(), vec!["CL1".into(), "CL2".into()])],
            ..Search::default()
        };
        assert_eq!(
            decide("h", "u\u{1b}[2J", vec![trunk_only])
                .missing()
                .unwrap(),
            "no credential u\u{fffd}[2J in the lists of trunk TK1 of AC1 (CL1, CL2)"
        );
    }

    #[test]
    fn only_twilio_termination_hosts_are_looked_up() {
        for yes in [
            "acme.pstn.twilio.com",
            "Acme.PSTN.Twilio.com.",
            "acme.pstn.ashburn.us1.twilio.com",
            "acme-voice.pstn.twilio.localhost",
        ] {
            assert!(is_twilio_termination(yes), "{yes}");
        }
        for no in [
            "sip.carrier-us.example",
            "pstn.twilio.com.evil.example",
            "127.0.0.1",
            "acme.sip.twilio.com",
        ] {
            assert!(!is_twilio_termination(no), "{no}");
        }
    }

    #[test]
    fn servers_compare_by_host_in_lower_case() {
        assert_eq!(
            server_host("Acme.PSTN.twilio.com:5060").unwrap(),
            "acme.pstn.twilio.com"
        );
        assert_eq!(server_host("203.0.113.5").unwrap(), "203.0.113.5");
        assert_eq!(server_host("[::1]:5061").unwrap(), "::1");
        assert!(server_host("sip:user@host").is_err());
    }

    #[test]
    fn passwords_meet_both_ends_rules() {
        assert!(carrier_password_problem(&Secret::new("IWasAtSignal2018")).is_none());
        let short = carrier_password_problem(&Secret::new("short")).unwrap();
        assert!(
            short.contains("at least 12") && short.contains("a digit") && short.contains("case"),
            "{short}"
        );
        let long =
            carrier_password_problem(&Secret::new(format!("Aa1{}", "x".repeat(62)))).unwrap();
        assert!(long.contains("at most 64"), "{long}");
        assert!(carrier_password_problem(&Secret::new("IWasAt Signal2018")).is_some());
        assert!(
            !short.contains("short"),
            "the message never quotes the password"
        );
        for _ in 0..200 {
            let p = generate_carrier_password();
            assert_eq!(p.char_len(), GENERATED_LENGTH);
            assert!(carrier_password_problem(&p).is_none());
            assert!(crate::domain::validate::sip_password(&Some(p)).is_ok());
        }
    }

    #[test]
    fn new_usernames_derive_from_the_old_and_stay_unique_and_short() {
        assert_eq!(next_username("vx-01", &["vx-01"]).unwrap(), "vx-01-r2");
        assert_eq!(
            next_username("vx-01-r2", &["vx-01-r2", "VX-01-R3"]).unwrap(),
            "vx-01-r4"
        );
        let long = "a".repeat(40);
        let derived = next_username(&long, &[]).unwrap();
        assert_eq!(derived.chars().count(), USERNAME_MAX);
        assert!(derived.ends_with("-r2"));
        assert_eq!(next_username("x-r", &[]).unwrap(), "x-r-r2");
        assert_eq!(next_username("-r9", &[]).unwrap(), "-r9-r2");
        assert!(next_username("  ", &[]).is_err());
        let taken: Vec<String> = (2..1002).map(|n| format!("u-r{n}")).collect();
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        assert!(next_username("u", &taken).is_err());
        assert_eq!(USERNAME_MAX, 32);
    }
}

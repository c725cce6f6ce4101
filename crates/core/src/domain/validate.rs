//! Local validation, run before any call: the platforms' documented rules, with a
//! message per field that the form shows under the field and the CLI prints.

use super::model::{NewProvider, ProviderUpdate, SipCredentialInput};
use super::transport::TransportField;
use crate::secret::Secret;
use serde::Serialize;

/// Field keys shared by forms, CLI flags and platform error mapping (snake_case).
pub mod field {
    /// Provider display name (Dasha).
    pub const NAME: &str = "name";
    /// Twilio Account SID.
    pub const ACCOUNT_SID: &str = "account_sid";
    /// Twilio auth token.
    pub const AUTH_TOKEN: &str = "auth_token";
    /// Twilio region (Dasha).
    pub const REGION: &str = "region";
    /// Provider slug (Unpod), e.g. `twilio`.
    pub const PROVIDER: &str = "provider";
    /// SIP server (host or IP, optional port).
    pub const SERVER: &str = "server";
    /// SIP auth realm.
    pub const DOMAIN: &str = "domain";
    /// SIP digest auth user.
    pub const AUTH_USER: &str = "auth_user";
    /// SIP digest password.
    pub const AUTH_PASSWORD: &str = "auth_password";
    /// SIP transport: udp, tcp or tls.
    pub const TRANSPORT: &str = "transport";
    /// SIP credential description.
    pub const DESCRIPTION: &str = "description";
    /// Calls-per-second limit.
    pub const CPS_LIMIT: &str = "cps_limit";
    /// Shared rate-limit group key.
    pub const CPS_KEY: &str = "cps_key";
    /// The SIP credential fields whose wire form is checked: a platform may send
    /// any of them in a form telcreds cannot read.
    pub const SIP_CHECKED: [&str; 8] = [
        SERVER,
        DOMAIN,
        AUTH_USER,
        AUTH_PASSWORD,
        TRANSPORT,
        DESCRIPTION,
        CPS_LIMIT,
        CPS_KEY,
    ];
}

/// Normalises a platform's field name to our snake_case key: `authPassword`,
/// `$.authPassword` and `AuthPassword` all become `auth_password`; snake_case keys
/// pass through unchanged.
pub fn field_key(key: &str) -> String {
    let key = key.trim_start_matches("$.").trim_start_matches('$');
    let mut out = String::with_capacity(key.len() + 4);
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Field key from [`field`], or the platform's own name if it is unknown here.
    pub field: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Maximum SIP password length (Dasha).
/// Why a value is invalid, in words for the user (never the value of a secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl From<&str> for Invalid {
    fn from(message: &str) -> Invalid {
        Invalid(message.to_string())
    }
}

impl From<String> for Invalid {
    fn from(message: String) -> Invalid {
        Invalid(message)
    }
}

impl std::ops::Deref for Invalid {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<&str> for Invalid {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl From<Invalid> for String {
    fn from(invalid: Invalid) -> String {
        invalid.0
    }
}

/// Most characters a SIP password may have.
pub const SIP_PASSWORD_MAX: usize = 64;
/// Maximum length of server, domain, auth user, description, CPS key.
pub const SIP_TEXT_MAX: usize = 255;
/// Maximum provider name length (Dasha).
pub const PROVIDER_NAME_MAX: usize = 100;

fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// An Account SID as telcreds sends and compares it: `AC` + lowercase hex digits,
/// whatever the case typed. Text that is not `AC` + hex digits is only trimmed, for
/// [`account_sid`] to say what is wrong with it.
pub fn normalize_account_sid(sid: &str) -> String {
    let sid = sid.trim();
    match (sid.get(..2), sid.get(2..)) {
        (Some(prefix), Some(hex))
            if prefix.eq_ignore_ascii_case("AC") && hex.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            format!("AC{}", hex.to_ascii_lowercase())
        }
        _ => sid.to_string(),
    }
}

/// Checks an Account SID: `AC` + 32 lowercase hex digits (Dasha's strict rule).
pub fn account_sid(sid: &str) -> Result<(), Invalid> {
    let sid = sid.trim();
    if sid.is_empty() {
        return Err("required".into());
    }
    if !sid.starts_with("AC") {
        return Err("must start with AC".into());
    }
    let hex = &sid[2..];
    if hex.len() != 32 {
        return Err(format!(
            "must be AC + 32 hex digits (got {} after AC)",
            hex.chars().count()
        )
        .into());
    }
    if !is_lower_hex(hex) {
        return Err("must be AC + 32 lowercase hex digits (0-9, a-f)".into());
    }
    Ok(())
}

/// Checks a Twilio auth token: 32 lowercase hex digits. Never echoes the value.
pub fn auth_token(token: &Secret) -> Result<(), Invalid> {
    let t = token.expose().trim();
    if t.is_empty() {
        return Err("required".into());
    }
    let n = t.chars().count();
    if n != 32 {
        return Err(format!("must be 32 hex digits (got {n} characters)").into());
    }
    if !is_lower_hex(t) {
        return Err("must be 32 lowercase hex digits (0-9, a-f)".into());
    }
    Ok(())
}

fn max_len(value: &Option<String>, max: usize) -> Result<(), Invalid> {
    match value {
        Some(v) if v.chars().count() > max => {
            Err(format!("at most {max} characters (got {})", v.chars().count()).into())
        }
        _ => Ok(()),
    }
}

/// Checks a SIP server: 1–255 characters, in the grammar the probe reads
/// ([`super::server::parse_sip_server`]): a host name or IPv4 address with an
/// optional `:port`, or an IPv6 address, bare or as `[address]:port`.
pub fn sip_server(server: &str) -> Result<(), Invalid> {
    let server = server.trim();
    let n = server.chars().count();
    if n == 0 {
        return Err("required".into());
    }
    if n > SIP_TEXT_MAX {
        return Err(format!("at most {SIP_TEXT_MAX} characters (got {n})").into());
    }
    super::server::parse_sip_server(server)
        .map(|_| ())
        .map_err(|e| Invalid::from(e.to_string()))
}

/// Checks an optional text field against the 255-character limit.
pub fn sip_text(value: &Option<String>) -> Result<(), Invalid> {
    max_len(value, SIP_TEXT_MAX)
}

/// Checks an optional text field that is one token on the wire (a SIP domain, a CPS
/// key): at most 255 characters, no spaces.
pub fn sip_token(value: &Option<String>) -> Result<(), Invalid> {
    max_len(value, SIP_TEXT_MAX)?;
    if value
        .as_deref()
        .is_some_and(|v| v.trim().contains(char::is_whitespace))
    {
        return Err("must not contain spaces".into());
    }
    Ok(())
}

/// Checks a SIP auth realm (domain): at most 255 characters, no spaces.
pub fn sip_domain(value: &Option<String>) -> Result<(), Invalid> {
    sip_token(value)
}

/// Checks a CPS key: at most 255 characters, no spaces.
pub fn sip_cps_key(value: &Option<String>) -> Result<(), Invalid> {
    sip_token(value)
}

/// Checks a SIP auth user: ≤ 255, no spaces, no `:` or `@` (they break the SIP URI).
pub fn sip_auth_user(value: &Option<String>) -> Result<(), Invalid> {
    sip_token(value)?;
    if value.as_deref().is_some_and(|v| v.contains([':', '@'])) {
        return Err("must not contain ':' or '@'".into());
    }
    Ok(())
}

/// The Twilio regions a Dasha provider may use (the UI form offers these).
pub const REGIONS: &[&str] = &["us1", "us2", "ie1", "de1", "au1", "jp1", "br1", "sg1"];

/// Checks a Twilio region: one of [`REGIONS`].
pub fn region(value: &Option<String>) -> Result<(), Invalid> {
    match value {
        Some(r) if !REGIONS.contains(&r.trim()) => {
            Err(format!("must be one of {} (got \"{r}\")", REGIONS.join(", ")).into())
        }
        _ => Ok(()),
    }
}

/// Checks a SIP password: at most 64 characters.
pub fn sip_password(value: &Option<Secret>) -> Result<(), Invalid> {
    match value {
        Some(p) if p.char_len() > SIP_PASSWORD_MAX => Err(format!(
            "at most {SIP_PASSWORD_MAX} characters (got {})",
            p.char_len()
        )
        .into()),
        _ => Ok(()),
    }
}

/// Checks a new SIP password for a rotation: not empty (that would leave the trunk
/// without one), at most 64 characters. Removing a password is a separate,
/// confirmed choice in the edit form.
pub fn new_sip_password(value: &Secret) -> Result<(), Invalid> {
    if value.is_empty() {
        return Err("a new password cannot be empty (ctrl-g generates one)".into());
    }
    sip_password(&Some(value.clone()))
}

/// Shortest SIP password telcreds calls strong: shorter ones are used only when the
/// user confirms (`--allow-weak-password`, or ⏎ twice in the UI).
pub const SIP_PASSWORD_STRONG: usize = 12;

/// Why a new SIP password is weak, when it is: under [`SIP_PASSWORD_STRONG`]
/// characters (a digest over a short password is guessed offline from one capture).
pub fn weak_sip_password(value: &Secret) -> Option<String> {
    let n = value.char_len();
    (n < SIP_PASSWORD_STRONG).then(|| {
        format!(
            "the new password is {n} character{}, under {SIP_PASSWORD_STRONG}: weak, and easy \
             to guess from one captured call",
            if n == 1 { "" } else { "s" }
        )
    })
}

/// Checks a transport is one the platform knows.
pub fn transport(t: &TransportField) -> Result<(), Invalid> {
    t.check().map(drop)
}

/// Parses a CPS limit typed by a user: empty means none, else a non-negative integer.
pub fn parse_cps_limit(text: &str) -> Result<Option<u32>, Invalid> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u32>()
        .map(Some)
        .map_err(|_| "must be a non-negative whole number".into())
}

/// Checks a provider name: at most 100 characters.
pub fn provider_name(value: &Option<String>) -> Result<(), Invalid> {
    max_len(value, PROVIDER_NAME_MAX)
}

fn collect(checks: Vec<(&str, Result<(), Invalid>)>) -> Result<(), Vec<FieldError>> {
    let errors: Vec<FieldError> = checks
        .into_iter()
        .filter_map(|(f, r)| r.err().map(|m| FieldError::new(f, m)))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Every rule for a SIP credential body, all problems at once.
pub fn sip_credential(input: &SipCredentialInput) -> Result<(), Vec<FieldError>> {
    collect(vec![
        (field::SERVER, sip_server(&input.server)),
        (field::DOMAIN, sip_domain(&input.domain)),
        (field::AUTH_USER, sip_auth_user(&input.auth_user)),
        (field::AUTH_PASSWORD, sip_password(&input.auth_password)),
        (field::TRANSPORT, transport(&input.transport)),
        (field::DESCRIPTION, sip_text(&input.description)),
        (field::CPS_KEY, sip_cps_key(&input.cps_key)),
    ])
}

/// Every rule for a new Twilio provider.
pub fn new_provider(p: &NewProvider) -> Result<(), Vec<FieldError>> {
    collect(vec![
        (field::NAME, provider_name(&p.name)),
        (field::ACCOUNT_SID, account_sid(&p.account_sid)),
        (field::AUTH_TOKEN, auth_token(&p.auth_token)),
        (field::REGION, region(&p.region)),
    ])
}

/// Every rule for the fields a provider update changes.
pub fn provider_update(u: &ProviderUpdate) -> Result<(), Vec<FieldError>> {
    let given = |value: Option<Result<(), Invalid>>| value.unwrap_or(Ok(()));
    collect(vec![
        (
            field::AUTH_TOKEN,
            given(u.auth_token.as_ref().map(auth_token)),
        ),
        (field::NAME, provider_name(&u.name)),
        (field::REGION, region(&u.region)),
        (
            field::ACCOUNT_SID,
            given(u.account_sid.as_deref().map(account_sid)),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_takes_no_sip_server_the_probe_refuses() {
        for bad in [
            "alice@sip.example",
            "sip:pbx.example",
            "zürich.example",
            "a..b",
        ] {
            assert!(sip_server(bad).is_err(), "{bad}");
            assert!(
                super::super::server::parse_sip_server(bad).is_err(),
                "{bad}"
            );
        }
        for good in [
            "sip.example:5061",
            "10.0.0.1",
            "[::1]:5060",
            "::1",
            "pbx_1.corp.test",
        ] {
            assert!(sip_server(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn a_sip_password_under_twelve_characters_is_weak() {
        let weak = weak_sip_password(&Secret::new("short")).unwrap();
        assert!(weak.contains("5 characters, under 12"), "{weak}");
        assert!(weak_sip_password(&Secret::new("elevenchars")).is_some());
        assert!(weak_sip_password(&Secret::new("twelve-chars")).is_none());
    }

    const SID: &str = "AC0123456789abcdef0123456789abcdef";

    #[test]
    fn account_sids_in_any_case_become_ac_and_lowercase_hex() {
        for typed in [
            SID,
            " ac0123456789ABCDEF0123456789abcdef",
            "Ac0123456789AbCdEf0123456789ABCDEF",
        ] {
            assert_eq!(normalize_account_sid(typed), SID, "{typed}");
        }
        // Not AC + hex: left for `account_sid` to explain.
        for typed in ["XY12", "ACxyz", "é", "", "AC"] {
            assert_eq!(normalize_account_sid(typed), typed, "{typed}");
        }
        assert_eq!(
            account_sid(&normalize_account_sid("ACxyz")).unwrap_err().0,
            "must be AC + 32 hex digits (got 3 after AC)"
        );
    }

    #[test]
    fn account_sid_rules() {
        assert!(account_sid(SID).is_ok());
        assert!(account_sid("AC0123456789ABCDEF0123456789ABCDEF").is_err());
        assert_eq!(account_sid("XY12").unwrap_err(), "must start with AC");
        assert!(account_sid(&format!("{SID}0")).unwrap_err().contains("33"));
    }

    #[test]
    fn auth_token_rules_never_echo() {
        let short = Secret::new("0123456789abcdef0123456789abcde");
        let msg = auth_token(&short).unwrap_err();
        assert_eq!(msg, "must be 32 hex digits (got 31 characters)");
        assert!(auth_token(&Secret::new("0123456789ABCDEF0123456789abcdef")).is_err());
        assert!(auth_token(&Secret::new("0123456789abcdef0123456789abcdef")).is_ok());
    }

    #[test]
    fn sip_rules_report_every_field() {
        let input = SipCredentialInput {
            server: String::new(),
            auth_user: Some("a@b".into()),
            auth_password: Some(Secret::new("x".repeat(65))),
            transport: TransportField::Unknown("sctp".into()),
            ..Default::default()
        };
        let errs = sip_credential(&input).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["server", "auth_user", "auth_password", "transport"]
        );
    }

    #[test]
    fn a_sip_server_port_is_1_to_65535() {
        for ok in [
            "sip.example",
            "sip.example:5060",
            "sip.example:1",
            "sip.example:65535",
            "10.0.0.1:5061",
            "[::1]:5060",
            "[2001:db8::1]",
            "2001:db8::1",
        ] {
            assert_eq!(sip_server(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("sip.example:99999", "port"),
            ("sip.example:0", "port"),
            ("sip.example:", "port"),
            ("sip.example:50a", "port"),
            (":5060", "host"),
            ("[::1]:70000", "port"),
            ("[::1", "]"),
            ("[not-ipv6]:5060", "IPv6"),
            ("[::1]x", "port"),
        ] {
            let e = sip_server(bad).expect_err(bad);
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn domain_auth_user_and_cps_key_have_no_spaces() {
        let input = SipCredentialInput {
            server: "sip.example".into(),
            domain: Some("a b".into()),
            auth_user: Some("u v".into()),
            cps_key: Some("k\tk".into()),
            description: Some("spaces are fine here".into()),
            ..Default::default()
        };
        let errs = sip_credential(&input).unwrap_err();
        let fields: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("domain", "must not contain spaces"),
                ("auth_user", "must not contain spaces"),
                ("cps_key", "must not contain spaces"),
            ]
        );
    }

    #[test]
    fn a_region_is_a_known_twilio_region() {
        let new = |region: &str| NewProvider {
            name: None,
            provider: "twilio".into(),
            account_sid: SID.into(),
            auth_token: Secret::new("0123456789abcdef0123456789abcdef"),
            region: Some(region.into()),
            supports_call_transfer: None,
        };
        assert_eq!(new_provider(&new("ie1")), Ok(()));
        for bad in ["eu1", "not a region!", "US1", ""] {
            let errs = new_provider(&new(bad)).unwrap_err();
            assert_eq!(errs[0].field, "region", "{bad}");
            assert!(
                errs[0].message.starts_with("must be one of us1, us2, ie1"),
                "{bad}: {}",
                errs[0].message
            );
        }
    }

    #[test]
    fn field_keys_are_normalised() {
        assert_eq!(field_key("authPassword"), "auth_password");
        assert_eq!(field_key("$.cpsLimit"), "cps_limit");
        assert_eq!(field_key("AccountSid"), "account_sid");
        assert_eq!(field_key("AuthPassword"), "auth_password");
        assert_eq!(field_key("auth_password"), "auth_password");
        assert_eq!(field_key("Auth_Password"), "auth_password");
    }

    #[test]
    fn cps_limit_parsing() {
        assert_eq!(parse_cps_limit(""), Ok(None));
        assert_eq!(parse_cps_limit(" 10 "), Ok(Some(10)));
        assert!(parse_cps_limit("-1").is_err());
        assert!(parse_cps_limit("1.5").is_err());
    }
}

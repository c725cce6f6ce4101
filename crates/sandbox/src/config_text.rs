//! The telcreds TOML config that points two profiles at a sandbox.

use super::{
    DASHA_PREFIX, DASHA_TOKEN, TWILIO_TRUNKING_PREFIX, TwilioAccountInfo, UNPOD_ORG_HANDLE,
    UNPOD_PREFIX, UNPOD_TOKEN,
};
use std::fmt::Write;

/// A ready config for the sandbox at `origin` (e.g. `http://127.0.0.1:8931`): profiles
/// `sandbox-dasha` and `sandbox-unpod` with inline sandbox tokens, and the Twilio
/// demo accounts with their current tokens as comments.
pub fn print_config_for(origin: &str, accounts: &[TwilioAccountInfo]) -> String {
    let origin = origin.trim_end_matches('/');
    let shown = origin.replace(char::is_control, " ");
    let mut out = format!("# telcreds config for the sandbox at {shown}\n");
    if accounts.is_empty() {
        out.push_str("# Twilio demo accounts: run `telcreds sandbox` and see GET /_sandbox/twilio/accounts\n");
    } else {
        out.push_str("# Twilio demo accounts and their current auth tokens (sandbox only):\n");
        let width = accounts
            .iter()
            .map(|a| a.friendly_name.chars().count())
            .max()
            .unwrap_or(0);
        for a in accounts {
            let _ = writeln!(
                out,
                "#   {}  {:<width$}  {:<9}  token {}",
                a.sid, a.friendly_name, a.status, a.auth_token
            );
        }
    }
    out.push_str(
        "# The tokens below are inline: telcreds reads them only from a file that group and\n\
         # others cannot read, so run `chmod 600` on this file.\n",
    );
    let origin_q = quote(origin);
    let _ = write!(
        out,
        "\n[profiles.sandbox-dasha]\n\
         platform = \"dasha\"\n\
         base_url = {}\n\
         token = {}\n\
         twilio_api_base = {origin_q}\n\
         twilio_accounts_base = {origin_q}\n\
         label = \"sandbox\"\n\
         \n[profiles.sandbox-unpod]\n\
         platform = \"unpod\"\n\
         base_url = {}\n\
         token = {}\n\
         org_handle = {}\n\
         twilio_api_base = {origin_q}\n\
         twilio_accounts_base = {origin_q}\n\
         label = \"sandbox\"\n",
        quote(&format!("{origin}{DASHA_PREFIX}")),
        quote(DASHA_TOKEN),
        quote(&format!("{origin}{UNPOD_PREFIX}")),
        quote(UNPOD_TOKEN),
        quote(UNPOD_ORG_HANDLE),
    );
    out.push_str(&accounts_section(origin, &origin_q, accounts));
    out
}

/// A `[twilio_accounts.<name>]` table per active demo account, for `rotate twilio
/// --mint` (a suspended or closed one cannot mint: `doctor` would fail it).
fn accounts_section(origin: &str, origin_q: &str, accounts: &[TwilioAccountInfo]) -> String {
    let accounts: Vec<&TwilioAccountInfo> =
        accounts.iter().filter(|a| a.status == "active").collect();
    if accounts.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n# The Twilio accounts whose tokens `rotate twilio --mint` may replace, and whose SIP\n\
         # trunks telcreds reads to find a SIP credential's carrier end, with their\n\
         # current tokens. After a promotion the token here is dead: set store_cmd to keep\n\
         # it current (e.g. store_cmd = \"pass insert -m -f twilio/acme\").\n",
    );
    for a in accounts {
        let _ = write!(
            out,
            "\n[twilio_accounts.{}]\naccount_sid = {}\ntoken = {}\nlabel = {}\n\
             twilio_accounts_base = {origin_q}\ntwilio_api_base = {origin_q}\n\
             twilio_trunking_base = {}\n",
            table_name(&a.friendly_name, &a.sid),
            quote(&a.sid),
            quote(&a.auth_token),
            quote(&a.friendly_name),
            quote(&format!("{origin}{TWILIO_TRUNKING_PREFIX}")),
        );
    }
    out
}

/// "Acme Production" → `acme-production`; the SID when nothing is left.
fn table_name(friendly: &str, sid: &str) -> String {
    let slug: String = friendly
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        sid.to_string()
    } else {
        slug
    }
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> TwilioAccountInfo {
        TwilioAccountInfo {
            sid: "AC00000000000000000000000000000001".into(),
            friendly_name: "Acme Production".into(),
            status: "active".into(),
            auth_token: "0123456789abcdef0123456789abcdef".into(),
        }
    }

    #[test]
    fn config_is_valid_toml_with_both_profiles() {
        let text = print_config_for("http://127.0.0.1:8931/", &[account()]);
        assert!(text.contains("#   AC00000000000000000000000000000001  Acme Production  active     token 0123456789abcdef0123456789abcdef"));
        let doc: toml::Table = toml::from_str(&text).expect("valid TOML");
        let dasha = &doc["profiles"]["sandbox-dasha"];
        assert_eq!(dasha["platform"].as_str(), Some("dasha"));
        assert_eq!(
            dasha["base_url"].as_str(),
            Some("http://127.0.0.1:8931/api/v1")
        );
        assert_eq!(dasha["token"].as_str(), Some(DASHA_TOKEN));
        assert_eq!(
            dasha["twilio_api_base"].as_str(),
            Some("http://127.0.0.1:8931")
        );
        let unpod = &doc["profiles"]["sandbox-unpod"];
        assert_eq!(
            unpod["base_url"].as_str(),
            Some("http://127.0.0.1:8931/api/v2/platform")
        );
        assert_eq!(unpod["token"].as_str(), Some(UNPOD_TOKEN));
        assert_eq!(unpod["org_handle"].as_str(), Some(UNPOD_ORG_HANDLE));
        assert_eq!(unpod["label"].as_str(), Some("sandbox"));
        assert_eq!(
            unpod["twilio_accounts_base"].as_str(),
            Some("http://127.0.0.1:8931")
        );
        let acme = &doc["twilio_accounts"]["acme-production"];
        assert_eq!(
            acme["account_sid"].as_str(),
            Some("AC00000000000000000000000000000001")
        );
        assert_eq!(
            acme["token"].as_str(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(
            acme["twilio_accounts_base"].as_str(),
            Some("http://127.0.0.1:8931")
        );
        assert_eq!(
            acme["twilio_api_base"].as_str(),
            Some("http://127.0.0.1:8931")
        );
        assert_eq!(
            acme["twilio_trunking_base"].as_str(),
            Some("http://127.0.0.1:8931/trunking")
        );
        let parsed = telcreds_core::config::Config::parse(&text, None, Some(0o600)).unwrap();
        assert_eq!(parsed.twilio_accounts.len(), 1);
        assert_eq!(
            parsed.twilio_accounts[0].twilio_trunking_base,
            "http://127.0.0.1:8931/trunking"
        );
    }

    #[test]
    fn config_without_accounts_and_odd_origin_stays_valid() {
        let text = print_config_for("http://x\"y\nz", &[]);
        let doc: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert_eq!(
            doc["profiles"]["sandbox-dasha"]["twilio_api_base"].as_str(),
            Some("http://x\"y\nz")
        );
    }
}

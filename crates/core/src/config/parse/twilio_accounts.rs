//! `[twilio_accounts.<name>]` tables: the Twilio accounts whose auth token the user
//! administers (for the zero-downtime rotation).

use super::super::error::{ConfigProblem, TWILIO_ACCOUNT};
use super::super::{
    DEFAULT_TWILIO_ACCOUNTS_BASE, DEFAULT_TWILIO_API_BASE, DEFAULT_TWILIO_TRUNKING_BASE,
    TwilioAccount,
};
use super::{Context, Scope, TOKEN_KEYS, in_file_order};
use crate::config::TokenSource;
use crate::domain::validate;
use toml::de::DeValue;

const ACCOUNT_KEYS: &[&str] = &[
    "account_sid",
    "token_env",
    "token_cmd",
    "token_file",
    "token",
    "label",
    "store_cmd",
    "twilio_accounts_base",
    "twilio_api_base",
    "twilio_trunking_base",
];

/// The valid accounts, in file order; every problem goes to `out`.
pub(super) fn read(
    value: &DeValue<'_>,
    ctx: &Context,
    out: &mut Vec<ConfigProblem>,
) -> Vec<TwilioAccount> {
    let DeValue::Table(table) = value else {
        let msg = format!(
            "must be a table of accounts ([twilio_accounts.<name>]), got {}",
            value.type_str()
        );
        Scope::top(ctx, out).key("twilio_accounts", msg);
        return Vec::new();
    };
    let mut accounts: Vec<TwilioAccount> = Vec::new();
    for (name, value) in in_file_order(table) {
        let mut scope = Scope {
            ctx,
            profile: Some(name),
            section: TWILIO_ACCOUNT,
            out,
        };
        let Some(account) = read_account(name, value, &mut scope) else {
            continue;
        };
        if let Some(first) = accounts
            .iter()
            .find(|a| a.account_sid.eq_ignore_ascii_case(&account.account_sid))
        {
            let msg = format!(
                "the same Account SID as twilio account \"{}\"; keep one table per account",
                first.name
            );
            scope.key("account_sid", msg);
            continue;
        }
        accounts.push(account);
    }
    accounts
}

/// One table; `None` when it had any problem (all reported).
fn read_account(name: &str, value: &DeValue<'_>, scope: &mut Scope<'_>) -> Option<TwilioAccount> {
    let before = scope.out.len();
    let DeValue::Table(table) = value else {
        scope.whole(format!(
            "must be a table ([twilio_accounts.{name}]), got {}",
            value.type_str()
        ));
        return None;
    };
    let mut sid = None;
    let mut token: Option<TokenSource> = None;
    let mut sources = Vec::new();
    let mut label = None;
    let mut store_cmd = None;
    let mut base = None;
    let mut api_base = None;
    let mut trunking_base = None;
    for (key, value) in in_file_order(table) {
        match key {
            "account_sid" => {
                sid = scope.string(key, value).and_then(|s| {
                    let s = s.trim().to_string();
                    validate::account_sid(&s)
                        .map_err(|m| scope.key(key, m.to_string()))
                        .ok()
                        .map(|()| s)
                })
            }
            k if TOKEN_KEYS.contains(&k) => {
                sources.push(k);
                token = scope.token_source(k, value);
            }
            "label" => label = scope.string(key, value),
            "store_cmd" => store_cmd = scope.string(key, value),
            "twilio_accounts_base" => base = scope.url(key, value),
            "twilio_api_base" => api_base = scope.url(key, value),
            "twilio_trunking_base" => trunking_base = scope.url(key, value),
            other => scope.unknown(other, ACCOUNT_KEYS),
        }
    }
    if !table.iter().any(|(k, _)| k.get_ref() == "account_sid") {
        scope.key("account_sid", "is required but missing");
    }
    scope.exactly_one_source(&sources, "no token source for the current auth token");
    if scope.out.len() > before {
        return None;
    }
    Some(TwilioAccount {
        name: name.to_string(),
        account_sid: sid?,
        token: token?,
        label,
        store_cmd,
        twilio_accounts_base: base.unwrap_or_else(|| DEFAULT_TWILIO_ACCOUNTS_BASE.to_string()),
        twilio_api_base: api_base.unwrap_or_else(|| DEFAULT_TWILIO_API_BASE.to_string()),
        twilio_trunking_base: trunking_base
            .unwrap_or_else(|| DEFAULT_TWILIO_TRUNKING_BASE.to_string()),
    })
}

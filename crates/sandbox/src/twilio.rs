//! Twilio's credential check, `GET /2010-04-01/Accounts/{sid}.json` with HTTP basic
//! auth `sid:token`, and the account list `GET /2010-04-01/Accounts.json` (which
//! `doctor` reaches without credentials), answered from the sandbox's Twilio accounts.

use super::TWILIO_PREFIX;
use super::errors::{Platform, twilio_error};
use super::model::{AccountStatus, TwilioAccount};
use super::state::{Shared, World, lock};
use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;

/// The Twilio routes, relative to `/2010-04-01`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    let fallback = |status| {
        move |OriginalUri(uri): OriginalUri| async move { Platform::Twilio.error(status, uri.path()) }
    };
    Router::new()
        .route("/Accounts.json", get(list_accounts))
        .route("/Accounts/{account}", get(fetch_account))
        .merge(super::sip_lists::router())
        .fallback(fallback(StatusCode::NOT_FOUND))
        .method_not_allowed_fallback(fallback(StatusCode::METHOD_NOT_ALLOWED))
}

/// The accounts the basic-auth pair may see (its own), as Twilio's account list; 401
/// 20003 without a current pair.
async fn list_accounts(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let world = lock(&shared.world);
    let account = basic_auth(&headers)
        .and_then(|(user, token)| world.account(&user).filter(|a| a.accepts(&token)));
    match account {
        Some(account) => Json(json!({ "accounts": [account_json(account)] })).into_response(),
        None => unauthorized(),
    }
}

/// The Account SID of the basic-auth pair when it is the account's current token
/// (primary or secondary) and the account is active: what Twilio asks of every call
/// to an account's resources. Twilio's 401 (20003) for a wrong pair, 403 (20403)
/// for an account that is suspended or closed.
pub(crate) fn authorized(world: &World, headers: &HeaderMap) -> Result<String, Refusal> {
    let (sid, token) = basic_auth(headers).ok_or(Refusal::Credentials)?;
    match world.account(&sid).filter(|a| a.accepts(&token)) {
        None => Err(Refusal::Credentials),
        Some(a) if a.status != AccountStatus::Active => Err(Refusal::NotActive(a.status)),
        Some(_) => Ok(sid),
    }
}

/// Why Twilio refuses a call to an account's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No pair, or not the account's current token: 401, 20003.
    Credentials,
    /// The account is suspended or closed: 403, 20403.
    NotActive(AccountStatus),
    /// No such resource in the account: 404, 20404.
    NotFound,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Credentials => unauthorized(),
            Refusal::NotActive(status) => twilio_error(
                StatusCode::FORBIDDEN,
                20403,
                &format!("The account is {}", status.as_str()),
            ),
            Refusal::NotFound => twilio_error(
                StatusCode::NOT_FOUND,
                20404,
                "The requested resource was not found",
            ),
        }
    }
}

/// Twilio's 401 for a missing or wrong basic-auth pair.
fn unauthorized() -> Response {
    let mut response = twilio_error(
        StatusCode::UNAUTHORIZED,
        20003,
        "Authentication Error - invalid username",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"Twilio API\""),
    );
    response
}

/// 200 with the account when the basic-auth pair is the account's current token and
/// the user is the SID in the path (whatever the account's status); 401 20003 otherwise.
async fn fetch_account(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    file: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let Some(sid) = file
        .ok()
        .and_then(|Path(f)| f.strip_suffix(".json").map(str::to_string))
    else {
        return Platform::Twilio.error(StatusCode::NOT_FOUND, uri.path());
    };
    let world = lock(&shared.world);
    let account = basic_auth(&headers)
        .filter(|(user, _)| *user == sid)
        .and_then(|(user, token)| world.account(&user).filter(|a| a.accepts(&token)));
    match account {
        Some(account) => Json(account_json(account)).into_response(),
        None => unauthorized(),
    }
}

/// Twilio's `api.v2010.account` resource.
fn account_json(a: &TwilioAccount) -> Value {
    let uri = format!("{TWILIO_PREFIX}/Accounts/{}", a.sid);
    json!({
        "sid": a.sid,
        "friendly_name": a.friendly_name,
        "status": a.status,
        "type": "Full",
        "owner_account_sid": a.sid,
        "date_created": a.created.to_rfc2822(),
        "date_updated": a.updated.to_rfc2822(),
        "auth_token": a.auth_token,
        "uri": format!("{uri}.json"),
        "subresource_uris": {
            "calls": format!("{uri}/Calls.json"),
            "incoming_phone_numbers": format!("{uri}/IncomingPhoneNumbers.json"),
            "sip_domains": format!("{uri}/SIP/Domains.json"),
            "balance": format!("{uri}/Balance.json"),
        },
    })
}

/// The `(user, password)` of an `Authorization: Basic …` header.
pub(crate) fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(decode_base64(encoded.trim())?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// Decodes standard base64 (padding optional); `None` on any other character.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(decode_base64("QUM6dG9r").unwrap(), b"AC:tok");
        assert_eq!(decode_base64("YTpi").unwrap(), b"a:b");
        assert_eq!(decode_base64("YQ==").unwrap(), b"a");
        assert_eq!(decode_base64("YQ").unwrap(), b"a");
        assert!(decode_base64("Y*Q").is_none());
    }
}

//! Twilio's SIP credential lists on the 2010 API, under
//! `/2010-04-01/Accounts/{AC}/SIP/CredentialLists`: create a list (`FriendlyName`),
//! and in a list: list the credentials (paged, never with a password), create one
//! (`Username`, `Password`, form-encoded), change a password, delete one. HTTP basic
//! auth with the account's current token.
//!
//! Refusals are Twilio's 400 with code 21243 ("Credential Validation Error", one of
//! the parameters of a Credential create or update was incorrect:
//! https://www.twilio.com/docs/api/errors/21243); the password rules are those of
//! Twilio's OpenAPI (`twilio_api_v2010.json`, CreateSipCredential: at least 12
//! characters, a digit, mixed case) and error 21240's page
//! (https://www.twilio.com/docs/errors/21240: the username at most 32 characters).

use super::TWILIO_PREFIX;
use super::errors::twilio_error;
use super::model::{CredentialList, ListCredential};
use super::paging::PageQuery;
use super::state::{Shared, lock};
use super::twilio::{Refusal, authorized};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// Twilio's code for a refused Credential create or update.
pub(crate) const CREDENTIAL_INVALID: u32 = 21243;
/// Longest username Twilio accepts in a credential list.
pub(crate) const USERNAME_MAX: usize = 32;
/// Shortest password Twilio accepts in a credential list.
pub(crate) const PASSWORD_MIN: usize = 12;
/// Largest form body read.
const FORM_LIMIT: usize = 64 * 1024;

/// The routes, relative to `/2010-04-01`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/Accounts/{account}/SIP/CredentialLists.json",
            post(create_list),
        )
        .route(
            "/Accounts/{account}/SIP/CredentialLists/{list}/Credentials.json",
            get(list).post(create),
        )
        .route(
            "/Accounts/{account}/SIP/CredentialLists/{list}/Credentials/{file}",
            post(update).delete(delete).get(fetch),
        )
}

/// Twilio's code for a refused Credential List create (a name missing, too long or
/// taken: https://www.twilio.com/docs/errors/21240).
pub(crate) const LIST_INVALID: u32 = 21240;
/// Longest `FriendlyName` of a credential list (platform-apis.md §8: ≤ 64).
const LIST_NAME_MAX: usize = 64;

/// Why Twilio refuses a password, if it does.
pub(crate) fn password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let upper = password.chars().any(char::is_uppercase);
    let lower = password.chars().any(char::is_lowercase);
    (n < PASSWORD_MIN || !digit || !upper || !lower).then(|| {
        format!(
            "Password must be at least {PASSWORD_MIN} characters long, contain at least one \
             digit, and have mixed case"
        )
    })
}

fn not_found() -> Response {
    Refusal::NotFound.into_response()
}

fn invalid(message: &str) -> Response {
    twilio_error(StatusCode::BAD_REQUEST, CREDENTIAL_INVALID, message)
}

/// The account and list of the path, when the caller may use them: the account's
/// own pair, and a list of that account.
fn authorized_list(
    shared: &Shared,
    headers: &HeaderMap,
    account: &str,
    list: &str,
) -> Result<(), Refusal> {
    let world = lock(&shared.world);
    let sid = authorized(&world, headers)?;
    if sid != account {
        return Err(Refusal::Credentials);
    }
    if !world
        .credential_lists
        .iter()
        .any(|l| l.sid == list && l.account_sid == account)
    {
        return Err(Refusal::NotFound);
    }
    Ok(())
}

/// `{path}` of a credential, relative to the API's host.
fn credential_uri(account: &str, list: &str, sid: &str) -> String {
    format!("{TWILIO_PREFIX}/Accounts/{account}/SIP/CredentialLists/{list}/Credentials/{sid}.json")
}

/// Twilio's `api.v2010.account.sip.sip_credential_list.sip_credential`: never the
/// password.
fn credential_json(account: &str, list: &str, c: &ListCredential) -> Value {
    json!({
        "sid": c.sid,
        "account_sid": account,
        "credential_list_sid": list,
        "username": c.username,
        "date_created": c.created.to_rfc2822(),
        "date_updated": c.updated.to_rfc2822(),
        "uri": credential_uri(account, list, &c.sid),
    })
}

/// The form fields of a body (`application/x-www-form-urlencoded`); an unreadable
/// body has none.
pub(crate) async fn form(req: Request) -> HashMap<String, String> {
    let bytes = axum::body::to_bytes(req.into_body(), FORM_LIMIT)
        .await
        .unwrap_or_default();
    form_urlencoded::parse(&bytes).into_owned().collect()
}

/// The credential SID of `CR….json`.
fn credential_sid(file: &str) -> Option<&str> {
    file.strip_suffix(".json").filter(|s| !s.is_empty())
}

/// Creates an empty credential list in the account.
async fn create_list(
    State(shared): State<Arc<Shared>>,
    Path(account): Path<String>,
    req: Request,
) -> Response {
    {
        let world = lock(&shared.world);
        match authorized(&world, req.headers()) {
            Ok(sid) if sid == account => {}
            Ok(_) => return Refusal::Credentials.into_response(),
            Err(refused) => return refused.into_response(),
        }
    }
    let fields = form(req).await;
    let name = fields.get("FriendlyName").map(String::as_str).unwrap_or("");
    let refuse = |message: &str| twilio_error(StatusCode::BAD_REQUEST, LIST_INVALID, message);
    if name.trim().is_empty() {
        return refuse("FriendlyName is required");
    }
    if name.chars().count() > LIST_NAME_MAX {
        return refuse(&format!(
            "FriendlyName must be {LIST_NAME_MAX} characters or less"
        ));
    }
    let mut world = lock(&shared.world);
    if world
        .credential_lists
        .iter()
        .any(|l| l.account_sid == account && l.friendly_name == name)
    {
        return refuse("A Credential List with this FriendlyName already exists");
    }
    let now = super::state::now();
    let list = CredentialList {
        sid: format!("CL{}", super::state::random_hex32()),
        account_sid: account.clone(),
        friendly_name: name.to_string(),
        credentials: Vec::new(),
        created: now,
        updated: now,
    };
    let body = json!({
        "sid": list.sid,
        "account_sid": account,
        "friendly_name": list.friendly_name,
        "date_created": now.to_rfc2822(),
        "date_updated": now.to_rfc2822(),
        "uri": format!("{TWILIO_PREFIX}/Accounts/{account}/SIP/CredentialLists/{}.json", list.sid),
    });
    world.credential_lists.push(list);
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Path((account, list)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = authorized_list(&shared, &headers, &account, &list) {
        return refused.into_response();
    }
    let world = lock(&shared.world);
    let Some(l) = world.credential_lists.iter().find(|l| l.sid == list) else {
        return not_found();
    };
    Json(page_json(&account, l, PageQuery::read(&query))).into_response()
}

/// One page of a list's credentials, as the 2010 API pages (`next_page_uri`).
fn page_json(account: &str, l: &CredentialList, page: PageQuery) -> Value {
    let base = format!(
        "{TWILIO_PREFIX}/Accounts/{account}/SIP/CredentialLists/{}/Credentials.json",
        l.sid
    );
    let uri = |n: usize| format!("{base}?{}", page.query_of(n));
    let items: Vec<Value> = page
        .slice(&l.credentials)
        .iter()
        .map(|c| credential_json(account, &l.sid, c))
        .collect();
    let total = l.credentials.len();
    let start = page.start();
    json!({
        "end": (start + items.len()).saturating_sub(1),
        "credentials": items,
        "first_page_uri": uri(0),
        "next_page_uri": page.has_next(total).then(|| uri(page.page + 1)),
        "previous_page_uri": (page.page > 0).then(|| uri(page.page - 1)),
        "page": page.page,
        "page_size": page.page_size,
        "start": start,
        "uri": uri(page.page),
    })
}

async fn create(
    State(shared): State<Arc<Shared>>,
    Path((account, list)): Path<(String, String)>,
    req: Request,
) -> Response {
    if let Err(refused) = authorized_list(&shared, req.headers(), &account, &list) {
        return refused.into_response();
    }
    let fields = form(req).await;
    let username = fields.get("Username").map(String::as_str).unwrap_or("");
    let password = fields.get("Password").map(String::as_str).unwrap_or("");
    if username.trim().is_empty() {
        return invalid("Username is required");
    }
    if username.chars().count() > USERNAME_MAX {
        return invalid(&format!(
            "Username must be {USERNAME_MAX} characters or less"
        ));
    }
    if password.is_empty() {
        return invalid("Password is required");
    }
    if let Some(problem) = password_problem(password) {
        return invalid(&problem);
    }
    let mut world = lock(&shared.world);
    match world.add_list_credential(&account, &list, username, password) {
        None => not_found(),
        Some(Err(())) => invalid(&format!(
            "A Credential with Username {username} already exists in this Credential List"
        )),
        Some(Ok(c)) => (
            StatusCode::CREATED,
            Json(credential_json(&account, &list, &c)),
        )
            .into_response(),
    }
}

async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path((account, list, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = authorized_list(&shared, &headers, &account, &list) {
        return refused.into_response();
    }
    let mut world = lock(&shared.world);
    let found = credential_sid(&file).and_then(|sid| {
        world
            .credential_list_mut(&account, &list)?
            .credentials
            .iter()
            .find(|c| c.sid == sid)
            .cloned()
    });
    match found {
        Some(c) => Json(credential_json(&account, &list, &c)).into_response(),
        None => not_found(),
    }
}

/// Changes the password of a credential (the username stays).
async fn update(
    State(shared): State<Arc<Shared>>,
    Path((account, list, file)): Path<(String, String, String)>,
    req: Request,
) -> Response {
    if let Err(refused) = authorized_list(&shared, req.headers(), &account, &list) {
        return refused.into_response();
    }
    let fields = form(req).await;
    let Some(sid) = credential_sid(&file).map(str::to_string) else {
        return not_found();
    };
    let password = fields.get("Password").map(String::as_str).unwrap_or("");
    if password.is_empty() {
        return invalid("Password is required");
    }
    if let Some(problem) = password_problem(password) {
        return invalid(&problem);
    }
    let mut world = lock(&shared.world);
    let now = super::state::now();
    let Some(c) = world
        .credential_list_mut(&account, &list)
        .and_then(|l| l.credentials.iter_mut().find(|c| c.sid == sid))
    else {
        return not_found();
    };
    c.password = password.to_string();
    c.updated = now;
    let body = credential_json(&account, &list, c);
    Json(body).into_response()
}

async fn delete(
    State(shared): State<Arc<Shared>>,
    Path((account, list, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = authorized_list(&shared, &headers, &account, &list) {
        return refused.into_response();
    }
    let mut world = lock(&shared.world);
    let Some(sid) = credential_sid(&file) else {
        return not_found();
    };
    let Some(l) = world.credential_list_mut(&account, &list) else {
        return not_found();
    };
    let before = l.credentials.len();
    l.credentials.retain(|c| c.sid != sid);
    if l.credentials.len() == before {
        return not_found();
    }
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_follow_twilios_rules() {
        assert!(password_problem("IWasAtSignal2018").is_none());
        for weak in [
            "Short1a",
            "alllowercase123",
            "ALLUPPERCASE123",
            "NoDigitsAtAllHere",
            "",
        ] {
            assert!(password_problem(weak).is_some(), "{weak}");
        }
    }
}

//! Twilio's Elastic SIP Trunking API (`trunking.twilio.com/v1`, `twilio_trunking_v1`),
//! served under `/trunking/v1`: the account's trunks and the credential lists each
//! trunk checks INVITEs against. HTTP basic auth with the account's current token;
//! pages are `meta` objects with absolute `next_page_url`s, as Twilio's v1 APIs page.

use super::TWILIO_TRUNKING_PREFIX;
use super::errors::Platform;
use super::errors::twilio_error;
use super::model::{ElasticTrunk, Ts};
use super::paging::PageQuery;
use super::state::{Shared, lock};
use super::twilio::{Refusal, authorized};
use axum::extract::{OriginalUri, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// The routes, relative to `/trunking`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    let fallback = |status| {
        move |OriginalUri(uri): OriginalUri| async move { Platform::Twilio.error(status, uri.path()) }
    };
    Router::new()
        .route("/v1/Trunks", get(trunks))
        .route(
            "/v1/Trunks/{trunk}/CredentialLists",
            get(credential_lists).post(attach_list),
        )
        .fallback(fallback(StatusCode::NOT_FOUND))
        .method_not_allowed_fallback(fallback(StatusCode::METHOD_NOT_ALLOWED))
}

/// ISO 8601, as the v1 APIs write dates.
fn iso(t: Ts) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `http://{Host}/trunking` (the trunking API's own base, as Twilio's absolute URLs
/// start with `https://trunking.twilio.com`).
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}{TWILIO_TRUNKING_PREFIX}")
}

/// Twilio's v1 `meta` of one page of `total` items at `path`.
fn meta(base: &str, path: &str, key: &str, page: PageQuery, total: usize) -> Value {
    let url = |n: usize| format!("{base}{path}?{}", page.query_of(n));
    json!({
        "page": page.page,
        "page_size": page.page_size,
        "first_page_url": url(0),
        "previous_page_url": (page.page > 0).then(|| url(page.page - 1)),
        "next_page_url": page.has_next(total).then(|| url(page.page + 1)),
        "url": url(page.page),
        "key": key,
    })
}

fn trunk_json(base: &str, t: &ElasticTrunk) -> Value {
    let url = format!("{base}/v1/Trunks/{}", t.sid);
    json!({
        "sid": t.sid,
        "account_sid": t.account_sid,
        "friendly_name": t.friendly_name,
        "domain_name": t.domain_name,
        "secure": false,
        "auth_type": "CREDENTIAL_LIST",
        "auth_type_set": ["CREDENTIAL_LIST"],
        "cnam_lookup_enabled": false,
        "transfer_mode": "disable-all",
        "date_created": iso(t.created),
        "date_updated": iso(t.updated),
        "url": url,
        "links": {
            "credential_lists": format!("{url}/CredentialLists"),
            "origination_urls": format!("{url}/OriginationUrls"),
            "phone_numbers": format!("{url}/PhoneNumbers"),
        },
    })
}

async fn trunks(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let world = lock(&shared.world);
    let account = match authorized(&world, &headers) {
        Ok(sid) => sid,
        Err(refused) => return refused.into_response(),
    };
    let base = origin(&headers);
    let page = PageQuery::read(&query);
    let mine: Vec<&ElasticTrunk> = world
        .elastic_trunks
        .iter()
        .filter(|t| t.account_sid == account)
        .collect();
    let items: Vec<Value> = page
        .slice(&mine)
        .iter()
        .map(|t| trunk_json(&base, t))
        .collect();
    Json(json!({
        "trunks": items,
        "meta": meta(&base, "/v1/Trunks", "trunks", page, mine.len()),
    }))
    .into_response()
}

/// Attaches a credential list of the account to a trunk (`CredentialListSid`): from
/// then on the trunk accepts its credentials too.
async fn attach_list(
    State(shared): State<Arc<Shared>>,
    Path(trunk): Path<String>,
    req: Request,
) -> Response {
    let base = origin(req.headers());
    let account = match authorized(&lock(&shared.world), req.headers()) {
        Ok(sid) => sid,
        Err(refused) => return refused.into_response(),
    };
    let fields = super::sip_lists::form(req).await;
    let list_sid = fields.get("CredentialListSid").cloned().unwrap_or_default();
    let mut world = lock(&shared.world);
    let Some(list) = world
        .credential_lists
        .iter()
        .find(|l| l.sid == list_sid && l.account_sid == account)
        .map(|l| (l.friendly_name.clone(), l.created, l.updated))
    else {
        return Refusal::NotFound.into_response();
    };
    let Some(t) = world
        .elastic_trunks
        .iter_mut()
        .find(|t| t.sid == trunk && t.account_sid == account)
    else {
        return Refusal::NotFound.into_response();
    };
    if t.credential_lists.contains(&list_sid) {
        // No code for this in the sources: the sandbox's generic 400.
        return twilio_error(
            StatusCode::BAD_REQUEST,
            20400,
            "The Credential List is already attached to this Trunk",
        );
    }
    t.credential_lists.push(list_sid.clone());
    let body = json!({
        "sid": list_sid,
        "account_sid": account,
        "trunk_sid": t.sid,
        "friendly_name": list.0,
        "date_created": iso(list.1),
        "date_updated": iso(list.2),
        "url": format!("{base}/v1/Trunks/{}/CredentialLists/{list_sid}", t.sid),
    });
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn credential_lists(
    State(shared): State<Arc<Shared>>,
    Path(trunk): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let world = lock(&shared.world);
    let account = match authorized(&world, &headers) {
        Ok(sid) => sid,
        Err(refused) => return refused.into_response(),
    };
    let Some(t) = world
        .elastic_trunks
        .iter()
        .find(|t| t.sid == trunk && t.account_sid == account)
    else {
        return Refusal::NotFound.into_response();
    };
    let base = origin(&headers);
    let page = PageQuery::read(&query);
    let lists: Vec<Value> = t
        .credential_lists
        .iter()
        .filter_map(|sid| world.credential_lists.iter().find(|l| &l.sid == sid))
        .map(|l| {
            json!({
                "sid": l.sid,
                "account_sid": l.account_sid,
                "trunk_sid": t.sid,
                "friendly_name": l.friendly_name,
                "date_created": iso(l.created),
                "date_updated": iso(l.updated),
                "url": format!("{base}/v1/Trunks/{}/CredentialLists/{}", t.sid, l.sid),
            })
        })
        .collect();
    let path = format!("/v1/Trunks/{}/CredentialLists", t.sid);
    Json(json!({
        "credential_lists": page.slice(&lists),
        "meta": meta(&base, &path, "credential_lists", page, lists.len()),
    }))
    .into_response()
}

//! Twilio's Elastic SIP Trunking and SIP credential lists: the carrier end of a SIP
//! trunk. The trunks and the credential lists each checks come from the trunking API
//! (`twilio_trunking_v1`, base `https://trunking.twilio.com`, pages with absolute
//! `meta.next_page_url`s); the credentials of a list, and their changes, from the 2010
//! API (base `https://api.twilio.com`, pages with relative `next_page_uri`s, form
//! bodies). HTTP basic auth with the Account SID and its current auth token.
//!
//! Twilio never returns a credential's password. Every list is bounded: at most
//! [`MAX_PAGES`] pages within the list budget, and a next page is followed only on
//! the base it was asked of (the credentials never go to another host).

use super::error::ApiError;
use super::http::{Answer, Http, ListBudget, RetryMode, decode, seg};
use super::wire::lenient_string;
use crate::secret::Secret;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Most pages one list fetches.
pub const MAX_PAGES: usize = 100;
/// The page size asked for (Twilio's largest).
pub const PAGE_SIZE: usize = 1000;

/// An Elastic SIP trunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trunk {
    /// `TK…`.
    pub sid: String,
    /// Its name, as Twilio gave it (print it through `text::printable`).
    pub friendly_name: Option<String>,
    /// The host the platform dials (`{name}.pstn.twilio.com`).
    pub domain_name: Option<String>,
}

/// A credential list, as a trunk names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialList {
    /// `CL…`.
    pub sid: String,
    /// Its name, as Twilio gave it.
    pub friendly_name: Option<String>,
}

/// A username of a credential list (Twilio never returns the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCredential {
    /// `CR…`.
    pub sid: String,
    /// The username the carrier challenges for.
    pub username: String,
    /// When it was created (RFC 2822), as Twilio wrote it.
    pub date_created: Option<String>,
    /// When it was last changed (RFC 2822), as Twilio wrote it.
    pub date_updated: Option<String>,
}

/// One Twilio account's trunks and credential lists.
#[derive(Debug, Clone)]
pub struct TwilioTrunking {
    http: Http,
    api_base: String,
    trunking_base: String,
    account_sid: String,
    token: Secret,
    page_size: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Item {
    #[serde(deserialize_with = "lenient_string")]
    sid: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    friendly_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    domain_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    username: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    date_created: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    date_updated: Option<String>,
}

/// Reads an item; anything that is not an object is an item without fields.
fn item(v: serde_json::Value) -> Item {
    serde_json::from_value(v).unwrap_or_default()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Meta {
    #[serde(deserialize_with = "lenient_string")]
    next_page_url: Option<String>,
}

#[derive(Deserialize)]
struct TrunksPage {
    #[serde(default)]
    trunks: Vec<serde_json::Value>,
    #[serde(default)]
    meta: Meta,
}

#[derive(Deserialize)]
struct ListsPage {
    #[serde(default)]
    credential_lists: Vec<serde_json::Value>,
    #[serde(default)]
    meta: Meta,
}

#[derive(Deserialize)]
struct CredentialsPage {
    #[serde(default)]
    credentials: Vec<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient_string")]
    next_page_uri: Option<String>,
}

impl TwilioTrunking {
    /// The account `account_sid`, authenticated with its current `token`, with the
    /// 2010 API at `api_base` and the trunking API at `trunking_base`.
    pub fn new(
        http: Http,
        api_base: &str,
        trunking_base: &str,
        account_sid: &str,
        token: Secret,
    ) -> Self {
        TwilioTrunking {
            http,
            api_base: api_base.trim_end_matches('/').to_string(),
            trunking_base: trunking_base.trim_end_matches('/').to_string(),
            account_sid: account_sid.trim().to_string(),
            token,
            page_size: PAGE_SIZE,
        }
    }

    /// The same client asking for pages of `n` items (tests of paging).
    pub fn with_page_size(mut self, n: usize) -> Self {
        self.page_size = n.clamp(1, PAGE_SIZE);
        self
    }

    /// The account this client reads.
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    async fn call(
        &self,
        method: reqwest::Method,
        url: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Result<Answer, ApiError> {
        let body = form.map(|pairs| {
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish()
        });
        let make = || {
            let mut request = self
                .http
                .client()
                .request(method.clone(), url)
                .basic_auth(&self.account_sid, Some(self.token.expose()));
            if let Some(body) = &body {
                request = request
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(body.clone());
            }
            request
        };
        // A POST is never repeated: a second create could add a second credential.
        let mode = if method == reqwest::Method::POST {
            RetryMode::Never
        } else {
            RetryMode::Idempotent
        };
        self.http.send(make, mode, super::twilio::classify).await
    }

    /// Reads a paged list from `first`, each page decoded by `page` into its items
    /// and the next page's URL (already checked), within [`MAX_PAGES`] and the list
    /// budget.
    async fn all_pages<P: DeserializeOwned, T>(
        &self,
        what: &'static str,
        first: String,
        mut page: impl FnMut(P) -> (Vec<T>, Option<String>),
        next_url: impl Fn(&str) -> Result<String, ApiError>,
    ) -> Result<Vec<T>, ApiError> {
        let mut budget = ListBudget::start(&self.http, what);
        let time_left = budget.time_left();
        let mut pages = 0;
        let fetch = async {
            let mut all = Vec::new();
            let mut url = first;
            loop {
                if pages == MAX_PAGES {
                    return Err(ApiError::LimitReached(format!(
                        "stopped listing {what} after {MAX_PAGES} pages: Twilio's list never ends"
                    )));
                }
                let answer = self.call(reqwest::Method::GET, &url, None).await?;
                pages += 1;
                budget.take(&answer, pages)?;
                let (items, next) = page(decode::<P>(&answer)?);
                let empty = items.is_empty();
                all.extend(items);
                match next.filter(|n| !n.trim().is_empty()) {
                    Some(next) if !empty => url = next_url(&next)?,
                    _ => return Ok(all),
                }
            }
        };
        match tokio::time::timeout(time_left, fetch).await {
            Ok(result) => result,
            Err(_) => Err(budget.out_of_time(pages)),
        }
    }

    /// An absolute next page of the trunking API, followed only under its base.
    fn trunking_next(&self, next: &str) -> Result<String, ApiError> {
        let under = format!("{}/", self.trunking_base);
        if next.starts_with(&under) {
            Ok(next.to_string())
        } else {
            Err(elsewhere(next, &self.trunking_base))
        }
    }

    /// A next page of the 2010 API (relative to the host), followed only as a path
    /// under `/2010-04-01/`.
    fn api_next(&self, next: &str) -> Result<String, ApiError> {
        if next.starts_with("/2010-04-01/") && !next.starts_with("//") {
            Ok(format!("{}{next}", self.api_base))
        } else {
            Err(elsewhere(next, &self.api_base))
        }
    }

    /// The page size query.
    fn size(&self) -> String {
        format!("PageSize={}", self.page_size)
    }

    /// Every trunk of the account.
    pub async fn list_trunks(&self) -> Result<Vec<Trunk>, ApiError> {
        let first = format!("{}/v1/Trunks?{}", self.trunking_base, self.size());
        self.all_pages(
            "Twilio trunks",
            first,
            |p: TrunksPage| {
                let items = p.trunks.into_iter().map(item).filter_map(|i| {
                    Some(Trunk {
                        sid: i.sid.filter(|s| !s.is_empty())?,
                        friendly_name: i.friendly_name,
                        domain_name: i.domain_name,
                    })
                });
                (items.collect(), p.meta.next_page_url)
            },
            |n| self.trunking_next(n),
        )
        .await
    }

    /// The credential lists a trunk checks INVITEs against.
    pub async fn trunk_credential_lists(
        &self,
        trunk_sid: &str,
    ) -> Result<Vec<CredentialList>, ApiError> {
        let first = format!(
            "{}/v1/Trunks/{}/CredentialLists?{}",
            self.trunking_base,
            seg(trunk_sid)?,
            self.size()
        );
        self.all_pages(
            "a trunk's credential lists",
            first,
            |p: ListsPage| {
                let items = p.credential_lists.into_iter().map(item).filter_map(|i| {
                    Some(CredentialList {
                        sid: i.sid.filter(|s| !s.is_empty())?,
                        friendly_name: i.friendly_name,
                    })
                });
                (items.collect(), p.meta.next_page_url)
            },
            |n| self.trunking_next(n),
        )
        .await
    }

    /// `{api}/2010-04-01/Accounts/{AC}/SIP/CredentialLists/{CL}/Credentials`.
    fn credentials_url(&self, list_sid: &str) -> Result<String, ApiError> {
        Ok(format!(
            "{}/2010-04-01/Accounts/{}/SIP/CredentialLists/{}/Credentials",
            self.api_base,
            seg(&self.account_sid)?,
            seg(list_sid)?
        ))
    }

    /// Every credential (username) of a list.
    pub async fn list_credentials(&self, list_sid: &str) -> Result<Vec<ListCredential>, ApiError> {
        let first = format!("{}.json?{}", self.credentials_url(list_sid)?, self.size());
        self.all_pages(
            "a credential list",
            first,
            |p: CredentialsPage| {
                let items = p
                    .credentials
                    .into_iter()
                    .filter_map(|v| credential(item(v)));
                (items.collect(), p.next_page_uri)
            },
            |n| self.api_next(n),
        )
        .await
    }

    /// Adds `username` with `password` to a list; both work at the carrier from now
    /// on, beside the list's other credentials.
    pub async fn create_credential(
        &self,
        list_sid: &str,
        username: &str,
        password: &Secret,
    ) -> Result<ListCredential, ApiError> {
        let url = format!("{}.json", self.credentials_url(list_sid)?);
        let form = [("Username", username), ("Password", password.expose())];
        let answer = self.call(reqwest::Method::POST, &url, Some(&form)).await?;
        changed(&answer)
    }

    /// Changes the password of a list's credential (its username stays).
    pub async fn update_password(
        &self,
        list_sid: &str,
        credential_sid: &str,
        password: &Secret,
    ) -> Result<ListCredential, ApiError> {
        let url = format!(
            "{}/{}.json",
            self.credentials_url(list_sid)?,
            seg(credential_sid)?
        );
        let form = [("Password", password.expose())];
        let answer = self.call(reqwest::Method::POST, &url, Some(&form)).await?;
        changed(&answer)
    }

    /// Deletes a list's credential: the carrier refuses its pair from now on.
    pub async fn delete_credential(
        &self,
        list_sid: &str,
        credential_sid: &str,
    ) -> Result<(), ApiError> {
        let url = format!(
            "{}/{}.json",
            self.credentials_url(list_sid)?,
            seg(credential_sid)?
        );
        self.call(reqwest::Method::DELETE, &url, None)
            .await
            .map(|_| ())
    }
}

fn credential(i: Item) -> Option<ListCredential> {
    Some(ListCredential {
        sid: i.sid.filter(|s| !s.is_empty())?,
        username: i.username?,
        date_created: i.date_created,
        date_updated: i.date_updated,
    })
}

/// The credential a change answered with; an answer without one means the change
/// may or may not be what Twilio stored.
fn changed(answer: &Answer) -> Result<ListCredential, ApiError> {
    let value: serde_json::Value = decode(answer)?;
    credential(item(value)).ok_or_else(|| {
        ApiError::Unconfirmed(Box::new(ApiError::Decode {
            status: answer.status,
            excerpt: format!(
                "no credential sid and username in: {}",
                super::http::excerpt(&answer.body)
            ),
        }))
    })
}

/// The error for a next page that is not under the base it was asked of.
fn elsewhere(next: &str, base: &str) -> ApiError {
    let shown: String = crate::text::printable(next).chars().take(200).collect();
    ApiError::Decode {
        status: 200,
        excerpt: format!(
            "Twilio's next page is at {shown}, not under {base}: not followed (the \
             credentials go to no other address)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> TwilioTrunking {
        TwilioTrunking::new(
            Http::new(Default::default()).unwrap(),
            "https://api.twilio.com/",
            "https://trunking.twilio.com/",
            "AC1",
            Secret::new("t0ken-t0ken"),
        )
    }

    #[test]
    fn next_pages_stay_on_their_base() {
        let c = client();
        assert_eq!(
            c.trunking_next("https://trunking.twilio.com/v1/Trunks?Page=1")
                .unwrap(),
            "https://trunking.twilio.com/v1/Trunks?Page=1"
        );
        for bad in [
            "https://trunking.twilio.com.evil.example/v1/Trunks",
            "http://trunking.twilio.com/v1/Trunks",
            "/v1/Trunks?Page=1",
        ] {
            assert!(c.trunking_next(bad).is_err(), "{bad}");
        }
        assert_eq!(
            c.api_next("/2010-04-01/Accounts/AC1/SIP/CredentialLists/CL1/Credentials.json?Page=1")
                .unwrap(),
            "https://api.twilio.com/2010-04-01/Accounts/AC1/SIP/CredentialLists/CL1/Credentials.json?Page=1"
        );
        for bad in [
            "//evil.example/2010-04-01/x",
            "https://evil.example/2010-04-01/x",
            "x",
        ] {
            assert!(c.api_next(bad).is_err(), "{bad}");
        }
        assert!(!format!("{c:?}").contains("t0ken"));
    }
}

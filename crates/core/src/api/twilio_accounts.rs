//! Twilio's Accounts API for an account's own auth tokens (`twilio_accounts_v1`,
//! base `https://accounts.twilio.com`): create a secondary token, delete it, promote
//! it to primary. Both tokens work until the promotion; after it, only the new one.
//! Authenticated with the Account SID and the current primary token.

use super::error::ApiError;
use super::http::{Http, RetryMode, decode};
use crate::secret::Secret;
use serde::Deserialize;

/// The default Accounts API base.
pub const DEFAULT_ACCOUNTS_BASE: &str = "https://accounts.twilio.com";

/// Whether Twilio's Accounts API answers at `base`: a GET of
/// `/v1/AuthTokens/Secondary` without credentials, which it answers 401 (or 405:
/// the resource is only created, deleted and promoted). Nothing is changed.
pub async fn reachable(http: &Http, base: &str) -> Result<(), ApiError> {
    let url = format!("{}/v1/AuthTokens/Secondary", base.trim_end_matches('/'));
    match http
        .send(
            || http.client().get(&url),
            RetryMode::Never,
            super::twilio::classify,
        )
        .await
    {
        Ok(_) | Err(ApiError::Unauthorized { .. } | ApiError::Other { status: 405, .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// One Twilio account's token administration.
#[derive(Debug, Clone)]
pub struct TwilioAccounts {
    http: Http,
    base: String,
    account_sid: String,
    primary: Secret,
}

#[derive(Deserialize)]
struct Created {
    secondary_auth_token: Secret,
}

#[derive(Deserialize)]
struct Promoted {
    auth_token: Secret,
}

impl TwilioAccounts {
    /// The account `account_sid`, authenticated with its current `primary` token, at
    /// `base` (e.g. [`DEFAULT_ACCOUNTS_BASE`]).
    pub fn new(http: Http, base: &str, account_sid: &str, primary: Secret) -> Self {
        TwilioAccounts {
            http,
            base: base.trim_end_matches('/').to_string(),
            account_sid: account_sid.trim().to_string(),
            primary,
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> Result<super::http::Answer, ApiError> {
        let url = format!("{}/v1/AuthTokens/{path}", self.base);
        let make = || {
            self.http
                .client()
                .request(method.clone(), &url)
                .basic_auth(&self.account_sid, Some(self.primary.expose()))
        };
        // POST is never repeated: a second create would replace the first secondary.
        let mode = if method == reqwest::Method::DELETE {
            RetryMode::Idempotent
        } else {
            RetryMode::Never
        };
        self.http.send(make, mode, super::twilio::classify).await
    }

    /// Creates a secondary token; both it and the primary work from now on.
    pub async fn create_secondary(&self) -> Result<Secret, ApiError> {
        let answer = self.call(reqwest::Method::POST, "Secondary").await?;
        Ok(decode::<Created>(&answer)?.secondary_auth_token)
    }

    /// Deletes the secondary token (it stops working); the primary is untouched.
    pub async fn delete_secondary(&self) -> Result<(), ApiError> {
        self.call(reqwest::Method::DELETE, "Secondary")
            .await
            .map(|_| ())
    }

    /// Promotes the secondary to primary and returns it: the old primary stops
    /// working at once.
    pub async fn promote(&self) -> Result<Secret, ApiError> {
        let answer = self.call(reqwest::Method::POST, "Promote").await?;
        Ok(decode::<Promoted>(&answer)?.auth_token)
    }
}

//! A client of a running sandbox's control routes.

use super::super::CONTROL_PREFIX;
use reqwest::StatusCode;
use serde::Deserialize;
use std::fmt;
use telcreds_core::api::Http;
use telcreds_core::secret::Secret;

/// The control routes of the sandbox at one URL.
#[derive(Debug, Clone)]
pub struct Client {
    http: Http,
    url: String,
}

/// A demo account's token rolled: the account and its new token.
#[derive(Debug, Deserialize)]
pub struct Rolled {
    /// The account, as the sandbox names it.
    pub account_sid: String,
    /// Its new auth token (demo data).
    pub auth_token: Secret,
}

/// Why a control call did not do what was asked; each names the sandbox's URL.
#[derive(Debug)]
pub enum ControlError {
    /// Nothing answered, or the answer was not the control route's.
    Unreachable {
        /// The sandbox's URL, as given.
        url: String,
        /// What went wrong.
        error: reqwest::Error,
    },
    /// The sandbox has no such Twilio account (or is not a telcreds sandbox).
    UnknownAccount {
        /// The sandbox's URL, as given.
        url: String,
        /// The account asked for.
        account_sid: String,
    },
    /// Another answer than success.
    Status {
        /// The sandbox's URL, as given.
        url: String,
        /// Its status.
        status: StatusCode,
    },
}

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ControlError::Unreachable { url, error } => {
                write!(f, "no sandbox answered at {url}: {error}")
            }
            ControlError::UnknownAccount { url, account_sid } => write!(
                f,
                "the sandbox at {url} has no Twilio account {account_sid} (or is not a \
                 telcreds sandbox)"
            ),
            ControlError::Status { url, status } => {
                write!(f, "the sandbox at {url} answered HTTP {status}")
            }
        }
    }
}

impl std::error::Error for ControlError {}

impl Client {
    /// The sandbox at `url` (its origin, e.g. `http://127.0.0.1:8080`), reached
    /// through `http`.
    pub fn new(http: Http, url: impl Into<String>) -> Client {
        Client {
            http,
            url: url.into(),
        }
    }

    /// Rolls the token of demo account `account_sid` (checked by the caller) and
    /// returns the new one.
    pub async fn roll_token(&self, account_sid: &str) -> Result<Rolled, ControlError> {
        let route = format!(
            "{}{CONTROL_PREFIX}/twilio/accounts/{}/roll-token",
            self.url.trim_end_matches('/'),
            account_sid.trim()
        );
        let unreachable = |error| ControlError::Unreachable {
            url: self.url.clone(),
            error,
        };
        let response = self
            .http
            .client()
            .post(&route)
            .send()
            .await
            .map_err(unreachable)?;
        match response.status() {
            StatusCode::NOT_FOUND => Err(ControlError::UnknownAccount {
                url: self.url.clone(),
                account_sid: account_sid.to_string(),
            }),
            status if !status.is_success() => Err(ControlError::Status {
                url: self.url.clone(),
                status,
            }),
            _ => response.json().await.map_err(unreachable),
        }
    }
}

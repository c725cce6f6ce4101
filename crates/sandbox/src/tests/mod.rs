//! End-to-end tests: a real sandbox on 127.0.0.1:0 driven over HTTP with reqwest.

mod control;
mod dasha;
mod faults;
mod trunking;
mod twilio;
mod unpod;

use super::{DASHA_TOKEN, Sandbox, SandboxOptions, Seed, UNPOD_ORG_HANDLE, UNPOD_TOKEN};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

/// Seeded ids (see `seed.rs`).
const ACME_PROD_US: &str = "a1000000-0000-4000-8000-000000000001";
const EU_SUPPORT: &str = "a1000000-0000-4000-8000-000000000003";
const GLOBEX_STAGING: &str = "a1000000-0000-4000-8000-000000000005";
const APAC_PILOT: &str = "a1000000-0000-4000-8000-000000000006";
const ONBOARDING: &str = "a1000000-0000-4000-8000-000000000008";
/// The manual credential with three phone numbers.
const BUSY_CREDENTIAL: &str = "c2000000-0000-4000-8000-000000000001";
/// A manual credential no phone number uses.
const IDLE_CREDENTIAL: &str = "c2000000-0000-4000-8000-000000000020";
/// The provider-managed credential of `acme-prod-us`.
const MANAGED_CREDENTIAL: &str = "c2000000-0000-4000-8000-000000000101";

/// A running sandbox and a client for it.
struct Env {
    sandbox: Sandbox,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Env {
        Env::start_with(SandboxOptions::default()).await
    }

    async fn start_with(opts: SandboxOptions) -> Env {
        let sandbox = Sandbox::start(opts).await.expect("sandbox starts");
        Env {
            sandbox,
            http: reqwest::Client::new(),
        }
    }

    async fn empty() -> Env {
        Env::start_with(SandboxOptions {
            seed: Seed::Empty,
            ..SandboxOptions::default()
        })
        .await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.origin())
    }

    /// A Dasha request with the full-access token; `path` is relative to `/api/v1`.
    fn dasha(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.sandbox.dasha_base()))
            .bearer_auth(DASHA_TOKEN)
    }

    /// An Unpod request with token and Org-Handle; `path` is relative to the base.
    fn unpod(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.sandbox.unpod_base()))
            .header("Authorization", format!("Token {UNPOD_TOKEN}"))
            .header("Org-Handle", UNPOD_ORG_HANDLE)
    }

    /// A control route request; `path` is relative to `/_sandbox`.
    fn control(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(&format!("/_sandbox{path}")))
    }

    /// The current token of a demo account.
    fn token_of(&self, sid: &str) -> String {
        let accounts = self.sandbox.twilio_accounts();
        accounts
            .into_iter()
            .find(|a| a.sid == sid)
            .map(|a| a.auth_token)
            .unwrap_or_default()
    }

    /// An active Twilio account that no Unpod configuration uses yet, with its
    /// current token.
    fn unlinked_account(&self) -> (String, String) {
        let world = super::state::lock(&self.sandbox.shared.world);
        world
            .accounts
            .iter()
            .find(|a| {
                a.status == super::model::AccountStatus::Active
                    && !world.unpod_configs.iter().any(|c| c.account_sid == a.sid)
            })
            .map(|a| (a.sid.clone(), a.auth_token.clone()))
            .expect("the demo has an account Unpod does not use")
    }

    /// The Account SID of a seeded provider.
    async fn provider_sid(&self, id: &str) -> String {
        let (_, body) = send(self.dasha(Method::GET, &format!("/providers/{id}"))).await;
        body["accountSid"].as_str().unwrap_or_default().to_string()
    }
}

/// Sends a request and returns the status and the JSON body (`Null` when empty).
async fn send(request: RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("request completes");
    split(response).await
}

async fn split(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body reads");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON body")
    };
    (status, body)
}

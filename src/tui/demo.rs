//! `telcreds --demo`: the embedded sandbox, started in-process on a free loopback
//! port, and the two profiles (Dasha and Unpod) that point at it.

use crate::config::{Profile, TokenSource, TwilioAccount};
use crate::domain::Platform;
use crate::sandbox::{DASHA_TOKEN, Sandbox, SandboxOptions, UNPOD_ORG_HANDLE, UNPOD_TOKEN};
use crate::secret::Secret;

/// Starts a demo sandbox on `127.0.0.1:0`.
pub async fn start_sandbox() -> std::io::Result<Sandbox> {
    Sandbox::start(SandboxOptions::default()).await
}

/// The demo profiles for a running sandbox.
pub fn profiles(sandbox: &Sandbox) -> Vec<Profile> {
    let profile = |name: &str, platform: Platform, base_url: &str, token: &str| {
        let mut p = Profile::new(
            name,
            platform,
            base_url,
            TokenSource::Inline(Secret::new(token)),
        );
        p.twilio_api_base = sandbox.twilio_base();
        p.twilio_accounts_base = sandbox.origin();
        p.label = Some("demo".to_string());
        p
    };
    let dasha = profile(
        "demo-dasha",
        Platform::Dasha,
        &sandbox.dasha_base(),
        DASHA_TOKEN,
    );
    let mut unpod = profile(
        "demo-unpod",
        Platform::Unpod,
        &sandbox.unpod_base(),
        UNPOD_TOKEN,
    );
    unpod.org_handle = Some(UNPOD_ORG_HANDLE.to_string());
    vec![dasha, unpod]
}

/// The sandbox's Twilio accounts with their current tokens, so that `r` → `m` mints
/// without asking for the current token.
pub fn twilio_accounts(sandbox: &Sandbox) -> Vec<TwilioAccount> {
    sandbox
        .twilio_accounts()
        .into_iter()
        .map(|a| TwilioAccount {
            name: a.sid.clone(),
            account_sid: a.sid,
            token: TokenSource::Inline(Secret::new(a.auth_token)),
            label: Some(a.friendly_name),
            store_cmd: None,
            twilio_accounts_base: sandbox.origin(),
        })
        .collect()
}

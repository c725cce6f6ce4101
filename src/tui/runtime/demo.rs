//! `telcreds --demo`: the embedded sandbox, started in-process on a free loopback
//! port, the two profiles (Dasha and Unpod) that point at it, and the temporary
//! directory where it keeps its journal, history and log, so that trying the demo
//! never changes the user's own.

use crate::config::{Config, Profile, TokenSource, TwilioAccount};
use crate::domain::Platform;
use crate::ops::Stores;
use crate::sandbox::{DASHA_TOKEN, Sandbox, SandboxOptions, UNPOD_ORG_HANDLE, UNPOD_TOKEN};
use crate::secret::Secret;
use std::path::PathBuf;

/// The label of the demo profiles, shown in the header.
pub const LABEL: &str = "demo: nothing is kept";

/// The first message of the demo.
pub const NOTICE: &str =
    "demo: the journal, history and log are in a temporary directory, deleted on quit";

/// The demo's own data and state directories, in a private (0700) temporary directory
/// that is removed with everything in it when this is dropped.
///
/// `tempfile` makes it: an unpredictable name created atomically, so nobody can plant
/// a file or symlink there first in a shared `/tmp`, and removal on drop, on every way
/// out of `main` but a panic's `exit` (a leftover then stays in the system's temp dir).
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// Creates the directory under the system's temporary directory (`TMPDIR`).
    pub fn create() -> std::io::Result<Scratch> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("telcreds-demo-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        Ok(Scratch {
            dir: builder.tempdir()?,
        })
    }

    /// Where the demo's journal and history go.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Where the demo's log goes.
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// The demo's journal and history.
    pub fn stores(&self) -> Stores {
        Stores::in_dir(&self.data_dir())
    }
}

/// Starts a demo sandbox on `127.0.0.1:0`.
pub async fn start_sandbox() -> std::io::Result<Sandbox> {
    Sandbox::start(SandboxOptions::default()).await
}

/// The demo's profiles and Twilio accounts, for a running sandbox.
pub fn config(sandbox: &Sandbox) -> Config {
    let mut config = Config::from_profiles(profiles(sandbox));
    config.twilio_accounts = twilio_accounts(sandbox);
    config
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
        p.label = Some(LABEL.to_string());
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

/// The sandbox's active Twilio accounts with their current tokens, so that `r` → `m`
/// mints without asking for the current token (a suspended or closed one cannot).
pub fn twilio_accounts(sandbox: &Sandbox) -> Vec<TwilioAccount> {
    sandbox
        .twilio_accounts()
        .into_iter()
        .filter(|a| a.status == "active")
        .map(|a| TwilioAccount {
            name: a.sid.clone(),
            account_sid: a.sid,
            token: TokenSource::Inline(Secret::new(a.auth_token)),
            label: Some(a.friendly_name),
            store_cmd: None,
            twilio_accounts_base: sandbox.origin(),
            twilio_api_base: sandbox.twilio_base(),
            twilio_trunking_base: sandbox.twilio_trunking_base(),
        })
        .collect()
}

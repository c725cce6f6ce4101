//! The embedded sandbox platform: one loopback HTTP server that speaks the Dasha
//! BlackBox, Unpod and Twilio credential-check contracts (`docs/platform-contract.md`)
//! from in-memory state, with a realistic demo organisation and injectable faults.
//!
//! `telcreds --demo` starts it in-process; `telcreds sandbox` runs it alone.

mod body;
mod config_text;
pub mod control;
mod dasha;
mod errors;
mod faults;
mod layer;
mod model;
mod paging;
mod seed;
mod sip_lists;
pub mod sip_peer;
mod state;
mod trunking;
mod twilio;
mod twilio_accounts;
mod unpod;
mod verify;

#[cfg(test)]
mod tests;

use axum::Router;
use serde::Serialize;
use state::{Shared, lock};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config_text::print_config_for;

/// The Dasha API key the sandbox accepts for reads and writes.
pub const DASHA_TOKEN: &str = "sandbox-dasha-token";
/// A Dasha API key valid for GET only: mutations answer 403.
pub const DASHA_READONLY_TOKEN: &str = "sandbox-dasha-readonly";
/// The Unpod API token the sandbox accepts (`Authorization: Token …`).
pub const UNPOD_TOKEN: &str = "sandbox-unpod-token";
/// The Unpod organisation the sandbox token is a member of (`Org-Handle`); with
/// [`SandboxOptions::unpod_orgs`] above 1, the first of them.
pub const UNPOD_ORG_HANDLE: &str = "sandbox.example";

/// The `Org-Handle` of the sandbox's `n`th Unpod organisation (from 1):
/// [`UNPOD_ORG_HANDLE`], then `sandbox-2.example`, `sandbox-3.example` …
pub fn unpod_org_handle(n: usize) -> String {
    if n <= 1 {
        UNPOD_ORG_HANDLE.to_string()
    } else {
        format!("sandbox-{n}.example")
    }
}

/// Path prefixes of the three platforms and of the control routes.
pub(crate) const DASHA_PREFIX: &str = "/api/v1";
pub(crate) const UNPOD_PREFIX: &str = "/api/v2/platform";
pub(crate) const TWILIO_PREFIX: &str = "/2010-04-01";
/// Twilio's Accounts API (`accounts.twilio.com/v1`), on the same port.
pub(crate) const TWILIO_ACCOUNTS_PREFIX: &str = "/v1";
/// Twilio's Elastic SIP Trunking API (`trunking.twilio.com`, its paths under `/v1`),
/// on the same port: its base is `{origin}/trunking`.
pub(crate) const TWILIO_TRUNKING_PREFIX: &str = "/trunking";
pub(crate) const CONTROL_PREFIX: &str = "/_sandbox";

/// What the sandbox starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    /// A demo organisation: providers in every verification state, dozens of SIP
    /// credentials, phone numbers, agents, and Unpod provider configurations.
    Demo,
    /// Only the Twilio demo accounts: no providers, credentials or configurations.
    Empty,
}

/// How to run the sandbox.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Initial state.
    pub seed: Seed,
    /// Added before every API response (never to control routes).
    pub latency: Duration,
    /// Probability (0..=1) that an API request gets a random fault.
    pub fault_rate: f64,
    /// This many more SIP credentials ("trunk 1" …), for measuring large lists.
    pub bulk_sip_credentials: usize,
    /// The Unpod organisations the sandbox token is a member of (at least 1):
    /// `sandbox.example`, then `sandbox-2.example` … (see [`unpod_org_handle`]).
    pub unpod_orgs: usize,
    /// This many more targets of the first demo account (Acme Production), for
    /// measuring a rotation: one Unpod configuration in each organisation that has
    /// none for it yet (Unpod allows one per account), the rest Dasha providers.
    pub twilio_providers: usize,
    /// Serve Unpod provider configurations only at this path under
    /// `/api/v2/platform` (e.g. `telephony/provider-configurations/`), as a deployment
    /// that knows one spelling does; `None` serves both spellings.
    pub unpod_provider_configurations_path: Option<String>,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: Seed::Demo,
            latency: Duration::ZERO,
            fault_rate: 0.0,
            bulk_sip_credentials: 0,
            unpod_orgs: 1,
            twilio_providers: 0,
            unpod_provider_configurations_path: None,
        }
    }
}

/// A Twilio demo account as the sandbox currently holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TwilioAccountInfo {
    /// Account SID (`AC…`).
    pub sid: String,
    /// Display name.
    pub friendly_name: String,
    /// `active`, `suspended` or `closed`.
    pub status: String,
    /// The account's current auth token (sandbox only: these are demo values).
    pub auth_token: String,
}

/// A running sandbox server. Dropping it stops the server too.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// The demo's SIP peer, which the "Legacy gateway" credentials point at.
    sip_peer: Option<sip_peer::SipPeer>,
}

impl Sandbox {
    /// Binds `opts.listen`, seeds the state and serves on the current tokio runtime.
    /// Returns as soon as the socket is bound.
    pub async fn start(opts: SandboxOptions) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(opts.listen).await?;
        let addr = listener.local_addr()?;
        let now = state::now();
        let world = seed::scaled(
            seed::world(opts.seed, opts.bulk_sip_credentials, now),
            opts.unpod_orgs,
            opts.twilio_providers,
            now,
        );
        let shared = Arc::new(Shared::new(world, &opts));
        let sip_peer = match opts.seed {
            Seed::Demo => Some(demo_sip_peer(&shared).await?),
            _ => None,
        };
        let app = router(shared.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::warn!("sandbox server stopped: {e}");
            }
        });
        Ok(Sandbox {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
            sip_peer,
        })
    }

    /// Makes the demo's SIP peer refuse the next `n` authenticated REGISTERs (tests:
    /// a carrier that does not yet accept a pair its list holds).
    pub fn refuse_next_registers(&self, n: u32) {
        if let Some(peer) = &self.sip_peer {
            peer.refuse_next(n);
        }
    }

    /// Where the demo's SIP peer listens (UDP and TCP), when there is one.
    pub fn sip_peer_addr(&self) -> Option<SocketAddr> {
        self.sip_peer.as_ref().map(sip_peer::SipPeer::addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`, with an unspecified listen address mapped to loopback.
    pub fn origin(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Dasha BlackBox base URL (`{origin}/api/v1`).
    pub fn dasha_base(&self) -> String {
        format!("{}{DASHA_PREFIX}", self.origin())
    }

    /// Unpod base URL (`{origin}/api/v2/platform`).
    pub fn unpod_base(&self) -> String {
        format!("{}{UNPOD_PREFIX}", self.origin())
    }

    /// Twilio API base URL; clients append `/2010-04-01/…`.
    pub fn twilio_base(&self) -> String {
        self.origin()
    }

    /// Twilio Elastic SIP Trunking API base URL (`{origin}/trunking`); clients
    /// append `/v1/Trunks…`.
    pub fn twilio_trunking_base(&self) -> String {
        format!("{}{TWILIO_TRUNKING_PREFIX}", self.origin())
    }

    /// The usernames of a credential list, in order (for tests: what the carrier
    /// end holds; the API never returns passwords).
    pub fn credential_list_usernames(&self, list_sid: &str) -> Vec<String> {
        lock(&self.shared.world)
            .credential_lists
            .iter()
            .filter(|l| l.sid == list_sid)
            .flat_map(|l| l.credentials.iter().map(|c| c.username.clone()))
            .collect()
    }

    /// The Twilio demo accounts with their current tokens.
    pub fn twilio_accounts(&self) -> Vec<TwilioAccountInfo> {
        lock(&self.shared.world)
            .accounts
            .iter()
            .map(|a| a.info())
            .collect()
    }

    /// Rolls an account's auth token as the Twilio console does; the old one stops
    /// working. Returns the new token, or `None` for an unknown SID.
    pub fn roll_twilio_token(&self, sid: &str) -> Option<String> {
        lock(&self.shared.world).roll_token(sid)
    }

    /// The auth token each Dasha provider and Unpod configuration using `sid` holds,
    /// as `(id, token)` (Dasha ids first): lets tests see which token a target got.
    pub fn tokens_held(&self, sid: &str) -> Vec<(String, String)> {
        let world = lock(&self.shared.world);
        let dasha = world
            .providers
            .iter()
            .filter(|p| p.account_sid == sid)
            .map(|p| (p.id.to_string(), p.auth_token.clone()));
        let unpod = world
            .unpod_configs
            .iter()
            .filter(|c| c.account_sid == sid)
            .map(|c| (c.id.to_string(), c.auth_token.clone()));
        dasha.chain(unpod).collect()
    }

    /// The account's secondary auth token at the sandbox's Twilio, if it has one.
    pub fn secondary_token(&self, sid: &str) -> Option<String> {
        lock(&self.shared.world)
            .account(sid)
            .and_then(|a| a.secondary_token.clone())
    }

    /// A ready telcreds TOML config for this sandbox, listing the demo accounts.
    pub fn print_config(&self) -> String {
        print_config_for(&self.origin(), &self.twilio_accounts())
    }

    /// Stops accepting requests, lets in-flight ones finish (for up to 5 s) and returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The whole server: the three platforms, the control routes, and the layer that
/// delays, faults and logs API requests.
fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .nest(DASHA_PREFIX, dasha::router())
        .nest(
            UNPOD_PREFIX,
            unpod::router(shared.unpod_configurations_path.as_deref()),
        )
        .nest(TWILIO_PREFIX, twilio::router())
        .nest(TWILIO_ACCOUNTS_PREFIX, twilio_accounts::router())
        .nest(TWILIO_TRUNKING_PREFIX, trunking::router())
        .nest(CONTROL_PREFIX, control::router())
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            layer::api_layer,
        ))
        .with_state(shared)
}

/// The server every "Legacy gateway" demo credential uses: the demo's SIP peer
/// takes its place, so probing them works offline. The peer knows each one's
/// password but the last one's, which a probe with REGISTER reports as rejected.
const DEMO_PEERED_SERVER: &str = "203.0.113.24:5060";

/// Starts the demo's SIP peer, points the "Legacy gateway" credentials and the
/// credential that dials the demo trunk at it, and has it accept, for the trunk's
/// users, the pairs the trunk's credential lists hold when a REGISTER comes (so a
/// change at the carrier through the API takes effect at once).
async fn demo_sip_peer(shared: &Arc<Shared>) -> std::io::Result<sip_peer::SipPeer> {
    let peer = sip_peer::SipPeer::start(sip_peer::PeerConfig {
        users: Default::default(),
        algorithm: telcreds_core::probe::digest::Algorithm::Md5,
    })
    .await?;
    let server = peer.addr().to_string();
    let port = peer.addr().port();
    if let Ok(mut world) = shared.world.lock() {
        let peered: Vec<&mut model::SipCredential> = world
            .sip_credentials
            .iter_mut()
            .filter(|c| c.fields.server == DEMO_PEERED_SERVER)
            .collect();
        let last = peered.len().saturating_sub(1);
        for (i, c) in peered.into_iter().enumerate() {
            c.fields.server = server.clone();
            if let (Some(user), Some(password)) = (&c.fields.auth_user, &c.fields.auth_password) {
                let known = if i == last {
                    telcreds_core::secret::Secret::new("not-the-stored-password")
                } else {
                    telcreds_core::secret::Secret::new(password.clone())
                };
                peer.add_user(user, known);
            }
        }
        for c in world
            .sip_credentials
            .iter_mut()
            .filter(|c| c.fields.server == seed::DEMO_TRUNK_DOMAIN)
        {
            c.fields.server = format!("{}:{port}", seed::DEMO_TRUNK_DOMAIN);
        }
    }
    // Weak: the peer lives in the `Sandbox`, which holds `shared` too.
    let world = Arc::downgrade(shared);
    peer.set_directory(Arc::new(move |username: &str| {
        world
            .upgrade()
            .map(|shared| lock(&shared.world).carrier_passwords(seed::DEMO_TRUNK_DOMAIN, username))
            .unwrap_or_default()
            .into_iter()
            .map(telcreds_core::secret::Secret::new)
            .collect()
    }));
    Ok(peer)
}

//! The sandbox's shared state: the in-memory world and the operations on it that
//! keep it consistent (cascading deletes, dependants, token rolls), plus the fault
//! queue and request log beside it.

use super::SandboxOptions;
use super::faults::{FaultQueue, RequestLog};
use super::model::{
    AccountStatus, AffectedAgent, AffectedPhoneNumber, Agent, CredentialList, ElasticTrunk,
    ListCredential, PhoneNumber, Provider, ProviderSpec, SipCredential, SipFields, Source,
    Transport, Trunk, Ts, TwilioAccount, TwilioRejection, UnpodConfig,
};
use chrono::{SubsecRound, Utc};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use uuid::Uuid;

/// The current time in whole seconds.
pub(crate) fn now() -> Ts {
    Utc::now().trunc_subsecs(0)
}

/// Locks a mutex, recovering the data if a previous holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// 32 random lowercase hex digits (Twilio tokens, SID suffixes).
pub(crate) fn random_hex32() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// A random alphanumeric password, as Dasha generates for provider-managed credentials.
pub(crate) fn random_password(len: usize) -> String {
    use rand::Rng;
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Everything the server shares between requests. No lock is held across `.await`.
pub(crate) struct Shared {
    pub world: Mutex<World>,
    pub faults: Mutex<FaultQueue>,
    pub requests: Mutex<RequestLog>,
    pub latency: Duration,
    pub fault_rate: f64,
    /// See [`SandboxOptions::unpod_provider_configurations_path`].
    pub unpod_configurations_path: Option<String>,
}

impl Shared {
    /// The state of a sandbox started with `opts`, serving `world` (seeded by
    /// [`super::seed`]).
    pub fn new(world: World, opts: &SandboxOptions) -> Self {
        Shared {
            world: Mutex::new(world),
            faults: Mutex::new(FaultQueue::default()),
            requests: Mutex::new(RequestLog::default()),
            latency: opts.latency,
            fault_rate: if opts.fault_rate.is_finite() {
                opts.fault_rate.clamp(0.0, 1.0)
            } else {
                0.0
            },
            unpod_configurations_path: opts.unpod_provider_configurations_path.clone(),
        }
    }
}

/// The whole in-memory state.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub org_id: String,
    pub accounts: Vec<TwilioAccount>,
    pub trunks: Vec<Trunk>,
    /// Elastic SIP trunks served by the trunking API (`/trunking/v1/Trunks`).
    pub elastic_trunks: Vec<ElasticTrunk>,
    /// SIP credential lists served by the 2010 API.
    pub credential_lists: Vec<CredentialList>,
    pub providers: Vec<Provider>,
    pub sip_credentials: Vec<SipCredential>,
    pub phone_numbers: Vec<PhoneNumber>,
    pub agents: Vec<Agent>,
    pub unpod_configs: Vec<UnpodConfig>,
    /// The `Org-Handle`s of the Unpod organisations the sandbox token is a member of.
    pub unpod_orgs: Vec<String>,
    pub next_unpod_id: i64,
    pub unpod_org_created: Ts,
}

/// The account already has a secondary auth token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecondaryExists;

impl World {
    pub fn account(&self, sid: &str) -> Option<&TwilioAccount> {
        self.accounts.iter().find(|a| a.sid == sid)
    }

    /// What Twilio says about a pair: the account if it is the current token and
    /// the account is active.
    pub fn check_twilio(&self, sid: &str, token: &str) -> Result<&TwilioAccount, TwilioRejection> {
        let account = self
            .account(sid)
            .filter(|a| a.accepts(token))
            .ok_or(TwilioRejection::InvalidCredentials)?;
        match account.status {
            AccountStatus::Active => Ok(account),
            status => Err(TwilioRejection::NotActive(status)),
        }
    }

    /// Creates an account's secondary token and returns it; `Err` when the account
    /// already has one (it must be deleted first, never silently replaced).
    pub fn create_secondary(&mut self, sid: &str) -> Option<Result<String, SecondaryExists>> {
        let account = self.accounts.iter_mut().find(|a| a.sid == sid)?;
        if account.secondary_token.is_some() {
            return Some(Err(SecondaryExists));
        }
        let token = random_hex32();
        account.secondary_token = Some(token.clone());
        account.updated = now();
        Some(Ok(token))
    }

    /// Deletes an account's secondary token; false when it had none.
    pub fn delete_secondary(&mut self, sid: &str) -> bool {
        self.accounts
            .iter_mut()
            .find(|a| a.sid == sid)
            .and_then(|a| a.secondary_token.take())
            .is_some()
    }

    /// Makes the secondary the primary; the old primary stops working. `None` when
    /// there is no secondary.
    pub fn promote_secondary(&mut self, sid: &str) -> Option<String> {
        let account = self.accounts.iter_mut().find(|a| a.sid == sid)?;
        let token = account.secondary_token.take()?;
        account.auth_token = token.clone();
        account.updated = now();
        Some(token)
    }

    /// Replaces an account's token with a fresh random one.
    pub fn roll_token(&mut self, sid: &str) -> Option<String> {
        let account = self.accounts.iter_mut().find(|a| a.sid == sid)?;
        account.auth_token = random_hex32();
        account.updated = now();
        Some(account.auth_token.clone())
    }

    /// Adds a Twilio provider as Dasha creates one: a trunk with its credential list
    /// attached, one provider-managed SIP credential, and the provider (pending).
    pub fn add_provider(&mut self, spec: ProviderSpec) {
        let short = spec.trunk_sid.get(2..10).unwrap_or("trunk").to_string();
        let termination_uri = format!("dasha-{short}.pstn.twilio.com");
        self.trunks.push(Trunk {
            sid: spec.trunk_sid.clone(),
            account_sid: spec.account_sid.clone(),
            credential_list_sid: spec.credential_list_sid,
            credential_list_attached: true,
        });
        let label = spec
            .name
            .clone()
            .unwrap_or_else(|| spec.account_sid.clone());
        self.sip_credentials.push(SipCredential {
            id: spec.credential_id,
            fields: SipFields {
                server: termination_uri.clone(),
                domain: Some(termination_uri.clone()),
                auth_user: Some(format!("dasha-{short}")),
                auth_password: Some(spec.credential_password),
                transport: Transport::Udp,
                description: Some(format!("Managed by Twilio provider {label}")),
                cps_limit: None,
                cps_key: None,
            },
            source: Source::Provider,
            provider_id: Some(spec.id),
            created_time: spec.created,
            last_update_time: spec.created,
        });
        self.providers.push(Provider {
            id: spec.id,
            name: spec.name,
            account_sid: spec.account_sid,
            auth_token: spec.auth_token,
            trunk_sid: spec.trunk_sid,
            termination_uri,
            region: spec.region,
            supports_call_transfer: spec.supports_call_transfer,
            created: spec.created,
            verification: None,
        });
    }

    pub fn trunk(&self, sid: &str) -> Option<&Trunk> {
        self.trunks.iter().find(|t| t.sid == sid)
    }

    pub fn provider(&self, id: Uuid) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    pub fn provider_mut(&mut self, id: Uuid) -> Option<&mut Provider> {
        self.providers.iter_mut().find(|p| p.id == id)
    }

    /// Numbers imported through a provider.
    pub fn provider_numbers(&self, id: Uuid) -> impl Iterator<Item = &PhoneNumber> {
        self.phone_numbers
            .iter()
            .filter(move |n| n.provider_id == Some(id))
    }

    /// Deletes a provider with its trunk, its provider-managed SIP credentials and the
    /// phone numbers imported through it or using those credentials.
    pub fn delete_provider(&mut self, id: Uuid) -> bool {
        let Some(pos) = self.providers.iter().position(|p| p.id == id) else {
            return false;
        };
        let provider = self.providers.remove(pos);
        self.trunks.retain(|t| t.sid != provider.trunk_sid);
        let owned = |c: &SipCredential| c.source == Source::Provider && c.provider_id == Some(id);
        let creds: Vec<Uuid> = self
            .sip_credentials
            .iter()
            .filter(|c| owned(c))
            .map(|c| c.id)
            .collect();
        self.sip_credentials.retain(|c| !owned(c));
        self.remove_numbers(|n| n.provider_id == Some(id) || creds.contains(&n.credentials_id));
        true
    }

    pub fn credential(&self, id: Uuid) -> Option<&SipCredential> {
        self.sip_credentials.iter().find(|c| c.id == id)
    }

    pub fn credential_mut(&mut self, id: Uuid) -> Option<&mut SipCredential> {
        self.sip_credentials.iter_mut().find(|c| c.id == id)
    }

    /// Deletes a SIP credential and every phone number that uses it.
    pub fn delete_credential(&mut self, id: Uuid) {
        self.sip_credentials.retain(|c| c.id != id);
        self.remove_numbers(|n| n.credentials_id == id);
    }

    /// Removes phone numbers and unlinks them from the agents that used them.
    fn remove_numbers(&mut self, doomed: impl Fn(&PhoneNumber) -> bool) {
        let gone: Vec<Uuid> = self
            .phone_numbers
            .iter()
            .filter(|n| doomed(n))
            .map(|n| n.id)
            .collect();
        self.phone_numbers.retain(|n| !gone.contains(&n.id));
        for agent in &mut self.agents {
            agent.outbound_numbers.retain(|n| !gone.contains(n));
        }
    }

    /// The phone numbers that use a SIP credential, each with its agents.
    pub fn dependants(&self, credential_id: Uuid) -> Vec<AffectedPhoneNumber> {
        self.phone_numbers
            .iter()
            .filter(|n| n.credentials_id == credential_id)
            .map(|n| AffectedPhoneNumber {
                id: n.id,
                phone_number: n.phone_number.clone(),
                affected_agents: self.agents_using(n),
            })
            .collect()
    }

    /// Calls queued on the agents named in `dependants`, each agent counted once.
    pub fn queued_calls(&self, dependants: &[AffectedPhoneNumber]) -> u32 {
        let named = dependants.iter().flat_map(|n| &n.affected_agents);
        self.agents
            .iter()
            .filter(|agent| named.clone().any(|a| a.agent_id == agent.id))
            .map(|agent| agent.queued_calls)
            .sum()
    }

    fn agents_using(&self, number: &PhoneNumber) -> Vec<AffectedAgent> {
        self.agents
            .iter()
            .filter_map(|agent| {
                let mut uses = Vec::new();
                if number.incoming_calls_agent_id.as_deref() == Some(agent.id.as_str()) {
                    uses.push("inbound");
                }
                if agent.outbound_numbers.contains(&number.id) {
                    uses.push("outbound");
                }
                (!uses.is_empty()).then(|| AffectedAgent {
                    agent_id: agent.id.clone(),
                    agent_name: agent.name.clone(),
                    uses,
                })
            })
            .collect()
    }

    /// A credential list of an account.
    pub fn credential_list_mut(
        &mut self,
        account_sid: &str,
        list_sid: &str,
    ) -> Option<&mut CredentialList> {
        self.credential_lists
            .iter_mut()
            .find(|l| l.sid == list_sid && l.account_sid == account_sid)
    }

    /// The passwords the carrier accepts for `username` on the trunk(s) whose
    /// `domain_name` is `domain` (ignoring case): one per credential of that username
    /// in every list attached, as they are now.
    pub fn carrier_passwords(&self, domain: &str, username: &str) -> Vec<String> {
        self.elastic_trunks
            .iter()
            .filter(|t| t.domain_name.eq_ignore_ascii_case(domain))
            .flat_map(|t| &t.credential_lists)
            .filter_map(|sid| self.credential_lists.iter().find(|l| &l.sid == sid))
            .flat_map(|l| &l.credentials)
            .filter(|c| c.username == username)
            .map(|c| c.password.clone())
            .collect()
    }

    /// Adds a credential to a list; `None` when the list is not the account's,
    /// `Some(Err(()))` when the username is already in it.
    pub fn add_list_credential(
        &mut self,
        account_sid: &str,
        list_sid: &str,
        username: &str,
        password: &str,
    ) -> Option<Result<ListCredential, ()>> {
        let list = self.credential_list_mut(account_sid, list_sid)?;
        if list.credentials.iter().any(|c| c.username == username) {
            return Some(Err(()));
        }
        let now = now();
        let credential = ListCredential {
            sid: format!("CR{}", random_hex32()),
            username: username.to_string(),
            password: password.to_string(),
            created: now,
            updated: now,
        };
        list.credentials.push(credential.clone());
        list.updated = now;
        Some(Ok(credential))
    }

    /// Unpod configurations of one organisation, oldest first.
    pub fn unpod_configs_of<'a>(&'a self, org: &'a str) -> impl Iterator<Item = &'a UnpodConfig> {
        self.unpod_configs
            .iter()
            .filter(move |c| c.org_handle == org)
    }
}

//! The demo organisation. Everything is deterministic (fixed ids, SIDs, tokens and
//! passwords from a fixed-seed generator); only timestamps follow start-up time, so
//! "verified 4 minutes ago" reads right in a demo.
//!
//! Stored verification results are computed by the same checks `verify` runs, so
//! re-verifying a seeded provider gives the same status.

use super::model::{
    Agent, CredentialList, ElasticTrunk, ListCredential, PhoneNumber, ProviderSpec, SipCredential,
    SipFields, Source, Transport, Ts, TwilioAccount, UnpodConfig,
};
use super::state::World;
use super::{Seed, UNPOD_ORG_HANDLE, unpod_org_handle};
use chrono::Duration;
use data::{
    ACCOUNTS, ACME, AGENTS, CARRIERS, LINKS, MANUAL_CREDENTIALS, MANUAL_NUMBERS, ORG_ID, PROVIDERS,
    PURPOSES, Scenario, UNPOD_CONFIGS, Use,
};
use uuid::Uuid;

mod data;

/// The initial world for `seed` and `bulk` more SIP credentials, with timestamps
/// relative to `now`.
pub(crate) fn world(seed: Seed, bulk: usize, now: Ts) -> World {
    let mut world = World {
        org_id: ORG_ID.to_string(),
        accounts: accounts(now),
        unpod_orgs: vec![UNPOD_ORG_HANDLE.to_string()],
        next_unpod_id: 100,
        unpod_org_created: now - Duration::days(400),
        ..World::default()
    };
    if seed == Seed::Demo {
        add_providers(&mut world, now);
        add_manual_credentials(&mut world, now);
        add_demo_trunk(&mut world, now);
        add_agents(&mut world);
        add_unpod_configs(&mut world, now);
    }
    add_bulk_credentials(&mut world, bulk, now);
    world
}

/// `world` with the sandbox token a member of `unpod_orgs` Unpod organisations (at
/// least 1) and `twilio_providers` more targets of Acme Production, for measuring a
/// rotation: one Unpod configuration in each organisation that has none for the
/// account yet (Unpod allows one per account), the rest Dasha providers `acme-001` …,
/// each with its trunk and provider-managed SIP credential, holding the current token.
pub(crate) fn scaled(
    mut world: World,
    unpod_orgs: usize,
    twilio_providers: usize,
    now: Ts,
) -> World {
    world.unpod_orgs = (1..=unpod_orgs.max(1)).map(unpod_org_handle).collect();
    let account = &world.accounts[ACME];
    let (sid, token) = (account.sid.clone(), account.auth_token.clone());
    let mut left = twilio_providers;
    for org in world.unpod_orgs.clone() {
        let has_one = world
            .unpod_configs_of(&org)
            .any(|c| c.account_sid.eq_ignore_ascii_case(&sid));
        if left == 0 || has_one {
            continue;
        }
        world.next_unpod_id += 1;
        world.unpod_configs.push(UnpodConfig {
            id: world.next_unpod_id,
            provider: "twilio".to_string(),
            account_sid: sid.clone(),
            auth_token: token.clone(),
            created_at: now - Duration::days(30),
            org_handle: org,
        });
        left -= 1;
    }
    for i in 0..left {
        let n = i as u64 + 1;
        world.add_provider(ProviderSpec {
            id: seed_uuid(TARGET_PROVIDER, n),
            name: Some(format!("acme-{n:03}")),
            account_sid: sid.clone(),
            auth_token: token.clone(),
            region: "us1".to_string(),
            supports_call_transfer: true,
            trunk_sid: format!("TK{}", hex32(0x7800_0000 + n)),
            credential_list_sid: format!("CL{}", hex32(0xC800_0000 + n)),
            credential_id: seed_uuid(TARGET_CREDENTIAL, n),
            credential_password: Gen(0x9B00_0000 + n).password(32),
            created: now - Duration::minutes(i as i64),
        });
    }
    world
}

/// `n` generated SIP credentials, "trunk 1" to "trunk n", on a handful of carriers
/// (for measuring long lists).
fn add_bulk_credentials(world: &mut World, n: usize, now: Ts) {
    world.sip_credentials.reserve(n);
    for i in 0..n {
        let c = &CARRIERS[i % CARRIERS.len()];
        let seq = i as u64 + 1;
        let created = now - Duration::minutes(i as i64);
        world.sip_credentials.push(SipCredential {
            id: seed_uuid(BULK_CREDENTIAL, seq),
            fields: SipFields {
                server: c.server.to_string(),
                domain: c.domain.map(str::to_string),
                auth_user: Some(format!("bulk-{seq}")),
                auth_password: Some(hex32(seq)),
                transport: c.transport,
                description: Some(format!("trunk {seq}")),
                cps_limit: c.cps_limit.map(Into::into),
                cps_key: c.cps_key.map(str::to_string),
            },
            source: Source::Manual,
            provider_id: None,
            created_time: created,
            last_update_time: created,
        });
    }
}

fn accounts(now: Ts) -> Vec<TwilioAccount> {
    ACCOUNTS
        .iter()
        .enumerate()
        .map(|(i, &(name, status, age))| TwilioAccount {
            sid: format!("AC{}", hex32(0xAC00 + i as u64)),
            friendly_name: name.to_string(),
            status,
            auth_token: hex32(0x70CE + i as u64),
            secondary_token: None,
            auth_tokens_api: true,
            created: now - Duration::days(age),
            updated: now - Duration::days(age / 3),
        })
        .collect()
}

fn add_providers(world: &mut World, now: Ts) {
    for (i, p) in PROVIDERS.iter().enumerate() {
        let n = i as u64 + 1;
        let id = seed_uuid(PROVIDER, n);
        let credential_id = seed_uuid(CREDENTIAL, 0x100 + n);
        let account = &world.accounts[p.account];
        let account_sid = account.sid.clone();
        let auth_token = match p.scenario {
            Scenario::OutdatedToken => hex32(0x01D0 + n),
            _ => account.auth_token.clone(),
        };
        let created = now - Duration::minutes(p.created_minutes_ago);
        world.add_provider(ProviderSpec {
            id,
            name: Some(p.name.to_string()),
            account_sid,
            auth_token,
            region: p.region.to_string(),
            supports_call_transfer: p.transfer,
            trunk_sid: format!("TK{}", hex32(0x7700 + n)),
            credential_list_sid: format!("CL{}", hex32(0xC100 + n)),
            credential_id,
            credential_password: Gen(0x9A55 + n).password(32),
            created,
        });
        let trunk_sid = world
            .providers
            .last()
            .map(|p| p.trunk_sid.clone())
            .unwrap_or_default();
        match p.scenario {
            Scenario::MissingTrunk => world.trunks.retain(|t| t.sid != trunk_sid),
            Scenario::CredentialListDetached => {
                for trunk in world.trunks.iter_mut().filter(|t| t.sid == trunk_sid) {
                    trunk.credential_list_attached = false;
                }
            }
            _ => {}
        }
        let detached = match p.scenario {
            Scenario::DetachedNumbers(d) => d,
            _ => 0,
        };
        for j in 0..p.numbers {
            let mut number = phone_number(
                world,
                credential_id,
                created + Duration::hours(j as i64 + 1),
            );
            number.provider_id = Some(id);
            number.display_name = Some(title(p.name));
            number.description = Some(format!("Imported from Twilio ({})", p.name));
            number.attached_to_trunk = j < p.numbers - detached;
            world.phone_numbers.push(number);
        }
        if let Some(minutes) = p.verified_minutes_ago {
            world.verify_provider(id, now - Duration::minutes(minutes));
        }
    }
}

fn add_manual_credentials(world: &mut World, now: Ts) {
    for i in 0..MANUAL_CREDENTIALS {
        let c = &CARRIERS[i % CARRIERS.len()];
        let seq = i / CARRIERS.len() + 1;
        let n = i as u64 + 1;
        let created = now - Duration::days(420 - 11 * i as i64) - Duration::minutes(37 * i as i64);
        let credential = SipCredential {
            id: seed_uuid(CREDENTIAL, n),
            fields: SipFields {
                server: c.server.to_string(),
                domain: c.domain.map(str::to_string),
                auth_user: Some(format!("{}-{seq:02}", c.user)),
                auth_password: Some(Gen(0x5A17 + n).password(20)),
                transport: c.transport,
                description: (i % 7 != 6)
                    .then(|| format!("{} #{seq} ({})", c.label, PURPOSES[i % PURPOSES.len()])),
                cps_limit: c.cps_limit.map(Into::into),
                cps_key: c.cps_key.map(str::to_string),
            },
            source: Source::Manual,
            provider_id: None,
            created_time: created,
            last_update_time: created + Duration::days((i % 4) as i64 * 9),
        };
        for j in 0..MANUAL_NUMBERS.get(i).copied().unwrap_or(0) {
            let mut number = phone_number(
                world,
                credential.id,
                created + Duration::hours(j as i64 + 2),
            );
            number.display_name = Some(c.label.to_string());
            number.description = Some(format!("Line {} via {}", j + 1, c.label));
            number.registration = c.transport != Transport::Udp;
            world.phone_numbers.push(number);
        }
        world.sip_credentials.push(credential);
    }
}

/// The host of the demo trunk's termination URI: Twilio's `{name}.pstn.twilio.com`
/// form under `.localhost`, which resolvers answer with the loopback address, so a
/// probe of the credential that dials it reaches the sandbox's SIP peer.
pub(crate) const DEMO_TRUNK_DOMAIN: &str = "acme-voice.pstn.twilio.localhost";
/// The manual SIP credential that is the platform's end of the demo trunk.
pub(crate) const DEMO_TRUNK_CREDENTIAL: u64 = 3;

/// An Elastic SIP trunk in Acme Production's account whose `domain_name` is the
/// server of manual credential 3 (moved onto it), with one credential list holding
/// that credential's user and password and one more, older pair.
fn add_demo_trunk(world: &mut World, now: Ts) {
    let Some(account_sid) = world.accounts.first().map(|a| a.sid.clone()) else {
        return;
    };
    let id = seed_uuid(CREDENTIAL, DEMO_TRUNK_CREDENTIAL);
    let Some(credential) = world.sip_credentials.iter_mut().find(|c| c.id == id) else {
        return;
    };
    credential.fields.server = DEMO_TRUNK_DOMAIN.to_string();
    credential.fields.domain = Some(DEMO_TRUNK_DOMAIN.to_string());
    credential.fields.description = Some("Acme voice trunk (Twilio Elastic SIP)".to_string());
    let (Some(user), Some(password)) = (
        credential.fields.auth_user.clone(),
        credential.fields.auth_password.clone(),
    ) else {
        return;
    };
    let created = credential.created_time;
    let list_sid = format!("CL{}", hex32(0xC7A0));
    let entry = |n: u64, username: String, password: String| ListCredential {
        sid: format!("CR{}", hex32(0xC7E0 + n)),
        username,
        password,
        created,
        updated: created,
    };
    world.credential_lists.push(CredentialList {
        sid: list_sid.clone(),
        account_sid: account_sid.clone(),
        friendly_name: "Acme voice trunk credentials".to_string(),
        credentials: vec![
            entry(1, "acme-voice-backup".to_string(), Gen(0xBAC0).password(24)),
            entry(2, user, password),
        ],
        created,
        updated: created,
    });
    world.elastic_trunks.push(ElasticTrunk {
        sid: format!("TK{}", hex32(0x7E00)),
        account_sid,
        friendly_name: "Acme voice".to_string(),
        domain_name: DEMO_TRUNK_DOMAIN.to_string(),
        credential_lists: vec![list_sid],
        created,
        updated: now - Duration::days(30),
    });
}

/// The next demo phone number (`+1555010nnnn`) on a credential.
fn phone_number(world: &World, credentials_id: Uuid, created: Ts) -> PhoneNumber {
    let n = world.phone_numbers.len() as u64 + 1;
    PhoneNumber {
        id: seed_uuid(PHONE_NUMBER, n),
        phone_number: format!("+1555010{n:04}"),
        credentials_id,
        provider_id: None,
        description: None,
        display_name: None,
        registration: false,
        incoming_calls_agent_id: None,
        created_time: created,
        last_update_time: created,
        attached_to_trunk: true,
    }
}

fn add_agents(world: &mut World) {
    world.agents = AGENTS
        .iter()
        .map(|&(id, name, queued_calls)| Agent {
            id: id.to_string(),
            name: name.to_string(),
            outbound_numbers: Vec::new(),
            queued_calls,
        })
        .collect();
    for &(number, agent, usage) in &LINKS {
        let (Some(n), Some(a)) = (
            world.phone_numbers.get_mut(number),
            world.agents.get_mut(agent),
        ) else {
            continue;
        };
        match usage {
            Use::Inbound => n.incoming_calls_agent_id = Some(a.id.clone()),
            Use::Outbound => a.outbound_numbers.push(n.id),
        }
    }
}

fn add_unpod_configs(world: &mut World, now: Ts) {
    for &(id, account, age) in &UNPOD_CONFIGS {
        let account = &world.accounts[account];
        world.unpod_configs.push(UnpodConfig {
            id,
            provider: "twilio".to_string(),
            account_sid: account.sid.clone(),
            auth_token: account.auth_token.clone(),
            created_at: now - Duration::days(age),
            org_handle: UNPOD_ORG_HANDLE.to_string(),
        });
        world.next_unpod_id = world.next_unpod_id.max(id);
    }
}

/// `acme-prod-us` → `Acme prod us`, a display name for imported numbers.
fn title(name: &str) -> String {
    let spaced = name.replace('-', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Leading UUID field of each kind of seeded record, so ids read at a glance.
const PROVIDER: u32 = 0xa100_0000;
const CREDENTIAL: u32 = 0xc200_0000;
const PHONE_NUMBER: u32 = 0xe300_0000;
const BULK_CREDENTIAL: u32 = 0xc300_0000;
const TARGET_PROVIDER: u32 = 0xa200_0000;
const TARGET_CREDENTIAL: u32 = 0xc400_0000;

/// `kkkkkkkk-0000-4000-8000-nnnnnnnnnnnn`: a valid version-4 UUID.
fn seed_uuid(kind: u32, n: u64) -> Uuid {
    Uuid::from_u128(
        (u128::from(kind) << 96)
            | (0x4000 << 64)
            | (0x8000 << 48)
            | u128::from(n & 0xffff_ffff_ffff),
    )
}

/// 32 lowercase hex digits from a fixed seed.
fn hex32(seed: u64) -> String {
    let mut g = Gen(seed);
    format!("{:016x}{:016x}", g.next(), g.next())
}

/// splitmix64: a tiny deterministic generator for demo secrets.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn password(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        (0..len)
            .map(|_| ALPHABET[(self.next() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountStatus, VerificationStatus};

    fn demo() -> World {
        world(Seed::Demo, 0, chrono::Utc::now())
    }

    #[test]
    fn demo_seed_is_deterministic_apart_from_time() {
        let (a, b) = (demo(), demo());
        let ids = |w: &World| {
            w.sip_credentials
                .iter()
                .map(|c| (c.id, c.fields.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b));
        let tokens = |w: &World| w.accounts.iter().map(|a| a.info()).collect::<Vec<_>>();
        assert_eq!(tokens(&a), tokens(&b));
    }

    #[test]
    fn demo_seed_has_every_status_and_enough_of_everything() {
        let w = demo();
        let status = |p: &crate::model::Provider| p.verification.as_ref().map(|v| v.status);
        for wanted in [
            VerificationStatus::Verified,
            VerificationStatus::Warning,
            VerificationStatus::Failed,
        ] {
            assert!(
                w.providers.iter().any(|p| status(p) == Some(wanted)),
                "{wanted:?}"
            );
        }
        assert!(w.providers.iter().any(|p| p.verification.is_none()));
        assert!(w.providers.len() >= 6);
        assert!(w.sip_credentials.len() >= 40);
        for t in [Transport::Udp, Transport::Tcp, Transport::Tls] {
            assert!(w.sip_credentials.iter().any(|c| c.fields.transport == t));
        }
        assert!(
            w.sip_credentials
                .iter()
                .filter(|c| c.source == Source::Provider)
                .count()
                >= 3
        );
        assert_eq!(
            w.phone_numbers.len(),
            19 + MANUAL_NUMBERS.iter().sum::<usize>()
        );
        assert!(w.phone_numbers.len() > LINKS.iter().map(|l| l.0).max().unwrap_or(0));
        let shared = w
            .unpod_configs
            .iter()
            .filter(|c| w.providers.iter().any(|p| p.account_sid == c.account_sid));
        assert!(shared.count() >= 2);
        assert!(
            w.accounts
                .iter()
                .any(|a| a.status == AccountStatus::Suspended)
        );
    }

    #[test]
    fn reverifying_the_seed_keeps_every_status() {
        let mut w = demo();
        let now = chrono::Utc::now();
        for p in w.providers.clone() {
            let Some(stored) = p.verification else {
                continue;
            };
            let again = w.verify_provider(p.id, now).map(|v| v.status);
            assert_eq!(again, Some(stored.status), "{:?}", p.name);
        }
    }

    #[test]
    fn twilio_providers_spread_over_the_unpod_orgs_then_dasha() {
        let now = chrono::Utc::now();
        let w = scaled(world(Seed::Empty, 0, now), 4, 100, now);
        assert_eq!(
            w.unpod_orgs,
            [
                "sandbox.example",
                "sandbox-2.example",
                "sandbox-3.example",
                "sandbox-4.example"
            ]
        );
        let acme = &w.accounts[ACME];
        let holds_acme = |sid: &str, token: &str| sid == acme.sid && token == acme.auth_token;
        for org in &w.unpod_orgs {
            let configs: Vec<_> = w.unpod_configs_of(org).collect();
            assert_eq!(configs.len(), 1, "one per account and organisation: {org}");
            assert!(holds_acme(&configs[0].account_sid, &configs[0].auth_token));
        }
        assert_eq!(w.providers.len(), 96, "the rest on Dasha");
        assert!(
            w.providers
                .iter()
                .all(|p| holds_acme(&p.account_sid, &p.auth_token))
        );
        let names: std::collections::HashSet<_> = w.providers.iter().map(|p| &p.name).collect();
        assert_eq!(names.len(), 96, "distinct names");
        for p in w.providers.clone() {
            let v = w.evaluate(&p, now);
            assert_eq!(v.status, VerificationStatus::Verified, "{:?}", p.name);
        }

        // On the demo seed, sandbox.example has Acme's configuration already.
        let demo = world(Seed::Demo, 0, now);
        let w = scaled(world(Seed::Demo, 0, now), 4, 10, now);
        assert_eq!(w.unpod_configs.len(), demo.unpod_configs.len() + 3);
        assert_eq!(w.providers.len(), demo.providers.len() + 7);
        assert_eq!(w.unpod_configs_of(UNPOD_ORG_HANDLE).count(), 3);

        // Fewer targets than organisations; and the default, one organisation.
        let w = scaled(world(Seed::Empty, 0, now), 4, 2, now);
        assert_eq!((w.unpod_configs.len(), w.providers.len()), (2, 0));
        let w = scaled(world(Seed::Empty, 0, now), 0, 0, now);
        assert_eq!(w.unpod_orgs, [UNPOD_ORG_HANDLE]);
        assert!(w.unpod_configs.is_empty() && w.providers.is_empty());
    }

    #[test]
    fn empty_seed_has_accounts_only() {
        let w = world(Seed::Empty, 0, chrono::Utc::now());
        assert_eq!(w.accounts.len(), ACCOUNTS.len());
        assert!(
            w.providers.is_empty() && w.sip_credentials.is_empty() && w.unpod_configs.is_empty()
        );
        assert!(w.phone_numbers.is_empty() && w.agents.is_empty() && w.trunks.is_empty());
        assert!(w.elastic_trunks.is_empty() && w.credential_lists.is_empty());
    }

    #[test]
    fn the_demo_trunk_holds_the_pair_of_the_credential_that_dials_it() {
        let w = demo();
        let trunk = &w.elastic_trunks[0];
        assert_eq!(trunk.domain_name, DEMO_TRUNK_DOMAIN);
        assert_eq!(trunk.account_sid, w.accounts[0].sid);
        let c = w
            .credential(seed_uuid(CREDENTIAL, DEMO_TRUNK_CREDENTIAL))
            .unwrap();
        assert_eq!(c.fields.server, DEMO_TRUNK_DOMAIN);
        let user = c.fields.auth_user.as_deref().unwrap();
        let password = c.fields.auth_password.clone().unwrap();
        let list = &w.credential_lists[0];
        assert_eq!(trunk.credential_lists, vec![list.sid.clone()]);
        assert_eq!(list.credentials.len(), 2);
        assert!(
            list.credentials
                .iter()
                .any(|e| e.username == user && e.password == password)
        );
    }
}

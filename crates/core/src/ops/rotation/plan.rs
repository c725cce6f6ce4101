//! Step 2: which providers use the Account SID, on which profiles.

use crate::api::{Http, PlatformClient};
use crate::config::{Confirmation, Profile};
use crate::domain::{Platform, VerificationStatus, same_account_sid};
use futures_util::future::join_all;
use serde::Serialize;

/// Why a read-only profile's providers are not updated.
pub const READ_ONLY: &str = "profile is read-only";

/// Every provider that uses one Account SID, and the profiles that could not say.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The Account SID being rotated.
    pub account_sid: String,
    /// The providers found, in profile order then platform order.
    pub targets: Vec<RotationTarget>,
    /// Profiles whose providers could not be listed: their providers are unknown.
    pub unreachable: Vec<ProfileFailure>,
}

impl Plan {
    /// The targets that will be updated, with their index in `targets`.
    pub fn to_update(&self) -> impl Iterator<Item = (usize, &RotationTarget)> {
        self.targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.disposition == Disposition::Update)
    }

    /// The plan's one confirmation: when any provider involved is on a production
    /// profile (updated or not), the Account SID typed; else a yes.
    pub fn confirmation(&self) -> Confirmation {
        if self.targets.iter().any(|t| t.production) {
            Confirmation::TypeName(self.account_sid.clone())
        } else {
            Confirmation::Yes
        }
    }

    /// How many targets will be updated.
    pub fn update_count(&self) -> usize {
        self.to_update().count()
    }

    /// Each provider but `profile`'s `provider_id` once, however many profiles reach
    /// it; that provider is left out through every profile too.
    pub fn others_than(&self, profile: &str, provider_id: &str) -> Vec<&RotationTarget> {
        let this = self
            .targets
            .iter()
            .find(|t| t.profile == profile && t.provider_id == provider_id)
            .map(|t| t.identity.as_str());
        let mut seen = std::collections::HashSet::new();
        self.targets
            .iter()
            .filter(|t| Some(t.identity.as_str()) != this && seen.insert(t.identity.as_str()))
            .collect()
    }
}

/// One provider using the Account SID.
#[derive(Debug, Clone, Serialize)]
pub struct RotationTarget {
    /// Profile name.
    pub profile: String,
    /// The profile's platform.
    pub platform: Platform,
    /// The profile is protected or labelled production.
    pub production: bool,
    /// Provider id on the platform.
    pub provider_id: String,
    /// Provider display name.
    pub provider_name: String,
    /// Its verification status before the rotation.
    pub status: VerificationStatus,
    /// What the rotation does with it.
    pub disposition: Disposition,
    /// The client to update it with (kept from listing, so tokens resolve once).
    #[serde(skip)]
    pub(crate) client: PlatformClient,
    /// Same value for the same provider reached through two profiles.
    #[serde(skip)]
    identity: String,
}

/// What the rotation does with a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Disposition {
    /// Replace its token (and verify it where the platform can).
    Update,
    /// Left alone: it keeps the old token.
    Skipped {
        /// Why, e.g. "profile is read-only".
        reason: String,
    },
    /// The same provider is updated through another profile (same platform, base
    /// URL, organisation and id).
    Duplicate {
        /// The profile it is updated through.
        updated_through: String,
    },
}

impl Disposition {
    /// Why the target is left alone; `None` when it is updated.
    pub fn skip_reason(&self) -> Option<String> {
        match self {
            Disposition::Update => None,
            Disposition::Skipped { reason } => Some(reason.clone()),
            Disposition::Duplicate { updated_through } => {
                Some(format!("same provider as on profile \"{updated_through}\""))
            }
        }
    }

    /// A one-line explanation for tables: `update` or `skip: <reason>`.
    pub fn describe(&self) -> String {
        match self.skip_reason() {
            None => "update".into(),
            Some(r) => format!("skip: {r}"),
        }
    }
}

/// A profile whose providers could not be listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileFailure {
    /// Profile name.
    pub profile: String,
    /// Its platform.
    pub platform: Platform,
    /// Why: the token source or the platform's error.
    pub error: String,
}

/// Lists the providers of every profile concurrently (resolving each profile's token
/// off the async threads) and keeps those using `account_sid`.
pub async fn plan(profiles: &[Profile], http: &Http, account_sid: &str) -> Plan {
    let sid = account_sid.trim();
    let listed = join_all(profiles.iter().map(|p| list_profile(p, http, sid))).await;
    let mut targets = Vec::new();
    let mut unreachable = Vec::new();
    for result in listed {
        match result {
            Ok(mut found) => targets.append(&mut found),
            Err(failure) => unreachable.push(failure),
        }
    }
    settle_duplicates(&mut targets);
    Plan {
        account_sid: sid.to_string(),
        targets,
        unreachable,
    }
}

async fn list_profile(
    profile: &Profile,
    http: &Http,
    sid: &str,
) -> Result<Vec<RotationTarget>, ProfileFailure> {
    let failure = |error: String| ProfileFailure {
        profile: profile.name.clone(),
        platform: profile.platform.clone(),
        error,
    };
    let (owned, http_owned) = (profile.clone(), http.clone());
    let client = tokio::task::spawn_blocking(move || PlatformClient::connect(&owned, http_owned))
        .await
        .map_err(|e| failure(format!("resolving the token failed: {e}")))?
        .map_err(|e| failure(e.to_string()))?;
    let providers = client
        .list_providers()
        .await
        .map_err(|e| failure(e.to_string()))?;
    let disposition = if profile.readonly {
        Disposition::Skipped {
            reason: READ_ONLY.into(),
        }
    } else {
        Disposition::Update
    };
    Ok(providers
        .into_iter()
        .filter(|p| same_account_sid(&p.account_sid, sid))
        .map(|p| RotationTarget {
            profile: profile.name.clone(),
            platform: profile.platform.clone(),
            production: profile.is_production(),
            identity: format!(
                "{}|{}|{}|{}",
                profile.platform,
                profile.base_url,
                profile.org_handle.as_deref().unwrap_or(""),
                p.id
            ),
            provider_name: p.display_name(),
            provider_id: p.id,
            status: p.status,
            disposition: disposition.clone(),
            client: client.clone(),
        })
        .collect())
}

/// The same provider seen through several profiles is updated once: through the first
/// writable profile; the others become [`Disposition::Duplicate`].
fn settle_duplicates(targets: &mut [RotationTarget]) {
    for i in 0..targets.len() {
        let owner = targets
            .iter()
            .find(|t| t.identity == targets[i].identity && t.disposition == Disposition::Update)
            .map(|t| t.profile.clone());
        if let Some(owner) = owner
            && owner != targets[i].profile
        {
            targets[i].disposition = Disposition::Duplicate {
                updated_through: owner,
            };
        }
    }
}

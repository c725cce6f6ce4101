//! The platform's steps: the token (and on Unpod the org handle) is accepted, every
//! path telcreds reads answers, and what it lists decodes. Only GET requests.

use super::step::Step;
use crate::api::dasha::DashaClient;
use crate::api::unpod::{ConfigurationList, Organization, UnpodClient};
use crate::api::{ApiError, ErrorKind, Http, PlatformClient};
use crate::config::Profile;
use crate::secret::Secret;
use std::time::{Duration, Instant};

const TOKEN: &str = "token";
const ORG_HANDLE: &str = "org handle";
const PROVIDERS: &str = "GET providers";
const PROVIDER: &str = "GET providers/twilio/{id}";
const SIP: &str = "GET sip-credentials";
const NUMBERS: &str = "GET sip-phone-numbers";
const ORGANIZATIONS: &str = "GET organizations/";

/// What `base_url` ends with on each platform, for fixes.
const DASHA_BASE: &str = "/api/v1";
const UNPOD_BASE: &str = "/api/v2/platform";

/// Why an item's step did not run after its list failed.
const NO_LIST: &str = "its list did not answer";

/// How to fix a token the platform refused.
const TOKEN_FIX: &str = "put a valid API token in the profile's token source";

/// Runs the platform's steps with `token`.
pub(super) async fn check(profile: &Profile, token: Secret, http: &Http, steps: &mut Vec<Step>) {
    match PlatformClient::with_token(profile, http.clone(), token) {
        PlatformClient::Dasha(client) => dasha(&client, steps).await,
        PlatformClient::Unpod { client, .. } => unpod(profile, &client, steps).await,
    }
}

/// Every platform step, skipped for `why`.
pub(super) fn skip_all(profile: &Profile, why: &str, steps: &mut Vec<Step>) {
    for name in step_names(profile) {
        steps.push(Step::skipped(&name, why));
    }
}

/// The platform steps of `profile`, in order.
fn step_names(profile: &Profile) -> Vec<String> {
    match profile.platform {
        crate::domain::Platform::Unpod => {
            let path = &profile.provider_configurations_path;
            vec![
                TOKEN.into(),
                ORGANIZATIONS.into(),
                ORG_HANDLE.into(),
                format!("GET {path}"),
                format!("GET {path}{{id}}/"),
            ]
        }
        _ => [TOKEN, PROVIDERS, PROVIDER, SIP, NUMBERS]
            .map(String::from)
            .to_vec(),
    }
}

/// Awaits `f` and says how long it took.
async fn timed<T>(f: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = f.await;
    (out, started.elapsed())
}

/// Dasha: the providers list tells whether the token is accepted, then every path.
async fn dasha(client: &DashaClient, steps: &mut Vec<Step>) {
    let (providers, took) = timed(client.list_providers()).await;
    if !token_step(&providers, PROVIDERS, took, steps) {
        for name in [PROVIDERS, PROVIDER, SIP, NUMBERS] {
            steps.push(Step::skipped(name, "the token was refused"));
        }
        return;
    }
    steps.push(list_step(PROVIDERS, &providers, "provider", DASHA_BASE).took(took));
    let first = providers.map(|list| list.first().map(|p| p.id.clone()));
    steps.push(match first {
        Ok(Some(id)) => {
            let (got, took) = timed(client.get_twilio_provider(&id)).await;
            item_step(PROVIDER, &got, &format!("provider {id}"), DASHA_BASE).took(took)
        }
        Ok(None) => Step::skipped(PROVIDER, "no provider to read"),
        Err(_) => Step::skipped(PROVIDER, NO_LIST),
    });
    let (sip, took) = timed(client.list_sip_credentials()).await;
    steps.push(list_step(SIP, &sip, "SIP credential", DASHA_BASE).took(took));
    let (numbers, took) = timed(client.list_phone_numbers(None)).await;
    steps.push(list_step(NUMBERS, &numbers, "phone number", DASHA_BASE).took(took));
}

/// Unpod: the organizations tell whether the token is accepted and which handles it
/// may use, then the provider configurations (under the other spelling too, on 404).
async fn unpod(profile: &Profile, client: &UnpodClient, steps: &mut Vec<Step>) {
    let path = client.configurations_path().to_string();
    let (list_name, item_name) = (format!("GET {path}"), format!("GET {path}{{id}}/"));
    let (orgs, took) = timed(client.list_organizations()).await;
    if !token_step(&orgs, ORGANIZATIONS, took, steps) {
        for name in [ORGANIZATIONS, ORG_HANDLE, &list_name, &item_name] {
            steps.push(Step::skipped(name, "the token was refused"));
        }
        return;
    }
    steps.push(list_step(ORGANIZATIONS, &orgs, "organization", UNPOD_BASE).took(took));
    let (configs, took) = timed(client.read_configurations()).await;
    steps.push(org_handle_step(profile, &orgs, &configs).took(took));
    let (step, first) = configurations_step(profile, client, &list_name, configs).await;
    steps.push(step.took(took));
    steps.push(match first {
        Some(Some(id)) => {
            let (got, took) = timed(client.get_configuration(&id)).await;
            item_step(&item_name, &got, &format!("configuration {id}"), UNPOD_BASE).took(took)
        }
        Some(None) => Step::skipped(&item_name, "no configuration to read"),
        None => Step::skipped(&item_name, NO_LIST),
    });
}

/// Pushes the token's step, judged by the first call (`via`); false when the
/// platform refused the token.
fn token_step<T>(
    first: &Result<T, ApiError>,
    via: &str,
    took: Duration,
    steps: &mut Vec<Step>,
) -> bool {
    let (step, accepted) = match first {
        Ok(_) => (Step::passed(TOKEN, format!("accepted ({via})")), true),
        Err(e @ ApiError::Unauthorized { .. }) => (
            Step::failed(TOKEN, format!("refused ({via}): {e}"), TOKEN_FIX),
            false,
        ),
        Err(_) => (
            Step::skipped(TOKEN, format!("not known: {via} failed (see that step)")),
            true,
        ),
    };
    steps.push(step.took(took));
    accepted
}

/// A list's step: how many items decoded, or what went wrong.
fn list_step<T>(name: &str, result: &Result<Vec<T>, ApiError>, noun: &str, base: &str) -> Step {
    match result {
        Ok(items) => Step::passed(
            name,
            format!("{} {noun}(s), every one decoded", items.len()),
        ),
        Err(e) => failure(name, e, base),
    }
}

/// An item's step.
fn item_step<T>(name: &str, result: &Result<T, ApiError>, what: &str, base: &str) -> Step {
    match result {
        Ok(_) => Step::passed(name, format!("{what} read and decoded")),
        Err(e) => failure(name, e, base),
    }
}

/// The org handle's step: it must be one of the token's organizations, and the
/// provider configurations must not refuse it.
fn org_handle_step(
    profile: &Profile,
    orgs: &Result<Vec<Organization>, ApiError>,
    configs: &Result<ConfigurationList, ApiError>,
) -> Step {
    let handle = profile.org_handle.as_deref().unwrap_or_default();
    let handles: Vec<&str> = orgs
        .iter()
        .flatten()
        .filter_map(|o| o.domain_handle.as_deref())
        .collect();
    let fix = match handles.first() {
        Some(first) => format!(
            "set org_handle = \"{first}\" in [profiles.{}] (the token's organizations: {})",
            profile.name,
            handles.join(", ")
        ),
        None => "set org_handle to your organization's handle (GET organizations/, or \
                 \"Copy Org Handle\" in the Unpod dashboard)"
            .to_string(),
    };
    let member = handles.contains(&handle);
    match configs {
        Err(e @ ApiError::Forbidden { .. }) => {
            Step::failed(ORG_HANDLE, format!("\"{handle}\" is refused: {e}"), fix)
        }
        _ if member => Step::passed(
            ORG_HANDLE,
            format!("\"{handle}\" is one of the token's organizations"),
        ),
        Ok(_) => Step::passed(
            ORG_HANDLE,
            format!("\"{handle}\" is accepted by the provider configurations"),
        ),
        Err(_) if orgs.is_ok() => Step::failed(
            ORG_HANDLE,
            format!("\"{handle}\" is not one of the token's organizations"),
            fix,
        ),
        Err(_) => Step::skipped(ORG_HANDLE, "not known: neither path answered"),
    }
}

/// The provider configurations' step, and (when the list answered) the first
/// configuration's id. On a 404 the other spelling of the path is tried: when it
/// answers, the fix names it.
async fn configurations_step(
    profile: &Profile,
    client: &UnpodClient,
    name: &str,
    configs: Result<ConfigurationList, ApiError>,
) -> (Step, Option<Option<String>>) {
    let first = |list: &ConfigurationList| list.configurations.first().map(|c| c.id.clone());
    match configs {
        Ok(list) => (decoded_configurations(name, &list), Some(first(&list))),
        Err(ApiError::Forbidden { .. }) => {
            (Step::skipped(name, "the org handle was refused"), None)
        }
        Err(e @ ApiError::NotFound { .. }) => {
            let path = client.configurations_path();
            let Some(other) = other_spelling(path) else {
                return (failure(name, &e, UNPOD_BASE), None);
            };
            let step = match client
                .with_configurations_path(&other)
                .read_configurations()
                .await
            {
                Ok(list) => Step::failed(
                    name,
                    format!(
                        "{path} answers 404, the other spelling {other} answers \
                         ({} configuration(s))",
                        list.configurations.len()
                    ),
                    format!(
                        "set provider_configurations_path = \"{other}\" in [profiles.{}]",
                        profile.name
                    ),
                ),
                Err(_) => Step::failed(
                    name,
                    format!("{path} answers 404, and so does {other}"),
                    format!("check base_url: it should end in {UNPOD_BASE}"),
                ),
            };
            (step, None)
        }
        Err(e) => (failure(name, &e, UNPOD_BASE), None),
    }
}

/// Passed when every configuration decoded; a warning naming what could not.
fn decoded_configurations(name: &str, list: &ConfigurationList) -> Step {
    let read = list.configurations.len();
    match list.unreadable.first() {
        None => Step::passed(name, format!("{read} configuration(s), every one decoded")),
        Some(example) => Step::warning(
            name,
            format!(
                "{read} configuration(s) decoded, {} not (they are not shown), e.g. {example}",
                list.unreadable.len()
            ),
            "the platform sends a shape telcreds does not read: report it with this line",
        ),
    }
}

/// `telephony/providers-configurations/` ↔ `telephony/provider-configurations/`.
fn other_spelling(path: &str) -> Option<String> {
    const PLURAL: &str = "providers-configurations";
    const SINGULAR: &str = "provider-configurations";
    if path.contains(PLURAL) {
        Some(path.replacen(PLURAL, SINGULAR, 1))
    } else if path.contains(SINGULAR) {
        Some(path.replacen(SINGULAR, PLURAL, 1))
    } else {
        None
    }
}

/// The step of a call that failed, with a fix for its kind of failure.
fn failure(name: &str, e: &ApiError, base: &str) -> Step {
    let base_fix = format!("check base_url: it should be the platform's API, ending in {base}");
    match e {
        ApiError::Unauthorized { .. } => Step::failed(name, e.to_string(), TOKEN_FIX),
        ApiError::Forbidden { .. } => Step::failed(
            name,
            e.to_string(),
            "use a token that may read this (its role or scopes)",
        ),
        ApiError::NotFound { .. } => {
            Step::failed(name, format!("{e}: no such path there"), base_fix)
        }
        ApiError::Decode { .. } | ApiError::Redirect { .. } => {
            Step::failed(name, e.to_string(), base_fix)
        }
        ApiError::Network { .. } => Step::failed(
            name,
            e.to_string(),
            "check the network path to the platform (proxy, VPN, firewall)",
        ),
        ApiError::RateLimited { .. } | ApiError::LimitReached(_) => {
            Step::warning(name, e.to_string(), "try again later")
        }
        _ if e.kind() == ErrorKind::Transient => Step::failed(
            name,
            e.to_string(),
            "try again; the platform or the network is slow",
        ),
        _ => Step::failed(
            name,
            e.to_string(),
            "try again later; if it stays, the platform has a problem",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_spelling_swaps_plural_and_singular() {
        assert_eq!(
            other_spelling("telephony/providers-configurations/").as_deref(),
            Some("telephony/provider-configurations/")
        );
        assert_eq!(
            other_spelling("telephony/provider-configurations/").as_deref(),
            Some("telephony/providers-configurations/")
        );
        assert_eq!(other_spelling("custom/path/"), None);
    }
}

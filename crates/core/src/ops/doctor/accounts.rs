//! The steps of each `[twilio_accounts]` table, which a mint needs: its token source
//! gives a token, Twilio accepts that token as the account's current one (a
//! promotion without `store_cmd` leaves a dead one there), and its Accounts API
//! base answers. Read-only, like every doctor step.

use super::DoctorOptions;
use super::local;
use super::step::Step;
use crate::api::twilio::{TwilioVerdict, check_credentials};
use crate::api::twilio_accounts;
use crate::config::TwilioAccount;
use std::time::Instant;

/// Twilio's word on the account's token.
const TWILIO_TOKEN: &str = "twilio token";
/// The account's Accounts API base.
const ACCOUNTS_API: &str = "accounts api";

/// Every step of `account`: the token is checked at each of `api_bases` (the Twilio
/// API bases of the profiles checked, where its providers are verified).
pub(super) async fn check_account(
    account: &TwilioAccount,
    api_bases: &[String],
    options: &DoctorOptions,
) -> Vec<Step> {
    let mut steps = Vec::new();
    let timeout = options.token_timeout;
    let resolving = account.clone();
    let resolve = move || resolving.resolve_token_within(timeout);
    let token = local::check_source(&account.token, resolve, timeout, &mut steps).await;
    match &token {
        Some(token) => {
            for base in api_bases {
                let started = Instant::now();
                let verdict =
                    check_credentials(&options.http, base, &account.account_sid, token).await;
                steps.push(token_step(base, verdict).took(started.elapsed()));
            }
        }
        None => steps.push(Step::skipped(
            TWILIO_TOKEN,
            "no token: see the token source step",
        )),
    }
    let started = Instant::now();
    let base = &account.twilio_accounts_base;
    let step = match twilio_accounts::reachable(&options.http, base).await {
        Ok(()) => Step::passed(ACCOUNTS_API, format!("{base} answers")),
        Err(e) => Step::failed(
            ACCOUNTS_API,
            format!("{base} is not Twilio's Accounts API: {e}"),
            "set twilio_accounts_base to Twilio's Accounts API (default \
             https://accounts.twilio.com; the account's region's host outside US1)",
        ),
    };
    steps.push(step.took(started.elapsed()));
    let label = format!("twilio account {}", account.name);
    for step in &mut steps {
        step.profile = Some(label.clone());
        if let Some(token) = &token {
            step.scrub(token);
        }
    }
    steps
}

/// The step of Twilio's answer at `base`.
fn token_step(base: &str, verdict: Result<TwilioVerdict, crate::api::ApiError>) -> Step {
    match verdict {
        Ok(TwilioVerdict::Valid { friendly_name }) => Step::passed(
            TWILIO_TOKEN,
            format!(
                "Twilio at {base} accepts the current token{}",
                friendly_name
                    .map(|n| format!(" of \"{}\"", crate::text::printable(&n)))
                    .unwrap_or_default()
            ),
        ),
        Ok(TwilioVerdict::Rejected { reason }) => {
            let fix = if reason.contains("not active") {
                "nothing can be minted for an account that is not active: reactivate it in \
                 Twilio's console, or remove its [twilio_accounts] table"
            } else {
                "put the account's current auth token in its token source (after a promotion \
                 without store_cmd the one configured is dead: set store_cmd to keep it \
                 current)"
            };
            Step::failed(
                TWILIO_TOKEN,
                format!("Twilio at {base} refuses the token: {reason}"),
                fix,
            )
        }
        Err(e) => Step::failed(
            TWILIO_TOKEN,
            format!("could not ask Twilio at {base}: {e}"),
            "check twilio_api_base and the network path to it",
        ),
    }
}

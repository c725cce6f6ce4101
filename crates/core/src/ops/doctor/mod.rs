//! `telcreds doctor` (and `:doctor` in the UI): checks, without changing anything,
//! that telcreds can work with each profile: the config file, the token source, the
//! base URL and its TLS certificate, the token and the org handle, every API path
//! telcreds uses and the decoding of its lists, and Twilio's API. One [`Step`] per
//! line, each passed, warning or failed with a one-line fix.
//!
//! Read-only: only GET requests are sent (and a TLS handshake). Every message is
//! cleaned of the profile's token, and a `token_cmd` is never quoted.

mod accounts;
mod local;
mod network;
mod platform;
mod step;

pub use local::{check_config_file, config_not_found, no_config_file};
pub use step::{Report, Step};

use crate::api::{ApiError, Http, HttpOptions};
use crate::config::{Profile, TwilioAccount};
use crate::domain::CheckStatus;
use crate::journal::Journal;
use crate::probe::transport::{TlsTrust, TlsTrustError};
use std::path::PathBuf;
use std::time::Duration;

/// How long a `token_cmd` may take in `doctor` (a normal run allows 60 s).
pub const TOKEN_TIMEOUT: Duration = Duration::from_secs(10);

/// How doctor checks.
#[derive(Debug, Clone)]
pub struct DoctorOptions {
    /// The HTTP layer (doctor's own: no retries, short timeouts).
    pub http: Http,
    /// What a TLS certificate is checked against.
    pub trust: TlsTrust,
    /// How long a `token_cmd` may take.
    pub token_timeout: Duration,
    /// How long a name lookup or a connection (TLS handshake included) may take.
    pub connect_timeout: Duration,
}

/// Why doctor could not start checking.
#[derive(Debug, thiserror::Error)]
pub enum DoctorSetupError {
    /// The HTTP client could not be built.
    #[error("cannot start the HTTP client: {0}")]
    Http(ApiError),
    /// The system's TLS roots could not be read.
    #[error(transparent)]
    Trust(#[from] TlsTrustError),
    /// Reading them stopped (the blocking task ended without an answer).
    #[error("doctor could not start: {0}")]
    Stopped(String),
}

impl DoctorOptions {
    /// The system's DNS and TLS roots, no retries, 15 s a request, `token_timeout` for
    /// a `token_cmd`. Reads the system's certificates: call it off the async threads.
    pub fn standard(token_timeout: Duration) -> Result<DoctorOptions, DoctorSetupError> {
        let http = Http::new(HttpOptions {
            max_retries: 0,
            request_timeout: Duration::from_secs(15),
            list_time_budget: Duration::from_secs(60),
            ..HttpOptions::default()
        })
        .map_err(DoctorSetupError::Http)?;
        Ok(DoctorOptions {
            http,
            trust: TlsTrust::new(None)?,
            token_timeout,
            connect_timeout: Duration::from_secs(5),
        })
    }

    /// [`DoctorOptions::standard`], read off the async threads.
    pub async fn load(token_timeout: Duration) -> Result<DoctorOptions, DoctorSetupError> {
        tokio::task::spawn_blocking(move || DoctorOptions::standard(token_timeout))
            .await
            .unwrap_or_else(|e| Err(DoctorSetupError::Stopped(e.to_string())))
    }
}

/// Checks profiles already loaded (the terminal UI): the config file at `config`
/// again (none for `--demo`), then `profiles` as they are used, then the Twilio
/// `accounts`.
pub async fn run_loaded(
    config: Option<PathBuf>,
    profiles: Vec<Profile>,
    accounts: Vec<TwilioAccount>,
    journal: Journal,
) -> Report {
    let config_step = match config {
        Some(path) => tokio::task::spawn_blocking(move || check_config_file(&path).0)
            .await
            .unwrap_or_else(|e| {
                Step::failed(
                    "config",
                    format!("reading stopped: {e}"),
                    "run doctor again",
                )
            }),
        None => no_config_file("the profiles come from --demo"),
    };
    match DoctorOptions::load(TOKEN_TIMEOUT).await {
        Ok(options) => run(config_step, &profiles, &accounts, Some(&journal), &options).await,
        Err(e) => Report {
            steps: vec![
                config_step,
                Step::failed("doctor", e.to_string(), "run doctor again"),
            ],
        },
    }
}

/// Checks every profile, then every Twilio account (at once; the report keeps their
/// order) after the config file's step; a rotation of `journal` that did not finish
/// is a warning with the command that finishes it.
pub async fn run(
    config: Step,
    profiles: &[Profile],
    accounts: &[TwilioAccount],
    journal: Option<&Journal>,
    options: &DoctorOptions,
) -> Report {
    let checks = profiles.iter().map(|p| check_profile(p, options));
    let mut steps = vec![config];
    for profile_steps in futures_util::future::join_all(checks).await {
        steps.extend(profile_steps);
    }
    let api_bases = twilio_api_bases(profiles);
    let checks = accounts
        .iter()
        .map(|a| accounts::check_account(a, &api_bases, options));
    for account_steps in futures_util::future::join_all(checks).await {
        steps.extend(account_steps);
    }
    if let Some(journal) = journal {
        steps.extend(unfinished_rotations(journal).await);
    }
    Report { steps }
}

/// A warning per rotation the journal shows unfinished; a failed step when it cannot
/// be read (what is unfinished is then unknown).
async fn unfinished_rotations(journal: &Journal) -> Vec<Step> {
    let unfinished = match crate::ops::Unfinished::read(journal).await {
        Ok((unfinished, _)) => unfinished,
        Err(e) => {
            return vec![Step::failed(
                "journal",
                format!(
                    "the audit journal could not be read ({e}): whether a rotation did not \
                     finish is unknown"
                ),
                "make it a regular file of your own again (or move it aside), then run \
                 doctor again",
            )];
        }
    };
    let unstored = unfinished.unstored.into_iter().map(|u| {
        let mut step = Step::warning(
            "new token not stored",
            u.message(),
            "put the account's new primary token in its token source",
        );
        step.profile = Some(format!("twilio account {}", u.account_sid));
        step
    });
    unfinished
        .runs
        .into_iter()
        .map(|run| {
            let mut step = Step::warning(
                "unfinished rotation",
                format!(
                    "{}: {} (secondary created {})",
                    run.account_sid,
                    run.stage,
                    run.started.format("%Y-%m-%d %H:%MZ")
                ),
                format!(
                    "finish it: telcreds rotate twilio --account-sid {} --promote or --abort \
                     (telcreds rotate status shows which token each target holds)",
                    run.account_sid
                ),
            );
            step.profile = Some(format!("twilio account {}", run.account_sid));
            step
        })
        .chain(unstored)
        .chain(unfinished.carrier.into_iter().map(|run| {
            let mut step = Step::warning(
                "unfinished rotation at both ends",
                run.not_finished(),
                format!("finish it: {}", run.finish_command()),
            );
            step.profile = Some(run.profile.clone());
            step
        }))
        .collect()
}

/// The distinct Twilio API bases of `profiles`, in order; Twilio's own when none.
fn twilio_api_bases(profiles: &[Profile]) -> Vec<String> {
    let mut bases: Vec<String> = Vec::new();
    for p in profiles {
        if !bases.contains(&p.twilio_api_base) {
            bases.push(p.twilio_api_base.clone());
        }
    }
    if bases.is_empty() {
        bases.push(crate::config::DEFAULT_TWILIO_API_BASE.to_string());
    }
    bases
}

/// Every step of one profile, in order: token source, base URL, then (with a token
/// and a reachable host) the platform's steps, then Twilio's API.
pub async fn check_profile(profile: &Profile, options: &DoctorOptions) -> Vec<Step> {
    let mut steps = Vec::new();
    let token = local::check_token(profile, options.token_timeout, &mut steps).await;
    let reachable = network::check_base_url(profile, options, &mut steps).await;
    match (&token, reachable) {
        (Some(token), true) => {
            platform::check(profile, token.clone(), &options.http, &mut steps).await
        }
        (None, _) => platform::skip_all(profile, "no token: see the token source step", &mut steps),
        (Some(_), false) => {
            platform::skip_all(profile, "the base URL is not reachable", &mut steps)
        }
    }
    steps.push(network::check_twilio(profile, &options.http).await);
    for step in &mut steps {
        step.profile = Some(profile.name.clone());
        if let Some(token) = &token {
            step.scrub(token);
        }
    }
    steps
}

impl Report {
    /// Failed when a step failed, warning when one warned, passed otherwise.
    pub fn status(&self) -> CheckStatus {
        let has = |s: CheckStatus| self.steps.iter().any(|step| step.status == s);
        if has(CheckStatus::Failed) {
            CheckStatus::Failed
        } else if has(CheckStatus::Warning) {
            CheckStatus::Warning
        } else {
            CheckStatus::Passed
        }
    }

    /// How many steps ended with `status`.
    pub fn count(&self, status: &CheckStatus) -> usize {
        self.steps.iter().filter(|s| &s.status == status).count()
    }

    /// "12 passed, 1 warning, 2 failed" (skipped steps too, when any).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (status, word) in [
            (CheckStatus::Passed, "passed"),
            (CheckStatus::Warning, "warning"),
            (CheckStatus::Failed, "failed"),
            (CheckStatus::Skipped, "skipped"),
        ] {
            let n = self.count(&status);
            if n > 0 || status != CheckStatus::Skipped {
                parts.push(format!("{n} {word}"));
            }
        }
        parts.join(", ")
    }
}

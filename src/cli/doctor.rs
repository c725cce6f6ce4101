//! `telcreds doctor`: the checks of [`crate::ops::doctor`], one line per step with
//! its fix, and an exit code: 11 when a step failed, 12 when one warned.

use super::args::{Cli, DoctorArgs};
use super::exit::{CliError, Exit};
use super::output::{Table, emit};
use crate::config::{Config, Profile};
use crate::domain::CheckStatus;
use crate::ops::doctor::{self, DoctorOptions, Report, Step};
use serde::Serialize;
use std::time::Duration;

/// The JSON answer: the overall status, a summary and every step.
#[derive(Serialize)]
struct Json<'a> {
    status: CheckStatus,
    summary: String,
    steps: &'a [Step],
}

/// Runs the checks on the picked profile (or every one) and prints them.
pub async fn run(cli: &Cli, a: DoctorArgs) -> Result<(), CliError> {
    if !(a.token_timeout.is_finite() && a.token_timeout > 0.0 && a.token_timeout <= 600.0) {
        return Err(CliError::usage(
            "--token-timeout takes seconds, more than 0 and at most 600",
        ));
    }
    if a.all && cli.explicit_profile().is_some() {
        return Err(CliError::usage(
            "--all checks every profile: leave out --profile",
        ));
    }
    let (config_step, config) = match Config::locate(cli.config.as_deref()) {
        Some(path) => doctor::check_config_file(&path),
        None => (doctor::config_not_found(), None),
    };
    let profiles: Vec<Profile> = match &config {
        None => Vec::new(),
        Some(c) if a.all => c.profiles.clone(),
        Some(c) if c.profiles.is_empty() => Vec::new(),
        Some(c) => vec![super::pick(c, cli)?.clone()],
    };
    let timeout = Duration::from_secs_f64(a.token_timeout);
    let options = DoctorOptions::load(timeout)
        .await
        .map_err(|e| CliError::new(Exit::Other, e.to_string()))?;
    // Every Twilio account: a mint may need any of them, whatever the profile.
    let accounts = config
        .as_ref()
        .map(|c| c.twilio_accounts.clone())
        .unwrap_or_default();
    // The journal is read only when there is a private place for it.
    let journal = crate::ops::Stores::open_default().ok().map(|s| s.journal);
    let mut report = doctor::run(
        config_step,
        &profiles,
        &accounts,
        journal.as_ref(),
        &options,
    )
    .await;
    if let Some(c) = &config {
        // The key map is the UI's: checked here as the UI checks it at start.
        report
            .steps
            .insert(1.min(report.steps.len()), key_map_step(c));
    }
    let json = Json {
        status: report.status(),
        summary: report.summary(),
        steps: &report.steps,
    };
    emit(cli.output, &json, || table(&report))?;
    match report.status() {
        CheckStatus::Failed => Err(CliError::new(
            Exit::VerifyFailed,
            format!(
                "doctor: {} step(s) failed; each says how to fix it",
                report.count(&CheckStatus::Failed)
            ),
        )),
        CheckStatus::Warning => Err(CliError::new(
            Exit::VerifyWarning,
            format!(
                "doctor: {} step(s) warned; each says how to fix it",
                report.count(&CheckStatus::Warning)
            ),
        )),
        _ => Ok(()),
    }
}

/// The `[keys]` table, as the UI reads it when it starts; commands never use it.
fn key_map_step(config: &Config) -> Step {
    const STEP: &str = "key map";
    match crate::tui::app::keymap::Keymap::from_config(&config.keys, config.path.as_deref()) {
        Ok(_) => Step::passed(STEP, "the [keys] table is valid (the UI reads it)"),
        Err(e) => Step::failed(
            STEP,
            e.to_string(),
            "fix the [keys] line named: the UI does not start with it (commands are not \
             affected)",
        ),
    }
}

/// One row per step, its fix on the row under it, then the summary.
fn table(report: &Report) -> String {
    let mut t = Table::new(&["PROFILE", "STEP", "RESULT", "TIME", "MESSAGE"]);
    for s in &report.steps {
        t.row(vec![
            s.profile.clone().unwrap_or_else(|| "-".into()),
            s.step.clone(),
            format!("{} {}", s.status.symbol(), s.status),
            format!("{} ms", s.elapsed.as_millis()),
            s.message.clone(),
        ]);
        if let Some(fix) = &s.fix {
            t.row(vec![
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                format!("fix: {fix}"),
            ]);
        }
    }
    format!("{}doctor: {}\n", t.render(), report.summary())
}

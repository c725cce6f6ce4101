//! What the rotation commands share: choosing the profiles, checking a token,
//! printing the plan and asking once, handing a run a decision with its progress
//! shown, and the report. `rotate` (a token the user has) and `mint` (the
//! zero-downtime rotation) both use it; neither uses the other's.

use super::args::OutputFormat;
use super::audit::warn_all;
use super::confirm::ask_on_tty;
use super::exit::{CliError, Exit};
use super::output::{Table, emit};
use crate::api::Http;
use crate::config::{Config, Confirmation, Profile};
use crate::journal::Journal;
use crate::ops::rotation::{
    self, CheckedToken, Decision, Plan, Report, RotationEvent, RotationRun, RotationTarget,
    RunEvent, TargetOutcome, TargetResult,
};
use crate::secret::Secret;
use serde::Serialize;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Hands `run` a decision, printing each target as it finishes (table output) and
/// every warning.
pub(super) async fn advance(run: &mut RotationRun, decision: Decision, format: OutputFormat) {
    let printer = (format == OutputFormat::Table).then(|| {
        let (tx, rx) = mpsc::unbounded_channel();
        (tx, tokio::spawn(print_progress(run.plan().clone(), rx)))
    });
    if let Some((tx, _)) = &printer {
        run.set_events(Some(tx.clone()));
    }
    let warnings = run.advance(decision).await.warnings;
    run.set_events(None);
    if let Some((tx, task)) = printer {
        drop(tx);
        let _ = task.await;
    }
    warn_all(&warnings);
}

/// Prints each target as it finishes: a long rotation shows life.
async fn print_progress(plan: Arc<Plan>, mut events: mpsc::UnboundedReceiver<RunEvent>) {
    let total = plan.update_count();
    let mut done = 0;
    while let Some(event) = events.recv().await {
        if let RunEvent::Target(RotationEvent::Finished { target, outcome }) = event
            && !matches!(outcome, TargetOutcome::Skipped { .. })
        {
            done += 1;
            let name = plan.targets.get(target).map_or("?".to_string(), |t| {
                format!("{} {}", t.profile, t.provider_name)
            });
            let name = crate::text::printable(&name);
            eprintln!("[{done}/{total}] {name}: {}", outcome.label());
        }
    }
}

/// `AC… ("Friendly name")`.
pub(super) fn account_name(plan: &Plan, checked: &CheckedToken) -> String {
    format!(
        "{}{}",
        plan.account_sid,
        checked
            .friendly_name()
            .map(|n| format!(" (\"{}\")", crate::text::printable(n)))
            .unwrap_or_default()
    )
}

/// `--profiles` (each must exist), else `--profile`, else every profile.
pub(super) fn select_profiles(
    config: &Config,
    names: &[String],
    global: Option<&str>,
) -> Result<Vec<Profile>, CliError> {
    let names: Vec<&str> = match (names.is_empty(), global) {
        (false, _) => names.iter().map(|n| n.trim()).collect(),
        (true, Some(g)) => vec![g],
        (true, None) => return Ok(config.profiles.clone()),
    };
    names
        .into_iter()
        .map(|n| config.profile(n).cloned().map_err(CliError::from))
        .collect()
}

/// Checks the token with every Twilio API base involved; a refusal stops here with
/// nothing changed.
pub(super) async fn check(
    http: &Http,
    profiles: &[Profile],
    account_sid: &str,
    token: &Secret,
    journal: &Journal,
) -> Result<CheckedToken, CliError> {
    let (result, warnings) =
        rotation::check_everywhere(http, profiles, account_sid, token, journal)
            .await
            .into_parts();
    warn_all(&warnings);
    result.map_err(|failure| CliError::new(Exit::of(failure.kind()), failure.to_string()))
}

/// Stops early when there is nothing to update, saying why.
pub(super) fn nothing_to_do(plan: &Plan, profiles: &[Profile]) -> Result<(), CliError> {
    if plan.update_count() > 0 {
        return Ok(());
    }
    let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    if plan.targets.is_empty() && plan.unreachable.is_empty() {
        return Err(CliError::new(
            Exit::NotFound,
            format!(
                "no provider uses {} on profiles {}: nothing to rotate",
                plan.account_sid,
                names.join(", ")
            ),
        ));
    }
    if plan.unreachable.is_empty() {
        let lines: Vec<String> = plan.targets.iter().map(plan_line).collect();
        return Err(CliError::new(
            Exit::Refused,
            format!(
                "no provider using {} can be updated:\n  {}\nnothing was changed",
                plan.account_sid,
                lines.join("\n  ")
            ),
        ));
    }
    let lines: Vec<String> = plan
        .unreachable
        .iter()
        .map(|f| format!("profile \"{}\": {}", f.profile, f.error))
        .chain(plan.targets.iter().map(plan_line))
        .collect();
    Err(CliError::new(
        Exit::Incomplete,
        format!(
            "no provider using {} could be updated:\n  {}\nnothing was changed",
            plan.account_sid,
            lines.join("\n  ")
        ),
    ))
}

fn plan_line(t: &RotationTarget) -> String {
    format!(
        "{} {}: {}",
        t.profile,
        t.provider_name,
        t.disposition.describe()
    )
}

/// The plan as JSON: what would be (or is about to be) done (its `account_sid`
/// comes from the plan).
#[derive(Serialize)]
struct PlanView<'a> {
    twilio_account: Option<&'a str>,
    dry_run: bool,
    #[serde(flatten)]
    plan: &'a Plan,
}

/// Prints the plan under `intro`: as the whole answer for a dry run, as a table
/// before confirming otherwise (JSON output prints only the final report then).
pub(super) fn print_plan(
    format: OutputFormat,
    plan: &Plan,
    checked: &CheckedToken,
    intro: &str,
    dry_run: bool,
) -> Result<(), CliError> {
    if format == OutputFormat::Json && !dry_run {
        return Ok(());
    }
    let view = PlanView {
        twilio_account: checked.friendly_name(),
        dry_run,
        plan,
    };
    emit(format, &view, || {
        let mut t = Table::new(&["PROFILE", "PLATFORM", "PROVIDER", "ID", "STATUS", "ACTION"]);
        for target in &plan.targets {
            t.row(vec![
                profile_cell(target),
                target.platform.to_string(),
                target.provider_name.clone(),
                target.provider_id.clone(),
                format!("{} {}", target.status.symbol(), target.status),
                target.disposition.describe(),
            ]);
        }
        let mut out = format!(
            "{intro}\n{} of {} providers using it will be updated{}:\n\n{}",
            plan.update_count(),
            plan.targets.len(),
            if dry_run {
                " (dry run: nothing changes)"
            } else {
                ""
            },
            t.render()
        );
        out.push_str(&unreachable_text(plan));
        out
    })
}

fn unreachable_text(plan: &Plan) -> String {
    plan.unreachable
        .iter()
        .map(|f| {
            format!(
                "\nprofile \"{}\" could not be listed, its providers are NOT included: {}\n",
                f.profile, f.error
            )
        })
        .collect()
}

fn profile_cell(t: &RotationTarget) -> String {
    if t.production {
        format!("{} [PROD]", t.profile)
    } else {
        t.profile.clone()
    }
}

/// A dry run's exit: incomplete when a profile could not be listed.
pub(super) fn plan_outcome(plan: &Plan) -> Result<(), CliError> {
    if plan.unreachable.is_empty() {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Incomplete,
            format!(
                "{} profile(s) could not be listed: the plan is incomplete",
                plan.unreachable.len()
            ),
        ))
    }
}

/// One confirmation for the whole plan, on the terminal; a protected profile among
/// the targets asks for the Account SID to be typed. `what` starts the question,
/// e.g. "Replace the auth token of".
pub(super) fn confirm(plan: &Plan, what: &str) -> Result<(), CliError> {
    let updated: Vec<&RotationTarget> = plan.to_update().map(|(_, t)| t).collect();
    let mut profiles: Vec<String> = updated.iter().map(|t| profile_cell(t)).collect();
    profiles.dedup();
    let confirmation = plan.confirmation();
    let prompt = format!(
        "{what} {} on {} provider(s) on profile(s) {}? Type {} to confirm: ",
        plan.account_sid,
        updated.len(),
        profiles.join(", "),
        match confirmation.name() {
            Some(_) => "the Account SID",
            None => "yes",
        }
    );
    if ask_on_tty(&prompt, &confirmation)? {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Refused,
            "not confirmed: nothing was changed",
        ))
    }
}

/// Whether to retry the failed targets; ctrl-c means no (some targets changed
/// already, so the report is still printed).
pub(super) fn ask_retry(report: &Report) -> Result<bool, CliError> {
    let n = report.failed().count();
    match ask_on_tty(
        &format!("{n} target(s) failed. Retry only those? Type yes to retry: "),
        &Confirmation::Yes,
    ) {
        Err(e) if e.exit == Exit::Interrupted => {
            eprintln!("cancelled: the failed targets are not retried");
            Ok(false)
        }
        answer => answer,
    }
}

/// A target still on the old token, for JSON.
#[derive(Serialize)]
struct OldTokenHolder<'a> {
    profile: &'a str,
    provider_id: &'a str,
    provider_name: &'a str,
    reason: String,
}

/// The result as JSON.
#[derive(Serialize)]
struct ReportView<'a> {
    account_sid: &'a str,
    twilio_account: Option<&'a str>,
    dry_run: bool,
    complete: bool,
    updated: usize,
    results: &'a [TargetResult],
    still_on_old_token: Vec<OldTokenHolder<'a>>,
    token_unknown: Vec<OldTokenHolder<'a>>,
    unreachable: &'a [rotation::ProfileFailure],
    warnings: &'a [crate::ops::Warning],
}

pub(super) fn print_report(
    format: OutputFormat,
    report: &Report,
    checked: &CheckedToken,
) -> Result<(), CliError> {
    let view = ReportView {
        account_sid: &report.account_sid,
        twilio_account: checked.friendly_name(),
        dry_run: false,
        complete: report.is_complete(),
        updated: report.updated_count(),
        results: &report.results,
        still_on_old_token: report.old_token_holders().map(holder).collect(),
        token_unknown: report.unknown_token_holders().map(holder).collect(),
        unreachable: &report.unreachable,
        warnings: &report.warnings,
    };
    emit(format, &view, || report_text(report))
}

fn holder(r: &TargetResult) -> OldTokenHolder<'_> {
    OldTokenHolder {
        profile: &r.target.profile,
        provider_id: &r.target.provider_id,
        provider_name: &r.target.provider_name,
        reason: r.outcome.detail(),
    }
}

pub(super) fn report_text(report: &Report) -> String {
    let mut out = report_rows(report);
    for line in report.summary() {
        out.push_str(&format!("{} {}\n", line.tone.symbol(), line.text));
    }
    if report.failed().next().is_some() {
        out.push_str(
            "Run the same command again to retry: providers already on the new token get it again, which is harmless.\n",
        );
    }
    out
}

/// One row per target: what happened to it.
pub(super) fn report_rows(report: &Report) -> String {
    let mut t = Table::new(&["PROFILE", "PLATFORM", "PROVIDER", "RESULT", "DETAIL"]);
    for r in &report.results {
        t.row(vec![
            profile_cell(&r.target),
            r.target.platform.to_string(),
            r.target.provider_name.clone(),
            r.outcome.badge(),
            r.outcome.detail(),
        ]);
    }
    format!("\n{}\n", t.render())
}

/// Exit: [`Exit::Incomplete`] when a target failed, holds the old token or a
/// profile was not reached.
pub(super) fn report_outcome(report: &Report) -> Result<(), CliError> {
    match report.incompleteness() {
        None => Ok(()),
        Some(why) => Err(CliError::new(Exit::Incomplete, why)),
    }
}

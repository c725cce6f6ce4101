//! `telcreds rotate twilio`: one new auth token, every provider that uses its Account
//! SID, on every profile. The token comes from stdin, so confirmation is asked on the
//! terminal (`/dev/tty`); scripts pass `--yes`.

use super::Setup;
use super::args::{Cli, RotateCommand, RotateTwilioArgs};
use super::audit::warn_all;
use super::exit::{CliError, Exit};
use super::rotation_plan::{
    account_name, advance, ask_retry, check, confirm, nothing_to_do, plan_outcome, print_plan,
    print_report, report_outcome, select_profiles,
};
use super::secrets;
use crate::api::{Http, HttpOptions};
use crate::ops::rotation::{self, Decision, RotationRun, RunKind};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Runs one `rotate` subcommand.
/// `halt`: set on ctrl-c; a run finishes the step in flight and starts no other.
pub async fn run(
    cli: &Cli,
    cmd: RotateCommand,
    setup: &Setup,
    halt: Arc<AtomicBool>,
) -> Result<(), CliError> {
    match cmd {
        RotateCommand::Twilio(a) => twilio(cli, a, setup, halt).await,
        RotateCommand::Status => super::rotation_status::run(cli, setup).await,
        RotateCommand::Sip(_) => Err(CliError::usage(
            "`telcreds rotate` rotates a Twilio auth token everywhere it is used; a SIP \
             credential's password is rotated with `telcreds sip rotate ID` (see `telcreds \
             sip rotate --help`)",
        )),
    }
}

async fn twilio(
    cli: &Cli,
    a: RotateTwilioArgs,
    setup: &Setup,
    halt: Arc<AtomicBool>,
) -> Result<(), CliError> {
    if a.mint || a.promote || a.abort {
        return super::mint::run(cli, a, setup, halt).await;
    }
    let config = setup.config()?;
    let core = crate::ops::Context {
        profiles: select_profiles(&config, &a.profiles, cli.explicit_profile())?,
        stores: setup.stores()?,
        http: Http::new(HttpOptions::default())?,
        twilio_accounts: config.twilio_accounts,
    };
    let (http, profiles) = (&core.http, &core.profiles);
    let token = secrets::read_stdin("auth token")?;
    let checked = check(http, profiles, &a.account_sid, &token, &core.stores.journal).await?;
    let plan = rotation::plan(profiles, http, checked.account_sid()).await;
    nothing_to_do(&plan, profiles)?;
    let intro = format!(
        "Twilio accepted the new token for {}.",
        account_name(&plan, &checked)
    );
    if a.dry_run {
        print_plan(cli.output, &plan, &checked, &intro, true)?;
        return plan_outcome(&plan);
    }
    print_plan(cli.output, &plan, &checked, &intro, false)?;
    if !a.yes {
        confirm(&plan, "Replace the auth token of")?;
    }
    let ctx = core.run_context(usize::from(a.concurrency), halt);
    let checked = Arc::new(checked);
    let mut run = RotationRun::new(1, ctx, RunKind::Given, Arc::new(plan), checked.clone());
    advance(&mut run, Decision::Start, cli.output).await;
    while !a.yes
        && let Some(report) = run.report()
        && run.offers(Decision::Retry)
        && ask_retry(report)?
    {
        advance(&mut run, Decision::Retry, cli.output).await;
    }
    let Some(report) = run.report().cloned() else {
        return Err(CliError::new(Exit::Other, run.outcome().1));
    };
    print_report(cli.output, &report, &checked)?;
    warn_all(&report.warnings);
    report_outcome(&report)
}

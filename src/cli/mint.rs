//! `telcreds rotate twilio --mint | --promote | --abort`: the zero-downtime rotation
//! with Twilio's secondary auth token. The current token comes from the account's
//! `[twilio_accounts]` table or stdin (`--current-token-stdin`); questions are asked
//! on the terminal (`/dev/tty`); scripts pass `--yes`.

use super::args::{Cli, OutputFormat, RotateTwilioArgs};
use super::audit::{warn, warn_all};
use super::confirm::{ask_on_tty, ask_on_tty_answer};
use super::exit::{CliError, Exit};
use super::output::{Table, emit, summary_text};
use super::rotation_plan;
use super::secrets;
use crate::api::{Http, HttpOptions};
use crate::config::{Config, Confirmation, Profile, TwilioAccount, accounts_base_of};
use crate::domain::Tone;
use crate::ops::Stores;
use crate::ops::rotation::{
    self, CheckFailure, CheckedToken, Decision, MintFailure, MintSetup, Plan, Report, RotationRun,
    RunContext, RunKind, RunStage,
};
use crate::secret::Secret;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// What the flow needs about the account, from the config or the command line.
struct Account {
    current: Secret,
    accounts_base: String,
    store_cmd: Option<String>,
}

/// Runs `--mint`, `--promote` or `--abort`; `halt` set stops the run between steps.
pub async fn run(
    cli: &Cli,
    a: RotateTwilioArgs,
    setup: &super::Setup,
    halt: Arc<AtomicBool>,
) -> Result<(), CliError> {
    let config = setup.config()?;
    let profiles = rotation_plan::select_profiles(&config, &a.profiles, cli.profile.as_deref())?;
    let account = account(&config, &profiles, &a)?;
    let core = crate::ops::Context {
        profiles,
        stores: setup.stores()?,
        http: Http::new(HttpOptions::default())?,
        twilio_accounts: config.twilio_accounts.clone(),
    };
    let (http, profiles) = (&core.http, &core.profiles);
    let current = check_current(http, profiles, &a.account_sid, &account, &core.stores).await?;
    let plan = rotation::plan(profiles, http, current.account_sid()).await;
    rotation_plan::nothing_to_do(&plan, profiles)?;
    let flow = Flow {
        cli,
        a: &a,
        ctx: core.run_context(usize::from(a.concurrency), halt),
        setup: Arc::new(MintSetup {
            accounts_base: account.accounts_base,
            store_cmd: account.store_cmd,
        }),
        current: Arc::new(current),
        plan: Arc::new(plan),
    };
    if a.mint {
        flow.mint().await
    } else if a.promote {
        flow.promote_later().await
    } else {
        flow.abort_later().await
    }
}

/// The account's current token and where its Accounts API is: its
/// `[twilio_accounts]` table, else `--current-token-stdin` and the profiles' base.
fn account(
    config: &Config,
    profiles: &[Profile],
    a: &RotateTwilioArgs,
) -> Result<Account, CliError> {
    if let Some(acc) = config.twilio_account(&a.account_sid)
        && !a.current_token_stdin
    {
        return from_config(acc);
    }
    if !a.current_token_stdin {
        return Err(CliError::usage(format!(
            "no [twilio_accounts] table for {} in the config: pass --current-token-stdin \
             and the current auth token on stdin, or add the account (see the README)",
            a.account_sid.trim()
        )));
    }
    let accounts_base = accounts_base_of(profiles, &a.account_sid)?;
    let current = secrets::read_stdin("current auth token")?;
    Ok(Account {
        current,
        accounts_base,
        store_cmd: config
            .twilio_account(&a.account_sid)
            .and_then(|acc| acc.store_cmd.clone()),
    })
}

fn from_config(acc: &TwilioAccount) -> Result<Account, CliError> {
    Ok(Account {
        current: acc.resolve_token()?,
        accounts_base: acc.twilio_accounts_base.clone(),
        store_cmd: acc.store_cmd.clone(),
    })
}

/// The current token must pass Twilio's check before anything starts.
async fn check_current(
    http: &Http,
    profiles: &[Profile],
    sid: &str,
    account: &Account,
    stores: &Stores,
) -> Result<CheckedToken, CliError> {
    let (result, warnings) =
        rotation::check_current(http, profiles, sid, &account.current, &stores.journal)
            .await
            .into_parts();
    warn_all(&warnings);
    result.map_err(|failure| {
        let said = match failure {
            CheckFailure::CurrentRejected { .. } => failure.to_string(),
            ref other => format!("the current auth token: {other}"),
        };
        CliError::new(Exit::of(failure.kind()), said)
    })
}

/// What the command line hands a run: the user's flags and answers.
struct Flow<'a> {
    cli: &'a Cli,
    a: &'a RotateTwilioArgs,
    ctx: RunContext,
    setup: Arc<MintSetup>,
    current: Arc<CheckedToken>,
    plan: Arc<Plan>,
}

impl Flow<'_> {
    fn format(&self) -> OutputFormat {
        self.cli.output
    }

    fn run(&self) -> RotationRun {
        RotationRun::new(
            1,
            self.ctx.clone(),
            RunKind::Mint(self.setup.clone()),
            self.plan.clone(),
            self.current.clone(),
        )
    }

    /// The run rebuilt from the journal, if the journal shows it unfinished.
    /// A journal that cannot be read is the error: whether one is unfinished is
    /// then unknown.
    async fn resumed(&self) -> Result<Option<RotationRun>, CliError> {
        let sid = &self.plan.account_sid;
        let unfinished = rotation::unfinished_mint(&self.ctx.journal, sid)
            .await
            .map_err(|e| {
                CliError::new(
                    Exit::Other,
                    format!(
                        "cannot tell whether a rotation of {sid} did not finish: {e}; nothing \
                         was sent"
                    ),
                )
            })?;
        Ok(unfinished.map(|unfinished| {
            RotationRun::resume(
                1,
                self.ctx.clone(),
                self.setup.clone(),
                self.plan.clone(),
                self.current.clone(),
                unfinished,
            )
        }))
    }

    async fn advance(&self, run: &mut RotationRun, decision: Decision) {
        rotation_plan::advance(run, decision, self.format()).await;
    }

    /// `--mint`: plan, confirm, then the run: mint, deploy, promote (or stop before
    /// it), store. The questions it raises are asked on the terminal.
    async fn mint(&self) -> Result<(), CliError> {
        let intro = format!(
            "Twilio accepted the current token of {}; a new token will be minted there \
             (both work until it is promoted).",
            rotation_plan::account_name(&self.plan, &self.current)
        );
        if !self.plan_and_confirm(
            &intro,
            "Mint a new auth token at Twilio, deploy it and promote it for",
        )? {
            return rotation_plan::plan_outcome(&self.plan);
        }
        let mut run = self.run();
        let first = if self.a.replace_secondary {
            Decision::Replace
        } else {
            Decision::Start
        };
        self.advance(&mut run, first).await;
        loop {
            let next = match run.stage() {
                RunStage::NotMinted(failure) => {
                    if !run.offers(Decision::Replace) || self.a.yes {
                        return Err(mint_error(failure));
                    }
                    // An existing secondary not from telcreds: replaced on a "yes".
                    eprintln!("{failure}");
                    let question = "Replace the existing secondary token? Whatever uses it \
                                    stops working. Type yes to replace: ";
                    if !ask_on_tty(question, &Confirmation::Yes)? {
                        return Err(mint_error(failure));
                    }
                    Decision::Replace
                }
                // telcreds' own secondary, from a run that did not finish: the message
                // says how to finish that run.
                RunStage::Unfinished(unfinished) => {
                    return Err(CliError::new(
                        Exit::Conflict,
                        format!(
                            "Twilio's secondary token was not created: {unfinished}; no \
                             platform was changed"
                        ),
                    ));
                }
                RunStage::Blocked { .. } => {
                    self.print_summary(&run);
                    match self.blocked(&run)? {
                        Some(decision) => decision,
                        None => return self.parked(&run),
                    }
                }
                RunStage::Aborted(_) => return self.aborted(&run),
                _ => return self.promoted(&run),
            };
            self.advance(&mut run, next).await;
        }
    }

    /// Targets are left on the old token: both tokens keep working. On a terminal,
    /// the user may retry the failed, promote anyway or abort; `None`: leave it.
    fn blocked(&self, run: &RotationRun) -> Result<Option<Decision>, CliError> {
        if self.a.yes {
            return Ok(None);
        }
        if run.offers(Decision::Retry)
            && let Some(report) = run.report()
            && rotation_plan::ask_retry(report)?
        {
            return Ok(Some(Decision::Retry));
        }
        let answer = ask_on_tty_answer(
            "Type promote to promote anyway (the targets above stop working), abort to put \
             the old token back and delete the new one, or press Enter to leave both \
             tokens working: ",
        );
        let answer = match answer {
            Ok(text) => text.trim().to_string(),
            Err(e) if matches!(e.exit, Exit::Interrupted | Exit::Refused) => String::new(),
            Err(e) => return Err(e),
        };
        Ok(match answer.as_str() {
            "promote" => Some(Decision::Promote { force: true }),
            "abort" => Some(Decision::Abort),
            _ => None,
        })
    }

    /// Left before the promotion (its summary printed): JSON, and exit 9.
    fn parked(&self, run: &RotationRun) -> Result<(), CliError> {
        let RunStage::Blocked { left } = run.stage() else {
            return Ok(());
        };
        self.print_json(&Outcome {
            account_sid: run.account_sid(),
            left_on_old_token: left,
            report: run.report(),
            summary: summary_texts(run),
            ..Outcome::default()
        })?;
        Err(CliError::new(Exit::Incomplete, run.outcome().1))
    }

    /// Prints where a run that stopped before its promotion stands: the
    /// deployment's rows (table output), then its summary on stderr.
    fn print_summary(&self, run: &RotationRun) {
        if self.format() == OutputFormat::Table
            && let Some(report) = run.report()
        {
            print!("{}", rotation_plan::report_rows(report));
        }
        eprint!("{}", summary_text(&run.summary()));
    }

    /// After a promotion attempt: the new token to `store_cmd` or shown once.
    fn promoted(&self, run: &RotationRun) -> Result<(), CliError> {
        let (token, stored) = match run.stage() {
            RunStage::Promoted { token, stored, .. } => (token, stored),
            RunStage::PromotionFailed(promotion) => {
                return Err(CliError::new(
                    Exit::of(promotion.kind()),
                    promotion.to_string(),
                ));
            }
            _ => return Err(CliError::new(Exit::Incomplete, run.outcome().1)),
        };
        let store_failed = matches!(stored, Some(Err(_)));
        let reveal = stored.is_none() || store_failed;
        let outcome = Outcome {
            account_sid: run.account_sid(),
            promoted: true,
            old_token_dead: true,
            report: run.report(),
            stored: stored.as_ref().map(|r| match r {
                Ok(said) => said.clone(),
                Err(why) => why.to_string(),
            }),
            store_failed,
            new_auth_token: (reveal && self.a.show_secrets).then(|| token.expose()),
            summary: summary_texts(run),
            ..Outcome::default()
        };
        emit(self.format(), &outcome, || {
            let mut out = run
                .report()
                .map(rotation_plan::report_rows)
                .unwrap_or_default();
            out.push_str(&summary_text(&run.summary()));
            if reveal {
                out.push_str(&format!(
                    "new primary auth token (shown once, store it now, and update the \
                     account's token source if it is in the config): {}\n",
                    token.expose()
                ));
            }
            out
        })?;
        if reveal && self.format() == OutputFormat::Json && !self.a.show_secrets {
            warn(
                "the new primary auth token is not in the JSON output (pass --show-secrets, or \
                 set store_cmd for the account); the Twilio console shows it",
            );
        }
        match run.outcome() {
            (Tone::Ok, _) => Ok(()),
            // The rotation itself is complete: not exit 9.
            (_, why) if store_failed => Err(CliError::new(Exit::Other, why)),
            (_, why) => Err(CliError::new(Exit::Incomplete, why)),
        }
    }

    /// `--promote`: promotes the secondary left by an earlier run, once the journal
    /// shows every target of the plan on the new token (or with `--force`).
    async fn promote_later(&self) -> Result<(), CliError> {
        let sid = self.plan.account_sid.as_str();
        let Some(mut run) = self.resumed().await? else {
            return Err(CliError::new(
                Exit::Refused,
                format!(
                    "the journal holds no unfinished rotation of {sid}: nothing to promote \
                     (a secondary token made elsewhere is promoted in the Twilio console); \
                     nothing was sent"
                ),
            ));
        };
        self.print_holds(&run);
        if !self.a.force {
            // Nothing is sent while a target is not known to hold the new token.
            let before = run.left_behind();
            if !before.is_empty() {
                self.advance(&mut run, Decision::Promote { force: false })
                    .await;
                self.print_summary(&run);
                return self.parked(&run);
            }
        }
        if self.a.dry_run {
            return Ok(());
        }
        if !self.a.yes {
            let prompt = format!("Type the Account SID {sid} to promote: ");
            if !ask_on_tty(&prompt, &Confirmation::TypeName(sid.to_string()))? {
                return Err(CliError::new(
                    Exit::Refused,
                    "not confirmed: nothing was changed",
                ));
            }
        }
        self.advance(&mut run, Decision::Promote { force: true })
            .await;
        self.promoted(&run)
    }

    /// Prints (table output) what the journal recorded for every target of the plan.
    fn print_holds(&self, run: &RotationRun) {
        let Some(unfinished) = run.unfinished() else {
            return;
        };
        if self.format() != OutputFormat::Table {
            return;
        }
        let mut t = Table::new(&["PROFILE", "PROVIDER", "HOLDS", "RECORDED"]);
        for target in &self.plan.targets {
            let (holds, recorded) = unfinished.run.holds(&target.profile, &target.provider_id);
            t.row(vec![
                target.profile.clone(),
                crate::text::printable(&target.provider_name).into_owned(),
                holds.as_str().to_string(),
                recorded,
            ]);
        }
        println!(
            "Promote the secondary token of {} ({}): the old token dies at once.",
            rotation_plan::account_name(&self.plan, &self.current),
            unfinished.run.stage
        );
        print!("{}", t.render());
    }

    /// `--abort`: the current token on every provider, then the secondary deleted;
    /// with no unfinished run in the journal, nothing to abort and nothing sent.
    async fn abort_later(&self) -> Result<(), CliError> {
        let Some(mut run) = self.resumed().await? else {
            eprintln!(
                "nothing to abort: the journal holds no unfinished rotation of {}; nothing \
                 was sent",
                self.plan.account_sid
            );
            return Ok(());
        };
        let intro = format!(
            "Abort the rotation of {}: the current token goes back on every provider, then \
             the secondary token is deleted.",
            rotation_plan::account_name(&self.plan, &self.current)
        );
        if !self.plan_and_confirm(&intro, "Put the current auth token back on")? {
            return rotation_plan::plan_outcome(&self.plan);
        }
        self.advance(&mut run, Decision::Abort).await;
        self.aborted(&run)
    }

    fn aborted(&self, run: &RotationRun) -> Result<(), CliError> {
        let RunStage::Aborted(abort) = run.stage() else {
            return Err(CliError::new(Exit::Incomplete, run.outcome().1));
        };
        let summary = abort.summary();
        let view = Aborted {
            account_sid: run.account_sid(),
            clean: abort.is_clean(),
            steps: &summary,
            results: &abort.restored,
        };
        emit(self.format(), &view, || summary_text(&run.summary()))?;
        match run.outcome() {
            (Tone::Ok, _) => Ok(()),
            (_, why) => Err(CliError::new(Exit::Incomplete, why)),
        }
    }

    /// Prints the plan under `intro`; false for a dry run (stop there), else asks
    /// `question` unless `--yes`.
    fn plan_and_confirm(&self, intro: &str, question: &str) -> Result<bool, CliError> {
        rotation_plan::print_plan(
            self.format(),
            &self.plan,
            &self.current,
            intro,
            self.a.dry_run,
        )?;
        if self.a.dry_run {
            return Ok(false);
        }
        if !self.a.yes {
            rotation_plan::confirm(&self.plan, question)?;
        }
        Ok(true)
    }

    fn print_json(&self, outcome: &Outcome<'_>) -> Result<(), CliError> {
        if self.format() == OutputFormat::Json {
            emit(self.format(), outcome, String::new)?;
        }
        Ok(())
    }
}

/// The run's summary as JSON carries it.
fn summary_texts(run: &RotationRun) -> Vec<String> {
    run.summary().into_iter().map(|l| l.text).collect()
}

fn mint_error(failure: &MintFailure) -> CliError {
    let mut e = CliError::new(Exit::of(failure.kind()), failure.to_string());
    if let MintFailure::SecondaryExists {
        unfinished: None, ..
    } = failure
    {
        e.message.push_str(
            "\nto replace it (whatever uses it stops working), run again with \
             --replace-secondary",
        );
    }
    e
}

/// The result as JSON.
#[derive(Serialize, Default)]
struct Outcome<'a> {
    account_sid: &'a str,
    /// The run's summary, in the words the table output and the UI show.
    summary: Vec<String>,
    promoted: bool,
    old_token_dead: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    left_on_old_token: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    stored: Option<String>,
    store_failed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_auth_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a Report>,
}

/// An abort as JSON.
#[derive(Serialize)]
struct Aborted<'a> {
    account_sid: &'a str,
    clean: bool,
    steps: &'a [String],
    results: &'a Report,
}

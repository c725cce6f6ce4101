//! `telcreds rotate twilio --mint | --promote | --abort`: the zero-downtime rotation
//! with Twilio's secondary auth token. The current token comes from the account's
//! `[twilio_accounts]` table or stdin (`--current-token-stdin`); questions are asked
//! on the terminal (`/dev/tty`); scripts pass `--yes`.

use super::args::{Cli, OutputFormat, RotateTwilioArgs};
use super::audit::{warn, warn_all};
use super::confirm::{ask_on_tty, ask_on_tty_answer};
use super::exit::{CliError, Exit};
use super::output::{Table, emit};
use super::rotate;
use super::secrets;
use crate::api::{Http, HttpOptions};
use crate::config::{Config, Profile, TwilioAccount, accounts_base_of};
use crate::ops::Stores;
use crate::ops::rotation::{
    self, Abort, CheckFailure, CheckedToken, MintFailure, Minted, Pending, Plan, Promotion, Report,
    Rotator,
};
use crate::ops::rotation::{Holds, UnfinishedRun, unfinished_run};
use crate::secret::Secret;
use serde::Serialize;

/// What the flow needs about the account, from the config or the command line.
struct Account {
    current: Secret,
    accounts_base: String,
    store_cmd: Option<String>,
}

/// Runs `--mint`, `--promote` or `--abort`.
pub async fn run(cli: &Cli, a: RotateTwilioArgs, setup: &super::Setup) -> Result<(), CliError> {
    let config = setup.config()?;
    let profiles = rotate::select_profiles(&config, &a.profiles, cli.profile.as_deref())?;
    let stores = setup.stores()?;
    let account = account(&config, &profiles, &a)?;
    let http = Http::new(HttpOptions::default())?;
    let current = check_current(&http, &profiles, &a.account_sid, &account, &stores).await?;
    let plan = rotation::plan(&profiles, &http, current.account_sid()).await;
    rotate::nothing_to_do(&plan, &profiles)?;
    let ctx = Flow {
        cli,
        a: &a,
        http,
        stores,
        profiles,
        account,
        current,
        plan,
    };
    if a.mint {
        ctx.mint().await
    } else if a.promote {
        ctx.promote_later().await
    } else {
        ctx.abort_later().await
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
    let accounts_base = accounts_base_of(profiles, &a.account_sid).map_err(CliError::usage)?;
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
        rotation::check_everywhere(http, profiles, sid, &account.current, &stores.journal).await;
    warn_all(&warnings);
    let promotion_sent = if result.is_err() {
        promotion_sent(&stores.journal, sid).await
    } else {
        false
    };
    result.map_err(|failure| match &failure {
        // A promotion whose answer was lost went through: that is why.
        CheckFailure::Rejected { reason } if promotion_sent => CliError::new(
            Exit::Auth,
            format!(
                "Twilio rejects the token configured as the CURRENT one of {} ({reason}), and \
                 the journal shows a promotion sent with no answer recorded: it went through, \
                 so that token is dead and the secondary telcreds deployed is the primary now. \
                 Read it in the Twilio console and put it in the account's token source; the \
                 targets given it keep working; nothing was changed",
                sid.trim()
            ),
        ),
        // The credentials telcreds authenticates with are refused: exit 3.
        CheckFailure::Rejected { reason } => CliError::new(
            Exit::Auth,
            format!(
                "Twilio rejected the CURRENT auth token of {}: {reason}; nothing was changed",
                sid.trim()
            ),
        ),
        other => {
            let mut e = CliError::from(other.as_api_error());
            e.message = format!("the current auth token: {other}");
            e
        }
    })
}

/// True when the journal shows a promotion of `sid` sent with no answer recorded.
async fn promotion_sent(journal: &crate::journal::Journal, sid: &str) -> bool {
    let (entries, _) = journal.read_in_background().await;
    unfinished_run(&entries, sid).is_some_and(|run| run.promotion_sent)
}

/// One run of the flow.
struct Flow<'a> {
    cli: &'a Cli,
    a: &'a RotateTwilioArgs,
    http: Http,
    stores: Stores,
    profiles: Vec<Profile>,
    account: Account,
    current: CheckedToken,
    plan: Plan,
}

impl Flow<'_> {
    fn rotator(&self) -> Rotator {
        Rotator::new(self.stores.journal.clone(), self.stores.history.clone())
            .with_concurrency(usize::from(self.a.concurrency))
    }

    fn format(&self) -> OutputFormat {
        self.cli.output
    }

    /// `--mint`: plan, confirm, mint, deploy, promote (or stop before it), store.
    async fn mint(&self) -> Result<(), CliError> {
        let intro = format!(
            "Twilio accepted the current token of {}; a new token will be minted there \
             (both work until it is promoted).",
            rotate::account_name(&self.plan, &self.current)
        );
        if !self.plan_and_confirm(
            &intro,
            "Mint a new auth token at Twilio, deploy it and promote it for",
        )? {
            return rotate::plan_outcome(&self.plan);
        }
        let minted = self.mint_secondary().await?;
        let mut report = rotate::apply(
            &self.rotator(),
            &self.plan,
            minted.new_token(),
            self.format(),
        )
        .await;
        loop {
            if !self.a.yes && report.failed().next().is_some() && rotate::ask_retry(&report)? {
                let again = rotate::retry(
                    &self.rotator(),
                    &self.plan,
                    &report,
                    minted.new_token(),
                    self.format(),
                )
                .await;
                report = Report {
                    warnings: [report.warnings, again.warnings.clone()].concat(),
                    ..again
                };
                continue;
            }
            let (promotion, warnings) = minted.promote(&report, false, &self.stores.journal).await;
            warn_all(&warnings);
            return match promotion {
                Promotion::Blocked { left } => self.blocked(&minted, &report, &left).await,
                other => self.promoted(other, Some(&report), &[]).await,
            };
        }
    }

    /// Creates the secondary; an existing one is replaced with `--replace-secondary`
    /// or a "yes" on the terminal.
    async fn mint_secondary(&self) -> Result<Minted, CliError> {
        let mut replace = self.a.replace_secondary;
        loop {
            let (result, warnings) = rotation::mint(
                &self.http,
                &self.profiles,
                &self.account.accounts_base,
                &self.current,
                replace,
                &self.stores.journal,
            )
            .await;
            warn_all(&warnings);
            match result {
                Ok(minted) => return Ok(minted),
                // A secondary of an unfinished rotation is not replaced on a question:
                // the message says how to finish that rotation.
                Err(
                    failure @ MintFailure::SecondaryExists {
                        unfinished: None, ..
                    },
                ) if !replace && !self.a.yes => {
                    eprintln!("{failure}");
                    let question = "Replace the existing secondary token? Whatever uses it \
                                    stops working. Type yes to replace: ";
                    if !ask_on_tty(question, "yes")? {
                        return Err(mint_error(&failure));
                    }
                    replace = true;
                }
                Err(failure) => return Err(mint_error(&failure)),
            }
        }
    }

    /// Targets are left on the old token: both tokens keep working. On a terminal,
    /// the user may promote anyway or abort.
    async fn blocked(
        &self,
        minted: &Minted,
        report: &Report,
        left: &[String],
    ) -> Result<(), CliError> {
        if self.format() == OutputFormat::Table {
            print!("{}", rotate::report_text(report));
        }
        eprintln!("NOT promoted: these would stop working with the old token:");
        for line in left {
            eprintln!("  {}", crate::text::printable(line));
        }
        eprintln!(
            "Both tokens keep working for API calls; {}.",
            crate::ops::rotation::WEBHOOKS
        );
        if !self.a.yes {
            let answer = ask_on_tty_answer(
                "Type promote to promote anyway (the targets above stop working), abort to put \
                 the old token back and delete the new one, or press Enter to leave both \
                 tokens working: ",
            );
            let answer = match answer {
                Ok(text) => Ok(text.trim().to_string()),
                Err(e) if matches!(e.exit, Exit::Interrupted | Exit::Refused) => Ok(String::new()),
                Err(e) => Err(e),
            }?;
            match answer.as_str() {
                "promote" => {
                    let (promotion, warnings) =
                        minted.promote(report, true, &self.stores.journal).await;
                    warn_all(&warnings);
                    return self.promoted(promotion, Some(report), &[]).await;
                }
                "abort" => {
                    let (abort, warnings) = minted
                        .abort(&self.rotator(), &self.plan, report, &self.stores.journal)
                        .await;
                    warn_all(&warnings);
                    return self.aborted(&abort);
                }
                _ => {}
            }
        }
        let sid = &self.plan.account_sid;
        self.print_json(&Outcome {
            account_sid: sid,
            promoted: false,
            old_token_dead: false,
            left_on_old_token: left,
            report: Some(report),
            ..Outcome::default()
        })?;
        Err(CliError::new(
            Exit::Incomplete,
            format!(
                "not promoted: {} target(s) left on the old token; both tokens work. Fix \
                 them, then run `telcreds rotate twilio --account-sid {sid} --promote`; or \
                 `--abort` to put the old token back and delete the new one",
                left.len()
            ),
        ))
    }

    /// After a promotion attempt: the new token to `store_cmd` or shown once.
    /// `left`: the targets a forced promotion knew were not on the new token.
    async fn promoted(
        &self,
        promotion: Promotion,
        report: Option<&Report>,
        left: &[String],
    ) -> Result<(), CliError> {
        let sid = self.plan.account_sid.as_str();
        let failure = promotion.failure();
        let token = match promotion {
            Promotion::Promoted { token } => token,
            Promotion::Refused(e) => {
                let mut err = CliError::from(e);
                err.message = failure.unwrap_or_default();
                return Err(err);
            }
            Promotion::NoSecondary(_) => {
                return Err(CliError::new(Exit::Incomplete, failure.unwrap_or_default()));
            }
            Promotion::Unknown(_) => {
                return Err(CliError::new(Exit::Unknown, failure.unwrap_or_default()));
            }
            Promotion::Blocked { left } => {
                return Err(CliError::new(
                    Exit::Incomplete,
                    format!(
                        "not promoted: {} target(s) left on the old token",
                        left.len()
                    ),
                ));
            }
        };
        let stored = match &self.account.store_cmd {
            Some(cmd) => {
                let (result, warnings) =
                    rotation::store_new_token(cmd, sid, &token, &self.stores.journal).await;
                warn_all(&warnings);
                Some(result)
            }
            None => None,
        };
        let store_failed = matches!(stored, Some(Err(_)));
        let reveal = stored.is_none() || store_failed;
        let outcome = Outcome {
            account_sid: sid,
            promoted: true,
            old_token_dead: true,
            report,
            stored: stored.as_ref().map(|r| match r {
                Ok(said) => said.clone(),
                Err(why) => why.clone(),
            }),
            store_failed,
            new_auth_token: (reveal && self.a.show_secrets).then(|| token.expose()),
            ..Outcome::default()
        };
        emit(self.format(), &outcome, || {
            let mut out = report.map(rotate::report_text).unwrap_or_default();
            out.push_str(&format!(
                "✓ promoted: the new token is the primary of {sid}; the OLD TOKEN IS DEAD\n"
            ));
            for broken in report.map(Report::broken_by_promotion).unwrap_or_default() {
                out.push_str(&format!("✗ {broken}\n"));
            }
            for target in left {
                out.push_str(&format!(
                    "✗ {}: it may hold the DEAD token now; give it the new token\n",
                    crate::text::printable(target)
                ));
            }
            match &stored {
                Some(Ok(said)) => out.push_str(&format!("✓ {said}\n")),
                Some(Err(why)) => out.push_str(&format!("✗ {why}\n")),
                None => {}
            }
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
        if store_failed {
            // The rotation itself is complete: not exit 9.
            return Err(CliError::new(
                Exit::Other,
                "promoted, but store_cmd failed: save the new token in your secret store",
            ));
        }
        match report.and_then(Report::incompleteness) {
            Some(why) => Err(CliError::new(Exit::Incomplete, why)),
            None if !left.is_empty() => Err(CliError::new(
                Exit::Incomplete,
                format!(
                    "promoted with {} target(s) not known to hold the new token",
                    left.len()
                ),
            )),
            None => Ok(()),
        }
    }

    /// `--promote`: promotes the secondary left by an earlier run, once the journal
    /// shows every target of the plan on the new token (or with `--force`).
    async fn promote_later(&self) -> Result<(), CliError> {
        let sid = self.plan.account_sid.as_str();
        let Some(run) = self.journal_run().await else {
            return Err(CliError::new(
                Exit::Refused,
                format!(
                    "the journal holds no unfinished rotation of {sid}: nothing to promote \
                     (a secondary token made elsewhere is promoted in the Twilio console); \
                     nothing was sent"
                ),
            ));
        };
        let left = self.print_holds(&run);
        if !left.is_empty() && !self.a.force {
            eprintln!("NOT promoted: these targets are not known to hold the new token:");
            for line in &left {
                eprintln!("  {}", crate::text::printable(line));
            }
            eprintln!(
                "Both tokens keep working; {}.",
                super::rotation_status::WEBHOOKS
            );
            return Err(CliError::new(
                Exit::Incomplete,
                format!(
                    "not promoted: {} target(s) not on the new token; give them the new token \
                     and --promote again, --promote --force to promote anyway (they stop \
                     working), or --abort",
                    left.len()
                ),
            ));
        }
        if self.a.dry_run {
            return Ok(());
        }
        if !self.a.yes {
            let prompt = format!("Type the Account SID {sid} to promote: ");
            if !ask_on_tty(&prompt, sid)? {
                return Err(CliError::new(
                    Exit::Refused,
                    "not confirmed: nothing was changed",
                ));
            }
        }
        let pending = Pending::new(&self.http, &self.account.accounts_base, &self.current);
        let (promotion, warnings) = pending.promote(&self.stores.journal).await;
        warn_all(&warnings);
        self.promoted(promotion, None, &left).await
    }

    /// The unfinished run of this account, as the journal recorded it.
    async fn journal_run(&self) -> Option<UnfinishedRun> {
        let (entries, warnings) = self.stores.journal.read_in_background().await;
        warn_all(&warnings);
        unfinished_run(&entries, &self.plan.account_sid)
    }

    /// Prints (table output) what the journal recorded for every target of the plan;
    /// returns one line per target or profile not known to hold the new token.
    fn print_holds(&self, run: &UnfinishedRun) -> Vec<String> {
        let mut t = Table::new(&["PROFILE", "PROVIDER", "HOLDS", "RECORDED"]);
        let mut left = Vec::new();
        for target in &self.plan.targets {
            let (holds, recorded) = run.holds(&target.profile, &target.provider_id);
            if holds != Holds::New {
                left.push(format!(
                    "{} {}: {} ({recorded})",
                    target.profile,
                    target.provider_name,
                    holds.as_str()
                ));
            }
            t.row(vec![
                target.profile.clone(),
                crate::text::printable(&target.provider_name).into_owned(),
                holds.as_str().to_string(),
                recorded,
            ]);
        }
        for f in &self.plan.unreachable {
            left.push(format!(
                "profile \"{}\" could not be listed: its providers may hold either token",
                f.profile
            ));
        }
        if self.format() == OutputFormat::Table {
            println!(
                "Promote the secondary token of {} ({}): the old token dies at once.",
                rotate::account_name(&self.plan, &self.current),
                run.stage
            );
            print!("{}", t.render());
        }
        left
    }

    /// `--abort`: the current token on every provider, then the secondary deleted;
    /// with no unfinished run in the journal, nothing to abort and nothing sent.
    async fn abort_later(&self) -> Result<(), CliError> {
        if self.journal_run().await.is_none() {
            eprintln!(
                "nothing to abort: the journal holds no unfinished rotation of {}; nothing \
                 was sent",
                self.plan.account_sid
            );
            return Ok(());
        }
        let intro = format!(
            "Abort the rotation of {}: the current token goes back on every provider, then \
             the secondary token is deleted.",
            rotate::account_name(&self.plan, &self.current)
        );
        if !self.plan_and_confirm(&intro, "Put the current auth token back on")? {
            return rotate::plan_outcome(&self.plan);
        }
        let pending = Pending::new(&self.http, &self.account.accounts_base, &self.current);
        let (abort, warnings) = pending
            .abort(&self.rotator(), &self.plan, &self.stores.journal)
            .await;
        warn_all(&warnings);
        self.aborted(&abort)
    }

    fn aborted(&self, abort: &Abort) -> Result<(), CliError> {
        let summary = abort.summary();
        let view = Aborted {
            account_sid: &self.plan.account_sid,
            clean: abort.is_clean(),
            steps: &summary,
            results: &abort.restored,
        };
        emit(self.format(), &view, || {
            let mut out = String::from("Rotation aborted:\n");
            for line in &summary {
                out.push_str(&format!("  {}\n", crate::text::printable(line)));
            }
            out
        })?;
        if abort.is_clean() {
            Ok(())
        } else {
            Err(CliError::new(
                Exit::Incomplete,
                "abort incomplete: see the steps above",
            ))
        }
    }

    /// Prints the plan under `intro`; false for a dry run (stop there), else asks
    /// `question` unless `--yes`.
    fn plan_and_confirm(&self, intro: &str, question: &str) -> Result<bool, CliError> {
        rotate::print_plan(
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
            rotate::confirm(&self.plan, question)?;
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

fn mint_error(failure: &MintFailure) -> CliError {
    let mut e = CliError::from(failure.as_api_error());
    e.message = failure.to_string();
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

//! The zero-downtime rotation (Twilio's secondary auth token). Nothing
//! changes at Twilio before the user confirmed the plan:
//!
//! 1. [`super::check_everywhere`]: the current token must pass Twilio's check.
//! 2. [`super::plan`] and the user's confirmation, as for any rotation.
//! 3. [`mint`]: a secondary token created at Twilio (an existing one is reported,
//!    replaced only when asked) and checked like any new token.
//! 4. [`super::Rotator::apply`] deploys [`Minted::new_token`] to every target.
//! 5. [`Minted::promote`]: only when no target is left on the old token (a read-only,
//!    failed, unknown or unreached one blocks it), unless the user forces it.
//! 6. [`store_new_token`]: the new primary handed to the user's `store_cmd`.
//!
//! [`Minted::abort`] puts the old token back on the targets already changed, then
//! deletes the secondary. Every step is journaled; no token ever is.

use super::check::{CheckFailure, CheckedToken, check_everywhere};
use super::plan::Plan;
use super::report::Report;
use super::{Rotator, TargetResult};
use crate::api::Http;
use crate::api::twilio_accounts::TwilioAccounts;
use crate::api::{ApiError, ErrorKind};
use crate::config::{Profile, STORE_TIMEOUT, StoreError, store_secret};
use crate::journal::{
    Action, Journal, JournalEntry, JournalTarget, Outcome, ReadError, TargetKind,
};
use crate::ops::warning::{Warning, write_journal};
use crate::ops::{Done, JournalNeeded};
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use std::convert::Infallible;
use std::sync::Arc;

/// Why no secondary token could be minted. Nothing changed on any platform.
#[derive(Debug, Clone)]
pub enum MintFailure {
    /// Twilio refused the current token at its Accounts API.
    CurrentRejected(ApiError),
    /// Twilio refused to create a secondary, most likely because one exists
    /// already: replacing it (delete, then create) is the user's choice.
    SecondaryExists {
        /// Twilio's answer.
        error: ApiError,
        /// telcreds made it, in a rotation that did not finish (its journal says
        /// so): targets may use it, and replacing it would break them.
        unfinished: Option<UnfinishedMint>,
    },
    /// Twilio has not enabled the Accounts API's auth tokens for the account (404,
    /// code 20404 to the create): only Twilio support can.
    ApiNotEnabled(ApiError),
    /// The create got no clear answer: a secondary may exist now.
    Unknown(ApiError),
    /// Twilio could not be asked, or deleting the old secondary failed.
    Failed(ApiError),
    /// The new secondary did not pass Twilio's check; it was deleted again.
    NewRejected(CheckFailure),
    /// The Accounts API base is in another Twilio region than the API base the
    /// profiles use: auth tokens are per region, so nothing was sent.
    OtherRegion(OtherRegion),
    /// The audit journal could not be read: a rotation records each step in it
    /// before sending it, and tells an unfinished one from it, so none starts.
    Journal(JournalNeeded),
}

impl std::error::Error for MintFailure {}

impl std::fmt::Display for MintFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MintFailure::CurrentRejected(e) => {
                write!(f, "Twilio's Accounts API refused the current token: {e}")
            }
            MintFailure::SecondaryExists {
                error,
                unfinished: Some(unfinished),
            } => write!(
                f,
                "Twilio did not create a secondary token ({error}): {unfinished}"
            ),
            MintFailure::SecondaryExists {
                error,
                unfinished: None,
            } => write!(
                f,
                "Twilio did not create a secondary token ({error}); the account most likely \
                 has one already, from an earlier rotation or the console: replace it \
                 (delete, then create) to go on"
            ),
            MintFailure::ApiNotEnabled(e) => write!(
                f,
                "Twilio answered that the account has no Accounts API for auth tokens ({e}): \
                 it is not enabled on this account; contact Twilio support to enable it (or, \
                 outside the US1 region, set the account's twilio_accounts_base to its \
                 region's host)"
            ),
            MintFailure::Unknown(e) => write!(
                f,
                "no clear answer from Twilio to creating the secondary token ({e}): one may \
                 exist now; run again and replace it"
            ),
            MintFailure::Failed(e) => write!(f, "could not create the secondary token: {e}"),
            MintFailure::NewRejected(c) => write!(f, "the new secondary token {c}"),
            MintFailure::OtherRegion(why) => write!(f, "{why}"),
            MintFailure::Journal(e) => write!(f, "{e}"),
        }?;
        f.write_str("; no platform was changed")
    }
}

impl MintFailure {
    /// The error kind, for exit codes.
    pub fn kind(&self) -> ErrorKind {
        match self {
            MintFailure::ApiNotEnabled(_) => ErrorKind::Usage,
            MintFailure::OtherRegion(_) => ErrorKind::Validation,
            MintFailure::Journal(_) => ErrorKind::Refused,
            MintFailure::CurrentRejected(e)
            | MintFailure::Unknown(e)
            | MintFailure::Failed(e)
            | MintFailure::SecondaryExists { error: e, .. } => e.kind(),
            MintFailure::NewRejected(c) => c.kind(),
        }
    }
}

/// A secondary token telcreds created in a rotation that was neither promoted nor
/// aborted: it may be deployed to targets; the journal says which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnfinishedMint {
    /// The account.
    pub account_sid: String,
    /// When the secondary was created.
    pub created: DateTime<Utc>,
    /// That run, as the journal recorded it: which token each target holds.
    pub run: super::UnfinishedRun,
}

impl UnfinishedMint {
    /// When the secondary was created, as shown.
    pub fn created_text(&self) -> String {
        self.created.format("%Y-%m-%d %H:%MZ").to_string()
    }
}

impl std::fmt::Display for UnfinishedMint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "telcreds created the account's secondary token at {} in a rotation that did \
             not finish, so targets may use it and replacing it would break them. Finish \
             that rotation instead: `telcreds rotate twilio --account-sid {} --promote` \
             once every target has it, or `--abort` to put the old token back",
            self.created_text(),
            self.account_sid
        )
    }
}

/// The rotation of `sid` whose secondary token may be deployed, from the journal, if
/// there is one; a journal that cannot be read is the error (never "none").
pub async fn unfinished_mint(
    journal: &Journal,
    sid: &str,
) -> Result<Option<UnfinishedMint>, ReadError> {
    let (entries, _) = journal.read_checked().await?;
    Ok(
        super::unfinished_run(&entries, sid).map(|run| UnfinishedMint {
            account_sid: sid.to_string(),
            created: run.started,
            run,
        }),
    )
}

/// The secondary of `sid` that `entries` show created and then neither promoted nor
/// given up. Only a create that Twilio confirmed opens one (an unanswered create
/// stopped the run before any deployment). Any attempt to delete it closes it: a run
/// deletes its secondary only when no target uses it (a rejected new token, an
/// abort that restored every target, a replace), so even a failed delete leaves
/// nothing that depends on it.
pub(super) fn unfinished_in(entries: &[JournalEntry], sid: &str) -> Option<DateTime<Utc>> {
    entries
        .iter()
        .filter(|e| {
            e.target.kind == TargetKind::TwilioAccount && e.target.id.eq_ignore_ascii_case(sid)
        })
        .fold(None, |open, e| match (e.action, e.outcome) {
            (Action::RotationSecondaryCreate, Outcome::Ok) => Some(e.time),
            (Action::RotationSecondaryDelete, _) | (Action::RotationPromote, Outcome::Ok) => None,
            _ => open,
        })
}

/// A secondary token minted at Twilio in this run, with the token it replaces.
#[derive(Debug, Clone)]
pub struct Minted {
    pending: Pending,
    new: CheckedToken,
}

/// An account whose secondary token may be deployed already, known only by its
/// current (old) token: what a later `--promote` or `--abort` works with, in a
/// run that did not mint the secondary.
#[derive(Debug, Clone)]
pub struct Pending {
    accounts: TwilioAccounts,
    old: CheckedToken,
}

/// Step 3: creates the secondary token at Twilio's Accounts API at `accounts_base`
/// (deleting an existing one first when `replace` is set), then checks it like any
/// new token. `old` is the checked current token.
pub async fn mint(
    http: &Http,
    profiles: &[Profile],
    accounts_base: &str,
    old: &CheckedToken,
    replace: bool,
    journal: &Journal,
) -> Done<Minted, MintFailure> {
    let sid = old.account_sid();
    if let Err(why) = same_region(profiles, accounts_base) {
        return Done::steps(Err(MintFailure::OtherRegion(why)), Vec::new());
    }
    let pending = Pending::new(http, accounts_base, old);
    let mut warnings = Vec::new();
    // telcreds' own secondary, deployed by a run that did not finish: known from the
    // journal before anything is sent, and replaced only on purpose. Without the
    // journal nothing starts: it records each step before it is sent.
    let unfinished = match unfinished_mint(journal, sid).await {
        Ok(unfinished) => unfinished,
        Err(e) => {
            let failure = MintFailure::Journal(JournalNeeded(Arc::new(e)));
            return Done::steps(Err(failure), Vec::new());
        }
    };
    if !replace && let Some(unfinished) = unfinished {
        let error = ApiError::Conflict {
            message: "not created: the account has a secondary token already".into(),
            dependants: Default::default(),
        };
        let failure = MintFailure::SecondaryExists {
            error,
            unfinished: Some(unfinished),
        };
        return Done::steps(Err(failure), warnings);
    }
    if replace {
        let (deleted, w) = pending
            .delete_secondary("replacing the existing secondary token", journal)
            .await;
        warnings.extend(w);
        if let Err(e) = deleted {
            return Done::steps(Err(MintFailure::Failed(e)), warnings);
        }
    }
    warnings.extend(journal_sent(journal, sid, Action::RotationSecondaryCreate));
    let created = pending.accounts.create_secondary().await;
    warnings.extend(journal_step(
        journal,
        sid,
        Action::RotationSecondaryCreate,
        &created,
        "both tokens work until the promotion",
    ));
    let secondary = match created {
        Ok(token) => token,
        Err(e) => {
            // Twilio's codes (a production client maps them: dixahq/twilio-client):
            // 400/70002 a secondary exists, 404/20404 the API is not enabled.
            let failure = match e {
                ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => {
                    MintFailure::CurrentRejected(e)
                }
                e if e.outcome_unknown() => MintFailure::Unknown(e),
                e @ ApiError::Conflict { .. } => MintFailure::SecondaryExists {
                    error: e,
                    unfinished: None,
                },
                e @ ApiError::NotFound { .. } => MintFailure::ApiNotEnabled(e),
                e => MintFailure::Failed(e),
            };
            return Done::steps(Err(failure), warnings);
        }
    };
    let (checked, w) = check_everywhere(http, profiles, sid, &secondary, journal)
        .await
        .into_parts();
    warnings.extend(w);
    match checked {
        Ok(new) => Done::steps(Ok(Minted { pending, new }), warnings),
        Err(failure) => {
            let (_, w) = pending
                .delete_secondary("the new secondary did not pass Twilio's check", journal)
                .await;
            warnings.extend(w);
            Done::steps(Err(MintFailure::NewRejected(failure)), warnings)
        }
    }
}

/// Twilio's region of a base URL: `Some(None)` for US1 (`api.twilio.com`,
/// `accounts.twilio.com`), `Some(Some("ie1"))` for `api.dublin.ie1.twilio.com`, `None`
/// for a host that is not Twilio's (the sandbox).
fn twilio_region(base: &str) -> Option<Option<String>> {
    let url = reqwest::Url::parse(base).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let rest = host.strip_suffix(".twilio.com")?;
    let labels: Vec<&str> = rest.split('.').collect();
    Some(match labels.as_slice() {
        [_] => None,
        [.., region] => Some((*region).to_string()),
        [] => None,
    })
}

/// A profile whose Twilio API is in another region than the account's Accounts
/// API: auth tokens are per region, so nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "profile \"{profile}\" uses Twilio's {api_region} region ({api_base}) but the account's \
     Accounts API is {accounts_base} ({accounts_region}): auth tokens are per region, so set \
     the account's twilio_accounts_base to its region's host; nothing was sent"
)]
pub struct OtherRegion {
    /// The profile.
    pub profile: String,
    /// Its Twilio API's region (`US1`, `IE1` …).
    pub api_region: String,
    /// Its Twilio API base.
    pub api_base: String,
    /// The Accounts API base.
    pub accounts_base: String,
    /// Its region.
    pub accounts_region: String,
}

/// Auth tokens are per Twilio region: the Accounts API at `accounts_base` must be in
/// the region of every profile's Twilio API base, else a mint would answer 401 there.
fn same_region(profiles: &[Profile], accounts_base: &str) -> Result<(), OtherRegion> {
    let Some(accounts) = twilio_region(accounts_base) else {
        return Ok(());
    };
    let name = |r: &Option<String>| r.clone().unwrap_or_else(|| "US1".into()).to_uppercase();
    for p in profiles {
        match twilio_region(&p.twilio_api_base) {
            Some(api) if api != accounts => {
                return Err(OtherRegion {
                    profile: p.name.clone(),
                    api_region: name(&api),
                    api_base: p.twilio_api_base.clone(),
                    accounts_base: accounts_base.to_string(),
                    accounts_region: name(&accounts),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Why a promotion did not happen, or whether it did is unknown.
#[derive(Debug, Clone)]
pub enum NotPromoted {
    /// Not promoted: these targets would stop working. Nothing changed at Twilio;
    /// both tokens keep working.
    Blocked {
        /// One line per target or profile left behind.
        left: Vec<String>,
    },
    /// Twilio refused: nothing changed, both tokens keep working.
    Refused(ApiError),
    /// Twilio has no secondary to promote (404, code 20404): it was deleted, and
    /// every target given it is broken.
    NoSecondary(ApiError),
    /// No clear answer: the old token may be dead already.
    Unknown(ApiError),
}

impl std::error::Error for NotPromoted {}

impl std::fmt::Display for NotPromoted {
    /// What it means, in the words every frontend shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotPromoted::Blocked { left } => write!(
                f,
                "NOT promoted: {} target(s) would stop working with the old token",
                left.len()
            ),
            NotPromoted::Refused(e) => write!(
                f,
                "Twilio refused the promotion ({e}): nothing changed at Twilio, both tokens \
                 keep working"
            ),
            NotPromoted::NoSecondary(e) => write!(
                f,
                "Twilio has no secondary token to promote ({e}): it was deleted (in the \
                 console?), so every target given it is BROKEN now; put the current token \
                 back on them by aborting the rotation (--abort, or A on its screen)"
            ),
            NotPromoted::Unknown(e) => write!(
                f,
                "no clear answer from Twilio to the promotion ({e}): the old token may be \
                 dead already; check the account in the Twilio console"
            ),
        }
    }
}

impl NotPromoted {
    /// The error kind, for exit codes: Twilio's refusal keeps its own; a promotion
    /// blocked or with no secondary leaves the rotation unfinished.
    pub fn kind(&self) -> ErrorKind {
        match self {
            NotPromoted::Refused(e) => e.kind(),
            NotPromoted::Unknown(_) => ErrorKind::Unconfirmed,
            NotPromoted::Blocked { .. } | NotPromoted::NoSecondary(_) => ErrorKind::Incomplete,
        }
    }
}

/// What an abort did: the old token put back, then the secondary deleted.
#[derive(Debug, Clone)]
pub struct Abort {
    /// The restore of each target (skipped: never changed).
    pub restored: Report,
    /// Deleting the secondary: `None` when it was kept because a target may still
    /// hold it (its restore failed, or its profile was not reached).
    pub secondary_deleted: Option<Result<(), ApiError>>,
    /// Profiles not reached by an abort that does not know where the secondary went
    /// (a later `--abort`): their providers may use it.
    pub unreached: Vec<String>,
}

impl Abort {
    /// Targets that may still hold the secondary token.
    pub fn still_on_new_token(&self) -> impl Iterator<Item = &TargetResult> {
        self.restored.failed()
    }

    /// True when every changed target is back on the old token and the secondary is
    /// gone.
    pub fn is_clean(&self) -> bool {
        self.restored.failed().next().is_none() && matches!(self.secondary_deleted, Some(Ok(())))
    }

    /// One line per step, in the words every frontend shows.
    pub fn summary(&self) -> Vec<String> {
        let name = |r: &TargetResult| format!("{} {}", r.target.profile, r.target.provider_name);
        let mut lines = Vec::new();
        for r in &self.restored.results {
            lines.push(format!("{}: {}", name(r), restore_detail(&r.outcome)));
        }
        for profile in &self.unreached {
            lines.push(format!(
                "profile \"{profile}\" could not be listed: its providers may still use the \
                 secondary token"
            ));
        }
        lines.push(match &self.secondary_deleted {
            Some(Ok(())) => "secondary token deleted at Twilio: only the old token works".into(),
            Some(Err(e)) => format!(
                "deleting the secondary token failed ({e}): it still works; delete it in the \
                 Twilio console"
            ),
            None if !self.unreached.is_empty() => {
                "secondary token KEPT: a profile not reached may use it; fix it, or leave \
                 it out (--profiles), then abort again"
                    .into()
            }
            None => "secondary token KEPT: a target may still use it; fix those targets, \
                     then abort again"
                .into(),
        });
        lines
    }
}

/// What putting the old token back did to one target, in words.
pub fn restore_detail(outcome: &super::TargetOutcome) -> String {
    match outcome {
        super::TargetOutcome::Skipped { reason } => reason.clone(),
        super::TargetOutcome::Failed { stage, error } => match stage {
            super::Stage::Update => format!("NOT restored, may still hold the new token: {error}"),
            super::Stage::Verify => {
                format!("old token restored; verification failed to run: {error}")
            }
        },
        super::TargetOutcome::UpdatedWarning { status, .. } => {
            format!("old token restored; verification {status}")
        }
        _ => "old token restored".to_string(),
    }
}

impl Minted {
    /// The secondary token, checked: deploy it with [`Rotator::apply`].
    pub fn new_token(&self) -> &CheckedToken {
        &self.new
    }

    /// Step 5: promotes the secondary when `report` (its deployment) leaves no target
    /// on the old token, or when `force` is set (the user fixed those targets by other
    /// means). Journaled. The new primary token, or why not.
    pub async fn promote(
        &self,
        report: &Report,
        force: bool,
        journal: &Journal,
    ) -> Done<Secret, NotPromoted> {
        let left = report.promotion_blockers();
        if !left.is_empty() && !force {
            return Done::refused(NotPromoted::Blocked { left });
        }
        let detail = if left.is_empty() {
            "every target uses the new token; the old token is dead".to_string()
        } else {
            format!(
                "forced with {} target(s) not known to use the new token",
                left.len()
            )
        };
        self.pending
            .promote_with(&detail, journal, Some(self.new.token()))
            .await
    }

    /// Step 6 (abort): puts the old token back on every target of `deployed` that
    /// holds the new one (or may), then deletes the secondary unless a target may
    /// still hold it.
    pub async fn abort(
        &self,
        rotator: &Rotator,
        plan: &Plan,
        deployed: &Report,
        journal: &Journal,
    ) -> Done<Abort, Infallible> {
        // This run's deployment never reached the profiles it could not list.
        let restored = rotator.restore(plan, deployed, &self.pending.old).await;
        self.pending
            .finish_abort(restored, Vec::new(), journal)
            .await
    }
}

impl Pending {
    /// The account of `current` (checked) at Twilio's Accounts API at `accounts_base`.
    pub fn new(http: &Http, accounts_base: &str, current: &CheckedToken) -> Pending {
        let accounts = TwilioAccounts::new(
            http.clone(),
            accounts_base,
            current.account_sid(),
            current.token().clone(),
        );
        Pending {
            accounts,
            old: current.clone(),
        }
    }

    /// Promotes whatever secondary the account has: the caller has confirmed that
    /// every target holds it. Journaled.
    pub async fn promote(&self, journal: &Journal) -> Done<Secret, NotPromoted> {
        self.promote_with("promoted on request (a later promote step)", journal, None)
            .await
    }

    /// `deployed`: the secondary this run minted and deployed, when it is known.
    async fn promote_with(
        &self,
        detail: &str,
        journal: &Journal,
        deployed: Option<&Secret>,
    ) -> Done<Secret, NotPromoted> {
        let sent = journal_sent(journal, self.old.account_sid(), Action::RotationPromote);
        let result = self
            .accounts
            .promote()
            .await
            // The request's own secrets are scrubbed already; the deployed secondary
            // may be echoed in the answer's free text too.
            .map_err(|e| match deployed {
                Some(secondary) => e.scrubbed(&[secondary]),
                None => e,
            })
            .and_then(|answer| new_primary(answer, deployed));
        let warnings = sent
            .into_iter()
            .chain(journal_step(
                journal,
                self.old.account_sid(),
                Action::RotationPromote,
                &result,
                detail,
            ))
            .collect();
        let result = result.map_err(|e| match e {
            e if e.outcome_unknown() => NotPromoted::Unknown(e),
            e @ ApiError::NotFound { .. } => NotPromoted::NoSecondary(e),
            e => NotPromoted::Refused(e),
        });
        Done::steps(result, warnings)
    }

    /// Puts the current token on every target of `plan` (verifying where the
    /// platform can), then deletes the secondary unless a target may still hold it.
    pub async fn abort(
        &self,
        rotator: &Rotator,
        plan: &Plan,
        journal: &Journal,
    ) -> Done<Abort, Infallible> {
        // An earlier run may have reached the profiles this one cannot list.
        let restored = rotator.restore_all(plan, &self.old).await;
        let unreached = restored
            .unreachable
            .iter()
            .map(|f| f.profile.clone())
            .collect();
        self.finish_abort(restored, unreached, journal).await
    }

    /// Deletes the secondary (none to delete is as good as deleted); journaled with
    /// `why`.
    async fn delete_secondary(
        &self,
        why: &str,
        journal: &Journal,
    ) -> (Result<(), ApiError>, Option<Warning>) {
        let sid = self.old.account_sid();
        let sent = journal_sent(journal, sid, Action::RotationSecondaryDelete);
        let deleted = match self.accounts.delete_secondary().await {
            Err(ApiError::NotFound { .. }) => Ok(()),
            other => other,
        };
        let warning = journal_step(journal, sid, Action::RotationSecondaryDelete, &deleted, why);
        (deleted, sent.or(warning))
    }

    /// Deletes the secondary unless a target may still use it: one whose restore
    /// failed, or one on the `unreached` profiles.
    async fn finish_abort(
        &self,
        restored: Report,
        unreached: Vec<String>,
        journal: &Journal,
    ) -> Done<Abort, Infallible> {
        let mut warnings = restored.warnings.clone();
        let secondary_deleted = if restored.failed().next().is_none() && unreached.is_empty() {
            let (deleted, w) = self.delete_secondary("rotation aborted", journal).await;
            warnings.extend(w);
            Some(deleted)
        } else {
            None
        };
        Done::steps(
            Ok(Abort {
                restored,
                secondary_deleted,
                unreached,
            }),
            warnings,
        )
    }
}

/// The new primary after a promotion Twilio answered with `answer`: the secondary
/// this run `deployed` (Twilio promotes that one, whatever its answer says), else the
/// answer's token when it is one; an answer holding no auth token leaves the new
/// primary unknown (the promotion itself may have happened).
fn new_primary(answer: Secret, deployed: Option<&Secret>) -> Result<Secret, ApiError> {
    if let Some(deployed) = deployed {
        if answer != *deployed {
            tracing::warn!(
                "Twilio's answer to the promotion named another token than the one deployed"
            );
        }
        return Ok(deployed.clone());
    }
    match crate::domain::validate::auth_token(&answer) {
        Ok(()) => Ok(answer),
        Err(_) => Err(ApiError::Unconfirmed(Box::new(ApiError::Decode {
            status: 200,
            excerpt: "the answer to the promotion held no valid auth token: read the new \
                      primary in the Twilio console"
                .into(),
        }))),
    }
}

/// Step 6: hands the new primary token to `store_cmd` on its stdin (off the async
/// threads); the result names the exit status, never the token. Journaled.
pub async fn store_new_token(
    store_cmd: &str,
    account_sid: &str,
    token: &Secret,
    journal: &Journal,
) -> Done<String, StoreError> {
    let sent = journal_sent(journal, account_sid, Action::RotationStore);
    let (cmd, secret) = (store_cmd.to_string(), token.clone());
    let result = tokio::task::spawn_blocking(move || store_secret(&cmd, &secret, STORE_TIMEOUT))
        .await
        .unwrap_or_else(|e| Err(StoreError::Stopped(e.to_string())));
    let target = JournalTarget::new(TargetKind::TwilioAccount, account_sid, None);
    let entry = JournalEntry::new(Action::RotationStore, target);
    let entry = match &result {
        Ok(said) => entry.detail(said.clone()),
        Err(why) => entry.failed(why.to_string()),
    };
    let warnings = sent
        .into_iter()
        .chain(write_journal(journal, &entry))
        .collect();
    Done::steps(result, warnings)
}

/// Journals a step at Twilio's Accounts API as sent, before it is: a crash while it
/// is in flight then reads as "sent, no answer".
fn journal_sent(journal: &Journal, sid: &str, action: Action) -> Option<Warning> {
    let target = JournalTarget::new(TargetKind::TwilioAccount, sid, None);
    write_journal(journal, &JournalEntry::new(action, target).sent())
}

/// Journals one step at Twilio's Accounts API.
fn journal_step<T>(
    journal: &Journal,
    sid: &str,
    action: Action,
    result: &Result<T, ApiError>,
    detail: &str,
) -> Option<Warning> {
    let target = JournalTarget::new(TargetKind::TwilioAccount, sid, None);
    let entry = JournalEntry::new(action, target).result(result);
    let entry = if result.is_ok() {
        entry.detail(detail)
    } else {
        entry
    };
    write_journal(journal, &entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SID: &str = "AC759b765966b5b7c9cdfaa58072348b24";

    #[test]
    fn the_new_primary_is_the_deployed_secondary_or_a_valid_token_from_the_answer() {
        let deployed = Secret::new("0123456789abcdef0123456789abcdef");
        let other = Secret::new("fedcba9876543210fedcba9876543210");
        assert_eq!(
            new_primary(other.clone(), Some(&deployed)).unwrap(),
            deployed
        );
        assert_eq!(new_primary(other.clone(), None).unwrap(), other);
        let hostile = Secret::new("\u{1b}[2Jabcdef0123456789abcdef012345678");
        let e = new_primary(hostile, None).unwrap_err();
        assert!(e.outcome_unknown(), "{e:?}");
        assert!(!format!("{e}").contains('\u{1b}'));
    }

    #[test]
    fn an_accounts_api_in_another_region_than_the_profiles_is_refused() {
        assert_eq!(twilio_region("https://api.twilio.com"), Some(None));
        assert_eq!(
            twilio_region("https://api.dublin.ie1.twilio.com/"),
            Some(Some("ie1".into()))
        );
        assert_eq!(twilio_region("http://127.0.0.1:8931"), None);
        let mut profile = Profile::new(
            "eu",
            crate::domain::Platform::Dasha,
            "https://x.io",
            crate::config::TokenSource::Env("T".into()),
        );
        profile.twilio_api_base = "https://api.dublin.ie1.twilio.com".into();
        let why = same_region(&[profile.clone()], "https://accounts.twilio.com")
            .unwrap_err()
            .to_string();
        assert!(
            why.contains("IE1") && why.contains("twilio_accounts_base"),
            "{why}"
        );
        assert!(same_region(&[profile.clone()], "https://accounts.dublin.ie1.twilio.com").is_ok());
        profile.twilio_api_base = "https://api.twilio.com".into();
        assert!(same_region(&[profile], "https://accounts.twilio.com").is_ok());
    }

    fn step(action: Action, outcome: Outcome, sid: &str) -> JournalEntry {
        let mut e = JournalEntry::new(
            action,
            JournalTarget::new(TargetKind::TwilioAccount, sid, None),
        );
        e.outcome = outcome;
        e
    }

    fn open_after(steps: &[(Action, Outcome)]) -> bool {
        let entries: Vec<JournalEntry> = steps.iter().map(|&(a, o)| step(a, o, SID)).collect();
        unfinished_in(&entries, &SID.to_uppercase()).is_some()
    }

    #[test]
    fn a_created_secondary_is_unfinished_until_promoted_or_given_up() {
        use Action::RotationSecondaryDelete as Delete;
        use Action::{RotationPromote as Promote, RotationSecondaryCreate as Create};
        use Outcome::{Failed, Ok, Unknown};
        assert!(open_after(&[(Create, Ok)]), "created, then interrupted");
        assert!(!open_after(&[(Create, Ok), (Promote, Ok)]), "promoted");
        assert!(
            open_after(&[(Create, Ok), (Promote, Unknown)]),
            "maybe promoted"
        );
        assert!(!open_after(&[(Create, Ok), (Delete, Ok)]), "aborted");
        assert!(
            !open_after(&[(Create, Ok), (Delete, Failed)]),
            "given up, not deployed"
        );
        assert!(
            !open_after(&[(Create, Unknown)]),
            "no answer: the run stopped there"
        );
        assert!(
            open_after(&[(Create, Ok), (Delete, Ok), (Create, Ok)]),
            "replaced"
        );
        assert!(!open_after(&[]));
        let other = [step(Create, Ok, "AC00000000000000000000000000000000")];
        assert!(unfinished_in(&other, SID).is_none(), "another account");
    }
}

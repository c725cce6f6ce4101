//! One rotation run as a value: the frontends never sequence its steps. They
//! create a [`RotationRun`] from a confirmed plan (or from the journal's record of a
//! run that did not finish), ask it which [`Decision`]s it takes now, hand it the
//! user's, and render its [`RunStage`] and [`RotationRun::summary`], the words
//! every frontend shows.
//!
//! A run of kind [`RunKind::Mint`] goes mint → deploy → promote (at once, when no
//! target is left on the old token) → store; a run of kind [`RunKind::Given`]
//! deploys a token the user already has. Every step journals itself as it is sent
//! and as it ends, so the same run is rebuilt from the journal after a crash
//! ([`super::unfinished_run`]).

use super::mint::{Abort, MintFailure, Minted, NotPromoted, Pending, UnfinishedMint};
use super::{CheckedToken, Holds, Plan, Report, RotationEvent, Rotator, SummaryLine, WEBHOOKS};
use crate::api::Http;
use crate::config::Profile;
use crate::domain::Tone;
use crate::history::History;
use crate::journal::Journal;
use crate::ops::Done;
use crate::ops::warning::Warning;
use crate::secret::Secret;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

/// Where a zero-downtime rotation reaches Twilio's Accounts API, and where the new
/// primary goes once promoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintSetup {
    /// The Accounts API base of the account.
    pub accounts_base: String,
    /// The account's `store_cmd`, if any.
    pub store_cmd: Option<String>,
}

/// What a run rotates.
#[derive(Debug, Clone)]
pub enum RunKind {
    /// A token the user already has (rotated in the console): deploy it.
    Given,
    /// A secondary token minted at Twilio, deployed, then promoted.
    Mint(Arc<MintSetup>),
}

/// What every step of a run talks to.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// The HTTP client.
    pub http: Http,
    /// Where steps are recorded.
    pub journal: Journal,
    /// Where verifications are recorded.
    pub history: History,
    /// Every profile (a new token is checked with each Twilio base).
    pub profiles: Vec<Profile>,
    /// Targets updated at once.
    pub concurrency: usize,
    /// Set when the frontend is closing: a run finishes the step in flight (and
    /// stores a token it promoted), then starts no other.
    pub halt: Arc<AtomicBool>,
}

impl RunContext {
    fn halted(&self) -> bool {
        self.halt.load(Ordering::SeqCst)
    }
}

/// Where a run stands.
#[derive(Debug, Clone)]
pub enum RunStage {
    /// Confirmed, nothing sent yet.
    Planned,
    /// Creating the secondary token at Twilio.
    Minting,
    /// No secondary was minted; nothing changed on any platform.
    NotMinted(MintFailure),
    /// An earlier run of this account did not finish (the journal says so): promote
    /// or abort it, or replace its secondary.
    Unfinished(Box<UnfinishedMint>),
    /// Putting the token on every target.
    Deploying,
    /// A given token's deployment ended (see the report).
    Deployed,
    /// Not promoted: these targets are not known to hold the new token. Both
    /// tokens keep working for API calls.
    Blocked {
        /// One line per target or profile left behind.
        left: Vec<String>,
    },
    /// Stopped between two steps because the frontend closed: the journal says
    /// where (see [`super::unfinished_run`]).
    Halted,
    /// Promoting the secondary at Twilio.
    Promoting,
    /// Handing the new primary to `store_cmd`.
    Storing,
    /// Promoted: the old token is dead.
    Promoted {
        /// The new primary.
        token: Secret,
        /// What `store_cmd` said, when there is one.
        stored: Option<Result<String, crate::config::StoreError>>,
        /// The targets a forced promotion knew were not on the new token.
        forced_over: Vec<String>,
    },
    /// The promotion did not happen, or its outcome is unknown.
    PromotionFailed(NotPromoted),
    /// Putting the old token back.
    Aborting,
    /// Aborted.
    Aborted(Abort),
}

impl RunStage {
    /// What a step that runs is doing, in words; `None` when none runs.
    pub fn progress(&self) -> Option<SummaryLine> {
        let text = match self {
            RunStage::Minting => {
                "minting a new token at Twilio (a secondary token: both work until it is \
                 promoted)…"
            }
            RunStage::Deploying => "updating every target; the result appears here",
            RunStage::Promoting => "promoting the new token…",
            RunStage::Storing => "handing the new token to store_cmd…",
            RunStage::Aborting => "putting the old token back…",
            _ => return None,
        };
        Some(SummaryLine {
            tone: Tone::Pending,
            text: text.into(),
        })
    }

    /// True while a step runs.
    pub fn busy(&self) -> bool {
        matches!(
            self,
            RunStage::Minting
                | RunStage::Deploying
                | RunStage::Promoting
                | RunStage::Storing
                | RunStage::Aborting
        )
    }
}

/// What the user decided; a run takes only those it [`RotationRun::offers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go (the plan was confirmed).
    Start,
    /// Delete the account's existing secondary token and mint a new one.
    Replace,
    /// Update the failed targets again.
    Retry,
    /// Promote; `force`: past targets not known to hold the new token.
    Promote {
        /// Promote although targets would stop working.
        force: bool,
    },
    /// Put the old token back and delete the secondary.
    Abort,
}

/// Progress while a decision is carried out.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// The run reached a stage.
    Stage(RunStage),
    /// A target's progress.
    Target(RotationEvent),
}

/// A decision the run does not take in its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotOffered(pub Decision);

impl std::fmt::Display for NotOffered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not possible at this stage of the rotation",
            self.0
        )
    }
}

/// One rotation run.
#[derive(Debug)]
pub struct RotationRun {
    id: u64,
    ctx: RunContext,
    kind: RunKind,
    plan: Arc<Plan>,
    current: Arc<CheckedToken>,
    minted: Option<Minted>,
    report: Option<Report>,
    stage: RunStage,
    events: Option<UnboundedSender<RunEvent>>,
}

impl RotationRun {
    /// A run of `plan`, confirmed by the user, with the checked `current` token:
    /// the token to deploy for [`RunKind::Given`], the one being replaced for
    /// [`RunKind::Mint`]. Nothing is sent before [`Decision::Start`].
    pub fn new(
        id: u64,
        ctx: RunContext,
        kind: RunKind,
        plan: Arc<Plan>,
        current: Arc<CheckedToken>,
    ) -> RotationRun {
        RotationRun {
            id,
            ctx,
            kind,
            plan,
            current,
            minted: None,
            report: None,
            stage: RunStage::Planned,
            events: None,
        }
    }

    /// The run of an earlier process that did not finish, as the journal recorded
    /// it: it takes promote, abort or replace.
    pub fn resume(
        id: u64,
        ctx: RunContext,
        setup: Arc<MintSetup>,
        plan: Arc<Plan>,
        current: Arc<CheckedToken>,
        unfinished: UnfinishedMint,
    ) -> RotationRun {
        let mut run = RotationRun::new(id, ctx, RunKind::Mint(setup), plan, current);
        run.stage = RunStage::Unfinished(Box::new(unfinished));
        run
    }

    /// Sends a [`RunEvent`] per stage and target step to `events` from now on (a
    /// closed receiver is ignored); `None` stops them.
    pub fn set_events(&mut self, events: Option<UnboundedSender<RunEvent>>) {
        self.events = events;
    }

    /// The id the frontend gave it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Where it stands.
    pub fn stage(&self) -> &RunStage {
        &self.stage
    }

    /// What it updates.
    pub fn plan(&self) -> &Arc<Plan> {
        &self.plan
    }

    /// The account.
    pub fn account_sid(&self) -> &str {
        &self.plan.account_sid
    }

    /// The deployment's result, once there is one.
    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    /// True for a zero-downtime rotation.
    pub fn mints(&self) -> bool {
        matches!(self.kind, RunKind::Mint(_))
    }

    /// The unfinished run it resumes, when it stands there.
    pub fn unfinished(&self) -> Option<&UnfinishedMint> {
        match &self.stage {
            RunStage::Unfinished(u) => Some(u),
            _ => None,
        }
    }

    /// Failed targets of the deployment, which [`Decision::Retry`] updates again.
    pub fn failed_count(&self) -> usize {
        self.report.as_ref().map_or(0, |r| r.failed().count())
    }

    /// True when the run takes `decision` now.
    pub fn offers(&self, decision: Decision) -> bool {
        let minted = self.minted.is_some();
        match (&self.stage, decision) {
            (RunStage::Planned, Decision::Start) => true,
            (RunStage::Planned, Decision::Replace) => self.mints(),
            (
                RunStage::NotMinted(MintFailure::SecondaryExists {
                    unfinished: None, ..
                }),
                Decision::Replace,
            ) => true,
            (RunStage::Unfinished(_), d) => {
                matches!(
                    d,
                    Decision::Promote { .. } | Decision::Abort | Decision::Replace
                )
            }
            (RunStage::Deployed, Decision::Retry) => self.failed_count() > 0,
            (RunStage::Blocked { .. }, Decision::Retry) => minted && self.failed_count() > 0,
            (RunStage::Blocked { .. }, Decision::Promote { force }) => force,
            (RunStage::Blocked { .. } | RunStage::Halted, Decision::Abort) => true,
            (RunStage::Halted, Decision::Promote { .. }) => self.report.is_some(),
            (RunStage::PromotionFailed(NotPromoted::Refused(_)), Decision::Promote { .. }) => true,
            _ => false,
        }
    }

    /// Carries out `decision`, and every step that follows without a question: a
    /// minted token is deployed, then promoted when nothing is left on the old
    /// token (no wait: webhooks are signed with the primary), then stored.
    /// A decision the stage does not offer is refused; nothing is sent.
    pub async fn advance(&mut self, decision: Decision) -> Done<(), NotOffered> {
        if !self.offers(decision) {
            return Done::refused(NotOffered(decision));
        }
        let mut warnings = Vec::new();
        match decision {
            Decision::Start | Decision::Replace => match self.kind.clone() {
                RunKind::Given => {
                    let token = self.current.clone();
                    self.deploy(|r, plan| async move { r.apply(&plan, &token).await })
                        .await;
                    self.set_stage(RunStage::Deployed);
                }
                RunKind::Mint(setup) => {
                    self.mint(&setup, decision == Decision::Replace, &mut warnings)
                        .await;
                }
            },
            Decision::Retry => {
                let Some(previous) = self.report.clone() else {
                    return Done::steps(Ok(()), warnings);
                };
                let token = self.deployed_token();
                let (plan, prev) = (self.plan.clone(), previous.clone());
                self.deploy(|r, _| async move { r.retry(&plan, &prev, &token).await })
                    .await;
                if let Some(report) = self.report.as_mut() {
                    report.warnings =
                        [previous.warnings, std::mem::take(&mut report.warnings)].concat();
                }
                match self.kind.clone() {
                    RunKind::Given => self.set_stage(RunStage::Deployed),
                    RunKind::Mint(_) if self.ctx.halted() => self.set_stage(RunStage::Halted),
                    RunKind::Mint(setup) => self.promote(&setup, false, &mut warnings).await,
                }
            }
            Decision::Promote { force } => {
                if let RunKind::Mint(setup) = self.kind.clone() {
                    self.promote(&setup, force, &mut warnings).await;
                }
            }
            Decision::Abort => {
                if let RunKind::Mint(setup) = self.kind.clone() {
                    self.abort(&setup, &mut warnings).await;
                }
            }
        }
        Done::steps(Ok(()), warnings)
    }

    /// The token deployed: the minted secondary, else the given one.
    fn deployed_token(&self) -> Arc<CheckedToken> {
        match &self.minted {
            Some(m) => Arc::new(m.new_token().clone()),
            None => self.current.clone(),
        }
    }

    fn set_stage(&mut self, stage: RunStage) {
        if let Some(tx) = &self.events {
            let _ = tx.send(RunEvent::Stage(stage.clone()));
        }
        self.stage = stage;
    }

    fn rotator(&self) -> Rotator {
        Rotator::new(self.ctx.journal.clone(), self.ctx.history.clone())
            .with_concurrency(self.ctx.concurrency)
    }

    /// Runs one deployment (or retry) with progress forwarded as events.
    async fn deploy<F, Fut>(&mut self, work: F)
    where
        F: FnOnce(Rotator, Arc<Plan>) -> Fut,
        Fut: Future<Output = Report>,
    {
        self.set_stage(RunStage::Deploying);
        let mut rotator = self.rotator();
        let forward = self.events.clone().map(|events| {
            let (tx, mut rx) = unbounded_channel();
            rotator = rotator.clone().with_events(tx);
            tokio::spawn(async move {
                while let Some(e) = rx.recv().await {
                    let _ = events.send(RunEvent::Target(e));
                }
            })
        });
        let report = work(rotator, self.plan.clone()).await;
        if let Some(task) = forward {
            let _ = task.await;
        }
        self.report = Some(report);
    }

    /// Mints (replacing an existing secondary when asked), deploys, promotes.
    async fn mint(&mut self, setup: &MintSetup, replace: bool, warnings: &mut Vec<Warning>) {
        self.set_stage(RunStage::Minting);
        let (result, w) = super::mint(
            &self.ctx.http,
            &self.ctx.profiles,
            &setup.accounts_base,
            &self.current,
            replace,
            &self.ctx.journal,
        )
        .await
        .into_parts();
        warnings.extend(w);
        let minted = match result {
            Ok(minted) => minted,
            Err(MintFailure::SecondaryExists {
                unfinished: Some(unfinished),
                ..
            }) => {
                self.set_stage(RunStage::Unfinished(Box::new(unfinished)));
                return;
            }
            Err(failure) => {
                self.set_stage(RunStage::NotMinted(failure));
                return;
            }
        };
        let token = Arc::new(minted.new_token().clone());
        self.minted = Some(minted);
        if self.ctx.halted() {
            return self.set_stage(RunStage::Halted);
        }
        self.deploy(|r, plan| async move { r.apply(&plan, &token).await })
            .await;
        if self.ctx.halted() {
            return self.set_stage(RunStage::Halted);
        }
        self.promote(setup, false, warnings).await;
    }

    /// Targets a promotion would leave behind, as far as the run knows: its own
    /// deployment's, else what the journal recorded for the run it resumes.
    pub fn left_behind(&self) -> Vec<String> {
        match (&self.report, &self.stage) {
            (Some(report), _) => report.promotion_blockers(),
            (None, RunStage::Unfinished(u)) => self.left_by_journal(u),
            (None, RunStage::Blocked { left }) => left.clone(),
            _ => Vec::new(),
        }
    }

    /// Targets a promotion of a resumed run would leave behind: every target of the
    /// plan the journal does not show on the new token, every profile not listed.
    fn left_by_journal(&self, unfinished: &UnfinishedMint) -> Vec<String> {
        let mut left: Vec<String> = self
            .plan
            .targets
            .iter()
            .filter_map(|t| {
                let (holds, recorded) = unfinished.run.holds(&t.profile, &t.provider_id);
                (holds != Holds::New).then(|| {
                    format!(
                        "{} {}: {} ({recorded})",
                        t.profile,
                        t.provider_name,
                        holds.as_str()
                    )
                })
            })
            .collect();
        left.extend(self.plan.unreachable.iter().map(|f| {
            format!(
                "profile \"{}\" could not be listed: its providers may hold either token",
                f.profile
            )
        }));
        left
    }

    /// Promotes (unless targets are left behind and `force` is not set), then
    /// stores the new primary.
    async fn promote(&mut self, setup: &MintSetup, force: bool, warnings: &mut Vec<Warning>) {
        let (promotion, forced_over) = match (self.minted.clone(), self.report.clone()) {
            (Some(minted), Some(report)) => {
                let left = report.promotion_blockers();
                if !left.is_empty() && !force {
                    self.set_stage(RunStage::Blocked { left });
                    return;
                }
                self.set_stage(RunStage::Promoting);
                let (p, w) = minted
                    .promote(&report, force, &self.ctx.journal)
                    .await
                    .into_parts();
                warnings.extend(w);
                (p, Vec::new())
            }
            _ => {
                // A run rebuilt from the journal: what it recorded decides.
                let left = match &self.stage {
                    RunStage::Unfinished(u) => self.left_by_journal(u),
                    RunStage::Blocked { left } => left.clone(),
                    _ => Vec::new(),
                };
                if !left.is_empty() && !force {
                    self.set_stage(RunStage::Blocked { left });
                    return;
                }
                self.set_stage(RunStage::Promoting);
                let pending = self.pending(setup);
                let (p, w) = pending.promote(&self.ctx.journal).await.into_parts();
                warnings.extend(w);
                (p, left)
            }
        };
        let token = match promotion {
            Ok(token) => token,
            Err(NotPromoted::Blocked { left }) => {
                self.set_stage(RunStage::Blocked { left });
                return;
            }
            Err(other) => {
                self.set_stage(RunStage::PromotionFailed(other));
                return;
            }
        };
        let stored = match &setup.store_cmd {
            Some(cmd) => {
                self.set_stage(RunStage::Storing);
                let (result, w) =
                    super::store_new_token(cmd, self.account_sid(), &token, &self.ctx.journal)
                        .await
                        .into_parts();
                warnings.extend(w);
                Some(result)
            }
            None => None,
        };
        self.set_stage(RunStage::Promoted {
            token,
            stored,
            forced_over,
        });
    }

    /// The account at Twilio's Accounts API, known by its current token.
    fn pending(&self, setup: &MintSetup) -> Pending {
        Pending::new(&self.ctx.http, &setup.accounts_base, &self.current)
    }

    /// Puts the old token back, then deletes the secondary.
    async fn abort(&mut self, setup: &MintSetup, warnings: &mut Vec<Warning>) {
        self.set_stage(RunStage::Aborting);
        let rotator = self.rotator();
        let done = match (&self.minted, &self.report) {
            (Some(minted), Some(report)) => {
                minted
                    .abort(&rotator, &self.plan, report, &self.ctx.journal)
                    .await
            }
            _ => {
                self.pending(setup)
                    .abort(&rotator, &self.plan, &self.ctx.journal)
                    .await
            }
        };
        warnings.extend(done.warnings);
        let Ok(abort) = done.result;
        self.set_stage(RunStage::Aborted(abort));
    }

    /// Where the run stands, in the words every frontend shows (the command line
    /// prints them, the UI draws them, JSON carries them): the deployment's summary
    /// when this run deployed, then what the stage means.
    pub fn summary(&self) -> Vec<SummaryLine> {
        if let Some(progress) = self.stage.progress() {
            return vec![progress];
        }
        let mut lines = match (&self.stage, &self.report) {
            (RunStage::Planned | RunStage::NotMinted(_) | RunStage::Unfinished(_), _)
            | (_, None) => Vec::new(),
            (_, Some(report)) => report.summary(),
        };
        lines.extend(self.stage_lines());
        lines
    }

    /// What the stage means, under the deployment's summary.
    fn stage_lines(&self) -> Vec<SummaryLine> {
        let line = |tone, text: String| SummaryLine { tone, text };
        let sid = self.account_sid();
        match &self.stage {
            RunStage::NotMinted(failure) => vec![line(Tone::Error, failure.to_string())],
            RunStage::Unfinished(u) => vec![line(
                Tone::Error,
                format!(
                    "telcreds created the account's secondary at {} in a rotation that did \
                     not finish ({}); the journal recorded which token each target holds",
                    u.created_text(),
                    u.run.stage
                ),
            )],
            RunStage::Blocked { left } => {
                let mut lines = vec![line(
                    Tone::Error,
                    "NOT promoted: these would stop working with the old token:".into(),
                )];
                lines.extend(left.iter().map(|l| line(Tone::Error, format!("  {l}"))));
                lines.push(line(
                    Tone::Warn,
                    format!("Both tokens keep working for API calls; {WEBHOOKS}."),
                ));
                lines
            }
            RunStage::Promoted {
                stored,
                forced_over,
                ..
            } => {
                let mut lines = vec![line(
                    Tone::Ok,
                    format!(
                        "promoted: the new token is the primary of {sid}; the OLD TOKEN IS DEAD"
                    ),
                )];
                let broken = self
                    .report
                    .as_ref()
                    .map(Report::broken_by_promotion)
                    .unwrap_or_default();
                lines.extend(broken.into_iter().map(|b| line(Tone::Error, b)));
                lines.extend(forced_over.iter().map(|t| {
                    line(
                        Tone::Error,
                        format!("{t}: it may hold the DEAD token now; give it the new token"),
                    )
                }));
                match stored {
                    Some(Ok(said)) => lines.push(line(Tone::Ok, said.clone())),
                    Some(Err(why)) => lines.push(line(Tone::Error, why.to_string())),
                    None => lines.push(line(
                        Tone::Warn,
                        "a token source of this account in the config now gives the DEAD \
                         token: put the new one there (store_cmd does it for you)"
                            .into(),
                    )),
                }
                lines
            }
            RunStage::PromotionFailed(p) => {
                vec![line(Tone::Error, p.to_string())]
            }
            RunStage::Halted => vec![line(Tone::Error, halted(sid))],
            RunStage::Aborted(abort) => {
                let tone = if abort.is_clean() {
                    Tone::Ok
                } else {
                    Tone::Error
                };
                let mut lines = vec![line(tone, "rotation aborted:".into())];
                lines.extend(
                    abort
                        .summary()
                        .into_iter()
                        .map(|s| line(tone, format!("  {s}"))),
                );
                lines
            }
            _ => Vec::new(),
        }
    }

    /// The run's outcome in one sentence, and whether it is complete: what the
    /// command line ends with and the UI flashes.
    pub fn outcome(&self) -> (Tone, String) {
        let sid = self.account_sid();
        match &self.stage {
            RunStage::Deployed => match self.report.as_ref().and_then(Report::incompleteness) {
                Some(why) => (Tone::Error, why),
                None => (
                    Tone::Ok,
                    "rotation complete: every target uses the new token".into(),
                ),
            },
            RunStage::Blocked { left } => (
                Tone::Error,
                format!(
                    "NOT promoted: {} target(s) not known to hold the new token; both tokens \
                     work. Give them the new token, then run `telcreds rotate twilio \
                     --account-sid {sid} --promote` (--force promotes anyway: they stop \
                     working); or `--abort` to put the old token back and delete the new one",
                    left.len()
                ),
            ),
            RunStage::Promoted {
                stored,
                forced_over,
                ..
            } => {
                if matches!(stored, Some(Err(_))) {
                    (
                        Tone::Error,
                        "promoted; the OLD TOKEN IS DEAD; store_cmd FAILED: save the new token \
                         in your secret store now"
                            .into(),
                    )
                } else if let Some(why) = self.report.as_ref().and_then(Report::incompleteness) {
                    (
                        Tone::Error,
                        format!("promoted; the OLD TOKEN IS DEAD; {why}"),
                    )
                } else if !forced_over.is_empty() {
                    (
                        Tone::Error,
                        format!(
                            "promoted with {} target(s) not known to hold the new token",
                            forced_over.len()
                        ),
                    )
                } else {
                    (
                        Tone::Ok,
                        "promoted: the new token is the primary; the OLD TOKEN IS DEAD".into(),
                    )
                }
            }
            RunStage::Aborted(abort) if abort.is_clean() => (
                Tone::Ok,
                "rotation aborted: the old token is back everywhere, the new one deleted".into(),
            ),
            RunStage::Aborted(_) => (Tone::Error, "abort incomplete: see the steps above".into()),
            RunStage::Unfinished(u) => (Tone::Warn, u.run.not_finished()),
            RunStage::Halted => (Tone::Error, halted(sid)),
            _ => {
                let first = self.summary().into_iter().next();
                first.map_or((Tone::Muted, String::new()), |l| (l.tone, l.text))
            }
        }
    }
}

/// A run stopped between two steps because the frontend closed.
fn halted(sid: &str) -> String {
    format!(
        "NOT promoted: telcreds was closed before the promotion; the leaked token still \
         works, and {WEBHOOKS}. Finish with `telcreds rotate twilio --account-sid {sid} \
         --promote` or `--abort`"
    )
}

//! A SIP trunk's password rotated at both ends, the carrier (a Twilio Elastic SIP
//! trunk's credential list) and the platform (a Dasha SIP credential), with no
//! failed call in between. A list may hold several credentials, each checked on its
//! own, so at every moment the platform holds a pair the carrier accepts:
//!
//! 1. a **new** credential (a new username) is added to the trunk's list at Twilio;
//! 2. the platform's SIP credential gets the new username and password (its id and
//!    every other field kept);
//! 3. the new pair is checked: the platform's answer, then a query-only REGISTER
//!    probe where the server answers SIP;
//! 4. the **old** credential is deleted at Twilio.
//!
//! If the platform refuses step 2, the new credential is deleted again and nothing
//! else changed; with no clear answer to step 2 the run stops with both credentials
//! in the list (nothing is broken). Every step is journaled as sent before it is
//! sent and again when it ends, with the sids and usernames (never a password), so
//! a later run of the same credential finishes an interrupted one
//! ([`unfinished_carrier_runs`]): a password lost with a crash is replaced by a new
//! one at Twilio first.
//!
//! `in_place` keeps the username: the password changes at Twilio, then on the
//! platform, and calls fail in between.

use crate::api::twilio_trunking::TwilioTrunking;
use crate::api::{ApiError, ErrorKind, Http};
use crate::config::TwilioAccount;
use crate::domain::CheckStatus;
use crate::domain::{SipCredential, Tone};
use crate::journal::StepError;
use crate::journal::{
    Action, CarrierRecord, Journal, JournalEntry, JournalTarget, Outcome, TargetKind,
};
use crate::ops::carrier::{
    CarrierEnd, CarrierLink, UsernameError, find_carrier_end, next_username, trunking,
};
use crate::ops::rotation::SummaryLine;
use crate::ops::warning::{Warning, write_journal};
use crate::ops::{Error, Ops, PasswordChange, Prober, SipEdit};
use crate::probe::report::{ProbeReport, step};
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;

/// What a rotation at both ends changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarrierPlan {
    /// The profile of the platform's SIP credential.
    pub profile: String,
    /// The platform's SIP credential.
    pub credential_id: String,
    /// Its name, as shown.
    pub credential_name: String,
    /// Its carrier end as found: the credential the platform uses now.
    pub old: CarrierLink,
    /// The username of the new pair (the old one when `in_place`).
    pub new_username: String,
    /// Keep the username: change the password at Twilio, then on the platform.
    pub in_place: bool,
    /// Finishing an interrupted run: a new credential of that username may be in the
    /// list already (its password lost), and the platform may use it already.
    pub resumed: bool,
}

impl CarrierPlan {
    /// What the rotation will do, a line each, in the words both frontends show.
    pub fn lines(&self) -> Vec<String> {
        let (plan, old) = (self, &self.old);
        let mut lines = vec![format!(
            "SIP credential {} ({}): carrier end {}",
            crate::text::printable(&plan.credential_name),
            plan.credential_id,
            crate::text::printable(&old.describe())
        )];
        if plan.resumed {
            lines.push(format!(
                "finishing the rotation to {} that did not finish (the journal says where it \
                 stopped)",
                crate::text::printable(&plan.new_username)
            ));
        } else if plan.in_place {
            lines.push(
                "in place: the password changes at the carrier, then on the platform; calls \
                 fail in between"
                    .to_string(),
            );
        } else {
            lines.push(format!(
                "add {} to the carrier's list, give the platform the new pair, check it, then \
                 delete {}: no call fails in between",
                crate::text::printable(&plan.new_username),
                crate::text::printable(&old.username)
            ));
        }
        lines
    }

    /// What the user must know before confirming: calls fail in between when the
    /// password changes in place.
    pub fn warning(&self) -> Option<&'static str> {
        self.in_place
            .then_some("calls through this trunk fail between the two changes")
    }
}

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "detail")]
pub enum StepOutcome {
    /// Done.
    Done(String),
    /// Refused or failed: not done.
    Failed(String),
    /// Sent with no clear answer.
    Unknown(String),
}

impl StepOutcome {
    fn tone(&self) -> Tone {
        match self {
            StepOutcome::Done(_) => Tone::Ok,
            StepOutcome::Failed(_) => Tone::Error,
            StepOutcome::Unknown(_) => Tone::Unknown,
        }
    }

    fn text(&self) -> &str {
        match self {
            StepOutcome::Done(t) | StepOutcome::Failed(t) | StepOutcome::Unknown(t) => t,
        }
    }
}

/// Where a rotation at both ends ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CarrierEnding {
    /// Both ends hold the new pair; the old credential is gone.
    Rotated,
    /// Both ends hold the new pair, but the old credential is still in the list (it
    /// still works): delete it in the Twilio console or run again.
    OldKept,
    /// Stopped with the trunk working on the old pair: nothing to undo.
    NothingChanged,
    /// Stopped where the trunk works with either pair (both are in the list).
    BothWork,
    /// Stopped where calls may fail: the two ends may hold different pairs.
    MayBeBroken,
}

/// What a rotation at both ends did, step by step.
#[derive(Debug, Clone, Serialize)]
pub struct CarrierReport {
    /// What was planned.
    pub plan: CarrierPlan,
    /// Each step, in order: what it was and how it ended.
    pub steps: Vec<(String, StepOutcome)>,
    /// Where it ended.
    pub ending: CarrierEnding,
    /// The probe of the new pair, when one ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeReport>,
    /// What could not be recorded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

impl CarrierReport {
    /// The summary every frontend shows: each step after its tone's symbol, then
    /// what the trunk works with now.
    pub fn summary(&self) -> Vec<SummaryLine> {
        let mut lines: Vec<SummaryLine> = self
            .steps
            .iter()
            .map(|(step, outcome)| SummaryLine {
                tone: outcome.tone(),
                text: format!("{step}: {}", outcome.text()),
            })
            .collect();
        let plan = &self.plan;
        let finish = finish_command(&plan.profile, &plan.credential_id, plan.in_place);
        let (tone, text) = match self.ending {
            CarrierEnding::Rotated => (
                Tone::Ok,
                format!(
                    "rotated at both ends: the platform and the carrier use {} now; the old \
                     pair no longer works",
                    self.plan.new_username
                ),
            ),
            CarrierEnding::OldKept => (
                Tone::Warn,
                format!(
                    "both ends use {} now, but the old credential {} is still in the \
                     carrier's list and still works: delete it in the Twilio console, or \
                     run `{finish}` again",
                    self.plan.new_username, self.plan.old.username
                ),
            ),
            CarrierEnding::NothingChanged => (
                Tone::Error,
                "NOT rotated: nothing changed; the trunk works with the old pair".to_string(),
            ),
            CarrierEnding::BothWork => (
                Tone::Warn,
                format!(
                    "NOT finished: both credentials are in the carrier's list, so the trunk \
                     works with either pair; finish with `{finish}`"
                ),
            ),
            CarrierEnding::MayBeBroken => (
                Tone::Error,
                format!(
                    "NOT finished, and calls may FAIL: the carrier may not accept the pair \
                     the platform holds; finish with `{finish}`"
                ),
            ),
        };
        lines.push(SummaryLine { tone, text });
        lines
    }

    /// True when the rotation is complete.
    pub fn is_complete(&self) -> bool {
        self.ending == CarrierEnding::Rotated
    }
}

/// Why a step stopped the run.
enum Stop {
    /// Refused: not done.
    Refused,
    /// No clear answer.
    Unknown,
}

/// The run: the platform's operations, the account's trunking client, what the
/// journal is told.
pub struct CarrierRotation<'a> {
    ops: &'a Ops,
    twilio: TwilioTrunking,
    journal: Journal,
    plan: CarrierPlan,
    password: Secret,
    old_password: Option<Secret>,
    prober: &'a Prober,
    probe_report: Option<ProbeReport>,
    steps: Vec<(String, StepOutcome)>,
    warnings: Vec<Warning>,
}

impl<'a> CarrierRotation<'a> {
    /// The run of `planned` on the platform of `ops`, giving both ends `password`
    /// (checked against both ends' rules by the caller); `prober` checks the new pair
    /// by REGISTER, when the server answers SIP.
    pub fn new(
        ops: &'a Ops,
        planned: PlannedCarrierRotation,
        password: Secret,
        prober: &'a Prober,
    ) -> CarrierRotation<'a> {
        CarrierRotation {
            ops,
            twilio: planned.twilio,
            journal: ops.audit_journal().clone(),
            plan: planned.plan,
            password,
            old_password: planned.old_password,
            prober,
            probe_report: None,
            steps: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Runs every step; stops where going on could break the trunk.
    pub async fn run(mut self) -> CarrierReport {
        let ending = if self.plan.in_place {
            self.in_place().await
        } else {
            self.both_ends().await
        };
        CarrierReport {
            plan: self.plan,
            steps: self.steps,
            ending,
            probe: self.probe_report,
            warnings: self.warnings,
        }
    }

    /// Steps 1–4: a new credential, the platform, the check, the old one deleted.
    async fn both_ends(&mut self) -> CarrierEnding {
        let list = self.plan.old.credential_list_sid.clone();
        let old_sid = self.plan.old.credential_sid.clone();
        let new_user = self.plan.new_username.clone();
        let (mut platform_on_new, mut new_sid, mut old_present) = (false, None, true);
        if self.plan.resumed {
            match self.where_now(&list).await {
                Some(now) => (platform_on_new, new_sid, old_present) = now,
                None => return CarrierEnding::NothingChanged,
            }
        }
        // This run moves the platform off the old pair: it can put it back.
        let restorable = !platform_on_new;
        let mut added_sid = None;
        if !platform_on_new {
            let added = match &new_sid {
                // Its password was lost with the run that added it: a new one.
                Some(sid) => self.set_password(&list, sid, "the new credential").await,
                None => self.create(&list, &new_user).await,
            };
            let new_sid = match added {
                Ok(sid) => sid,
                Err(Stop::Refused) => return CarrierEnding::NothingChanged,
                Err(Stop::Unknown) => return CarrierEnding::BothWork,
            };
            added_sid = Some(new_sid.clone());
            match self.update_platform(Some(&new_user)).await {
                Ok(()) => {}
                Err(Stop::Unknown) => return CarrierEnding::BothWork,
                Err(Stop::Refused) => {
                    // Nothing uses the new credential: it goes again.
                    let _ = self
                        .delete(&list, &new_sid, "the new credential, deleted again")
                        .await;
                    return CarrierEnding::NothingChanged;
                }
            }
        }
        if !self.check().await {
            // The platform holds a pair the carrier refused: the old pair goes back.
            let new_sid = added_sid.or(new_sid);
            return match (restorable, new_sid) {
                (true, Some(new_sid)) if self.restore_old_pair(&old_sid).await => {
                    let _ = self
                        .delete(&list, &new_sid, "the new credential, deleted again")
                        .await;
                    CarrierEnding::NothingChanged
                }
                _ => CarrierEnding::MayBeBroken,
            };
        }
        if !old_present {
            return CarrierEnding::Rotated;
        }
        match self.delete(&list, &old_sid, "the old credential").await {
            Ok(()) => CarrierEnding::Rotated,
            Err(_) => CarrierEnding::OldKept,
        }
    }

    /// `in_place`: the password at Twilio, then on the platform; calls fail between.
    async fn in_place(&mut self) -> CarrierEnding {
        let list = self.plan.old.credential_list_sid.clone();
        let sid = self.plan.old.credential_sid.clone();
        match self.set_password(&list, &sid, "the credential").await {
            Ok(_) => {}
            Err(Stop::Refused) => return CarrierEnding::NothingChanged,
            Err(Stop::Unknown) => return CarrierEnding::MayBeBroken,
        }
        match self.update_platform(None).await {
            Ok(()) if self.check().await => CarrierEnding::Rotated,
            Ok(()) | Err(_) => CarrierEnding::MayBeBroken,
        }
    }

    /// A resumed run: whether the platform uses the new username already, the new
    /// credential's sid if it is in the list, whether the old one still is. `None`
    /// when either end cannot be read (nothing was sent).
    async fn where_now(&mut self, list: &str) -> Option<(bool, Option<String>, bool)> {
        let step = "where the earlier run stopped";
        let listed = self.twilio.list_credentials(list).await;
        let platform = self.ops.get_sip(&self.plan.credential_id).await;
        match (listed, platform) {
            (Ok(listed), Ok(credential)) => {
                let has = |user: &str| {
                    listed
                        .iter()
                        .find(|c| c.username.eq_ignore_ascii_case(user))
                        .map(|c| c.sid.clone())
                };
                let new_sid = has(&self.plan.new_username);
                let old_present = has(&self.plan.old.username).is_some();
                let on_new = uses(&credential, &self.plan.new_username);
                let text = format!(
                    "the platform uses {}; the carrier's list holds {}",
                    if on_new {
                        &self.plan.new_username
                    } else {
                        &self.plan.old.username
                    },
                    [
                        old_present.then_some(self.plan.old.username.as_str()),
                        new_sid.as_ref().map(|_| self.plan.new_username.as_str()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" and ")
                );
                self.steps.push((step.into(), StepOutcome::Done(text)));
                Some((on_new, new_sid, old_present))
            }
            (Err(e), _) => self.unread(step, &e),
            (_, Err(e)) => self.unread(step, &e),
        }
    }

    /// Records that an end could not be read when resuming.
    fn unread(
        &mut self,
        step: &str,
        e: &dyn std::fmt::Display,
    ) -> Option<(bool, Option<String>, bool)> {
        self.steps.push((
            step.into(),
            StepOutcome::Failed(format!("could not be read ({e}): nothing was sent")),
        ));
        None
    }

    /// Step 1: the new credential added to the list; its sid.
    async fn create(&mut self, list: &str, username: &str) -> Result<String, Stop> {
        let step = format!("add {username} to the carrier's credential list");
        self.journal_sent(Action::CarrierCreate, None);
        let result = self
            .twilio
            .create_credential(list, username, &self.password)
            .await;
        let sid = result.as_ref().ok().map(|c| c.sid.clone());
        self.journal_end(Action::CarrierCreate, sid.as_deref(), &result);
        match result {
            Ok(c) => {
                self.steps.push((
                    step,
                    StepOutcome::Done(format!("added ({}): the carrier accepts both pairs", c.sid)),
                ));
                Ok(c.sid)
            }
            Err(e) => Err(self.failed(step, &e)),
        }
    }

    /// A list credential's password set at Twilio.
    async fn set_password(&mut self, list: &str, sid: &str, what: &str) -> Result<String, Stop> {
        let step = format!("set a new password on {what} ({sid}) at the carrier");
        self.journal_sent(Action::CarrierPassword, Some(sid));
        let result = self.twilio.update_password(list, sid, &self.password).await;
        self.journal_end(Action::CarrierPassword, Some(sid), &result);
        match result {
            Ok(_) => {
                let done = if self.plan.in_place {
                    "set: calls FAIL until the platform has it too"
                } else {
                    "set"
                };
                self.steps.push((step, StepOutcome::Done(done.into())));
                Ok(sid.to_string())
            }
            Err(e) => Err(self.failed(step, &e)),
        }
    }

    /// Step 2: the platform's SIP credential given the new pair (`user`: a new
    /// username; `None` keeps it), every other field kept.
    async fn update_platform(&mut self, user: Option<&str>) -> Result<(), Stop> {
        let (step, password) = (
            "give the platform's SIP credential the new pair",
            self.password.clone(),
        );
        let done = format!("done (id {} kept)", self.plan.credential_id);
        self.give_platform(step, user.map(str::to_string), password, None, done)
            .await
    }

    /// Puts the old pair back on the platform (the carrier refused the new one);
    /// true once the platform confirmed it.
    async fn restore_old_pair(&mut self, old_sid: &str) -> bool {
        let step = "put the old pair back on the platform";
        let Some(old_password) = self.old_password.clone() else {
            self.steps.push((
                step.to_string(),
                StepOutcome::Failed("the old password was not known".into()),
            ));
            return false;
        };
        let user = self.plan.old.username.clone();
        let done = format!("the old pair is back on the platform ({user})");
        self.give_platform(step, Some(user), old_password, Some(old_sid), done)
            .await
            .is_ok()
    }

    /// Gives the platform's SIP credential `password` (and `user` when given), every
    /// other field kept, journaled as sent first; `acted_on`: the carrier credential
    /// whose pair it is, when it is the old one going back.
    async fn give_platform(
        &mut self,
        step: &str,
        user: Option<String>,
        password: Secret,
        acted_on: Option<&str>,
        done: String,
    ) -> Result<(), Stop> {
        let edit = SipEdit {
            auth_user: user.map(Some),
            password: PasswordChange::Set(password),
            ..SipEdit::default()
        };
        self.journal_sent(Action::CarrierPlatformUpdate, acted_on);
        let result = self
            .ops
            .replace_sip_quietly(&self.plan.credential_id, &edit)
            .await;
        self.journal_end(Action::CarrierPlatformUpdate, acted_on, &result);
        match result {
            Ok(_) => {
                self.steps.push((step.to_string(), StepOutcome::Done(done)));
                Ok(())
            }
            Err(e) => Err(self.failed(step.to_string(), &e)),
        }
    }

    /// Step 3: the platform's answer, then a REGISTER probe where one is possible;
    /// false when the carrier refused the new pair.
    async fn check(&mut self) -> bool {
        let step = "check the new pair".to_string();
        let done = self
            .ops
            .probe_sip(&self.plan.credential_id, self.prober, true)
            .await;
        self.warnings.extend(done.warnings);
        let report = match done.result {
            Ok(report) => report,
            // No probe can run here: the platform's answer is what there is.
            Err(Error::ProbeSetup(why)) => {
                self.steps.push((
                    step,
                    StepOutcome::Done(format!(
                        "the platform confirmed it (no SIP probe could be set up here: {why})"
                    )),
                ));
                return true;
            }
            Err(e) => {
                self.steps.push((
                    step,
                    StepOutcome::Unknown(format!("the probe could not run ({e})")),
                ));
                return true;
            }
        };
        let said = report
            .decisive_check()
            .map(|c| crate::text::printable(&c.message).into_owned())
            .unwrap_or_else(|| report.verdict());
        let auth = report
            .checks
            .iter()
            .find(|c| c.name == step::AUTHENTICATE)
            .map(|c| c.status.clone());
        let refused = auth == Some(CheckStatus::Failed);
        let outcome = match auth {
            Some(CheckStatus::Failed) => StepOutcome::Failed(format!(
                "the carrier refused the new pair ({said}): the old credential is kept"
            )),
            Some(CheckStatus::Passed) => {
                StepOutcome::Done(format!("the carrier accepted it ({said})"))
            }
            _ => StepOutcome::Unknown(format!("not checked by SIP ({said})")),
        };
        let entry = self
            .entry(Action::CarrierCheck, None)
            .detail(outcome.text().to_string());
        let entry = if refused {
            entry.failed(outcome.text())
        } else {
            entry
        };
        self.warnings.extend(write_journal(&self.journal, &entry));
        self.steps.push((step, outcome));
        self.probe_report = Some(report);
        !refused
    }

    /// Step 4 (or the clean-up of step 2): a list credential deleted at Twilio.
    async fn delete(&mut self, list: &str, sid: &str, what: &str) -> Result<(), ()> {
        let step = format!("delete {what} ({sid}) at the carrier");
        self.journal_sent(Action::CarrierDelete, Some(sid));
        let result = match self.twilio.delete_credential(list, sid).await {
            // Gone already is as good as deleted.
            Err(ApiError::NotFound { .. }) => Ok(()),
            other => other,
        };
        self.journal_end(Action::CarrierDelete, Some(sid), &result);
        match result {
            Ok(()) => {
                self.steps.push((step, StepOutcome::Done("deleted".into())));
                Ok(())
            }
            Err(e) => {
                let _ = self.failed(step, &e);
                Err(())
            }
        }
    }

    /// Records a step that did not happen, or whose outcome is unknown.
    fn failed(&mut self, step: String, e: &impl StepError) -> Stop {
        if e.outcome_unknown() {
            self.steps
                .push((step, StepOutcome::Unknown(format!("no clear answer ({e})"))));
            Stop::Unknown
        } else {
            self.steps.push((step, StepOutcome::Failed(e.to_string())));
            Stop::Refused
        }
    }

    /// A journal entry of this run for `action`; `acted_on`: the carrier credential.
    fn entry(&self, action: Action, acted_on: Option<&str>) -> JournalEntry {
        let origin = self.ops.origin();
        let target = JournalTarget::new(
            TargetKind::SipCredential,
            &self.plan.credential_id,
            Some(self.plan.credential_name.clone()),
        );
        JournalEntry::new(action, target)
            .on_named(&origin.profile, &origin.platform)
            .for_account(&self.plan.old.account_sid)
            .carrier(CarrierRecord {
                trunk_sid: self.plan.old.trunk_sid.clone(),
                list_sid: self.plan.old.credential_list_sid.clone(),
                old_sid: self.plan.old.credential_sid.clone(),
                old_username: self.plan.old.username.clone(),
                new_username: self.plan.new_username.clone(),
                in_place: self.plan.in_place,
                acted_on: acted_on.map(str::to_string),
            })
    }

    fn journal_sent(&mut self, action: Action, acted_on: Option<&str>) {
        let entry = self.entry(action, acted_on).sent();
        self.warnings.extend(write_journal(&self.journal, &entry));
    }

    fn journal_end<T>(
        &mut self,
        action: Action,
        acted_on: Option<&str>,
        r: &Result<T, impl StepError>,
    ) {
        let entry = self.entry(action, acted_on).result(r);
        self.warnings.extend(write_journal(&self.journal, &entry));
    }
}

/// True when `credential` authenticates as `user`.
fn uses(credential: &SipCredential, user: &str) -> bool {
    credential
        .auth_user
        .as_deref()
        .is_some_and(|u| u.eq_ignore_ascii_case(user))
}

/// A rotation at both ends that did not finish, rebuilt from the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnfinishedCarrierRun {
    /// The profile of the platform's SIP credential.
    pub profile: String,
    /// The SIP credential.
    pub credential_id: String,
    /// Its name, when recorded.
    pub name: Option<String>,
    /// The Twilio account of the trunk.
    pub account_sid: String,
    /// What the run changes.
    pub carrier: CarrierRecord,
    /// When it started.
    pub started: DateTime<Utc>,
    /// The pair the platform holds, as the journal knows: `new`, `old`, `unknown`.
    pub platform_holds: super::rotation::Holds,
    /// Where it stopped, in words.
    pub stage: String,
}

impl UnfinishedCarrierRun {
    /// Where it stands and how to finish it, in the words every frontend uses.
    pub fn not_finished(&self) -> String {
        let both = if self.carrier.in_place {
            "calls may FAIL until both ends hold the same password"
        } else {
            "both credentials may be in the carrier's list"
        };
        format!(
            "the rotation at both ends of SIP credential {} ({}) is NOT finished: {}; {both}. \
             Finish it with `{}`",
            self.credential_id,
            self.profile,
            self.stage,
            self.finish_command()
        )
    }

    /// The command that finishes it.
    pub fn finish_command(&self) -> String {
        finish_command(&self.profile, &self.credential_id, self.carrier.in_place)
    }
}

/// The command that rotates (or finishes rotating) SIP credential `id` of `profile`
/// at both ends, each word quoted for a shell where it must be, and printable.
fn finish_command(profile: &str, id: &str, in_place: bool) -> String {
    let word = |w: &str| {
        let w = crate::text::printable(w);
        // Only a NUL cannot be quoted, and printable text holds none.
        shlex::try_quote(&w).map_or_else(|_| w.to_string(), |q| q.into_owned())
    };
    let in_place = if in_place { " --in-place" } else { "" };
    format!(
        "telcreds -p {} sip rotate {} --carrier{in_place}",
        word(profile),
        word(id)
    )
}

/// The rotations at both ends the journal shows started and not finished. One
/// ends with the old credential deleted (or, after a refusal, nothing changed).
pub fn unfinished_carrier_runs(entries: &[JournalEntry]) -> Vec<UnfinishedCarrierRun> {
    let mut open: Vec<UnfinishedCarrierRun> = Vec::new();
    for e in entries {
        let Some(record) = &e.carrier else { continue };
        let profile = e.profile.as_deref().unwrap_or_default();
        // The same id on two profiles (two platforms or organisations) is two runs.
        let at = open
            .iter()
            .position(|r| r.credential_id == e.target.id && r.profile == profile);
        let ends = match (e.action, e.outcome) {
            // The old credential deleted: done.
            (Action::CarrierDelete, Outcome::Ok) => {
                record.acted_on.as_deref() == Some(record.old_sid.as_str())
                    || at.is_some_and(|i| open[i].platform_holds == super::rotation::Holds::Old)
            }
            // Refused before anything changed.
            (Action::CarrierCreate, Outcome::Failed) => true,
            (Action::CarrierPassword, Outcome::Failed) => {
                at.is_none_or(|i| open[i].platform_holds == super::rotation::Holds::Old)
                    && record.in_place
            }
            // In place: done once the platform has it (and the check did not refuse).
            (Action::CarrierPlatformUpdate, Outcome::Ok) => record.in_place,
            _ => false,
        };
        if ends {
            if let Some(i) = at {
                open.remove(i);
            }
            continue;
        }
        let i = match at {
            Some(i) => i,
            None => {
                open.push(UnfinishedCarrierRun {
                    profile: profile.to_string(),
                    credential_id: e.target.id.clone(),
                    name: e.target.name.clone(),
                    account_sid: e.account.clone().unwrap_or_default(),
                    carrier: record.clone(),
                    started: e.time,
                    platform_holds: super::rotation::Holds::Old,
                    stage: String::new(),
                });
                open.len() - 1
            }
        };
        let run = &mut open[i];
        run.carrier = record.clone();
        let restores = record.acted_on.as_deref() == Some(record.old_sid.as_str());
        if e.action == Action::CarrierPlatformUpdate {
            run.platform_holds = match e.outcome {
                Outcome::Ok if restores => super::rotation::Holds::Old,
                Outcome::Ok => super::rotation::Holds::New,
                Outcome::Failed | Outcome::Skipped => run.platform_holds,
                _ => super::rotation::Holds::Unknown,
            };
        }
        run.stage = stage_words(e.action, e.outcome).to_string();
    }
    open
}

/// Where a run stopped, in words, from its last step.
fn stage_words(action: Action, outcome: Outcome) -> &'static str {
    let answered = !matches!(outcome, Outcome::Sent | Outcome::Unknown);
    match (action, outcome) {
        (Action::CarrierCreate, Outcome::Ok) => {
            "the new credential is in the carrier's list; the platform is not updated yet"
        }
        (Action::CarrierCreate, _) if !answered => "adding the new credential got no answer",
        (Action::CarrierPassword, Outcome::Ok) => {
            "a new password is set at the carrier; the platform is not updated yet"
        }
        (Action::CarrierPassword, _) if !answered => {
            "setting a password at the carrier got no answer"
        }
        (Action::CarrierPlatformUpdate, Outcome::Ok) => {
            "the platform uses the new pair; the old credential is not deleted yet"
        }
        (Action::CarrierPlatformUpdate, _) if !answered => "the platform's update got no answer",
        (Action::CarrierPlatformUpdate, _) => "the platform refused the new pair",
        (Action::CarrierCheck, Outcome::Failed) => "the carrier refused the new pair",
        (Action::CarrierCheck, _) => {
            "the new pair was checked; the old credential is not deleted yet"
        }
        (Action::CarrierDelete, _) => "deleting a credential at the carrier did not finish",
        _ => "stopped between two steps",
    }
}

/// Why a rotation at both ends cannot be planned; nothing was changed.
#[derive(Debug, Clone)]
pub enum NotPlanned {
    /// The credential has no carrier end telcreds can rotate (not found, several,
    /// a list or account not read), and why.
    NoCarrierEnd {
        /// Why, for people.
        why: String,
        /// Refused when there is none (or several); the failure's class when the
        /// carrier could not be read.
        kind: ErrorKind,
    },
    /// The trunk's Twilio account is not configured.
    Account(String),
    /// The carrier's credential list could not be read.
    Carrier(ApiError),
    /// No new username fits both ends.
    Username(UsernameError),
    /// The audit journal could not be read.
    Journal(super::JournalNeeded),
}

impl std::error::Error for NotPlanned {}

impl std::fmt::Display for NotPlanned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotPlanned::NoCarrierEnd { why, .. } => write!(f, "no carrier end: {why}"),
            NotPlanned::Account(why) => f.write_str(why),
            NotPlanned::Username(why) => write!(f, "{why}"),
            NotPlanned::Journal(e) => write!(f, "{e}"),
            NotPlanned::Carrier(e) => {
                write!(f, "the carrier's credential list could not be read: {e}")
            }
        }
    }
}

impl NotPlanned {
    /// The error kind, for exit codes: the carrier's when it could not be read,
    /// else a refusal.
    pub fn kind(&self) -> ErrorKind {
        match self {
            NotPlanned::Carrier(e) => e.kind(),
            NotPlanned::NoCarrierEnd { kind, .. } => *kind,
            _ => ErrorKind::Refused,
        }
    }
}

/// A rotation at both ends, ready to run: what it changes and the account's client.
pub struct PlannedCarrierRotation {
    /// What it changes.
    pub plan: CarrierPlan,
    /// The trunk's Twilio account, with its current token.
    pub twilio: TwilioTrunking,
    /// The platform's password as read when planning, to put the old pair back if
    /// the carrier refuses the new one.
    pub old_password: Option<Secret>,
}

/// Plans the rotation at both ends of SIP credential `id` on `ops`'s profile: an
/// unfinished run of it in the journal is finished (its record says what it
/// changes); else its carrier end is found among `accounts` and the new username
/// derived (unique in the list). Reads only; a reason when it cannot be done.
pub async fn plan_carrier_rotation(
    ops: &Ops,
    accounts: &[TwilioAccount],
    http: &Http,
    id: &str,
    in_place: bool,
) -> Result<PlannedCarrierRotation, Error> {
    let credential = ops.writable_sip(id).await?;
    // Without the journal nothing starts: it records each step before it is sent,
    // and says whether an earlier run of this credential did not finish.
    let (entries, _) = ops
        .audit_journal()
        .read_checked()
        .await
        .map_err(|e| NotPlanned::Journal(super::JournalNeeded(Arc::new(e))))?;
    let unfinished = unfinished_carrier_runs(&entries)
        .into_iter()
        .find(|r| r.credential_id == credential.id && r.profile == ops.origin().profile);
    if let Some(run) = unfinished {
        let account = account(accounts, &run.account_sid)?;
        let twilio = trunking(http, account).await?;
        let r = &run.carrier;
        let old = CarrierLink {
            account_sid: run.account_sid.clone(),
            trunk_sid: r.trunk_sid.clone(),
            trunk_name: None,
            credential_list_sid: r.list_sid.clone(),
            credential_sid: r.old_sid.clone(),
            username: r.old_username.clone(),
        };
        let plan = CarrierPlan {
            profile: ops.origin().profile.clone(),
            credential_id: credential.id.clone(),
            credential_name: credential.display_name(),
            old,
            new_username: r.new_username.clone(),
            in_place: r.in_place,
            resumed: true,
        };
        return Ok(PlannedCarrierRotation {
            plan,
            twilio,
            old_password: credential.auth_password.clone(),
        });
    }
    let link = match find_carrier_end(&credential, accounts, http).await {
        CarrierEnd::Found(link) => link,
        other => {
            let kind = match &other {
                CarrierEnd::Unreadable { kind, .. } => *kind,
                _ => ErrorKind::Refused,
            };
            let why = other.missing();
            return Err(NotPlanned::NoCarrierEnd {
                why: why.unwrap_or_else(|| "no carrier end was found".to_string()),
                kind,
            }
            .into());
        }
    };
    let account = account(accounts, &link.account_sid)?;
    let twilio = trunking(http, account).await?;
    let new_username = if in_place {
        link.username.clone()
    } else {
        let listed = twilio
            .list_credentials(&link.credential_list_sid)
            .await
            .map_err(NotPlanned::Carrier)?;
        let taken: Vec<&str> = listed.iter().map(|c| c.username.as_str()).collect();
        next_username(&link.username, &taken).map_err(NotPlanned::Username)?
    };
    let plan = CarrierPlan {
        profile: ops.origin().profile.clone(),
        credential_id: credential.id.clone(),
        credential_name: credential.display_name(),
        old: link,
        new_username,
        in_place,
        resumed: false,
    };
    Ok(PlannedCarrierRotation {
        plan,
        twilio,
        old_password: credential.auth_password.clone(),
    })
}

/// The configured account `sid`.
fn account<'a>(accounts: &'a [TwilioAccount], sid: &str) -> Result<&'a TwilioAccount, NotPlanned> {
    accounts
        .iter()
        .find(|a| a.account_sid.eq_ignore_ascii_case(sid))
        .ok_or_else(|| {
            NotPlanned::Account(format!(
                "no [twilio_accounts] table for {sid} in the config: add it (see the README)"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_finish_command_can_be_pasted_into_a_shell() {
        assert_eq!(
            finish_command("prod", "c2", false),
            "telcreds -p prod sip rotate c2 --carrier"
        );
        let hostile = finish_command("acme prod", "c2\u{1b}[2J", true);
        assert!(!hostile.contains('\u{1b}'), "{hostile:?}");
        assert!(
            hostile.starts_with("telcreds -p 'acme prod' sip rotate '")
                && hostile.ends_with("' --carrier --in-place"),
            "{hostile}"
        );
    }

    #[test]
    fn runs_of_the_same_credential_id_on_two_profiles_are_told_apart() {
        let record = |acted_on: Option<&str>| CarrierRecord {
            trunk_sid: "TK1".into(),
            list_sid: "CL1".into(),
            old_sid: "CR1".into(),
            old_username: "vx-01".into(),
            new_username: "vx-01-r2".into(),
            in_place: false,
            acted_on: acted_on.map(str::to_string),
        };
        let entry = |profile: &str, action: Action, acted_on: Option<&str>| {
            JournalEntry::new(
                action,
                JournalTarget::new(TargetKind::SipCredential, "c1", None),
            )
            .on_named(profile, &crate::domain::Platform::Dasha)
            .carrier(record(acted_on))
        };
        // Both profiles start a run; only the one on "a" ends (its old one deleted).
        let entries = vec![
            entry("a", Action::CarrierCreate, None),
            entry("b", Action::CarrierCreate, None),
            entry("a", Action::CarrierDelete, Some("CR1")),
        ];
        let open = unfinished_carrier_runs(&entries);
        let profiles: Vec<&str> = open.iter().map(|r| r.profile.as_str()).collect();
        assert_eq!(profiles, ["b"]);
    }
}

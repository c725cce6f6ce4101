//! What the UI asks the outside world to do, and the messages that come back.
//! `App` returns effects; the worker runs them as tokio tasks; results come back as
//! [`Msg`] over a channel. Every call carries the profile generation it was made for.

use crate::api::ListPage;
use crate::config::{ConfigError, Profile};
use crate::domain::{Dependants, PhoneNumber, Provider, SipCredential, VerificationResult};
use crate::history::Record;
use crate::journal::JournalEntry;
use crate::ops::rotation::{
    CheckFailure, CheckedToken, Decision, MintSetup, Plan, RotationEvent, RotationRun, RunKind,
    RunStage,
};
use crate::ops::{Error, Ops, Warning};
use crate::probe::report::ProbeReport;
use crate::secret::Secret;
use crate::tui::components::form::FormSubmission;
use std::sync::Arc;

/// One call for the current profile.
#[derive(Debug, Clone)]
pub enum Request {
    /// Every provider.
    ListProviders,
    /// Every SIP credential.
    ListSip,
    /// Phone numbers of a provider (its detail pane).
    ProviderNumbers {
        /// The provider.
        id: String,
    },
    /// What deleting a provider involves (then the delete dialog opens).
    PlanProviderDelete {
        /// The provider.
        id: String,
    },
    /// What uses a SIP credential (its detail pane).
    SipDependants {
        /// The credential.
        id: String,
    },
    /// The local verification history of a provider.
    History {
        /// The provider.
        id: String,
    },
    /// A form's create or update.
    Save(FormSubmission),
    /// What deleting a SIP credential involves (then the delete dialog opens).
    PlanSipDelete {
        /// The credential.
        id: String,
    },
    /// Delete a SIP credential, as planned.
    DeleteSip {
        /// The plan the user confirmed.
        plan: Arc<crate::ops::SipDeletePlan>,
        /// Delete the phone numbers using it too.
        force: bool,
    },
    /// Delete a provider, as planned.
    DeleteProvider(Arc<crate::ops::ProviderDeletePlan>),
    /// Replace a SIP credential's password, keeping every other field and the id.
    RotateSipPassword {
        /// The credential.
        id: String,
        /// Its name, for messages.
        name: String,
        /// The new password.
        password: Secret,
    },
    /// Read both ends of a SIP credential's trunk: what rotating its password there
    /// would do (an unfinished run of it is finished), to ask before.
    PlanSipCarrier {
        /// The credential.
        id: String,
        /// Its name, for messages.
        name: String,
        /// The Twilio accounts its carrier end may be in.
        accounts: Vec<crate::config::TwilioAccount>,
    },
    /// Rotate a SIP credential's password at both ends of its trunk as `plan` (the
    /// one confirmed) says, with a generated password.
    RotateSipCarrier {
        /// Its name, for messages.
        name: String,
        /// What was confirmed.
        plan: Box<crate::ops::carrier_rotation::CarrierPlan>,
        /// The Twilio accounts its carrier end may be in.
        accounts: Vec<crate::config::TwilioAccount>,
    },
    /// Run the platform's verification of a provider.
    Verify {
        /// The provider.
        id: String,
    },
    /// Probe a SIP credential from this machine.
    ProbeSip {
        /// The credential.
        id: String,
        /// Its name, for messages.
        name: String,
        /// Also check the password with a query-only REGISTER.
        register: bool,
    },
}

impl Request {
    /// What the request does, for a person: `delete SIP credential "EU trunk"`.
    pub fn describe(&self) -> String {
        let sip_name = |i: &crate::domain::SipCredentialInput| match &i.description {
            Some(d) if !d.trim().is_empty() => d.clone(),
            _ => i.server.clone(),
        };
        match self {
            Request::ListProviders => "list the providers".into(),
            Request::ListSip => "list the SIP credentials".into(),
            Request::ProviderNumbers { id, .. } => format!("list the numbers of provider {id}"),
            Request::SipDependants { id, .. } => format!("find what uses SIP credential {id}"),
            Request::History { id } => format!("read the history of provider {id}"),
            Request::Save(FormSubmission::CreateSip(i)) => {
                format!("create SIP credential \"{}\"", sip_name(i))
            }
            Request::Save(FormSubmission::UpdateSip { id, .. }) => {
                format!("update SIP credential {id}")
            }
            Request::Save(FormSubmission::CreateProvider(p)) => {
                let name = p.name.clone().unwrap_or_else(|| p.account_sid.clone());
                format!("create provider \"{name}\"")
            }
            Request::Save(FormSubmission::UpdateProvider { id, .. }) => {
                format!("update provider {id}")
            }
            Request::PlanSipDelete { id } => format!("find what uses SIP credential {id}"),
            Request::DeleteSip { plan, .. } => {
                format!("delete SIP credential \"{}\"", plan.name)
            }
            Request::PlanProviderDelete { id } => format!("find what goes with provider {id}"),
            Request::DeleteProvider(plan) => format!("delete provider \"{}\"", plan.name),
            Request::RotateSipPassword { name, .. } => {
                format!("change the password of SIP credential \"{name}\"")
            }
            Request::PlanSipCarrier { name, .. } => {
                format!("read both ends of SIP credential \"{name}\"")
            }
            Request::RotateSipCarrier { name, .. } => {
                format!("rotate SIP credential \"{name}\" at both ends")
            }
            Request::Verify { id } => format!("verify provider {id}"),
            Request::ProbeSip { name, .. } => format!("probe SIP credential \"{name}\""),
        }
    }

    /// True when the request changes something on a platform: such calls are never
    /// aborted half-way and are always written to the audit journal.
    pub fn mutates(&self) -> bool {
        matches!(
            self,
            Request::Save(_)
                | Request::DeleteSip { .. }
                | Request::DeleteProvider(_)
                | Request::RotateSipPassword { .. }
                | Request::RotateSipCarrier { .. }
        )
    }
}

/// What came back for a [`Request`]: one variant per kind of request, each with its
/// own typed result, so an answer can only be applied the way its request meant.
#[derive(Debug)]
pub enum Answer {
    /// [`Request::ListProviders`].
    Providers(Result<Vec<Provider>, Error>),
    /// [`Request::ListSip`]: the list ended (its pages came as [`Msg::SipPage`]).
    Sip(Result<(), Error>),
    /// [`Request::ProviderNumbers`].
    ProviderNumbers {
        /// The provider.
        id: String,
        /// Its phone numbers.
        result: Result<Vec<PhoneNumber>, Error>,
    },
    /// [`Request::PlanProviderDelete`].
    ProviderDeletePlan(Result<crate::ops::ProviderDeletePlan, Error>),
    /// [`Request::SipDependants`].
    SipDependants {
        /// The credential.
        id: String,
        /// What uses it.
        result: Result<Dependants, Error>,
    },
    /// [`Request::PlanSipDelete`].
    SipDeletePlan(Result<crate::ops::SipDeletePlan, Error>),
    /// [`Request::History`]: records, oldest first.
    History {
        /// The provider.
        id: String,
        /// Its records.
        records: Vec<Record>,
    },
    /// [`Request::Save`].
    Saved {
        /// What it does, done and tried ("created SIP credential", "create …").
        action: (&'static str, &'static str),
        /// The saved item.
        result: Result<Saved, Error>,
    },
    /// [`Request::DeleteSip`].
    SipDeleted {
        /// The credential.
        id: String,
        /// Its name.
        name: String,
        /// Done, or why not.
        result: Result<(), Error>,
    },
    /// [`Request::DeleteProvider`].
    ProviderDeleted {
        /// The provider.
        id: String,
        /// Its name.
        name: String,
        /// Done, or why not.
        result: Result<(), Error>,
    },
    /// [`Request::PlanSipCarrier`]: what the rotation would do, or why it cannot.
    SipCarrierPlanned {
        /// Its name.
        name: String,
        /// The plan.
        result: Result<Box<crate::ops::carrier_rotation::CarrierPlan>, Error>,
    },
    /// [`Request::RotateSipCarrier`]: the run's report, or why it did not start.
    SipCarrierRotated {
        /// The credential's name.
        name: String,
        /// The report.
        result: Result<Box<crate::ops::carrier_rotation::CarrierReport>, Error>,
    },
    /// [`Request::RotateSipPassword`].
    SipRotated {
        /// The credential's name.
        name: String,
        /// The credential with its new password.
        result: Result<SipCredential, Error>,
    },
    /// [`Request::ProbeSip`].
    Probed {
        /// The credential.
        id: String,
        /// Its name.
        name: String,
        /// What the probe found.
        result: Result<ProbeReport, Error>,
    },
    /// [`Request::Verify`].
    Verified {
        /// The provider.
        id: String,
        /// The platform's verdict.
        result: Result<VerificationResult, Error>,
    },
}

/// An item a form saved.
#[derive(Debug, Clone)]
pub enum Saved {
    /// A SIP credential.
    Sip(SipCredential),
    /// A provider.
    Provider(Provider),
}

/// A step of the Twilio token rotation wizard.
#[derive(Debug)]
pub enum RotationJob {
    /// Check the token with Twilio, then find every target on `profiles`.
    Check {
        /// Tells this check's answer from an abandoned one's.
        check_id: u64,
        /// Every configured profile (the token is checked with each Twilio base).
        profiles: Vec<Profile>,
        /// The account being rotated.
        account_sid: String,
        /// The new token.
        token: Secret,
    },
    /// Zero downtime: check the account's CURRENT token with Twilio, then find every
    /// target on `profiles`.
    CheckCurrent {
        /// Tells this check's answer from an abandoned one's.
        check_id: u64,
        /// Every configured profile.
        profiles: Vec<Profile>,
        /// The account being rotated.
        account_sid: String,
        /// Where the current token comes from (resolved off the UI thread).
        current: crate::ops::rotation::CurrentToken,
        /// Where the account's Accounts API is, and where the new token goes.
        setup: Arc<MintSetup>,
    },
    /// Start a run of a confirmed plan with the user's first decision.
    Start {
        /// What to update.
        plan: Arc<Plan>,
        /// Every configured profile (a new token is checked with each Twilio base).
        profiles: Vec<Profile>,
        /// The checked token: the one to deploy, or the current one when minting.
        token: Arc<CheckedToken>,
        /// What the run rotates.
        kind: RunKind,
        /// [`Decision::Start`], or [`Decision::Replace`] an existing secondary.
        decision: Decision,
    },
    /// Hand a run the user's decision; it comes back in [`RotationMsg::Advanced`].
    Decide {
        /// The run.
        run: Box<RotationRun>,
        /// What the user decided.
        decision: Decision,
    },
}

/// What the app asks for: work for the worker, or a clipboard write (done by the
/// event loop, which owns the terminal). Each effect is moved once, so the size
/// difference between variants costs nothing worth a box.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Effect {
    /// Work for the worker.
    Work(Job),
    /// Put text on the clipboard (OSC 52). A secret type, as it may hold a password.
    Copy(Secret),
    /// Overwrite a copied secret on the clipboard (see [`crate::tui::runtime::clipboard`]).
    OverwriteClipboard,
}

impl Effect {
    /// The same effect; a connect that has no token yet takes `token`'s.
    pub fn with_token(self, token: &mut Option<crate::secret::Secret>) -> Effect {
        match self {
            Effect::Work(Job::Connect {
                generation,
                profile,
                token: None,
            }) => Effect::Work(Job::Connect {
                generation,
                profile,
                token: token.take(),
            }),
            other => other,
        }
    }
}

impl From<Job> for Effect {
    fn from(job: Job) -> Effect {
        Effect::Work(job)
    }
}

impl Job {
    /// Step `job` of rotation `run`, as an effect.
    pub fn rotation(run: u64, job: RotationJob) -> Effect {
        Effect::Work(Job::Rotation { run, job })
    }
}

/// Work for the worker.
#[derive(Debug)]
pub enum Job {
    /// Build a client for a profile (resolves its token off the UI thread).
    Connect {
        /// The profile generation it is for.
        generation: u64,
        /// The profile.
        profile: Box<Profile>,
        /// Its token when already fetched (the first profile's `token_cmd` runs
        /// before the UI takes the screen); the profile keeps its own source.
        token: Option<crate::secret::Secret>,
    },
    /// Run one call.
    Call {
        /// The profile generation it is for.
        generation: u64,
        /// Its job id.
        job: u64,
        /// The profile's operations.
        ops: Arc<Ops>,
        /// What to do.
        request: Request,
    },
    /// Read the audit journal for the Activity tab.
    LoadJournal,
    /// Run a step of token rotation `run` (the rotation screen's id, or a check's).
    Rotation {
        /// Which rotation its answers are for.
        run: u64,
        /// The step.
        job: RotationJob,
    },
    /// Check the setup (`:doctor`), read-only.
    Doctor {
        /// Tells this run's report from an abandoned one's.
        id: u64,
        /// The config file to check again (`None` for `--demo`).
        config: Option<std::path::PathBuf>,
        /// The profiles to check.
        profiles: Vec<Profile>,
        /// The Twilio accounts to check.
        accounts: Vec<crate::config::TwilioAccount>,
    },
    /// Find a SIP credential's carrier end (its detail pane), read-only.
    SipCarrier {
        /// The profile generation it is for.
        generation: u64,
        /// The credential (without its password).
        credential: Box<SipCredential>,
        /// The Twilio accounts to look in.
        accounts: Vec<crate::config::TwilioAccount>,
    },
    /// Abort every read in flight (profile switch, quit); changes run to the end.
    CancelReads,
}

/// How the Twilio check of a rotation ended.
#[derive(Debug, Clone)]
pub enum CheckOutcome {
    /// Valid: the plan of every target.
    Planned {
        /// The targets.
        plan: Arc<Plan>,
        /// The checked token (the current one when minting).
        token: Arc<CheckedToken>,
        /// Set for the zero-downtime rotation.
        mint: Option<Arc<MintSetup>>,
    },
    /// Twilio refused the token, or it could not be checked: nothing was changed.
    Failed(CheckFailure),
}

/// Progress of a rotation.
#[derive(Debug)]
pub enum RotationMsg {
    /// The Twilio check (and plan) finished.
    Checked {
        /// Which check.
        check_id: u64,
        /// Its outcome.
        outcome: CheckOutcome,
    },
    /// A target moved on.
    Progress(RotationEvent),
    /// The run reached a stage (while a decision is carried out).
    Stage(RunStage),
    /// The run is back: the decision was carried out as far as it goes without
    /// another question.
    Advanced(Box<RotationRun>),
}

/// What comes back to the UI task. Each message is moved once through the channel,
/// so the size difference between variants costs nothing worth a box.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    /// The profile's operations are ready (or its token could not be resolved).
    Connected {
        /// The generation it was made for.
        generation: u64,
        /// The operations, or why not.
        result: Result<Arc<Ops>, ConfigError>,
    },
    /// A page of SIP credentials arrived ([`Request::ListSip`]), in order.
    SipPage {
        /// The generation it was made for.
        generation: u64,
        /// Its job id.
        job: u64,
        /// The page.
        page: ListPage<SipCredential>,
    },
    /// A call finished.
    Done {
        /// The generation it was made for.
        generation: u64,
        /// Its job id.
        job: u64,
        /// What came back.
        answer: Answer,
    },
    /// The journal as read at start, with a warning per unreadable line.
    JournalLoaded {
        /// Which read: a later one has a larger number (an older read that ends
        /// last must not replace a newer one).
        read: u64,
        /// Entries, oldest first.
        entries: Vec<JournalEntry>,
        /// Problems met while reading.
        warnings: Vec<String>,
        /// The rotations it shows unfinished (rebuilt off the UI thread).
        unfinished: Vec<crate::ops::rotation::UnfinishedRun>,
        /// New tokens handed to a `store_cmd` that never ended.
        unstored: Vec<crate::ops::rotation::UnstoredToken>,
        /// Rotations of a SIP credential at both ends not finished.
        carrier: Vec<crate::ops::carrier_rotation::UnfinishedCarrierRun>,
    },
    /// The journal could not be read: what it shows is kept as it was, and said
    /// to be possibly out of date.
    JournalUnreadable(String),
    /// An entry was written to the journal (whatever profile is shown now).
    Journaled(JournalEntry),
    /// Something could not be recorded; shown so it is never silently lost.
    Warning(Warning),
    /// Progress of rotation `run`: applied only to that rotation's screen.
    Rotation {
        /// Which rotation.
        run: u64,
        /// What happened.
        msg: RotationMsg,
    },
    /// A `:doctor` run finished.
    Doctor {
        /// Which run.
        id: u64,
        /// What it found.
        report: crate::ops::doctor::Report,
    },
    /// [`Job::SipCarrier`] finished.
    SipCarrier {
        /// The generation it was made for.
        generation: u64,
        /// The credential.
        id: String,
        /// What was found.
        end: crate::ops::carrier::CarrierEnd,
    },
}

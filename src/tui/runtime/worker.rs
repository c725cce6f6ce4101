//! Runs effects as tokio tasks and sends their results back over the channel.
//! Tasks never touch UI state. Switching profile or quitting aborts reads; changes
//! already sent run to the end and are journaled, so nothing is left half-known.

use crate::api::Http;
use crate::config::Profile;
use crate::ops::rotation::{self, Decision, MintSetup, RotationRun, RunEvent};
use crate::ops::{Context, Done, Ops, Prober, Stores};
use crate::tui::components::form::FormSubmission;
use crate::tui::runtime::effect::{
    Answer, CheckOutcome, Job, Msg, Request, RotationJob, RotationMsg, Saved,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::{AbortHandle, JoinHandle};

/// Spawns one task per effect and remembers the reads so they can be cancelled.
pub struct Worker {
    tx: UnboundedSender<Msg>,
    /// The HTTP layer and the stores; a job that spans profiles brings the
    /// profiles and Twilio accounts the app holds then.
    core: Context,
    /// Every probe of the session shares its set-up.
    prober: Prober,
    reads: Vec<AbortHandle>,
    /// Changes sent, each with what it does (for a person).
    changes: Vec<(JoinHandle<()>, String)>,
    verify_slots: Arc<Semaphore>,
    /// Journal reads started, to number them.
    journal_reads: u64,
    /// Set at shutdown: a rotation finishes its step in flight and starts no other.
    halt: Arc<AtomicBool>,
}

/// Verifications run at once ("verify all" on a large profile stays polite).
const VERIFY_CONCURRENCY: usize = 4;

impl Worker {
    /// A worker sending results to `tx` and recording into `stores`.
    pub fn new(tx: UnboundedSender<Msg>, http: Http, stores: Stores) -> Self {
        Worker {
            tx,
            core: Context {
                http,
                stores,
                profiles: Vec::new(),
                twilio_accounts: Vec::new(),
            },
            prober: Prober::default(),
            reads: Vec::new(),
            changes: Vec::new(),
            verify_slots: Arc::new(Semaphore::new(VERIFY_CONCURRENCY)),
            journal_reads: 0,
            halt: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Starts a job.
    pub fn run(&mut self, job: Job) {
        self.reads.retain(|t| !t.is_finished());
        self.changes.retain(|(t, _)| !t.is_finished());
        match job {
            Job::CancelReads => {
                for t in self.reads.drain(..) {
                    t.abort();
                }
            }
            Job::Connect {
                generation,
                profile,
                token,
            } => {
                let (tx, core) = (self.tx.clone(), self.core.clone());
                self.spawn_read(async move {
                    let result = core
                        .connect_in_background(&profile, token)
                        .await
                        .map(Arc::new);
                    let _ = tx.send(Msg::Connected { generation, result });
                });
            }
            Job::Call {
                generation,
                job,
                ops,
                request,
            } => {
                let (tx, core, prober) = (self.tx.clone(), self.core.clone(), self.prober.clone());
                let mutates = request.mutates();
                let what = format!("{} on {}", request.describe(), ops.origin().profile);
                let slots =
                    matches!(request, Request::Verify { .. }).then(|| self.verify_slots.clone());
                let task = async move {
                    let _permit = match &slots {
                        Some(s) => s.acquire().await.ok(),
                        None => None,
                    };
                    let answer =
                        perform(&ops, &core, &prober, request, &tx, (generation, job)).await;
                    let _ = tx.send(Msg::Done {
                        generation,
                        job,
                        answer,
                    });
                };
                if mutates {
                    self.changes.push((tokio::spawn(task), what));
                } else {
                    self.spawn_read(task);
                }
            }
            Job::LoadJournal => {
                // Every profile's journal: a profile switch does not cancel it.
                self.journal_reads += 1;
                let read = self.journal_reads;
                let (tx, stores) = (self.tx.clone(), self.core.stores.clone());
                tokio::spawn(async move {
                    let crate::ops::JournalRead {
                        entries,
                        warnings,
                        unfinished,
                    } = match stores.read_journal().await {
                        Ok(read) => read,
                        Err(e) => {
                            let _ = tx.send(Msg::JournalUnreadable(e.to_string()));
                            return;
                        }
                    };
                    let _ = tx.send(Msg::JournalLoaded {
                        read,
                        entries,
                        warnings,
                        unfinished: unfinished.runs,
                        unstored: unfinished.unstored,
                        carrier: unfinished.carrier,
                    });
                });
            }
            Job::Doctor {
                id,
                config,
                profiles,
                accounts,
            } => {
                let (tx, journal) = (self.tx.clone(), self.core.stores.journal.clone());
                self.spawn_read(async move {
                    let report =
                        crate::ops::doctor::run_loaded(config, profiles, accounts, journal).await;
                    let _ = tx.send(Msg::Doctor { id, report });
                });
            }
            Job::SipCarrier {
                generation,
                credential,
                accounts,
            } => {
                let (tx, http) = (self.tx.clone(), self.core.http.clone());
                self.spawn_read(async move {
                    let end =
                        crate::ops::carrier::find_carrier_end(&credential, &accounts, &http).await;
                    let id = credential.id.clone();
                    let _ = tx.send(Msg::SipCarrier {
                        generation,
                        id,
                        end,
                    });
                });
            }
            Job::Rotation { run, job } => {
                let (tx, core) = (self.tx.clone(), self.core.clone());
                let what = match &job {
                    RotationJob::Check { account_sid, .. } => {
                        format!("check a new Twilio token of {account_sid}")
                    }
                    RotationJob::CheckCurrent { account_sid, .. } => {
                        format!("check the current Twilio token of {account_sid}")
                    }
                    RotationJob::Start { plan, .. } => {
                        format!("rotate the Twilio token of {}", plan.account_sid)
                    }
                    RotationJob::Decide { run, decision } => {
                        let sid = run.account_sid();
                        match decision {
                            Decision::Promote { .. } => {
                                format!("promote the new Twilio token of {sid}")
                            }
                            Decision::Abort => format!("abort the rotation of {sid}"),
                            _ => format!("rotate the Twilio token of {sid}"),
                        }
                    }
                };
                let halt = self.halt.clone();
                let task = tokio::spawn(run_rotation(tx, core, halt, run, job));
                self.changes.push((task, what));
            }
        }
    }

    fn spawn_read(&mut self, task: impl Future<Output = ()> + Send + 'static) {
        self.reads.push(tokio::spawn(task).abort_handle());
    }

    /// True while a change (or a rotation) is still running.
    pub fn has_changes_in_flight(&mut self) -> bool {
        !self.changes_in_flight().is_empty()
    }

    /// What each change (or rotation) still running does.
    pub fn changes_in_flight(&mut self) -> Vec<String> {
        self.changes.retain(|(t, _)| !t.is_finished());
        self.changes.iter().map(|(_, what)| what.clone()).collect()
    }

    /// Aborts reads and waits for changes in flight to finish and be journaled. When
    /// this is given up on (dropped), [`Worker::changes_in_flight`] tells what is left.
    pub async fn shutdown(&mut self) {
        self.halt.store(true, Ordering::SeqCst);
        self.run(Job::CancelReads);
        for (change, _) in &mut self.changes {
            if !change.is_finished() {
                let _ = change.await;
            }
        }
        self.changes.clear();
    }
}

/// Reports what a change recorded (its journal entry, for the Activity tab) and
/// what it could not; returns its result.
fn reported<T, E>(done: Done<T, E>, tx: &UnboundedSender<Msg>) -> Result<T, E> {
    if let Some(entry) = done.journaled {
        let _ = tx.send(Msg::Journaled(entry));
    }
    for w in done.warnings {
        let _ = tx.send(Msg::Warning(w));
    }
    done.result
}

/// The one place a [`Request`] becomes an operation. `call` is the (generation,
/// job) the request runs for: a long list sends its pages under it as they arrive.
pub async fn perform(
    ops: &Ops,
    core: &Context,
    prober: &Prober,
    request: Request,
    tx: &UnboundedSender<Msg>,
    call: (u64, u64),
) -> Answer {
    match request {
        Request::ListProviders => Answer::Providers(ops.list_providers().await),
        Request::ListSip => {
            let (generation, job) = call;
            let result = ops
                .list_sip_pages(|page| {
                    let _ = tx.send(Msg::SipPage {
                        generation,
                        job,
                        page,
                    });
                })
                .await;
            Answer::Sip(result)
        }
        Request::ProviderNumbers { id } => {
            let result = ops.provider_numbers(&id).await;
            Answer::ProviderNumbers { id, result }
        }
        Request::PlanProviderDelete { id } => {
            Answer::ProviderDeletePlan(ops.plan_provider_delete(&id).await)
        }
        Request::SipDependants { id } => {
            let result = ops.sip_dependants(&id).await;
            Answer::SipDependants { id, result }
        }
        Request::History { id } => {
            let records = ops.history(&id).await;
            Answer::History { id, records }
        }
        Request::Save(submission) => {
            let action = submission.describe();
            let result = match submission {
                FormSubmission::CreateSip(input) => {
                    reported(ops.create_sip(&input).await, tx).map(Saved::Sip)
                }
                FormSubmission::UpdateSip { id, edit } => {
                    reported(ops.edit_sip(&id, &edit).await, tx).map(Saved::Sip)
                }
                FormSubmission::CreateProvider(new) => {
                    reported(ops.create_provider(&new).await, tx).map(Saved::Provider)
                }
                FormSubmission::UpdateProvider { id, update } => {
                    reported(ops.update_provider(&id, &update).await, tx).map(Saved::Provider)
                }
            };
            Answer::Saved { action, result }
        }
        Request::PlanSipDelete { id } => Answer::SipDeletePlan(ops.plan_sip_delete(&id).await),
        Request::DeleteSip { plan, force } => {
            let result = reported(ops.delete_sip(&plan, force).await, tx);
            Answer::SipDeleted {
                id: plan.id.clone(),
                name: plan.name.clone(),
                result,
            }
        }
        Request::DeleteProvider(plan) => {
            let result = reported(ops.delete_provider(&plan).await, tx);
            Answer::ProviderDeleted {
                id: plan.id.clone(),
                name: plan.name.clone(),
                result,
            }
        }
        Request::RotateSipPassword { id, name, password } => {
            let result = reported(ops.rotate_sip_password(&id, &password).await, tx);
            Answer::SipRotated { name, result }
        }
        Request::PlanSipCarrier { id, name, accounts } => {
            let core = Context {
                twilio_accounts: accounts,
                ..core.clone()
            };
            let result = core
                .plan_carrier_rotation(ops, &id, false)
                .await
                .map(|planned| Box::new(planned.plan));
            Answer::SipCarrierPlanned { name, result }
        }
        Request::RotateSipCarrier {
            name,
            plan,
            accounts,
        } => {
            let core = Context {
                twilio_accounts: accounts,
                ..core.clone()
            };
            let password = crate::ops::carrier::generate_carrier_password();
            let result = core
                .rotate_confirmed(ops, &plan, password, prober)
                .await
                .map(Box::new);
            Answer::SipCarrierRotated { name, result }
        }
        Request::Verify { id } => {
            let result = reported(ops.verify_provider(&id).await, tx);
            Answer::Verified { id, result }
        }
        Request::ProbeSip { id, name, register } => {
            let result = reported(ops.probe_sip(&id, prober, register).await, tx);
            Answer::Probed { id, name, result }
        }
    }
}

/// `token` checked with Twilio (warnings reported), then its plan, or why there is
/// none.
async fn checked_plan(
    core: &Context,
    tx: &UnboundedSender<Msg>,
    (profiles, account_sid): (&[Profile], &str),
    token: &crate::secret::Secret,
    mint: Option<Arc<MintSetup>>,
) -> CheckOutcome {
    let (http, journal) = (&core.http, &core.stores.journal);
    // A mint starts from the account's CURRENT token: its refusal says so.
    let done = match mint {
        Some(_) => rotation::check_current(http, profiles, account_sid, token, journal).await,
        None => rotation::check_everywhere(http, profiles, account_sid, token, journal).await,
    };
    let (result, warnings) = done.into_parts();
    for w in warnings {
        let _ = tx.send(Msg::Warning(w));
    }
    match result {
        Err(failure) => CheckOutcome::Failed(failure),
        Ok(checked) => {
            let plan = rotation::plan(profiles, &core.http, checked.account_sid()).await;
            CheckOutcome::Planned {
                plan: Arc::new(plan),
                token: Arc::new(checked),
                mint,
            }
        }
    }
}

/// Runs one step of a rotation and reports its progress.
async fn run_rotation(
    tx: UnboundedSender<Msg>,
    core: Context,
    halt: Arc<AtomicBool>,
    run: u64,
    job: RotationJob,
) {
    let msg = match job {
        RotationJob::Check {
            check_id,
            profiles,
            account_sid,
            token,
        } => {
            let target = (profiles.as_slice(), account_sid.as_str());
            let outcome = checked_plan(&core, &tx, target, &token, None).await;
            RotationMsg::Checked { check_id, outcome }
        }
        RotationJob::CheckCurrent {
            check_id,
            profiles,
            account_sid,
            current,
            setup,
        } => {
            let target = (profiles.as_slice(), account_sid.as_str());
            let outcome = match current.resolve().await {
                Ok(token) => checked_plan(&core, &tx, target, &token, Some(setup)).await,
                Err(failure) => CheckOutcome::Failed(failure),
            };
            RotationMsg::Checked { check_id, outcome }
        }
        RotationJob::Start {
            plan,
            profiles,
            token,
            kind,
            decision,
        } => {
            let ctx = Context { profiles, ..core }.run_context(rotation::DEFAULT_CONCURRENCY, halt);
            let started = RotationRun::new(run, ctx, kind, plan, token);
            advance(started, decision, &tx).await
        }
        RotationJob::Decide { run, decision } => advance(*run, decision, &tx).await,
    };
    let _ = tx.send(Msg::Rotation { run, msg });
}

/// Hands `run` the user's decision, forwarding its progress, and sends it back.
async fn advance(run: RotationRun, decision: Decision, tx: &UnboundedSender<Msg>) -> RotationMsg {
    let id = run.id();
    let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
    let forward = tx.clone();
    let forwarder = tokio::spawn(async move {
        while let Some(e) = events_rx.recv().await {
            let msg = match e {
                RunEvent::Stage(stage) => RotationMsg::Stage(stage),
                RunEvent::Target(event) => RotationMsg::Progress(event),
            };
            let _ = forward.send(Msg::Rotation { run: id, msg });
        }
    });
    let mut run = run;
    run.set_events(Some(events_tx));
    let (result, warnings) = run.advance(decision).await.into_parts();
    if let Err(not) = result {
        tracing::warn!("{not}");
    }
    // Every progress message goes out before the run comes back.
    run.set_events(None);
    let _ = forwarder.await;
    for w in warnings {
        let _ = tx.send(Msg::Warning(w));
    }
    RotationMsg::Advanced(Box::new(run))
}

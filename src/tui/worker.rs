//! Runs effects as tokio tasks and sends their results back over the channel.
//! Tasks never touch UI state. Switching profile or quitting aborts reads; changes
//! already sent run to the end and are journaled, so nothing is left half-known.

use super::effect::{CheckOutcome, Effect, Msg, Origin, Reply, Request, RotationJob, RotationMsg};
use super::journaling::{self, Stores};
use crate::api::{ApiError, Http, PlatformClient};
use crate::domain::validate;
use crate::ops::rotation::{self, Rotator};
use crate::tui::form::FormSubmission;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::{AbortHandle, JoinHandle};

/// Spawns one task per effect and remembers the reads so they can be cancelled.
pub struct Worker {
    tx: UnboundedSender<Msg>,
    http: Http,
    stores: Stores,
    reads: Vec<AbortHandle>,
    /// Changes sent, each with what it does (for a person).
    changes: Vec<(JoinHandle<()>, String)>,
    verify_slots: Arc<Semaphore>,
}

/// Verifications run at once ("verify all" on a large profile stays polite).
const VERIFY_CONCURRENCY: usize = 4;

impl Worker {
    /// A worker sending results to `tx` and recording into `stores`.
    pub fn new(tx: UnboundedSender<Msg>, http: Http, stores: Stores) -> Self {
        Worker {
            tx,
            http,
            stores,
            reads: Vec::new(),
            changes: Vec::new(),
            verify_slots: Arc::new(Semaphore::new(VERIFY_CONCURRENCY)),
        }
    }

    /// Starts an effect. Clipboard effects are handled by the event loop, not here.
    pub fn run(&mut self, effect: Effect) {
        self.reads.retain(|t| !t.is_finished());
        self.changes.retain(|(t, _)| !t.is_finished());
        match effect {
            Effect::CancelReads => {
                for t in self.reads.drain(..) {
                    t.abort();
                }
            }
            Effect::Connect {
                generation,
                profile,
            } => {
                let (tx, http) = (self.tx.clone(), self.http.clone());
                self.spawn_read(async move {
                    let result = tokio::task::spawn_blocking(move || {
                        PlatformClient::connect(&profile, http).map(Arc::new)
                    })
                    .await
                    .map_err(|e| format!("could not build the client: {e}"))
                    .and_then(|r| r.map_err(|e| e.to_string()));
                    let _ = tx.send(Msg::Connected { generation, result });
                });
            }
            Effect::Call {
                generation,
                job,
                client,
                origin,
                request,
            } => {
                let (tx, stores) = (self.tx.clone(), self.stores.clone());
                let mutates = request.mutates();
                let what = format!("{} on {}", request.describe(), origin.profile);
                let slots =
                    matches!(request, Request::Verify { .. }).then(|| self.verify_slots.clone());
                let task = async move {
                    let _permit = match &slots {
                        Some(s) => s.acquire().await.ok(),
                        None => None,
                    };
                    let result = perform(&client, &stores, &origin, &request)
                        .await
                        .map_err(|e| e.scrubbed(&request.secrets()));
                    record(&tx, &stores, &origin, &request, &result).await;
                    let _ = tx.send(Msg::Done {
                        generation,
                        job,
                        request,
                        result,
                    });
                };
                if mutates {
                    self.changes.push((tokio::spawn(task), what));
                } else {
                    self.spawn_read(task);
                }
            }
            Effect::LoadJournal => {
                let (tx, journal) = (self.tx.clone(), self.stores.journal.clone());
                self.spawn_read(async move {
                    if let Ok((entries, warnings)) =
                        tokio::task::spawn_blocking(move || journal.read()).await
                    {
                        let _ = tx.send(Msg::JournalLoaded { entries, warnings });
                    }
                });
            }
            Effect::Rotation(job) => {
                let (tx, http, stores) = (self.tx.clone(), self.http.clone(), self.stores.clone());
                let what = match &job {
                    RotationJob::Check { account_sid, .. } => {
                        format!("check a new Twilio token of {account_sid}")
                    }
                    RotationJob::Apply { plan, .. } | RotationJob::Retry { plan, .. } => {
                        format!("rotate the Twilio token of {}", plan.account_sid)
                    }
                };
                let task = tokio::spawn(run_rotation(tx, http, stores, job));
                self.changes.push((task, what));
            }
            Effect::Copy(_) | Effect::OverwriteClipboard => {}
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
        self.run(Effect::CancelReads);
        for (change, _) in &mut self.changes {
            if !change.is_finished() {
                let _ = change.await;
            }
        }
        self.changes.clear();
    }
}

/// Writes the journal entry and history record of a finished call, reporting failures.
async fn record(
    tx: &UnboundedSender<Msg>,
    stores: &Stores,
    origin: &Origin,
    request: &Request,
    result: &Result<Reply, ApiError>,
) {
    let entry = journaling::entry_for(origin, request, result);
    let history_warning = journaling::record_history(stores, origin, request, result);
    if let Some(w) = history_warning {
        let _ = tx.send(Msg::Warning(w));
    }
    if let Some(entry) = entry {
        let journal = stores.journal.clone();
        let written = entry.clone();
        let warning = tokio::task::spawn_blocking(move || journal.record(&written))
            .await
            .ok()
            .flatten();
        match warning {
            Some(w) => {
                let _ = tx.send(Msg::Warning(w));
            }
            None => {
                let _ = tx.send(Msg::Journaled(entry));
            }
        }
    }
}

/// The one place a [`Request`] becomes a platform call (or a history read).
pub async fn perform(
    client: &PlatformClient,
    stores: &Stores,
    origin: &Origin,
    request: &Request,
) -> Result<Reply, ApiError> {
    Ok(match request {
        Request::ListProviders => Reply::Providers(client.list_providers().await?),
        Request::ListSip => Reply::Sip(client.list_sip_credentials().await?),
        Request::ProviderNumbers { id, .. } => {
            Reply::ProviderNumbers(client.list_phone_numbers(Some(id)).await?)
        }
        Request::SipDependants { id, .. } => {
            Reply::SipDependants(client.sip_credential_dependants(id).await?)
        }
        Request::History { id } => {
            let (history, profile, id) =
                (stores.history.clone(), origin.profile.clone(), id.clone());
            let records = tokio::task::spawn_blocking(move || history.read(&profile, &id).0)
                .await
                .unwrap_or_default();
            Reply::History(records)
        }
        Request::Save(s) => match s {
            FormSubmission::CreateSip(input) => {
                Reply::SipSaved(client.create_sip_credential(input).await?)
            }
            FormSubmission::UpdateSip { id, input } => {
                Reply::SipSaved(client.update_sip_credential(id, input).await?)
            }
            FormSubmission::CreateProvider(new) => {
                Reply::ProviderSaved(client.create_provider(new).await?)
            }
            FormSubmission::UpdateProvider { id, update } => {
                Reply::ProviderSaved(client.update_provider(id, update).await?)
            }
        },
        Request::DeleteSip { id, force, .. } => {
            client.delete_sip_credential(id, *force).await?;
            Reply::Deleted
        }
        Request::DeleteProvider { id, .. } => {
            client.delete_provider(id).await?;
            Reply::Deleted
        }
        Request::RotateSipPassword { id, password, .. } => {
            validate::new_sip_password(password).map_err(|m| {
                ApiError::local_validation(vec![validate::FieldError::new(
                    validate::field::AUTH_PASSWORD,
                    m,
                )])
            })?;
            let current = client.get_sip_credential(id).await?;
            if current.is_read_only() {
                return Err(ApiError::Unsupported(
                    "provider-managed SIP credentials are read-only".into(),
                ));
            }
            let mut input = current.to_input()?;
            input.auth_password = Some(password.clone());
            Reply::SipSaved(client.update_sip_credential(id, &input).await?)
        }
        Request::Verify { id } => Reply::Verified(client.verify_provider(id).await?),
    })
}

/// Runs one step of a rotation and reports its progress.
async fn run_rotation(tx: UnboundedSender<Msg>, http: Http, stores: Stores, job: RotationJob) {
    let rotator = || {
        let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
        let forward = tx.clone();
        tokio::spawn(async move {
            while let Some(e) = events_rx.recv().await {
                let _ = forward.send(Msg::Rotation(RotationMsg::Progress(e)));
            }
        });
        Rotator::new(stores.journal.clone(), stores.history.clone()).with_events(events_tx)
    };
    let msg = match job {
        RotationJob::Check {
            check_id,
            profiles,
            account_sid,
            token,
        } => {
            let (result, warnings) =
                rotation::check_everywhere(&http, &profiles, &account_sid, &token, &stores.journal)
                    .await;
            for w in warnings {
                let _ = tx.send(Msg::Warning(w.to_string()));
            }
            let outcome = match result {
                Err(failure) => CheckOutcome::Failed(failure),
                Ok(checked) => {
                    let plan = rotation::plan(&profiles, &http, checked.account_sid()).await;
                    CheckOutcome::Planned {
                        plan: Arc::new(plan),
                        token: Arc::new(checked),
                    }
                }
            };
            RotationMsg::Checked { check_id, outcome }
        }
        RotationJob::Apply { plan, token } => {
            RotationMsg::Done(Arc::new(rotator().apply(&plan, &token).await))
        }
        RotationJob::Retry {
            plan,
            report,
            token,
        } => RotationMsg::Done(Arc::new(rotator().retry(&plan, &report, &token).await)),
    };
    let _ = tx.send(Msg::Rotation(msg));
}

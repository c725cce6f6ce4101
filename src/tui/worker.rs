//! Runs effects as tokio tasks and sends their results back over the channel.
//! Tasks never touch UI state; switching profile or quitting aborts them.

use super::effect::{Effect, Msg, Reply, Request};
use crate::api::{ApiError, Http, PlatformClient};
use crate::tui::form::FormSubmission;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

/// Spawns one task per effect and remembers them so they can be cancelled.
pub struct Worker {
    tx: UnboundedSender<Msg>,
    http: Http,
    tasks: Vec<AbortHandle>,
}

impl Worker {
    /// A worker sending results to `tx`.
    pub fn new(tx: UnboundedSender<Msg>, http: Http) -> Self {
        Worker {
            tx,
            http,
            tasks: Vec::new(),
        }
    }

    /// Starts an effect. Clipboard effects are handled by the event loop, not here.
    pub fn run(&mut self, effect: Effect) {
        self.tasks.retain(|t| !t.is_finished());
        match effect {
            Effect::CancelAll => {
                for t in self.tasks.drain(..) {
                    t.abort();
                }
            }
            Effect::Connect {
                generation,
                profile,
            } => {
                let (tx, http) = (self.tx.clone(), self.http.clone());
                let handle = tokio::spawn(async move {
                    let result = tokio::task::spawn_blocking(move || {
                        PlatformClient::connect(&profile, http).map(std::sync::Arc::new)
                    })
                    .await
                    .map_err(|e| format!("could not build the client: {e}"))
                    .and_then(|r| r.map_err(|e| e.to_string()));
                    let _ = tx.send(Msg::Connected { generation, result });
                });
                self.tasks.push(handle.abort_handle());
            }
            Effect::Call {
                generation,
                job,
                client,
                request,
            } => {
                let tx = self.tx.clone();
                let handle = tokio::spawn(async move {
                    let result = perform(&client, &request).await;
                    let _ = tx.send(Msg::Done {
                        generation,
                        job,
                        request,
                        result,
                    });
                });
                self.tasks.push(handle.abort_handle());
            }
            Effect::Copy(_) => {}
        }
    }

    /// Aborts everything (on quit).
    pub fn shutdown(&mut self) {
        self.run(Effect::CancelAll);
    }
}

/// The one place a [`Request`] becomes a platform call.
pub async fn perform(client: &PlatformClient, request: &Request) -> Result<Reply, ApiError> {
    Ok(match request {
        Request::ListProviders => Reply::Providers(client.list_providers().await?),
        Request::ListSip => Reply::Sip(client.list_sip_credentials().await?),
        Request::ProviderNumbers { id, .. } => {
            Reply::ProviderNumbers(client.list_phone_numbers(Some(id)).await?)
        }
        Request::SipDependants { id, .. } => {
            Reply::SipDependants(client.sip_credential_dependants(id).await?)
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
            let current = client.get_sip_credential(id).await?;
            if current.is_read_only() {
                return Err(ApiError::Unsupported(
                    "provider-managed SIP credentials are read-only".into(),
                ));
            }
            let mut input = current.to_input();
            input.auth_password = Some(password.clone());
            Reply::SipSaved(client.update_sip_credential(id, &input).await?)
        }
        Request::Verify { id } => Reply::Verified(client.verify_provider(id).await?),
    })
}

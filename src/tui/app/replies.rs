//! Applying task results to the state. Results of an older profile generation are
//! dropped, as are results for a job that no longer exists.

use super::{ActivityEntry, App, DeleteTarget, Overlay};
use crate::api::ApiError;
use crate::domain::Provider;
use crate::tui::effect::{Effect, Msg, Reply, Request};
use crate::tui::form::FormSubmission;

impl App {
    /// Applies one message from the worker.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Connected { generation, result } => {
                if generation != self.generation {
                    return Vec::new();
                }
                match result {
                    Ok(client) => {
                        self.client = Some(client);
                        self.reload()
                    }
                    Err(e) => {
                        self.set_flash(format!("cannot connect: {e}"), true);
                        self.connect_error = Some(e);
                        Vec::new()
                    }
                }
            }
            Msg::Done {
                generation,
                job,
                request,
                result,
            } => {
                if generation != self.generation || self.jobs.remove(&job).is_none() {
                    return Vec::new();
                }
                self.apply(request, result)
            }
        }
    }

    fn apply(&mut self, request: Request, result: Result<Reply, ApiError>) -> Vec<Effect> {
        match (request, result) {
            (Request::ListProviders, Ok(Reply::Providers(items))) => {
                self.providers.set_items(items.clone());
                self.verification.set_items(items);
            }
            (Request::ListProviders, Err(e)) => {
                self.providers.error = Some(e.to_string());
                self.verification.error = Some(e.to_string());
                self.set_flash(format!("loading providers failed: {e}"), true);
            }
            (Request::ListSip, Ok(Reply::Sip(items))) => self.sip.set_items(items),
            (Request::ListSip, Err(e)) => {
                self.sip.error = Some(e.to_string());
                self.set_flash(format!("loading SIP credentials failed: {e}"), true);
            }
            (Request::ProviderNumbers { id, for_delete }, result) => {
                self.numbers_loaded(id, for_delete, result)
            }
            (Request::SipDependants { id, for_delete }, result) => {
                self.dependants_loaded(id, for_delete, result)
            }
            (Request::Save(submission), result) => self.saved(submission, result),
            (Request::DeleteSip { id, name, force }, result) => {
                let action = if force {
                    "force-delete SIP credential"
                } else {
                    "delete SIP credential"
                };
                self.deleted(action, &name, result.map(|_| ()), |app| app.sip.remove(&id));
            }
            (Request::DeleteProvider { id, name }, result) => {
                self.deleted("delete provider", &name, result.map(|_| ()), |app| {
                    app.providers.remove(&id);
                    app.verification.remove(&id);
                });
                if self.caps().sip_credentials {
                    // The platform removed the provider's own SIP credentials too.
                    return self.call(Request::ListSip);
                }
            }
            (Request::RotateSipPassword { name, .. }, result) => self.sip_rotated(&name, result),
            (Request::Verify { id }, result) => {
                self.verifying.remove(&id);
                match result {
                    Ok(Reply::Verified(r)) => {
                        let name = self.provider_name(&id);
                        self.set_flash(
                            format!("{} {name}: {}", r.status.symbol(), r.status),
                            r.status.severity_rank() <= 1,
                        );
                        self.update_provider(&id, |p| {
                            p.status = r.status.clone();
                            p.checks = r.checks.clone();
                            p.last_verified_at = r.last_verified_at.or(p.last_verified_at);
                        });
                    }
                    Ok(_) => {}
                    Err(e) => self.set_flash(
                        format!("verifying {} failed: {e}", self.provider_name(&id)),
                        true,
                    ),
                }
            }
            (_, Ok(_)) => {}
        }
        Vec::new()
    }

    fn provider_name(&self, id: &str) -> String {
        self.providers
            .items()
            .iter()
            .find(|p| p.id == id)
            .map(Provider::display_name)
            .unwrap_or_else(|| id.to_string())
    }

    fn update_provider(&mut self, id: &str, change: impl Fn(&mut Provider)) {
        for list in [&mut self.providers, &mut self.verification] {
            let mut items = list.items().to_vec();
            if let Some(p) = items.iter_mut().find(|p| p.id == id) {
                change(p);
                list.set_items(items);
            }
        }
    }

    fn numbers_loaded(&mut self, id: String, for_delete: bool, result: Result<Reply, ApiError>) {
        let numbers = match result {
            Ok(Reply::ProviderNumbers(n)) => n,
            Ok(_) => return,
            Err(e) => {
                self.set_flash(
                    format!("could not list the provider's phone numbers: {e}"),
                    true,
                );
                return;
            }
        };
        if for_delete {
            let name = self.provider_name(&id);
            let mut lines: Vec<String> = numbers
                .iter()
                .map(|n| format!("phone number {}", n.phone_number))
                .collect();
            lines.push("its provider-managed SIP credentials and Twilio trunk".into());
            self.flash = None;
            self.open_confirm(DeleteTarget::Provider { id, name }, lines);
        } else if let Some(d) = self.detail.as_mut().filter(|d| d.id == id) {
            d.numbers = Some(numbers);
        }
    }

    fn dependants_loaded(&mut self, id: String, for_delete: bool, result: Result<Reply, ApiError>) {
        let dependants = match result {
            Ok(Reply::SipDependants(d)) => d,
            Ok(_) => return,
            Err(e) => {
                self.set_flash(
                    format!("could not list what uses the credential: {e}"),
                    true,
                );
                return;
            }
        };
        if for_delete {
            let name = self
                .sip
                .items()
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.display_name())
                .unwrap_or(id.clone());
            let mut lines = dependants.describe();
            if lines.is_empty() {
                lines.push("nothing uses it".into());
            }
            self.flash = None;
            self.open_confirm(DeleteTarget::Sip { id, name }, lines);
        } else if let Some(d) = self.detail.as_mut().filter(|d| d.id == id) {
            d.dependants = Some(dependants);
        }
    }

    fn saved(&mut self, submission: FormSubmission, result: Result<Reply, ApiError>) {
        let (action, target) = describe_submission(&submission);
        match result {
            Ok(reply) => {
                let name = match reply {
                    Reply::SipSaved(c) => {
                        let name = c.display_name();
                        self.sip.upsert(c);
                        name
                    }
                    Reply::ProviderSaved(p) => {
                        let name = p.display_name();
                        self.providers.upsert(p.clone());
                        self.verification.upsert(p);
                        name
                    }
                    _ => target.clone(),
                };
                if matches!(self.overlay, Some(Overlay::Form(_))) {
                    self.overlay = None;
                }
                self.record(action, &name, None);
                self.set_flash(format!("✓ {action}: {name}"), false);
            }
            Err(e) => {
                self.record(action, &target, Some(e.to_string()));
                if let Some(Overlay::Form(form)) = self.overlay.as_mut() {
                    form.set_submitting(false);
                    form.apply_platform_error(&e.to_string(), e.field_errors());
                }
                self.set_flash(format!("✗ {action} failed: {e}"), true);
            }
        }
    }

    fn sip_rotated(&mut self, name: &str, result: Result<Reply, ApiError>) {
        match result {
            Ok(Reply::SipSaved(c)) => {
                self.sip.upsert(c);
                if matches!(self.overlay, Some(Overlay::Prompt { .. })) {
                    self.overlay = None;
                }
                self.record("rotate SIP password", name, None);
                self.set_flash(
                    format!("✓ password of {name} rotated: x reveals it, y copies it"),
                    false,
                );
            }
            Ok(_) => {}
            Err(e) => {
                self.record("rotate SIP password", name, Some(e.to_string()));
                if let Some(Overlay::Prompt { prompt, .. }) = self.overlay.as_mut() {
                    prompt.set_note(&format!("✗ {e}"));
                }
                self.set_flash(
                    format!("✗ rotating the password of {name} failed: {e}"),
                    true,
                );
            }
        }
    }

    fn deleted(
        &mut self,
        action: &str,
        name: &str,
        result: Result<(), ApiError>,
        remove: impl FnOnce(&mut App),
    ) {
        match result {
            Ok(()) => {
                remove(self);
                if matches!(self.overlay, Some(Overlay::Confirm { .. })) {
                    self.overlay = None;
                }
                self.record(action, name, None);
                self.set_flash(format!("✓ deleted {name}"), false);
            }
            Err(ApiError::Conflict {
                message,
                dependants,
            }) => {
                if let Some(Overlay::Confirm { dialog, .. }) = self.overlay.as_mut() {
                    dialog.set_busy(false);
                    dialog.offer_force(&message, dependants.describe());
                }
                self.record(action, name, Some(format!("conflict: {message}")));
                self.set_flash(
                    format!("{name} is in use: force delete removes what depends on it"),
                    true,
                );
            }
            Err(e) => {
                if matches!(self.overlay, Some(Overlay::Confirm { .. })) {
                    self.overlay = None;
                }
                self.record(action, name, Some(e.to_string()));
                self.set_flash(format!("✗ could not delete {name}: {e}"), true);
            }
        }
    }

    /// Adds an entry to the Activity tab.
    fn record(&mut self, action: &str, target: &str, error: Option<String>) {
        let seq = self.activity.items().len() as u64 + 1;
        let profile = self.profile().map(|p| p.name.clone()).unwrap_or_default();
        let mut items = self.activity.items().to_vec();
        items.push(ActivityEntry::new(
            seq,
            self.now(),
            &profile,
            action,
            target,
            error,
        ));
        self.activity.set_items(items);
    }
}

fn describe_submission(s: &FormSubmission) -> (&'static str, String) {
    match s {
        FormSubmission::CreateSip(i) => (
            "create SIP credential",
            i.description.clone().unwrap_or_else(|| i.server.clone()),
        ),
        FormSubmission::UpdateSip { id, input } => (
            "update SIP credential",
            input.description.clone().unwrap_or_else(|| id.clone()),
        ),
        FormSubmission::CreateProvider(p) => (
            "create provider",
            p.name.clone().unwrap_or_else(|| p.account_sid.clone()),
        ),
        FormSubmission::UpdateProvider { id, .. } => ("update provider", id.clone()),
    }
}

//! Applying task results to the state. Results of an older profile generation are
//! dropped, as are results for a job that no longer exists; a result changes a dialog
//! only when that dialog is the one waiting for it.

use super::{App, ConfirmTarget, Overlay, Tables};
use crate::api::ApiError;
use crate::domain::{CheckStatus, Dependants, PhoneNumber, SipCredential, VerificationResult};
use crate::ops::Error;
use crate::tui::runtime::effect::{Answer, Effect, Msg, Request, Saved};
use std::sync::Arc;

impl App {
    /// Applies one message from the worker.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Connected { generation, result } => {
                if generation != self.session.generation {
                    return Vec::new();
                }
                match result {
                    Ok(ops) => {
                        self.session.ops = Some(ops);
                        self.reload()
                    }
                    Err(e) => {
                        self.set_flash(
                            format!(
                                "cannot connect: {e} ({} retries)",
                                self.settings.retry_key()
                            ),
                            true,
                        );
                        self.session.connect_error = Some(e);
                        Vec::new()
                    }
                }
            }
            Msg::SipPage {
                generation,
                job,
                page,
            } => {
                if generation == self.session.generation && self.calls.is_running(job) {
                    self.tables.sip_page(job, page);
                }
                Vec::new()
            }
            Msg::Done {
                generation,
                job,
                answer,
            } => {
                if generation != self.session.generation || !self.calls.finish(job) {
                    // Too late to show, but a rotation at both ends journals its
                    // steps itself: what it left unfinished is read again.
                    return match answer {
                        Answer::SipCarrierRotated { .. } => {
                            vec![crate::tui::runtime::effect::Job::LoadJournal.into()]
                        }
                        _ => Vec::new(),
                    };
                }
                let effects = self.apply(job, answer);
                self.loads_finished();
                effects
            }
            Msg::JournalLoaded {
                read,
                entries,
                warnings,
                unfinished,
                unstored,
                carrier,
            } => {
                // An older read that ended after a newer one changes nothing.
                if !self
                    .rotation
                    .journal_read(read, unfinished, unstored, carrier)
                {
                    return Vec::new();
                }
                self.tables.journal_loaded(entries);
                if !warnings.is_empty() {
                    self.set_flash(
                        format!("journal: {} (and {} more)", warnings[0], warnings.len() - 1),
                        true,
                    );
                }
                Vec::new()
            }
            Msg::JournalUnreadable(why) => {
                self.set_flash(
                    format!(
                        "✗ {why}: a rotation that did not finish may not be shown; see \
                         `telcreds rotate status`"
                    ),
                    true,
                );
                Vec::new()
            }
            Msg::Journaled(entry) => {
                self.tables.journaled(entry);
                Vec::new()
            }
            Msg::Warning(warning) => {
                self.set_flash(format!("warning: {warning}"), true);
                Vec::new()
            }
            Msg::Rotation { run, msg } => self.on_rotation(run, msg),
            Msg::Doctor { id, report } => self.on_doctor(id, report),
            Msg::SipCarrier {
                generation,
                id,
                end,
            } => {
                if generation == self.session.generation
                    && let Some(d) = self.tables.detail_mut(&id)
                {
                    d.carrier = Some(end);
                }
                Vec::new()
            }
        }
    }

    /// The overlay waiting for `job`, if it is still open.
    fn waiting_for(&mut self, job: u64) -> Option<&mut Overlay> {
        self.overlay.as_mut().filter(|o| o.job() == Some(job))
    }

    fn close_if_waiting(&mut self, job: u64) {
        if self.waiting_for(job).is_some() {
            self.overlay = None;
        }
    }

    /// Applies the answer of job `job`; every kind of answer has its own arm.
    fn apply(&mut self, job: u64, answer: Answer) -> Vec<Effect> {
        match answer {
            Answer::Providers(Ok(items)) => self.tables.set_providers(items),
            Answer::Sip(Ok(())) => self.tables.sip_loaded(job),
            Answer::Providers(Err(e)) => {
                // Loaded rows stay on screen: a failed refresh only says so.
                self.tables.providers_failed(&e);
                self.set_flash(
                    format!(
                        "loading providers failed: {e} ({} retries)",
                        self.settings.retry_key()
                    ),
                    true,
                );
            }
            Answer::Sip(Err(e)) => {
                if self.tables.sip_failed(job, &e) {
                    self.set_flash(
                        format!(
                            "loading SIP credentials failed: {e} ({} retries)",
                            self.settings.retry_key()
                        ),
                        true,
                    );
                }
            }
            Answer::ProviderNumbers { id, result } => self.numbers_loaded(id, result),
            Answer::ProviderDeletePlan(result) => match result {
                Ok(plan) => {
                    let plan = Arc::new(plan);
                    let (heading, lines) = (plan.heading(), plan.lines());
                    self.status.clear_flash();
                    self.open_confirm(ConfirmTarget::Provider(plan), heading, lines);
                }
                Err(e) => self.set_flash(format!("cannot delete: {e}"), true),
            },
            Answer::SipDependants { id, result } => self.dependants_loaded(id, result),
            Answer::SipDeletePlan(result) => self.delete_planned(result),
            Answer::History { id, records } => {
                if let Some(d) = self.tables.detail_mut(&id) {
                    d.history = Some(records);
                }
            }
            Answer::Saved { action, result } => self.saved(job, action, result),
            Answer::SipDeleted { id, name, result } => {
                self.deleted(job, &name, result, |tables| tables.sip.remove(&id));
            }
            Answer::ProviderDeleted { id, name, result } => {
                let ok = result.is_ok();
                self.deleted(job, &name, result, |tables| tables.remove_provider(&id));
                if ok && self.session.caps().sip_credentials {
                    // The platform removed the provider's own SIP credentials too.
                    return self.call(Request::ListSip);
                }
            }
            Answer::SipRotated { name, result } => self.sip_rotated(job, &name, result),
            Answer::SipCarrierPlanned { name, result } => {
                return self.sip_carrier_planned(name, result);
            }
            Answer::SipCarrierRotated { name, result } => {
                return self.sip_carrier_rotated(job, &name, result);
            }
            Answer::Verified { id, result } => self.verified(&id, result),
            Answer::Probed { id, name, result } => match result {
                Ok(report) => {
                    let status = report.status();
                    let bad = status != crate::domain::VerificationStatus::Verified;
                    let why = report
                        .decisive_check()
                        .map(|c| format!(" — {}: {}", c.name, c.message))
                        .unwrap_or_default();
                    self.set_flash(
                        format!(
                            "{} probe of {name}: {}{why}",
                            status.symbol(),
                            report.verdict()
                        ),
                        bad,
                    );
                    self.tables.probes.insert(id, report);
                }
                Err(e) => self.set_flash(format!("probing {name} failed: {e}"), true),
            },
        }
        Vec::new()
    }

    fn verified(&mut self, id: &str, result: Result<VerificationResult, Error>) {
        let batch = self.calls.verified(id, &result);
        let name = self.tables.provider_name(id);
        self.show_verified(id, &name, result);
        if let Some(tally) = batch {
            self.set_flash(tally.summary(), tally.bad());
        }
    }

    fn show_verified(&mut self, id: &str, name: &str, result: Result<VerificationResult, Error>) {
        match result {
            Ok(r) => {
                // Say why right away: the first check that did not pass.
                let why = r
                    .checks
                    .iter()
                    .find(|c| c.status != CheckStatus::Passed)
                    .map(|c| format!(" — {}: {}", c.name, c.message))
                    .unwrap_or_default();
                let bad = r.status.severity_rank() <= 1;
                self.set_flash(
                    format!("{} {name}: {}{why}", r.status.symbol(), r.status),
                    bad,
                );
                self.tables.update_provider(id, |p| {
                    p.status = r.status.clone();
                    p.checks = r.checks.clone();
                    p.last_verified_at = r.last_verified_at.or(p.last_verified_at);
                });
            }
            Err(e) => self.set_flash(format!("verifying {name} failed: {e}"), true),
        }
    }

    /// A provider's phone numbers, for its detail pane.
    fn numbers_loaded(&mut self, id: String, result: Result<Vec<PhoneNumber>, Error>) {
        match result {
            Ok(numbers) => {
                if let Some(d) = self.tables.detail_mut(&id) {
                    d.numbers = Some(numbers);
                }
            }
            Err(e) => self.set_flash(
                format!("could not list the provider's phone numbers: {e}"),
                true,
            ),
        }
    }

    /// What uses a SIP credential, for its detail pane.
    fn dependants_loaded(&mut self, id: String, result: Result<Dependants, Error>) {
        match result {
            Ok(dependants) => {
                if let Some(d) = self.tables.detail_mut(&id) {
                    d.dependants = Some(dependants);
                }
            }
            Err(e) => self.set_flash(
                format!("could not list what uses the credential: {e}"),
                true,
            ),
        }
    }

    /// A SIP credential's delete, planned: the dialog, from the same plan as the
    /// command line's (in use: only a force delete can work).
    fn delete_planned(&mut self, result: Result<crate::ops::SipDeletePlan, Error>) {
        let plan = match result {
            Ok(plan) => Arc::new(plan),
            Err(e) => {
                self.set_flash(format!("cannot delete: {e}"), true);
                return;
            }
        };
        let in_use = plan.in_use();
        let lines = plan.lines();
        self.status.clear_flash();
        let heading = in_use.then_some("In use by (a force delete deletes these too):");
        self.open_confirm(ConfirmTarget::Sip(plan), heading, lines);
        if in_use && let Some(Overlay::Confirm { dialog, .. }) = self.overlay.as_mut() {
            // A plain delete would be refused: only a force delete can work.
            dialog.offer_force(
                "in use: a force delete removes what depends on it too",
                Vec::new(),
            );
        }
    }

    fn saved(&mut self, job: u64, action: (&str, &str), result: Result<Saved, Error>) {
        let (done, tried) = action;
        match result {
            Ok(saved) => {
                let name = match saved {
                    Saved::Sip(c) => {
                        let name = c.display_name();
                        self.tables.sip.upsert(c.into());
                        name
                    }
                    Saved::Provider(p) => {
                        let name = p.display_name();
                        self.tables.upsert_provider(p);
                        name
                    }
                };
                self.close_if_waiting(job);
                self.set_flash(format!("✓ {done}: {name}"), false);
            }
            Err(e) => {
                if let Some(Overlay::Form { form, job: waiting }) = self.waiting_for(job) {
                    form.set_submitting(false);
                    form.apply_platform_error(&e.to_string(), e.field_errors());
                    *waiting = None;
                }
                self.set_flash(format!("✗ could not {tried}: {e}"), true);
            }
        }
    }

    /// Both ends read: the question, with what the rotation will do; or why it
    /// cannot be done.
    fn sip_carrier_planned(
        &mut self,
        name: String,
        result: Result<Box<crate::ops::carrier_rotation::CarrierPlan>, Error>,
    ) -> Vec<Effect> {
        match result {
            Ok(plan) => {
                self.status.clear_flash();
                let mut details = plan.lines();
                details.extend(plan.warning().map(|w| format!("⚠ {w}")));
                details.push("The password is generated.".to_string());
                self.open_confirm(ConfirmTarget::SipCarrier { name, plan }, None, details);
            }
            Err(why) => self.set_flash(
                format!("✗ cannot rotate {name} at both ends: {why}; nothing was changed"),
                true,
            ),
        }
        Vec::new()
    }

    /// A rotation at both ends ended: its report on screen, the list read again
    /// (the credential's user changed).
    fn sip_carrier_rotated(
        &mut self,
        job: u64,
        name: &str,
        result: Result<Box<crate::ops::carrier_rotation::CarrierReport>, Error>,
    ) -> Vec<Effect> {
        let waiting = self.waiting_for(job).is_some();
        match result {
            Ok(report) => {
                let lines = report.summary();
                let last = lines.last().cloned();
                if waiting {
                    self.overlay = Some(Overlay::Report {
                        title: format!("Rotate at both ends — {name}"),
                        lines,
                        scroll: 0,
                    });
                }
                if let Some(last) = last {
                    self.set_flash(last.shown(), !report.is_complete());
                }
            }
            Err(why) => {
                if waiting {
                    self.overlay = None;
                }
                self.set_flash(
                    format!("✗ cannot rotate {name} at both ends: {why}; nothing was changed"),
                    true,
                );
            }
        }
        let mut effects = self.call(Request::ListSip);
        effects.push(crate::tui::runtime::effect::Job::LoadJournal.into());
        effects
    }

    fn sip_rotated(&mut self, job: u64, name: &str, result: Result<SipCredential, Error>) {
        match result {
            Ok(c) => {
                self.tables.sip.upsert(c.into());
                self.close_if_waiting(job);
                self.set_flash(
                    format!("✓ password of {name} rotated: x reveals it, y copies it"),
                    false,
                );
            }
            Err(e) => {
                match self.waiting_for(job) {
                    Some(Overlay::Prompt {
                        prompt,
                        job: waiting,
                        ..
                    }) => {
                        prompt.set_note(&format!("✗ {e}"));
                        *waiting = None;
                    }
                    // A production confirmation holds no input worth keeping open.
                    Some(Overlay::Confirm { .. }) => self.overlay = None,
                    _ => {}
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
        job: u64,
        name: &str,
        result: Result<(), Error>,
        remove: impl FnOnce(&mut Tables),
    ) {
        match result {
            Ok(()) => {
                remove(&mut self.tables);
                self.close_if_waiting(job);
                self.set_flash(format!("✓ deleted {name}"), false);
            }
            Err(Error::Platform(ApiError::Conflict {
                message,
                dependants,
            })) => {
                if let Some(Overlay::Confirm {
                    dialog,
                    job: waiting,
                    ..
                }) = self.waiting_for(job)
                {
                    dialog.set_busy(false);
                    // Listed once: the dialog may show them already.
                    let listed = if dialog.has_details() {
                        Vec::new()
                    } else {
                        dependants.describe()
                    };
                    dialog.offer_force(&message, listed);
                    *waiting = None;
                }
                self.set_flash(
                    format!("{name} is in use: force delete removes what depends on it"),
                    true,
                );
            }
            Err(e) => {
                self.close_if_waiting(job);
                self.set_flash(format!("✗ could not delete {name}: {e}"), true);
            }
        }
    }
}

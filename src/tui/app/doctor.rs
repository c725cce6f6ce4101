//! `:doctor`: checks the profile shown (or every profile) in a dialog, with the same
//! checks as `telcreds doctor`.

use super::{App, Overlay};
use crate::ops::doctor::Report;
use crate::tui::components::doctor_view::{DoctorEvent, DoctorView};
use crate::tui::runtime::effect::{Effect, Job};
use crossterm::event::KeyEvent;

impl App {
    /// Opens the dialog and starts the checks of the profile shown, or of every
    /// profile when `all`.
    pub(super) fn start_doctor(&mut self, all: bool) -> Vec<Effect> {
        let profiles = if all {
            self.session.profiles().to_vec()
        } else {
            self.session.profile().cloned().into_iter().collect()
        };
        let scope = match profiles.as_slice() {
            [one] if !all => one.name.clone(),
            _ => "every profile".to_string(),
        };
        let id = self.calls.next_id();
        self.overlay = Some(Overlay::Doctor(Box::new(DoctorView::running(id, scope))));
        vec![
            Job::Doctor {
                id,
                config: self.session.config_path().map(std::path::Path::to_path_buf),
                profiles,
                accounts: self.session.twilio_accounts().to_vec(),
            }
            .into(),
        ]
    }

    /// A run's report: into its dialog, or in the flash when it was closed.
    pub(super) fn on_doctor(&mut self, id: u64, report: Report) -> Vec<Effect> {
        match &mut self.overlay {
            Some(Overlay::Doctor(view)) if view.id == id => view.report = Some(report),
            _ => {
                let (text, failed) = DoctorView::summary(&report);
                self.set_flash(text, failed);
            }
        }
        Vec::new()
    }

    /// A key on the dialog.
    pub(super) fn doctor_key(&mut self, mut view: Box<DoctorView>, key: KeyEvent) -> Vec<Effect> {
        if view.handle_key(key) == DoctorEvent::Stay {
            self.overlay = Some(Overlay::Doctor(view));
        } else if view.is_running() {
            self.set_flash("doctor still runs: its summary will show here", false);
        }
        Vec::new()
    }

    /// True while a `:doctor` dialog waits for its report.
    pub(super) fn doctor_running(&self) -> bool {
        matches!(&self.overlay, Some(Overlay::Doctor(view)) if view.is_running())
    }
}

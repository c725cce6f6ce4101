//! The UI state and its update functions. `App` owns every piece of state; keys and
//! task results change it and return [`Effect`]s for the worker. No I/O here, so it
//! is tested by feeding keys and messages, without a terminal.
//!
//! `App`'s state is in parts, each defined next to the code that uses it most:
//! [`Session`] (the profile and its connection), [`Settings`] (theme, key map),
//! [`Tables`] (the tabs' lists, the detail pane), the overlay, [`Calls`] (calls in
//! flight), [`Rotations`] (check, unfinished runs, parked mints), [`Status`] (flash,
//! message log, spinner) and [`Timers`] (the clock and what waits on it). Each part
//! changes its own state through its methods, so what keeps it right is in one place
//! (its fields are private but where the tests read or set them); `App` keeps what
//! reads one part and changes another: a key, a reply, a tick.

pub mod action;
mod activity;
mod calls;
mod clock;
mod commands;
mod dialogs;
mod doctor;
pub mod keymap;
mod keys;
pub mod list;
mod messages;
mod overlay;
mod replies;
mod rotation;
pub mod rows;
mod session;
pub mod sip_row;
pub mod sort_key;
mod tables;
pub mod theme;

pub use activity::ActivityEntry;
pub use calls::Calls;
pub use clock::{Clock, Timers};
pub use messages::{FLASH_TTL, Flash, MESSAGES_KEPT, Message, Status};
pub use overlay::{ConfirmTarget, Overlay, PromptPurpose};
pub use rotation::Rotations;
pub use session::{Session, Settings};
pub use tables::{DetailExtra, SipLoad, Tables};

use crate::config::{Profile, TwilioAccount};
use crate::domain::SipCredential;
use crate::tui::app::theme::Theme;
use crate::tui::runtime::effect::{Effect, Job, Request};
use std::time::{Duration, Instant};

/// How often auto-refresh reloads the providers and their verification status.
pub const AUTO_REFRESH: Duration = Duration::from_secs(30);

/// The key under which the rotation screen's new token is revealed.
pub(crate) const NEW_TOKEN: &str = "rotation: new primary token";

/// How long a revealed secret stays on screen, and a copied one on the clipboard.
pub const SECRET_TTL: Duration = Duration::from_secs(30);

/// The tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Telephony provider credentials.
    Providers,
    /// SIP trunk credentials.
    Sip,
    /// Providers worst-first with their checks.
    Verification,
    /// What was done in this session.
    Activity,
}

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Tab; 4] = [Tab::Providers, Tab::Sip, Tab::Verification, Tab::Activity];

    /// The tab's title.
    pub fn title(&self) -> &'static str {
        self.titles()[0]
    }

    /// The title, then shorter ones for a narrow tab bar.
    pub fn titles(&self) -> [&'static str; 3] {
        match self {
            Tab::Providers => ["Providers", "Providers", "Prov"],
            Tab::Sip => ["SIP credentials", "SIP", "SIP"],
            Tab::Verification => ["Verification", "Verification", "Verif"],
            Tab::Activity => ["Activity", "Activity", "Act"],
        }
    }
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The table.
    Table,
    /// The detail pane (scrolls).
    Detail,
}

/// The whole UI state, one part per concern; each part lives with the code that
/// uses it most.
pub struct App {
    /// The profile shown, its connection and the profile generation.
    pub session: Session,
    /// The theme and the key map.
    pub settings: Settings,
    /// The tabs' lists and the detail pane.
    pub tables: Tables,
    /// A dialog or input on top of the screen.
    pub overlay: Option<Overlay>,
    /// The calls in flight.
    pub calls: Calls,
    /// The rotation check, unfinished runs and parked mints.
    pub rotation: Rotations,
    /// The flash line, the message log and the spinner.
    pub status: Status,
    /// The time and what waits on it (secrets, clipboard, auto-refresh).
    pub timers: Timers,
    /// Set when the app should exit.
    pub(crate) should_quit: bool,
}

impl App {
    /// A new app on `profiles`, starting on `start`; returns the effects that connect it.
    pub fn new(
        profiles: Vec<Profile>,
        start: usize,
        theme: Theme,
        clock: Clock,
    ) -> (App, Vec<Effect>) {
        let mut app = App {
            session: Session::new(profiles),
            settings: Settings::new(theme),
            tables: Tables::new(),
            overlay: None,
            calls: Calls::default(),
            rotation: Rotations::default(),
            status: Status::default(),
            timers: Timers::new(clock),
            should_quit: false,
        };
        let mut effects = vec![Job::LoadJournal.into()];
        let last = app.session.profiles().len().saturating_sub(1);
        effects.extend(app.switch_profile(start.min(last)));
        (app, effects)
    }

    /// The Twilio accounts whose tokens `r` may mint (from `[twilio_accounts]`).
    pub fn set_twilio_accounts(&mut self, accounts: Vec<TwilioAccount>) {
        self.session.set_twilio_accounts(accounts);
    }

    /// The config file the profiles came from, which `:doctor` checks.
    pub fn set_config_path(&mut self, path: Option<std::path::PathBuf>) {
        self.session.set_config_path(path);
    }

    /// The time the app last saw.
    pub fn clock(&self) -> Clock {
        self.timers.clock()
    }

    /// Hands the app the time; the event loop calls it before every update.
    pub fn set_clock(&mut self, clock: Clock) {
        self.timers.set_clock(clock);
    }

    /// The profile shown.
    pub fn profile(&self) -> Option<&Profile> {
        self.session.profile()
    }

    /// Number of calls in flight.
    pub fn jobs_in_flight(&self) -> usize {
        self.calls.len() + usize::from(self.session.connecting())
    }

    /// True while something animates (the spinner).
    pub fn is_busy(&self) -> bool {
        self.jobs_in_flight() > 0
            || self.rotation_running()
            || self.rotation.checking()
            || self.doctor_running()
            || self.tables.looking_up_carrier()
    }

    /// The next moment the screen or the state must change without input: a secret
    /// hides, the clipboard is overwritten, auto-refresh runs, the flash expires, or a
    /// relative time ("4m ago") changes its text.
    pub fn next_deadline(&self) -> Option<Instant> {
        let age = self.tables.next_age_change(self.timers.clock());
        [self.timers.next_deadline(), self.status.deadline(), age]
            .into_iter()
            .flatten()
            .min()
    }

    /// Advances time to `clock`: hides expired secrets and flash messages, overwrites
    /// the clipboard and refreshes when due.
    pub fn on_time(&mut self, clock: Clock) -> Vec<Effect> {
        self.timers.set_clock(clock);
        let mut effects = Vec::new();
        if self.timers.hide_expired().is_some_and(|id| id == NEW_TOKEN) {
            self.hide_new_token();
        }
        self.status.expire(clock.mono);
        if self.timers.auto_refresh_due() {
            // Only the providers (statuses): the cursor stays where it is.
            let loading = self.calls.any(|r| matches!(r, Request::ListProviders));
            if self.session.ops.is_some() && !loading {
                effects.extend(self.call(Request::ListProviders));
            }
        }
        if self.timers.clipboard_due() {
            effects.push(Effect::OverwriteClipboard);
            // Whether the terminal honoured OSC 52 cannot be known: say what was done.
            self.set_flash("clipboard overwritten", false);
        }
        effects
    }

    /// Turns auto-refresh on, or pauses it.
    pub fn toggle_auto_refresh(&mut self) {
        let key = self
            .settings
            .keymap()
            .label(crate::tui::app::action::UserAction::AutoRefresh);
        if self.timers.toggle_auto_refresh() {
            let every = AUTO_REFRESH.as_secs();
            self.set_flash(
                format!("auto-refresh every {every} s ({key} pauses)"),
                false,
            );
        } else {
            self.set_flash(format!("auto-refresh paused ({key} resumes)"), false);
        }
    }

    /// Switches to profile `index`: cancels its tasks, forgets its data, reconnects.
    pub fn switch_profile(&mut self, index: usize) -> Vec<Effect> {
        let Some(profile) = self.session.switch(index) else {
            self.set_flash("no profiles configured", true);
            return Vec::new();
        };
        self.calls.forget();
        self.rotation.forget_check();
        self.timers.hide();
        self.tables.reset(self.session.caps().sip_credentials);
        self.overlay = None;
        self.status.clear_flash();
        if let Err(e) = self.settings.use_accent(profile.accent.as_deref()) {
            self.set_flash(e, true);
        }
        vec![
            Job::CancelReads.into(),
            Job::Connect {
                generation: self.session.generation,
                profile: Box::new(profile),
                token: None,
            }
            .into(),
            // What a change left unfinished meanwhile (on any profile) shows.
            Job::LoadJournal.into(),
        ]
    }

    /// Starts a call for the current profile and returns its job id with the effect
    /// that runs it; or, when it cannot start, why.
    pub fn start(&mut self, request: Request) -> Result<(u64, Effect), NotStarted> {
        let Some(ops) = self.session.ops.clone() else {
            return Err(match &self.session.connect_error {
                Some(e) => NotStarted::ConnectFailed {
                    error: e.to_string(),
                    retry: self.settings.retry_key(),
                },
                None => NotStarted::Connecting,
            });
        };
        let job = self.calls.begin(request.clone());
        if matches!(request, Request::ListSip) {
            self.tables.begin_sip_load(job);
        }
        let effect = Job::Call {
            generation: self.session.generation,
            job,
            ops,
            request,
        }
        .into();
        Ok((job, effect))
    }

    /// Starts a call nothing waits for; when it cannot start, the flash says why.
    pub fn call(&mut self, request: Request) -> Vec<Effect> {
        match self.start(request) {
            Ok((_, effect)) => vec![effect],
            Err(why) => {
                self.set_flash(why.to_string(), true);
                Vec::new()
            }
        }
    }

    /// The loads that fill the lists of the current profile.
    pub fn reload(&mut self) -> Vec<Effect> {
        let mut effects = self.call(Request::ListProviders);
        if self.session.caps().sip_credentials {
            effects.extend(self.call(Request::ListSip));
        }
        // A rotation finished elsewhere (the command line) shows too.
        effects.push(Job::LoadJournal.into());
        effects
    }

    /// Shows a flash message now (on one line, without control characters) and
    /// keeps it in the message log.
    pub fn set_flash(&mut self, text: impl Into<String>, error: bool) {
        self.status.set_flash(text, error, self.timers.clock());
    }

    /// Shows a progress message now that goes away once the lists have loaded (not
    /// kept in the log).
    pub fn set_progress(&mut self, text: impl Into<String>) {
        self.status.set_progress(text, self.timers.clock());
    }

    /// The messages shown so far (the last [`MESSAGES_KEPT`]), oldest first.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.status.messages()
    }

    /// Ends a progress message once no list is loading any more.
    pub(super) fn loads_finished(&mut self) {
        let loading = self
            .calls
            .any(|r| matches!(r, Request::ListProviders | Request::ListSip));
        if !loading {
            self.status.end_progress();
        }
    }

    /// The SIP credential under the cursor (SIP tab).
    pub fn selected_sip(&self) -> Option<SipCredential> {
        self.tables.selected_sip()
    }
}

/// Why a call could not start: nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotStarted {
    /// The profile's token is still being fetched (a slow `token_cmd`).
    #[error("not connected yet: the profile's token is still being fetched; try again in a moment")]
    Connecting,
    /// The profile could not connect.
    #[error("not connected: {error} ({retry} retries)")]
    ConnectFailed {
        /// Why.
        error: String,
        /// The key that retries (ctrl-r unless remapped).
        retry: String,
    },
}

//! The UI state and its update functions. `App` owns every piece of state; keys and
//! task results change it and return [`Effect`]s for the worker. No I/O here, so it
//! is tested by feeding keys and messages, without a terminal.

pub mod action;
mod activity;
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
pub mod sip_row;
pub mod sort_key;
pub mod theme;

pub use activity::ActivityEntry;
pub use clock::Clock;
pub use messages::{MESSAGES_KEPT, Message};
pub use overlay::{ConfirmTarget, Overlay, PromptPurpose};

use crate::api::{Capabilities, capabilities};
use crate::config::ConfigError;
use crate::config::{Profile, TwilioAccount};
use crate::domain::{Dependants, PhoneNumber, Provider, SipCredential};
use crate::ops::Ops;
use crate::tui::app::list::{Cursor, ItemList, Sort};
use crate::tui::app::sip_row::SipRow;
use crate::tui::app::theme::Theme;
use crate::tui::runtime::effect::{Effect, Job, Request};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
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

/// A one-line message under the hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// The text.
    pub text: String,
    /// Shown in the error style.
    pub error: bool,
    /// When it goes away (errors stay longer).
    pub until: Instant,
    /// Progress ("refreshing…"): goes away when the lists have loaded.
    pub progress: bool,
}

/// How long a flash message stays; an error stays three times as long.
pub const FLASH_TTL: Duration = Duration::from_secs(10);

/// Extra data loaded for the detail pane of one item.
#[derive(Debug, Clone, Default)]
pub struct DetailExtra {
    /// The item it belongs to.
    pub id: String,
    /// Phone numbers of a provider.
    pub numbers: Option<Vec<PhoneNumber>>,
    /// What uses a SIP credential.
    pub dependants: Option<Dependants>,
    /// Verification history of a provider, oldest first.
    pub history: Option<Vec<crate::history::Record>>,
    /// Whether a SIP credential's carrier end is looked up (its server is a Twilio
    /// termination host), and what was found once it is.
    pub carrier_lookup: bool,
    /// The carrier end of a SIP credential, once found.
    pub carrier: Option<crate::ops::carrier::CarrierEnd>,
}

/// The whole UI state.
pub struct App {
    /// Every configured profile.
    pub(crate) profiles: Vec<Profile>,
    /// Index of the profile shown.
    pub(crate) current: usize,
    /// Bumped on every profile switch; results of older generations are dropped.
    pub generation: u64,
    /// The operations of the current profile, once connected.
    pub ops: Option<Arc<Ops>>,
    /// Why the current profile could not connect.
    pub connect_error: Option<ConfigError>,
    /// The tab shown.
    pub tab: Tab,
    /// Which pane has the keyboard.
    pub(crate) focus: Focus,
    /// Providers tab.
    pub providers: ItemList<Provider>,
    /// SIP tab.
    pub sip: ItemList<SipRow>,
    /// The SIP list being loaded, page by page.
    pub sip_load: Option<SipLoad>,
    /// Verification tab (the same providers, worst first).
    pub verification: ItemList<Provider>,
    /// Activity tab.
    pub activity: ItemList<ActivityEntry>,
    /// Detail data loaded on demand.
    pub(crate) detail: Option<DetailExtra>,
    /// Scroll of the detail pane, and the item it was scrolled on.
    detail_scroll: (Option<String>, u16),
    /// A dialog or input on top of the screen.
    pub overlay: Option<Overlay>,
    /// The flash line.
    pub flash: Option<Flash>,
    /// Every flash message, for `:messages`.
    messages: messages::MessageLog,
    /// Calls in flight, by job id.
    pub jobs: HashMap<u64, Request>,
    /// Providers being verified right now.
    pub verifying: HashSet<String>,
    /// The last probe of each SIP credential probed in this session.
    pub probes: HashMap<String, crate::probe::report::ProbeReport>,
    /// The tally of a verification of several providers, while it runs.
    verify_batch: Option<VerifyTally>,
    /// The SIP credential whose password is shown, and until when.
    revealed: Option<(String, Instant)>,
    /// When the copied secret on the clipboard is to be overwritten.
    pub(crate) clipboard_clear_at: Option<Instant>,
    /// How long a copied secret stays on the clipboard ([`SECRET_TTL`] but in tests).
    pub(crate) clipboard_ttl: Duration,
    /// Where a copy goes, as the message says it ([`crate::tui::runtime::clipboard::destination`]).
    pub(crate) clipboard_destination: String,
    /// Spinner frame.
    pub(crate) spinner: usize,
    /// Colours.
    pub theme: Theme,
    /// The theme before the profile's accent was applied.
    base_theme: Theme,
    /// When auto-refresh next reloads; `None` while it is off or paused.
    pub(crate) auto_refresh_at: Option<Instant>,
    /// True once auto-refresh was turned on (the header then shows its state).
    pub(crate) auto_refresh_used: bool,
    /// True while a rotation's Twilio check and plan run.
    rotation_check: Option<u64>,
    /// The Twilio accounts whose tokens may be minted (`[twilio_accounts]`).
    twilio_accounts: Vec<TwilioAccount>,
    /// Rotations the journal shows unfinished: the header says so while any is.
    pub unfinished_runs: Vec<crate::ops::rotation::UnfinishedRun>,
    /// New tokens the journal shows handed to a `store_cmd` that never ended: they
    /// may be stored nowhere; the header says so.
    pub unstored_tokens: Vec<crate::ops::rotation::UnstoredToken>,
    /// The newest journal read applied.
    journal_read: u64,
    /// Mints stopped before their promotion and closed, by Account SID in lowercase
    /// (platforms may spell it either way): `r` on a provider of the account reopens
    /// one.
    parked_mints: HashMap<String, Box<crate::tui::components::rotation_view::RotationView>>,
    /// The config file the profiles came from (`None` for `--demo`), for `:doctor`.
    config_path: Option<std::path::PathBuf>,
    /// Which keys trigger which action.
    keymap: crate::tui::app::keymap::Keymap,
    /// Set when the app should exit.
    pub(crate) should_quit: bool,
    /// The time, as last handed in by the event loop.
    clock: Clock,
    next_job: u64,
}

/// A SIP list load in progress: how far it is, and (for a refresh) the new rows,
/// kept aside so that the old ones stay on screen until the new ones are all in.
#[derive(Debug, Default)]
pub struct SipLoad {
    /// The load's job.
    pub job: u64,
    /// Rows received so far.
    pub loaded: usize,
    /// What the platform says the list holds.
    pub total: Option<u64>,
    /// A refresh's rows so far; `None` when the rows go on screen as they come.
    staged: Option<Vec<SipRow>>,
}

impl SipLoad {
    /// A load started as job `job`; over `loaded` rows (a refresh), its rows are
    /// kept aside until the last page.
    fn new(job: u64, loaded: bool) -> SipLoad {
        SipLoad {
            job,
            staged: loaded.then(Vec::new),
            ..SipLoad::default()
        }
    }

    /// True when its rows go on screen as they come (not a refresh behind old rows).
    pub fn is_visible(&self) -> bool {
        self.staged.is_none()
    }
}

impl App {
    /// A new app on `profiles`, starting on `start`; returns the effects that connect it.
    pub fn new(
        profiles: Vec<Profile>,
        start: usize,
        theme: Theme,
        clock: Clock,
    ) -> (App, Vec<Effect>) {
        let mut verification = ItemList::default();
        verification.set_default_sort(Sort {
            column: 2,
            descending: false,
        });
        let mut activity = ItemList::default();
        activity.set_default_sort(Sort {
            column: 0,
            descending: true,
        });
        let mut app = App {
            profiles,
            current: 0,
            generation: 0,
            ops: None,
            connect_error: None,
            tab: Tab::Providers,
            focus: Focus::Table,
            providers: ItemList::default(),
            sip: ItemList::default(),
            sip_load: None,
            verification,
            activity,
            detail: None,
            detail_scroll: (None, 0),
            overlay: None,
            flash: None,
            messages: Default::default(),
            jobs: HashMap::new(),
            verifying: HashSet::new(),
            verify_batch: None,
            probes: HashMap::new(),
            revealed: None,
            clipboard_clear_at: None,
            clipboard_ttl: SECRET_TTL,
            clipboard_destination: crate::tui::runtime::clipboard::destination(false),
            spinner: 0,
            base_theme: theme.clone(),
            theme,
            should_quit: false,
            auto_refresh_at: None,
            auto_refresh_used: false,
            rotation_check: None,
            twilio_accounts: Vec::new(),
            unfinished_runs: Vec::new(),
            unstored_tokens: Vec::new(),
            journal_read: 0,
            parked_mints: HashMap::new(),
            config_path: None,
            keymap: Default::default(),
            clock,
            next_job: 0,
        };
        let mut effects = vec![Job::LoadJournal.into()];
        effects.extend(app.switch_profile(start.min(app.profiles.len().saturating_sub(1))));
        (app, effects)
    }

    /// The Twilio accounts whose tokens `r` may mint (from `[twilio_accounts]`).
    pub fn set_twilio_accounts(&mut self, accounts: Vec<TwilioAccount>) {
        self.twilio_accounts = accounts;
    }

    /// The config file the profiles came from, which `:doctor` checks.
    pub fn set_config_path(&mut self, path: Option<std::path::PathBuf>) {
        self.config_path = path;
    }

    /// The wall time to show.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.wall
    }

    /// The time the app last saw.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Hands the app the time; the event loop calls it before every update.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The profile shown.
    pub fn profile(&self) -> Option<&Profile> {
        self.profiles.get(self.current)
    }

    /// What the current profile's platform supports.
    pub fn caps(&self) -> Capabilities {
        match self.profile() {
            Some(p) => capabilities(&p.platform),
            None => capabilities(&crate::domain::Platform::Dasha),
        }
    }

    /// True when the current profile refuses mutations.
    pub fn readonly(&self) -> bool {
        self.profile().is_some_and(|p| p.readonly)
    }

    /// Number of calls in flight.
    pub fn jobs_in_flight(&self) -> usize {
        self.jobs.len() + usize::from(self.ops.is_none() && self.connect_error.is_none())
    }

    /// True while something animates (the spinner).
    pub fn is_busy(&self) -> bool {
        self.jobs_in_flight() > 0
            || self.rotation_running()
            || self.rotation_check.is_some()
            || self.doctor_running()
            || self
                .detail
                .as_ref()
                .is_some_and(|d| d.carrier_lookup && d.carrier.is_none())
    }

    /// The next moment the screen or the state must change without input: a secret
    /// hides, the clipboard is overwritten, auto-refresh runs, the flash expires, or a
    /// relative time ("4m ago") changes its text.
    pub fn next_deadline(&self) -> Option<Instant> {
        let revealed = self.revealed.as_ref().map(|(_, t)| *t);
        let flash = self.flash.as_ref().map(|f| f.until);
        let age = self
            .providers
            .items()
            .iter()
            .filter_map(|p| p.last_verified_at)
            .chain(
                self.detail
                    .iter()
                    .filter_map(|d| d.history.as_ref()?.last().map(|r| r.time)),
            )
            .map(|t| clock::next_age_change(t, self.clock.wall))
            .min()
            .map(|wall| self.clock.instant_at(wall));
        [
            revealed,
            self.clipboard_clear_at,
            self.auto_refresh_at,
            flash,
            age,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Advances time to `clock`: hides expired secrets and flash messages, overwrites
    /// the clipboard and refreshes when due.
    pub fn on_time(&mut self, clock: Clock) -> Vec<Effect> {
        self.clock = clock;
        let now = clock.mono;
        let mut effects = Vec::new();
        if self.revealed.as_ref().is_some_and(|(_, t)| *t <= now) {
            if self
                .revealed
                .as_ref()
                .is_some_and(|(id, _)| id == NEW_TOKEN)
            {
                self.hide_new_token();
            }
            self.revealed = None;
        }
        if self.flash.as_ref().is_some_and(|f| f.until <= now) {
            self.flash = None;
        }
        if self.auto_refresh_at.is_some_and(|t| t <= now) {
            self.auto_refresh_at = Some(now + AUTO_REFRESH);
            // Only the providers (statuses): the cursor stays where it is.
            let loading = self
                .jobs
                .values()
                .any(|r| matches!(r, Request::ListProviders));
            if self.ops.is_some() && !loading {
                effects.extend(self.call(Request::ListProviders));
            }
        }
        if self.clipboard_clear_at.is_some_and(|t| t <= now) {
            self.clipboard_clear_at = None;
            effects.push(Effect::OverwriteClipboard);
            // Whether the terminal honoured OSC 52 cannot be known: say what was done.
            self.set_flash("clipboard overwritten", false);
        }
        effects
    }

    /// Turns auto-refresh on, or pauses it.
    pub fn toggle_auto_refresh(&mut self) {
        let now = self.clock.mono;
        self.auto_refresh_used = true;
        if self.auto_refresh_at.take().is_some() {
            let key = self
                .keymap
                .label(crate::tui::app::action::Action::AutoRefresh);
            self.set_flash(format!("auto-refresh paused ({key} resumes)"), false);
        } else {
            self.auto_refresh_at = Some(now + AUTO_REFRESH);
            let every = AUTO_REFRESH.as_secs();
            let key = self
                .keymap
                .label(crate::tui::app::action::Action::AutoRefresh);
            self.set_flash(
                format!("auto-refresh every {every} s ({key} pauses)"),
                false,
            );
        }
    }

    /// Advances the spinner (called on ticks while busy).
    pub fn on_tick(&mut self) {
        self.spinner = self.spinner.wrapping_add(1);
    }

    /// Switches to profile `index`: cancels its tasks, forgets its data, reconnects.
    pub fn switch_profile(&mut self, index: usize) -> Vec<Effect> {
        let Some(profile) = self.profiles.get(index).cloned() else {
            self.set_flash("no profiles configured", true);
            return Vec::new();
        };
        self.current = index;
        self.generation += 1;
        self.ops = None;
        self.connect_error = None;
        self.jobs.clear();
        self.verifying.clear();
        self.revealed = None;
        self.detail = None;
        self.overlay = None;
        self.flash = None;
        for list in [&mut self.providers, &mut self.verification] {
            *list = fresh_like(list);
        }
        self.sip = fresh_like(&self.sip);
        self.sip_load = None;
        if !capabilities(&profile.platform).sip_credentials && self.tab == Tab::Sip {
            self.tab = Tab::Providers;
        }
        let themed = match &profile.accent {
            Some(accent) => self
                .base_theme
                .clone()
                .with_accent(accent)
                .map_err(|e| format!("profile accent: {e}")),
            None => Ok(self.base_theme.clone()),
        };
        self.theme = themed.unwrap_or_else(|e| {
            self.set_flash(e, true);
            self.base_theme.clone()
        });
        vec![
            Job::CancelReads.into(),
            Job::Connect {
                generation: self.generation,
                profile: Box::new(profile),
                token: None,
            }
            .into(),
        ]
    }

    /// Starts a call for the current profile and returns its job id with the effect
    /// that runs it; or, when it cannot start, why.
    pub fn start(&mut self, request: Request) -> Result<(u64, Effect), NotStarted> {
        let Some(ops) = self.ops.clone() else {
            return Err(match &self.connect_error {
                Some(e) => NotStarted::ConnectFailed {
                    error: e.to_string(),
                    retry: self.keymap.label(crate::tui::app::action::Action::Refresh),
                },
                None => NotStarted::Connecting,
            });
        };
        self.next_job += 1;
        let job = self.next_job;
        if matches!(request, Request::ListSip) {
            // This load replaces any other: pages of an earlier one are dropped.
            self.sip_load = Some(SipLoad::new(job, self.sip.loaded));
        }
        self.jobs.insert(job, request.clone());
        let effect = Job::Call {
            generation: self.generation,
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
        if self.caps().sip_credentials {
            effects.extend(self.call(Request::ListSip));
        }
        effects
    }

    /// A new id for work that is not an [`App::call`] (a rotation check).
    pub(super) fn new_job_id(&mut self) -> u64 {
        self.next_job += 1;
        self.next_job
    }

    /// Shows a flash message (on one line, without control characters) and keeps
    /// it in the message log.
    pub fn set_flash(&mut self, text: impl Into<String>, error: bool) {
        let text = crate::text::printable(&text.into()).into_owned();
        self.messages.push(Message {
            time: self.clock.wall,
            text: text.clone(),
            error,
        });
        self.show_flash(text, error, false);
    }

    /// Shows a progress message that goes away once the lists have loaded (not
    /// kept in the log).
    pub fn set_progress(&mut self, text: impl Into<String>) {
        let text = crate::text::printable(&text.into()).into_owned();
        self.show_flash(text, false, true);
    }

    fn show_flash(&mut self, text: String, error: bool, progress: bool) {
        let ttl = if error { FLASH_TTL * 3 } else { FLASH_TTL };
        self.flash = Some(Flash {
            text,
            error,
            until: self.clock.mono + ttl,
            progress,
        });
    }

    /// The messages shown so far (the last [`MESSAGES_KEPT`]), oldest first.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter()
    }

    /// A new action makes an error or a progress message about an earlier one
    /// untrue: it goes. A success message stays its time.
    pub(super) fn drop_stale_flash(&mut self) {
        if self.flash.as_ref().is_some_and(|f| f.error || f.progress) {
            self.flash = None;
        }
    }

    /// Ends a progress message once no list is loading any more.
    pub(super) fn loads_finished(&mut self) {
        let loading = self
            .jobs
            .values()
            .any(|r| matches!(r, Request::ListProviders | Request::ListSip));
        if !loading && self.flash.as_ref().is_some_and(|f| f.progress) {
            self.flash = None;
        }
    }

    /// The list the current tab shows.
    pub fn current_list(&self) -> &dyn Cursor {
        match self.tab {
            Tab::Providers => &self.providers,
            Tab::Sip => &self.sip,
            Tab::Verification => &self.verification,
            Tab::Activity => &self.activity,
        }
    }

    /// The list the current tab shows, to move in or filter.
    pub fn current_list_mut(&mut self) -> &mut dyn Cursor {
        match self.tab {
            Tab::Providers => &mut self.providers,
            Tab::Sip => &mut self.sip,
            Tab::Verification => &mut self.verification,
            Tab::Activity => &mut self.activity,
        }
    }

    /// The list of provider rows of the current tab, if it shows providers.
    pub fn provider_list_mut(&mut self) -> Option<&mut ItemList<Provider>> {
        match self.tab {
            Tab::Providers => Some(&mut self.providers),
            Tab::Verification => Some(&mut self.verification),
            _ => None,
        }
    }

    /// The provider under the cursor (Providers or Verification tab).
    pub fn selected_provider(&self) -> Option<&Provider> {
        match self.tab {
            Tab::Providers => self.providers.selected_item(),
            Tab::Verification => self.verification.selected_item(),
            _ => None,
        }
    }

    /// The SIP credential under the cursor (SIP tab).
    pub fn selected_sip(&self) -> Option<SipCredential> {
        self.selected_sip_row().map(SipRow::credential)
    }

    /// The SIP list row under the cursor (SIP tab), for what the row itself tells.
    pub fn selected_sip_row(&self) -> Option<&SipRow> {
        (self.tab == Tab::Sip)
            .then(|| self.sip.selected_item())
            .flatten()
    }

    /// How far the detail pane is scrolled: another item's detail (after a create,
    /// a reload, a filter) starts at the top.
    pub fn detail_scroll(&self) -> u16 {
        match &self.detail_scroll {
            (Some(id), rows) if self.current_list().selected_id() == Some(id) => *rows,
            _ => 0,
        }
    }

    /// Scrolls the detail pane by `delta` rows.
    pub(super) fn scroll_detail(&mut self, delta: isize) {
        let rows = self.detail_scroll().saturating_add_signed(
            i16::try_from(delta).unwrap_or(if delta < 0 { i16::MIN } else { i16::MAX }),
        );
        let id = self.current_list().selected_id().map(str::to_string);
        self.detail_scroll = (id, rows);
    }

    /// Puts the detail pane back at its top.
    pub(super) fn detail_to_top(&mut self) {
        self.detail_scroll = (None, 0);
    }

    /// True when the password of SIP credential `id` is revealed.
    pub fn is_revealed(&self, id: &str) -> bool {
        self.revealed.as_ref().is_some_and(|(r, _)| r == id)
    }
}

/// How a verification of several providers is going, by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct VerifyTally {
    verified: usize,
    warning: usize,
    failed: usize,
    not_run: usize,
}

impl VerifyTally {
    /// One line: "verified 8 providers: 3 ✓ verified, 2 ! warning, 3 ✗ failed".
    fn summary(&self) -> String {
        let total = self.verified + self.warning + self.failed + self.not_run;
        let mut parts = vec![format!("{} ✓ verified", self.verified)];
        for (n, what) in [
            (self.warning, "! warning"),
            (self.failed, "✗ failed"),
            (self.not_run, "could not be verified"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        format!("verified {total} providers: {}", parts.join(", "))
    }

    /// True when any did not pass.
    fn bad(&self) -> bool {
        self.failed + self.not_run > 0
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

/// An empty list that keeps the sort of `old` but not its filter: a filter typed for
/// one profile's items means nothing on another's.
fn fresh_like<T: crate::tui::app::list::Row>(old: &ItemList<T>) -> ItemList<T> {
    let mut list = ItemList::default();
    if let Some(s) = old.sort() {
        list.set_default_sort(s);
    }
    list
}

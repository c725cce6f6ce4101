//! What the tabs show: the tab and pane with the keyboard, the four lists, the SIP
//! list's load, the detail pane's data and scroll, and the probes of this session.

use super::clock::{Clock, next_age_change};
use super::{ActivityEntry, Focus, Tab};
use crate::api::ListPage;
use crate::domain::{Dependants, PhoneNumber, Provider, SipCredential};
use crate::journal::JournalEntry;
use crate::tui::app::list::{Cursor, ItemList, Row, Sort};
use crate::tui::app::rows::{PROVIDER_COLUMNS, SIP_COLUMNS};
use crate::tui::app::sip_row::SipRow;
use std::collections::HashMap;
use std::time::Instant;

/// Rows moved by PgUp/PgDn.
pub(super) const PAGE: isize = 10;

/// The tables and the detail pane.
pub struct Tables {
    /// The tab shown.
    pub tab: Tab,
    /// Which pane has the keyboard.
    focus: Focus,
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
    detail: Option<DetailExtra>,
    /// Scroll of the detail pane, and the item it was scrolled on.
    detail_scroll: (Option<String>, u16),
    /// The last probe of each SIP credential probed in this session.
    pub probes: HashMap<String, crate::probe::report::ProbeReport>,
}

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

impl Tables {
    /// Empty tables on the Providers tab, Verification worst first, Activity newest
    /// first.
    pub(super) fn new() -> Tables {
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
        Tables {
            tab: Tab::Providers,
            focus: Focus::Table,
            providers: ItemList::default(),
            sip: ItemList::default(),
            sip_load: None,
            verification,
            activity,
            detail: None,
            detail_scroll: (None, 0),
            probes: HashMap::new(),
        }
    }

    /// Forgets what another profile showed: its lists (their sort stays, not their
    /// filter), its detail and its SIP load; off the SIP tab when the new profile
    /// has no SIP credentials.
    pub(super) fn reset(&mut self, sip_credentials: bool) {
        self.detail = None;
        self.focus = Focus::Table;
        self.probes.clear();
        for list in [&mut self.providers, &mut self.verification] {
            *list = fresh_like(list);
        }
        self.sip = fresh_like(&self.sip);
        self.sip_load = None;
        if !sip_credentials && self.tab == Tab::Sip {
            self.tab = Tab::Providers;
        }
    }

    /// Shows `tab`, resetting the pane focus and detail.
    pub(super) fn set_tab(&mut self, tab: Tab) {
        if self.tab != tab {
            self.tab = tab;
            self.focus = Focus::Table;
            self.detail = None;
            self.detail_to_top();
        }
    }

    /// Shows the tab `step` tabs on, round the tabs shown (the SIP tab only
    /// `with_sip`).
    pub(super) fn step_tab(&mut self, step: isize, with_sip: bool) {
        let tabs: Vec<Tab> = Tab::ALL
            .into_iter()
            .filter(|t| *t != Tab::Sip || with_sip)
            .collect();
        let n = tabs.len() as isize;
        let i = tabs.iter().position(|t| *t == self.tab).unwrap_or(0) as isize;
        self.set_tab(tabs[((i + step).rem_euclid(n)) as usize]);
    }

    /// Which pane has the keyboard.
    pub(crate) fn focus(&self) -> Focus {
        self.focus
    }

    /// Gives the keyboard to the other pane.
    pub(super) fn toggle_focus(&mut self) {
        self.focus = match self.focus {
            Focus::Table => Focus::Detail,
            Focus::Detail => Focus::Table,
        };
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
    fn provider_list_mut(&mut self) -> Option<&mut ItemList<Provider>> {
        match self.tab {
            Tab::Providers => Some(&mut self.providers),
            Tab::Verification => Some(&mut self.verification),
            _ => None,
        }
    }

    /// The columns the current tab's table sorts by.
    pub fn sort_columns(&self) -> &'static [&'static str] {
        match self.tab {
            Tab::Providers | Tab::Verification => PROVIDER_COLUMNS,
            Tab::Sip => SIP_COLUMNS,
            Tab::Activity => &[],
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

    /// Moves the cursor by `delta` rows; in the detail pane, scrolls it.
    pub(super) fn move_cursor(&mut self, delta: isize) {
        if self.focus == Focus::Detail {
            self.scroll_detail(delta);
            return;
        }
        self.current_list_mut().move_by(delta);
        self.detail_to_top();
    }

    /// `g`/`G`: the first or last row; in the detail pane, its top or a page down.
    pub(super) fn jump(&mut self, top: bool) {
        if self.focus == Focus::Detail {
            if top {
                self.detail_to_top();
            } else {
                self.move_cursor(PAGE);
            }
            return;
        }
        let list = self.current_list_mut();
        if top {
            list.first()
        } else {
            list.last()
        }
        self.detail_to_top();
    }

    /// Marks or unmarks the row under the cursor (on a list that takes marks), and
    /// moves down.
    pub(super) fn toggle_mark(&mut self) {
        if let Some(list) = self.provider_list_mut() {
            list.toggle_mark();
            list.move_by(1);
        } else if self.tab == Tab::Sip {
            self.sip.toggle_mark();
            self.sip.move_by(1);
        }
    }

    /// The providers to verify: those marked on the tab's list (the marks then go),
    /// else the one under the cursor.
    pub(super) fn providers_to_verify(&mut self) -> Vec<String> {
        let Some(list) = self.provider_list_mut() else {
            return Vec::new();
        };
        let mut ids = list.marked_ids();
        if ids.is_empty() {
            ids = list
                .selected_item()
                .map(|p| p.id.clone())
                .into_iter()
                .collect();
        }
        list.clear_marks();
        ids
    }

    /// The SIP credentials to probe, (id, name): the marked ones, else the one
    /// under the cursor.
    pub(super) fn probe_targets(&self) -> Vec<(String, String)> {
        let marked = self.sip.marked_ids();
        self.sip
            .items()
            .iter()
            .filter(|c| {
                if marked.is_empty() {
                    self.sip.selected_item().is_some_and(|s| s.id() == c.id())
                } else {
                    self.sip.is_marked(c.id())
                }
            })
            .map(|c| (c.id().to_string(), c.display_name().to_string()))
            .collect()
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
    fn scroll_detail(&mut self, delta: isize) {
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

    /// Opens the detail pane on `detail`'s item, its data to come.
    pub(super) fn set_detail(&mut self, detail: DetailExtra) {
        self.detail = Some(detail);
    }

    /// The detail data loaded for item `id`, when its detail is open.
    pub fn detail(&self, id: &str) -> Option<&DetailExtra> {
        self.detail.as_ref().filter(|d| d.id == id)
    }

    /// The detail data of item `id`, to fill in, when its detail is open.
    pub(super) fn detail_mut(&mut self, id: &str) -> Option<&mut DetailExtra> {
        self.detail.as_mut().filter(|d| d.id == id)
    }

    /// True while the detail pane waits for a carrier end.
    pub(super) fn looking_up_carrier(&self) -> bool {
        self.detail
            .as_ref()
            .is_some_and(|d| d.carrier_lookup && d.carrier.is_none())
    }

    /// The next moment a relative time shown ("4m ago": a provider's last
    /// verification, the detail's last record) changes its text, after `clock`.
    pub(super) fn next_age_change(&self, clock: Clock) -> Option<Instant> {
        self.providers
            .items()
            .iter()
            .filter_map(|p| p.last_verified_at)
            .chain(
                self.detail
                    .iter()
                    .filter_map(|d| d.history.as_ref()?.last().map(|r| r.time)),
            )
            .map(|t| next_age_change(t, clock.wall))
            .min()
            .map(|wall| clock.instant_at(wall))
    }

    /// The providers, loaded: on both tabs that show them.
    pub(super) fn set_providers(&mut self, items: Vec<Provider>) {
        self.providers.set_items(items.clone());
        self.verification.set_items(items);
    }

    /// The providers could not be loaded: rows already loaded stay on screen, an
    /// empty list shows why.
    pub(super) fn providers_failed(&mut self, error: &impl std::fmt::Display) {
        for list in [&mut self.providers, &mut self.verification] {
            list.error = (!list.loaded).then(|| error.to_string());
        }
    }

    /// A provider saved: inserted or replaced on both tabs, and selected.
    pub(super) fn upsert_provider(&mut self, provider: Provider) {
        self.providers.upsert(provider.clone());
        self.verification.upsert(provider);
    }

    /// A provider deleted: gone from both tabs.
    pub(super) fn remove_provider(&mut self, id: &str) {
        self.providers.remove(id);
        self.verification.remove(id);
    }

    /// Changes provider `id` on both tabs.
    pub(super) fn update_provider(&mut self, id: &str, change: impl Fn(&mut Provider)) {
        for list in [&mut self.providers, &mut self.verification] {
            let mut items = list.items().to_vec();
            if let Some(p) = items.iter_mut().find(|p| p.id == id) {
                change(p);
                list.set_items(items);
            }
        }
    }

    /// The name of provider `id` as shown, else its id.
    pub(super) fn provider_name(&self, id: &str) -> String {
        self.providers
            .items()
            .iter()
            .find(|p| p.id == id)
            .map(Provider::display_name)
            .unwrap_or_else(|| id.to_string())
    }

    /// A SIP list load starts as job `job`; it replaces any other, whose pages are
    /// then dropped.
    pub(super) fn begin_sip_load(&mut self, job: u64) {
        self.sip_load = Some(SipLoad::new(job, self.sip.loaded));
    }

    /// A page of the SIP list: on screen at once on a first load (the cursor, filter
    /// and sort apply as rows arrive), kept aside during a refresh.
    /// A page of a load that a later one replaced is dropped.
    pub(super) fn sip_page(&mut self, job: u64, page: ListPage<SipCredential>) {
        let Some(load) = self.sip_load.as_mut().filter(|l| l.job == job) else {
            return;
        };
        let first = load.loaded == 0;
        load.loaded = page.loaded;
        load.total = page.total;
        match &mut load.staged {
            Some(staged) => staged.extend(rows(page.items)),
            None if first => self.sip.set_items(rows(page.items)),
            None => self.sip.append(rows(page.items)),
        }
    }

    /// SIP list load `job` has all its pages. The end of a load that a later one
    /// replaced changes nothing.
    pub(super) fn sip_loaded(&mut self, job: u64) {
        if self.sip_load.as_ref().is_none_or(|l| l.job != job) {
            return;
        }
        match self.sip_load.take() {
            // A refresh: the new rows replace the old ones at once.
            Some(SipLoad {
                staged: Some(rows), ..
            }) => self.sip.set_items(rows),
            // No page at all: an empty list.
            Some(SipLoad { loaded: 0, .. }) => self.sip.set_items(Vec::new()),
            _ => {}
        }
        self.sip.shrink_to_fit();
    }

    /// SIP list load `job` failed: the rows that arrived stay, a refresh's new rows
    /// are dropped, an empty list shows why. False (nothing changed) for a load that
    /// a later one replaced.
    pub(super) fn sip_failed(&mut self, job: u64, error: &impl std::fmt::Display) -> bool {
        if self.sip_load.as_ref().is_none_or(|l| l.job != job) {
            return false;
        }
        self.sip_load = None;
        self.sip.error = (!self.sip.loaded).then(|| error.to_string());
        true
    }

    /// The journal, read whole: the Activity rows.
    pub(super) fn journal_loaded(&mut self, entries: Vec<JournalEntry>) {
        // The file is the whole truth: it holds what was journaled before, too.
        let items = entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| ActivityEntry::new(i as u64, e))
            .collect();
        self.set_activity(items);
    }

    /// An entry just journaled, added to Activity unless it is there already (when
    /// the journal was read again after it was written).
    pub(super) fn journaled(&mut self, entry: JournalEntry) {
        if self
            .activity
            .items()
            .iter()
            .rev()
            .take(64)
            .any(|a| a.entry == entry)
        {
            return;
        }
        let seq = self
            .activity
            .items()
            .iter()
            .map(|e| e.seq + 1)
            .max()
            .unwrap_or(0);
        let mut items = self.activity.items().to_vec();
        items.push(ActivityEntry::new(seq, entry));
        self.set_activity(items);
    }

    /// Replaces the Activity rows; a cursor on the newest entry stays on the newest.
    fn set_activity(&mut self, items: Vec<ActivityEntry>) {
        let on_newest = self.activity.selected_index() == 0;
        self.activity.set_items(items);
        if on_newest {
            self.activity.first();
        }
    }
}

/// A page of credentials as list rows.
fn rows(items: Vec<SipCredential>) -> Vec<SipRow> {
    items.into_iter().map(SipRow::from).collect()
}

/// An empty list that keeps the sort of `old` but not its filter: a filter typed for
/// one profile's items means nothing on another's.
fn fresh_like<T: Row>(old: &ItemList<T>) -> ItemList<T> {
    let mut list = ItemList::default();
    if let Some(s) = old.sort() {
        list.set_default_sort(s);
    }
    list
}

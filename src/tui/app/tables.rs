//! What the tabs show: the tab and pane with the keyboard, the four lists, the SIP
//! list's load, the detail pane's data and scroll, and the probes of this session.

use super::{ActivityEntry, DetailExtra, Focus, SipLoad, Tab};
use crate::domain::Provider;
use crate::tui::app::list::{ItemList, Sort};
use crate::tui::app::sip_row::SipRow;
use std::collections::HashMap;

/// The tables and the detail pane.
pub struct Tables {
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
    pub(super) detail_scroll: (Option<String>, u16),
    /// The last probe of each SIP credential probed in this session.
    pub probes: HashMap<String, crate::probe::report::ProbeReport>,
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
}

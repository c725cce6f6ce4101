//! The demo organisation as data: accounts, providers and what is wrong with each,
//! SIP carriers, agents and who uses which number, Unpod configurations.

use crate::model::{AccountStatus, Transport};

/// Dasha organisation id of the demo org.
pub(super) const ORG_ID: &str = "org-sandbox-demo";

/// Twilio accounts: name, status, age in days.
pub(super) const ACCOUNTS: [(&str, AccountStatus, i64); 6] = [
    ("Acme Production", AccountStatus::Active, 1460),
    ("Acme Europe", AccountStatus::Active, 900),
    ("Globex Staging", AccountStatus::Active, 520),
    ("Initech Legacy", AccountStatus::Suspended, 2100),
    ("Hooli Voice Lab", AccountStatus::Active, 210),
    ("Vandelay Archive", AccountStatus::Closed, 3000),
];
pub(super) const ACME: usize = 0;
const ACME_EU: usize = 1;
const GLOBEX: usize = 2;
const INITECH: usize = 3;
const HOOLI: usize = 4;

/// What is (or is not) wrong with a demo provider.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scenario {
    /// Everything in order (it still fails if its account is suspended).
    Healthy,
    /// The last `n` imported numbers were detached from the trunk.
    DetachedNumbers(usize),
    /// The credential list was detached from the trunk.
    CredentialListDetached,
    /// The stored token is an old one: the account's token was rolled since.
    OutdatedToken,
    /// The trunk was deleted in Twilio.
    MissingTrunk,
}

/// A demo Dasha provider.
pub(super) struct DemoProvider {
    pub(super) name: &'static str,
    pub(super) account: usize,
    pub(super) region: &'static str,
    pub(super) transfer: bool,
    pub(super) numbers: usize,
    pub(super) scenario: Scenario,
    pub(super) created_minutes_ago: i64,
    /// `None`: never verified (pending).
    pub(super) verified_minutes_ago: Option<i64>,
}

const fn provider(
    name: &'static str,
    account: usize,
    region: &'static str,
    numbers: usize,
    scenario: Scenario,
    created_minutes_ago: i64,
    verified_minutes_ago: Option<i64>,
) -> DemoProvider {
    let transfer = matches!(account, ACME | GLOBEX);
    DemoProvider {
        name,
        account,
        region,
        transfer,
        numbers,
        scenario,
        created_minutes_ago,
        verified_minutes_ago,
    }
}

const DAY: i64 = 24 * 60;

/// verified ×2, warning ×2, failed ×3 (outdated token, missing trunk, suspended
/// account), pending ×1.
#[rustfmt::skip]
pub(super) const PROVIDERS: [DemoProvider; 8] = [
    provider("acme-prod-us", ACME, "us1", 5, Scenario::Healthy, 400 * DAY, Some(4)),
    provider("acme-prod-dr", ACME, "us2", 2, Scenario::Healthy, 380 * DAY, Some(62)),
    provider("acme-eu-support", ACME_EU, "ie1", 5, Scenario::DetachedNumbers(2), 300 * DAY, Some(35)),
    provider("acme-eu-callbacks", ACME_EU, "de1", 1, Scenario::CredentialListDetached, 250 * DAY, Some(180)),
    provider("globex-staging", GLOBEX, "us1", 2, Scenario::OutdatedToken, 200 * DAY, Some(20)),
    provider("globex-apac-pilot", GLOBEX, "au1", 1, Scenario::MissingTrunk, 90 * DAY, Some(125)),
    provider("initech-outbound", INITECH, "us1", 3, Scenario::Healthy, 700 * DAY, Some(DAY)),
    provider("acme-onboarding", ACME, "jp1", 0, Scenario::Healthy, 10, None),
];

/// SIP carriers of the manual credentials.
pub(super) struct Carrier {
    pub(super) server: &'static str,
    pub(super) domain: Option<&'static str>,
    pub(super) transport: Transport,
    pub(super) user: &'static str,
    pub(super) cps_limit: Option<i64>,
    pub(super) cps_key: Option<&'static str>,
    pub(super) label: &'static str,
}

const fn carrier(
    server: &'static str,
    domain: Option<&'static str>,
    transport: Transport,
    user: &'static str,
    cps_limit: Option<i64>,
    cps_key: Option<&'static str>,
    label: &'static str,
) -> Carrier {
    Carrier {
        server,
        domain,
        transport,
        user,
        cps_limit,
        cps_key,
        label,
    }
}

#[rustfmt::skip]
pub(super) const CARRIERS: [Carrier; 8] = [
    carrier("sip.carrier-eu.example:5061", Some("carrier-eu.example"), Transport::Tls, "acme-eu", Some(10), Some("eu-outbound"), "EU carrier"),
    carrier("sip.carrier-us.example", Some("carrier-us.example"), Transport::Udp, "acme-us", Some(20), Some("us-outbound"), "US carrier"),
    carrier("trunk.voxline.example:5060", Some("voxline.example"), Transport::Udp, "vx", Some(5), None, "Voxline trunk"),
    carrier("edge.telnexa.example:5061", Some("telnexa.example"), Transport::Tls, "tnx", Some(30), Some("telnexa"), "Telnexa edge"),
    carrier("sbc.nordic-voip.example:5060", Some("nordic-voip.example"), Transport::Tcp, "nordic", None, None, "Nordic VoIP SBC"),
    carrier("pbx.acme-internal.example:5080", Some("acme-internal.example"), Transport::Tcp, "ext", Some(2), Some("internal-pbx"), "Internal PBX"),
    carrier("203.0.113.24:5060", None, Transport::Udp, "gw", None, None, "Legacy gateway"),
    carrier("sip.callroute-apac.example:5061", Some("callroute-apac.example"), Transport::Tls, "apac", Some(8), Some("apac"), "APAC route"),
];
pub(super) const PURPOSES: [&str; 5] = ["outbound", "inbound", "failover", "campaigns", "QA"];
/// Manual SIP credentials; the first ones carry phone numbers.
pub(super) const MANUAL_CREDENTIALS: usize = 34;
/// Phone numbers on each of the first manual credentials (the rest have none).
pub(super) const MANUAL_NUMBERS: [usize; 8] = [3, 2, 2, 1, 1, 2, 1, 1];

/// Agents: id, name, queued calls.
pub(super) const AGENTS: [(&str, &str, u32); 8] = [
    ("agent-support-inbound", "Support inbound", 2),
    ("agent-collections-outbound", "Collections outbound", 7),
    ("agent-appointment-reminders", "Appointment reminders", 12),
    ("agent-after-hours", "After-hours triage", 0),
    ("agent-eu-callbacks", "EU callbacks", 3),
    ("agent-sales-qualifier", "Sales qualifier", 1),
    ("agent-billing", "Billing assistant", 0),
    ("agent-staging-smoke", "Staging smoke test", 0),
];

#[derive(Clone, Copy)]
pub(super) enum Use {
    Inbound,
    Outbound,
}

/// Which agent uses which phone number (index in creation order: the 19 provider
/// numbers first, then the manual ones).
pub(super) const LINKS: [(usize, usize, Use); 22] = [
    (0, 0, Use::Inbound),
    (1, 0, Use::Inbound),
    (2, 1, Use::Outbound),
    (3, 2, Use::Outbound),
    (5, 3, Use::Inbound),
    (7, 0, Use::Inbound),
    (8, 3, Use::Inbound),
    (9, 4, Use::Outbound),
    (12, 4, Use::Outbound),
    (13, 7, Use::Inbound),
    (16, 1, Use::Outbound),
    (17, 1, Use::Outbound),
    (18, 5, Use::Outbound),
    (19, 6, Use::Inbound),
    (19, 5, Use::Outbound),
    (20, 2, Use::Outbound),
    (22, 5, Use::Inbound),
    (26, 1, Use::Outbound),
    (28, 6, Use::Inbound),
    (29, 2, Use::Outbound),
    (30, 3, Use::Inbound),
    (31, 2, Use::Outbound),
];

/// Unpod provider configurations: id, account, age in days.
pub(super) const UNPOD_CONFIGS: [(i64, usize, i64); 3] =
    [(101, ACME, 300), (102, ACME_EU, 150), (103, HOOLI, 40)];

//! Step 1 of the SIP probe: turn the server written in a credential into the socket
//! addresses to try, per RFC 3263.
//!
//! - an IP literal (`1.2.3.4`, `1.2.3.4:5060`, `[::1]`, `[::1]:5061`, `::1`): that address,
//!   no DNS;
//! - a name with a port (`sip.example.com:5080`): A and AAAA of the name;
//! - a name without a port: SRV `_sip._udp.`, `_sip._tcp.` or `_sips._tcp.` + name,
//!   ordered by priority then weight (RFC 2782), then A and AAAA of every target;
//!   when there is no SRV record (NXDOMAIN or no records), A and AAAA of the name with
//!   port 5060 (5061 for TLS).
//!
//! Every address found is returned, IPv4 before IPv6 for each name, so the caller can
//! try them all in order. Every DNS lookup is bounded (3 s by default, two attempts
//! inside that bound); hickory's own default would wait 15 s for a dead nameserver.

use crate::domain::Transport;
use crate::domain::server::{Host, ServerSpec};
use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{RData, RecordType};

/// The default bound for one DNS lookup.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
/// The shortest bound [`Resolver::with_timeout`] accepts.
const MIN_TIMEOUT: Duration = Duration::from_millis(10);

/// One address to try, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The address to connect to.
    pub addr: SocketAddr,
    /// How it was found, for people: `SRV _sip._udp.sip.test → sip-a.sip.test:25060`,
    /// `A sip.test`, `AAAA sip.test` or `IP literal`.
    pub via: String,
    /// The name for TLS SNI and the certificate check: the SRV target, or the host as
    /// written (for an IP literal, the address itself).
    pub host: String,
}

/// The outcome of [`Resolver::resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// Every address to try, in order.
    pub targets: Vec<Destination>,
    /// What was looked up and what was found, one line each, for the report.
    pub steps: Vec<String>,
}

/// Why a server could not be resolved. Each message names the server or DNS name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The server string is not a host, `host:port`, IP or `[IPv6]:port`.
    #[error("{0}")]
    BadServer(crate::domain::server::ServerError),
    /// DNS says the name (or its SRV targets) has no address.
    #[error("{0}")]
    NotFound(String),
    /// The nameserver did not answer within the bound.
    #[error("{0}")]
    Timeout(String),
    /// Anything else: a DNS error response, no system DNS configuration, an unknown
    /// transport.
    #[error("{0}")]
    Other(String),
}

/// Why hickory refused the resolver's configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot set up DNS with {servers}: {reason}")]
struct DnsSetupError {
    servers: String,
    reason: String,
}

/// A DNS resolver bounded in time, for [`Resolver::resolve`].
#[derive(Clone)]
pub struct Resolver {
    /// Built from `config` and `opts`; an error only if hickory refused the configuration.
    inner: Result<TokioResolver, DnsSetupError>,
    config: ResolverConfig,
    opts: ResolverOpts,
    timeout: Duration,
    /// The nameservers, for messages: `the DNS server 127.0.0.1:5353`.
    servers: String,
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("servers", &self.servers)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Resolver {
    /// The system's DNS configuration (`/etc/resolv.conf` on Unix), with the hosts file.
    pub fn system() -> Result<Resolver, ResolveError> {
        let (config, opts) = hickory_resolver::system_conf::read_system_conf().map_err(|e| {
            ResolveError::Other(format!(
                "cannot read the system DNS configuration (/etc/resolv.conf): {e}"
            ))
        })?;
        let ips: Vec<String> = config
            .name_servers
            .iter()
            .map(|ns| ns.ip.to_string())
            .collect::<Vec<_>>();
        let servers = if ips.is_empty() {
            "the system's DNS servers (none configured)".to_string()
        } else {
            format!("the system's DNS servers ({})", dedup(ips).join(", "))
        };
        Ok(Resolver::build(config, opts, DEFAULT_TIMEOUT, servers))
    }

    /// One DNS server at `addr` (UDP, and TCP for long answers), without the hosts
    /// file or search domains: for tests, and for users who name their DNS server.
    pub fn with_nameserver(addr: SocketAddr) -> Resolver {
        let mut udp = ConnectionConfig::udp();
        udp.port = addr.port();
        let mut tcp = ConnectionConfig::tcp();
        tcp.port = addr.port();
        let config = ResolverConfig::from_name_servers(vec![NameServerConfig::new(
            addr.ip(),
            true,
            vec![udp, tcp],
        )]);
        let mut opts = ResolverOpts::default();
        opts.use_hosts_file = ResolveHosts::Never;
        Resolver::build(
            config,
            opts,
            DEFAULT_TIMEOUT,
            format!("the DNS server {addr}"),
        )
    }

    /// Bounds every DNS lookup by `d` (3 s by default), with two attempts inside it.
    /// At least 10 ms.
    pub fn with_timeout(self, d: Duration) -> Resolver {
        let Resolver {
            config,
            opts,
            servers,
            ..
        } = self;
        Resolver::build(config, opts, d.max(MIN_TIMEOUT), servers)
    }

    fn build(
        config: ResolverConfig,
        mut opts: ResolverOpts,
        timeout: Duration,
        servers: String,
    ) -> Resolver {
        // Two attempts of half the bound each; `attempts` counts the retries.
        opts.timeout = timeout / 2;
        opts.attempts = 1;
        let mut builder =
            TokioResolver::builder_with_config(config.clone(), TokioRuntimeProvider::default());
        *builder.options_mut() = opts.clone();
        let inner = builder.build().map_err(|e| DnsSetupError {
            servers: servers.clone(),
            reason: e.to_string(),
        });
        Resolver {
            inner,
            config,
            opts,
            timeout,
            servers,
        }
    }

    /// Resolves `server` (as written in a credential) for `transport` into the
    /// addresses to try, in order.
    pub async fn resolve(
        &self,
        server: &str,
        transport: Transport,
    ) -> Result<Resolution, ResolveError> {
        let spec = parse_server(server)?;
        let mut steps = Vec::new();
        let targets = match (spec.host, spec.port) {
            (Host::Ip(ip), port) => {
                let port = match port {
                    Some(p) => {
                        steps.push(format!("{server} is an IP address: no DNS lookup"));
                        p
                    }
                    None => {
                        let p = transport.default_port();
                        steps.push(format!(
                            "{server} is an IP address: no DNS lookup, default port {p} for {}",
                            transport.via_token()
                        ));
                        p
                    }
                };
                vec![Destination {
                    addr: SocketAddr::new(ip, port),
                    via: "IP literal".to_string(),
                    host: ip.to_string(),
                }]
            }
            (Host::Name(name), Some(port)) => {
                steps.push(format!(
                    "{name} has an explicit port {port}: A/AAAA only, no SRV"
                ));
                let found = self.addresses(&name).await;
                found.push_steps(&name, self.timeout, &mut steps);
                let targets = found.targets(&name, port, None);
                if targets.is_empty() {
                    return Err(self.no_address_error(&name, &found));
                }
                targets
            }
            (Host::Name(name), None) => self.resolve_srv(&name, transport, &mut steps).await?,
        };
        Ok(Resolution {
            targets: dedup_targets(targets),
            steps,
        })
    }

    /// SRV for the transport, then A/AAAA of every target; A/AAAA of `name` when there
    /// is no SRV record.
    async fn resolve_srv(
        &self,
        name: &str,
        transport: Transport,
        steps: &mut Vec<String>,
    ) -> Result<Vec<Destination>, ResolveError> {
        let srv_name = format!("{}.{name}", transport.srv_prefix());
        let records = match self.lookup(&srv_name, RecordType::SRV).await {
            Ok(rdatas) => rdatas
                .into_iter()
                .filter_map(|rd| match rd {
                    RData::SRV(s) => Some(SrvRec {
                        priority: s.priority,
                        weight: s.weight,
                        port: s.port,
                        target: display_name(&s.target.to_string()),
                    }),
                    _ => None,
                })
                .collect::<Vec<_>>(),
            Err(Fail::NoRecords { nx }) => {
                let port = transport.default_port();
                steps.push(format!(
                    "SRV {srv_name}: {}; falling back to A/AAAA of {name}, default port {port} for {}",
                    if nx { "NXDOMAIN" } else { "no records" },
                    transport.via_token()
                ));
                let found = self.addresses(name).await;
                found.push_steps(name, self.timeout, steps);
                let targets = found.targets(name, port, None);
                if targets.is_empty() {
                    return Err(match found.error_kind() {
                        Fail::NoRecords { .. } => ResolveError::NotFound(format!(
                            "no SIP server found for {name}: no SRV record {srv_name} and no A or AAAA record for {name}"
                        )),
                        _ => self.no_address_error(name, &found),
                    });
                }
                return Ok(targets);
            }
            Err(Fail::Timeout) => {
                steps.push(format!(
                    "SRV {srv_name}: no answer within {}",
                    fmt_duration(self.timeout)
                ));
                return Err(self.timeout_error(&format!("SRV {srv_name}")));
            }
            Err(Fail::Other(e)) => {
                steps.push(format!("SRV {srv_name}: failed: {e}"));
                return Err(ResolveError::Other(format!(
                    "DNS lookup of SRV {srv_name} failed: {e}"
                )));
            }
        };

        // RFC 2782: a single record with target "." means the service is not offered.
        let (records, dots): (Vec<SrvRec>, Vec<SrvRec>) =
            records.into_iter().partition(|r| !r.target.is_empty());
        if records.is_empty() {
            let msg = if dots.is_empty() {
                format!("SRV {srv_name}: the answer held no SRV record")
            } else {
                format!(
                    "SRV {srv_name}: target \".\": SIP over {} is not offered for {name}",
                    transport.via_token()
                )
            };
            steps.push(msg.clone());
            return Err(ResolveError::NotFound(msg));
        }
        // Ordered in a statement of its own: the thread RNG must not live across an await.
        let ordered = order_srv(records, &mut rand::rng());
        steps.push(format!(
            "SRV {srv_name}: {} record{}, in try order: {}",
            ordered.len(),
            if ordered.len() == 1 { "" } else { "s" },
            ordered
                .iter()
                .map(|r| format!("{} {} {} {}", r.priority, r.weight, r.port, r.target))
                .collect::<Vec<_>>()
                .join(", ")
        ));

        // Every distinct target name is looked up once, all at the same time.
        let names = dedup(ordered.iter().map(|r| r.target.clone()).collect());
        let found = futures_util::future::join_all(names.iter().map(|n| self.addresses(n))).await;
        for (n, f) in names.iter().zip(&found) {
            f.push_steps(n, self.timeout, steps);
        }
        let mut targets = Vec::new();
        for r in &ordered {
            let Some(i) = names.iter().position(|n| *n == r.target) else {
                continue;
            };
            let via = format!("SRV {srv_name} → {}:{}", r.target, r.port);
            targets.extend(found[i].targets(&r.target, r.port, Some(&via)));
        }
        if targets.is_empty() {
            let list = names.join(", ");
            let any_timeout = found
                .iter()
                .any(|f| matches!(f.error_kind(), Fail::Timeout));
            let all_missing = found
                .iter()
                .all(|f| matches!(f.error_kind(), Fail::NoRecords { .. }));
            return Err(if all_missing {
                ResolveError::NotFound(format!(
                    "SRV {srv_name} names {list}, but none of them has an A or AAAA record"
                ))
            } else if any_timeout {
                self.timeout_error(&format!("A/AAAA of {list} (the targets of SRV {srv_name})"))
            } else {
                ResolveError::Other(format!(
                    "DNS lookup of A/AAAA of {list} (the targets of SRV {srv_name}) failed"
                ))
            });
        }
        Ok(targets)
    }

    /// A and AAAA of `name`, at the same time.
    async fn addresses(&self, name: &str) -> Addresses {
        let (v4, v6) = futures_util::future::join(
            self.lookup(name, RecordType::A),
            self.lookup(name, RecordType::AAAA),
        )
        .await;
        let ips = |r: Result<Vec<RData>, Fail>| -> Result<Vec<IpAddr>, Fail> {
            let ips: Vec<IpAddr> = r?
                .into_iter()
                .filter_map(|rd| match rd {
                    RData::A(a) => Some(IpAddr::V4(a.0)),
                    RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                    _ => None,
                })
                .collect();
            if ips.is_empty() {
                Err(Fail::NoRecords { nx: false })
            } else {
                Ok(ips)
            }
        };
        Addresses {
            v4: ips(v4),
            v6: ips(v6),
        }
    }

    /// One bounded lookup; the records of the asked type (CNAMEs on the way dropped).
    async fn lookup(&self, name: &str, rtype: RecordType) -> Result<Vec<RData>, Fail> {
        let resolver = self
            .inner
            .as_ref()
            .map_err(|e| Fail::Other(e.to_string()))?;
        let query = fqdn(name);
        match tokio::time::timeout(self.timeout, resolver.lookup(query.as_str(), rtype)).await {
            Err(_elapsed) => Err(Fail::Timeout),
            Ok(Err(e)) => Err(Fail::from_net(&e)),
            Ok(Ok(lookup)) => {
                let rdatas: Vec<RData> = lookup
                    .answers()
                    .iter()
                    .filter(|r| r.record_type() == rtype)
                    .map(|r| r.data.clone())
                    .collect();
                if rdatas.is_empty() {
                    Err(Fail::NoRecords { nx: false })
                } else {
                    Ok(rdatas)
                }
            }
        }
    }

    fn timeout_error(&self, what: &str) -> ResolveError {
        ResolveError::Timeout(format!(
            "DNS lookup of {what} timed out: no answer from {} within {}",
            self.servers,
            fmt_duration(self.timeout)
        ))
    }

    /// The error when neither A nor AAAA of `name` gave an address.
    fn no_address_error(&self, name: &str, found: &Addresses) -> ResolveError {
        match found.error_kind() {
            Fail::NoRecords { nx } => ResolveError::NotFound(format!(
                "no A or AAAA record for {name}{}",
                if nx { " (NXDOMAIN)" } else { "" }
            )),
            Fail::Timeout => self.timeout_error(&format!("A/AAAA {name}")),
            Fail::Other(e) => {
                ResolveError::Other(format!("DNS lookup of A/AAAA {name} failed: {e}"))
            }
        }
    }
}

/// How one lookup failed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fail {
    /// NXDOMAIN (`nx`) or no record of the asked type.
    NoRecords {
        nx: bool,
    },
    Timeout,
    Other(String),
}

impl Fail {
    fn from_net(e: &NetError) -> Fail {
        if e.is_nx_domain() {
            Fail::NoRecords { nx: true }
        } else if e.is_no_records_found() {
            Fail::NoRecords { nx: false }
        } else if matches!(e, NetError::Timeout) {
            Fail::Timeout
        } else {
            Fail::Other(e.to_string())
        }
    }
}

/// The A and AAAA answers for one name.
struct Addresses {
    v4: Result<Vec<IpAddr>, Fail>,
    v6: Result<Vec<IpAddr>, Fail>,
}

impl Addresses {
    fn push_steps(&self, name: &str, timeout: Duration, steps: &mut Vec<String>) {
        for (kind, r) in [("A", &self.v4), ("AAAA", &self.v6)] {
            let found = match r {
                Ok(ips) => ips
                    .iter()
                    .map(IpAddr::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                Err(Fail::NoRecords { nx: true }) => "NXDOMAIN".to_string(),
                Err(Fail::NoRecords { nx: false }) => "no records".to_string(),
                Err(Fail::Timeout) => format!("no answer within {}", fmt_duration(timeout)),
                Err(Fail::Other(e)) => format!("failed: {e}"),
            };
            steps.push(format!("{kind} {name}: {found}"));
        }
    }

    /// The addresses with `port`, IPv4 first. `via` is the SRV note, or `A name`.
    fn targets(&self, host: &str, port: u16, via: Option<&str>) -> Vec<Destination> {
        let mut out = Vec::new();
        for (kind, r) in [("A", &self.v4), ("AAAA", &self.v6)] {
            for ip in r.iter().flatten() {
                out.push(Destination {
                    addr: SocketAddr::new(*ip, port),
                    via: via.map_or_else(|| format!("{kind} {host}"), str::to_string),
                    host: host.to_string(),
                });
            }
        }
        out
    }

    /// Why neither gave an address: a timeout or other error outranks "no records",
    /// and NXDOMAIN is reported when either said so.
    fn error_kind(&self) -> Fail {
        let errs = [&self.v4, &self.v6]
            .into_iter()
            .filter_map(|r| r.as_ref().err());
        let mut kind = Fail::NoRecords { nx: false };
        for e in errs {
            kind = match (kind, e) {
                (Fail::Other(s), _) => Fail::Other(s),
                (_, Fail::Other(s)) => Fail::Other(s.clone()),
                (Fail::Timeout, _) | (_, Fail::Timeout) => Fail::Timeout,
                (Fail::NoRecords { nx: a }, Fail::NoRecords { nx: b }) => {
                    Fail::NoRecords { nx: a || *b }
                }
            };
        }
        kind
    }
}

/// Parses a SIP server as written ([`crate::domain::server`], the one grammar the
/// form checks too).
fn parse_server(s: &str) -> Result<ServerSpec, ResolveError> {
    crate::domain::server::parse_sip_server(s).map_err(ResolveError::BadServer)
}

/// One SRV record, its target without the trailing dot ("" for the root).
#[derive(Debug, Clone, PartialEq, Eq)]
struct SrvRec {
    priority: u16,
    weight: u16,
    port: u16,
    target: String,
}

/// RFC 2782 order: by priority; within a priority, a weighted random pick repeated
/// until none are left (weight-0 records placed first, so they are picked only rarely
/// when others have weight).
fn order_srv(mut recs: Vec<SrvRec>, rng: &mut impl rand::Rng) -> Vec<SrvRec> {
    recs.sort_by_key(|r| (r.priority, r.weight != 0));
    let mut out = Vec::with_capacity(recs.len());
    let mut rest = recs.into_iter().peekable();
    while let Some(first) = rest.next() {
        let mut group = vec![first];
        while let Some(r) = rest.next_if(|r| r.priority == group[0].priority) {
            group.push(r);
        }
        while !group.is_empty() {
            let total: u64 = group.iter().map(|r| u64::from(r.weight)).sum();
            let pick = rng.random_range(0..=total);
            let mut running = 0;
            let idx = group
                .iter()
                .position(|r| {
                    running += u64::from(r.weight);
                    running >= pick
                })
                .unwrap_or(group.len() - 1);
            out.push(group.remove(idx));
        }
    }
    out
}

/// `name.` for a name with a dot, so no search domain is tried; a single label stays
/// relative, so the system's search domains (and the hosts file) apply.
fn fqdn(name: &str) -> String {
    if name.contains('.') && !name.ends_with('.') {
        format!("{name}.")
    } else {
        name.to_string()
    }
}

/// A DNS name for people: lower case, no trailing dot ("" for the root).
fn display_name(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|s| seen.insert(s.clone()))
        .collect()
}

/// Drops a repeat of the same address for the same host (two SRV records to one target).
fn dedup_targets(targets: Vec<Destination>) -> Vec<Destination> {
    let mut seen = HashSet::new();
    targets
        .into_iter()
        .filter(|t| seen.insert((t.addr, t.host.clone())))
        .collect()
}

/// `300 ms`, `3 s`, `1.5 s`.
fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    use hickory_resolver::proto::op::{Message, ResponseCode};
    use hickory_resolver::proto::rr::rdata::{A, AAAA, SRV, TXT};
    use hickory_resolver::proto::rr::{Name, Record};
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use tokio::net::UdpSocket;

    /// An in-process DNS server on 127.0.0.1 (UDP): answers from its table, NXDOMAIN
    /// for names it does not have, and nothing at all for names under `silent`.
    struct Stub {
        addr: SocketAddr,
        queries: Arc<Mutex<Vec<(String, RecordType)>>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl Drop for Stub {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    impl Stub {
        async fn start(records: Vec<(&str, RData)>, silent: &[&str]) -> Stub {
            let mut zone: HashMap<String, Vec<RData>> = HashMap::new();
            for (name, rd) in records {
                zone.entry(format!("{name}.")).or_default().push(rd);
            }
            let silent: Vec<String> = silent.iter().map(|s| format!("{s}.")).collect();
            let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let addr = sock.local_addr().unwrap();
            let queries = Arc::new(Mutex::new(Vec::new()));
            let log = Arc::clone(&queries);
            let task = tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                loop {
                    let Ok((n, peer)) = sock.recv_from(&mut buf).await else {
                        continue;
                    };
                    let Ok(req) = Message::from_vec(&buf[..n]) else {
                        continue;
                    };
                    let Some(q) = req.queries.first().cloned() else {
                        continue;
                    };
                    let qname = q.name().to_string().to_ascii_lowercase();
                    log.lock().unwrap().push((qname.clone(), q.query_type()));
                    if silent
                        .iter()
                        .any(|s| qname == *s || qname.ends_with(&format!(".{s}")))
                    {
                        continue;
                    }
                    let mut resp = Message::response(req.metadata.id, req.metadata.op_code);
                    resp.metadata.recursion_desired = req.metadata.recursion_desired;
                    resp.metadata.recursion_available = true;
                    resp.metadata.authoritative = true;
                    resp.add_query(q.clone());
                    match zone.get(&qname) {
                        None => resp.metadata.response_code = ResponseCode::NXDomain,
                        Some(rds) => {
                            for rd in rds.iter().filter(|rd| rd.record_type() == q.query_type()) {
                                resp.add_answer(Record::from_rdata(
                                    q.name().clone(),
                                    60,
                                    rd.clone(),
                                ));
                            }
                        }
                    }
                    let _ = sock.send_to(&resp.to_vec().unwrap(), peer).await;
                }
            });
            Stub {
                addr,
                queries,
                task,
            }
        }

        /// The test zone.
        async fn sip_test() -> Stub {
            let srv = |p, w, port, t: &str| {
                RData::SRV(SRV::new(p, w, port, Name::from_ascii(t).unwrap()))
            };
            let a = |ip: &str| RData::A(A(ip.parse().unwrap()));
            let aaaa = |ip: &str| RData::AAAA(AAAA(ip.parse().unwrap()));
            Stub::start(
                vec![
                    ("_sip._udp.sip.test", srv(10, 60, 25060, "sip-a.sip.test.")),
                    ("_sip._udp.sip.test", srv(20, 0, 25062, "sip-c.sip.test.")),
                    ("_sip._udp.sip.test", srv(10, 40, 25060, "sip-b.sip.test.")),
                    ("_sip._tcp.sip.test", srv(20, 10, 25060, "sip-a.sip.test.")),
                    ("_sip._tcp.sip.test", srv(10, 10, 25060, "sip-b.sip.test.")),
                    (
                        "_sips._tcp.sip.test",
                        srv(10, 100, 25061, "sip-a.sip.test."),
                    ),
                    ("sip-a.sip.test", a("127.0.0.1")),
                    ("sip-a.sip.test", aaaa("::1")),
                    ("sip-b.sip.test", a("127.0.0.2")),
                    ("sip-c.sip.test", a("127.0.0.3")),
                    ("sip-c.sip.test", a("127.0.0.4")),
                    ("sip.test", a("127.0.0.9")),
                    ("dual.test", a("192.0.2.1")),
                    ("dual.test", aaaa("2001:db8::1")),
                    ("plain.test", a("192.0.2.10")),
                    ("nodata.test", a("192.0.2.20")),
                    (
                        "_sip._udp.nodata.test",
                        RData::TXT(TXT::new(vec!["x".into()])),
                    ),
                    ("_sip._udp.gone.test", srv(0, 0, 0, ".")),
                    (
                        "_sip._udp.dangling.test",
                        srv(10, 0, 5060, "nohost.dangling.test."),
                    ),
                ],
                &["slow.test"],
            )
            .await
        }

        fn resolver(&self) -> Resolver {
            Resolver::with_nameserver(self.addr).with_timeout(Duration::from_millis(500))
        }

        fn asked(&self) -> Vec<(String, RecordType)> {
            self.queries.lock().unwrap().clone()
        }
    }

    fn addrs(r: &Resolution) -> Vec<String> {
        r.targets.iter().map(|t| t.addr.to_string()).collect()
    }

    #[tokio::test]
    async fn ip_literals_need_no_dns() {
        let stub = Stub::sip_test().await;
        let r = stub.resolver();
        for (server, transport, want, host) in [
            ("1.2.3.4", Transport::Udp, "1.2.3.4:5060", "1.2.3.4"),
            ("1.2.3.4", Transport::Tcp, "1.2.3.4:5060", "1.2.3.4"),
            ("1.2.3.4", Transport::Tls, "1.2.3.4:5061", "1.2.3.4"),
            ("1.2.3.4:5080", Transport::Udp, "1.2.3.4:5080", "1.2.3.4"),
            ("[::1]:5061", Transport::Tls, "[::1]:5061", "::1"),
            ("[::1]", Transport::Udp, "[::1]:5060", "::1"),
            ("[::1]", Transport::Tls, "[::1]:5061", "::1"),
            ("::1", Transport::Tls, "[::1]:5061", "::1"),
            (
                "[2001:db8::5]:5070",
                Transport::Tcp,
                "[2001:db8::5]:5070",
                "2001:db8::5",
            ),
        ] {
            let res = r.resolve(server, transport).await.unwrap();
            assert_eq!(addrs(&res), [want], "{server} {transport:?}");
            assert_eq!(res.targets[0].via, "IP literal");
            assert_eq!(res.targets[0].host, host);
            assert_eq!(res.steps.len(), 1, "{:?}", res.steps);
        }
        assert!(stub.asked().is_empty(), "{:?}", stub.asked());
    }

    #[tokio::test]
    async fn name_with_port_uses_a_and_aaaa_only() {
        let stub = Stub::sip_test().await;
        let r = stub.resolver();
        let res = r.resolve("sip.test:5070", Transport::Udp).await.unwrap();
        assert_eq!(addrs(&res), ["127.0.0.9:5070"]);
        assert_eq!(res.targets[0].via, "A sip.test");
        assert_eq!(res.targets[0].host, "sip.test");
        assert!(
            res.steps.iter().any(|s| s == "A sip.test: 127.0.0.9"),
            "{:?}",
            res.steps
        );
        assert!(
            res.steps.iter().any(|s| s == "AAAA sip.test: no records"),
            "{:?}",
            res.steps
        );

        let res = r.resolve("Dual.Test.:5080", Transport::Tls).await.unwrap();
        assert_eq!(addrs(&res), ["192.0.2.1:5080", "[2001:db8::1]:5080"]);
        let via: Vec<&str> = res.targets.iter().map(|t| t.via.as_str()).collect();
        assert_eq!(via, ["A dual.test", "AAAA dual.test"]);
        assert!(res.targets.iter().all(|t| t.host == "dual.test"));

        assert!(
            stub.asked().iter().all(|(_, t)| *t != RecordType::SRV),
            "{:?}",
            stub.asked()
        );
    }

    #[tokio::test]
    async fn srv_priority_order_and_every_address() {
        let stub = Stub::sip_test().await;
        let r = stub.resolver();

        // Distinct priorities: a fixed order, IPv4 before IPv6 for each target.
        let res = r.resolve("sip.test", Transport::Tcp).await.unwrap();
        assert_eq!(
            addrs(&res),
            ["127.0.0.2:25060", "127.0.0.1:25060", "[::1]:25060"]
        );
        let hosts: Vec<&str> = res.targets.iter().map(|t| t.host.as_str()).collect();
        assert_eq!(
            hosts,
            ["sip-b.sip.test", "sip-a.sip.test", "sip-a.sip.test"]
        );
        assert_eq!(
            res.targets[0].via,
            "SRV _sip._tcp.sip.test → sip-b.sip.test:25060"
        );
        assert!(
            res.steps.iter().any(|s| s
                == "SRV _sip._tcp.sip.test: 2 records, in try order: \
                    10 10 25060 sip-b.sip.test, 20 10 25060 sip-a.sip.test"),
            "{:?}",
            res.steps
        );

        // Same priority 10 (weights 60/40) first in either order, then priority 20.
        let res = r.resolve("sip.test", Transport::Udp).await.unwrap();
        let a = addrs(&res);
        assert_eq!(a.len(), 5, "{a:?}");
        let mut first: Vec<&str> = a[..3].iter().map(String::as_str).collect();
        first.sort_unstable();
        assert_eq!(first, ["127.0.0.1:25060", "127.0.0.2:25060", "[::1]:25060"]);
        let mut last: Vec<&str> = a[3..].iter().map(String::as_str).collect();
        last.sort_unstable();
        assert_eq!(last, ["127.0.0.3:25062", "127.0.0.4:25062"]);
        let i = a.iter().position(|s| s == "127.0.0.1:25060").unwrap();
        assert_eq!(
            a[i + 1],
            "[::1]:25060",
            "a target's addresses stay together"
        );
        assert!(res.targets[3..].iter().all(|t| t.host == "sip-c.sip.test"
            && t.via == "SRV _sip._udp.sip.test → sip-c.sip.test:25062"));

        // TLS asks _sips._tcp.
        let res = r.resolve("sip.test", Transport::Tls).await.unwrap();
        assert_eq!(addrs(&res), ["127.0.0.1:25061", "[::1]:25061"]);
        assert!(res.targets.iter().all(|t| t.host == "sip-a.sip.test"));
        assert!(
            stub.asked()
                .contains(&("_sips._tcp.sip.test.".into(), RecordType::SRV))
        );
    }

    #[tokio::test]
    async fn no_srv_falls_back_to_a_with_default_port() {
        let stub = Stub::sip_test().await;
        let r = stub.resolver();
        let res = r.resolve("plain.test", Transport::Udp).await.unwrap();
        assert_eq!(addrs(&res), ["192.0.2.10:5060"]);
        assert_eq!(res.targets[0].via, "A plain.test");
        assert_eq!(res.targets[0].host, "plain.test");
        assert!(res.steps[0].starts_with("SRV _sip._udp.plain.test: NXDOMAIN; falling back"));

        let res = r.resolve("plain.test", Transport::Tls).await.unwrap();
        assert_eq!(addrs(&res), ["192.0.2.10:5061"]);

        // The SRV name exists but holds no SRV record (NOERROR, empty answer).
        let res = r.resolve("nodata.test", Transport::Udp).await.unwrap();
        assert_eq!(addrs(&res), ["192.0.2.20:5060"]);
        assert!(res.steps[0].starts_with("SRV _sip._udp.nodata.test: no records;"));
    }

    #[tokio::test]
    async fn nxdomain_everywhere_is_not_found() {
        let stub = Stub::sip_test().await;
        let r = stub.resolver();
        let err = r.resolve("nosuch.test", Transport::Udp).await.unwrap_err();
        let ResolveError::NotFound(msg) = &err else {
            panic!("{err:?}")
        };
        assert!(
            msg.contains("_sip._udp.nosuch.test") && msg.contains("for nosuch.test"),
            "{msg}"
        );

        let err = r
            .resolve("nosuch.test:5060", Transport::Udp)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            ResolveError::NotFound("no A or AAAA record for nosuch.test (NXDOMAIN)".into())
        );

        let err = r
            .resolve("dangling.test", Transport::Udp)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ResolveError::NotFound(m) if m.contains("nohost.dangling.test")),
            "{err:?}"
        );

        let err = r.resolve("gone.test", Transport::Udp).await.unwrap_err();
        assert!(
            matches!(&err, ResolveError::NotFound(m) if m.contains("not offered for gone.test")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn silent_name_times_out_within_the_bound() {
        let stub = Stub::sip_test().await;
        let r = Resolver::with_nameserver(stub.addr).with_timeout(Duration::from_millis(300));
        for (server, what) in [
            ("slow.test", "SRV _sip._udp.slow.test"),
            ("slow.test:5060", "A/AAAA slow.test"),
        ] {
            let start = Instant::now();
            let err = r.resolve(server, Transport::Udp).await.unwrap_err();
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "{:?}",
                start.elapsed()
            );
            let ResolveError::Timeout(msg) = &err else {
                panic!("{err:?}")
            };
            assert!(msg.contains(what) && msg.contains("300 ms"), "{msg}");
            assert!(msg.contains(&stub.addr.to_string()), "{msg}");
        }
    }

    #[tokio::test]
    async fn dead_nameserver_times_out_within_the_bound() {
        // Bound, so nothing answers and no ICMP error comes back.
        let dead = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let r = Resolver::with_nameserver(dead.local_addr().unwrap())
            .with_timeout(Duration::from_millis(300));
        let start = Instant::now();
        let err = r.resolve("sip.test", Transport::Tls).await.unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        assert!(
            matches!(&err, ResolveError::Timeout(m) if m.contains("_sips._tcp.sip.test")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn bad_servers_and_transports_are_refused_before_dns() {
        let stub = Stub::sip_test().await;
        let r = stub.resolver();
        for server in [
            "",
            " sip.test",
            "sip .test",
            "sip.test\n",
            "sip.test\u{7}",
            "sip.test:0",
            "sip.test:65536",
            "sip.test:99999999999999999999",
            "sip.test:",
            "sip.test:abc",
            "sip.test:+5060",
            ":5060",
            "[::1",
            "[::1]x",
            "[::1]:",
            "::1]",
            "[sip.test]",
            "sip[.test",
            "sip:alice@sip.test",
            "sip:sip.test",
            "a..b.test",
            ".sip.test",
            "-a.test",
            "1.2.3",
            "256.1.1.1",
            "exämple.test",
            "sip.test:5060:1",
            "sip/test",
        ] {
            let err = r.resolve(server, Transport::Udp).await.unwrap_err();
            let ResolveError::BadServer(msg) = &err else {
                panic!("{server:?}: {err:?}")
            };
            assert!(!msg.to_string().is_empty(), "{server:?}");
        }
        assert!(stub.asked().is_empty(), "{:?}", stub.asked());
    }

    #[test]
    fn server_strings_parse() {
        let name = |n: &str, port| {
            Ok(ServerSpec {
                host: Host::Name(n.into()),
                port,
            })
        };
        assert_eq!(parse_server("SIP.Test."), name("sip.test", None));
        assert_eq!(parse_server("sip:5060"), name("sip", Some(5060)));
        assert_eq!(
            parse_server("pbx_1.corp.test:65535"),
            name("pbx_1.corp.test", Some(65535))
        );
        assert_eq!(parse_server("localhost:1"), name("localhost", Some(1)));
        assert_eq!(
            parse_server("10.0.0.1:5060"),
            Ok(ServerSpec {
                host: Host::Ip("10.0.0.1".parse().unwrap()),
                port: Some(5060)
            })
        );
        assert_eq!(
            parse_server("sip.test:0").unwrap_err().to_string(),
            "SIP server \"sip.test:0\": port 0 is outside 1–65535"
        );
        assert_eq!(
            parse_server("[::1").unwrap_err().to_string(),
            "SIP server \"[::1\" has '[' without ']'"
        );
    }

    fn rec(priority: u16, weight: u16, target: &str) -> SrvRec {
        SrvRec {
            priority,
            weight,
            port: 5060,
            target: target.into(),
        }
    }

    #[test]
    fn srv_order_is_by_priority_then_weight() {
        let mut rng = StdRng::seed_from_u64(7);
        let out = order_srv(
            vec![
                rec(30, 1, "c"),
                rec(10, 0, "a0"),
                rec(20, 5, "b"),
                rec(10, 0, "a1"),
            ],
            &mut rng,
        );
        let prios: Vec<u16> = out.iter().map(|r| r.priority).collect();
        assert_eq!(prios, [10, 10, 20, 30]);
        assert_eq!(out[2].target, "b");

        // 90/10 weights: the heavy one first about 90% of the time; nothing lost.
        let mut heavy_first = 0;
        for _ in 0..10_000 {
            let out = order_srv(vec![rec(1, 10, "light"), rec(1, 90, "heavy")], &mut rng);
            assert_eq!(out.len(), 2);
            if out[0].target == "heavy" {
                heavy_first += 1;
            }
        }
        assert!((8_700..=9_300).contains(&heavy_first), "{heavy_first}");

        // Weight 0 next to weighted records comes first only rarely.
        let mut zero_first = 0;
        for _ in 0..1_000 {
            let out = order_srv(vec![rec(1, 0, "zero"), rec(1, 100, "w")], &mut rng);
            if out[0].target == "zero" {
                zero_first += 1;
            }
        }
        assert!(zero_first < 50, "{zero_first}");
    }

    #[test]
    fn resolve_future_is_send_and_defaults_are_bounded() {
        fn is_send<T: Send>(_: &T) {}
        let r = Resolver::with_nameserver("127.0.0.1:53".parse().unwrap());
        assert_eq!(r.timeout, DEFAULT_TIMEOUT);
        assert_eq!(r.opts.timeout, Duration::from_millis(1500));
        assert_eq!(r.opts.attempts, 1);
        is_send(&r.resolve("sip.test", Transport::Udp));
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1.5 s");
    }

    proptest! {
        #[test]
        fn server_parser_never_panics(s in "\\PC{0,40}", t in "[\\[\\]:.0-9a-fA-F_@ -]{0,30}") {
            for input in [s.as_str(), t.as_str()] {
                if let Ok(spec) = parse_server(input) {
                    prop_assert!(spec.port != Some(0));
                    if let Host::Name(n) = spec.host {
                        prop_assert!(!n.is_empty() && !n.ends_with('.'));
                    }
                }
            }
        }

        #[test]
        fn server_parser_never_panics_on_any_string(s in any::<String>()) {
            let _ = parse_server(&s);
        }
    }
}

//! Probing a SIP credential from this machine, for both frontends. The probe's
//! set-up (the system's DNS configuration, what TLS trusts) is read once, off the
//! async threads, and reused by every probe of a [`Prober`].

use super::{Done, Error, Ops};
use crate::domain::validate::{FieldError, field};
use crate::probe::report::ProbeReport;
use crate::probe::resolve::{ResolveError, Resolver};
use crate::probe::transport::{TlsTrust, TlsTrustError};
use crate::probe::{ProbeInput, ProbeOptions, probe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// How long each step may take unless asked otherwise (`sip probe --timeout`).
const STEP_TIMEOUT: Duration = Duration::from_secs(5);

/// Probes SIP credentials with one set-up, read when first needed and kept (an
/// error too). Clones share it.
#[derive(Debug, Clone)]
pub struct Prober {
    ca_file: Option<PathBuf>,
    timeout: Duration,
    setup: Arc<OnceCell<Result<Setup, ProbeSetupError>>>,
}

/// What every probe shares.
#[derive(Debug)]
struct Setup {
    resolver: Resolver,
    trust: TlsTrust,
}

/// Why a probe cannot be set up on this machine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeSetupError {
    /// The system's DNS configuration could not be read.
    #[error("cannot use the system's DNS: {0}")]
    Dns(ResolveError),
    /// The trust roots (or the CA file) could not be read.
    #[error(transparent)]
    Trust(#[from] TlsTrustError),
    /// Reading them stopped (the blocking task ended without an answer).
    #[error("reading the system's DNS and TLS setup failed: {0}")]
    Stopped(String),
}

impl Default for Prober {
    fn default() -> Self {
        Prober::new(None, STEP_TIMEOUT)
    }
}

impl Prober {
    /// Each step within `timeout`; TLS trusts the system's roots and `ca_file`'s
    /// certificates. Nothing is read yet.
    pub fn new(ca_file: Option<PathBuf>, timeout: Duration) -> Prober {
        Prober {
            ca_file,
            timeout,
            setup: Arc::default(),
        }
    }

    /// Reads the set-up now, unless it was read before.
    pub async fn ready(&self) -> Result<(), ProbeSetupError> {
        self.setup().await.map(drop)
    }

    async fn setup(&self) -> Result<&Setup, ProbeSetupError> {
        let read = || async {
            let ca_file = self.ca_file.clone();
            tokio::task::spawn_blocking(move || {
                Ok(Setup {
                    resolver: Resolver::system().map_err(ProbeSetupError::Dns)?,
                    trust: TlsTrust::new(ca_file.as_deref())?,
                })
            })
            .await
            .unwrap_or_else(|e| Err(ProbeSetupError::Stopped(e.to_string())))
        };
        self.setup
            .get_or_init(read)
            .await
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The options of one probe; the password is checked with a REGISTER when
    /// `register`.
    async fn options(&self, register: bool) -> Result<ProbeOptions, ProbeSetupError> {
        let setup = self.setup().await?;
        Ok(ProbeOptions {
            register,
            timeout: self.timeout,
            resolver: setup.resolver.clone().with_timeout(self.timeout),
            trust: setup.trust.clone(),
        })
    }
}

impl Ops {
    /// Probes SIP credential `id` from this machine (resolve, reach, and with
    /// `register` authenticate) and records the result in its history. Only the
    /// credential's own server is contacted; the password never leaves the probe.
    pub async fn probe_sip(&self, id: &str, prober: &Prober, register: bool) -> Done<ProbeReport> {
        let options = match prober.options(register).await {
            Ok(o) => o,
            Err(e) => return Done::refused(e),
        };
        let c = match self.get_sip(id).await {
            Ok(c) => c,
            Err(e) => return Done::refused(e),
        };
        let Some(transport) = c.transport.known() else {
            return Done::refused(Error::invalid(vec![FieldError::new(
                field::TRANSPORT,
                format!("telcreds cannot probe over {:?}", c.transport.as_str()),
            )]));
        };
        let input = ProbeInput {
            id: c.id.clone(),
            name: c.display_name(),
            server: c.server.clone(),
            transport,
            domain: c.domain.clone(),
            auth_user: c.auth_user.clone(),
            password: c.auth_password.clone(),
        };
        let report = probe(&input, &options).await;
        let warnings = self
            .record_history(id, &report.record())
            .into_iter()
            .collect();
        Done {
            result: Ok(report),
            journaled: None,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_set_up_is_read_once_and_shared_by_clones() {
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("ca.pem");
        let prober = Prober::new(Some(ca_file.clone()), STEP_TIMEOUT);
        // No such file (or, on a machine without a DNS configuration, no DNS).
        let first = prober.ready().await.unwrap_err();
        std::fs::write(&ca_file, "no certificate here\n").unwrap();
        assert_eq!(
            prober.clone().ready().await,
            Err(first.clone()),
            "not read again"
        );
        let said = Error::from(first.clone()).to_string();
        assert_eq!(said, format!("cannot probe from this machine: {first}"));
    }
}

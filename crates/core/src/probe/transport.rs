//! Getting one SIP request to the server and its final response back, over UDP (with
//! RFC 3261 Timer E retransmissions), TCP, or TLS (certificate checked against the
//! system's roots and an optional extra CA file). Every step is bounded in time.

use super::message::{ParseError, Response, parse_datagram, parse_response};
use crate::domain::Transport;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

/// RFC 3261 T1: the first UDP retransmission interval.
const T1: Duration = Duration::from_millis(500);
/// RFC 3261 T2: the longest interval between UDP retransmissions.
const T2: Duration = Duration::from_secs(4);
/// Most bytes read while waiting for one response over a stream.
const MAX_STREAM_BYTES: usize = 64 * 1024;

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Nothing listens there.
    #[error("connection refused by {0}")]
    Refused(SocketAddr),
    /// No answer in time.
    #[error("no answer from {addr} within {} ms", .after.as_millis())]
    Timeout {
        /// Where.
        addr: SocketAddr,
        /// After how long.
        after: Duration,
    },
    /// The TLS handshake or the certificate failed.
    #[error("TLS with {addr} failed: {reason}")]
    Tls {
        /// Where.
        addr: SocketAddr,
        /// Why (e.g. the certificate is not valid for the name).
        reason: String,
    },
    /// The server's answer is not a SIP response.
    #[error("{addr} answered something that is not a SIP response: {reason}")]
    Garbled {
        /// Where.
        addr: SocketAddr,
        /// What was wrong.
        reason: String,
    },
    /// Any other network failure.
    #[error("network error with {addr}: {reason}")]
    Io {
        /// Where.
        addr: SocketAddr,
        /// What failed.
        reason: String,
    },
}

/// The trust used for TLS: the system's roots, plus an extra CA file if given.
#[derive(Clone)]
pub struct TlsTrust(Arc<rustls::ClientConfig>);

impl std::fmt::Debug for TlsTrust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsTrust")
    }
}

/// Why the extra CA file cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsTrustError {
    #[error("cannot read the CA file {}: {reason}", .path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("the CA file {} is not PEM: {reason}", .path.display())]
    NotPem { path: PathBuf, reason: String },
    #[error("a certificate in {} is unusable: {reason}", .path.display())]
    Unusable { path: PathBuf, reason: String },
    #[error("the CA file {} holds no certificate", .path.display())]
    Empty { path: PathBuf },
}

impl TlsTrust {
    /// The system's roots, and the certificates of `extra_ca` (a PEM file) if given.
    pub fn new(extra_ca: Option<&Path>) -> Result<TlsTrust, TlsTrustError> {
        let mut roots = rustls::RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        for cert in native.certs {
            let _ = roots.add(cert);
        }
        if let Some(path) = extra_ca {
            use rustls::pki_types::{CertificateDer, pem::PemObject};
            let certs =
                CertificateDer::pem_file_iter(path).map_err(|e| TlsTrustError::Unreadable {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
            let mut added = 0;
            for cert in certs {
                let cert = cert.map_err(|e| TlsTrustError::NotPem {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
                roots.add(cert).map_err(|e| TlsTrustError::Unusable {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
                added += 1;
            }
            if added == 0 {
                return Err(TlsTrustError::Empty {
                    path: path.to_path_buf(),
                });
            }
        }
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(TlsTrust(Arc::new(config)))
    }
}

/// An open way to the server.
pub struct Connection {
    addr: SocketAddr,
    local: SocketAddr,
    io: Io,
    buf: Vec<u8>,
}

enum Io {
    Udp(UdpSocket),
    Stream(Box<dyn Stream>),
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

impl Connection {
    /// Opens the way to `addr` (TLS checks the certificate against `host`), within
    /// `timeout`.
    pub async fn open(
        addr: SocketAddr,
        host: &str,
        transport: Transport,
        trust: &TlsTrust,
        timeout: Duration,
    ) -> Result<Connection, TransportError> {
        let io_error = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::ConnectionRefused => TransportError::Refused(addr),
            _ => TransportError::Io {
                addr,
                reason: e.to_string(),
            },
        };
        let timed_out = |_| TransportError::Timeout {
            addr,
            after: timeout,
        };
        let (io, local) =
            match transport {
                Transport::Udp => {
                    let any = if addr.is_ipv4() {
                        std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
                    } else {
                        std::net::IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
                    };
                    let bind = SocketAddr::new(any, 0);
                    let socket = UdpSocket::bind(bind).await.map_err(io_error)?;
                    // Connected: an ICMP "port unreachable" comes back as a refusal.
                    socket.connect(addr).await.map_err(io_error)?;
                    let local = socket.local_addr().map_err(io_error)?;
                    (Io::Udp(socket), local)
                }
                Transport::Tcp | Transport::Tls => {
                    let tcp = tokio::time::timeout(timeout, TcpStream::connect(addr))
                        .await
                        .map_err(timed_out)?
                        .map_err(io_error)?;
                    let _ = tcp.set_nodelay(true);
                    let local = tcp.local_addr().map_err(io_error)?;
                    if transport == Transport::Tcp {
                        (Io::Stream(Box::new(tcp)), local)
                    } else {
                        let name = rustls::pki_types::ServerName::try_from(host.to_string())
                            .map_err(|e| TransportError::Tls {
                                addr,
                                reason: format!("{host:?} is not a valid TLS name: {e}"),
                            })?;
                        let connector = tokio_rustls::TlsConnector::from(trust.0.clone());
                        let tls = tokio::time::timeout(timeout, connector.connect(name, tcp))
                            .await
                            .map_err(timed_out)?
                            .map_err(|e| TransportError::Tls {
                                addr,
                                reason: e.to_string(),
                            })?;
                        (Io::Stream(Box::new(tls)), local)
                    }
                }
            };
        Ok(Connection {
            addr,
            local,
            io,
            buf: Vec::new(),
        })
    }

    /// The local address (for the Via header).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Sends `request` and returns the first final response that `mine` accepts
    /// (provisional 1xx responses and stray messages are skipped), within `timeout`.
    /// Over UDP the request is retransmitted per RFC 3261 Timer E.
    pub async fn exchange(
        &mut self,
        request: &[u8],
        timeout: Duration,
        mine: impl Fn(&Response) -> bool,
    ) -> Result<Response, TransportError> {
        let addr = self.addr;
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + timeout;
        let io_error = move |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::ConnectionRefused => TransportError::Refused(addr),
            _ => TransportError::Io {
                addr,
                reason: e.to_string(),
            },
        };
        let garbled = move |e: ParseError| TransportError::Garbled {
            addr,
            reason: e.to_string(),
        };
        let timed_out = || TransportError::Timeout {
            addr,
            after: started.elapsed(),
        };
        match &mut self.io {
            Io::Udp(socket) => {
                socket.send(request).await.map_err(io_error)?;
                let mut interval = T1;
                let mut resend_at = tokio::time::Instant::now() + interval;
                let mut datagram = vec![0u8; 65_536];
                loop {
                    let wake = resend_at.min(deadline);
                    match tokio::time::timeout_at(wake, socket.recv(&mut datagram)).await {
                        Ok(Ok(n)) => match parse_datagram(&datagram[..n]) {
                            Ok(r) if r.code >= 200 && mine(&r) => return Ok(r),
                            Ok(r) if r.code < 200 && mine(&r) => {
                                // Provisional: the server has it; retransmit slowly.
                                interval = T2;
                            }
                            Ok(_) => {}
                            Err(e) => return Err(garbled(e)),
                        },
                        Ok(Err(e)) => return Err(io_error(e)),
                        Err(_) if tokio::time::Instant::now() >= deadline => {
                            return Err(timed_out());
                        }
                        Err(_) => {
                            socket.send(request).await.map_err(io_error)?;
                            interval = (interval * 2).min(T2);
                            resend_at = tokio::time::Instant::now() + interval;
                        }
                    }
                }
            }
            Io::Stream(stream) => {
                tokio::time::timeout_at(deadline, stream.write_all(request))
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(io_error)?;
                let mut chunk = [0u8; 8192];
                loop {
                    if let Some((r, used)) = parse_response(&self.buf).map_err(garbled)? {
                        self.buf.drain(..used);
                        if r.code >= 200 && mine(&r) {
                            return Ok(r);
                        }
                        continue;
                    }
                    if self.buf.len() > MAX_STREAM_BYTES {
                        return Err(TransportError::Garbled {
                            addr,
                            reason: "more than 64 KiB without a whole response".into(),
                        });
                    }
                    let n = tokio::time::timeout_at(deadline, stream.read(&mut chunk))
                        .await
                        .map_err(|_| timed_out())?
                        .map_err(io_error)?;
                    if n == 0 {
                        return Err(TransportError::Io {
                            addr,
                            reason: "the server closed the connection".into(),
                        });
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_that_cannot_be_used_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let error = |name: &str, text: Option<&str>| {
            let path = dir.path().join(name);
            if let Some(text) = text {
                std::fs::write(&path, text).unwrap();
            }
            let message = TlsTrust::new(Some(&path)).unwrap_err().to_string();
            (message, path.display().to_string())
        };
        let (e, path) = error("missing.pem", None);
        assert!(
            e.starts_with(&format!("cannot read the CA file {path}: ")),
            "{e}"
        );
        let (e, path) = error("empty.pem", Some("no certificate here\n"));
        assert_eq!(e, format!("the CA file {path} holds no certificate"));
        let pem = |body: &str| {
            format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")
        };
        let (e, path) = error("garbled.pem", Some(&pem("!!!")));
        assert!(
            e.starts_with(&format!("the CA file {path} is not PEM: ")),
            "{e}"
        );
        let (e, path) = error("not-a-certificate.pem", Some(&pem("AAAA")));
        assert!(
            e.starts_with(&format!("a certificate in {path} is unusable: ")),
            "{e}"
        );
    }
}

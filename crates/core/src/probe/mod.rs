//! SIP credential probe: resolve the server, reach it with an OPTIONS, and check the
//! password with a query-only REGISTER answering the digest challenge.

pub mod digest;
mod keyring;
pub mod message;
pub mod report;
pub mod resolve;
mod run;
pub mod transport;

pub use run::{ProbeInput, ProbeOptions, probe};

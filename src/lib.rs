//! telcreds: manage voice-AI telephony credentials (Twilio providers and SIP trunk
//! credentials) on Dasha BlackBox and Unpod, from a terminal UI or a command line.
//!
//! The two frontends (`cli`, `tui`) stand on the core crate, re-exported here under
//! the names they always had, and on the sandbox crate (`--demo`, `sandbox`).

pub use telcreds_core::{
    api, config, domain, history, journal, local_file, logging, ops, private_dir, probe, secret,
    text,
};
pub use telcreds_sandbox as sandbox;

pub mod cli;
pub mod memory;
pub mod tui;

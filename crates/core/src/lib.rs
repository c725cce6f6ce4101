//! The core of telcreds, below both frontends: the platform-neutral model, the
//! config, the Dasha, Unpod and Twilio clients, the journal and history stores, the
//! SIP probe, and the operations layer (`ops`) through which the command line and
//! the terminal UI do everything. It knows nothing of a terminal.

pub mod api;
pub mod config;
pub mod domain;
pub mod history;
pub mod journal;
pub mod local_file;
pub mod logging;
pub mod ops;
pub mod private_dir;
pub mod probe;
pub mod secret;
#[cfg(unix)]
pub mod sys;
pub mod text;

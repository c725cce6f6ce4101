//! telcreds: manage voice-AI telephony credentials (Twilio providers and SIP trunk
//! credentials) on Dasha BlackBox and Unpod, from a terminal UI or a command line.

pub mod api;
pub mod cli;
pub mod config;
pub mod domain;
pub mod history;
pub mod journal;
pub mod local_file;
pub mod logging;
pub mod memory;
pub mod ops;
pub mod private_dir;
pub mod probe;
pub mod sandbox;
pub mod secret;
pub mod text;
pub mod tui;

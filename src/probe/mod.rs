//! SIP credential probe: DNS resolution, connection, OPTIONS and REGISTER checks.

pub mod resolve;

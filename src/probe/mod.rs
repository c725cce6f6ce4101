//! SIP credential probe: digest authentication and the few SIP messages it sends and reads.

pub mod digest;
pub mod message;

//! What runs the app: the event loop (`run`), the worker that performs its
//! [`effect::Effect`]s as tokio tasks and answers with [`effect::Msg`]s, the signals
//! that stop it, the clipboard, and the demo's profiles. No screen state lives here.

pub mod clipboard;
pub mod demo;
pub mod effect;
pub mod run;
pub mod signals;
pub mod worker;

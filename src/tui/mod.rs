//! The terminal UI, grouped by what each part is:
//!
//! - [`app`]: the state. `App` and the parts it is made of (the lists and their rows,
//!   the key map and the action table, the theme, the overlay), and the functions that
//!   change it: keys, replies, dialogs, the rotation. No I/O and no drawing.
//! - [`components`]: dialogs and widgets that stand on their own (confirm, secret
//!   prompt, form, rotation, doctor and carrier screens, command line): each owns its
//!   state, takes its keys and draws itself.
//! - [`views`]: the main screen drawn from `App` (header, tables, detail, footer, help,
//!   pickers).
//! - [`runtime`]: what runs it: the event loop, the worker and the effects and messages
//!   between it and `App`, signals, the clipboard, the demo's profiles.
//!
//! `runtime` drives `app` and `views`; `views` draws `app` and `components`; `app`
//! holds `components`; `components` use only the theme and each other.

pub mod app;
pub mod components;
pub mod runtime;
pub mod views;

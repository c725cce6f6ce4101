//! The terminal UI: state (`app`), the action table, views, components, the worker
//! that runs platform calls, and the event loop.

pub mod action;
pub mod app;
pub mod carrier_view;
pub mod clipboard;
pub mod command_line;
pub mod confirm;
pub mod demo;
pub mod doctor_view;
pub mod effect;
pub mod form;
pub mod keymap;
pub mod list;
pub mod rotation_view;
pub mod rows;
pub mod run;
pub mod secret_prompt;
pub mod signals;
pub mod sip_row;
pub mod sort_key;
pub mod theme;
pub mod views;
pub mod widgets;
pub mod worker;

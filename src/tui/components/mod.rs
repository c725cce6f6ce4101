//! Dialogs and widgets that stand on their own: each owns its state, takes its keys
//! and draws itself, and knows nothing of `App` (which holds the open one in its
//! overlay).

pub mod carrier_view;
pub mod command_line;
pub mod confirm;
pub mod doctor_view;
pub mod form;
pub mod rotation_view;
pub mod secret_prompt;
pub mod widgets;

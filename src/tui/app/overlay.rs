//! What can sit on top of the main screen.

use crate::tui::confirm::ConfirmDialog;
use crate::tui::form::Form;
use crate::tui::secret_prompt::SecretPrompt;
use tui_input::Input;

/// What a confirmed delete removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteTarget {
    /// A SIP credential.
    Sip { id: String, name: String },
    /// A provider.
    Provider { id: String, name: String },
}

/// What a secret prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    /// A new password for a manual SIP credential.
    SipPassword { id: String, name: String },
}

/// A dialog, input or help screen that takes the keyboard.
pub enum Overlay {
    /// `?` help, generated from the action table.
    Help,
    /// A create/edit form.
    Form(Box<Form>),
    /// A delete confirmation.
    Confirm {
        dialog: Box<ConfirmDialog>,
        target: DeleteTarget,
    },
    /// A new secret being typed.
    Prompt {
        prompt: Box<SecretPrompt>,
        purpose: PromptPurpose,
    },
    /// The profile picker, with its cursor.
    Picker { selected: usize },
    /// The `:` command line.
    Command(Input),
    /// The `/` filter of the current tab, edited live.
    Filter(Input),
}

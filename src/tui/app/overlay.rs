//! What can sit on top of the main screen. Dialogs that wait for a call remember its
//! job id, so a result is applied only to the dialog that asked for it.

use crate::ops::rotation::MintSetup;
use crate::ops::rotation::{CheckedToken, Plan};
use crate::secret::Secret;
use crate::tui::components::command_line::CommandLine;
use crate::tui::components::confirm::ConfirmDialog;
use crate::tui::components::doctor_view::DoctorView;
use crate::tui::components::form::Form;
use crate::tui::components::rotation_view::RotationView;
use crate::tui::components::secret_prompt::SecretPrompt;
use std::sync::Arc;
use tui_input::Input;

/// What a confirmation dialog is about: a delete, or a change to a production item.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmTarget {
    /// A SIP credential, as its delete was planned.
    Sip(Arc<crate::ops::SipDeletePlan>),
    /// A provider, as its delete was planned.
    Provider(Arc<crate::ops::ProviderDeletePlan>),
    /// A new password for a SIP credential on a production profile.
    SipPassword {
        /// The credential.
        id: String,
        /// Its name.
        name: String,
        /// The new password, sent once confirmed.
        password: Secret,
    },
    /// A SIP credential's password rotated at both ends of its trunk, as planned.
    SipCarrier {
        /// Its name.
        name: String,
        /// What the rotation does, read from both ends before asking.
        plan: Box<crate::ops::carrier_rotation::CarrierPlan>,
    },
}

impl ConfirmTarget {
    /// What the dialog asks to do, and what is said when it is cancelled.
    pub fn action(&self) -> (&'static str, &'static str) {
        match self {
            ConfirmTarget::Sip(_) => ("Delete SIP credential", "nothing was deleted"),
            ConfirmTarget::Provider(_) => ("Delete provider", "nothing was deleted"),
            ConfirmTarget::SipPassword { .. } => (
                "Rotate the password of SIP credential",
                "nothing was changed",
            ),
            ConfirmTarget::SipCarrier { .. } => (
                "Rotate at both ends (carrier, platform) SIP credential",
                "nothing was changed",
            ),
        }
    }

    /// What the item is, as the dialog labels it.
    pub fn kind(&self) -> &'static str {
        match self {
            ConfirmTarget::Sip(_)
            | ConfirmTarget::SipPassword { .. }
            | ConfirmTarget::SipCarrier { .. } => "Credential",
            ConfirmTarget::Provider(_) => "Provider",
        }
    }

    /// The item's name, as typed to confirm on a protected profile.
    pub fn name(&self) -> &str {
        match self {
            ConfirmTarget::Sip(plan) => &plan.confirm_name,
            ConfirmTarget::Provider(plan) => &plan.confirm_name,
            ConfirmTarget::SipPassword { name, .. } | ConfirmTarget::SipCarrier { name, .. } => {
                name
            }
        }
    }
}

/// What a secret prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    /// A new password for a manual SIP credential.
    SipPassword {
        /// The credential.
        id: String,
        /// Its name.
        name: String,
    },
    /// A new auth token for a Twilio account, to rotate everywhere it is used.
    TwilioToken {
        /// The account.
        account_sid: String,
    },
    /// The CURRENT auth token of a Twilio account that is not in the config, for the
    /// zero-downtime rotation.
    TwilioCurrentToken {
        /// The account.
        account_sid: String,
        /// Where its Accounts API is.
        setup: Arc<MintSetup>,
    },
}

/// A dialog, input or help screen that takes the keyboard.
pub enum Overlay {
    /// `?` help, generated from the action table, and how far it is scrolled (on a
    /// small screen).
    Help {
        /// The first line shown.
        scroll: usize,
    },
    /// A create/edit form, and the job saving it.
    Form {
        /// The form.
        form: Box<Form>,
        /// The save in flight.
        job: Option<u64>,
    },
    /// A confirmation (a delete, a production change), and the job doing it.
    Confirm {
        /// The dialog.
        dialog: Box<ConfirmDialog>,
        /// What it is about.
        target: ConfirmTarget,
        /// The call in flight.
        job: Option<u64>,
    },
    /// A new secret being typed, and the job using it.
    Prompt {
        /// The prompt.
        prompt: Box<SecretPrompt>,
        /// What it is for.
        purpose: PromptPurpose,
        /// The call in flight.
        job: Option<u64>,
    },
    /// How to rotate the password of a SIP credential that dials a Twilio trunk:
    /// at both ends, or on the platform only.
    SipRotateHow {
        /// The credential.
        id: String,
        /// Its name.
        name: String,
    },
    /// A finished run's report, in the words every frontend shows.
    Report {
        /// The dialog's title.
        title: String,
        /// The summary.
        lines: Vec<crate::ops::rotation::SummaryLine>,
        /// The first line shown, when it does not all fit.
        scroll: usize,
    },
    /// How to rotate a Twilio token: mint a new one at Twilio, or type one.
    RotateHow {
        /// The account.
        account_sid: String,
    },
    /// The plan of a rotation, waiting for its one confirmation.
    RotationPlan {
        /// The confirmation, listing every target.
        dialog: Box<ConfirmDialog>,
        /// The targets.
        plan: Arc<Plan>,
        /// The checked token (the current one when minting).
        token: Arc<CheckedToken>,
        /// Set for the zero-downtime rotation.
        mint: Option<Arc<MintSetup>>,
    },
    /// A rotation running or finished.
    Rotation(Box<RotationView>),
    /// Which SIP credentials to probe, and whether to check their passwords.
    ProbeAsk {
        /// (id, name) of each credential.
        targets: Vec<(String, String)>,
    },
    /// A `:doctor` run, running or done.
    Doctor(Box<DoctorView>),
    /// `:messages`, the message log, and how far it is scrolled.
    Messages {
        /// The first line shown.
        scroll: usize,
    },
    /// The column to sort the table by, with the cursor on one.
    Sort {
        /// The highlighted column.
        selected: usize,
    },
    /// The profile picker, with its cursor.
    Picker {
        /// The highlighted profile.
        selected: usize,
    },
    /// The `:` command line.
    Command(CommandLine),
    /// The `/` filter of the current tab, edited live.
    Filter(Input),
}

impl Overlay {
    /// The job this overlay waits for, if any.
    pub fn job(&self) -> Option<u64> {
        match self {
            Overlay::Form { job, .. }
            | Overlay::Confirm { job, .. }
            | Overlay::Prompt { job, .. } => *job,
            _ => None,
        }
    }
}

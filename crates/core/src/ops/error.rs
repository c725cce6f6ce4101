//! The operations' one error type: why an operation did not do what was asked.
//! Every operation's [`super::Done`] carries it (or one of the typed failures it
//! wraps); both frontends read its [`ErrorKind`] for exit codes and its text for
//! messages.

use super::ProbeSetupError;
use super::carrier_rotation::NotPlanned;
use super::rotation::{CheckFailure, MintFailure, NotPromoted};
use crate::api::{ApiError, ErrorKind};
use crate::config::ConfigError;
use crate::domain::validate::FieldError;
use std::sync::Arc;

/// Why an operation failed, or what it refused.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A platform (or Twilio) answered with an error, or gave no clear answer.
    #[error(transparent)]
    Platform(#[from] ApiError),
    /// The input was refused before anything was sent.
    #[error("{message}{}", crate::api::describe_fields(message, fields))]
    Invalid {
        /// What was wrong with the input as a whole.
        message: String,
        /// The problem with each field, keyed like [`crate::domain::validate::field`].
        fields: Vec<FieldError>,
    },
    /// telcreds refused before sending anything: a read-only profile or credential.
    #[error("{0}")]
    Refused(String),
    /// A profile's token or a local setting could not be read.
    #[error(transparent)]
    Config(Arc<ConfigError>),
    /// No secondary token was minted (boxed: it carries the unfinished run).
    #[error(transparent)]
    Mint(Box<MintFailure>),
    /// A token did not pass Twilio's check.
    #[error(transparent)]
    Check(#[from] CheckFailure),
    /// A promotion did not happen.
    #[error(transparent)]
    NotPromoted(#[from] NotPromoted),
    /// A rotation at both ends could not be planned.
    #[error(transparent)]
    NotPlanned(#[from] NotPlanned),
    /// The SIP probe cannot be set up on this machine (its DNS or TLS set-up).
    #[error("cannot probe from this machine: {0}")]
    ProbeSetup(#[from] ProbeSetupError),
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Error {
        Error::Config(Arc::new(e))
    }
}

impl From<MintFailure> for Error {
    fn from(e: MintFailure) -> Error {
        Error::Mint(Box::new(e))
    }
}

impl Error {
    /// Input refused field by field, before any call.
    pub fn invalid(fields: Vec<FieldError>) -> Error {
        Error::Invalid {
            message: "invalid input".into(),
            fields,
        }
    }

    /// Input refused as a whole (no field to blame), before any call.
    pub fn invalid_message(message: impl Into<String>) -> Error {
        Error::Invalid {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// The class of this error, for exit codes and what to offer next.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Platform(e) => e.kind(),
            Error::Invalid { .. } => ErrorKind::Validation,
            Error::Refused(_) => ErrorKind::Refused,
            Error::Config(c) if matches!(**c, ConfigError::Interrupted { .. }) => {
                ErrorKind::Interrupted
            }
            Error::Config(_) => ErrorKind::Usage,
            Error::Mint(m) => m.kind(),
            Error::Check(c) => c.kind(),
            Error::NotPromoted(n) => n.kind(),
            Error::NotPlanned(n) => n.kind(),
            Error::ProbeSetup(ProbeSetupError::Trust(_)) => ErrorKind::Usage,
            Error::ProbeSetup(_) => ErrorKind::Other,
        }
    }

    /// True when a change was sent but whether it was applied is unknown.
    pub fn outcome_unknown(&self) -> bool {
        self.kind() == ErrorKind::Unconfirmed
    }

    /// Field errors to show next to form fields, if any.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Platform(e) => e.field_errors(),
            Error::Invalid { fields, .. } => fields,
            _ => &[],
        }
    }

    /// The platform's answer, when the platform gave one.
    pub fn platform(&self) -> Option<&ApiError> {
        match self {
            Error::Platform(e) => Some(e),
            _ => None,
        }
    }
}

impl crate::journal::StepError for Error {
    fn outcome_unknown(&self) -> bool {
        Error::outcome_unknown(self)
    }
}

impl From<crate::domain::Unreplaceable> for Error {
    fn from(blocked: crate::domain::Unreplaceable) -> Error {
        Error::Platform(blocked.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::field;

    #[test]
    fn each_kind_of_failure_keeps_its_class() {
        let unconfirmed = Error::from(ApiError::Unconfirmed(Box::new(ApiError::Timeout)));
        assert_eq!(unconfirmed.kind(), ErrorKind::Unconfirmed);
        assert!(unconfirmed.outcome_unknown());
        assert_eq!(
            Error::Refused("read-only".into()).kind(),
            ErrorKind::Refused
        );
        let invalid = Error::invalid(vec![FieldError::new(field::AUTH_PASSWORD, "empty")]);
        assert_eq!(invalid.kind(), ErrorKind::Validation);
        assert_eq!(invalid.field_errors().len(), 1);
        assert!(!invalid.outcome_unknown());
        assert_eq!(
            Error::from(MintFailure::ApiNotEnabled(ApiError::Timeout)).kind(),
            ErrorKind::Usage
        );
    }

    #[test]
    fn ctrl_c_on_a_token_cmd_is_a_cancellation_wherever_it_is_met() {
        let interrupted = ConfigError::Interrupted {
            profile: "acme".into(),
            section: crate::config::TWILIO_ACCOUNT,
            key: "token_cmd".into(),
        };
        assert_eq!(Error::from(interrupted).kind(), ErrorKind::Interrupted);
    }

    #[test]
    fn a_local_refusal_reads_as_the_platforms_would() {
        let local = Error::invalid(vec![FieldError::new(field::AUTH_PASSWORD, "is empty")]);
        let platform = ApiError::Validation {
            message: "invalid input".into(),
            fields: vec![FieldError::new(field::AUTH_PASSWORD, "is empty")],
        };
        assert_eq!(local.to_string(), platform.to_string());
    }
}

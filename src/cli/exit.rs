//! Exit codes, documented in the README, and the error a command ends with.

use crate::api::{ApiError, ErrorKind};
use crate::config::ConfigError;
use crate::ops::{Error, ProbeSetupError};
use std::process::ExitCode;

/// Distinct exit codes, so scripts can tell failures apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Everything worked.
    Success = 0,
    /// Network, server or undecodable answers, and anything else.
    Other = 1,
    /// Bad flags, a bad config file or an unknown profile.
    Usage = 2,
    /// The platform refused the token (401/403).
    Auth = 3,
    /// The item does not exist.
    NotFound = 4,
    /// Something depends on the item (409).
    Conflict = 5,
    /// Invalid input, caught locally or by the platform.
    Validation = 6,
    /// Rate limited or timed out: try again later.
    Transient = 7,
    /// Refused by telcreds: read-only profile, or a deletion not confirmed.
    Refused = 8,
    /// A rotation did not reach every target: some failed or a profile could not be
    /// listed. The output says which targets still hold the old token.
    Incomplete = 9,
    /// A change was sent but its outcome is unknown (timeout, dropped connection,
    /// 5xx, or an answer that could not be read): check before trying again.
    Unknown = 10,
    /// `providers verify`: the verification failed.
    VerifyFailed = 11,
    /// `providers verify`: the verification passed with warnings.
    VerifyWarning = 12,
    /// Cancelled with ctrl-c at a prompt, before anything was changed (128 + SIGINT,
    /// as a shell reports a process that ctrl-c ended).
    Interrupted = 130,
}

impl Exit {
    /// Every code, in order.
    pub const ALL: [Exit; 14] = [
        Exit::Success,
        Exit::Other,
        Exit::Usage,
        Exit::Auth,
        Exit::NotFound,
        Exit::Conflict,
        Exit::Validation,
        Exit::Transient,
        Exit::Refused,
        Exit::Incomplete,
        Exit::Unknown,
        Exit::VerifyFailed,
        Exit::VerifyWarning,
        Exit::Interrupted,
    ];

    /// What the code means, in one line (the man page's EXIT STATUS; the README's
    /// table says more).
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "success",
            Exit::Other => {
                "another failure (network, platform error, undecodable answer), or a rotation that completed but whose store_cmd failed"
            }
            Exit::Usage => {
                "bad flags, a bad config file, an unknown profile, a name several items share"
            }
            Exit::Auth => {
                "the platform refused the token or the access; Twilio rejected an account's current token"
            }
            Exit::NotFound => "no item with that id or name",
            Exit::Conflict => {
                "something depends on the item, the Account SID is linked already, or the Twilio account has a secondary token already"
            }
            Exit::Validation => "invalid input, caught locally or by the platform",
            Exit::Transient => "rate limited or timed out: try again later",
            Exit::Refused => {
                "refused by telcreds: read-only profile, not confirmed, no private data directory, or a rotation not started without a readable audit journal"
            }
            Exit::Incomplete => {
                "a rotation did not reach every target, or is NOT finished (telcreds rotate status)"
            }
            Exit::Unknown => "a change was sent but whether it was applied is unknown",
            Exit::VerifyFailed => "a verification, probe or doctor step failed",
            Exit::VerifyWarning => {
                "a verification warned, a probe was inconclusive, or a doctor step warned"
            }
            Exit::Interrupted => "cancelled with ctrl-c (a rotation stopped says where it stands)",
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Why a command failed: a message for stderr and an exit code.
#[derive(Debug)]
pub struct CliError {
    /// Exit code.
    pub exit: Exit,
    /// What to print (never contains a secret).
    pub message: String,
}

impl CliError {
    /// A failure with an explicit code.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError {
            exit,
            message: message.into(),
        }
    }

    /// The error of a change; when its outcome is unknown, it names the command that
    /// shows whether the change is in place.
    pub fn after_change(error: Error, check: impl FnOnce() -> String) -> Self {
        let unknown = error.outcome_unknown();
        let mut e = CliError::from(error);
        if unknown {
            e.message = format!("{}; see `{}`", e.message, check());
        }
        e
    }

    /// A usage failure.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(Exit::Usage, message)
    }

    /// How the message starts on stderr: `error: `, except for a verification that
    /// passed with warnings (`warning: `) and a cancelled prompt (nothing).
    pub fn prefix(&self) -> &'static str {
        match self.exit {
            Exit::VerifyWarning => "warning: ",
            Exit::Interrupted => "",
            _ => "error: ",
        }
    }
}

impl Exit {
    /// The code of an error of `kind`.
    pub fn of(kind: ErrorKind) -> Exit {
        match kind {
            ErrorKind::Auth => Exit::Auth,
            ErrorKind::NotFound => Exit::NotFound,
            ErrorKind::Conflict => Exit::Conflict,
            ErrorKind::Validation => Exit::Validation,
            ErrorKind::Transient => Exit::Transient,
            ErrorKind::Unconfirmed => Exit::Unknown,
            ErrorKind::Refused => Exit::Refused,
            ErrorKind::Incomplete => Exit::Incomplete,
            ErrorKind::Usage => Exit::Usage,
            ErrorKind::Interrupted => Exit::Interrupted,
            ErrorKind::Other => Exit::Other,
        }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        match e {
            Error::Config(config) => CliError::of_config(&config),
            e => CliError::new(Exit::of(e.kind()), e.to_string()),
        }
    }
}

impl From<ApiError> for CliError {
    fn from(e: ApiError) -> Self {
        CliError::from(Error::from(e))
    }
}

impl From<ProbeSetupError> for CliError {
    /// Said as it is, before anything is asked (a CA file that cannot be used is a
    /// usage error).
    fn from(e: ProbeSetupError) -> Self {
        let message = e.to_string();
        CliError::new(Exit::of(Error::from(e).kind()), message)
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::of_config(&e)
    }
}

impl CliError {
    /// A usage error; a `token_cmd` ended with ctrl-c is a cancellation (130).
    fn of_config(e: &ConfigError) -> Self {
        match e {
            ConfigError::Interrupted { .. } => CliError::new(
                Exit::Interrupted,
                format!("cancelled: {e}: nothing was changed"),
            ),
            e => CliError::usage(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;
    use crate::ops::rotation::NotPromoted;

    #[test]
    fn an_operations_error_exits_with_the_code_of_its_kind() {
        let code = |e: Error| CliError::from(e).exit;
        assert_eq!(code(ApiError::Timeout.into()), Exit::Transient);
        assert_eq!(code(Error::Refused("read-only".into())), Exit::Refused);
        assert_eq!(
            code(Error::invalid_message("nothing to update")),
            Exit::Validation
        );
        assert_eq!(
            code(ApiError::Unsupported("no SIP".into()).into()),
            Exit::Usage
        );
        assert_eq!(
            code(NotPromoted::Unknown(ApiError::Timeout).into()),
            Exit::Unknown
        );
        assert_eq!(
            code(NotPromoted::Blocked { left: Vec::new() }.into()),
            Exit::Incomplete
        );
        let interrupted = ConfigError::Interrupted {
            profile: "prod".into(),
            section: "profiles",
            key: "token_cmd".into(),
        };
        assert_eq!(code(interrupted.into()), Exit::Interrupted);
    }
}

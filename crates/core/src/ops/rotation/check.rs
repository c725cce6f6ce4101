//! Step 1: is the new token right? Checked locally, then with Twilio.

use crate::api::twilio::check_credentials;
use crate::api::{ApiError, ErrorKind, Http, TwilioVerdict};
use crate::config::{ConfigError, DEFAULT_TWILIO_API_BASE, Profile, TwilioAccount};
use crate::domain::validate::{self, FieldError, field};
use crate::journal::{Action, Journal, JournalEntry, JournalTarget, TargetKind};
use crate::ops::Done;
use crate::ops::warning::{Warning, write_journal};
use crate::secret::Secret;
use std::sync::Arc;

/// Checks the Account SID and token formats locally, then the pair with Twilio at
/// `twilio_base`. A local problem is an [`ApiError::Validation`]; Twilio's refusal
/// is `Ok(TwilioVerdict::Rejected)`; nothing is sent anywhere else.
pub async fn check_token(
    http: &Http,
    twilio_base: &str,
    account_sid: &str,
    token: &Secret,
) -> Result<TwilioVerdict, ApiError> {
    let mut problems = Vec::new();
    if let Err(m) = validate::account_sid(account_sid) {
        problems.push(FieldError::new(field::ACCOUNT_SID, m));
    }
    if let Err(m) = validate::auth_token(token) {
        problems.push(FieldError::new(field::AUTH_TOKEN, m));
    }
    if !problems.is_empty() {
        return Err(ApiError::local_validation(problems));
    }
    check_credentials(http, twilio_base, account_sid.trim(), &token.trimmed()).await
}

/// Why a rotation stopped at the Twilio check. Nothing was changed anywhere.
#[derive(Debug, Clone)]
pub enum CheckFailure {
    /// The Account SID or the token is malformed.
    Invalid(ApiError),
    /// Twilio refused the pair.
    Rejected {
        /// Twilio's reason.
        reason: String,
    },
    /// Twilio refused an account's CURRENT token (the one a mint starts from).
    CurrentRejected {
        /// The account.
        account_sid: String,
        /// Twilio's reason.
        reason: String,
        /// The journal shows a promotion sent with no answer recorded: it went
        /// through, which is why.
        promoted: bool,
    },
    /// The current token could not be read from its source.
    Unreadable(Arc<ConfigError>),
    /// Twilio at `base` could not be asked.
    Unreachable {
        /// The Twilio API base.
        base: String,
        /// What went wrong.
        error: ApiError,
    },
}

impl CheckFailure {
    /// The error kind, for exit codes: a refusal is a validation problem.
    pub fn kind(&self) -> ErrorKind {
        match self {
            CheckFailure::Invalid(e) | CheckFailure::Unreachable { error: e, .. } => e.kind(),
            CheckFailure::Rejected { .. } => ErrorKind::Validation,
            CheckFailure::CurrentRejected { .. } => ErrorKind::Auth,
            CheckFailure::Unreadable(e) if matches!(**e, ConfigError::Interrupted { .. }) => {
                ErrorKind::Interrupted
            }
            CheckFailure::Unreadable(_) => ErrorKind::Usage,
        }
    }
}

impl std::error::Error for CheckFailure {}

impl std::fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckFailure::Invalid(e) => write!(f, "{e}"),
            CheckFailure::Rejected { reason } => {
                write!(f, "Twilio rejected the new token: {reason}")
            }
            CheckFailure::CurrentRejected {
                account_sid,
                reason,
                promoted: false,
            } => write!(
                f,
                "Twilio rejected the CURRENT auth token of {account_sid}: {reason}"
            ),
            CheckFailure::CurrentRejected {
                account_sid,
                reason,
                promoted: true,
            } => write!(
                f,
                "Twilio rejects the token configured as the CURRENT one of {account_sid} \
                 ({reason}), and the journal shows a promotion sent with no answer recorded: \
                 it went through, so that token is dead and the secondary telcreds deployed \
                 is the primary now. Read it in the Twilio console and put it in the \
                 account's token source; the targets given it keep working"
            ),
            CheckFailure::Unreadable(why) => {
                write!(f, "the current token could not be read: {why}")
            }
            CheckFailure::Unreachable { base, error } => {
                write!(
                    f,
                    "could not check the token with Twilio at {base}: {error}"
                )
            }
        }?;
        f.write_str("; nothing was changed")
    }
}

/// Where an account's CURRENT token comes from, for a mint.
#[derive(Debug, Clone)]
pub enum CurrentToken {
    /// The account's `[twilio_accounts]` table: its token source.
    Configured(TwilioAccount),
    /// Typed by the user (an account outside the config).
    Typed(Secret),
}

impl CurrentToken {
    /// The token (a `token_cmd` runs off the async threads); errors name the
    /// account's table.
    pub async fn resolve(&self) -> Result<Secret, CheckFailure> {
        match self {
            CurrentToken::Configured(account) => account
                .resolve_token_in_background()
                .await
                .map_err(|e| CheckFailure::Unreadable(Arc::new(e))),
            CurrentToken::Typed(token) => Ok(token.clone()),
        }
    }
}

/// Checks an account's CURRENT token before a mint, as [`check_everywhere`] does; a
/// refusal is said of the current token, with a promotion whose answer was lost
/// (the journal shows one sent) named as its reason.
pub async fn check_current(
    http: &Http,
    profiles: &[Profile],
    account_sid: &str,
    token: &Secret,
    journal: &Journal,
) -> Done<CheckedToken, CheckFailure> {
    let mut done = check_everywhere(http, profiles, account_sid, token, journal).await;
    if let Err(CheckFailure::Rejected { reason }) = &done.result {
        let promoted = super::unfinished_mint(journal, account_sid)
            .await
            .ok()
            .flatten()
            .is_some_and(|mint| mint.run.promotion_sent);
        done.result = Err(CheckFailure::CurrentRejected {
            account_sid: account_sid.trim().to_string(),
            reason: reason.clone(),
            promoted,
        });
    }
    done
}

/// Checks the token with every Twilio API base the profiles use (each once; the
/// default base when there is none), journaling each check. The first refusal or
/// failure stops the rotation; otherwise the token is [`CheckedToken`].
pub async fn check_everywhere(
    http: &Http,
    profiles: &[Profile],
    account_sid: &str,
    token: &Secret,
    journal: &Journal,
) -> Done<CheckedToken, CheckFailure> {
    let mut bases: Vec<&str> = profiles
        .iter()
        .map(|p| p.twilio_api_base.as_str())
        .collect();
    bases.sort_unstable();
    bases.dedup();
    if bases.is_empty() {
        bases.push(DEFAULT_TWILIO_API_BASE);
    }
    let mut warnings = Vec::new();
    let mut checked = None;
    for base in bases {
        let result = check_token(http, base, account_sid, token).await;
        warnings.extend(record_check(journal, account_sid, &result));
        let failure = match result {
            Ok(v @ TwilioVerdict::Valid { .. }) => {
                checked = checked.or_else(|| CheckedToken::from_verdict(account_sid, token, &v));
                continue;
            }
            Ok(TwilioVerdict::Rejected { reason }) => CheckFailure::Rejected { reason },
            Err(e @ ApiError::Validation { .. }) => CheckFailure::Invalid(e),
            Err(error) => CheckFailure::Unreachable {
                base: base.to_string(),
                error,
            },
        };
        return Done::steps(Err(failure), warnings);
    }
    let result = checked.ok_or_else(|| CheckFailure::Rejected {
        reason: "Twilio did not accept the token".into(),
    });
    Done::steps(result, warnings)
}

/// Journals one Twilio check of a new token.
fn record_check(
    journal: &Journal,
    account_sid: &str,
    result: &Result<TwilioVerdict, ApiError>,
) -> Option<Warning> {
    let name = match result {
        Ok(TwilioVerdict::Valid { friendly_name }) => friendly_name.clone(),
        _ => None,
    };
    let target = JournalTarget::new(TargetKind::TwilioAccount, account_sid.trim(), name);
    let entry = JournalEntry::new(Action::RotationCheck, target);
    let entry = match result {
        Ok(TwilioVerdict::Valid { .. }) => entry,
        Ok(TwilioVerdict::Rejected { reason }) => {
            entry.failed(format!("Twilio rejected the token: {reason}"))
        }
        Err(e) => entry.failed(e),
    };
    write_journal(journal, &entry)
}

/// A token Twilio accepted for an Account SID: proof that [`check_token`] passed.
#[derive(Clone, Debug)]
pub struct CheckedToken {
    account_sid: String,
    token: Secret,
    friendly_name: Option<String>,
}

impl CheckedToken {
    /// The checked token, when `verdict` is [`TwilioVerdict::Valid`].
    pub fn from_verdict(
        account_sid: &str,
        token: &Secret,
        verdict: &TwilioVerdict,
    ) -> Option<CheckedToken> {
        match verdict {
            TwilioVerdict::Valid { friendly_name } => Some(CheckedToken {
                account_sid: account_sid.trim().to_string(),
                token: token.trimmed(),
                friendly_name: friendly_name.clone(),
            }),
            TwilioVerdict::Rejected { .. } => None,
        }
    }

    /// The Account SID it was checked for.
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    /// The Twilio account's name, as Twilio gave it.
    pub fn friendly_name(&self) -> Option<&str> {
        self.friendly_name.as_deref()
    }

    /// The token (exposed only where a request is built).
    pub(crate) fn token(&self) -> &Secret {
        &self.token
    }

    /// The verdict it came from, for the verification history.
    pub(crate) fn verdict(&self) -> TwilioVerdict {
        TwilioVerdict::Valid {
            friendly_name: self.friendly_name.clone(),
        }
    }
}

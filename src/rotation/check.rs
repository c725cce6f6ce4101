//! Step 1: is the new token right? Checked locally, then with Twilio.

use crate::api::twilio::check_credentials;
use crate::api::{ApiError, Http, TwilioVerdict};
use crate::domain::validate::{self, FieldError, field};
use crate::secret::Secret;

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

//! Provider verification, computed from the sandbox's Twilio state the way Dasha
//! runs its four checks: credentials, trunk, credential list, phone numbers.
//!
//! A check that cannot run because an earlier one failed (no valid credentials, no
//! trunk) is reported as a `warning` saying it was not checked.

use super::model::{
    CheckStatus, Provider, Ts, Verification, VerificationCheck, VerificationStatus,
};
use super::state::World;
use serde_json::json;
use uuid::Uuid;

/// Check names, in the order they run.
pub(crate) const CREDENTIALS: &str = "credentials";
pub(crate) const TRUNK: &str = "trunk";
pub(crate) const CREDENTIAL_LIST: &str = "credentialList";
pub(crate) const PHONE_NUMBERS: &str = "phoneNumbers";

impl World {
    /// Runs the checks for a provider, stores the result on it and returns it;
    /// `None` for an unknown provider.
    pub fn verify_provider(&mut self, id: Uuid, at: Ts) -> Option<Verification> {
        let result = self.evaluate(self.provider(id)?, at);
        self.provider_mut(id)?.verification = Some(result.clone());
        Some(result)
    }

    /// Runs the checks for a provider without storing anything.
    pub fn evaluate(&self, p: &Provider, at: Ts) -> Verification {
        let check = |check_name, status, message: String, details| VerificationCheck {
            check_name,
            status,
            message,
            timestamp: at,
            details,
        };
        let skipped = |check_name, reason: &str| {
            check(
                check_name,
                CheckStatus::Warning,
                format!("Not checked: {reason}"),
                json!({ "skipped": true }),
            )
        };
        let mut checks = Vec::with_capacity(4);

        match self.check_twilio(&p.account_sid, &p.auth_token) {
            Ok(account) => checks.push(check(
                CREDENTIALS,
                CheckStatus::Passed,
                format!(
                    "Credentials are valid for account \"{}\"",
                    account.friendly_name
                ),
                json!({
                    "accountSid": p.account_sid,
                    "twilioStatus": account.status,
                    "friendlyName": account.friendly_name,
                }),
            )),
            Err(rejection) => {
                let twilio_status = self.account(&p.account_sid).map(|a| a.status);
                checks.push(check(
                    CREDENTIALS,
                    CheckStatus::Failed,
                    rejection.message(),
                    json!({ "accountSid": p.account_sid, "twilioStatus": twilio_status }),
                ));
                let reason = "Twilio rejected the credentials";
                checks.extend([TRUNK, CREDENTIAL_LIST, PHONE_NUMBERS].map(|n| skipped(n, reason)));
                return finish(checks, at);
            }
        }

        let Some(trunk) = self
            .trunk(&p.trunk_sid)
            .filter(|t| t.account_sid == p.account_sid)
        else {
            checks.push(check(
                TRUNK,
                CheckStatus::Failed,
                format!("Trunk {} not found", p.trunk_sid),
                json!({ "trunkSid": p.trunk_sid }),
            ));
            let reason = "the trunk is missing";
            checks.extend([CREDENTIAL_LIST, PHONE_NUMBERS].map(|n| skipped(n, reason)));
            return finish(checks, at);
        };
        checks.push(check(
            TRUNK,
            CheckStatus::Passed,
            format!("Trunk {} exists", trunk.sid),
            json!({ "trunkSid": trunk.sid, "terminationUri": p.termination_uri, "region": p.region }),
        ));

        let attached = trunk.credential_list_attached;
        checks.push(check(
            CREDENTIAL_LIST,
            if attached {
                CheckStatus::Passed
            } else {
                CheckStatus::Warning
            },
            if attached {
                format!(
                    "Credential list {} is attached to the trunk",
                    trunk.credential_list_sid
                )
            } else {
                format!(
                    "Credential list {} is not attached to trunk {}",
                    trunk.credential_list_sid, trunk.sid
                )
            },
            json!({ "credentialListSid": trunk.credential_list_sid, "attached": attached }),
        ));

        checks.push(self.numbers_check(p.id, at));
        finish(checks, at)
    }

    fn numbers_check(&self, provider: Uuid, at: Ts) -> VerificationCheck {
        let (attached, detached): (Vec<_>, Vec<_>) = self
            .provider_numbers(provider)
            .partition(|n| n.attached_to_trunk);
        let total = attached.len() + detached.len();
        let (status, message) = match (total, detached.len()) {
            (0, _) => (
                CheckStatus::Passed,
                "No phone numbers imported yet".to_string(),
            ),
            (1, 0) => (
                CheckStatus::Passed,
                "The number is attached to the trunk".to_string(),
            ),
            (n, 0) => (
                CheckStatus::Passed,
                format!("All {n} numbers are attached to the trunk"),
            ),
            (n, d) => (
                CheckStatus::Warning,
                format!(
                    "{d} of {n} {} no longer attached to the trunk",
                    if d == 1 { "numbers is" } else { "numbers are" }
                ),
            ),
        };
        let detached: Vec<&str> = detached.iter().map(|n| n.phone_number.as_str()).collect();
        VerificationCheck {
            check_name: PHONE_NUMBERS,
            status,
            message,
            timestamp: at,
            details: json!({ "attached": attached.len(), "total": total, "detached": detached }),
        }
    }
}

/// The overall status: failed if any check failed, warning if any warned.
fn finish(checks: Vec<VerificationCheck>, at: Ts) -> Verification {
    let status = match checks.iter().map(|c| c.status).max() {
        Some(CheckStatus::Failed) => VerificationStatus::Failed,
        Some(CheckStatus::Warning) => VerificationStatus::Warning,
        _ => VerificationStatus::Verified,
    };
    Verification {
        status,
        checks,
        last_verified_at: at,
    }
}

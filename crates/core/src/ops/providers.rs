//! Provider operations: list, show, create, update, rotate the token, verify, delete.

use super::{Done, Error, NEW_ITEM_ID, Ops, provider_target};
use crate::api::TwilioVerdict;
use crate::domain::validate;
use crate::domain::{
    NewProvider, PhoneNumber, Provider, ProviderUpdate, VerificationResult, same_account_sid,
};
use crate::history::Record;
use crate::journal::Action;
use crate::secret::Secret;

/// A change of a provider's editable fields (only the fields given change).
pub type ProviderChange = ProviderUpdate;

/// The checks of a provider change that need no call: something changes, and each
/// field given is valid.
pub fn check_change(change: &ProviderChange) -> Result<(), Error> {
    if change.is_empty() {
        return Err(Error::invalid_message(
            "nothing to update: no field was changed",
        ));
    }
    validate::provider_update(change).map_err(Error::invalid)
}

/// The checks of a new provider that need no call.
pub fn check_new_provider(new: &NewProvider) -> Result<(), Error> {
    validate::new_provider(new).map_err(Error::invalid)
}

impl Ops {
    /// Every provider of the profile.
    pub async fn list_providers(&self) -> Result<Vec<Provider>, Error> {
        Ok(self.client.list_providers().await?)
    }

    /// The providers of the profile that use `account_sid` (its case aside).
    pub async fn providers_of_account(&self, account_sid: &str) -> Result<Vec<Provider>, Error> {
        let mut all = self.list_providers().await?;
        all.retain(|p| same_account_sid(&p.account_sid, account_sid));
        Ok(all)
    }

    /// One provider.
    pub async fn get_provider(&self, id: &str) -> Result<Provider, Error> {
        Ok(self.client.get_provider(id).await?)
    }

    /// The phone numbers imported through a provider.
    pub async fn provider_numbers(&self, id: &str) -> Result<Vec<PhoneNumber>, Error> {
        Ok(self.client.list_phone_numbers(Some(id)).await?)
    }

    /// Links a Twilio account. Where the platform does not check the pair itself,
    /// the client checks it with Twilio first; that check becomes the provider's
    /// first history record.
    pub async fn create_provider(&self, new: &NewProvider) -> Done<Provider> {
        if let Err(e) = self.writable() {
            return Done::refused(e);
        }
        if let Err(e) = check_new_provider(new) {
            return Done::refused(e);
        }
        let result = self.client.create_provider(new).await;
        let (id, name) = match &result {
            Ok(p) => (p.id.clone(), Some(p.display_name())),
            Err(_) => (NEW_ITEM_ID.to_string(), new.name.clone()),
        };
        let mut done = self.journal(
            Action::ProviderCreate,
            provider_target(&id, name),
            None,
            result,
        );
        if let Ok(p) = &done.result
            && !self.client.capabilities().checks_twilio
        {
            let checked = TwilioVerdict::Valid {
                friendly_name: None,
            };
            done.warnings
                .extend(self.record_history(&p.id, &checked.record()));
        }
        done
    }

    /// Changes the fields given; an empty change is refused ([`check_change`]).
    pub async fn update_provider(&self, id: &str, change: &ProviderChange) -> Done<Provider> {
        if let Err(e) = self.writable() {
            return Done::refused(e);
        }
        if let Err(e) = check_change(change) {
            return Done::refused(e);
        }
        let result = self.client.update_provider(id, change).await;
        let name = result.as_ref().ok().map(Provider::display_name);
        self.journal(
            Action::ProviderUpdate,
            provider_target(id, name),
            None,
            result,
        )
    }

    /// Replaces the Twilio auth token of one provider (checked with Twilio first).
    pub async fn rotate_provider_token(&self, id: &str, token: &Secret) -> Done<Provider> {
        if let Err(e) = self.writable() {
            return Done::refused(e);
        }
        if let Err(m) = validate::auth_token(token) {
            let field = validate::FieldError::new(validate::field::AUTH_TOKEN, m);
            return Done::refused(Error::invalid(vec![field]));
        }
        let result = self.client.rotate_provider_token(id, token).await;
        let name = result.as_ref().ok().map(Provider::display_name);
        self.journal(
            Action::ProviderRotateToken,
            provider_target(id, name),
            None,
            result,
        )
    }

    /// Runs the platform's verification and records it in the provider's history.
    /// Verifying changes no credential, so read-only profiles may verify.
    pub async fn verify_provider(&self, id: &str) -> Done<VerificationResult> {
        let result = self.client.verify_provider(id).await.map_err(Error::from);
        let warnings = match &result {
            Ok(r) => self
                .record_history(id, &Record::from_verification(r))
                .into_iter()
                .collect(),
            Err(_) => Vec::new(),
        };
        Done {
            result,
            journaled: None,
            warnings,
        }
    }

    /// Deletes a provider (named `name` in the journal).
    pub async fn delete_provider(&self, plan: &ProviderDeletePlan) -> Done<()> {
        if let Err(e) = self.writable() {
            return Done::refused(e);
        }
        let result = self.client.delete_provider(&plan.id).await;
        self.journal(
            Action::ProviderDelete,
            provider_target(&plan.id, Some(plan.name.clone())),
            None,
            result,
        )
    }

    /// What deleting provider `id` involves, read once for both frontends: its names,
    /// and what the platform deletes with it (its phone numbers, where it lists them).
    pub async fn plan_provider_delete(&self, id: &str) -> Result<ProviderDeletePlan, Error> {
        self.writable()?;
        let p = self.get_provider(id).await?;
        let also_deleted = if self.client.capabilities().verification {
            let numbers = self.provider_numbers(id).await?;
            numbers
                .iter()
                .map(|n| format!("phone number {}", n.phone_number))
                .chain(["its provider-managed SIP credentials and its Twilio trunk".to_string()])
                .collect()
        } else {
            Vec::new()
        };
        Ok(ProviderDeletePlan {
            id: p.id.clone(),
            name: p.display_name(),
            confirm_name: p.confirm_name(),
            also_deleted,
        })
    }
}

/// What deleting a provider involves: its names, and what the platform deletes with
/// it. One plan for both frontends.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderDeletePlan {
    /// The provider's id.
    pub id: String,
    /// Its name, for messages.
    pub name: String,
    /// What a protected profile asks to type.
    pub confirm_name: String,
    /// What goes with it, one line each (empty where the platform lists nothing).
    pub also_deleted: Vec<String>,
}

impl ProviderDeletePlan {
    /// What the lines are, when there are any.
    pub fn heading(&self) -> Option<&'static str> {
        (!self.also_deleted.is_empty()).then_some("Deleting it also deletes:")
    }

    /// What goes with it, or that nothing is listed.
    pub fn lines(&self) -> Vec<String> {
        if self.also_deleted.is_empty() {
            vec!["nothing is listed as depending on it".to_string()]
        } else {
            self.also_deleted.clone()
        }
    }
}

//! SIP credential operations: list, show, create, edit, rotate the password, delete.
//!
//! An edit is a full replacement on the platform, so it is built from a fresh read
//! of the credential: provider-managed credentials and fields that could not be read
//! are refused before anything is sent, and only the fields the user changed differ.

use super::{Done, Error, NEW_ITEM_ID, Ops};
use crate::api::ListPage;
use crate::domain::validate::{self, FieldError, field};
use crate::domain::{Dependants, SipCredential, SipCredentialInput, Transport};
use crate::journal::{Action, JournalTarget, TargetKind};
use crate::secret::Secret;

/// What happens to the password in an edit.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum PasswordChange {
    /// Stays as it is.
    #[default]
    Keep,
    /// Becomes this (never empty).
    Set(Secret),
    /// Is removed: an explicit, confirmed choice.
    Remove,
}

/// The fields an edit changes; `None` leaves a field as it is, `Some(None)` clears
/// an optional one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SipEdit {
    /// New server.
    pub server: Option<String>,
    /// New domain.
    pub domain: Option<Option<String>>,
    /// New auth user.
    pub auth_user: Option<Option<String>>,
    /// New password, or its removal.
    pub password: PasswordChange,
    /// New transport.
    pub transport: Option<Transport>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New CPS limit.
    pub cps_limit: Option<Option<u32>>,
    /// New CPS key.
    pub cps_key: Option<Option<String>>,
}

impl SipEdit {
    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        self == &SipEdit::default()
    }

    /// The checks that need no call: something changes, and a new password is not
    /// empty.
    pub fn check(&self) -> Result<(), Error> {
        if self.is_empty() {
            return Err(Error::invalid_message(
                "nothing to update: no field was changed",
            ));
        }
        match &self.password {
            PasswordChange::Set(p) => check_new_password(p),
            _ => Ok(()),
        }
    }

    /// Applies the changes to a full set of fields.
    pub fn apply(&self, input: &mut SipCredentialInput) {
        let set = |slot: &mut Option<String>, v: &Option<Option<String>>| {
            if let Some(v) = v {
                *slot = v.clone();
            }
        };
        if let Some(s) = &self.server {
            input.server = s.clone();
        }
        set(&mut input.domain, &self.domain);
        set(&mut input.auth_user, &self.auth_user);
        set(&mut input.description, &self.description);
        set(&mut input.cps_key, &self.cps_key);
        if let Some(t) = &self.transport {
            input.transport = (*t).into();
        }
        if let Some(n) = self.cps_limit {
            input.cps_limit = n;
        }
        match &self.password {
            PasswordChange::Keep => {}
            PasswordChange::Set(p) => input.auth_password = Some(p.clone()),
            PasswordChange::Remove => input.auth_password = None,
        }
    }
}

fn sip_target(id: &str, name: Option<String>) -> JournalTarget {
    JournalTarget::new(TargetKind::SipCredential, id, name)
}

/// The name a credential is journaled under before it exists: its description,
/// else its server.
fn input_name(input: &SipCredentialInput) -> String {
    match &input.description {
        Some(d) if !d.trim().is_empty() => d.clone(),
        _ => input.server.clone(),
    }
}

/// A new password for a rotation: never empty.
fn check_new_password(password: &Secret) -> Result<(), Error> {
    validate::new_sip_password(password)
        .map_err(|m| Error::invalid(vec![FieldError::new(field::AUTH_PASSWORD, m)]))
}

impl Ops {
    /// Every SIP credential of the profile.
    pub async fn list_sip(&self) -> Result<Vec<SipCredential>, Error> {
        Ok(self.client.list_sip_credentials().await?)
    }

    /// Every SIP credential of the profile, page by page in order as they arrive
    /// (for long lists: shown or printed before the last page is in).
    pub async fn list_sip_pages(
        &self,
        on_page: impl FnMut(ListPage<SipCredential>),
    ) -> Result<(), Error> {
        Ok(self.client.sip_credential_pages(on_page).await?)
    }

    /// One SIP credential.
    pub async fn get_sip(&self, id: &str) -> Result<SipCredential, Error> {
        Ok(self.client.get_sip_credential(id).await?)
    }

    /// What uses a SIP credential.
    pub async fn sip_dependants(&self, id: &str) -> Result<Dependants, Error> {
        Ok(self.client.sip_credential_dependants(id).await?)
    }

    /// Creates a SIP credential.
    pub async fn create_sip(&self, input: &SipCredentialInput) -> Done<SipCredential> {
        if let Err(e) = self.writable() {
            return Done::refused(e);
        }
        if let Err(e) = validate::sip_credential(input).map_err(Error::invalid) {
            return Done::refused(e);
        }
        let result = self.client.create_sip_credential(input).await;
        let (id, name) = match &result {
            Ok(c) => (c.id.clone(), c.display_name()),
            Err(_) => (NEW_ITEM_ID.to_string(), input_name(input)),
        };
        self.journal(Action::SipCreate, sip_target(&id, Some(name)), None, result)
    }

    /// Changes the fields of `edit`, keeping every other field as the platform has it
    /// now. An empty edit is refused.
    pub async fn edit_sip(&self, id: &str, edit: &SipEdit) -> Done<SipCredential> {
        if let Err(e) = edit.check() {
            return Done::refused(e);
        }
        self.replace_sip(id, Action::SipUpdate, edit).await
    }

    /// Replaces the password, keeping the id and every other field. An empty
    /// password is refused (removing one is an edit).
    pub async fn rotate_sip_password(&self, id: &str, password: &Secret) -> Done<SipCredential> {
        if let Err(e) = check_new_password(password) {
            return Done::refused(e);
        }
        let edit = SipEdit {
            password: PasswordChange::Set(password.clone()),
            ..SipEdit::default()
        };
        self.replace_sip(id, Action::SipRotate, &edit).await
    }

    /// Reads the credential, refuses what must not be replaced, applies `edit`, and
    /// sends the full replacement.
    async fn replace_sip(&self, id: &str, action: Action, edit: &SipEdit) -> Done<SipCredential> {
        let current = match self.writable_sip(id).await {
            Ok(c) => c,
            Err(e) => return Done::refused(e),
        };
        let result = self.replace_read_sip(&current, edit).await;
        let name = match &result {
            Ok(c) => c.display_name(),
            Err(_) => current.display_name(),
        };
        self.journal(action, sip_target(id, Some(name)), None, result)
    }

    /// [`Ops::replace_sip`] for a caller that journals the step itself (a rotation
    /// at both ends journals it as sent first).
    pub async fn replace_sip_quietly(
        &self,
        id: &str,
        edit: &SipEdit,
    ) -> Result<SipCredential, Error> {
        let current = self.writable_sip(id).await?;
        self.replace_read_sip(&current, edit).await
    }

    /// `current` with `edit` applied, sent as its full replacement.
    async fn replace_read_sip(
        &self,
        current: &SipCredential,
        edit: &SipEdit,
    ) -> Result<SipCredential, Error> {
        let mut input = current.to_input()?;
        edit.apply(&mut input);
        validate::sip_credential(&input).map_err(Error::invalid)?;
        Ok(self
            .client
            .update_sip_credential(&current.id, &input)
            .await?)
    }

    /// The credential, unless the profile is read-only or the credential is managed
    /// by its provider.
    pub async fn writable_sip(&self, id: &str) -> Result<SipCredential, Error> {
        self.writable()?;
        let current = self.client.get_sip_credential(id).await?;
        if current.is_read_only() {
            return Err(Error::Refused(
                "this SIP credential is managed by its provider and is read-only: \
                 change or delete the provider instead"
                    .into(),
            ));
        }
        Ok(current)
    }

    /// What deleting SIP credential `id` involves, read once for both frontends: it
    /// must be writable, and what uses it means only a force delete can work.
    pub async fn plan_sip_delete(&self, id: &str) -> Result<SipDeletePlan, Error> {
        let c = self.writable_sip(id).await?;
        let dependants = self.sip_dependants(id).await?;
        Ok(SipDeletePlan {
            id: c.id.clone(),
            name: c.display_name(),
            confirm_name: c.confirm_name(),
            dependants,
        })
    }

    /// Deletes the credential of `plan` (with what uses it when `force`); the plan
    /// was read just before, so it is not read again.
    pub async fn delete_sip(&self, plan: &SipDeletePlan, force: bool) -> Done<()> {
        if let Err(e) = self.writable() {
            return Done::refused(e);
        }
        let result = self.client.delete_sip_credential(&plan.id, force).await;
        let detail = force.then(|| "force: phone numbers using it deleted too".to_string());
        self.journal(
            Action::SipDelete,
            sip_target(&plan.id, Some(plan.name.clone())),
            detail,
            result,
        )
    }
}

/// What deleting a SIP credential involves: its names, and what uses it (then only
/// a force delete, which deletes those too, can work). One plan for both frontends.
#[derive(Debug, Clone, PartialEq)]
pub struct SipDeletePlan {
    /// The credential's id.
    pub id: String,
    /// Its name, for messages.
    pub name: String,
    /// What a protected profile asks to type.
    pub confirm_name: String,
    /// What uses it.
    pub dependants: Dependants,
}

impl SipDeletePlan {
    /// True when something uses it: a plain delete would be refused.
    pub fn in_use(&self) -> bool {
        !self.dependants.is_empty()
    }

    /// What uses it, one line each, or that nothing does.
    pub fn lines(&self) -> Vec<String> {
        let lines = self.dependants.describe();
        if lines.is_empty() {
            vec!["nothing uses it".to_string()]
        } else {
            lines
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_changes_only_what_it_names() {
        let mut input = SipCredentialInput {
            server: "a.example".into(),
            domain: Some("d".into()),
            auth_password: Some(Secret::new("old-password")),
            cps_limit: Some(5),
            ..SipCredentialInput::default()
        };
        let edit = SipEdit {
            description: Some(Some("new".into())),
            domain: Some(None),
            ..SipEdit::default()
        };
        edit.apply(&mut input);
        assert_eq!(input.description.as_deref(), Some("new"));
        assert_eq!(input.domain, None);
        assert_eq!(input.cps_limit, Some(5));
        assert_eq!(input.auth_password, Some(Secret::new("old-password")));
        SipEdit {
            password: PasswordChange::Remove,
            ..SipEdit::default()
        }
        .apply(&mut input);
        assert_eq!(input.auth_password, None);
    }
}

//! Create/edit forms for SIP credentials and Twilio providers, on tui-input.
//!
//! A form is plain data: [`Form::handle_key`] turns keys into a [`FormEvent`], and
//! [`Form::render`] draws it as a centred modal. Each field is validated as it is
//! typed with `domain::validate`; a submit is refused while any field is invalid,
//! and after a failed submit the platform's errors appear under their fields while
//! the typed input stays. Secret fields are masked (`•` per character) until
//! `ctrl-x`, and their value leaves the form only as a [`Secret`](crate::secret::Secret).
//!
//! Keys: `Tab`/`↓` next field, `shift-Tab`/`↑` previous, `←/→` (or space) change a
//! choice, `ctrl-x` reveal/hide the focused secret, `ctrl-g` generate a SIP password,
//! `Enter`/`ctrl-s` submit, `Esc` cancel (twice when there are unsaved changes).
//! The app should handle `ctrl-c` itself before passing keys to the form.

mod field;
mod render;
mod specs;

use crate::domain::validate::{self, FieldError, field as keys};
use crate::domain::{
    NewProvider, Platform, Provider, ProviderUpdate, SipCredential, SipCredentialInput, password,
};
use crate::ops::SipEdit;
use crate::secret::{Secret, scrub};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use field::Field;
use specs::Spec;

/// What a submitted form asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum FormSubmission {
    /// Create a SIP credential.
    CreateSip(SipCredentialInput),
    /// Change the fields of SIP credential `id` the user edited.
    UpdateSip {
        /// Credential id.
        id: String,
        /// Only the fields the user changed.
        edit: SipEdit,
    },
    /// Link a new Twilio provider.
    CreateProvider(NewProvider),
    /// Change provider `id`; `None` fields are left as they are.
    UpdateProvider {
        /// Provider id.
        id: String,
        /// Only the fields the user changed.
        update: ProviderUpdate,
    },
}

impl FormSubmission {
    /// What it does, for messages: done ("created SIP credential") and tried
    /// ("create SIP credential").
    pub fn describe(&self) -> (&'static str, &'static str) {
        match self {
            FormSubmission::CreateSip(_) => ("created SIP credential", "create SIP credential"),
            FormSubmission::UpdateSip { .. } => ("updated SIP credential", "update SIP credential"),
            FormSubmission::CreateProvider(_) => ("created provider", "create provider"),
            FormSubmission::UpdateProvider { .. } => ("updated provider", "update provider"),
        }
    }
}

/// The outcome of one key.
#[derive(Debug, Clone, PartialEq)]
pub enum FormEvent {
    /// Nothing for the app to do (the form may have changed; redraw).
    None,
    /// The form is valid: send this. The form is now "saving…" until
    /// [`Form::apply_platform_error`] or [`Form::set_submitting`]`(false)`.
    Submit(FormSubmission),
    /// The user closed the form.
    Cancel,
}

/// The note after a submit refused for local errors.
const FIX_FIELDS: &str = "fix the highlighted fields";

/// The note shown while a submit is in flight.
const SAVING: &str = "saving…";

/// How a form-level note is styled.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tone {
    Info,
    Ok,
    Busy,
    Error,
}

/// A create/edit form: fields, focus, and the form-level note.
pub struct Form {
    spec: Spec,
    fields: Vec<Field>,
    focus: usize,
    note: Option<(Tone, String)>,
    submitting: bool,
    /// A submit was tried: show every field's error, even on untouched empty fields.
    submit_tried: bool,
    /// The first `Esc` on a dirty form was pressed; the next one cancels.
    discard_armed: bool,
    /// A submit that removes the credential's password was warned about; the
    /// next `⏎` (with nothing typed in between) confirms it.
    removal_armed: bool,
}

impl Form {
    /// A blank "New SIP credential" form (transport udp).
    pub fn new_sip() -> Form {
        Form::with(Spec::NewSip, specs::sip_fields(None))
    }

    /// An "Edit SIP credential" form prefilled from `c` (password masked).
    pub fn edit_sip(c: &SipCredential) -> Form {
        let spec = Spec::EditSip {
            id: c.id.clone(),
            name: c.display_name(),
            password: c.auth_password.clone(),
        };
        Form::with(spec, specs::sip_fields(Some(c)))
    }

    /// A new provider form: Dasha asks name, Account SID, auth token, region and
    /// call transfer; Unpod asks provider (default `twilio`), Account SID and token.
    pub fn new_provider(platform: &Platform) -> Form {
        let spec = Spec::NewProvider {
            unpod: specs::is_unpod(platform),
        };
        Form::with(spec, specs::new_provider_fields(platform))
    }

    /// An edit form for `p`: Dasha name, region and call transfer; Unpod Account SID.
    /// Only changed fields are submitted. Tokens are rotated elsewhere.
    pub fn edit_provider(p: &Provider, platform: &Platform) -> Form {
        let spec = Spec::EditProvider {
            id: p.id.clone(),
            name: p.display_name(),
            unpod: specs::is_unpod(platform),
        };
        Form::with(spec, specs::edit_provider_fields(p, platform))
    }

    fn with(spec: Spec, fields: Vec<Field>) -> Form {
        Form {
            spec,
            fields,
            focus: 0,
            note: None,
            submitting: false,
            submit_tried: false,
            discard_armed: false,
            removal_armed: false,
        }
    }

    /// The modal's title, e.g. "New SIP credential" or "Edit SIP credential <name>".
    pub fn title(&self) -> String {
        self.spec.title()
    }

    /// Handles one key press (releases are ignored).
    pub fn handle_key(&mut self, key: KeyEvent) -> FormEvent {
        if key.kind == KeyEventKind::Release {
            return FormEvent::None;
        }
        let armed = std::mem::take(&mut self.discard_armed);
        let removal_armed = std::mem::take(&mut self.removal_armed);
        if armed {
            self.note = self.submitting.then(|| (Tone::Busy, SAVING.to_string()));
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return self.escape(armed),
            _ if self.submitting => {}
            KeyCode::Enter => return self.submit(removal_armed),
            KeyCode::Char('s') if ctrl => return self.submit(removal_armed),
            KeyCode::Char('x') if ctrl => self.toggle_reveal(),
            KeyCode::Char('g') if ctrl => self.generate_password(),
            KeyCode::Tab | KeyCode::Down => self.move_focus(true),
            KeyCode::BackTab | KeyCode::Up => self.move_focus(false),
            _ => {
                if let Some(f) = self.fields.get_mut(self.focus)
                    && f.handle_key(key)
                {
                    self.clear_passing_note();
                }
            }
        }
        FormEvent::None
    }

    /// Inserts pasted text into the focused text field (bracketed paste).
    pub fn handle_paste(&mut self, text: &str) {
        if !self.submitting
            && let Some(f) = self.fields.get_mut(self.focus)
            && f.paste(text)
        {
            self.clear_passing_note();
        }
    }

    /// Marks the form as saving (shows "saving…", ignores `Enter`) or not.
    pub fn set_submitting(&mut self, on: bool) {
        self.submitting = on;
        if on {
            self.note = Some((Tone::Busy, SAVING.to_string()));
        } else if matches!(self.note, Some((Tone::Busy, _))) {
            self.note = None;
        }
    }

    /// True while a submit is in flight.
    pub fn is_submitting(&self) -> bool {
        self.submitting
    }

    /// Shows a failed submit: each error under its field (matched by
    /// `validate::field` key, camelCase accepted), others in the form message. The
    /// typed input is kept; secrets are scrubbed from every message.
    pub fn apply_platform_error(&mut self, message: &str, errors: &[FieldError]) {
        self.submitting = false;
        self.submit_tried = true;
        let secrets: Vec<Secret> = self
            .fields
            .iter()
            .filter(|f| f.is_secret())
            .map(|f| Secret::new(f.value()))
            .collect();
        let secret_refs: Vec<&Secret> = secrets.iter().collect();
        let clean = |text: &str| scrub(text, &secret_refs);
        for f in &mut self.fields {
            f.platform_error = None;
        }
        let mut unmatched = Vec::new();
        for e in errors {
            let key = validate::field_key(&e.field);
            match self.fields.iter_mut().find(|f| f.key == key) {
                Some(f) => f.platform_error = Some(clean(&e.message)),
                None => unmatched.push(clean(&e.to_string())),
            }
        }
        if let Some(i) = self.fields.iter().position(|f| f.platform_error.is_some()) {
            self.focus = i;
        }
        let mut text = clean(message.trim());
        if text.is_empty() {
            text = "the platform refused the change".into();
        }
        for u in unmatched {
            text.push_str("; ");
            text.push_str(&u);
        }
        self.note = Some((Tone::Error, text));
    }

    /// True when any field differs from its initial value.
    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(Field::is_dirty)
    }

    /// Draws the form as a centred modal over `area` (cleared underneath).
    pub fn render(
        &self,
        frame: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        theme: &crate::tui::app::theme::Theme,
    ) {
        render::render(self, frame, area, theme);
    }

    fn escape(&mut self, armed: bool) -> FormEvent {
        if armed || !self.is_dirty() {
            return FormEvent::Cancel;
        }
        self.discard_armed = true;
        self.note = Some((Tone::Info, "press Esc again to discard changes".into()));
        FormEvent::None
    }

    fn submit(&mut self, removal_confirmed: bool) -> FormEvent {
        self.submit_tried = true;
        for f in &mut self.fields {
            f.platform_error = None;
        }
        if let Some(i) = self.fields.iter().position(|f| f.local_error().is_some()) {
            self.focus = i;
            self.note = Some((Tone::Error, FIX_FIELDS.into()));
            return FormEvent::None;
        }
        if self.spec.is_edit() && !self.is_dirty() {
            self.note = Some((Tone::Info, "nothing changed".into()));
            return FormEvent::None;
        }
        if self.removes_password() && !removal_confirmed {
            self.removal_armed = true;
            if let Some(i) = self
                .fields
                .iter()
                .position(|f| f.key == keys::AUTH_PASSWORD)
            {
                self.focus = i;
            }
            self.note = Some((
                Tone::Error,
                "saving REMOVES the password: ⏎ again to remove it, or type one".into(),
            ));
            return FormEvent::None;
        }
        self.set_submitting(true);
        FormEvent::Submit(self.spec.submission(&self.fields))
    }

    /// True when this edit would remove the credential's password: it had one and
    /// the field was emptied.
    fn removes_password(&self) -> bool {
        self.spec.had_password()
            && self
                .fields
                .iter()
                .any(|f| f.key == keys::AUTH_PASSWORD && f.is_dirty() && f.value().is_empty())
    }

    fn move_focus(&mut self, forward: bool) {
        let n = self.fields.len().max(1);
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    fn toggle_reveal(&mut self) {
        if let Some(f) = self.fields.get_mut(self.focus).filter(|f| f.is_secret()) {
            let on = !f.is_revealed();
            f.set_revealed(on);
        }
    }

    fn generate_password(&mut self) {
        let Some(f) = self
            .fields
            .iter_mut()
            .find(|f| f.key == keys::AUTH_PASSWORD)
        else {
            return;
        };
        let generated = password::generate();
        f.set_text(generated.expose().to_string());
        f.set_revealed(false);
        let n = generated.char_len();
        self.note = Some((Tone::Ok, format!("generated {n}-character password")));
    }

    /// The error to show under `f`: its local error (hidden on an untouched empty
    /// field until a submit is tried), else the platform's error.
    fn shown_error(&self, f: &Field) -> Option<String> {
        let show_local = f.touched || self.submit_tried || !f.value().is_empty();
        show_local
            .then(|| f.local_error())
            .flatten()
            .or_else(|| f.platform_error.clone())
    }

    /// Clears informational notes once the user edits again, and "fix the
    /// highlighted fields" once none is wrong any more; other errors stay.
    fn clear_passing_note(&mut self) {
        let fixed = matches!(&self.note, Some((Tone::Error, n)) if n == FIX_FIELDS)
            && self.fields.iter().all(|f| f.local_error().is_none());
        if fixed || matches!(self.note, Some((Tone::Info | Tone::Ok, _))) {
            self.note = None;
        }
    }
}

/// Lists the fields with secrets redacted.
impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Form")
            .field("title", &self.title())
            .field("fields", &self.fields)
            .field("focus", &self.focus)
            .field("submitting", &self.submitting)
            .finish()
    }
}

#[cfg(test)]
mod render_tests;
#[cfg(test)]
mod tests;

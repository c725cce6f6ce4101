//! One form field: a text input (plain, secret or numeric) or a choice among fixed
//! values, with its validation rule and any error the platform reported for it.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::{EventHandler, to_input_request};
use tui_input::{Input, InputRequest};

/// A validation rule over the field's text; the error is shown under the field.
pub(super) type Rule = fn(&str) -> Result<(), crate::domain::validate::Invalid>;

/// What kind of value a field edits.
pub(super) enum Kind {
    /// Free text through tui-input.
    Text {
        input: Input,
        /// Drawn as one `•` per character unless `revealed`.
        secret: bool,
        revealed: bool,
        /// Only digits may be typed.
        numeric: bool,
    },
    /// One of `options`, cycled with `←/→`; `""` is shown as "(not set)".
    Choice { options: Vec<String>, index: usize },
}

/// A labelled field with its rule, initial value (for "dirty") and errors.
pub(super) struct Field {
    /// Key from `domain::validate::field`, used to match platform errors.
    pub key: &'static str,
    /// Label shown left of the input.
    pub label: &'static str,
    /// Empty is an error ("required"), and the label gets a `*`.
    pub required: bool,
    /// The value being edited.
    pub kind: Kind,
    rule: Rule,
    initial: String,
    /// The user changed this field (so its errors are shown even when empty).
    pub touched: bool,
    /// The platform's message for this field after a failed submit.
    pub platform_error: Option<String>,
}

/// What the renderer needs to draw a text input: the visible text (already
/// masked for hidden secrets), its horizontal scroll and the cursor column.
pub(super) struct TextView {
    pub text: String,
    pub scroll: u16,
    pub cursor: u16,
}

impl Field {
    /// An empty text field.
    pub fn text(key: &'static str, label: &'static str, rule: Rule) -> Field {
        let kind = Kind::Text {
            input: Input::default(),
            secret: false,
            revealed: false,
            numeric: false,
        };
        Field {
            key,
            label,
            required: false,
            kind,
            rule,
            initial: String::new(),
            touched: false,
            platform_error: None,
        }
    }

    /// A choice among `options`, starting on `selected` (added first if missing).
    pub fn choice(
        key: &'static str,
        label: &'static str,
        options: &[&str],
        selected: &str,
        rule: Rule,
    ) -> Field {
        let mut options: Vec<String> = options.iter().map(|o| o.to_string()).collect();
        let index = options
            .iter()
            .position(|o| o == selected)
            .unwrap_or_else(|| {
                options.insert(0, selected.to_string());
                0
            });
        let kind = Kind::Choice { options, index };
        Field {
            key,
            label,
            required: false,
            kind,
            rule,
            initial: selected.to_string(),
            touched: false,
            platform_error: None,
        }
    }

    /// Marks the field as required.
    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// Masks the field's text (passwords, tokens).
    pub fn secret(mut self) -> Field {
        if let Kind::Text { secret, .. } = &mut self.kind {
            *secret = true;
        }
        self
    }

    /// Accepts only digits.
    pub fn numeric(mut self) -> Field {
        if let Kind::Text { numeric, .. } = &mut self.kind {
            *numeric = true;
        }
        self
    }

    /// Prefills a text field; the prefilled value is what "dirty" compares against.
    pub fn with_value(mut self, value: &str) -> Field {
        if let Kind::Text { input, .. } = &mut self.kind {
            *input = Input::new(value.to_string());
            self.initial = value.to_string();
        }
        self
    }

    /// The current value: the text, or the chosen option.
    pub fn value(&self) -> &str {
        match &self.kind {
            Kind::Text { input, .. } => input.value(),
            Kind::Choice { options, index } => options.get(*index).map_or("", String::as_str),
        }
    }

    /// The local validation error, if any (never contains the value of a secret).
    pub fn local_error(&self) -> Option<String> {
        if self.required && self.value().trim().is_empty() {
            return Some("required".into());
        }
        (self.rule)(self.value()).err().map(String::from)
    }

    /// True when the value differs from the initial one.
    pub fn is_dirty(&self) -> bool {
        self.value() != self.initial
    }

    /// True for a masked text field.
    pub fn is_secret(&self) -> bool {
        matches!(self.kind, Kind::Text { secret: true, .. })
    }

    /// True for a choice field.
    pub fn is_choice(&self) -> bool {
        matches!(self.kind, Kind::Choice { .. })
    }

    /// True when a secret field currently shows its text.
    pub fn is_revealed(&self) -> bool {
        matches!(
            self.kind,
            Kind::Text {
                secret: true,
                revealed: true,
                ..
            }
        )
    }

    /// Shows or hides a secret field's text; does nothing on other fields.
    pub fn set_revealed(&mut self, on: bool) {
        if let Kind::Text {
            secret: true,
            revealed,
            ..
        } = &mut self.kind
        {
            *revealed = on;
        }
    }

    /// Replaces a text field's value (e.g. a generated password).
    pub fn set_text(&mut self, value: String) {
        if let Kind::Text { input, .. } = &mut self.kind {
            *input = Input::new(value);
            self.changed();
        }
    }

    /// Edits the field with a key; returns true when the value changed.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let changed = match &mut self.kind {
            Kind::Choice { options, index } => match key.code {
                KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if !options.is_empty() => {
                    let n = options.len();
                    *index = if key.code == KeyCode::Left {
                        (*index + n - 1) % n
                    } else {
                        (*index + 1) % n
                    };
                    true
                }
                _ => false,
            },
            Kind::Text {
                input,
                secret,
                numeric,
                ..
            } => {
                let event = Event::Key(key);
                match to_input_request(&event) {
                    Some(InputRequest::InsertChar(c)) if *numeric && !c.is_ascii_digit() => false,
                    Some(InputRequest::Yank) if *secret => false,
                    Some(request) => {
                        let changed = input.handle_event(&event).is_some_and(|s| s.value);
                        if *secret && is_cut(request) {
                            // Drop tui-input's yank buffer so no cut secret text lingers.
                            *input =
                                Input::new(input.value().to_string()).with_cursor(input.cursor());
                        }
                        changed
                    }
                    None => false,
                }
            }
        };
        if changed {
            self.changed();
        }
        changed
    }

    /// Inserts pasted text at the cursor (newlines dropped); returns true if changed.
    pub fn paste(&mut self, text: &str) -> bool {
        let Kind::Text { input, numeric, .. } = &mut self.kind else {
            return false;
        };
        let mut changed = false;
        for c in text.chars().filter(|c| !c.is_control()) {
            if *numeric && !c.is_ascii_digit() {
                continue;
            }
            changed |= input.handle(InputRequest::InsertChar(c)).is_some();
        }
        if changed {
            self.changed();
        }
        changed
    }

    /// The visible window of a text field `width` columns wide; `None` for choices.
    pub fn text_view(&self, width: u16) -> Option<TextView> {
        let Kind::Text {
            input,
            secret,
            revealed,
            ..
        } = &self.kind
        else {
            return None;
        };
        let keep = usize::from(width.saturating_sub(1));
        let view = if *secret && !*revealed && !self.is_dirty() && !input.value().is_empty() {
            // A stored secret, untouched: a fixed mask that does not tell its length.
            let mask = crate::secret::Secret::masked();
            TextView {
                text: mask.to_string(),
                scroll: 0,
                cursor: clamp(mask.chars().count()),
            }
        } else if *secret && !*revealed {
            // What is being typed: one bullet per character; the cursor counts
            // codepoints (see tui-input docs).
            let scroll = input.cursor().saturating_sub(keep);
            TextView {
                text: "•".repeat(input.value().chars().count()),
                scroll: clamp(scroll),
                cursor: clamp(input.cursor() - scroll),
            }
        } else {
            let scroll = input.visual_scroll(keep);
            TextView {
                text: input.value().to_string(),
                scroll: clamp(scroll),
                cursor: clamp(input.visual_cursor().saturating_sub(scroll)),
            }
        };
        Some(view)
    }

    /// The choice options and the chosen index; `None` for text fields.
    pub fn choices(&self) -> Option<(&[String], usize)> {
        match &self.kind {
            Kind::Choice { options, index } => Some((options, *index)),
            Kind::Text { .. } => None,
        }
    }

    fn changed(&mut self) {
        self.touched = true;
        self.platform_error = None;
    }
}

/// Requests that move text into tui-input's yank buffer.
fn is_cut(request: InputRequest) -> bool {
    matches!(
        request,
        InputRequest::DeleteLine
            | InputRequest::DeletePrevWord
            | InputRequest::DeleteNextWord
            | InputRequest::DeleteTillEnd
            | InputRequest::DeleteFromStart
    )
}

fn clamp(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Prints the key and value, with secrets redacted.
impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = if self.is_secret() {
            crate::secret::REDACTED
        } else {
            self.value()
        };
        write!(f, "{}={value:?}", self.key)
    }
}

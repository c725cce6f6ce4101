//! A one-field modal for a new secret (a Twilio auth token, a SIP password): masked
//! while typed, `ctrl-x` reveals, `ctrl-g` generates where allowed, checked as typed.
//! The value leaves only as a [`Secret`].

use crate::domain::password;
use crate::secret::Secret;
use crate::tui::app::theme::Theme;
use crate::tui::components::widgets::{draw_line, hint_line, modal};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use zeroize::Zeroize;

/// Checks a candidate secret; the message must never contain the value.
pub type SecretRule = fn(&Secret) -> Result<(), crate::domain::validate::Invalid>;

/// Says why a valid secret is still unwise (a weak password), when it is: the prompt
/// then asks for a second ⏎. The message must never contain the value.
pub type SecretWarning = fn(&Secret) -> Option<String>;

/// What a key press did.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptEvent {
    /// Nothing to act on.
    None,
    /// The user gave up.
    Cancel,
    /// A valid secret was entered.
    Submit(Secret),
}

/// The prompt's state.
pub struct SecretPrompt {
    title: String,
    label: String,
    lines: Vec<String>,
    input: Input,
    revealed: bool,
    can_generate: bool,
    rule: SecretRule,
    warning: Option<SecretWarning>,
    /// The warning was shown for the value as it is: the next ⏎ submits it.
    warned: bool,
    note: Option<String>,
    busy: bool,
}

impl std::fmt::Debug for SecretPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretPrompt")
            .field("title", &self.title)
            .field("value", &"[redacted]")
            .finish()
    }
}

impl SecretPrompt {
    /// A prompt titled `title` with the field `label`, explanatory `lines`, a rule,
    /// and whether `ctrl-g` may generate a value.
    pub fn new(
        title: &str,
        label: &str,
        lines: Vec<String>,
        rule: SecretRule,
        can_generate: bool,
    ) -> Self {
        SecretPrompt {
            title: title.to_string(),
            label: label.to_string(),
            lines,
            input: Input::default(),
            revealed: false,
            can_generate,
            rule,
            warning: None,
            warned: false,
            note: None,
            busy: false,
        }
    }

    /// Asks for a second ⏎ when `warning` has something to say about the value.
    pub fn with_warning(mut self, warning: SecretWarning) -> Self {
        self.warning = Some(warning);
        self
    }

    /// Shows "working…" and ignores input but `Esc` while on.
    pub fn set_busy(&mut self, on: bool) {
        self.busy = on;
    }

    /// Shows a message under the field (e.g. the platform's refusal); the input stays.
    pub fn set_note(&mut self, note: &str) {
        self.note = Some(note.to_string());
        self.busy = false;
    }

    fn value(&self) -> Secret {
        Secret::new(self.input.value().trim())
    }

    fn problem(&self) -> Option<String> {
        if self.input.value().is_empty() {
            return None;
        }
        (self.rule)(&self.value()).err().map(String::from)
    }

    /// Handles one key.
    pub fn handle_key(&mut self, key: KeyEvent) -> PromptEvent {
        if key.code == KeyCode::Esc {
            return PromptEvent::Cancel;
        }
        if self.busy {
            return PromptEvent::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => {
                let value = self.value();
                match (self.rule)(&value) {
                    Err(m) => self.note = Some(m.into()),
                    Ok(()) => match self.warning.and_then(|w| w(&value)) {
                        Some(why) if !self.warned => {
                            self.note = Some(format!("{why}: ⏎ again to use it anyway"));
                            self.warned = true;
                        }
                        _ => return PromptEvent::Submit(value),
                    },
                }
            }
            KeyCode::Char('x') if ctrl => self.revealed = !self.revealed,
            KeyCode::Char('g') if ctrl && self.can_generate => {
                self.set_value(password::generate());
                self.warned = false;
                self.note = Some(format!(
                    "generated a {}-character password",
                    password::GENERATED_LENGTH
                ));
            }
            // Cut keys would keep the secret in tui-input's yank buffer: clear instead.
            KeyCode::Char('u' | 'w' | 'k') if ctrl => {
                self.set_value(Secret::new(""));
                self.warned = false;
            }
            _ => {
                if self.input.handle_event(&Event::Key(key)).is_some() {
                    self.note = None;
                    self.warned = false;
                }
            }
        }
        PromptEvent::None
    }

    /// Inserts pasted text at the cursor; line breaks (a copied token often ends
    /// with one) are dropped rather than submitting.
    pub fn handle_paste(&mut self, text: &str) {
        if self.busy {
            return;
        }
        for c in text.chars().filter(|c| !c.is_control()) {
            self.input.handle(tui_input::InputRequest::InsertChar(c));
        }
        self.note = None;
        self.warned = false;
    }

    fn set_value(&mut self, value: Secret) {
        let mut old = std::mem::take(&mut self.input).value_and_reset();
        old.zeroize();
        self.input = Input::new(value.expose().to_string());
    }

    /// Draws the prompt as a centred modal.
    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let height = self.lines.len() as u16 + 7;
        let inner = modal(
            frame,
            area,
            (area.width.min(72), height),
            &self.title,
            theme.border_focus,
            theme,
        );
        let mut row = 0;
        for line in &self.lines {
            draw_line(frame, inner, row, Line::styled(line.clone(), theme.base));
            row += 1;
        }
        row += 1;
        let label = format!("{:<12}", self.label);
        let shown = if self.revealed {
            self.input.value().to_string()
        } else {
            "•".repeat(self.input.value().chars().count())
        };
        let width = inner.width.saturating_sub(label.len() as u16 + 1) as usize;
        let cursor = self.input.cursor();
        let scroll = cursor.saturating_sub(width.saturating_sub(1));
        let visible: String = shown.chars().skip(scroll).take(width).collect();
        draw_line(
            frame,
            inner,
            row,
            Line::from(vec![
                Span::styled(label.clone(), theme.title),
                Span::styled(visible, theme.input_focus),
            ]),
        );
        if !self.busy && row < inner.height {
            let x = inner.x + label.len() as u16 + (cursor - scroll) as u16;
            frame.set_cursor_position(Position::new(
                x.min(inner.right().saturating_sub(1)),
                inner.y + row,
            ));
        }
        row += 1;
        let (note, style) = match (&self.note, self.problem(), self.busy) {
            (_, _, true) => ("working…".to_string(), theme.pending),
            (_, Some(p), _) => (format!("✗ {p}"), theme.field_error),
            (Some(n), None, _) => (n.clone(), theme.muted),
            (None, None, _) => (String::new(), theme.muted),
        };
        draw_line(frame, inner, row, Line::styled(note, style));
        let mut hints = vec![("⏎", "continue"), ("Esc", "cancel"), ("^x", "reveal")];
        if self.can_generate {
            hints.push(("^g", "generate"));
        }
        draw_line(
            frame,
            inner,
            inner.height.saturating_sub(1),
            hint_line(&hints, inner.width, theme),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn token_rule(s: &Secret) -> Result<(), validate::Invalid> {
        validate::auth_token(s)
    }

    fn screen(p: &SecretPrompt) -> String {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| p.render(f, f.area(), &Theme::default_theme()))
            .unwrap();
        t.backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect()
    }

    fn typed(text: &str) -> SecretPrompt {
        let mut p = SecretPrompt::new(
            "Rotate",
            "New token",
            vec!["for AC…".into()],
            token_rule,
            false,
        );
        for c in text.chars() {
            p.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        p
    }

    #[test]
    fn masked_until_revealed_and_checked_as_typed() {
        let mut p = typed("0123456789abcdef0123456789abcde");
        let s = screen(&p);
        assert!(
            !s.contains("0123456789abcdef") && s.contains("got 31 characters"),
            "{s}"
        );
        assert_eq!(
            p.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            PromptEvent::None
        );
        p.handle_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL));
        assert!(screen(&p).contains("0123456789abcdef"));
        p.handle_key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE));
        match p.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)) {
            PromptEvent::Submit(s) => assert_eq!(s.expose(), "0123456789abcdef0123456789abcdef"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn generates_only_when_allowed_and_never_prints_the_value_in_debug() {
        let mut p = SecretPrompt::new(
            "Rotate",
            "Password",
            vec![],
            |s| validate::sip_password(&Some(s.clone())),
            true,
        );
        p.handle_key(KeyEvent::new(KeyCode::Char('g'), KeyModifiers::CONTROL));
        let PromptEvent::Submit(s) =
            p.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        else {
            panic!("a generated password is valid");
        };
        assert_eq!(s.char_len(), password::GENERATED_LENGTH);
        assert!(!format!("{p:?}").contains(s.expose()));
        assert!(!screen(&p).contains(s.expose()));
    }

    #[test]
    fn tiny_areas_do_not_panic() {
        let p = typed("abc");
        for (w, h) in [(1, 1), (10, 3), (20, 5)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| p.render(f, f.area(), &Theme::default_theme()))
                .unwrap();
        }
    }
}

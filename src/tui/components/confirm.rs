//! Confirmation as data: a mutating action becomes a [`ConfirmDialog`] that, when
//! accepted, yields [`ConfirmEvent::Confirm`].
//!
//! The dialog names the profiles (each production one with its own `[PROD]` badge)
//! and the item, lists what depends on it, and starts with focus on **Cancel**. When
//! its [`Confirmation`] asks for a name (a protected profile), the name must be typed
//! exactly before the confirming buttons are enabled.
//! After the platform refuses (409, dependants), [`ConfirmDialog::offer_force`]
//! shows why and adds a "Force …" button.
//!
//! Keys: `←/→`/`Tab`/`shift-Tab` move between buttons, `Enter` activates the focused
//! one, `y` confirms and `n` cancels (only when no name has to be typed; then they
//! are typed), `Esc` cancels. Details that do not fit scroll with `↑/↓` and
//! `PgUp/PgDn` (and `j/k` when no name is typed); the lines that stand for the
//! hidden ones say so.

use crate::config::Confirmation;
use crate::tui::app::theme::Theme;
use crate::tui::components::widgets;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::cell::Cell;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use unicode_width::UnicodeWidthStr;

/// Widest the dialog gets, and narrowest it is when the terminal allows.
const MAX_WIDTH: u16 = 76;
const MIN_WIDTH: u16 = 48;

/// A profile a dialog's item is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileTag {
    /// Its name.
    pub name: String,
    /// A production profile: a `[PROD]` badge follows its name.
    pub production: bool,
}

/// What the user decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmEvent {
    /// Nothing decided yet (redraw).
    None,
    /// Close the dialog; do nothing.
    Cancel,
    /// Go ahead; `force` when the "Force" button was chosen after a refusal.
    Confirm {
        /// Override the platform's dependants check.
        force: bool,
    },
}

/// The dialog's buttons, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Button {
    Cancel,
    Confirm,
    Force,
}

/// A confirmation dialog for one action on one item.
#[derive(Debug, Clone)]
pub struct ConfirmDialog {
    action: String,
    /// What the item is, as its row is labelled ("Credential", "Account SID").
    kind: String,
    item_name: String,
    profiles: Vec<ProfileTag>,
    /// What confirms: a name typed, or the button alone.
    confirmation: Confirmation,
    details: Vec<String>,
    typed: Input,
    buttons: Vec<Button>,
    focus: usize,
    busy: bool,
    refusal: Option<(String, Vec<String>)>,
    /// Says what the details are ("Also deletes:"); never scrolled away.
    heading: Vec<String>,
    /// The first detail line shown.
    scroll: usize,
    /// The largest useful [`ConfirmDialog::scroll`] and the detail lines shown, as
    /// the last draw found them (the scroll keys stop there).
    window: Cell<(usize, usize)>,
    /// Why the last ⏎ did not go ahead, or what the next one will do.
    note: Option<String>,
    /// A force was chosen once on a profile that asks no name: the next ⏎ on it goes.
    force_armed: bool,
}

impl ConfirmDialog {
    /// A dialog for `action` (e.g. "Delete SIP credential") on `item_name`, which
    /// is a `kind` ("Credential", "Account SID"), on `profiles`; `confirmation`
    /// says whether a name must be typed; `details` are lines such as dependants or
    /// "nothing depends on it".
    pub fn new(
        action: &str,
        kind: &str,
        item_name: &str,
        profiles: Vec<ProfileTag>,
        confirmation: Confirmation,
        details: Vec<String>,
    ) -> Self {
        ConfirmDialog {
            action: action.to_string(),
            kind: kind.to_string(),
            item_name: item_name.to_string(),
            profiles,
            confirmation,
            details,
            typed: Input::default(),
            buttons: vec![Button::Cancel, Button::Confirm],
            focus: 0,
            busy: false,
            refusal: None,
            heading: Vec::new(),
            scroll: 0,
            window: Cell::new((0, 0)),
            note: None,
            force_armed: false,
        }
    }

    /// Lines that say what the details list, e.g. "Also deletes:".
    pub fn with_heading<S: Into<String>>(mut self, lines: impl IntoIterator<Item = S>) -> Self {
        self.heading = lines.into_iter().map(Into::into).collect();
        self
    }

    /// True when the dialog already lists details (dependants).
    pub fn has_details(&self) -> bool {
        !self.details.is_empty()
    }

    /// When the item is known to be in use (or the platform refused, 409): shows the
    /// reason and dependants, replaces the plain delete (it would be refused) by the
    /// "Force …" button, and puts focus back on Cancel.
    pub fn offer_force(&mut self, message: &str, dependants: Vec<String>) {
        self.refusal = Some((message.to_string(), dependants));
        self.buttons = vec![Button::Cancel, Button::Force];
        self.focus = 0;
        self.busy = false;
    }

    /// While busy the buttons are replaced by a waiting note and only `Esc` works.
    pub fn set_busy(&mut self, on: bool) {
        self.busy = on;
    }

    /// Handles one key press (releases are ignored).
    pub fn handle_key(&mut self, key: KeyEvent) -> ConfirmEvent {
        if key.kind == KeyEventKind::Release {
            return ConfirmEvent::None;
        }
        let plain = (key.modifiers - KeyModifiers::SHIFT).is_empty();
        if key.code != KeyCode::Enter {
            // Anything else than ⏎ takes back an armed force and its note.
            self.force_armed = false;
            self.note = None;
        }
        let (_, page) = self.window.get();
        let page = isize::try_from(page.max(1)).unwrap_or(1);
        match key.code {
            KeyCode::Esc => return ConfirmEvent::Cancel,
            KeyCode::Down => self.scroll_by(1),
            KeyCode::Up => self.scroll_by(-1),
            KeyCode::PageDown => self.scroll_by(page),
            KeyCode::PageUp => self.scroll_by(-page),
            KeyCode::Char('j') if plain && !self.types_name() => self.scroll_by(1),
            KeyCode::Char('k') if plain && !self.types_name() => self.scroll_by(-1),
            _ if self.busy => {}
            KeyCode::Enter => {
                return self.activate(self.buttons[self.focus.min(self.buttons.len() - 1)]);
            }
            KeyCode::Tab | KeyCode::Right => self.focus = (self.focus + 1) % self.buttons.len(),
            KeyCode::BackTab | KeyCode::Left => {
                self.focus = (self.focus + self.buttons.len() - 1) % self.buttons.len()
            }
            KeyCode::Char('y' | 'Y') if plain && !self.types_name() => {
                // The one button that acts: delete, or force delete when that is all
                // that can work.
                return self.activate(self.buttons[self.buttons.len() - 1]);
            }
            KeyCode::Char('n' | 'N') if plain && !self.types_name() => {
                return ConfirmEvent::Cancel;
            }
            _ if self.types_name() => {
                self.typed.handle_event(&Event::Key(key));
            }
            _ => {}
        }
        ConfirmEvent::None
    }

    /// Draws the dialog centred in `area`.
    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let longest = self
            .parts(theme, usize::MAX)
            .iter()
            .map(Part::width)
            .max()
            .unwrap_or(0);
        let width = u16::try_from(longest + 4)
            .unwrap_or(u16::MAX)
            .clamp(MIN_WIDTH, MAX_WIDTH)
            .min(area.width);
        // Inside the border and its padding (see `widgets::modal`).
        let parts = self.parts(theme, usize::from(width.saturating_sub(4)));
        let height = u16::try_from(parts.len() + 2).unwrap_or(u16::MAX);
        let inner = widgets::modal(
            frame,
            area,
            (width, height),
            &self.action,
            theme.danger,
            theme,
        );
        if inner.is_empty() {
            return;
        }
        let keys = if self.types_name() { "↑/↓" } else { "j/k" };
        let (parts, window) = fit(parts, usize::from(inner.height), self.scroll, keys);
        self.window.set(window);
        for (i, part) in parts.into_iter().enumerate() {
            let Some(row) = widgets::row(inner, u16::try_from(i).unwrap_or(u16::MAX)) else {
                break;
            };
            match part {
                Part::Blank => {}
                Part::Text(line) | Part::Detail(line, _) => {
                    let line = widgets::fit_line(&line, usize::from(row.width));
                    frame.render_widget(Paragraph::new(line), row)
                }
                Part::Input => self.render_input(frame, row, theme),
                Part::Buttons(line) => {
                    frame.render_widget(Paragraph::new(line).alignment(Alignment::Center), row)
                }
            }
        }
    }

    /// Scrolls the details by `delta` lines, within what the last draw showed.
    fn scroll_by(&mut self, delta: isize) {
        let (max, _) = self.window.get();
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }

    fn activate(&mut self, button: Button) -> ConfirmEvent {
        match button {
            Button::Cancel => ConfirmEvent::Cancel,
            _ if !self.name_matches() => {
                self.note = Some(format!(
                    "type the name exactly to enable {} ({} of its {} characters match)",
                    self.button_label(button),
                    self.matching_prefix(),
                    self.confirmation.answer().chars().count()
                ));
                ConfirmEvent::None
            }
            Button::Confirm => ConfirmEvent::Confirm { force: false },
            // A name typed is confirmation enough; otherwise a force asks twice.
            Button::Force if self.types_name() || self.force_armed => {
                ConfirmEvent::Confirm { force: true }
            }
            Button::Force => {
                self.force_armed = true;
                self.note = Some(format!(
                    "{} also deletes what uses it: ⏎ again to go ahead",
                    self.button_label(button)
                ));
                ConfirmEvent::None
            }
        }
    }

    /// True when a name must be typed to confirm.
    fn types_name(&self) -> bool {
        self.confirmation.name().is_some()
    }

    /// How many leading characters of the typed text match the name.
    fn matching_prefix(&self) -> usize {
        self.typed
            .value()
            .chars()
            .zip(self.confirmation.answer().chars())
            .take_while(|(a, b)| a == b)
            .count()
    }

    /// True when nothing must be typed (the button is the yes), or the typed name
    /// confirms.
    fn name_matches(&self) -> bool {
        !self.types_name() || self.confirmation.accepts(self.typed.value())
    }

    fn button_label(&self, button: Button) -> String {
        let verb = self.action.split_whitespace().next().unwrap_or("Confirm");
        match button {
            Button::Cancel => "Cancel".into(),
            Button::Confirm => verb.to_string(),
            Button::Force => format!("Force {}", verb.to_lowercase()),
        }
    }

    /// The dialog's rows, top to bottom, `width` wide, before fitting them to the
    /// height.
    fn parts(&self, theme: &Theme, width: usize) -> Vec<Part> {
        let profiles = if self.profiles.len() == 1 {
            "Profile"
        } else {
            "Profiles"
        };
        // Both labels as wide as the longer one, so the values line up.
        let label_width = self.kind.width().max(profiles.len()) + 2;
        let label = |text: &str| Span::styled(format!("{text:<label_width$}"), theme.muted);
        let mut parts = vec![Part::Blank];
        parts.extend(
            self.profile_lines(label(profiles), width, theme)
                .into_iter()
                .map(Part::Text),
        );
        parts.push(Part::Text(Line::from(vec![
            label(&self.kind),
            Span::styled(self.item_name.clone(), theme.title),
        ])));
        if !self.details.is_empty() {
            parts.push(Part::Blank);
            parts.extend(
                self.heading
                    .iter()
                    .map(|h| Part::Text(Line::styled(h.clone(), theme.muted))),
            );
            for d in &self.details {
                parts.extend(detail_rows("", d, theme.base, width));
            }
        }
        if let Some((message, dependants)) = &self.refusal {
            parts.push(Part::Blank);
            parts.push(Part::Text(Line::styled(
                format!("✗ {message}"),
                theme.flash_error,
            )));
            for d in dependants {
                parts.extend(detail_rows("  • ", d, theme.base, width));
            }
        }
        if let Some(name) = self.confirmation.name() {
            parts.push(Part::Blank);
            // The button that acts: Delete, or Force delete after a refusal.
            let verb = self.button_label(self.buttons[self.buttons.len() - 1]);
            parts.push(Part::Text(Line::from(vec![
                Span::styled("Type ", theme.base),
                Span::styled(name.to_string(), theme.title),
                Span::styled(format!(" to enable {verb}:"), theme.base),
            ])));
            parts.push(Part::Input);
        }
        if let Some(note) = &self.note {
            parts.push(Part::Blank);
            parts.push(Part::Text(Line::styled(note.clone(), theme.warn)));
        }
        parts.push(Part::Blank);
        parts.push(Part::Buttons(self.buttons_line(theme)));
        parts
    }

    /// `label` and the profiles, each production one followed by its own `[PROD]`,
    /// wrapped between profiles to `width` under the first.
    fn profile_lines(
        &self,
        label: Span<'static>,
        width: usize,
        theme: &Theme,
    ) -> Vec<Line<'static>> {
        let indent = label.width();
        let mut lines = vec![vec![label]];
        let mut used = indent;
        for (i, profile) in self.profiles.iter().enumerate() {
            let mut unit = vec![Span::styled(profile.name.clone(), theme.base)];
            if profile.production {
                unit.push(Span::raw(" "));
                unit.push(Span::styled("[PROD]", theme.badge_prod));
            }
            if i + 1 < self.profiles.len() {
                unit.push(Span::styled(",", theme.base));
            }
            let unit_width: usize = unit.iter().map(Span::width).sum();
            if used > indent && used + 1 + unit_width > width {
                lines.push(vec![Span::raw(" ".repeat(indent))]);
                used = indent;
            }
            let Some(line) = lines.last_mut() else {
                break;
            };
            if used > indent {
                line.push(Span::raw(" "));
                used += 1;
            }
            line.extend(unit);
            used += unit_width;
        }
        lines.into_iter().map(Line::from).collect()
    }

    fn buttons_line(&self, theme: &Theme) -> Line<'static> {
        if self.busy {
            return Line::styled("waiting for the platform…  (Esc closes)", theme.pending);
        }
        let mut spans = Vec::new();
        for (i, b) in self.buttons.iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw("  "));
            }
            let enabled = *b == Button::Cancel || self.name_matches();
            spans.push(widgets::button(
                &self.button_label(*b),
                i == self.focus,
                enabled,
                theme,
            ));
        }
        Line::from(spans)
    }

    fn render_input(&self, frame: &mut Frame, row: Rect, theme: &Theme) {
        let width = usize::from(row.width.saturating_sub(1));
        let scroll = self.typed.visual_scroll(width);
        let style = if self.name_matches() {
            theme.input_focus.patch(theme.ok)
        } else {
            theme.input_focus
        };
        let text = Paragraph::new(self.typed.value().to_string())
            .style(style)
            .scroll((0, clamp(scroll)));
        frame.render_widget(text, row);
        if !self.busy {
            let x = clamp(self.typed.visual_cursor().saturating_sub(scroll));
            if x < row.width {
                frame.set_cursor_position((row.x + x, row.y));
            }
        }
    }
}

/// One row of the dialog.
enum Part {
    /// Spacing, dropped first when the dialog does not fit.
    Blank,
    /// A line that always stays.
    Text(Line<'static>),
    /// A row of a detail line, scrolled (with a "… and N more" line) when space is
    /// short; true on the first row of a detail.
    Detail(Line<'static>, bool),
    /// The typed-name input (when a name must be typed).
    Input,
    /// The buttons, or the waiting note.
    Buttons(Line<'static>),
}

impl Part {
    fn width(&self) -> usize {
        match self {
            Part::Text(l) | Part::Detail(l, _) | Part::Buttons(l) => l.width(),
            Part::Blank | Part::Input => 0,
        }
    }
}

/// `text` in rows of `width`, broken at spaces: the first after `first`, the others
/// indented as far (at least two), so that a continued detail reads as one.
fn detail_rows(first: &str, text: &str, style: Style, width: usize) -> Vec<Part> {
    let indent = first.width().max(2);
    let rest = width.saturating_sub(indent);
    widgets::wrap_hanging(text, width.saturating_sub(first.width()), rest)
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let lead = if i == 0 {
                first.to_string()
            } else {
                " ".repeat(indent)
            };
            Part::Detail(Line::styled(lead + &row, style), i == 0)
        })
        .collect()
}

/// Shrinks `parts` to `height` rows: spacing goes first, then the detail rows
/// outside a window that starts at detail row `offset` (each hidden run becomes one
/// line that counts the details it holds and names the `keys` that scroll), then
/// rows from the top, so the buttons stay. Returns the rows, and the largest useful
/// offset with the number of detail rows shown.
fn fit(
    mut parts: Vec<Part>,
    height: usize,
    offset: usize,
    keys: &str,
) -> (Vec<Part>, (usize, usize)) {
    while parts.len() > height {
        let Some(i) = parts.iter().position(|p| matches!(p, Part::Blank)) else {
            break;
        };
        parts.remove(i);
    }
    let firsts: Vec<bool> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Detail(_, first) => Some(*first),
            _ => None,
        })
        .collect();
    let total = firsts.len();
    let room = height.saturating_sub(parts.len() - total);
    if total <= room {
        return (parts, (0, total));
    }
    if room == 0 {
        parts.retain(|p| !matches!(p, Part::Detail(..)));
        let excess = parts.len().saturating_sub(height);
        parts.drain(..excess);
        return (parts, (0, 0));
    }
    // A line above the window, when there is room for it, and one below.
    let marks_above = room >= 3;
    let max = total - room.saturating_sub(usize::from(marks_above)).max(1);
    let offset = offset.min(max);
    let above = offset > 0 && marks_above;
    let available = room.saturating_sub(usize::from(above));
    let (shown, below) = if offset + available >= total {
        (total - offset, false)
    } else {
        (available.saturating_sub(1), true)
    };
    // The details a hidden run of rows holds, whole or in part.
    let details_in = |rows: std::ops::Range<usize>| {
        let starts_inside = rows.clone().next().is_some_and(|r| !firsts[r]);
        firsts[rows].iter().filter(|f| **f).count() + usize::from(starts_inside)
    };
    let mut out = Vec::with_capacity(height);
    let mut k = 0;
    for part in parts {
        if !matches!(part, Part::Detail(..)) {
            out.push(part);
            continue;
        }
        if above && k == offset {
            let hidden = details_in(0..offset);
            out.push(marker(format!("… {hidden} more above ({keys} scroll)")));
        }
        if (offset..offset + shown).contains(&k) {
            out.push(part);
        } else if below && k == offset + shown {
            let hidden = details_in(k..total);
            out.push(marker(format!("… and {hidden} more ({keys} scroll)")));
        }
        k += 1;
    }
    let excess = out.len().saturating_sub(height);
    out.drain(..excess);
    (out, (max, shown))
}

/// The line that stands for hidden detail rows.
fn marker(text: String) -> Part {
    Part::Detail(Line::from(text), true)
}

fn clamp(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn tag(name: &str, production: bool) -> ProfileTag {
        ProfileTag {
            name: name.into(),
            production,
        }
    }

    fn plain(profile_protected: bool) -> ConfirmDialog {
        ConfirmDialog::new(
            "Delete SIP credential",
            "Credential",
            "sip-main",
            vec![tag("prod-dasha", true)],
            if profile_protected {
                Confirmation::TypeName("sip-main".into())
            } else {
                Confirmation::Yes
            },
            vec!["phone number +15550100 → agent Support (inbound)".into()],
        )
    }

    fn type_text(d: &mut ConfirmDialog, text: &str) {
        for c in text.chars() {
            d.handle_key(key(KeyCode::Char(c)));
        }
    }

    fn draw(d: &ConfirmDialog, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| d.render(f, f.area(), theme)).unwrap();
        t
    }

    #[test]
    fn starts_on_cancel() {
        let mut d = plain(false);
        assert_eq!(d.handle_key(key(KeyCode::Enter)), ConfirmEvent::Cancel);
    }

    #[test]
    fn y_confirms_n_and_esc_cancel() {
        let mut d = plain(false);
        assert_eq!(
            d.handle_key(key(KeyCode::Char('y'))),
            ConfirmEvent::Confirm { force: false }
        );
        assert_eq!(d.handle_key(key(KeyCode::Char('n'))), ConfirmEvent::Cancel);
        assert_eq!(d.handle_key(key(KeyCode::Esc)), ConfirmEvent::Cancel);
    }

    #[test]
    fn arrows_move_between_buttons() {
        let mut d = plain(false);
        d.handle_key(key(KeyCode::Right));
        assert_eq!(
            d.handle_key(key(KeyCode::Enter)),
            ConfirmEvent::Confirm { force: false }
        );
        d.handle_key(key(KeyCode::Tab));
        assert_eq!(d.handle_key(key(KeyCode::Enter)), ConfirmEvent::Cancel);
        d.handle_key(key(KeyCode::Left));
        assert_eq!(
            d.handle_key(key(KeyCode::Enter)),
            ConfirmEvent::Confirm { force: false }
        );
    }

    #[test]
    fn protected_requires_the_exact_name() {
        let mut d = plain(true);
        assert_eq!(d.handle_key(key(KeyCode::Char('y'))), ConfirmEvent::None);
        d.handle_key(key(KeyCode::Backspace));
        type_text(&mut d, "sip-mai");
        d.handle_key(key(KeyCode::Right));
        assert_eq!(
            d.handle_key(key(KeyCode::Enter)),
            ConfirmEvent::None,
            "wrong name stays disabled"
        );
        type_text(&mut d, "N");
        assert_eq!(
            d.handle_key(key(KeyCode::Enter)),
            ConfirmEvent::None,
            "case matters"
        );
        d.handle_key(key(KeyCode::Backspace));
        type_text(&mut d, "n");
        assert_eq!(
            d.handle_key(key(KeyCode::Enter)),
            ConfirmEvent::Confirm { force: false }
        );
    }

    #[test]
    fn force_only_after_offer() {
        let mut d = plain(false);
        for _ in 0..2 {
            d.handle_key(key(KeyCode::Right));
        }
        assert_eq!(
            d.handle_key(key(KeyCode::Enter)),
            ConfirmEvent::Cancel,
            "two buttons wrap"
        );
        d.offer_force(
            "credential is in use by 1 phone number",
            vec!["phone number +15550100".into()],
        );
        assert_eq!(
            d.handle_key(key(KeyCode::Enter)),
            ConfirmEvent::Cancel,
            "focus back on Cancel"
        );
        d.handle_key(key(KeyCode::Left));
        assert_eq!(
            d.handle_key(key(KeyCode::Enter)),
            ConfirmEvent::None,
            "a force asks twice where no name is typed"
        );
        assert!(d.note.as_deref().is_some_and(|n| n.contains("⏎ again")));
        assert_eq!(
            d.handle_key(key(KeyCode::Enter)),
            ConfirmEvent::Confirm { force: true }
        );
    }

    #[test]
    fn a_partly_typed_name_says_what_is_missing() {
        let mut d = ConfirmDialog::new(
            "Delete SIP credential",
            "Credential",
            "EU trunk",
            vec![tag("prod", true)],
            Confirmation::TypeName("EU trunk".into()),
            vec![],
        );
        for c in "EU tr".chars() {
            d.handle_key(key(KeyCode::Char(c)));
        }
        d.handle_key(key(KeyCode::Right));
        assert_eq!(d.handle_key(key(KeyCode::Enter)), ConfirmEvent::None);
        assert_eq!(
            d.note.as_deref(),
            Some("type the name exactly to enable Delete (5 of its 8 characters match)")
        );
    }

    #[test]
    fn busy_ignores_all_but_esc() {
        let mut d = plain(false);
        d.set_busy(true);
        assert_eq!(d.handle_key(key(KeyCode::Char('y'))), ConfirmEvent::None);
        assert_eq!(d.handle_key(key(KeyCode::Enter)), ConfirmEvent::None);
        assert_eq!(d.handle_key(key(KeyCode::Esc)), ConfirmEvent::Cancel);
    }

    #[test]
    fn many_details_are_summarised() {
        let details = (0..40)
            .map(|i| format!("phone number +1555010{i}"))
            .collect();
        let d = ConfirmDialog::new(
            "Delete provider",
            "Provider",
            "prod-main",
            vec![tag("staging", false)],
            Confirmation::TypeName("prod-main".into()),
            details,
        );
        let t = draw(&d, &Theme::default_theme(), 80, 24);
        let text = t.backend().to_string();
        assert!(text.contains("more"), "{text}");
        assert!(
            text.contains("Cancel") && text.contains("to enable Delete"),
            "{text}"
        );
    }

    #[test]
    fn profiles_wrap_between_names_and_keep_their_badges() {
        let profiles = vec![
            tag("audit-dasha", false),
            tag("prod-dasha", true),
            tag("prod-unpod", true),
            tag("audit", false),
        ];
        let d = ConfirmDialog::new(
            "Rotate",
            "Account SID",
            "AC1",
            profiles,
            Confirmation::TypeName("AC1".into()),
            vec![],
        );
        let text = draw(&d, &Theme::default_theme(), 50, 20)
            .backend()
            .to_string();
        assert!(
            text.contains("Profiles     audit-dasha, prod-dasha [PROD],"),
            "{text}"
        );
        assert!(
            text.contains("             prod-unpod [PROD], audit "),
            "{text}"
        );
    }

    #[test]
    fn hidden_details_are_counted_and_scroll_into_view() {
        // Detail 0 wraps on two rows at this width; the others take one.
        let mut details = vec![format!("phone number +15550100 {}", "long ".repeat(10))];
        details.extend((1..8).map(|i| format!("detail {i}")));
        let profiles = vec![tag("p", false)];
        let mut d = ConfirmDialog::new(
            "Delete provider",
            "Provider",
            "p",
            profiles,
            Confirmation::Yes,
            details,
        );
        let theme = Theme::default_theme();
        let text = draw(&d, &theme, 60, 12).backend().to_string();
        assert!(text.contains("… and 3 more (j/k scroll)"), "{text}");
        for _ in 0..20 {
            d.handle_key(key(KeyCode::Char('j')));
        }
        let text = draw(&d, &theme, 60, 12).backend().to_string();
        assert!(
            text.contains("detail 7") && !text.contains("… and"),
            "{text}"
        );
        assert!(text.contains("more above (j/k scroll)"), "{text}");
        d.handle_key(key(KeyCode::PageUp));
        d.handle_key(key(KeyCode::Up));
        d.handle_key(key(KeyCode::Char('k')));
        let text = draw(&d, &theme, 60, 12).backend().to_string();
        assert!(
            text.contains("phone number") && !text.contains("above"),
            "{text}"
        );
    }

    fn snapshot(name: &str, d: &ConfirmDialog, theme: &str, w: u16, h: u16) {
        let theme = Theme::builtin(theme).unwrap();
        let t = draw(d, &theme, w, h);
        insta::assert_snapshot!(name, format!("{:?}", t.backend().buffer()));
    }

    #[test]
    fn snapshots() {
        let mut refused = plain(false);
        refused.offer_force(
            "SIP credential is used by 1 phone number",
            vec!["phone number +15550100 → agent Support (inbound)".into()],
        );
        let mut typed = plain(true);
        type_text(&mut typed, "sip-main");
        let quiet = ConfirmDialog::new(
            "Delete provider",
            "Provider",
            "staging-dr",
            vec![tag("staging", false)],
            Confirmation::Yes,
            vec!["nothing depends on it".into()],
        );
        for theme in ["default", "high-contrast"] {
            snapshot(&format!("plain_{theme}_80x24"), &quiet, theme, 80, 24);
            snapshot(&format!("protected_{theme}_80x24"), &typed, theme, 80, 24);
            snapshot(&format!("refused_{theme}_120x40"), &refused, theme, 120, 40);
        }
    }

    fn any_key() -> impl Strategy<Value = KeyEvent> {
        let code = prop_oneof![
            any::<char>().prop_map(KeyCode::Char),
            Just(KeyCode::Enter),
            Just(KeyCode::Esc),
            Just(KeyCode::Tab),
            Just(KeyCode::BackTab),
            Just(KeyCode::Left),
            Just(KeyCode::Right),
            Just(KeyCode::Backspace),
            Just(KeyCode::Delete),
            Just(KeyCode::Home),
        ];
        let mods = prop_oneof![
            Just(KeyModifiers::NONE),
            Just(KeyModifiers::CONTROL),
            Just(KeyModifiers::SHIFT)
        ];
        (code, mods).prop_map(|(c, m)| KeyEvent::new(c, m))
    }

    proptest! {
        #[test]
        fn random_keys_and_sizes_never_panic(
            keys in proptest::collection::vec(any_key(), 0..40),
            protected in any::<bool>(),
            force in any::<bool>(),
            w in 0u16..100, h in 0u16..40,
        ) {
            let mut d = plain(protected);
            if force {
                d.offer_force("refused", vec!["a".into(); 5]);
            }
            let theme = Theme::default_theme();
            for k in keys {
                d.handle_key(k);
                draw(&d, &theme, w, h);
            }
        }
    }
}

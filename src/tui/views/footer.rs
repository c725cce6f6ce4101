//! The hint bar (built from the available actions) and the flash line; the `:` and
//! `/` inputs take the hint bar's place while open.

use crate::tui::app::action::UserAction;
use crate::tui::app::{App, Overlay};
use crate::tui::components::widgets::{fit_line, hint_line};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Draws the hints, or the open command / filter input.
pub fn draw_hints(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.settings.theme;
    let (prompt, input, choices) = match &app.overlay {
        Some(Overlay::Command(line)) => (":", line.input(), line.choices()),
        Some(Overlay::Filter(i)) => ("/", i, &[][..]),
        // A dialog has the keyboard (and its own keys): typing goes there.
        Some(_) => {
            let line = hint_line(&[("Esc", "close")], area.width.saturating_sub(1), t);
            let mut line = line;
            line.spans.insert(0, Span::raw(" "));
            frame.render_widget(Paragraph::new(line).style(t.base), area);
            return;
        }
        None => {
            // `? help` is always shown; the other hints take the room that is left.
            let hints: Vec<(String, &str)> = app
                .available_actions()
                .into_iter()
                .filter(|s| s.hint && s.action != UserAction::Help)
                .map(|s| (app.settings.keymap().label(s.action), s.label))
                .collect();
            let hints: Vec<(&str, &str)> = hints.iter().map(|(k, l)| (k.as_str(), *l)).collect();
            let help = app.settings.keymap().label(UserAction::Help);
            let help_width = help.chars().count() as u16 + 8;
            let mut line = hint_line(&hints, area.width.saturating_sub(help_width), t);
            line.spans.insert(0, Span::raw(" "));
            line.spans
                .push(Span::styled(format!("  {help}"), t.hint_key));
            line.spans.push(Span::styled(" help", t.hint_label));
            frame.render_widget(Paragraph::new(line).style(t.base), area);
            return;
        }
    };
    let width = area.width.saturating_sub(2) as usize;
    let scroll = input.visual_scroll(width);
    let mut text = Line::from(vec![
        Span::styled(prompt, t.hint_key),
        Span::styled(input.value().to_string(), t.input_focus),
    ]);
    // What a Tab would go through.
    if !choices.is_empty() {
        text.spans
            .push(Span::styled(format!("  {}", choices.join("  ")), t.muted));
    }
    frame.render_widget(
        Paragraph::new(text)
            .scroll((0, scroll as u16))
            .style(t.base),
        area,
    );
    let x = area.x + 1 + (input.visual_cursor().saturating_sub(scroll)) as u16;
    frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
}

/// Draws the flash line; a message longer than it is cut and says where it is
/// kept whole (`:messages`).
pub fn draw_flash(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.settings.theme;
    let Some(f) = &app.status.flash else {
        return frame.render_widget(Paragraph::new("").style(t.base), area);
    };
    let style = if f.error { t.flash_error } else { t.flash_ok };
    let mut line = Line::from(Span::styled(format!(" {}", f.text), style));
    let width = usize::from(area.width);
    if line.width() > width {
        let more = format!(
            " ({}messages)",
            app.settings.keymap().label(UserAction::Command)
        );
        line = fit_line(&line, width.saturating_sub(more.width()));
        line.spans.push(Span::styled(more, t.hint_key));
    }
    frame.render_widget(Paragraph::new(line).style(t.base), area);
}

//! The hint bar (built from the available actions) and the flash line; the `:` and
//! `/` inputs take the hint bar's place while open.

use crate::tui::action::key_label;
use crate::tui::app::{App, Overlay};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the hints, or the open command / filter input.
pub fn draw_hints(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let (prompt, input) = match &app.overlay {
        Some(Overlay::Command(i)) => (":", i),
        Some(Overlay::Filter(i)) => ("/", i),
        _ => {
            let mut spans = vec![Span::raw(" ")];
            for spec in app.available_actions().into_iter().filter(|s| s.hint) {
                let (code, mods) = spec.keys[0];
                spans.push(Span::styled(key_label(code, mods), t.hint_key));
                spans.push(Span::styled(format!(" {}  ", spec.label), t.hint_label));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)).style(t.base), area);
            return;
        }
    };
    let width = area.width.saturating_sub(2) as usize;
    let scroll = input.visual_scroll(width);
    let text = Line::from(vec![
        Span::styled(prompt, t.hint_key),
        Span::styled(input.value().to_string(), t.input_focus),
    ]);
    frame.render_widget(
        Paragraph::new(text)
            .scroll((0, scroll as u16))
            .style(t.base),
        area,
    );
    let x = area.x + 1 + (input.visual_cursor().saturating_sub(scroll)) as u16;
    frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
}

/// Draws the flash line.
pub fn draw_flash(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let line = match &app.flash {
        Some(f) => Span::styled(
            format!(" {}", f.text),
            if f.error { t.flash_error } else { t.flash_ok },
        ),
        None => Span::raw(""),
    };
    frame.render_widget(Paragraph::new(Line::from(line)).style(t.base), area);
}

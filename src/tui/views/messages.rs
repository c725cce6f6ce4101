//! `:messages`: the message log, oldest first, each message whole (wrapped at
//! spaces under its time).

use super::pager;
use crate::tui::app::action::UserAction;
use crate::tui::app::{App, Overlay};
use crate::tui::components::widgets::{centered, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Draws the message log over `area`.
pub fn draw_messages(app: &mut App, frame: &mut Frame, area: Rect) {
    let t = app.settings.theme.clone();
    // Inside the border, one column for the space before the time.
    let width = usize::from(area.width.min(110).saturating_sub(3));
    let mut lines = Vec::new();
    for m in app.status.messages() {
        let time = format!("{} ", m.time.format("%H:%M:%S"));
        let style = if m.error { t.flash_error } else { t.base };
        let rows = wrap(&m.text, width.saturating_sub(time.len()));
        for (i, row) in rows.into_iter().enumerate() {
            let lead = if i == 0 {
                time.clone()
            } else {
                " ".repeat(time.len())
            };
            lines.push(Line::from(vec![
                Span::styled(format!(" {lead}"), t.muted),
                Span::styled(row, style),
            ]));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled(" no messages yet", t.muted));
    }
    // As tall as the messages, at most the screen.
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let box_area = centered(area, 110, height);
    let keymap = app.settings.keymap();
    let keys = format!(
        "{}/{}",
        keymap.label(UserAction::Up),
        keymap.label(UserAction::Down)
    );
    let Some(Overlay::Messages { scroll }) = app.overlay.as_mut() else {
        return;
    };
    let title = ("Messages — Esc closes", keys.as_str());
    *scroll = pager::draw(frame, box_area, title, &lines, *scroll, &t);
}

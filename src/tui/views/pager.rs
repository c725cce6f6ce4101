//! A box of text lines that scrolls: `?` help on a small screen and `:messages`.

use crate::tui::app::theme::Theme;
use crate::tui::components::widgets::fit_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Draws `lines` in a bordered box filling `area`, from line `scroll` (kept inside
/// the last page); the title says that `keys` scroll when not everything shows.
/// Returns the scroll used.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    (title, keys): (&str, &str),
    lines: &[Line],
    scroll: usize,
    theme: &Theme,
) -> usize {
    frame.render_widget(Clear, area);
    let rows = usize::from(area.height.saturating_sub(2));
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    let title = if lines.len() > rows {
        format!(" {title} — {keys} scroll ")
    } else {
        format!(" {title} ")
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus)
        .title(Span::styled(title, theme.title))
        .style(theme.base);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(rows)
        .map(|l| fit_line(l, width))
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
    scroll
}

//! The pickers: every profile of every platform, with its badges; and the column
//! to sort the table by.

use crate::tui::app::App;
use crate::tui::components::widgets::{centered, hint_line, modal_lines};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState};

/// The column chooser of `s`: each column with its number, the sorted one marked
/// with its direction, `selected` highlighted.
pub fn draw_sort_picker(app: &App, selected: usize, frame: &mut Frame, area: Rect) {
    const WIDTH: u16 = 32;
    let t = &app.settings.theme;
    let sort = app.tables.current_list().sort();
    let mut lines: Vec<Line> = app
        .tables
        .sort_columns()
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let arrow = sort
                .filter(|s| s.column == i)
                .map_or("", |s| if s.descending { " ↓" } else { " ↑" });
            let style = if i == selected { t.selected } else { t.base };
            Line::styled(format!(" {} {column}{arrow} ", i + 1), style)
        })
        .collect();
    let digits = format!("1-{}", app.tables.sort_columns().len());
    let hints = [(digits.as_str(), "sort"), ("⏎", "sort"), ("Esc", "cancel")];
    lines.push(Line::raw(""));
    // The modal's inner width: its border and padding take four columns.
    lines.push(hint_line(&hints, WIDTH - 4, t));
    modal_lines(frame, area, WIDTH, "Sort by", lines, t);
}

/// Draws the picker with `selected` highlighted.
pub fn draw_picker(app: &App, selected: usize, frame: &mut Frame, area: Rect) {
    let t = &app.settings.theme;
    let items: Vec<ListItem> = app
        .session
        .profiles()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut spans = vec![
                Span::styled(
                    if i == app.session.current() {
                        "● "
                    } else {
                        "  "
                    },
                    t.ok,
                ),
                Span::styled(format!("{:<20}", p.name), t.base),
                Span::styled(format!("{:<6}", p.platform.to_string()), t.muted),
            ];
            if p.is_production() {
                spans.push(Span::styled(" [PROD]", t.badge_prod));
            }
            if p.readonly {
                spans.push(Span::styled(" [RO]", t.badge_ro));
            }
            if let Some(l) = &p.label {
                spans.push(Span::styled(format!(" {l}"), t.muted));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let height = (items.len() as u16 + 2).min(area.height);
    let box_area = centered(area, 60, height);
    frame.render_widget(Clear, box_area);
    let list = List::new(items)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.border_focus)
                .title(Span::styled(" Profiles — ⏎ switch, Esc close ", t.title))
                .style(t.base),
        )
        .highlight_style(t.selected);
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(list, box_area, &mut state);
}

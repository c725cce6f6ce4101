//! `?` help, generated from the action table: what each key does, and whether it is
//! available here (and if not, why). Entries flow into as many columns as needed.

use super::layout::{self, Width};
use crate::tui::action::{ACTIONS, ActionSpec};
use crate::tui::app::App;
use crate::tui::widgets::{centered, fit_line};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

const FOOTER: [&str; 2] = [
    " : providers  sip  verification  activity  ctx [NAME]  doctor [all]  help  q",
    " forms: tab/shift-tab move, ←/→ choose, ctrl-x reveal, ctrl-g generate, ⏎ save",
];

fn entry(app: &App, spec: &ActionSpec) -> Line<'static> {
    let t = &app.theme;
    let keys = app.keymap().labels(spec.action);
    let available = app.is_available(spec);
    let note = match (available, spec.mutates && app.readonly()) {
        (true, _) => "",
        (false, true) => " (read-only profile)",
        (false, false) => " (not here)",
    };
    Line::from(vec![
        Span::styled(
            format!(" {:<14}", keys.join(" ")),
            if available { t.hint_key } else { t.muted },
        ),
        Span::styled(
            format!("{}{note}", spec.label),
            if available { t.base } else { t.muted },
        ),
    ])
}

/// Draws the help box over `area`.
pub fn draw_help(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let box_area = centered(area, 110, area.height);
    frame.render_widget(Clear, box_area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focus)
        .title(Span::styled(" Help — Esc closes ", t.title))
        .style(t.base);
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    // The footer wraps on a narrow screen: it takes the rows it needs.
    let footer_rows: u16 = FOOTER
        .iter()
        .map(|l| (l.chars().count() as u16).div_ceil(inner.width.max(1)))
        .sum();
    let [body, footer] = layout::rows(inner, [0, footer_rows], 0);
    let rows = body.height.max(1) as usize;
    let columns = ACTIONS.len().div_ceil(rows);
    let widths = layout::columns(body.width, &vec![Width::Fill(1); columns], 0);
    for (chunk, (x, width)) in ACTIONS.chunks(rows).zip(widths) {
        let lines: Vec<Line> = chunk
            .iter()
            .map(|s| fit_line(&entry(app, s), usize::from(width)))
            .collect();
        let column = Rect {
            x: body.x + x,
            width,
            ..body
        };
        frame.render_widget(Paragraph::new(lines), column);
    }
    let footer_lines: Vec<Line> = FOOTER.iter().map(|l| Line::styled(*l, t.muted)).collect();
    frame.render_widget(
        Paragraph::new(footer_lines).wrap(Wrap { trim: false }),
        footer,
    );
}

//! `?` help, generated from the action table: what each key does, and whether it is
//! available here (and if not, why).

use crate::tui::action::{ACTIONS, key_label};
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Draws the help box over `area`.
pub fn draw_help(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut lines = Vec::new();
    for spec in ACTIONS {
        let keys: Vec<String> = spec.keys.iter().map(|(c, m)| key_label(*c, *m)).collect();
        let available = app.is_available(spec);
        let note = if available {
            ""
        } else if spec.mutates && app.readonly() {
            "  (read-only profile)"
        } else {
            "  (not here)"
        };
        let style = if available { t.base } else { t.muted };
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {:<16}", keys.join(" ")),
                if available { t.hint_key } else { t.muted },
            ),
            Span::styled(format!("{}{note}", spec.label), style),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        " : commands: providers  sip  verification  activity  ctx [NAME]  help  q",
        t.muted,
    ));
    lines.push(Line::styled(
        " forms: tab/shift-tab move, ←/→ choose, ctrl-x reveal, ctrl-g generate, ⏎ save",
        t.muted,
    ));
    let height = (lines.len() as u16 + 2).min(area.height);
    let box_area = area.centered(
        Constraint::Length(area.width.min(84)),
        Constraint::Length(height),
    );
    frame.render_widget(Clear, box_area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focus)
        .title(Span::styled(" Help — Esc closes ", t.title))
        .style(t.base);
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
}

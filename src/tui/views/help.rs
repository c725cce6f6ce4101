//! `?` help, generated from the action table: what each key does, and whether it is
//! available here (and if not, why). Entries flow into as many columns as the height
//! needs while each column holds them whole; otherwise (a small screen) help is one
//! list that scrolls.

use super::layout::{self, Width};
use super::pager;
use crate::tui::app::action::{ACTIONS, ActionSpec, UserAction};
use crate::tui::app::{App, Overlay};
use crate::tui::components::command_line;
use crate::tui::components::widgets::{centered, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// The lines under the keys: the `:` commands (tab completes them) and the form keys.
fn footer() -> [String; 2] {
    [
        format!(" : {}  (tab completes)", command_line::summary()),
        " forms: tab/shift-tab move, ←/→ choose, ctrl-x reveal, ctrl-g generate, ⏎ save".into(),
    ]
}

fn entry(app: &App, spec: &ActionSpec) -> Line<'static> {
    let t = &app.settings.theme;
    let keys = app.settings.keymap().labels(spec.action);
    let available = app.is_available(spec);
    let note = match (available, spec.mutates && app.session.readonly()) {
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

/// Draws the help box over `area`: the entries in as many columns as fit whole,
/// else (a small screen) one list, with the footer, that scrolls.
pub fn draw_help(app: &mut App, frame: &mut Frame, area: Rect) {
    let t = app.settings.theme.clone();
    let box_area = centered(area, 110, area.height);
    let inner = Block::default().borders(Borders::ALL).inner(box_area);
    let entries: Vec<Line> = ACTIONS.iter().map(|s| entry(app, s)).collect();
    // The footer wraps on a narrow screen: it takes the rows it needs.
    let footer_text = footer();
    let footer_rows: u16 = footer_text
        .iter()
        .map(|l| (l.chars().count() as u16).div_ceil(inner.width.max(1)))
        .sum();
    let [body, footer] = layout::rows(inner, [0, footer_rows], 0);
    let rows = usize::from(body.height.max(1));
    let columns = entries.len().div_ceil(rows);
    let widest = entries.iter().map(Line::width).max().unwrap_or(0);
    if usize::from(body.width) / columns < widest {
        return draw_list(app, frame, box_area, entries, &footer_text);
    }
    frame.render_widget(Clear, box_area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focus)
        .title(Span::styled(" Help — Esc closes ", t.title))
        .style(t.base);
    frame.render_widget(block, box_area);
    let widths = layout::columns(body.width, &vec![Width::Fill(1); columns], 0);
    for (chunk, (x, width)) in entries.chunks(rows).zip(widths) {
        let column = Rect {
            x: body.x + x,
            width,
            ..body
        };
        frame.render_widget(Paragraph::new(chunk.to_vec()), column);
    }
    let footer_lines: Vec<Line> = footer_text
        .into_iter()
        .map(|l| Line::styled(l, t.muted))
        .collect();
    frame.render_widget(
        Paragraph::new(footer_lines).wrap(Wrap { trim: false }),
        footer,
    );
}

/// Help as one list, the footer at its end, that scrolls (where the columns would
/// cut the entries).
fn draw_list(
    app: &mut App,
    frame: &mut Frame,
    area: Rect,
    mut lines: Vec<Line<'static>>,
    footer: &[String],
) {
    let t = app.settings.theme.clone();
    let width = usize::from(area.width.saturating_sub(3));
    lines.push(Line::raw(""));
    for text in footer {
        let wrapped = wrap(text.trim_start(), width);
        lines.extend(
            wrapped
                .into_iter()
                .map(|l| Line::styled(format!(" {l}"), t.muted)),
        );
    }
    let keymap = app.settings.keymap();
    let keys = format!(
        "{}/{}",
        keymap.label(UserAction::Up),
        keymap.label(UserAction::Down)
    );
    let Some(Overlay::Help { scroll }) = app.overlay.as_mut() else {
        return;
    };
    let title = ("Help — Esc closes", keys.as_str());
    *scroll = pager::draw(frame, area, title, &lines, *scroll, &t);
}

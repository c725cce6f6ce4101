//! The table of the current tab. Only the rows inside the window are built.

use super::{pane, table_focused};
use crate::journal::Outcome;
use crate::tui::app::{App, Tab};
use crate::tui::list::{ItemList, Row as ListRow};
use crate::tui::rows::{PROVIDER_COLUMNS, SIP_COLUMNS, provider_cells, sip_cells};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

/// Draws the table of the current tab.
pub fn draw_table(app: &mut App, frame: &mut Frame, area: Rect) {
    // Border (2) and header row (1) are not rows.
    let height = area.height.saturating_sub(3) as usize;
    match app.tab {
        Tab::Providers | Tab::Verification => draw_providers(app, frame, area, height),
        Tab::Sip => draw_sip(app, frame, area, height),
        Tab::Activity => draw_activity(app, frame, area, height),
    }
}

fn title<T: ListRow>(name: &str, list: &ItemList<T>, columns: &[&str]) -> String {
    let mut t = format!("{name} ({})", list.len());
    if list.len() != list.items().len() {
        t = format!("{name} ({} of {})", list.len(), list.items().len());
    }
    if !list.filter().is_empty() {
        t.push_str(&format!("  /{}", list.filter()));
    }
    if let Some(s) = list.sort() {
        let arrow = if s.descending { "↓" } else { "↑" };
        if let Some(c) = columns.get(s.column) {
            t.push_str(&format!("  {arrow}{}", c.to_lowercase()));
        }
    }
    format!(" {t} ")
}

/// What to show instead of rows: loading, error, or nothing matches.
fn placeholder<T: ListRow>(app: &App, list: &ItemList<T>, what: &str) -> Option<(String, Style)> {
    if let Some(e) = &list.error {
        return Some((format!("✗ {e}\n\nctrl-r retries"), app.theme.error));
    }
    if !list.loaded {
        let text = match &app.connect_error {
            Some(e) => format!("✗ {e}"),
            None => format!("loading {what}…"),
        };
        return Some((text, app.theme.muted));
    }
    if list.is_empty() {
        let text = if list.items().is_empty() {
            format!("no {what} yet")
        } else {
            format!(
                "nothing matches /{} (Esc in the filter clears it)",
                list.filter()
            )
        };
        return Some((text, app.theme.muted));
    }
    None
}

fn draw_placeholder(
    frame: &mut Frame,
    area: Rect,
    block: ratatui::widgets::Block,
    text: String,
    style: Style,
) {
    frame.render_widget(
        Paragraph::new(text)
            .style(style)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn draw_providers(app: &mut App, frame: &mut Frame, area: Rect, height: usize) {
    let tab = app.tab;
    let name = if tab == Tab::Verification {
        "Verification"
    } else {
        "Providers"
    };
    let list = if tab == Tab::Verification {
        &app.verification
    } else {
        &app.providers
    };
    let block = pane(app, title(name, list, PROVIDER_COLUMNS), table_focused(app));
    if let Some((text, style)) = placeholder(app, list, "providers") {
        return draw_placeholder(frame, area, block, text, style);
    }
    let now = app.now();
    let theme = app.theme.clone();
    let spinner = super::spinner(app);
    let verifying = &app.verifying;
    let list = if tab == Tab::Verification {
        &mut app.verification
    } else {
        &mut app.providers
    };
    list.scroll(height);
    let list = &*list;
    let (offset, items) = list.visible(height);
    let rows: Vec<Row> = items
        .iter()
        .map(|p| {
            let [name, sid, status, verified, numbers] = provider_cells(p, now);
            let status_cell = if verifying.contains(&p.id) {
                Cell::from(Span::styled(format!("{spinner} verifying"), theme.pending))
            } else {
                Cell::from(Span::styled(status, theme.status(&p.status)))
            };
            let mark = if list.is_marked(&p.id) { "● " } else { "" };
            Row::new(vec![
                Cell::from(format!("{mark}{name}")),
                Cell::from(sid),
                status_cell,
                Cell::from(verified),
                Cell::from(numbers),
            ])
        })
        .collect();
    let widths = [
        Constraint::Fill(3),
        Constraint::Length(11),
        Constraint::Length(16),
        Constraint::Length(9),
        Constraint::Length(7),
    ];
    let selected = list.selected_index() - offset;
    render_rows(
        frame,
        area,
        block,
        PROVIDER_COLUMNS,
        rows,
        &widths,
        selected,
        &theme,
    );
}

fn draw_sip(app: &mut App, frame: &mut Frame, area: Rect, height: usize) {
    let block = pane(
        app,
        title("SIP credentials", &app.sip, SIP_COLUMNS),
        table_focused(app),
    );
    if let Some((text, style)) = placeholder(app, &app.sip, "SIP credentials") {
        return draw_placeholder(frame, area, block, text, style);
    }
    let theme = app.theme.clone();
    app.sip.scroll(height);
    let selected = app.sip.selected_index();
    let (offset, items) = app.sip.visible(height);
    let rows: Vec<Row> = items
        .iter()
        .map(|c| {
            let cells = sip_cells(c);
            let style = if c.is_read_only() {
                theme.muted
            } else {
                Style::default()
            };
            Row::new(cells.map(Cell::from)).style(style)
        })
        .collect();
    let widths = [
        Constraint::Fill(3),
        Constraint::Fill(3),
        Constraint::Length(9),
        Constraint::Fill(2),
        Constraint::Length(4),
        Constraint::Length(8),
    ];
    render_rows(
        frame,
        area,
        block,
        SIP_COLUMNS,
        rows,
        &widths,
        selected - offset,
        &theme,
    );
}

fn draw_activity(app: &mut App, frame: &mut Frame, area: Rect, height: usize) {
    const COLUMNS: &[&str] = &["TIME", "PROFILE", "ACTION", "TARGET", "OUTCOME"];
    let block = pane(
        app,
        title("Activity", &app.activity, &[]),
        table_focused(app),
    );
    if app.activity.items().is_empty() {
        let text = "the audit journal is empty: changes made with telcreds appear here".to_string();
        return draw_placeholder(frame, area, block, text, app.theme.muted);
    }
    let theme = app.theme.clone();
    app.activity.scroll(height);
    let selected = app.activity.selected_index();
    let (offset, items) = app.activity.visible(height);
    let rows: Vec<Row> = items
        .iter()
        .map(|a| {
            let e = &a.entry;
            let outcome = match (e.outcome, &e.error) {
                (Outcome::Ok, _) => Span::styled("✓ ok", theme.ok),
                (Outcome::Skipped, reason) => Span::styled(
                    format!("- {}", reason.clone().unwrap_or_default()),
                    theme.muted,
                ),
                (Outcome::Failed, err) => Span::styled(
                    format!("✗ {}", err.clone().unwrap_or_default()),
                    theme.error,
                ),
                (Outcome::Unknown, err) => {
                    Span::styled(format!("? {}", err.clone().unwrap_or_default()), theme.warn)
                }
            };
            Row::new(vec![
                Cell::from(e.time.format("%m-%d %H:%M").to_string()),
                Cell::from(e.profile.clone().unwrap_or_else(|| "-".into())),
                Cell::from(e.action.to_string()),
                Cell::from(a.target()),
                Cell::from(Line::from(outcome)),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(11),
        Constraint::Fill(1),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Fill(3),
    ];
    render_rows(
        frame,
        area,
        block,
        COLUMNS,
        rows,
        &widths,
        selected - offset,
        &theme,
    );
}

#[allow(clippy::too_many_arguments)]
fn render_rows(
    frame: &mut Frame,
    area: Rect,
    block: ratatui::widgets::Block,
    columns: &[&str],
    rows: Vec<Row>,
    widths: &[Constraint],
    selected_in_window: usize,
    theme: &crate::tui::theme::Theme,
) {
    let header = Row::new(columns.iter().map(|c| Cell::from(*c))).style(theme.title);
    let table = Table::new(rows, widths.to_vec())
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶")
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(selected_in_window));
    frame.render_stateful_widget(table, area, &mut state);
}

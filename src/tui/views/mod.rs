//! Drawing. Reads the state (moving only list scroll windows) and builds only what
//! is visible; no I/O.

mod detail;
mod footer;
mod header;
mod help;
mod picker;
mod tables;

use super::app::{App, Focus, Overlay};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders};

/// Width from which the detail pane sits beside the table instead of under it.
const SIDE_BY_SIDE_WIDTH: u16 = 110;

/// Draws the whole screen.
pub fn draw(app: &mut App, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::default().style(app.theme.base), area);
    let [head, tabs, main, hints, flash] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw_header(app, frame, head);
    header::draw_tabs(app, frame, tabs);
    draw_main(app, frame, main);
    footer::draw_hints(app, frame, hints);
    footer::draw_flash(app, frame, flash);
    draw_overlay(app, frame, area);
}

fn draw_main(app: &mut App, frame: &mut Frame, area: Rect) {
    let [table, detail] = if area.width >= SIDE_BY_SIDE_WIDTH {
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area)
    } else {
        // Stacked: the table takes what its rows need (up to 58%), the detail the rest.
        let rows = app.current_list().visible_rows().min(1000) as u16 + 3;
        let max = area.height * 58 / 100;
        Layout::vertical([
            Constraint::Length(rows.clamp(5, max.max(5))),
            Constraint::Min(3),
        ])
        .areas(area)
    };
    tables::draw_table(app, frame, table);
    detail::draw_detail(app, frame, detail);
}

fn draw_overlay(app: &mut App, frame: &mut Frame, area: Rect) {
    match &app.overlay {
        Some(Overlay::Help) => help::draw_help(app, frame, area),
        Some(Overlay::Form { form, .. }) => form.render(frame, area, &app.theme),
        Some(Overlay::Confirm { dialog, .. }) | Some(Overlay::RotationPlan { dialog, .. }) => {
            dialog.render(frame, area, &app.theme)
        }
        Some(Overlay::Rotation(view)) => view.render(frame, area, &app.theme, spinner(app)),
        Some(Overlay::Prompt { prompt, .. }) => prompt.render(frame, area, &app.theme),
        Some(Overlay::Picker { selected }) => picker::draw_picker(app, *selected, frame, area),
        Some(Overlay::Command(_)) | Some(Overlay::Filter(_)) | None => {}
    }
}

/// Spinner frames, advanced on ticks while work is in flight.
pub(crate) const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// The spinner frame to draw now.
pub(crate) fn spinner(app: &App) -> &'static str {
    SPINNER[app.spinner % SPINNER.len()]
}

/// A bordered block whose border shows whether it has the keyboard.
pub(crate) fn pane<'a>(app: &App, title: String, focused: bool) -> Block<'a> {
    let border = if focused {
        app.theme.border_focus
    } else {
        app.theme.border
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(ratatui::text::Span::styled(title, app.theme.title))
        .style(Style::default())
}

/// True when the table pane has the keyboard.
pub(crate) fn table_focused(app: &App) -> bool {
    app.focus == Focus::Table && app.overlay.is_none()
}

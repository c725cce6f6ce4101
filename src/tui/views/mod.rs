//! Drawing. Reads the state (moving only list scroll windows) and builds only what
//! is visible; no I/O. Areas are split by arithmetic ([`layout`]), never by ratatui's
//! constraint solver, and below [`layout::MIN_WIDTH`] x [`layout::MIN_HEIGHT`] only
//! one line is drawn.

mod detail;
mod footer;
mod grid;
mod header;
mod help;
pub mod layout;
mod messages;
mod pager;
mod picker;
mod tables;

use crate::tui::app::{App, Focus, Overlay};
use layout::{MIN_HEIGHT, MIN_WIDTH};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

/// Width from which the detail pane sits beside the table instead of under it.
const SIDE_BY_SIDE_WIDTH: u16 = 110;
/// The fewest rows of a table that shows a row: its border, header and one row.
const TABLE_MIN: u16 = 4;
/// The fewest rows of a detail pane that shows a line.
const DETAIL_MIN: u16 = 3;

/// Draws the whole screen.
pub fn draw(app: &mut App, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::default().style(app.settings.theme.base), area);
    if layout::too_small(area) {
        let line = Line::styled(too_small_text(area.width), app.settings.theme.warn);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let [head, tabs, main, hints, flash] = layout::rows(area, [1, 1, 0, 1, 1], 2);
    header::draw_header(app, frame, head);
    header::draw_tabs(app, frame, tabs);
    draw_main(app, frame, main);
    footer::draw_hints(app, frame, hints);
    footer::draw_flash(app, frame, flash);
    draw_overlay(app, frame, area);
}

fn draw_main(app: &mut App, frame: &mut Frame, area: Rect) {
    let (table, detail) = if area.width >= SIDE_BY_SIDE_WIDTH {
        layout::split_percent(area, 58)
    } else if area.height < TABLE_MIN + DETAIL_MIN {
        // No room for both: the pane with the keyboard.
        if app.tables.focus() == Focus::Detail {
            return detail::draw_detail(app, frame, area);
        }
        return tables::draw_table(app, frame, area);
    } else {
        // Stacked: the table takes what its rows need (up to 58%), the detail the rest.
        let rows = app.tables.current_list().visible_rows().min(1000) as u16 + 3;
        let max = area.height * 58 / 100;
        let height = rows
            .clamp(5, max.max(5))
            .min(area.height - DETAIL_MIN)
            .max(TABLE_MIN);
        let [table, detail] = layout::rows(area, [height, 0], 1);
        (table, detail)
    };
    tables::draw_table(app, frame, table);
    detail::draw_detail(app, frame, detail);
}

fn draw_overlay(app: &mut App, frame: &mut Frame, area: Rect) {
    match &app.overlay {
        Some(Overlay::Help { .. }) => help::draw_help(app, frame, area),
        Some(Overlay::Messages { .. }) => messages::draw_messages(app, frame, area),
        Some(Overlay::Form { form, .. }) => form.render(frame, area, &app.settings.theme),
        Some(Overlay::Confirm { dialog, .. }) | Some(Overlay::RotationPlan { dialog, .. }) => {
            dialog.render(frame, area, &app.settings.theme)
        }
        Some(Overlay::Rotation(view)) => {
            view.render(frame, area, &app.settings.theme, spinner(app))
        }
        Some(Overlay::Prompt { prompt, .. }) => prompt.render(frame, area, &app.settings.theme),
        Some(Overlay::Picker { selected }) => picker::draw_picker(app, *selected, frame, area),
        Some(Overlay::Sort { selected }) => picker::draw_sort_picker(app, *selected, frame, area),
        Some(Overlay::ProbeAsk { targets }) => draw_probe_ask(app, targets, frame, area),
        Some(Overlay::Doctor(view)) => view.render(frame, area, &app.settings.theme, spinner(app)),
        Some(Overlay::SipRotateHow { name, .. }) => {
            crate::tui::components::carrier_view::draw_how(name, frame, area, &app.settings.theme)
        }
        Some(Overlay::Report { .. }) => draw_report(app, frame, area),
        Some(Overlay::RotateHow { account_sid }) => {
            crate::tui::components::rotation_view::draw_rotate_how(
                account_sid,
                frame,
                area,
                &app.settings.theme,
            )
        }
        Some(Overlay::Command(_)) | Some(Overlay::Filter(_)) | None => {}
    }
}

/// The notice drawn instead of the screen: the longest wording that fits `width`.
fn too_small_text(width: u16) -> String {
    let need = format!("{MIN_WIDTH}x{MIN_HEIGHT}");
    [
        format!("terminal too small (need {need})"),
        format!("too small: need {need}"),
        format!("need {need}"),
    ]
    .into_iter()
    .find(|t| t.chars().count() <= usize::from(width))
    .unwrap_or(need)
}

/// Spinner frames, advanced on ticks while work is in flight.
pub(crate) const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// The spinner frame to draw now.
pub(crate) fn spinner(app: &App) -> &'static str {
    SPINNER[app.status.spinner() % SPINNER.len()]
}

/// A bordered block whose border shows whether it has the keyboard.
pub(crate) fn pane<'a>(app: &App, title: String, focused: bool) -> Block<'a> {
    let border = if focused {
        app.settings.theme.border_focus
    } else {
        app.settings.theme.border
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(ratatui::text::Span::styled(title, app.settings.theme.title))
        .style(Style::default())
}

/// True when the table pane has the keyboard.
pub(crate) fn table_focused(app: &App) -> bool {
    app.tables.focus() == Focus::Table && app.overlay.is_none()
}

/// The question before a probe: reach only, or check the password too.
fn draw_probe_ask(app: &App, targets: &[(String, String)], frame: &mut Frame, area: Rect) {
    use crate::tui::components::widgets::modal_lines;
    use ratatui::text::Span;
    let t = &app.settings.theme;
    let what = match targets {
        [(_, name)] => format!("SIP credential \"{name}\""),
        many => format!("{} SIP credentials", many.len()),
    };
    let lines = [
        Line::styled(format!("Probe {what} from this machine:"), t.base),
        Line::styled(
            "resolve the server, then reach it with a SIP OPTIONS.",
            t.base,
        ),
        Line::raw(""),
        Line::styled(
            "r also checks the password: a REGISTER that answers the",
            t.base,
        ),
        Line::styled(
            "digest challenge. It is query-only (no Contact): no live",
            t.muted,
        ),
        Line::styled("registration is created or taken over.", t.muted),
        Line::raw(""),
        Line::from(vec![
            Span::styled("⏎", t.hint_key),
            Span::styled(" probe  ", t.hint_label),
            Span::styled("r", t.hint_key),
            Span::styled(" probe + REGISTER  ", t.hint_label),
            Span::styled("Esc", t.hint_key),
            Span::styled(" cancel", t.hint_label),
        ]),
    ];
    modal_lines(frame, area, 64, "Probe", lines.into(), t);
}

/// A run's report: a line after each tone's symbol, wrapped, scrolling (the keys
/// that move the cursor) when it does not all fit.
fn draw_report(app: &mut App, frame: &mut Frame, area: Rect) {
    use crate::tui::app::action::UserAction;
    use crate::tui::components::{carrier_view, widgets::centered};
    let t = app.settings.theme.clone();
    let keymap = app.settings.keymap();
    let keys = format!(
        "{}/{}",
        keymap.label(UserAction::Up),
        keymap.label(UserAction::Down)
    );
    let Some(Overlay::Report {
        title,
        lines,
        scroll,
    }) = app.overlay.as_mut()
    else {
        return;
    };
    let width = usize::from(centered(area, 80, area.height).width.saturating_sub(2));
    let shown = carrier_view::report_lines(lines, width, &t);
    let height = u16::try_from(shown.len() + 2).unwrap_or(u16::MAX);
    // On a narrow screen the title keeps room for the keys that scroll.
    let title = if area.width < 70 {
        "Both ends".to_string()
    } else {
        format!("{title} — Esc closes")
    };
    *scroll = pager::draw(
        frame,
        centered(area, 80, height),
        (&title, &keys),
        &shown,
        *scroll,
        &t,
    );
}

//! Drawing a form: a centred modal with one row per field (label and input), the
//! field's error under it, then the form-level note and the key hints.

use super::field::Field;
use super::{Form, Tone};
use crate::domain::validate::field as keys;
use crate::tui::app::theme::Theme;
use crate::tui::components::widgets;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Preferred outer width of the modal; it shrinks on narrow terminals.
const BOX_WIDTH: u16 = 76;
/// The modal's top and bottom border.
const BORDER_ROWS: u16 = 2;
/// Blank row above the first field.
const TOP_PADDING: u16 = 1;
/// Rows under the fields: blank, note, hints.
const FOOTER_ROWS: u16 = 3;
/// Rows besides the fields.
const CHROME_ROWS: u16 = BORDER_ROWS + TOP_PADDING + FOOTER_ROWS;
/// Inner height below which padding, note and hints are dropped for the fields:
/// the chrome inside the border plus one field row.
const FULL_LAYOUT_MIN: u16 = TOP_PADDING + FOOTER_ROWS + 1;

/// One body row: a field's input line, or the error line under it.
#[derive(Clone, Copy, PartialEq)]
enum Row {
    Input(usize),
    Error(usize),
}

impl Row {
    fn field(self) -> usize {
        match self {
            Row::Input(i) | Row::Error(i) => i,
        }
    }
}

/// Draws `form` centred in `area`.
pub(super) fn render(form: &Form, frame: &mut Frame, area: Rect, theme: &Theme) {
    let rows = body_rows(form);
    let height = u16::try_from(rows.len())
        .unwrap_or(u16::MAX)
        .saturating_add(CHROME_ROWS);
    let inner = widgets::modal(
        frame,
        area,
        (BOX_WIDTH, height),
        &form.title(),
        theme.border_focus,
        theme,
    );
    if inner.is_empty() {
        return;
    }
    let full = inner.height >= FULL_LAYOUT_MIN;
    let (top, footer) = if full {
        (TOP_PADDING, FOOTER_ROWS)
    } else {
        (0, 0)
    };
    let body = Rect {
        y: inner.y + top,
        height: inner.height - top - footer,
        ..inner
    };
    let label_width = label_width(form).min(inner.width / 2);
    for (i, row) in rows
        .iter()
        .skip(scroll_offset(form, &rows, body.height))
        .enumerate()
    {
        let Some(line) = widgets::row(body, u16::try_from(i).unwrap_or(u16::MAX)) else {
            break;
        };
        match *row {
            Row::Input(f) => draw_input_row(form, f, frame, line, label_width, theme),
            Row::Error(f) => draw_error_row(form, f, frame, line, label_width, theme),
        }
    }
    if full {
        let width = usize::from(inner.width);
        if let Some((tone, text)) = &form.note {
            let line = Line::styled(widgets::truncate(text, width), note_style(*tone, theme));
            widgets::draw_line(frame, inner, inner.height - 2, line);
        }
        let hints = widgets::hint_line(&hints(form), inner.width, theme);
        widgets::draw_line(frame, inner, inner.height - 1, hints);
    }
}

fn body_rows(form: &Form) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        rows.push(Row::Input(i));
        if form.shown_error(f).is_some() {
            rows.push(Row::Error(i));
        }
    }
    rows
}

/// First row to draw so the focused field (and its error) is visible.
fn scroll_offset(form: &Form, rows: &[Row], height: u16) -> usize {
    let first = rows
        .iter()
        .position(|r| r.field() == form.focus)
        .unwrap_or(0);
    let last = rows
        .iter()
        .rposition(|r| r.field() == form.focus)
        .unwrap_or(0);
    (last + 1)
        .saturating_sub(usize::from(height.max(1)))
        .min(first)
}

/// Marker (2) + longest label + required star + gap (2).
fn label_width(form: &Form) -> u16 {
    let longest = form
        .fields
        .iter()
        .map(|f| f.label.width())
        .max()
        .unwrap_or(0);
    u16::try_from(longest + 5).unwrap_or(u16::MAX)
}

fn draw_input_row(
    form: &Form,
    i: usize,
    frame: &mut Frame,
    line: Rect,
    label_width: u16,
    theme: &Theme,
) {
    let f = &form.fields[i];
    let focused = i == form.focus;
    let label_style = if form.shown_error(f).is_some() {
        theme.field_error
    } else if focused {
        theme.title
    } else {
        theme.base
    };
    let marker = if focused { "› " } else { "  " };
    let star = if f.required { "*" } else { "" };
    let label = Line::styled(format!("{marker}{}{star}", f.label), label_style);
    frame.render_widget(
        Paragraph::new(label),
        Rect {
            width: label_width,
            ..line
        },
    );
    let input = Rect {
        x: line.x + label_width,
        width: line.width - label_width,
        ..line
    };
    // A focused choice keeps the plain input background so its chosen option stands out.
    let style = if focused && !f.is_choice() {
        theme.input_focus
    } else {
        theme.input
    };
    frame.render_widget(Paragraph::default().style(style), input);
    // Text starts one column in, level with the first choice option's text.
    let text_area = Rect {
        x: (input.x + 1).min(input.right()),
        width: input.width.saturating_sub(1),
        ..input
    };
    if let Some(view) = f.text_view(text_area.width) {
        frame.render_widget(
            Paragraph::new(view.text).scroll((0, view.scroll)),
            text_area,
        );
        if focused && !form.submitting && view.cursor < text_area.width {
            frame.set_cursor_position((text_area.x + view.cursor, text_area.y));
        }
    } else {
        frame.render_widget(
            Paragraph::new(choice_line(f, focused, input.width, theme)),
            input,
        );
    }
}

/// All options side by side with the chosen one highlighted, or `‹ chosen ›`
/// when they do not fit.
fn choice_line(f: &Field, focused: bool, width: u16, theme: &Theme) -> Line<'static> {
    let Some((options, index)) = f.choices() else {
        return Line::default();
    };
    let label = |o: &str| {
        if o.is_empty() {
            "(not set)".to_string()
        } else {
            o.to_string()
        }
    };
    let chosen = if focused {
        theme.selected
    } else {
        theme.input.patch(theme.title)
    };
    let total: usize = options.iter().map(|o| label(o).width() + 2).sum();
    if total > usize::from(width) {
        let current = options.get(index).map_or(String::new(), |o| label(o));
        return Line::from(Span::styled(format!(" ‹ {current} › "), chosen));
    }
    let spans = options.iter().enumerate().map(|(n, o)| {
        let style = if n == index { chosen } else { theme.muted };
        Span::styled(format!(" {} ", label(o)), style)
    });
    Line::from(spans.collect::<Vec<_>>())
}

/// The error under field `i`, aligned with the input column when it fits.
fn draw_error_row(
    form: &Form,
    i: usize,
    frame: &mut Frame,
    line: Rect,
    label_width: u16,
    theme: &Theme,
) {
    let Some(message) = form.shown_error(&form.fields[i]) else {
        return;
    };
    // Under the value it is about, always; a message too long ends in `…`.
    let text = format!("✗ {message}");
    let start = (label_width + 1).min(line.width);
    let area = Rect {
        x: line.x + start,
        width: line.width - start,
        ..line
    };
    let text = widgets::truncate(&text, usize::from(area.width));
    frame.render_widget(Paragraph::new(Line::styled(text, theme.field_error)), area);
}

fn note_style(tone: Tone, theme: &Theme) -> ratatui::style::Style {
    match tone {
        Tone::Info => theme.muted,
        Tone::Ok => theme.flash_ok,
        Tone::Busy => theme.pending,
        Tone::Error => theme.flash_error,
    }
}

/// Hints, most important first: every key of the focused field, then those of the
/// form (the line keeps as many as fit).
fn hints(form: &Form) -> Vec<(&'static str, &'static str)> {
    if form.submitting {
        return vec![("Esc", "close")];
    }
    let mut hints = Vec::new();
    if let Some(f) = form.fields.get(form.focus) {
        if f.is_choice() {
            hints.push(("←/→", "choose"));
        }
        if f.is_secret() {
            hints.push(("^x", if f.is_revealed() { "hide" } else { "reveal" }));
        }
    }
    if form.fields.iter().any(|f| f.key == keys::AUTH_PASSWORD) {
        hints.push(("^g", "generate"));
    }
    hints.extend([("⏎", "save"), ("Esc", "cancel"), ("Tab/⇧Tab", "move")]);
    hints
}

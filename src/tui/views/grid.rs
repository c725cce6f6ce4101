//! A table drawn cell by cell: a header, one line per row, a `▶` before the selected
//! row. ratatui's `Table` sizes its columns with the constraint solver, which can
//! spin (see [`super::layout`]); this one sizes them with [`layout::columns`], then
//! lets the columns whose text is narrower lend room to those cut
//! ([`layout::fit_content`]).

use super::layout::{self, Width};
use crate::tui::app::theme::Theme;
use crate::tui::components::widgets::fit_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Widget};
use unicode_width::UnicodeWidthStr;

/// Marks the selected row, in a column of its own.
const SELECTED: &str = "▶";
/// Cells between columns.
const SPACING: u16 = 1;

/// One row: a line per cell, and the style of the whole row.
pub struct GridRow<'a> {
    /// The cells, left to right.
    pub cells: Vec<Line<'a>>,
    /// Laid under the cells.
    pub style: Style,
}

impl<'a> GridRow<'a> {
    /// A row of `cells` in the default style.
    pub fn new(cells: impl IntoIterator<Item = impl Into<Line<'a>>>) -> Self {
        GridRow {
            cells: cells.into_iter().map(Into::into).collect(),
            style: Style::default(),
        }
    }

    /// The same row in `style`.
    pub fn style(self, style: Style) -> Self {
        GridRow { style, ..self }
    }
}

/// Draws `block` over `area` and the table inside it; `selected` indexes `rows`.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    (header, widths): (&[impl AsRef<str>], &[Width]),
    rows: &[GridRow],
    selected: usize,
    theme: &Theme,
) {
    let area = area.intersection(frame.area());
    let inner = block.inner(area);
    let buf = frame.buffer_mut();
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let mark = SELECTED.chars().count() as u16;
    let room = inner.width.saturating_sub(mark);
    // Narrow: the least important columns give way, so the others stay readable.
    let shown = layout::shown_columns(room, widths, SPACING);
    let kept: Vec<Width> = shown.iter().map(|&i| widths[i]).collect();
    let mut columns = layout::columns(room, &kept, SPACING);
    let header: Vec<&str> = shown
        .iter()
        .filter_map(|&i| header.get(i).map(AsRef::as_ref))
        .collect();
    // What the drawn rows hold decides who lends room and who gets it.
    let height = usize::from(inner.height.saturating_sub(1));
    let needs: Vec<u16> = shown
        .iter()
        .zip(&header)
        .map(|(&i, title)| {
            let widest = rows
                .iter()
                .take(height)
                .filter_map(|r| r.cells.get(i))
                .map(Line::width)
                .chain([title.width()])
                .max()
                .unwrap_or(0);
            u16::try_from(widest).unwrap_or(u16::MAX)
        })
        .collect();
    layout::fit_content(&mut columns, &needs, SPACING);
    let line_at = |y: u16| Rect {
        y,
        height: 1,
        ..inner
    };
    let header_area = line_at(inner.y);
    buf.set_style(header_area, theme.title);
    let cell_area = |(x, w): (u16, u16), y| Rect::new(inner.x + mark + x, y, w, 1);
    for (column, title) in columns.iter().zip(&header) {
        fit_line(&Line::from(*title), usize::from(column.1))
            .render(cell_area(*column, header_area.y), buf);
    }
    let mut selected_area = None;
    for (i, row) in rows.iter().enumerate() {
        let y = inner.y + 1 + i as u16;
        if y >= inner.bottom() {
            break;
        }
        let row_area = line_at(y);
        buf.set_style(row_area, row.style);
        if i == selected {
            Line::from(SELECTED).render(
                Rect {
                    width: mark,
                    ..row_area
                },
                buf,
            );
            selected_area = Some(row_area);
        }
        let cells = shown.iter().filter_map(|&i| row.cells.get(i));
        for (column, cell) in columns.iter().zip(cells) {
            // A cut always shows: the text ends in `…`.
            fit_line(cell, usize::from(column.1)).render(cell_area(*column, y), buf);
        }
    }
    if let Some(row_area) = selected_area {
        buf.set_style(row_area, theme.selected);
    }
}

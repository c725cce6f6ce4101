//! Small drawing helpers shared by modals: centring, the modal frame, one-line
//! rows, buttons and a hint line that fits its width.

use crate::tui::app::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A `width` x `height` rectangle centred in `area`, clamped to fit inside it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Clears a centred box of the given size, draws its border and title, and returns
/// the inner area (one column of padding inside the border). Never draws outside
/// `area ∩ frame.area()`.
pub fn modal(
    frame: &mut Frame,
    area: Rect,
    (width, height): (u16, u16),
    title: &str,
    border: Style,
    theme: &Theme,
) -> Rect {
    let area = area.intersection(frame.area());
    let outer = centered(area, width, height);
    frame.render_widget(Clear, outer);
    let title = truncate(title, outer.width.saturating_sub(4) as usize);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(border)
        .style(theme.base)
        .title(Line::from(Span::styled(format!(" {title} "), theme.title)));
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    Rect {
        x: inner.x.saturating_add(1).min(inner.right()),
        width: inner.width.saturating_sub(2),
        ..inner
    }
}

/// The one-line row `index` of `area`, or `None` when it is below the bottom.
pub fn row(area: Rect, index: u16) -> Option<Rect> {
    (index < area.height).then(|| Rect {
        y: area.y + index,
        height: 1,
        ..area
    })
}

/// A focused modal of `width` that holds exactly `lines`, one per row.
pub fn modal_lines(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    title: &str,
    lines: Vec<Line>,
    theme: &Theme,
) {
    let height = lines.len() as u16 + 2;
    let inner = modal(
        frame,
        area,
        (width, height),
        title,
        theme.border_focus,
        theme,
    );
    for (i, line) in lines.into_iter().enumerate() {
        draw_line(frame, inner, i as u16, line);
    }
}

/// Draws `line` on row `index` of `area`, if that row exists.
pub fn draw_line(frame: &mut Frame, area: Rect, index: u16, line: Line) {
    if let Some(r) = row(area, index) {
        frame.render_widget(Paragraph::new(fit_line(&line, usize::from(r.width))), r);
    }
}

pub use crate::text::truncate;

/// `text` in lines of at most `width` display columns, broken at spaces where it
/// can and inside a word longer than a line; at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_hanging(text, width, width)
}

/// Like [`wrap`], with a first line `first` columns wide and the others `rest`.
pub fn wrap_hanging(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let room = |lines: &[String]| if lines.is_empty() { first } else { rest }.max(1);
    let (mut line, mut used) = (String::new(), 0);
    for word in text.split(' ') {
        let gap = usize::from(!line.is_empty());
        if used + gap + word.width() <= room(&lines) {
            if gap > 0 {
                line.push(' ');
            }
            line.push_str(word);
            used += gap + word.width();
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        // On a line of its own, cut where it is longer than one.
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > room(&lines) && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
    }
    lines.push(line);
    lines
}

/// Most characters of one value the screen ever shows (a table cell, a detail line
/// that wraps): the rest could never be seen, and a huge value (a 15 MB name) must
/// not slow every redraw.
pub const SHOWN_CHARS: usize = 1024;

/// At most [`SHOWN_CHARS`] of `text`, without reading the rest.
pub fn clip(text: &str) -> String {
    text.chars().take(SHOWN_CHARS).collect()
}

/// `line` cut to `width` cells, ending with `…` (in the style of the span it cuts)
/// when it does not fit. Reads no further than the cut.
pub fn fit_line<'a>(line: &Line<'a>, width: usize) -> Line<'a> {
    let mut spans: Vec<Span<'a>> = Vec::new();
    let mut used = 0;
    for span in &line.spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width {
                // Make room for the ellipsis in this span, or the previous ones.
                let mut cut = text;
                while used + 1 > width {
                    match cut.pop() {
                        Some(c) => used -= c.width().unwrap_or(0),
                        None => break,
                    }
                }
                if used < width {
                    cut.push('…');
                }
                spans.push(Span::styled(cut, span.style));
                return styled_like(spans, line);
            }
            used += w;
            text.push(c);
        }
        spans.push(Span::styled(text, span.style));
    }
    styled_like(spans, line)
}

fn styled_like<'a>(spans: Vec<Span<'a>>, like: &Line<'_>) -> Line<'a> {
    let mut out = Line::from(spans).style(like.style);
    out.alignment = like.alignment;
    out
}

/// A dialog button such as `[ Cancel ]`, in the focused, normal or disabled style.
pub fn button(label: &str, focused: bool, enabled: bool, theme: &Theme) -> Span<'static> {
    let style = match (focused, enabled) {
        (true, true) => theme.button_focus,
        (true, false) => theme.muted.add_modifier(Modifier::REVERSED),
        (false, true) => theme.button,
        (false, false) => theme.muted,
    };
    let marks = if focused {
        ("▸ ", " ◂")
    } else {
        ("[ ", " ]")
    };
    Span::styled(format!("{}{label}{}", marks.0, marks.1), style)
}

/// A hint line `key label  key label …` holding as many hints as fit in `width`,
/// in the order given (put the most important first).
pub fn hint_line(hints: &[(&str, &str)], width: u16, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (key, label) in hints {
        let gap = if spans.is_empty() { 0 } else { 2 };
        let needed = gap + key.width() + 1 + label.width();
        if used + needed > width as usize {
            break;
        }
        if gap > 0 {
            spans.push(Span::styled("  ", theme.hint_label));
        }
        spans.push(Span::styled(key.to_string(), theme.hint_key));
        spans.push(Span::styled(format!(" {label}"), theme.hint_label));
        used += needed;
    }
    Line::from(spans)
}

/// A choice of a small dialog: the key, then what it does.
pub fn key_choice<'a>(key: &'a str, label: &'a str, t: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!(" {key} "), t.hint_key),
        Span::styled(label, t.base),
    ])
}

/// The last line of a small dialog of choices: `Esc cancel`.
pub fn esc_cancel(t: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled("Esc", t.hint_key),
        Span::styled(" cancel", t.hint_label),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("ab cd ef", 5), ["ab cd", "ef"]);
        assert_eq!(wrap("abcdefgh ij", 3), ["abc", "def", "gh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(wrap("héllo wörld", 5), ["héllo", "wörld"]);
        for line in wrap("a fairly long sentence with a_very_long_word_inside it", 7) {
            assert!(line.width() <= 7, "{line}");
        }
        assert_eq!(
            wrap_hanging("phone number +1555 in use", 12, 8),
            ["phone number", "+1555 in", "use"]
        );
    }

    #[test]
    fn centered_clamps_to_area() {
        let area = Rect::new(2, 3, 10, 4);
        assert_eq!(centered(area, 6, 2), Rect::new(4, 4, 6, 2));
        assert_eq!(centered(area, 60, 20), area);
    }

    #[test]
    fn truncate_marks_cuts() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("hello", 0), "");
    }

    #[test]
    fn hint_line_drops_what_does_not_fit() {
        let theme = Theme::default_theme();
        let line = hint_line(&[("⏎", "save"), ("Esc", "cancel")], 10, &theme);
        assert_eq!(line.to_string(), "⏎ save");
    }
}

//! Layout by arithmetic. ratatui's constraint solver can spin forever on some
//! constraint sets (ratatui issue #1855: the UI froze at 100% CPU with help open on
//! a short terminal), so the views split their areas themselves, and never call it.

use ratatui::layout::Rect;

/// The smallest terminal the screen is drawn in; below it one line says so.
pub const MIN_WIDTH: u16 = 40;
/// See [`MIN_WIDTH`].
pub const MIN_HEIGHT: u16 = 10;

/// True when `area` is too small to draw the screen in.
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Rows of `heights` from the top of `area`; the row at index `flex` (its height is
/// ignored) takes what the others leave. Rows past the bottom are empty.
pub fn rows<const N: usize>(area: Rect, heights: [u16; N], flex: usize) -> [Rect; N] {
    let fixed: u16 = heights
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != flex)
        .fold(0, |sum, (_, h)| sum.saturating_add(*h));
    let mut y = area.y;
    let mut out = [Rect::ZERO; N];
    for (i, h) in heights.iter().enumerate() {
        let wanted = if i == flex {
            area.height.saturating_sub(fixed)
        } else {
            *h
        };
        let height = wanted.min(area.bottom().saturating_sub(y));
        out[i] = Rect::new(area.x, y, area.width, height);
        y += height;
    }
    out
}

/// `area` cut at `percent` of its width: (left, right).
pub fn split_percent(area: Rect, percent: u16) -> (Rect, Rect) {
    let left = (u32::from(area.width) * u32::from(percent.min(100)) + 50) / 100;
    let left = left as u16;
    (
        Rect {
            width: left,
            ..area
        },
        Rect::new(area.x + left, area.y, area.width - left, area.height),
    )
}

/// How wide a column wants to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Exactly this many cells while they fit.
    Fixed(u16),
    /// A share, by weight, of what the fixed columns and the gaps leave.
    Fill(u16),
    /// Like `Fixed`, but the first to go when the screen is narrow (see
    /// [`shown_columns`]).
    Optional(u16),
}

/// The fill columns' least width before optional columns give way.
const MIN_FILL: u16 = 14;

/// Which columns to show in `width` cells: every one, unless the fill columns would
/// get less than [`MIN_FILL`] each; then optional columns go, rightmost first.
pub fn shown_columns(width: u16, specs: &[Width], spacing: u16) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..specs.len()).collect();
    loop {
        let fixed: u16 = shown
            .iter()
            .map(|&i| match specs[i] {
                Width::Fixed(w) | Width::Optional(w) => w,
                Width::Fill(_) => 0,
            })
            .sum();
        let fills = shown
            .iter()
            .filter(|&&i| matches!(specs[i], Width::Fill(_)))
            .count() as u16;
        let gaps = spacing * (shown.len() as u16).saturating_sub(1);
        let room = width.saturating_sub(fixed + gaps);
        if fills == 0 || room >= MIN_FILL * fills {
            return shown;
        }
        match shown
            .iter()
            .rposition(|&i| matches!(specs[i], Width::Optional(_)))
        {
            Some(at) => {
                shown.remove(at);
            }
            None => return shown,
        }
    }
}

/// Each column's (offset, width) in `width` cells, `spacing` apart: fixed columns get
/// their width, fill columns share the rest (positions rounded as ratatui rounds
/// them). When even the fixed columns do not fit, the ones on the right are cut.
/// Every column ends inside `width`.
pub fn columns(width: u16, specs: &[Width], spacing: u16) -> Vec<(u16, u16)> {
    let gaps = f64::from(spacing) * specs.len().saturating_sub(1) as f64;
    let (mut fixed, mut weights) = (0.0, 0.0);
    for spec in specs {
        match spec {
            Width::Fixed(w) | Width::Optional(w) => fixed += f64::from(*w),
            Width::Fill(w) => weights += f64::from(*w),
        }
    }
    let room = (f64::from(width) - gaps - fixed).max(0.0);
    let round = |x: f64| (((x * 100.0).round() / 100.0).round() as u16).min(width);
    let mut pos = 0.0;
    let mut out = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        if i > 0 {
            pos += f64::from(spacing);
        }
        let size = match spec {
            Width::Fixed(w) | Width::Optional(w) => f64::from(*w),
            Width::Fill(_) if weights == 0.0 => 0.0,
            Width::Fill(w) => room * f64::from(*w) / weights,
        };
        let (start, end) = (round(pos), round(pos + size));
        out.push((start, end.saturating_sub(start)));
        pos += size;
    }
    out
}

/// Gives the room that columns do not need to the ones cut: each column of
/// `columns` (as [`columns`] laid them out, `spacing` apart) that is wider than its
/// widest text (`needs`) lends cells, one at a time from the one with the most to
/// spare, to the cut column missing the fewest (so that as many as can be are made
/// whole), until none is cut or none has room to spare. The columns keep their
/// order and end where they ended.
pub fn fit_content(columns: &mut [(u16, u16)], needs: &[u16], spacing: u16) {
    let spare = |c: &[(u16, u16)], i: usize| c[i].1.saturating_sub(needs[i]);
    let missing = |c: &[(u16, u16)], i: usize| needs[i].saturating_sub(c[i].1);
    let n = columns.len().min(needs.len());
    loop {
        let donor = (0..n).max_by_key(|&i| (spare(columns, i), std::cmp::Reverse(i)));
        let taker = (0..n)
            .filter(|&i| missing(columns, i) > 0)
            .min_by_key(|&i| (missing(columns, i), i));
        match (donor, taker) {
            (Some(d), Some(t)) if spare(columns, d) > 0 => {
                columns[d].1 -= 1;
                columns[t].1 += 1;
            }
            _ => break,
        }
    }
    let mut x = columns.first().map_or(0, |c| c.0);
    for column in columns.iter_mut() {
        column.0 = x;
        x += column.1 + spacing;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_give_the_rest_to_the_flexible_row_and_stay_inside() {
        let area = Rect::new(0, 0, 10, 24);
        let [a, b, c, d, e] = rows(area, [1, 1, 0, 1, 1], 2);
        assert_eq!((a.y, b.y, c.y, c.height, d.y, e.y), (0, 1, 2, 20, 22, 23));
        let tiny = Rect::new(3, 4, 10, 3);
        let out = rows(tiny, [1, 1, 0, 1, 1], 2);
        assert!(
            out.iter()
                .all(|r| r.bottom() <= tiny.bottom() && r.y >= tiny.y)
        );
        assert_eq!(out.iter().map(|r| r.height).sum::<u16>(), 3);
    }

    #[test]
    fn columns_match_the_solver_when_they_fit_and_never_overflow() {
        let specs = [
            Width::Fill(3),
            Width::Fill(3),
            Width::Fixed(9),
            Width::Fill(2),
            Width::Fixed(4),
            Width::Fixed(8),
        ];
        assert_eq!(
            columns(77, &specs, 1),
            vec![(0, 19), (20, 19), (40, 9), (50, 13), (64, 4), (69, 8)]
        );
        for width in 0..30 {
            for (x, w) in columns(width, &specs, 1) {
                assert!(x + w <= width, "{width}: {x}+{w}");
            }
        }
        assert_eq!(columns(5, &[Width::Fill(1); 40], 0).len(), 40);
    }

    #[test]
    fn columns_lend_what_their_text_leaves_to_the_cut_ones() {
        // Time, profile, action, target, outcome: the outcome needs 4 of its 24.
        let mut columns = vec![(0, 11), (12, 8), (21, 15), (37, 16), (54, 24)];
        fit_content(&mut columns, &[11, 16, 16, 12, 4], 1);
        assert_eq!(
            columns,
            vec![(0, 11), (12, 16), (29, 16), (46, 16), (63, 15)]
        );
        // Too little to spare for all: the column missing the fewest first.
        let mut short = vec![(0, 8), (9, 8), (18, 10)];
        fit_content(&mut short, &[10, 30, 5], 1);
        assert_eq!(short, vec![(0, 10), (11, 11), (23, 5)]);
        // Nothing to spare: nothing moves.
        let mut tight = vec![(0, 5), (6, 5)];
        fit_content(&mut tight, &[9, 9], 1);
        assert_eq!(tight, vec![(0, 5), (6, 5)]);
    }

    #[test]
    fn split_percent_rounds_like_the_solver() {
        let (l, r) = split_percent(Rect::new(0, 0, 140, 5), 58);
        assert_eq!((l.width, r.x, r.width), (81, 81, 59));
        let (l, r) = split_percent(Rect::new(2, 0, 0, 5), 58);
        assert_eq!((l.width, r.width), (0, 0));
    }
}

//! The SIP password rotation at both ends in the UI: `r` on a credential that dials
//! a Twilio Elastic SIP trunk asks how (both ends, or the platform only), and the
//! run's report is shown as every frontend words it.

use crate::domain::Tone;
use crate::ops::rotation::SummaryLine;
use crate::tui::app::theme::Theme;
use crate::tui::components::widgets::{esc_cancel, key_choice, modal_lines, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

/// Width of both dialogs.
const WIDTH: u16 = 78;

/// `r` on a credential with a carrier end: both ends, or the platform only.
pub fn draw_how(name: &str, frame: &mut Frame, area: Rect, t: &Theme) {
    let key = |k, label| key_choice(k, label, t);
    let lines = vec![
        Line::styled(
            format!("Rotate the password of {}:", crate::text::printable(name)),
            t.base,
        ),
        Line::raw(""),
        key(
            "b",
            "both ends: the carrier (Twilio trunk) and the platform",
        ),
        Line::styled(
            "    a new user/password is added at the carrier, the platform gets it,",
            t.muted,
        ),
        Line::styled(
            "    it is checked, then the old one is deleted: no call fails.",
            t.muted,
        ),
        Line::raw(""),
        key("d", "the platform (Dasha) only"),
        Line::styled("    the carrier keeps the old password:", t.warn),
        Line::styled("    calls FAIL until it gets the new one.", t.warn),
        Line::raw(""),
        esc_cancel(t),
    ];
    modal_lines(frame, area, WIDTH, "Rotate SIP password", lines, t);
}

/// A run's report as rows of at most `width` columns: each summary line after its
/// tone's symbol, wrapped at spaces, in its tone's colour.
pub fn report_lines(lines: &[SummaryLine], width: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut shown = Vec::new();
    for line in lines {
        let style = match line.tone {
            Tone::Ok => t.base,
            tone => t.tone(tone),
        };
        for row in wrap(&crate::text::printable(&line.shown()), width) {
            shown.push(Line::styled(row, style));
        }
    }
    shown
}

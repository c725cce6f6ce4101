//! The `:doctor` dialog: a spinner while the checks run, then one line per step
//! (and its fix), scrollable.

use crate::domain::CheckStatus;
use crate::ops::doctor::Report;
use crate::tui::app::theme::Theme;
use crate::tui::components::widgets::{draw_line, modal, wrap};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Columns of the status at the start of a step's first row (`✓ passed   `).
const STATUS_WIDTH: usize = 11;

/// One `:doctor` run, running or done.
#[derive(Debug, Clone)]
pub struct DoctorView {
    /// Tells this run's report from an abandoned one's.
    pub id: u64,
    /// What is checked: a profile's name, or "every profile".
    pub scope: String,
    /// The report, once done.
    pub report: Option<Report>,
    /// Lines scrolled.
    scroll: u16,
}

/// What a key did to the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoctorEvent {
    /// It stays open.
    Stay,
    /// It closes.
    Close,
}

impl DoctorView {
    /// A run of `scope` that has just started.
    pub fn running(id: u64, scope: impl Into<String>) -> DoctorView {
        DoctorView {
            id,
            scope: scope.into(),
            report: None,
            scroll: 0,
        }
    }

    /// True until the report came.
    pub fn is_running(&self) -> bool {
        self.report.is_none()
    }

    /// Esc, q or ⏎ close; j/k, arrows, PgUp/PgDn, g scroll.
    pub fn handle_key(&mut self, key: KeyEvent) -> DoctorEvent {
        let by = |n: i32, s: u16| (i32::from(s) + n).clamp(0, i32::from(u16::MAX)) as u16;
        self.scroll = match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => return DoctorEvent::Close,
            KeyCode::Down | KeyCode::Char('j') => by(1, self.scroll),
            KeyCode::Up | KeyCode::Char('k') => by(-1, self.scroll),
            KeyCode::PageDown => by(10, self.scroll),
            KeyCode::PageUp => by(-10, self.scroll),
            KeyCode::Char('g') | KeyCode::Home => 0,
            _ => self.scroll,
        };
        DoctorEvent::Stay
    }

    /// The rows of the report at `width`: each step (its status, then what it is
    /// about and what was found, wrapped), its fix under it, then the summary.
    fn lines(&self, width: usize, theme: &Theme, spinner: &str) -> Vec<Line<'static>> {
        let Some(report) = &self.report else {
            return vec![Line::styled(
                format!("{spinner} checking {}… (read-only)", self.scope),
                theme.base,
            )];
        };
        let text_width = width.saturating_sub(STATUS_WIDTH);
        let indent = " ".repeat(STATUS_WIDTH);
        let mut lines = Vec::new();
        for s in &report.steps {
            let about = match &s.profile {
                Some(p) => format!("{p} · {}: {}", s.step, s.message),
                None => format!("{}: {}", s.step, s.message),
            };
            let status = format!("{} {}", s.status.symbol(), s.status);
            for (i, row) in wrap(&about, text_width).into_iter().enumerate() {
                let head = if i == 0 {
                    Span::styled(
                        format!("{status:<STATUS_WIDTH$}"),
                        theme.tone(s.status.tone()),
                    )
                } else {
                    Span::raw(indent.clone())
                };
                lines.push(Line::from(vec![head, Span::styled(row, theme.base)]));
            }
            for row in s
                .fix
                .iter()
                .flat_map(|f| wrap(&format!("fix: {f}"), text_width))
            {
                lines.push(Line::from(vec![
                    Span::raw(indent.clone()),
                    Span::styled(row, theme.muted),
                ]));
            }
        }
        lines.push(Line::raw(""));
        let verdict = report.status();
        lines.push(Line::styled(
            format!("{} doctor: {}", verdict.symbol(), report.summary()),
            theme.tone(verdict.tone()),
        ));
        lines
    }

    /// Draws the dialog over `area`.
    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme, spinner: &str) {
        let width = area.width.saturating_sub(4).min(140);
        // The modal's borders and margins take 4 columns.
        let lines = self.lines(usize::from(width.saturating_sub(4)), theme, spinner);
        let height = (lines.len() as u16 + 3).min(area.height.saturating_sub(2));
        let title = format!("Doctor — {}", self.scope);
        let inner = modal(
            frame,
            area,
            (width, height),
            &title,
            theme.border_focus,
            theme,
        );
        let [body, keys] = crate::tui::views::layout::rows(inner, [0, 1], 0);
        let max_scroll = (lines.len() as u16).saturating_sub(body.height);
        let scroll = usize::from(self.scroll.min(max_scroll));
        for (i, line) in lines.into_iter().skip(scroll).enumerate() {
            if i >= usize::from(body.height) {
                break;
            }
            draw_line(frame, body, i as u16, line);
        }
        let hint = Line::from(vec![
            Span::styled("Esc", theme.hint_key),
            Span::styled(" close  ", theme.hint_label),
            Span::styled("j/k", theme.hint_key),
            Span::styled(" scroll", theme.hint_label),
        ]);
        draw_line(frame, keys, 0, hint);
    }

    /// The run's verdict in one line, for the flash when the dialog was closed.
    pub fn summary(report: &Report) -> (String, bool) {
        let failed = report.status() == CheckStatus::Failed;
        (format!("doctor: {}", report.summary()), failed)
    }
}

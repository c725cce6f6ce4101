//! The result screen of a Twilio token rotation: one row per target, live while the
//! updates run, then each target's outcome with the platform's reason, and a summary
//! that says plainly which targets still hold the old token. `R` retries the failed.

use super::theme::Theme;
use super::widgets::{draw_line, hint_line, modal, truncate};
use crate::domain::Tone;
use crate::ops::rotation::{CheckedToken, Plan, Report, RotationEvent, SummaryLine, TargetOutcome};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::sync::Arc;

/// Where one target is.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetState {
    /// Not started.
    Waiting,
    /// The new token is being sent.
    Updating,
    /// Updated; the platform verifies.
    Verifying,
    /// Finished.
    Done(TargetOutcome),
}

/// The rotation screen's state.
#[derive(Debug, Clone)]
pub struct RotationView {
    /// The targets.
    pub plan: Arc<Plan>,
    /// The checked token (kept for a retry).
    pub token: Arc<CheckedToken>,
    states: Vec<TargetState>,
    report: Option<Arc<Report>>,
}

impl RotationView {
    /// A view of `plan` about to be applied.
    pub fn new(plan: Arc<Plan>, token: Arc<CheckedToken>) -> Self {
        let states = plan
            .targets
            .iter()
            .map(|t| match t.disposition.skip_reason() {
                Some(reason) => TargetState::Done(TargetOutcome::Skipped { reason }),
                None => TargetState::Waiting,
            })
            .collect();
        RotationView {
            plan,
            token,
            states,
            report: None,
        }
    }

    /// True while updates run.
    pub fn running(&self) -> bool {
        self.report.is_none()
    }

    /// The final report, once done.
    pub fn report(&self) -> Option<&Arc<Report>> {
        self.report.as_ref()
    }

    /// Applies a progress event (ignored once the run is over).
    pub fn on_event(&mut self, event: RotationEvent) {
        if !self.running() {
            return;
        }
        let (i, state) = match event {
            RotationEvent::Updating { target } => (target, TargetState::Updating),
            RotationEvent::Verifying { target } => (target, TargetState::Verifying),
            RotationEvent::Finished { target, outcome } => (target, TargetState::Done(outcome)),
        };
        if let Some(s) = self.states.get_mut(i) {
            *s = state;
        }
    }

    /// The run finished with `report`.
    pub fn finish(&mut self, report: Arc<Report>) {
        for (state, result) in self.states.iter_mut().zip(&report.results) {
            *state = TargetState::Done(result.outcome.clone());
        }
        self.report = Some(report);
    }

    /// Starts a retry of the failed targets: they go back to waiting.
    pub fn start_retry(&mut self) {
        for s in &mut self.states {
            if matches!(s, TargetState::Done(o) if o.is_failed()) {
                *s = TargetState::Waiting;
            }
        }
        self.report = None;
    }

    /// How many targets failed in the finished run.
    pub fn failed_count(&self) -> usize {
        self.report.as_ref().map_or(0, |r| r.failed().count())
    }

    /// One line per conclusion, for the summary and the flash: the report's own
    /// summary once done, the progress before.
    pub fn summary(&self) -> Vec<SummaryLine> {
        let Some(report) = &self.report else {
            let done = self
                .states
                .iter()
                .filter(|s| matches!(s, TargetState::Done(_)))
                .count();
            return vec![SummaryLine {
                tone: Tone::Pending,
                text: format!("rotating… {done} of {} targets done", self.states.len()),
            }];
        };
        report.summary()
    }

    fn state_cell(&self, state: &TargetState, spinner: &str, theme: &Theme) -> (String, Style) {
        match state {
            TargetState::Waiting => ("waiting".into(), theme.muted),
            TargetState::Updating => (format!("{spinner} updating"), theme.pending),
            TargetState::Verifying => (format!("{spinner} verifying"), theme.pending),
            TargetState::Done(o) => (o.badge(), theme.tone(o.tone())),
        }
    }

    /// Draws the screen as a large modal.
    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme, spinner: &str) {
        let summary = self.summary();
        let width = area.width.min(120);
        let wanted = self.states.len() as u16 * 2 + summary.len() as u16 + 6;
        let title = format!("Rotate Twilio auth token — {}", self.plan.account_sid);
        let inner = modal(
            frame,
            area,
            (width, area.height.min(wanted)),
            &title,
            theme.border_focus,
            theme,
        );
        // The summary and the keys always show: the targets take the rows left above.
        let footer = summary.len() as u16 + 2;
        let rows_end = inner.height.saturating_sub(footer);
        let header = format!(
            "{:<18} {:<6} {:<22} {:<14} {}",
            "PROFILE", "ON", "PROVIDER", "RESULT", "DETAIL"
        );
        draw_line(frame, inner, 0, Line::styled(header, theme.title));
        let wide = inner.width >= 103;
        let per_target = if wide { 1 } else { 2 };
        let mut row = 1;
        for (shown, (target, state)) in self.plan.targets.iter().zip(&self.states).enumerate() {
            if row + per_target > rows_end {
                let more = self.states.len() - shown;
                let note =
                    format!("… {more} more targets: enlarge the terminal, or see the Activity tab");
                draw_line(
                    frame,
                    inner,
                    row.min(rows_end.saturating_sub(1)),
                    Line::styled(note, theme.warn),
                );
                break;
            }
            let (cell, style) = self.state_cell(state, spinner, theme);
            let detail = match state {
                TargetState::Done(o) => o.detail(),
                _ => format!("was {}", target.status),
            };
            let mut spans = vec![
                Span::styled(
                    format!("{:<18} ", truncate(&target.profile, 18)),
                    theme.base,
                ),
                Span::styled(format!("{:<6} ", target.platform.to_string()), theme.muted),
                Span::styled(
                    format!("{:<22} ", truncate(&target.provider_name, 22)),
                    theme.base,
                ),
                Span::styled(format!("{cell:<14} "), style),
            ];
            // The detail (the platform's reason) goes on the row when it fits, else under it.
            if wide {
                spans.push(Span::styled(detail, theme.muted));
                draw_line(frame, inner, row, Line::from(spans));
            } else {
                draw_line(frame, inner, row, Line::from(spans));
                draw_line(
                    frame,
                    inner,
                    row + 1,
                    Line::styled(format!("    {detail}"), theme.muted),
                );
            }
            row += per_target;
        }
        for (i, line) in summary.into_iter().enumerate() {
            let style = match line.tone {
                Tone::Ok => theme.base,
                tone => theme.tone(tone),
            };
            draw_line(
                frame,
                inner,
                rows_end + i as u16,
                Line::styled(line.text, style),
            );
        }
        let hints: Vec<(&str, &str)> = match (self.running(), self.failed_count()) {
            (true, _) => vec![("", "updating every target; the result appears here")],
            (false, 0) => vec![("⏎/Esc", "close")],
            (false, _) => vec![("R", "retry the failed targets"), ("⏎/Esc", "close")],
        };
        draw_line(
            frame,
            inner,
            inner.height.saturating_sub(1),
            hint_line(&hints, inner.width, theme),
        );
    }
}

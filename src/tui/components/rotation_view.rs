//! The result screen of a Twilio token rotation: one row per target, live while the
//! updates run, then each target's outcome with the platform's reason, and a summary
//! that says plainly which targets still hold the old token. `R` retries the failed.
//! A zero-downtime rotation adds its stages: minting, promotion (or why not), the
//! new token shown once, or the abort.

use crate::domain::Tone;
use crate::ops::rotation::{
    Decision, Holds, MintFailure, NotPromoted, Plan, Report, RotationEvent, RotationRun, RunStage,
    SummaryLine, TargetOutcome, UnfinishedMint, restore_detail,
};
use crate::tui::app::theme::Theme;
use crate::tui::components::widgets::{
    draw_line, esc_cancel, hint_line, key_choice, modal, modal_lines, truncate, wrap,
};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::sync::Arc;
use unicode_width::UnicodeWidthStr;

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

/// What the keys of a zero-downtime run have armed, and what became of the new
/// token on screen: the screen's own state, beside the run's.
#[derive(Debug, Clone, Default)]
pub struct MintKeys {
    /// `P` or `D` pressed once on an unfinished run: the same key again does it.
    pub armed: Option<char>,
    /// `P` pressed once on a blocked run: the next `P` promotes anyway.
    pub confirm_force: bool,
    /// `x` shows the new token (for [`crate::tui::app::SECRET_TTL`]).
    pub revealed: bool,
    /// The new token was revealed or copied at least once.
    pub seen: bool,
    /// A close was asked for before it was seen: the next one closes.
    pub close_warned: bool,
}

/// The rotation screen's state.
#[derive(Debug)]
pub struct RotationView {
    /// Tells this rotation's messages from another's.
    pub id: u64,
    /// The targets.
    pub plan: Arc<Plan>,
    /// The run, while none of its steps runs (the worker holds it then).
    pub run: Option<Box<RotationRun>>,
    /// Where the run stands, also while the worker holds it.
    pub stage: RunStage,
    /// A zero-downtime rotation (mint, deploy, promote).
    pub mints: bool,
    /// Set when this run finishes one that did not finish: what the journal
    /// recorded for each target.
    pub finishing: Option<UnfinishedMint>,
    /// The keys' and the new token's state.
    pub keys: MintKeys,
    /// The run's summary, as of its last step.
    run_summary: Vec<SummaryLine>,
    states: Vec<TargetState>,
    report: Option<Arc<Report>>,
}

impl RotationView {
    /// A view of rotation `id` of `plan`, about to start (`mints`: a zero-downtime
    /// one).
    pub fn new(id: u64, plan: Arc<Plan>, mints: bool) -> Self {
        let states = plan
            .targets
            .iter()
            .map(|t| match t.disposition.skip_reason() {
                Some(reason) => TargetState::Done(TargetOutcome::Skipped { reason }),
                None => TargetState::Waiting,
            })
            .collect();
        RotationView {
            id,
            plan,
            run: None,
            stage: RunStage::Planned,
            mints,
            finishing: None,
            keys: MintKeys::default(),
            run_summary: Vec::new(),
            states,
            report: None,
        }
    }

    /// The run is back from a step: its stage, its deployment, its summary.
    pub fn arrive(&mut self, run: Box<RotationRun>) {
        self.stage = run.stage().clone();
        if let Some(unfinished) = run.unfinished() {
            self.finishing = Some(unfinished.clone());
        }
        match (&self.stage, run.report()) {
            (RunStage::Aborted(abort), _) => {
                let restored = abort.restored.clone();
                self.show_outcomes(&restored);
            }
            (_, Some(report)) => self.finish(Arc::new(report.clone())),
            _ => {}
        }
        self.run_summary = run.summary();
        self.keys.armed = None;
        self.keys.confirm_force = false;
        self.run = Some(run);
    }

    /// The run, to hand it `decision` when it takes it now (the worker holds it
    /// until it comes back); the screen shows the step starting.
    pub fn depart(&mut self, decision: Decision) -> Option<Box<RotationRun>> {
        if !self.run.as_ref().is_some_and(|r| r.offers(decision)) {
            return None;
        }
        self.stage = match decision {
            Decision::Start | Decision::Replace => RunStage::Minting,
            Decision::Retry => {
                // The failed go back to waiting.
                self.start_retry();
                RunStage::Deploying
            }
            Decision::Promote { .. } => RunStage::Promoting,
            Decision::Abort => RunStage::Aborting,
        };
        self.run.take()
    }

    /// True while work runs (quitting then would leave it half-known).
    pub fn running(&self) -> bool {
        self.run.is_none()
    }

    /// Shows the outcomes of a run that has no report of this view's own (putting
    /// the old token back for an abort).
    pub fn show_outcomes(&mut self, report: &Report) {
        for (state, result) in self.states.iter_mut().zip(&report.results) {
            *state = TargetState::Done(result.outcome.clone());
        }
    }

    /// Targets of the plan the journal does not show on the new token, when finishing
    /// a run that did not finish.
    pub fn unfinished_blockers(&self) -> usize {
        let Some(f) = self.finishing.as_ref() else {
            return 0;
        };
        self.plan
            .targets
            .iter()
            .filter(|t| f.run.holds(&t.profile, &t.provider_id).0 != Holds::New)
            .count()
            + self.plan.unreachable.len()
    }

    /// True once an abort put the old token back: the rows hold its outcomes.
    fn restored(&self) -> bool {
        matches!(self.stage, RunStage::Aborted(_))
    }

    /// True while an abort runs: the rows still hold the deployment's outcomes.
    fn aborting(&self) -> bool {
        matches!(self.stage, RunStage::Aborting)
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

    fn state_cell(
        &self,
        state: &TargetState,
        target: &crate::ops::rotation::RotationTarget,
        spinner: &str,
        theme: &Theme,
    ) -> (String, Style) {
        let finishing = self.finishing.as_ref();
        match state {
            // A run that did not finish: which token the journal says it holds.
            TargetState::Waiting if let Some(f) = finishing => {
                match f.run.holds(&target.profile, &target.provider_id).0 {
                    Holds::New => ("✓ on new".into(), theme.ok),
                    Holds::Old => ("✗ on OLD".into(), theme.error),
                    Holds::Unknown => ("? unknown".into(), theme.warn),
                }
            }
            TargetState::Waiting => ("waiting".into(), theme.muted),
            TargetState::Updating => (format!("{spinner} updating"), theme.pending),
            TargetState::Verifying => (format!("{spinner} verifying"), theme.pending),
            TargetState::Done(o) => (o.badge(), theme.tone(o.tone())),
        }
    }

    /// The run's summary (its progress while a step runs), then what this screen's
    /// keys do from there.
    fn lines(&self) -> Vec<SummaryLine> {
        let mut lines = match &self.stage {
            RunStage::Deploying | RunStage::Planned => self.summary(),
            stage if stage.busy() => stage.progress().into_iter().collect(),
            // As the command line prints it: each line after its tone's symbol.
            _ => self
                .run_summary
                .iter()
                .map(|l| SummaryLine {
                    tone: l.tone,
                    text: l.shown(),
                })
                .collect(),
        };
        lines.extend(self.key_lines());
        lines
    }

    /// What the armed keys do, and the new token shown once.
    fn key_lines(&self) -> Vec<SummaryLine> {
        let line = |tone, text: String| SummaryLine { tone, text };
        let mut lines = Vec::new();
        match &self.stage {
            RunStage::Unfinished(_) => {
                lines.push(line(
                    Tone::Warn,
                    "P promotes it now: do it only if every target holds it (the old token \
                     dies). A puts the old token back on every target, then deletes it. D \
                     deletes it and mints a new one: what uses it breaks until the new one \
                     reaches it."
                        .into(),
                ));
                match self.keys.armed {
                    Some('P') => lines.push(line(
                        Tone::Warn,
                        match self.unfinished_blockers() {
                            0 => "P again promotes: the journal shows every target on the new \
                                  token"
                                .to_string(),
                            n => format!(
                                "P again promotes ANYWAY: {n} target(s) not known to hold the \
                                 new token stop working at once"
                            ),
                        },
                    )),
                    Some('D') => lines.push(line(
                        Tone::Warn,
                        "D again deletes it: a target that uses it stops working until the new \
                         token reaches it"
                            .into(),
                    )),
                    _ => {}
                }
            }
            RunStage::Blocked { left } if self.keys.confirm_force => lines.push(line(
                Tone::Warn,
                format!(
                    "P again promotes anyway: the {} above stop working at once",
                    left.len()
                ),
            )),
            RunStage::Promoted { token, stored, .. } => {
                if self.finishing.is_some() {
                    lines.push(line(
                        Tone::Warn,
                        "verify every provider of this account now (v on the Verification \
                         tab): telcreds could not see which token each one held"
                            .into(),
                    ));
                }
                if !matches!(stored, Some(Ok(_))) {
                    let shown = if self.keys.revealed {
                        token.expose().to_string()
                    } else {
                        "•".repeat(32)
                    };
                    // On a line of its own: it must fit whole even in a narrow window.
                    lines.push(line(
                        Tone::Warn,
                        "new primary token, shown once (store it now):".into(),
                    ));
                    lines.push(line(Tone::Warn, format!("  {shown}")));
                }
            }
            _ => {}
        }
        lines
    }

    fn hints(&self) -> Vec<(&'static str, &'static str)> {
        match (&self.stage, self.running(), self.failed_count()) {
            (RunStage::Minting, ..) => vec![("", "minting a new token at Twilio…")],
            (RunStage::Promoting, ..) => vec![("", "promoting the new token…")],
            (RunStage::Storing, ..) => vec![("", "handing the new token to store_cmd…")],
            (RunStage::Aborting, ..) => vec![("", "putting the old token back…")],
            (
                RunStage::NotMinted(MintFailure::SecondaryExists {
                    unfinished: None, ..
                }),
                false,
                _,
            ) => {
                vec![("D", "delete it and mint a new one"), ("Esc", "cancel")]
            }
            (RunStage::Unfinished(_), false, _) => vec![
                (
                    "P",
                    if self.keys.armed == Some('P') {
                        "again: promote now"
                    } else {
                        "promote"
                    },
                ),
                ("A", "abort: old token back"),
                (
                    "D",
                    if self.keys.armed == Some('D') {
                        "again: replace it"
                    } else {
                        "replace"
                    },
                ),
                ("Esc", "leave both working"),
            ],
            (RunStage::Blocked { .. }, false, failed) => {
                let mut h = Vec::new();
                if failed > 0 {
                    h.push(("R", "retry the failed"));
                }
                h.push((
                    "P",
                    if self.keys.confirm_force {
                        "again: promote anyway"
                    } else {
                        "promote anyway"
                    },
                ));
                h.push(("A", "abort: old token back"));
                h.push(("Esc", "leave both working"));
                h
            }
            (RunStage::Promoted { stored, .. }, false, _) if !matches!(stored, Some(Ok(_))) => {
                vec![("x", "reveal"), ("y", "copy"), ("⏎/Esc", "close")]
            }
            (RunStage::PromotionFailed(NotPromoted::Refused(_)), false, _) => {
                vec![("P", "promote again"), ("⏎/Esc", "close")]
            }
            (_, true, _) => vec![("", "updating every target; the result appears here")],
            (_, false, 0) => vec![("⏎/Esc", "close")],
            (_, false, _) => vec![("R", "retry the failed targets"), ("⏎/Esc", "close")],
        }
    }

    /// Draws the screen as a large modal.
    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme, spinner: &str) {
        let width = area.width.min(120);
        // Long lines (a list of targets, Twilio's answer and what to do) wrap: every
        // word must show, whatever the width.
        let summary = wrapped(self.lines(), width.saturating_sub(4) as usize);
        let wanted = rows(self.states.len() * 2 + summary.len() + 6);
        let title = match self.mints {
            true => format!(
                "Mint and promote a Twilio token — {}",
                self.plan.account_sid
            ),
            false => format!("Rotate Twilio auth token — {}", self.plan.account_sid),
        };
        let inner = modal(
            frame,
            area,
            (width, area.height.min(wanted)),
            &title,
            theme.border_focus,
            theme,
        );
        // The summary and the keys always show: the targets take the rows left above.
        let footer = rows(summary.len() + 2);
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
            let (cell, style) = self.state_cell(state, target, spinner, theme);
            let detail = match state {
                // An abort puts the old token back: the same outcomes, other words.
                TargetState::Done(o) if self.restored() => restore_detail(o),
                // Until its result comes, only a target given the new token (or maybe
                // given it) is being put back; the others never changed.
                TargetState::Done(o) if self.aborting() => {
                    if o.holds_new_token() || o.update_state_unknown() {
                        "putting the old token back…".to_string()
                    } else {
                        "never changed: on the old token".to_string()
                    }
                }
                TargetState::Done(o) => o.detail(),
                // A run that did not finish: what the journal recorded for it.
                _ => match self.finishing.as_ref() {
                    Some(f) => {
                        let (holds, recorded) = f.run.holds(&target.profile, &target.provider_id);
                        format!("{} token: {recorded}", holds.as_str())
                    }
                    None => format!("was {}", target.status),
                },
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
        let hints = self.hints();
        draw_line(
            frame,
            inner,
            inner.height.saturating_sub(1),
            hint_line(&hints, inner.width, theme),
        );
    }
}

/// A count of rows as a terminal height (saturated: a screen is far smaller).
fn rows(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// `lines` as rows of at most `width` columns: a line that fits stays as it is, a
/// longer one is broken at spaces, its rows indented as its first.
fn wrapped(lines: Vec<SummaryLine>, width: usize) -> Vec<SummaryLine> {
    lines
        .into_iter()
        .flat_map(|line| {
            if line.text.width() <= width {
                return vec![line];
            }
            let tone = line.tone;
            let text = line.text.trim_start_matches(' ');
            let indent = " ".repeat(line.text.len() - text.len());
            wrap(text, width.saturating_sub(indent.len()))
                .into_iter()
                .map(|row| SummaryLine {
                    tone,
                    text: format!("{indent}{row}"),
                })
                .collect()
        })
        .collect()
}

/// The first question of `r` on a provider: mint a new token at Twilio (zero
/// downtime), or type one already rotated in the Twilio console.
pub fn draw_rotate_how(account_sid: &str, frame: &mut Frame, area: Rect, t: &Theme) {
    let key = |k, label| key_choice(k, label, t);
    let lines = [
        Line::styled(format!("Rotate the auth token of {account_sid}:"), t.base),
        Line::raw(""),
        key("m", "mint a new token at Twilio (zero downtime)"),
        Line::styled(
            "    both tokens work until every target has the new one;",
            t.muted,
        ),
        Line::styled("    then it is promoted and the old one dies.", t.muted),
        Line::raw(""),
        key("t", "I already have the new token"),
        Line::styled(
            "    rotated in the Twilio console: the old one is dead already.",
            t.muted,
        ),
        Line::raw(""),
        esc_cancel(t),
    ];
    modal_lines(frame, area, 68, "Rotate Twilio auth token", lines.into(), t);
}

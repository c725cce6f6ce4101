//! The result screen of a Twilio token rotation: one row per target, live while the
//! updates run, then each target's outcome with the platform's reason, and a summary
//! that says plainly which targets still hold the old token. `R` retries the failed.
//! A zero-downtime rotation adds its stages: minting, promotion (or why not), the
//! new token shown once, or the abort.

use super::effect::MintSetup;
use super::theme::Theme;
use super::widgets::{draw_line, hint_line, modal, modal_lines, truncate, wrap};
use crate::domain::Tone;
use crate::ops::rotation::{
    Abort, CheckedToken, Holds, MintFailure, Minted, Plan, Report, RotationEvent, SummaryLine,
    TargetOutcome, UnfinishedMint, restore_detail,
};
use crate::secret::Secret;
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

/// Where a zero-downtime rotation is, beyond its targets.
#[derive(Debug, Clone)]
pub enum MintStage {
    /// Creating the secondary token at Twilio.
    Minting,
    /// Twilio minted nothing; an existing secondary can be replaced (`D`).
    NotMinted(MintFailure),
    /// The account's secondary is one telcreds made in a rotation that did not
    /// finish ([`MintState::finishing`]): promote it (`P` twice), abort that
    /// rotation (`A`) or replace it (`D` twice).
    Unfinished {
        /// Twilio's answer to the create.
        error: String,
        /// `P` or `D` pressed once: the same key again does it.
        armed: Option<char>,
    },
    /// Deploying the new token: the target rows show the progress.
    Deploying,
    /// Promoting the new token at Twilio.
    Promoting,
    /// Not promoted: these are left on the old token. Both tokens work.
    Blocked {
        /// One line per target or profile left behind.
        left: Vec<String>,
        /// `P` was pressed once: the next `P` promotes anyway.
        confirm_force: bool,
    },
    /// Promoted: the old token is dead.
    Promoted {
        /// The new primary token.
        token: Secret,
        /// What `store_cmd` did, when there is one.
        stored: Option<Result<String, String>>,
        /// `x` shows the token (for [`crate::tui::app::SECRET_TTL`]).
        revealed: bool,
        /// It was revealed or copied at least once.
        seen: bool,
        /// A close was asked for before it was seen: the next one closes.
        close_warned: bool,
    },
    /// The promotion did not happen, or its outcome is unknown.
    PromotionFailed {
        /// Twilio refused it and nothing changed: `P` may try again.
        retryable: bool,
        /// What it means ([`crate::ops::rotation::Promotion::failure`]).
        text: String,
    },
    /// Putting the old token back.
    Aborting,
    /// Aborted: what each step did.
    Aborted(Arc<Abort>),
}

/// The zero-downtime part of a rotation view.
#[derive(Debug, Clone)]
pub struct MintState {
    /// The account's Accounts API and store command.
    pub setup: Arc<MintSetup>,
    /// The minted token, once Twilio gave it.
    pub minted: Option<Arc<Minted>>,
    /// Set when this run finishes a rotation that did not finish (no deployment of
    /// its own: what the targets hold is not known).
    pub finishing: Option<UnfinishedMint>,
    /// Where it is.
    pub stage: MintStage,
}

/// The rotation screen's state.
#[derive(Debug, Clone)]
pub struct RotationView {
    /// Tells this rotation's messages from another's.
    pub id: u64,
    /// The targets.
    pub plan: Arc<Plan>,
    /// The checked token (kept for a retry); the new one once minted.
    pub token: Arc<CheckedToken>,
    /// Set for the zero-downtime rotation.
    pub mint: Option<MintState>,
    states: Vec<TargetState>,
    report: Option<Arc<Report>>,
}

impl RotationView {
    /// A view of rotation `id` of `plan`, about to be applied.
    pub fn new(id: u64, plan: Arc<Plan>, token: Arc<CheckedToken>) -> Self {
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
            token,
            mint: None,
            states,
            report: None,
        }
    }

    /// A zero-downtime rotation of `plan`, about to mint its token; `current` is the
    /// checked current token.
    pub fn minting(
        id: u64,
        plan: Arc<Plan>,
        current: Arc<CheckedToken>,
        setup: Arc<MintSetup>,
    ) -> Self {
        let mut view = RotationView::new(id, plan, current);
        view.mint = Some(MintState {
            setup,
            minted: None,
            finishing: None,
            stage: MintStage::Minting,
        });
        view
    }

    /// True while work runs (quitting then would leave it half-known).
    pub fn running(&self) -> bool {
        match self.mint.as_ref().map(|m| &m.stage) {
            None | Some(MintStage::Deploying) => self.report.is_none(),
            Some(MintStage::Minting | MintStage::Promoting | MintStage::Aborting) => true,
            Some(_) => false,
        }
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
        let Some(f) = self.mint.as_ref().and_then(|m| m.finishing.as_ref()) else {
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
        matches!(
            self.mint.as_ref().map(|m| &m.stage),
            Some(MintStage::Aborted(_))
        )
    }

    /// True while an abort runs: the rows still hold the deployment's outcomes.
    fn aborting(&self) -> bool {
        matches!(
            self.mint.as_ref().map(|m| &m.stage),
            Some(MintStage::Aborting)
        )
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
        target: &crate::ops::rotation::Target,
        spinner: &str,
        theme: &Theme,
    ) -> (String, Style) {
        let finishing = self.mint.as_ref().and_then(|m| m.finishing.as_ref());
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

    /// The summary, then where a zero-downtime rotation is.
    fn lines(&self) -> Vec<SummaryLine> {
        let finishing = self.mint.as_ref().and_then(|m| m.finishing.as_ref());
        let mut lines = match self.mint.as_ref().map(|m| &m.stage) {
            Some(MintStage::Minting | MintStage::NotMinted(_) | MintStage::Unfinished { .. }) => {
                Vec::new()
            }
            // Finishing a rotation that did not finish: no deployment of this run to
            // sum up, the stage's own lines tell.
            Some(_) if finishing.is_some() => Vec::new(),
            _ => self.summary(),
        };
        if let Some(m) = &self.mint {
            lines.extend(stage_lines(
                &m.stage,
                self.report.as_deref(),
                finishing,
                self.unfinished_blockers(),
            ));
        }
        lines
    }

    fn hints(&self) -> Vec<(&'static str, &'static str)> {
        let stage = self.mint.as_ref().map(|m| &m.stage);
        match (stage, self.running(), self.failed_count()) {
            (Some(MintStage::Minting), ..) => vec![("", "minting a new token at Twilio…")],
            (Some(MintStage::Promoting), ..) => vec![("", "promoting the new token…")],
            (Some(MintStage::Aborting), ..) => vec![("", "putting the old token back…")],
            (Some(MintStage::NotMinted(MintFailure::SecondaryExists { .. })), ..) => {
                vec![("D", "delete it and mint a new one"), ("Esc", "cancel")]
            }
            (Some(MintStage::Unfinished { armed, .. }), ..) => vec![
                (
                    "P",
                    if *armed == Some('P') {
                        "again: promote now"
                    } else {
                        "promote"
                    },
                ),
                ("A", "abort: old token back"),
                (
                    "D",
                    if *armed == Some('D') {
                        "again: replace it"
                    } else {
                        "replace"
                    },
                ),
                ("Esc", "leave both working"),
            ],
            (Some(MintStage::Blocked { confirm_force, .. }), _, failed) => {
                let mut h = Vec::new();
                if failed > 0 {
                    h.push(("R", "retry the failed"));
                }
                h.push((
                    "P",
                    if *confirm_force {
                        "again: promote anyway"
                    } else {
                        "promote anyway"
                    },
                ));
                h.push(("A", "abort: old token back"));
                h.push(("Esc", "leave both working"));
                h
            }
            (Some(MintStage::Promoted { stored: None, .. }), ..)
            | (
                Some(MintStage::Promoted {
                    stored: Some(Err(_)),
                    ..
                }),
                ..,
            ) => {
                vec![("x", "reveal"), ("y", "copy"), ("⏎/Esc", "close")]
            }
            (
                Some(MintStage::PromotionFailed {
                    retryable: true, ..
                }),
                ..,
            ) => {
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
        let title = match &self.mint {
            Some(_) => format!(
                "Mint and promote a Twilio token — {}",
                self.plan.account_sid
            ),
            None => format!("Rotate Twilio auth token — {}", self.plan.account_sid),
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
                _ => match self.mint.as_ref().and_then(|m| m.finishing.as_ref()) {
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

/// What a zero-downtime stage adds under the summary (of `report`, the deployment;
/// or of nothing when `finishing` a rotation that did not finish), in plain words.
fn stage_lines(
    stage: &MintStage,
    report: Option<&Report>,
    finishing: Option<&UnfinishedMint>,
    blockers: usize,
) -> Vec<SummaryLine> {
    let line = |tone, text: String| SummaryLine { tone, text };
    match stage {
        MintStage::Minting => vec![line(
            Tone::Pending,
            "minting a new token at Twilio (a secondary token: both work until it is promoted)…"
                .into(),
        )],
        MintStage::NotMinted(failure) => vec![line(Tone::Error, failure.to_string())],
        MintStage::Unfinished { armed, .. } => {
            let since = finishing
                .map(UnfinishedMint::created_text)
                .unwrap_or_default();
            let stage = finishing.map(|f| f.run.stage.clone()).unwrap_or_default();
            let mut lines = vec![
                line(
                    Tone::Error,
                    format!(
                        "telcreds created the account's secondary at {since} in a rotation \
                         that did not finish ({stage}); each row says what the journal \
                         recorded for that target."
                    ),
                ),
                line(
                    Tone::Warn,
                    "P promotes it now: do it only if every target holds it (the old token \
                     dies). A puts the old token back on every target, then deletes it. D \
                     deletes it and mints a new one: what uses it breaks until the new one \
                     reaches it."
                        .into(),
                ),
            ];
            match armed {
                Some('P') => lines.push(line(
                    Tone::Warn,
                    match blockers {
                        0 => "P again promotes: the journal shows every target on the new token"
                            .to_string(),
                        n => format!(
                            "P again promotes ANYWAY: {n} target(s) not known to hold the new \
                             token stop working at once"
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
            lines
        }
        MintStage::Deploying => Vec::new(),
        MintStage::Promoting => vec![line(Tone::Pending, "promoting the new token…".into())],
        MintStage::Blocked {
            left,
            confirm_force,
        } => {
            let mut lines = vec![line(
                Tone::Error,
                "NOT promoted: these would stop working; both tokens keep working:".into(),
            )];
            lines.extend(left.iter().map(|l| line(Tone::Error, format!("  {l}"))));
            lines.push(line(Tone::Warn, crate::ops::rotation::WEBHOOKS.to_string()));
            if *confirm_force {
                lines.push(line(
                    Tone::Warn,
                    format!(
                        "P again promotes anyway: the {} above stop working at once",
                        left.len()
                    ),
                ));
            }
            lines
        }
        MintStage::Promoted {
            token,
            stored,
            revealed,
            ..
        } => {
            let mut lines = vec![line(
                Tone::Ok,
                "✓ promoted: the OLD TOKEN IS DEAD; the new token is the primary".into(),
            )];
            // A forced promotion: what was left on the old token stopped working.
            for broken in report.map(Report::broken_by_promotion).unwrap_or_default() {
                lines.push(line(Tone::Error, format!("✗ {broken}")));
            }
            if finishing.is_some() {
                lines.push(line(
                    Tone::Warn,
                    "verify every provider of this account now (v on the Verification tab): \
                     telcreds could not see which token each one held"
                        .into(),
                ));
            }
            let show = match stored {
                Some(Ok(said)) => {
                    lines.push(line(Tone::Ok, format!("✓ {said}")));
                    false
                }
                Some(Err(why)) => {
                    lines.push(line(Tone::Error, format!("✗ {why}")));
                    true
                }
                None => {
                    lines.push(line(
                        Tone::Warn,
                        "a [twilio_accounts] token source of this account now gives the DEAD \
                         token: put the new one there (store_cmd does it for you)"
                            .into(),
                    ));
                    true
                }
            };
            if show {
                let shown = if *revealed {
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
            lines
        }
        MintStage::PromotionFailed { text, .. } => vec![line(Tone::Error, text.clone())],
        MintStage::Aborting => vec![line(Tone::Pending, "putting the old token back…".into())],
        MintStage::Aborted(abort) => {
            let tone = if abort.is_clean() {
                Tone::Ok
            } else {
                Tone::Error
            };
            let mut lines = vec![line(tone, "rotation aborted:".into())];
            lines.extend(abort.summary().into_iter().map(|l| line(tone, l)));
            lines
        }
    }
}

/// The first question of `r` on a provider: mint a new token at Twilio (zero
/// downtime), or type one already rotated in the Twilio console.
pub fn draw_rotate_how(account_sid: &str, frame: &mut Frame, area: Rect, t: &Theme) {
    let key = |k: &'static str, label: &'static str| {
        Line::from(vec![
            Span::styled(format!(" {k} "), t.hint_key),
            Span::styled(label, t.base),
        ])
    };
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
        Line::from(vec![
            Span::styled("Esc", t.hint_key),
            Span::styled(" cancel", t.hint_label),
        ]),
    ];
    modal_lines(frame, area, 68, "Rotate Twilio auth token", lines.into(), t);
}

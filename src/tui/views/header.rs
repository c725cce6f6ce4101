//! The header line (profile, platform, badges, jobs) and the tab bar.

use crate::tui::app::{App, Tab};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// `telcreds ─ prod-dasha [PROD] [RO] ─ dasha ─ ◐ 2 jobs`
pub fn draw_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut spans = vec![
        Span::styled(" telcreds ", t.header),
        Span::styled("─ ", t.muted),
    ];
    match app.profile() {
        Some(p) => {
            spans.push(Span::styled(p.name.clone(), t.header.fg(t.accent)));
            if p.is_production() {
                spans.push(Span::raw(" "));
                spans.push(Span::styled("[PROD]", t.badge_prod));
            }
            if p.readonly {
                spans.push(Span::raw(" "));
                spans.push(Span::styled("[RO]", t.badge_ro));
            }
            spans.push(Span::styled(" ─ ", t.muted));
            spans.push(Span::styled(p.platform.to_string(), t.base));
            if let Some(label) = &p.label {
                spans.push(Span::styled(format!(" ({label})"), t.muted));
            }
        }
        None => spans.push(Span::styled("no profile", t.error)),
    }
    if app.auto_refresh_used {
        spans.push(Span::styled(" ─ ", t.muted));
        match app.auto_refresh_at {
            Some(_) => spans.push(Span::styled(
                format!("⟳ {}s", crate::tui::app::AUTO_REFRESH.as_secs()),
                t.ok,
            )),
            None => spans.push(Span::styled("⏸ refresh paused", t.warn)),
        }
    }
    match app.unfinished_runs.as_slice() {
        [] => {}
        [run] => {
            spans.push(Span::styled(" ─ ", t.muted));
            spans.push(Span::styled(
                format!(
                    "⚠ rotation of {} NOT finished: {}",
                    crate::domain::short_sid(&run.account_sid),
                    run.stage
                ),
                t.warn,
            ));
        }
        runs => {
            spans.push(Span::styled(" ─ ", t.muted));
            spans.push(Span::styled(
                format!("⚠ {} rotations NOT finished", runs.len()),
                t.warn,
            ));
        }
    }
    let jobs = app.jobs_in_flight();
    if jobs > 0 {
        let frame_char = super::spinner(app);
        let label = if jobs == 1 { "job" } else { "jobs" };
        spans.push(Span::styled(" ─ ", t.muted));
        spans.push(Span::styled(
            format!("{frame_char} {jobs} {label}"),
            t.pending,
        ));
    }
    if app.connect_error.is_some() {
        // The reason is in the table, where it has room.
        spans.push(Span::styled(" ─ ", t.muted));
        spans.push(Span::styled("✗ not connected", t.error));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.base), area);
}

/// ` 1 Providers   2 SIP credentials   3 Verification   4 Activity`
pub fn draw_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in Tab::ALL.iter().enumerate() {
        if *tab == Tab::Sip && !app.caps().sip_credentials {
            continue;
        }
        let style = if *tab == app.tab { t.selected } else { t.muted };
        spans.push(Span::styled(format!(" {} {} ", i + 1, tab.title()), style));
        spans.push(Span::raw("  "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.base), area);
}

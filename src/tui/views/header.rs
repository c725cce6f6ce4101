//! The header line (profile, platform, badges, jobs) and the tab bar.

use crate::tui::app::{App, Tab};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// `telcreds ─ prod-dasha [PROD] [RO] ─ dasha ─ ◐ 2 jobs`
pub fn draw_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.settings.theme;
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
    if let Some(on) = app.timers.auto_refresh() {
        spans.push(Span::styled(" ─ ", t.muted));
        if on {
            spans.push(Span::styled(
                format!("⟳ {}s", crate::tui::app::AUTO_REFRESH.as_secs()),
                t.ok,
            ));
        } else {
            spans.push(Span::styled("⏸ refresh paused", t.warn));
        }
    }
    for unstored in &app.rotation.unstored_tokens {
        spans.push(Span::styled(" ─ ", t.muted));
        spans.push(Span::styled(
            format!(
                "⚠ new token of {} may be stored nowhere (read it in the Twilio console)",
                crate::domain::short_sid(&unstored.account_sid)
            ),
            t.error,
        ));
    }
    let runs = not_finished(
        &app.rotation.unfinished_runs,
        |run| {
            format!(
                "⚠ rotation of {} NOT finished: {}",
                crate::domain::short_sid(&run.account_sid),
                run.stage
            )
        },
        "rotations",
    );
    let carrier = not_finished(
        &app.rotation.unfinished_carrier,
        |run| {
            format!(
                "⚠ rotation at both ends of {} on {} NOT finished: {}",
                crate::text::printable(run.name.as_deref().unwrap_or(&run.credential_id)),
                crate::text::printable(&run.profile),
                run.stage
            )
        },
        "rotations at both ends",
    );
    for text in runs.into_iter().chain(carrier) {
        spans.push(Span::styled(" ─ ", t.muted));
        spans.push(Span::styled(text, t.warn));
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
    if app.session.connect_error.is_some() {
        // The reason is in the table, where it has room.
        spans.push(Span::styled(" ─ ", t.muted));
        spans.push(Span::styled("✗ not connected", t.error));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.base), area);
}

/// ` 1 Providers   2 SIP credentials   3 Verification   4 Activity`, with shorter
/// titles where that does not fit (`1 Prov  2 SIP  3 Verif  4 Act`), and at the
/// last only the numbers and the current tab's title: never a title cut.
pub fn draw_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.settings.theme;
    let tabs: Vec<(usize, Tab)> = Tab::ALL
        .into_iter()
        .enumerate()
        .filter(|(_, tab)| *tab != Tab::Sip || app.session.caps().sip_credentials)
        .map(|(i, tab)| (i + 1, tab))
        .collect();
    let bar = |title: &dyn Fn(Tab) -> &'static str| {
        let mut spans = vec![Span::raw(" ")];
        for &(n, tab) in &tabs {
            let style = if tab == app.tables.tab {
                t.selected
            } else {
                t.muted
            };
            let label = match title(tab) {
                "" => format!(" {n} "),
                title => format!(" {n} {title} "),
            };
            spans.push(Span::styled(label, style));
            spans.push(Span::raw("  "));
        }
        spans.pop();
        Line::from(spans)
    };
    let line = (0..3)
        .map(|level| bar(&|tab: Tab| tab.titles()[level]))
        .find(|line| line.width() <= usize::from(area.width))
        .unwrap_or_else(|| {
            bar(&|tab: Tab| {
                if tab == app.tables.tab {
                    tab.titles()[2]
                } else {
                    ""
                }
            })
        });
    frame.render_widget(Paragraph::new(line).style(t.base), area);
}

/// What the header says of unfinished rotations: the one there is, or how many.
fn not_finished<T>(items: &[T], one: impl Fn(&T) -> String, many: &str) -> Option<String> {
    match items {
        [] => None,
        [item] => Some(one(item)),
        items => Some(format!("⚠ {} {many} NOT finished", items.len())),
    }
}

//! The detail pane: every field of the selected item, secrets masked unless revealed.

use super::pane;
use crate::domain::time::{ago, stamp};
use crate::domain::validate::field;
use crate::domain::{Provider, SipCredential, VerificationStatus};
use crate::history::{Record, Source, transitions};
use crate::probe::report::ProbeReport;
use crate::secret::Secret;
use crate::tui::app::theme::Theme;
use crate::tui::app::{ActivityEntry, App, Focus, Tab};
use crate::tui::components::widgets::{clip, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the detail pane of the current tab's selection.
pub fn draw_detail(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.tables.focus() == Focus::Detail && app.overlay.is_none();
    let lines = match app.tables.tab {
        Tab::Providers | Tab::Verification => app
            .tables
            .selected_provider()
            .map(|p| provider_lines(app, p)),
        Tab::Sip => app.tables.selected_sip().map(|c| sip_lines(app, &c)),
        Tab::Activity => app
            .tables
            .activity
            .selected_item()
            .map(|a| activity_lines(app, a)),
    };
    let lines =
        lines.unwrap_or_else(|| vec![Line::styled("nothing selected", app.settings.theme.muted)]);
    let width = usize::from(area.width.saturating_sub(2));
    let lines: Vec<Line> = lines.iter().flat_map(|l| hanging_wrap(l, width)).collect();
    let paragraph = Paragraph::new(lines)
        .block(pane(app, " Detail ".into(), focused))
        .scroll((app.tables.detail_scroll(), 0));
    frame.render_widget(paragraph, area);
}

/// Wraps a line's last span under itself, at spaces (a word longer than a row is
/// cut): the spans before it (a label, a symbol and a check name) stay on the first
/// row and the continuation rows are indented to where the last span starts, so
/// ids and messages never wrap to column 0.
fn hanging_wrap(line: &Line<'static>, width: usize) -> Vec<Line<'static>> {
    let Some((last, prefix)) = line.spans.split_last() else {
        return vec![line.clone()];
    };
    // A line of one span (indented JSON) continues under its own indentation.
    let text = last.content.trim_start_matches(' ');
    let leading = if prefix.is_empty() {
        last.content.len() - text.len()
    } else {
        0
    };
    let indent: usize = prefix.iter().map(Span::width).sum::<usize>() + leading;
    let room = width.saturating_sub(indent);
    if line.width() <= width || room < 8 {
        return vec![line.clone()];
    }
    wrap(text, room)
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            // The first row after the prefix (or the leading spaces), the others
            // indented as far.
            let mut spans = if i == 0 { prefix.to_vec() } else { Vec::new() };
            let pad = if i == 0 { leading } else { indent };
            if pad > 0 {
                spans.push(Span::raw(" ".repeat(pad)));
            }
            spans.push(Span::styled(row, last.style));
            Line::from(spans).style(line.style)
        })
        .collect()
}

const LABEL_WIDTH: usize = 14;

fn activity_lines(app: &App, a: &ActivityEntry) -> Vec<Line<'static>> {
    let t = &app.settings.theme;
    let e = &a.entry;
    let mut lines = vec![
        kv(t, "time", e.time.format("%Y-%m-%d %H:%M:%SZ").to_string()),
        kv(t, "profile", opt(&e.profile)),
        kv(
            t,
            "platform",
            e.platform
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "-".into()),
        ),
        kv(t, "action", e.action.to_string()),
        kv(t, "target", a.target().to_string()),
        kv(t, "target id", e.target.id.clone()),
    ];
    let style = t.tone(e.outcome.tone());
    lines.push(Line::from(vec![
        label(t, "outcome"),
        Span::styled(e.outcome.to_string(), style),
    ]));
    if let Some(err) = &e.error {
        lines.push(Line::from(vec![
            label(t, "error"),
            Span::styled(err.clone(), t.error),
        ]));
    }
    if let Some(d) = &e.detail {
        lines.push(kv(t, "detail", d.clone()));
    }
    lines
}

/// The verification timeline: status changes and the last Twilio check by telcreds.
fn history_lines(app: &App, records: &[Record]) -> Vec<Line<'static>> {
    let t = &app.settings.theme;
    let now = app.timers.now();
    let mut lines = vec![Line::raw(""), Line::styled("history", t.title)];
    if records.is_empty() {
        lines.push(Line::styled(
            " no verification recorded by telcreds yet",
            t.muted,
        ));
        return lines;
    }
    if let Some(last) = records.iter().rev().find(|r| r.source == Source::Twilio) {
        lines.push(Line::from(vec![
            Span::styled(" last Twilio check  ", t.muted),
            Span::styled(
                format!("{} {}", last.status.symbol(), last.status),
                t.status(&last.status),
            ),
            Span::styled(format!("  {}", ago(Some(last.time), now)), t.muted),
        ]));
    }
    let changes = transitions(records);
    if changes.is_empty() {
        let last = &records[records.len() - 1];
        lines.push(Line::styled(
            format!(
                " {} since {} ({} record{})",
                last.status,
                stamp(Some(records[0].time)),
                records.len(),
                if records.len() == 1 { "" } else { "s" }
            ),
            t.muted,
        ));
    }
    for c in changes.iter().rev().take(8) {
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", stamp(Some(c.time))), t.muted),
            Span::styled(format!("{} → ", c.from), t.status(&c.from)),
            Span::styled(c.to.to_string(), t.status(&c.to)),
            Span::styled(format!("  ({})", c.source), t.muted),
        ]));
    }
    lines
}

fn label(t: &Theme, key: &str) -> Span<'static> {
    Span::styled(format!("{key:<LABEL_WIDTH$}"), t.muted)
}

fn kv(t: &Theme, key: &str, value: String) -> Line<'static> {
    Line::from(vec![label(t, key), Span::styled(clip(&value), t.base)])
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}

fn provider_lines(app: &App, p: &Provider) -> Vec<Line<'static>> {
    let t = &app.settings.theme;
    let now = app.timers.now();
    let mut lines = vec![
        kv(t, "name", p.display_name()),
        kv(t, "id", p.id.clone()),
        kv(t, "account sid", p.account_sid.clone()),
        kv(
            t,
            "auth token",
            format!("{} (never shown)", Secret::masked()),
        ),
        Line::from(vec![
            label(t, "status"),
            Span::styled(
                format!("{} {}", p.status.symbol(), p.status),
                t.status(&p.status),
            ),
        ]),
    ];
    if p.status == VerificationStatus::NotVerifiable {
        lines.push(kv(t, "", "not verifiable by the platform".into()));
    } else {
        let verified = match p.last_verified_at {
            Some(at) => format!("{} ({})", ago(Some(at), now), stamp(Some(at))),
            None => "never".to_string(),
        };
        lines.push(kv(t, "verified", verified));
    }
    for (k, v) in [
        ("region", &p.region),
        ("trunk", &p.trunk_sid),
        ("termination", &p.termination_uri),
    ] {
        if v.is_some() {
            lines.push(kv(t, k, opt(v)));
        }
    }
    if let Some(c) = p.supports_call_transfer {
        lines.push(kv(t, "call transfer", if c { "yes" } else { "no" }.into()));
    }
    if let Some(n) = p.phone_number_count {
        lines.push(kv(t, "numbers", n.to_string()));
    }
    if p.created_at.is_some() {
        lines.push(kv(t, "created", stamp(p.created_at)));
    }
    if !p.checks.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("checks", t.title));
        let with_details = app.tables.tab == Tab::Verification;
        for c in &p.checks {
            lines.push(Line::from(vec![
                Span::styled(format!(" {} ", c.status.symbol()), t.check(&c.status)),
                Span::styled(format!("{:<15}", c.name), t.base),
                Span::styled(c.message.clone(), t.muted),
            ]));
            if with_details {
                if let Some(ts) = c.timestamp {
                    lines.push(Line::styled(
                        format!("     at {}", stamp(Some(ts))),
                        t.muted,
                    ));
                }
                if !c.details.is_null() && c.details != serde_json::json!({}) {
                    let pretty = serde_json::to_string_pretty(&c.details).unwrap_or_default();
                    lines.extend(
                        pretty
                            .lines()
                            .map(|l| Line::styled(format!("     {l}"), t.muted)),
                    );
                }
            }
        }
    }
    if let Some(records) = app.tables.detail(&p.id).and_then(|d| d.history.as_ref()) {
        lines.extend(history_lines(app, records));
    }
    if let Some(extra) = app
        .tables
        .detail(&p.id)
        .filter(|_| app.session.caps().verification)
    {
        lines.push(Line::raw(""));
        match &extra.numbers {
            None => lines.push(Line::styled("loading phone numbers…", t.muted)),
            Some(ns) if ns.is_empty() => lines.push(Line::styled("no phone numbers", t.muted)),
            Some(ns) => {
                lines.push(Line::styled(
                    format!("phone numbers ({})", ns.len()),
                    t.title,
                ));
                lines.extend(ns.iter().map(|n| {
                    Line::styled(
                        format!(" {}  {}", n.phone_number, opt(&n.description)),
                        t.base,
                    )
                }));
            }
        }
    } else if app.tables.detail(&p.id).is_none() {
        lines.push(Line::raw(""));
        let what = if app.session.caps().verification {
            "its phone numbers and history"
        } else {
            "its history"
        };
        lines.push(Line::styled(format!("⏎ shows {what}"), t.muted));
    }
    lines
}

fn sip_lines(app: &App, c: &SipCredential) -> Vec<Line<'static>> {
    let t = &app.settings.theme;
    let password = match &c.auth_password {
        None => Span::styled(c.field_text::<String>(field::AUTH_PASSWORD, None), t.base),
        Some(p) if app.timers.is_revealed(&c.id) => Span::styled(p.expose().to_string(), t.warn),
        Some(_) => Span::styled(format!("{} (x reveals)", Secret::masked()), t.base),
    };
    let source_style: Style = if c.is_read_only() { t.warn } else { t.base };
    let source = if c.is_read_only() {
        format!("{} (managed by its provider: read-only)", c.source)
    } else {
        c.source.to_string()
    };
    let mut lines = vec![
        kv(
            t,
            "description",
            c.field_text(field::DESCRIPTION, c.description.as_ref()),
        ),
        kv(t, "id", c.id.clone()),
        kv(t, "server", c.server.clone()),
        kv(t, "domain", c.field_text(field::DOMAIN, c.domain.as_ref())),
        kv(
            t,
            "auth user",
            c.field_text(field::AUTH_USER, c.auth_user.as_ref()),
        ),
        Line::from(vec![label(t, "password"), password]),
        kv(t, "transport", c.transport.to_string()),
        kv(
            t,
            "cps limit",
            c.field_text(field::CPS_LIMIT, c.cps_limit.as_ref()),
        ),
        kv(
            t,
            "cps key",
            c.field_text(field::CPS_KEY, c.cps_key.as_ref()),
        ),
        Line::from(vec![label(t, "source"), Span::styled(source, source_style)]),
    ];
    if let Some(pid) = &c.provider_id {
        lines.push(kv(t, "provider", pid.clone()));
    }
    lines.push(kv(t, "updated", stamp(c.last_update_time)));
    if let Some(d) = app.tables.detail(&c.id).filter(|d| d.carrier_lookup) {
        lines.push(match &d.carrier {
            None => Line::from(vec![
                label(t, "carrier"),
                Span::styled("looking at Twilio…", t.muted),
            ]),
            Some(end) => match (end.found(), end.missing()) {
                (Some(link), _) => kv(t, "carrier", link.describe()),
                (None, why) => Line::from(vec![
                    label(t, "carrier"),
                    Span::styled(
                        crate::text::printable(&format!("none: {}", why.unwrap_or_default()))
                            .into_owned(),
                        t.warn,
                    ),
                ]),
            },
        });
    }
    // This session's last probe, else the last one recorded in its history.
    let recorded = app
        .tables
        .detail(&c.id)
        .and_then(|d| d.history.as_ref())
        .and_then(|records| records.iter().rev().find(|r| r.source == Source::Probe))
        .cloned();
    if let Some(record) = app
        .tables
        .probes
        .get(&c.id)
        .map(|r| r.record())
        .or(recorded)
    {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("probe ", t.title),
            Span::styled(ProbeReport::headline_of(&record), t.status(&record.status)),
            Span::styled(format!("  {}", stamp(Some(record.time))), t.muted),
        ]));
        for check in &record.checks {
            lines.push(Line::from(vec![
                Span::styled(
                    format!(" {} ", check.status.symbol()),
                    t.check(&check.status),
                ),
                Span::styled(format!("{:<13}", check.name), t.base),
                Span::styled(check.message.clone(), t.muted),
            ]));
        }
    }
    lines.push(Line::raw(""));
    match app.tables.detail(&c.id).map(|d| &d.dependants) {
        Some(None) => lines.push(Line::styled("loading what uses it…", t.muted)),
        Some(Some(d)) if d.is_empty() => lines.push(Line::styled("nothing uses it", t.muted)),
        Some(Some(d)) => {
            lines.push(Line::styled("used by", t.title));
            lines.extend(
                d.describe()
                    .into_iter()
                    .map(|l| Line::styled(format!(" {l}"), t.base)),
            );
        }
        None => lines.push(Line::styled("⏎ shows what uses it", t.muted)),
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_value_wraps_under_itself_never_to_column_zero() {
        let t = Theme::default_theme();
        let line = kv(&t, "id", "a1000000-0000-4000-8000-000000000007".into());
        let rows: Vec<String> = hanging_wrap(&line, 30)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            rows,
            [
                format!("{:<14}a1000000-0000-40", "id"),
                format!("{:<14}00-8000-00000000", ""),
                format!("{:<14}0007", ""),
            ]
        );
        let short = kv(&t, "id", "p1".into());
        assert_eq!(hanging_wrap(&short, 30).len(), 1);
    }

    #[test]
    fn a_long_value_wraps_at_spaces_and_an_id_that_fits_a_row_stays_whole() {
        let t = Theme::default_theme();
        let text = "rejected by AC3f00000000000000000000000000091ab at the trunk";
        let rows: Vec<String> = hanging_wrap(&kv(&t, "error", text.into()), 54)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            rows,
            [
                format!("{:<14}rejected by", "error"),
                format!("{:<14}AC3f00000000000000000000000000091ab at", ""),
                format!("{:<14}the trunk", ""),
            ]
        );
    }
}

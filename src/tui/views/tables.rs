//! The table of the current tab. Only the rows inside the window are built.

use super::grid::{self, GridRow};
use super::layout::Width;
use super::{pane, table_focused};
use crate::journal::Outcome;
use crate::text::thousands;
use crate::tui::app::list::{ItemList, Row as ListRow, Sort};
use crate::tui::app::rows::{PROVIDER_COLUMNS, SIP_COLUMNS, provider_cells, sip_cells};
use crate::tui::app::{App, Tab};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// Draws the table of the current tab.
pub fn draw_table(app: &mut App, frame: &mut Frame, area: Rect) {
    // Border (2) and header row (1) are not rows.
    let height = area.height.saturating_sub(3) as usize;
    match app.tables.tab {
        // SIP credentials probed in this session join the verification results.
        // (only when there is room for a row of them).
        Tab::Verification if !app.tables.probes.is_empty() && area.height / 3 >= 4 => {
            let wanted = (app.tables.probes.len() as u16 + 3).min(area.height / 3);
            let [providers, probes] = super::layout::rows(area, [0, wanted], 0);
            draw_providers(
                app,
                frame,
                providers,
                providers.height.saturating_sub(3) as usize,
            );
            draw_probes(app, frame, probes);
        }
        Tab::Providers | Tab::Verification => draw_providers(app, frame, area, height),
        Tab::Sip => draw_sip(app, frame, area, height),
        Tab::Activity => draw_activity(app, frame, area, height),
    }
}

/// The SIP credentials probed in this session, worst first, with the step that
/// decided (the first that did not pass).
fn draw_probes(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let mut probes: Vec<_> = app.tables.probes.values().collect();
    probes.sort_by_key(|r| (r.status().severity_rank(), r.credential_id.clone()));
    let shown = &probes[..probes.len().min(usize::from(area.height.saturating_sub(3)))];
    let headlines: Vec<String> = shown.iter().map(|r| r.headline()).collect();
    let rows: Vec<GridRow> = shown
        .iter()
        .zip(&headlines)
        .map(|(r, headline)| {
            let decided = r
                .decisive_check()
                .map(|c| format!("{}: {}", c.name, c.message))
                .unwrap_or_default();
            GridRow::new([
                Line::from(crate::tui::components::widgets::clip(&r.credential_name)),
                Line::from(crate::tui::components::widgets::clip(&r.server)),
                Line::from(Span::styled(headline.clone(), theme.status(&r.status()))),
                Line::from(Span::styled(decided, theme.muted)),
            ])
        })
        .collect();
    // As wide as the widest result ("✓ reachable; password not checked" is long).
    let result_width = headlines.iter().map(|h| h.width()).max().unwrap_or(0);
    let widths = [
        Width::Fill(2),
        Width::Fill(2),
        Width::Fixed(u16::try_from(result_width).unwrap_or(u16::MAX).max(12)),
        Width::Fill(4),
    ];
    let block = pane(app, format!(" SIP probes ({}) ", probes.len()), false);
    grid::render(
        frame,
        area,
        block,
        (&["CREDENTIAL", "SERVER", "RESULT", "STEP"], &widths[..]),
        &rows,
        usize::MAX,
        theme,
    );
}

fn title<T: ListRow>(name: &str, list: &ItemList<T>, columns: &[&str]) -> String {
    let (shown, all) = (list.len() as u64, list.items().len() as u64);
    let mut t = format!("{name} ({})", thousands(shown));
    if shown != all {
        t = format!("{name} ({} of {})", thousands(shown), thousands(all));
    }
    title_tail(t, list, columns)
}

/// A list's title while its pages arrive: `loading` says how far it is; only a
/// filter's match count is added.
fn loading_title<T: ListRow>(loading: &str, list: &ItemList<T>, columns: &[&str]) -> String {
    let mut t = loading.to_string();
    if !list.filter().is_empty() {
        t.push_str(&format!(" ({} match)", thousands(list.len() as u64)));
    }
    title_tail(t, list, columns)
}

/// The filter and the sort after a title's name and counts.
fn title_tail<T: ListRow>(mut t: String, list: &ItemList<T>, columns: &[&str]) -> String {
    if !list.filter().is_empty() {
        t.push_str(&format!("  /{}", list.filter()));
    }
    if let Some(s) = list.sort() {
        let arrow = if s.descending { "↓" } else { "↑" };
        if let Some(c) = columns.get(s.column) {
            t.push_str(&format!("  {arrow}{}", c.to_lowercase()));
        }
    }
    format!(" {t} ")
}

/// The column names of a table sorted by `sort`, the sorted one followed by ↑ or ↓.
fn header(columns: &[&str], sort: Option<Sort>) -> Vec<String> {
    columns
        .iter()
        .enumerate()
        .map(|(i, name)| match sort {
            Some(s) if s.column == i => {
                format!("{name} {}", if s.descending { "↓" } else { "↑" })
            }
            _ => name.to_string(),
        })
        .collect()
}

/// What to show instead of rows: loading, error, or nothing matches.
fn placeholder<T: ListRow>(app: &App, list: &ItemList<T>, what: &str) -> Option<(String, Style)> {
    let retry = app.settings.retry_key();
    if let Some(e) = &list.error {
        return Some((
            format!("✗ {e}\n\n{retry} retries"),
            app.settings.theme.error,
        ));
    }
    if !list.loaded {
        let text = match &app.session.connect_error {
            Some(e) => format!("✗ {e}\n\n{retry} retries"),
            None => format!("loading {what}…"),
        };
        return Some((text, app.settings.theme.muted));
    }
    if list.is_empty() {
        let text = if list.items().is_empty() {
            format!("no {what} yet")
        } else {
            format!(
                "nothing matches /{} (Esc in the filter clears it)",
                list.filter()
            )
        };
        return Some((text, app.settings.theme.muted));
    }
    None
}

fn draw_placeholder(
    frame: &mut Frame,
    area: Rect,
    block: ratatui::widgets::Block,
    text: String,
    style: Style,
) {
    frame.render_widget(
        Paragraph::new(text)
            .style(style)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn draw_providers(app: &mut App, frame: &mut Frame, area: Rect, height: usize) {
    let tab = app.tables.tab;
    let name = if tab == Tab::Verification {
        "Verification"
    } else {
        "Providers"
    };
    let list = if tab == Tab::Verification {
        &app.tables.verification
    } else {
        &app.tables.providers
    };
    let block = pane(app, title(name, list, PROVIDER_COLUMNS), table_focused(app));
    if let Some((text, style)) = placeholder(app, list, "providers") {
        return draw_placeholder(frame, area, block, text, style);
    }
    let now = app.timers.now();
    let theme = app.settings.theme.clone();
    let spinner = super::spinner(app);
    // Accounts whose rotation did not finish: their providers are marked.
    let runs = &app.rotation.unfinished_runs;
    let verifying = &app.calls.verifying;
    let list = if tab == Tab::Verification {
        &mut app.tables.verification
    } else {
        &mut app.tables.providers
    };
    list.scroll(height);
    let list = &*list;
    let (offset, items) = list.visible(height);
    let rows: Vec<GridRow> = items
        .iter()
        .map(|p| {
            let [name, sid, status, verified, numbers] = provider_cells(p, now);
            let status_cell = if verifying.contains(&p.id) {
                Span::styled(format!("{spinner} verifying"), theme.pending)
            } else {
                Span::styled(status, theme.status(&p.status))
            };
            let mark = if list.is_marked(&p.id) { "● " } else { "" };
            let rotating = runs
                .iter()
                .any(|r| crate::domain::same_account_sid(&r.account_sid, &p.account_sid));
            let sid_cell = if rotating {
                Line::from(Span::styled(format!("⚠ {sid}"), theme.warn))
            } else {
                Line::from(sid)
            };
            GridRow::new([
                Line::from(format!("{mark}{name}")),
                sid_cell,
                Line::from(status_cell),
                Line::from(verified),
                Line::from(numbers),
            ])
        })
        .collect();
    // By importance: the name, SID and status stay; when and how many go first.
    let widths = [
        Width::Fill(3),
        Width::Fixed(11),
        Width::Fixed(16),
        Width::Optional(9),
        Width::Optional(7),
    ];
    let selected = list.selected_index() - offset;
    let titles = header(PROVIDER_COLUMNS, list.sort());
    let columns = (&titles[..], &widths[..]);
    grid::render(frame, area, block, columns, &rows, selected, &theme);
}

fn draw_sip(app: &mut App, frame: &mut Frame, area: Rect, height: usize) {
    let title = match &app.tables.sip_load {
        // "SIP credentials: 3,000 of 100,000, loading" while the pages arrive.
        Some(load) if load.is_visible() => {
            let loading = format!(
                "SIP credentials: {}{}, loading",
                crate::text::thousands(load.loaded as u64),
                load.total
                    .map(|t| format!(" of {}", crate::text::thousands(t)))
                    .unwrap_or_default()
            );
            loading_title(&loading, &app.tables.sip, SIP_COLUMNS)
        }
        _ => title("SIP credentials", &app.tables.sip, SIP_COLUMNS),
    };
    let block = pane(app, title, table_focused(app));
    if let Some((text, style)) = placeholder(app, &app.tables.sip, "SIP credentials") {
        return draw_placeholder(frame, area, block, text, style);
    }
    let theme = app.settings.theme.clone();
    app.tables.sip.scroll(height);
    let selected = app.tables.sip.selected_index();
    let (offset, items) = app.tables.sip.visible(height);
    let rows: Vec<GridRow> = items
        .iter()
        .map(|c| {
            let style = if c.is_read_only() {
                theme.muted
            } else {
                Style::default()
            };
            GridRow::new(sip_cells(c)).style(style)
        })
        .collect();
    // By importance: the CPS limit and the source go first on a narrow screen.
    let widths = [
        Width::Fill(3),
        Width::Fill(3),
        Width::Fixed(9),
        Width::Fill(2),
        Width::Optional(4),
        Width::Optional(8),
    ];
    let titles = header(SIP_COLUMNS, app.tables.sip.sort());
    let columns = (&titles[..], &widths[..]);
    grid::render(
        frame,
        area,
        block,
        columns,
        &rows,
        selected - offset,
        &theme,
    );
}

fn draw_activity(app: &mut App, frame: &mut Frame, area: Rect, height: usize) {
    const COLUMNS: &[&str] = &["TIME", "PROFILE", "ACTION", "TARGET", "OUTCOME"];
    let block = pane(
        app,
        title("Activity", &app.tables.activity, &[]),
        table_focused(app),
    );
    if app.tables.activity.items().is_empty() {
        let text = "the audit journal is empty: changes made with telcreds appear here".to_string();
        return draw_placeholder(frame, area, block, text, app.settings.theme.muted);
    }
    let theme = app.settings.theme.clone();
    app.tables.activity.scroll(height);
    let selected = app.tables.activity.selected_index();
    let (offset, items) = app.tables.activity.visible(height);
    let rows: Vec<GridRow> = items
        .iter()
        .map(|a| {
            let e = &a.entry;
            let tone = e.outcome.tone();
            let words = match (e.outcome, &e.error) {
                (Outcome::Ok, _) => "ok".to_string(),
                (_, Some(why)) => why.clone(),
                (outcome, None) => outcome.to_string(),
            };
            let outcome = Span::styled(format!("{} {words}", tone.symbol()), theme.tone(tone));
            GridRow::new([
                Line::from(e.time.format("%m-%d %H:%M").to_string()),
                Line::from(e.profile.clone().unwrap_or_else(|| "-".into())),
                Line::from(e.action.to_string()),
                Line::from(a.target()),
                Line::from(outcome),
            ])
        })
        .collect();
    // Most action names fit 15 characters; a longer one ("rotation.secondary_create")
    // borrows what the other columns leave.
    let widths = [
        Width::Fixed(11),
        Width::Fill(1),
        Width::Fixed(15),
        Width::Fill(2),
        Width::Fill(3),
    ];
    let titles = header(COLUMNS, app.tables.activity.sort());
    let columns = (&titles[..], &widths[..]);
    grid::render(
        frame,
        area,
        block,
        columns,
        &rows,
        selected - offset,
        &theme,
    );
}

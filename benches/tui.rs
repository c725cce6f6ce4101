//! Drawing, key handling, filtering and sorting with 100 and 100,000 SIP
//! credentials. Drawing and moving build only the visible rows, so they cost the
//! same at both sizes; a filter keystroke is one pass over the rows (a narrowing one
//! over the previous matches only), a sort compares precomputed keys.
//! Run: `cargo bench --bench tui` (the README's development section has the figures).

use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::sync::Arc;
use telcreds::api::{Http, HttpOptions};
use telcreds::config::{Profile, TokenSource};
use telcreds::domain::{Platform, SipCredential, SipSource, Transport};
use telcreds::history::History;
use telcreds::journal::Journal;
use telcreds::ops::{Ops, Stores};
use telcreds::secret::Secret;
use telcreds::tui::app::theme::Theme;
use telcreds::tui::app::{App, Clock};
use telcreds::tui::views;

/// Credential `i`; its description starts with a capital letter when `capital`.
fn credential(i: usize, capital: bool) -> SipCredential {
    SipCredential {
        id: format!("c2000000-0000-4000-8000-{i:012}"),
        org_id: "org".into(),
        server: format!("sip{i}.carrier.example:5061"),
        domain: Some("carrier.example".into()),
        auth_user: Some(format!("user-{i}")),
        auth_password: Some(Secret::new("password")),
        transport: Transport::KNOWN[i % 3].into(),
        source: SipSource::Manual,
        description: Some(format!("{} {i}", if capital { "Trunk" } else { "trunk" })),
        cps_limit: Some((i % 50) as u32),
        cps_key: None,
        provider_id: None,
        created_time: None,
        last_update_time: None,
        unreadable: Vec::new(),
    }
}

fn app_with(n: usize, capital: bool) -> App {
    let profile = Profile::new(
        "bench",
        Platform::Dasha,
        "https://example.invalid/api/v1",
        TokenSource::Inline(Secret::new("t")),
    );
    let http = Http::new(HttpOptions::default()).unwrap();
    let stores = Stores {
        journal: Journal::open(std::env::temp_dir().join("telcreds-bench-journal.jsonl")),
        history: History::open(std::env::temp_dir().join("telcreds-bench-history")),
    };
    let ops = Ops::connect(&profile, http, stores).unwrap();
    let clock = Clock {
        mono: std::time::Instant::now(),
        wall: Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap(),
    };
    let (mut app, _) = App::new(vec![profile], 0, Theme::default_theme(), clock);
    app.session.ops = Some(Arc::new(ops));
    app.tables
        .sip
        .set_items((0..n).map(|i| credential(i, capital).into()).collect());
    let _ = app.handle_key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE));
    app
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sip");
    for n in [100usize, 100_000] {
        let mut app = app_with(n, false);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        group.bench_with_input(BenchmarkId::new("draw_120x40", n), &n, |b, _| {
            b.iter(|| {
                terminal.draw(|f| views::draw(&mut app, f)).unwrap();
            });
        });
        group.bench_with_input(BenchmarkId::new("key_down_up", n), &n, |b, _| {
            b.iter(|| {
                black_box(app.handle_key(key(KeyCode::Down)));
                black_box(app.handle_key(key(KeyCode::Up)));
            });
        });
        group.bench_with_input(BenchmarkId::new("key_end_home_and_draw", n), &n, |b, _| {
            b.iter(|| {
                let _ = app.handle_key(key(KeyCode::End));
                terminal.draw(|f| views::draw(&mut app, f)).unwrap();
                let _ = app.handle_key(key(KeyCode::Home));
            });
        });
        // A keystroke that widens the filter ("trunk 1" after "trunk 12", a backspace):
        // one pass over every row, then the redraw.
        group.bench_with_input(
            BenchmarkId::new("filter_keystroke_and_draw", n),
            &n,
            |b, _| {
                app.tables.sip.set_filter("trunk 12");
                b.iter(|| {
                    app.tables.sip.set_filter("trunk 1");
                    terminal.draw(|f| views::draw(&mut app, f)).unwrap();
                    app.tables.sip.set_filter("trunk 12");
                });
            },
        );
        // A keystroke that extends the filter: only the previous matches are searched.
        group.bench_with_input(BenchmarkId::new("narrowing_keystroke", n), &n, |b, _| {
            b.iter_batched(
                || {
                    let mut list = app.tables.sip.clone();
                    list.set_filter("trunk 1");
                    list
                },
                |mut list| {
                    list.set_filter("trunk 12");
                    list
                },
                criterion::BatchSize::LargeInput,
            );
        });
        // `s` and a column: its keys computed, then sorted.
        app.tables.sip.set_filter("");
        group.bench_with_input(BenchmarkId::new("sort_key", n), &n, |b, _| {
            b.iter_batched(
                || app.tables.sip.clone(),
                |mut list| {
                    list.sort_by(1);
                    list
                },
                criterion::BatchSize::LargeInput,
            );
        });
    }
    // Descriptions with capital letters: searched without a lowercase copy, byte
    // by byte from each possible first letter instead of the vectorised search.
    let mut app = app_with(100_000, true);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    group.bench_function("filter_keystroke_and_draw_capitals/100000", |b| {
        app.tables.sip.set_filter("trunk 12");
        b.iter(|| {
            app.tables.sip.set_filter("trunk 1");
            terminal.draw(|f| views::draw(&mut app, f)).unwrap();
            app.tables.sip.set_filter("trunk 12");
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

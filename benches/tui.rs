//! Drawing and key handling cost with 100 and 10,000 SIP credentials: only the
//! visible rows are built, so both should cost the same.
//! Run: `cargo bench --bench tui`.

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
use telcreds::tui::app::{App, Clock};
use telcreds::tui::theme::Theme;
use telcreds::tui::views;

fn credential(i: usize) -> SipCredential {
    SipCredential {
        id: format!("c2000000-0000-4000-8000-{i:012}"),
        org_id: "org".into(),
        server: format!("sip{i}.carrier.example:5061"),
        domain: Some("carrier.example".into()),
        auth_user: Some(format!("user-{i}")),
        auth_password: Some(Secret::new("password")),
        transport: [Transport::Udp, Transport::Tcp, Transport::Tls][i % 3].clone(),
        source: SipSource::Manual,
        description: Some(format!("trunk {i}")),
        cps_limit: Some((i % 50) as u32),
        cps_key: None,
        provider_id: None,
        created_time: None,
        last_update_time: None,
        unreadable: Vec::new(),
    }
}

fn app_with(n: usize) -> App {
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
    app.ops = Some(Arc::new(ops));
    app.sip.set_items((0..n).map(credential).collect());
    let _ = app.handle_key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE));
    app
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sip");
    for n in [100usize, 10_000] {
        let mut app = app_with(n);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        group.bench_with_input(BenchmarkId::new("draw_120x40", n), &n, |b, _| {
            b.iter(|| {
                terminal.draw(|f| views::draw(&mut app, f)).unwrap();
            });
        });
        group.bench_with_input(BenchmarkId::new("key_down_up", n), &n, |b, _| {
            b.iter(|| {
                black_box(app.handle_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)));
                black_box(app.handle_key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE)));
            });
        });
        group.bench_with_input(BenchmarkId::new("key_end_home_and_draw", n), &n, |b, _| {
            b.iter(|| {
                let _ = app.handle_key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE));
                terminal.draw(|f| views::draw(&mut app, f)).unwrap();
                let _ = app.handle_key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
            });
        });
        // Filtering must look at every row once per keystroke: linear, reported for scale.
        group.bench_with_input(BenchmarkId::new("filter_keystroke", n), &n, |b, _| {
            b.iter(|| {
                app.sip.set_filter("trunk 99");
                app.sip.set_filter("");
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Drives `App` with key presses against the sandbox, without a terminal: effects go
//! to the real worker, results come back over the channel, screens render to
//! ratatui's TestBackend.

use crate::support::http;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;
use telcreds::config::Profile;
use telcreds::history::History;
use telcreds::journal::Journal;
use telcreds::ops::Stores;
use telcreds::sandbox::{Sandbox, SandboxOptions, Seed};
use telcreds::secret::Secret;
use telcreds::tui::app::theme::Theme;
use telcreds::tui::app::{App, Clock};
use telcreds::tui::runtime::demo;
use telcreds::tui::runtime::effect::{Effect, Msg};
use telcreds::tui::runtime::worker::Worker;
use telcreds::tui::views;
use tokio::sync::mpsc::UnboundedReceiver;

/// An app wired to a sandbox.
pub struct Harness {
    pub app: App,
    pub sandbox: Sandbox,
    worker: Worker,
    rx: UnboundedReceiver<Msg>,
    /// Everything put on the clipboard.
    pub copied: Vec<Secret>,
    /// Where the journal and history go.
    pub data: tempfile::TempDir,
}

impl Harness {
    /// A demo sandbox with `latency`, and the demo profiles, changed by `adjust`.
    pub async fn start(
        seed: Seed,
        latency: Duration,
        adjust: impl FnOnce(&mut Vec<Profile>),
    ) -> Harness {
        Harness::start_in(tempfile::tempdir().unwrap(), seed, latency, adjust).await
    }

    /// Like [`Harness::start`], with the journal and history kept in `data` (which may
    /// already hold some).
    pub async fn start_in(
        data: tempfile::TempDir,
        seed: Seed,
        latency: Duration,
        adjust: impl FnOnce(&mut Vec<Profile>),
    ) -> Harness {
        let mut h = Harness::build(data, seed, latency, adjust).await;
        h.settle().await;
        h
    }

    /// The app on a new sandbox, its first effects started, nothing awaited.
    async fn build(
        data: tempfile::TempDir,
        seed: Seed,
        latency: Duration,
        adjust: impl FnOnce(&mut Vec<Profile>),
    ) -> Harness {
        let options = SandboxOptions {
            seed,
            latency,
            ..SandboxOptions::default()
        };
        Harness::build_on(data, options, adjust).await
    }

    /// The demo plus `n` generated SIP credentials at `latency`, returned as soon as
    /// the first loads are asked for: messages are applied one by one with
    /// [`Harness::next`].
    pub async fn bulk(n: usize, latency: Duration) -> Harness {
        let options = SandboxOptions {
            latency,
            bulk_sip_credentials: n,
            ..SandboxOptions::default()
        };
        Harness::build_on(tempfile::tempdir().unwrap(), options, |_| {}).await
    }

    async fn build_on(
        data: tempfile::TempDir,
        options: SandboxOptions,
        adjust: impl FnOnce(&mut Vec<Profile>),
    ) -> Harness {
        let sandbox = Sandbox::start(options).await.unwrap();
        let mut profiles = demo::profiles(&sandbox);
        adjust(&mut profiles);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let stores = Stores {
            journal: Journal::open(data.path().join("journal.jsonl")),
            history: History::open(data.path().join("history")),
        };
        let worker = Worker::new(tx, http(), stores);
        let (mut app, effects) = App::new(profiles, 0, Theme::default_theme(), Clock::system());
        app.set_twilio_accounts(demo::twilio_accounts(&sandbox));
        let mut h = Harness {
            app,
            sandbox,
            worker,
            rx,
            copied: Vec::new(),
            data,
        };
        h.run(effects);
        h
    }

    /// A new UI on the same sandbox, journal and history, as after quitting and
    /// starting again with profiles `adjust`ed.
    pub async fn restart(&mut self, adjust: impl FnOnce(&mut Vec<Profile>)) {
        let mut profiles = demo::profiles(&self.sandbox);
        adjust(&mut profiles);
        let (mut app, effects) = App::new(profiles, 0, Theme::default_theme(), Clock::system());
        app.set_twilio_accounts(demo::twilio_accounts(&self.sandbox));
        self.app = app;
        self.run(effects);
        self.settle().await;
    }

    /// The demo with `adjust`ed profiles, returned while the first profile may still
    /// be connecting (its token being fetched).
    pub async fn connecting(adjust: impl FnOnce(&mut Vec<Profile>)) -> Harness {
        let data = tempfile::tempdir().unwrap();
        Harness::build(data, Seed::Demo, Duration::ZERO, adjust).await
    }

    /// The demo sandbox and profiles, loaded.
    pub async fn demo() -> Harness {
        Harness::start(Seed::Demo, Duration::ZERO, |_| {}).await
    }

    /// Hands effects to the worker (clipboard writes are recorded).
    pub fn run(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Copy(s) => self.copied.push(s),
                Effect::OverwriteClipboard => self
                    .copied
                    .push(Secret::new(telcreds::tui::runtime::clipboard::PLACEHOLDER)),
                Effect::Work(job) => self.worker.run(job),
            }
        }
    }

    /// Presses one key.
    pub fn press(&mut self, code: KeyCode) {
        self.press_with(code, KeyModifiers::NONE);
    }

    /// Presses one key with modifiers.
    pub fn press_with(&mut self, code: KeyCode, mods: KeyModifiers) {
        // As the event loop does: the time first.
        self.app.set_clock(Clock::system());
        let effects = self.app.handle_key(KeyEvent::new(code, mods));
        self.run(effects);
    }

    /// Moves the cursor of the current tab's list to the first row that `pick`
    /// accepts, walking each row at most once (a changed seed fails, never hangs).
    pub fn select_where<T: Clone + telcreds::tui::app::list::Row>(
        &mut self,
        list: impl Fn(&App) -> &telcreds::tui::app::list::ItemList<T>,
        pick: impl Fn(&T) -> bool,
    ) -> T {
        self.press(KeyCode::Char('g'));
        let rows = list(&self.app).len();
        for _ in 0..=rows {
            if let Some(item) = list(&self.app).selected_item().filter(|i| pick(i)) {
                return item.clone();
            }
            self.press(KeyCode::Char('j'));
        }
        panic!("no row of {rows} matches");
    }

    /// Selects SIP credential `id` (on the SIP tab).
    pub fn select_sip(&mut self, id: &str) -> telcreds::domain::SipCredential {
        self.select_where(|app| &app.tables.sip, |s| s.id() == id)
            .credential()
    }

    /// Selects the first provider using Account SID `sid` (Providers tab).
    pub fn select_provider_of(&mut self, sid: &str) -> telcreds::domain::Provider {
        self.select_where(|app| &app.tables.providers, |p| p.account_sid == sid)
    }

    /// Types text, one key per character.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Applies results until no call is in flight.
    pub async fn settle(&mut self) {
        // Bounded: a busy flag that never clears fails the test instead of hanging it.
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while self.app.is_busy() {
            assert!(
                std::time::Instant::now() < deadline,
                "still busy after 120 s"
            );
            let msg = tokio::time::timeout(Duration::from_secs(10), self.rx.recv())
                .await
                .expect("a result within 10 s")
                .expect("channel open");
            self.app.set_clock(Clock::system());
            let effects = self.app.update(msg);
            self.run(effects);
        }
    }

    /// Waits for the next message and applies it; returns whether it was a page of
    /// the SIP list.
    pub async fn next(&mut self) -> bool {
        let msg = tokio::time::timeout(Duration::from_secs(10), self.rx.recv())
            .await
            .expect("a message within 10 s")
            .expect("channel open");
        let page = matches!(msg, telcreds::tui::runtime::effect::Msg::SipPage { .. });
        self.app.set_clock(Clock::system());
        let effects = self.app.update(msg);
        self.run(effects);
        page
    }

    /// Applies the results that have already arrived, without waiting.
    /// Applies messages until `done` holds of the app, for what runs apart from the
    /// calls `settle` waits for (the journal read); bounded at 5 s.
    pub async fn pump_until(&mut self, done: impl Fn(&App) -> bool) {
        for _ in 0..500 {
            self.pump();
            if done(&self.app) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub fn pump(&mut self) {
        while let Ok(msg) = self.rx.try_recv() {
            self.app.set_clock(Clock::system());
            let effects = self.app.update(msg);
            self.run(effects);
        }
    }

    /// The screen at `width` x `height`, drawn with [`render_within`].
    pub fn screen_within(
        &mut self,
        width: u16,
        height: u16,
        limit: Duration,
    ) -> Result<String, String> {
        let stand_in = App::new(Vec::new(), 0, Theme::default_theme(), Clock::system()).0;
        let app = std::mem::replace(&mut self.app, stand_in);
        let (app, text) = render_within(app, width, height, limit)?;
        self.app = app;
        Ok(text)
    }

    /// The screen as text, rendered at `width` x `height`.
    pub fn screen(&mut self, width: u16, height: u16) -> String {
        render_text(&mut self.app, width, height)
    }

    /// The header line, drawn wide enough for every badge.
    pub fn header(&mut self) -> String {
        let screen = self.screen(240, 30);
        screen.lines().next().unwrap_or_default().to_string()
    }
}

/// Renders `app` and returns the buffer's text, one line per row.
pub fn render_text(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| views::draw(app, f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    buffer
        .content()
        .chunks(width as usize)
        .map(|row| {
            row.iter()
                .map(|c| c.symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders `app` in a fresh thread (ratatui's per-thread layout cache starts empty, so
/// every draw really solves its layout) and gives it back with the screen text. An
/// error when the draw panicked or did not finish within `limit`; a draw that spins
/// is left running, and the test process ends it when it exits.
pub fn render_within(
    app: App,
    width: u16,
    height: u16,
    limit: Duration,
) -> Result<(App, String), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut app = app;
        let text = render_text(&mut app, width, height);
        let _ = tx.send((app, text));
    });
    rx.recv_timeout(limit).map_err(|e| match e {
        std::sync::mpsc::RecvTimeoutError::Timeout => {
            format!("drawing at {width}x{height} took longer than {limit:?}")
        }
        std::sync::mpsc::RecvTimeoutError::Disconnected => {
            format!("drawing at {width}x{height} panicked")
        }
    })
}

//! The event loop: terminal events, task results, a spinner tick only while work is in
//! flight, secret/clipboard deadlines, and signals. Draws only after something changed.
//! The terminal is restored on quit, on error, on panic and on SIGINT, SIGQUIT, SIGTERM
//! and SIGHUP. On quit, changes already sent to a platform are awaited (and journaled)
//! before the app exits; on a signal, the terminal is restored first, then they get a
//! short grace, and stderr says which of them did not finish.

use crate::api::{Http, HttpOptions};
use crate::config::Profile;
use crate::ops::Stores;
use crate::secret::Secret;
use crate::tui::app::theme::Theme;
use crate::tui::app::{App, Clock};
use crate::tui::runtime::clipboard;
use crate::tui::runtime::effect::{Answer, Effect, Msg};
use crate::tui::runtime::signals::{Signals, Stop};
use crate::tui::runtime::worker::Worker;
use crate::tui::views;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, EventStream};
use futures_util::StreamExt;
use std::io::IsTerminal;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};

/// What the TUI opens on.
pub struct TuiOptions {
    /// Profiles to offer.
    pub profiles: Vec<Profile>,
    /// Index of the profile to open.
    pub start: usize,
    /// Colours.
    pub theme: Theme,
    /// A problem loading the theme, shown as the first flash.
    pub notice: Option<String>,
    /// A first message that is not a problem, shown when there is no `notice`.
    pub info: Option<String>,
    /// Where the journal and history are kept.
    pub stores: Stores,
    /// The Twilio accounts whose tokens may be minted.
    pub twilio_accounts: Vec<crate::config::TwilioAccount>,
    /// The config file the profiles came from (`None` for `--demo`), for `:doctor`.
    pub config_path: Option<std::path::PathBuf>,
    /// Which keys trigger which action (the config's `[keys]`).
    pub keymap: crate::tui::app::keymap::Keymap,
    /// The start profile's token, when fetched before the UI took the screen.
    pub start_token: Option<crate::secret::Secret>,
}

/// Spinner frame period.
const TICK: Duration = Duration::from_millis(120);

/// How long changes already sent may still finish after a signal.
const SIGNAL_GRACE: Duration = Duration::from_secs(5);

/// How the UI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The user quit.
    Quit,
    /// A signal stopped it.
    Signal(Stop),
    /// The user quit while a rotation ran, and the journal shows it unfinished.
    RotationUnfinished,
}

/// What outlives the loop: the worker (changes in flight) and the clipboard state.
struct Session {
    worker: Worker,
    /// The secret on the clipboard, until it is overwritten.
    copied: Option<Secret>,
}

impl Session {
    /// Overwrites a copied secret, and deletes tmux's copies of it.
    fn overwrite_clipboard(&mut self) {
        if let Some(secret) = self.copied.take() {
            clipboard::overwrite();
            clipboard::forget_in_tmux(&secret);
        }
    }

    /// Carries out `effects`; returns what went wrong that the user must know (a
    /// copy tmux refused).
    fn apply(&mut self, effects: Vec<Effect>) -> Option<clipboard::CopyError> {
        let mut problem = None;
        for effect in effects {
            match effect {
                Effect::Copy(text) => {
                    problem = clipboard::copy(text.expose()).err().or(problem);
                    self.copied = Some(text);
                }
                Effect::OverwriteClipboard => self.overwrite_clipboard(),
                Effect::Work(job) => self.worker.run(job),
            }
        }
        problem
    }
}

/// Runs the terminal UI until the user quits or a signal stops it.
pub async fn run(options: TuiOptions) -> anyhow::Result<Ending> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the terminal UI needs a terminal; use the subcommands (`telcreds --help`) in scripts"
        );
    }
    crate::memory::return_large_blocks_on_free();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let journal = options.stores.journal.clone();
    let worker = Worker::new(
        tx,
        Http::new(HttpOptions::default())?,
        options.stores.clone(),
    );
    let mut session = Session {
        worker,
        copied: None,
    };
    let mut signals = Signals::new()?;
    let mut terminal = ratatui::try_init()?;
    // A pasted token arrives as one event (its trailing newline does not submit).
    let _ = crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    // ratatui's hook restores the terminal; then exit, so a panic in a task cannot leave
    // the UI running on a cooked terminal.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        hook(info);
        std::process::exit(101);
    }));
    let (mut app, effects) = App::new(
        options.profiles,
        options.start,
        options.theme,
        Clock::system(),
    );
    app.set_twilio_accounts(options.twilio_accounts);
    app.set_config_path(options.config_path);
    app.set_keymap(options.keymap);
    app.timers.set_clipboard(
        clipboard::ttl(std::env::var(clipboard::TTL_ENV).ok().as_deref()),
        clipboard::destination(clipboard::under_tmux()),
    );
    if let Some(notice) = options.notice {
        app.set_flash(notice, true);
    } else if let Some(info) = options.info {
        app.set_flash(info, false);
    }
    let mut start_token = options.start_token;
    let effects = effects
        .into_iter()
        .map(|e| e.with_token(&mut start_token))
        .collect();
    if let Some(problem) = session.apply(effects) {
        app.set_flash(problem.to_string(), true);
    }
    let mut result = event_loop(&mut terminal, &mut app, &mut session, &mut signals, rx).await;
    if !matches!(result, Ok(Ending::Signal(_))) {
        if session.worker.has_changes_in_flight() {
            app.set_flash("finishing the changes already sent…", false);
            let _ = terminal.draw(|f| views::draw(&mut app, f));
        }
        // Unbounded (the HTTP layer bounds each call), unless a signal comes.
        tokio::select! {
            _ = session.worker.shutdown() => {}
            stop = signals.recv() => result = Ok(Ending::Signal(stop)),
        }
    }
    // A copied secret not yet overwritten is overwritten now (an identifier stays).
    if app.timers.clipboard_pending() {
        session.overwrite_clipboard();
    }
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    let rotating = app.rotation_running();
    if let Ok(Ending::Signal(stop)) = result {
        finish_after_signal(&mut session.worker, &mut signals, stop, journal.path()).await;
    }
    if rotating {
        // Its result never reached the screen: say where it stands, as the journal
        // recorded it, never more.
        let unfinished = rotation_epilogue(&journal).await;
        if unfinished && matches!(result, Ok(Ending::Quit)) {
            result = Ok(Ending::RotationUnfinished);
        }
    }
    result
}

/// After the UI closed while a rotation ran: prints where each rotation the journal
/// shows unfinished stands (the leaked token still works until it is promoted) and
/// how to finish it; true when there is one.
async fn rotation_epilogue(journal: &crate::journal::Journal) -> bool {
    let unfinished = match crate::ops::Unfinished::read(journal).await {
        Ok((unfinished, _)) => unfinished,
        Err(e) => {
            eprintln!(
                "telcreds: {e}: whether the rotation that was running when the app closed \
                 finished is unknown; see `telcreds rotate status`"
            );
            return true;
        }
    };
    for unstored in &unfinished.unstored {
        eprintln!("telcreds: {}", unstored.message());
    }
    if unfinished.runs.is_empty() {
        eprintln!(
            "telcreds: the rotation that was running when the app closed has ended; what each \
             target got is in the audit journal at {}",
            journal.path().display()
        );
        return false;
    }
    for run in &unfinished.runs {
        eprintln!("telcreds: {}", run.not_finished());
    }
    true
}

/// After a signal, with the terminal already restored: says on stderr which changes
/// sent to a platform have no answer yet, gives them [`SIGNAL_GRACE`] (a second
/// signal cuts it short), and says which were given up on.
async fn finish_after_signal(
    worker: &mut Worker,
    signals: &mut Signals,
    stop: Stop,
    journal: &std::path::Path,
) {
    let pending = worker.changes_in_flight();
    if pending.is_empty() {
        return;
    }
    let n = pending.len();
    let what = if n == 1 { "change" } else { "changes" };
    eprintln!("telcreds: stopped by {stop}; {n} {what} already sent with no answer yet:");
    for p in &pending {
        eprintln!("  {p}");
    }
    let grace = SIGNAL_GRACE.as_secs();
    eprintln!("telcreds: waiting up to {grace} s for the answer (another signal stops waiting)");
    tokio::select! {
        _ = tokio::time::timeout(SIGNAL_GRACE, worker.shutdown()) => {}
        _ = signals.recv() => {}
    }
    let left = worker.changes_in_flight();
    if left.is_empty() {
        eprintln!(
            "telcreds: answered; the outcome is in the audit journal at {}",
            journal.display()
        );
        return;
    }
    let (this, it) = if left.len() == 1 {
        ("this", "it")
    } else {
        ("these", "them")
    };
    eprintln!(
        "telcreds: gave up waiting; whether {this} took effect is unknown, and the audit \
         journal has no outcome for {it} (check on the platform before trying again):"
    );
    for p in &left {
        eprintln!("  {p}");
    }
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    session: &mut Session,
    signals: &mut Signals,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<crate::tui::runtime::effect::Msg>,
) -> anyhow::Result<Ending> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    // After an idle spell, do not replay the missed ticks as a burst of redraws.
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| views::draw(app, f))?;
        }
        if app.should_quit {
            return Ok(Ending::Quit);
        }
        let deadline = app.next_deadline().map(Instant::from_std);
        let was_busy = app.is_busy();
        // Every arm hands the app the time first: update code never reads the clock.
        let (effects, redraw) = tokio::select! {
            _ = tick.tick(), if was_busy => {
                app.set_clock(Clock::system());
                app.status.tick();
                (Vec::new(), true)
            }
            _ = sleep_until(deadline), if deadline.is_some() => (app.on_time(Clock::system()), true),
            Some(msg) = rx.recv() => {
                let list_loaded = matches!(&msg, Msg::Done { answer: Answer::Sip(_), .. });
                app.set_clock(Clock::system());
                let effects = app.update(msg);
                if list_loaded {
                    crate::memory::return_freed();
                }
                (effects, true)
            }
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => {
                    app.set_clock(Clock::system());
                    (app.handle_key(key), true)
                }
                Some(Ok(Event::Paste(text))) => {
                    app.set_clock(Clock::system());
                    app.handle_paste(&text);
                    (Vec::new(), true)
                }
                Some(Ok(Event::Resize(..))) => (Vec::new(), true),
                Some(Ok(_)) => (Vec::new(), false),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Ending::Quit),
            },
            stop = signals.recv() => return Ok(Ending::Signal(stop)),
        };
        if let Some(problem) = session.apply(effects) {
            app.set_flash(problem.to_string(), true);
        }
        if !was_busy && app.is_busy() {
            tick.reset();
        }
        dirty = redraw;
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

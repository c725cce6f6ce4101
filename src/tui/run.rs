//! The event loop: terminal events, task results, a spinner tick only while work is in
//! flight, secret/clipboard deadlines, and signals. Draws only after something changed.
//! The terminal is restored on quit, on error, on panic and on SIGTERM/SIGHUP; changes
//! already sent to a platform are awaited (and journaled) before the app exits.

use super::app::App;
use super::effect::Effect;
use super::journaling::Stores;
use super::theme::Theme;
use super::views;
use super::worker::Worker;
use crate::api::{Http, HttpOptions};
use crate::config::Profile;
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
    /// Where the journal and history are kept.
    pub stores: Stores,
}

/// Spinner frame period.
const TICK: Duration = Duration::from_millis(120);

/// What outlives the loop: the worker (changes in flight) and the clipboard state.
struct Session {
    worker: Worker,
    clipboard_dirty: bool,
}

impl Session {
    fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Copy(text) => {
                    self.clipboard_dirty = !text.is_empty();
                    copy_to_clipboard(text.expose());
                }
                other => self.worker.run(other),
            }
        }
    }
}

/// Runs the terminal UI until the user quits.
pub async fn run(options: TuiOptions) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the terminal UI needs a terminal; use the subcommands (`telcreds --help`) in scripts"
        );
    }
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let journal_path = options.stores.journal.path().to_path_buf();
    let worker = Worker::new(
        tx,
        Http::new(HttpOptions::default())?,
        options.stores.clone(),
    );
    let mut session = Session {
        worker,
        clipboard_dirty: false,
    };
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
    let (mut app, effects) = App::new(options.profiles, options.start, options.theme);
    if let Some(notice) = options.notice {
        app.set_flash(notice, true);
    }
    session.apply(effects);
    let result = event_loop(&mut terminal, &mut app, &mut session, rx).await;
    if session.worker.has_changes_in_flight() {
        app.set_flash("finishing the changes already sent…", false);
        let _ = terminal.draw(|f| views::draw(&mut app, f));
    }
    session.worker.shutdown().await;
    if session.clipboard_dirty {
        copy_to_clipboard("");
    }
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    if app.rotation_running() {
        // The rotation was awaited above but its result never reached the screen.
        eprintln!(
            "telcreds: a token rotation was still running when the app closed; it was allowed to finish, \
             and every step is in the audit journal at {}",
            journal_path.display()
        );
    }
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    session: &mut Session,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<super::effect::Msg>,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    // After an idle spell, do not replay the missed ticks as a burst of redraws.
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut signals = Signals::new()?;
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| views::draw(app, f))?;
        }
        if app.should_quit {
            return Ok(());
        }
        let deadline = app.next_deadline().map(Instant::from_std);
        let was_busy = app.is_busy();
        let (effects, redraw) = tokio::select! {
            _ = tick.tick(), if was_busy => {
                app.on_tick();
                (Vec::new(), true)
            }
            _ = sleep_until(deadline), if deadline.is_some() => (app.on_time(std::time::Instant::now()), true),
            Some(msg) = rx.recv() => (app.update(msg), true),
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => (app.handle_key(key), true),
                Some(Ok(Event::Paste(text))) => {
                    app.handle_paste(&text);
                    (Vec::new(), true)
                }
                Some(Ok(Event::Resize(..))) => (Vec::new(), true),
                Some(Ok(_)) => (Vec::new(), false),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            _ = signals.recv() => return Ok(()),
        };
        session.apply(effects);
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

/// Writes the OSC 52 sequence that sets (or, with empty text, clears) the clipboard.
fn copy_to_clipboard(text: &str) {
    use crossterm::clipboard::CopyToClipboard;
    let _ = crossterm::execute!(std::io::stdout(), CopyToClipboard::to_clipboard_from(text));
}

/// SIGTERM and SIGHUP end the loop so the terminal is restored.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

//! The signals that stop the UI from outside: SIGINT, SIGQUIT, SIGTERM and SIGHUP
//! (raw mode turns ctrl-c and ctrl-\ into keys, so these come from `kill` or a
//! closed terminal). Each ends the event loop, so the terminal is restored.

use std::fmt;

/// Which signal stopped the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGHUP: the terminal went away.
    Hangup,
    /// SIGINT.
    Interrupt,
    /// SIGQUIT.
    Quit,
    /// SIGTERM.
    Terminate,
}

impl Stop {
    /// The signal's number.
    pub fn number(self) -> u8 {
        match self {
            Stop::Hangup => 1,
            Stop::Interrupt => 2,
            Stop::Quit => 3,
            Stop::Terminate => 15,
        }
    }

    /// The exit status shells give a program this signal ended: 128 + its number.
    pub fn exit_status(self) -> u8 {
        128 + self.number()
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stop::Hangup => "SIGHUP",
            Stop::Interrupt => "SIGINT",
            Stop::Quit => "SIGQUIT",
            Stop::Terminate => "SIGTERM",
        })
    }
}

/// Listens for the four signals from creation on (their default action, ending the
/// process on the spot, no longer applies).
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(Stop, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Starts listening.
    pub fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                (Stop::Hangup, SignalKind::hangup()),
                (Stop::Interrupt, SignalKind::interrupt()),
                (Stop::Quit, SignalKind::quit()),
                (Stop::Terminate, SignalKind::terminate()),
            ];
            let mut streams = Vec::with_capacity(kinds.len());
            for (stop, kind) in kinds {
                streams.push((stop, signal(kind)?));
            }
            Ok(Signals { streams })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// The next signal.
    pub async fn recv(&mut self) -> Stop {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|(stop, s)| {
                let stop = *stop;
                Box::pin(async move {
                    s.recv().await;
                    stop
                })
            });
            futures_util::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn exit_statuses_follow_the_shell_convention() {
        assert_eq!(Stop::Interrupt.exit_status(), 130);
        assert_eq!(Stop::Quit.exit_status(), 131);
        assert_eq!(Stop::Terminate.exit_status(), 143);
        assert_eq!(Stop::Hangup.exit_status(), 129);
        assert_eq!(Stop::Quit.to_string(), "SIGQUIT");
    }
}

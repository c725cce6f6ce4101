//! One line typed at a terminal with echo off, for a secret asked at a prompt.
//!
//! The terminal stays in line mode (Enter ends the line, backspace works, ctrl-d on an
//! empty line ends the input); only echo is turned off. It is put back on every way
//! out: a return or a panic (a guard), and the signals that end or stop the process
//! (ctrl-c, ctrl-\, ctrl-z, SIGTERM, SIGHUP). While the prompt runs they only wake the
//! reader (a [`SignalPipe`]), which restores the terminal, then lets the signal do
//! what it did before, which usually ends the process (exit 130 on ctrl-c); after a
//! stop (ctrl-z) input is hidden again when continued and the prompt is shown again
//! (the terminal discarded the partial line).

use std::io::{self, Write};
use std::os::fd::BorrowedFd;

use rustix::termios::{LocalModes, OptionalActions, Termios, tcgetattr, tcsetattr};
use telcreds_core::sys::SignalPipe;
use zeroize::Zeroizing;

use super::interrupt::{Ready, wait};

/// The signals that put the terminal back.
const SIGNALS: [libc::c_int; 7] = [
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGTSTP,
    libc::SIGTTIN,
    libc::SIGTTOU,
];

/// Those of [`SIGNALS`] that stop the process rather than end it.
const STOPS: [libc::c_int; 3] = [libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU];

/// Shows `prompt` on stderr and reads one line from the terminal `fd` with echo off:
/// the bytes before the newline (all of them at end of input), at most `limit`.
/// `ErrorKind::Interrupted` when a signal cancelled the prompt.
pub fn read_line(fd: BorrowedFd<'_>, prompt: &str, limit: usize) -> io::Result<Zeroizing<Vec<u8>>> {
    let hidden = Prompt::start(fd)?;
    show(prompt);
    let mut line = Zeroizing::new(Vec::new());
    let mut chunk = Zeroizing::new([0u8; 1024]);
    loop {
        if wait(fd, hidden.signals.fd())? == Ready::Signal {
            while let Some(sig) = hidden.signals.take() {
                if !hidden.let_act(sig) {
                    return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
                }
                // Stopped and continued: the terminal discarded the partial line.
                line.clear();
                show(prompt);
            }
            continue;
        }
        let n = match rustix::io::read(fd, &mut chunk[..]) {
            Ok(n) => n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        };
        if super::interrupt::line_part(&mut line, &chunk[..n], limit)? {
            // Enter was not echoed: end the prompt's line.
            show("\n");
            return Ok(line);
        }
    }
}

fn show(text: &str) {
    let mut err = io::stderr();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Echo off and the signals redirected until dropped.
struct Prompt<'fd> {
    fd: BorrowedFd<'fd>,
    /// The terminal's modes before.
    saved: Termios,
    /// The same with echo off.
    hidden: Termios,
    signals: SignalPipe,
}

impl<'fd> Prompt<'fd> {
    /// Saves the terminal's modes, redirects the signals, then turns echo off.
    fn start(fd: BorrowedFd<'fd>) -> io::Result<Prompt<'fd>> {
        let signals = SignalPipe::start(&SIGNALS)?;
        let saved = tcgetattr(fd)?;
        let mut hidden = saved.clone();
        hidden.local_modes &= !(LocalModes::ECHO | LocalModes::ECHONL);
        if let Err(e) = tcsetattr(fd, OptionalActions::Flush, &hidden) {
            let _ = tcsetattr(fd, OptionalActions::Now, &saved);
            return Err(e.into());
        }
        Ok(Prompt {
            fd,
            saved,
            hidden,
            signals,
        })
    }

    /// Puts the terminal back, then lets `sig` do what it did before the prompt,
    /// which usually ends the process. False when the prompt is cancelled (the
    /// signal's old action did not end the process); true when it goes on, input
    /// hidden again, after a stop.
    fn let_act(&self, sig: libc::c_int) -> bool {
        let _ = tcsetattr(self.fd, OptionalActions::Now, &self.saved);
        // With the default action this ends the process, or stops it until continued.
        self.signals.deliver(sig);
        if !STOPS.contains(&sig) {
            return false;
        }
        let _ = tcsetattr(self.fd, OptionalActions::Now, &self.hidden);
        true
    }
}

impl Drop for Prompt<'_> {
    fn drop(&mut self) {
        // The terminal first, then the signals' actions (as `signals` drops).
        let _ = tcsetattr(self.fd, OptionalActions::Now, &self.saved);
    }
}

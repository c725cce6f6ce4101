//! One line typed at a confirmation prompt, which ctrl-c cancels with a word rather
//! than ending the process in the middle of the prompt's line.
//!
//! While the line is read, SIGINT runs a handler that writes one byte to a pipe; the
//! reader waits on the terminal and on that pipe together, so the read ends whichever
//! thread the signal is delivered to. The terminal's modes are left alone (echo and
//! line mode stay as they were), and the previous SIGINT action is put back before
//! the answer is returned, so ctrl-c afterwards acts as it did before.

use std::io;
use std::os::fd::BorrowedFd;

use rustix::event::{PollFd, PollFlags, poll};
use telcreds_core::sys::SignalPipe;

/// What was typed.
#[derive(Debug, PartialEq, Eq)]
pub enum Typed {
    /// The line, without its newline (what there was at end of input).
    Line(String),
    /// ctrl-c.
    Interrupted,
}

/// Reads one line of at most `limit` bytes from the terminal `fd`; ctrl-c ends it
/// with [`Typed::Interrupted`].
pub fn read_line(fd: BorrowedFd<'_>, limit: usize) -> io::Result<Typed> {
    // An ignored SIGINT stays ignored.
    let signals = SignalPipe::start(&[libc::SIGINT])?;
    let mut line = Vec::new();
    loop {
        if wait(fd, signals.fd())? == Ready::Signal {
            return Ok(Typed::Interrupted);
        }
        let mut chunk = [0u8; 512];
        let n = match rustix::io::read(fd, &mut chunk) {
            Ok(n) => n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        };
        if line_part(&mut line, &chunk[..n], limit)? {
            return Ok(Typed::Line(String::from_utf8_lossy(&line).into_owned()));
        }
    }
}

/// What [`wait`] saw first.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ready {
    /// The terminal has something to read (or its end, or an error).
    Input,
    /// A signal came.
    Signal,
}

/// Waits until `input` can be read or a signal is on the `signals` pipe; a signal
/// first when both are.
pub(super) fn wait(input: BorrowedFd<'_>, signals: BorrowedFd<'_>) -> io::Result<Ready> {
    loop {
        let mut fds = [
            PollFd::from_borrowed_fd(input, PollFlags::IN),
            PollFd::from_borrowed_fd(signals, PollFlags::IN),
        ];
        match poll(&mut fds, None) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
        if fds[1].revents().contains(PollFlags::IN) {
            return Ok(Ready::Signal);
        }
        if !fds[0].revents().is_empty() {
            return Ok(Ready::Input);
        }
    }
}

/// Adds what one read gave (`got`) to `line`, up to a newline: true when the line
/// is complete (a newline, or end of input when `got` is empty); an error past
/// `limit` bytes.
pub(super) fn line_part(line: &mut Vec<u8>, got: &[u8], limit: usize) -> io::Result<bool> {
    let end = got.iter().position(|&b| b == b'\n');
    line.extend_from_slice(&got[..end.unwrap_or(got.len())]);
    if line.len() > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("longer than {limit} bytes"),
        ));
    }
    Ok(got.is_empty() || end.is_some())
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::os::fd::AsFd;

    use rustix::process::{Signal, getpid, kill_process};

    use super::*;

    #[test]
    fn a_line_is_read_up_to_its_newline_and_sigint_interrupts() {
        // A test run started in the background by a non-interactive shell inherits
        // an ignored SIGINT, which a prompt rightly leaves ignored: this test is
        // about the handler, so SIGINT gets its default action first.
        telcreds_core::sys::default_action(libc::SIGINT).unwrap();
        // The pipe stands in for the terminal.
        let (input, mut typed) = std::io::pipe().unwrap();
        typed.write_all(b"yes\nmore").unwrap();
        assert_eq!(
            read_line(input.as_fd(), 64).unwrap(),
            Typed::Line("yes".into())
        );

        let reader = std::thread::spawn(move || read_line(input.as_fd(), 64).unwrap());
        while !SignalPipe::active() {
            assert!(!reader.is_finished(), "the reader waits");
            std::thread::yield_now();
        }
        kill_process(getpid(), Signal::INT).unwrap();
        assert_eq!(reader.join().unwrap(), Typed::Interrupted);
        drop(typed);
    }
}

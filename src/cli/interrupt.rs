//! One line typed at a confirmation prompt, which ctrl-c cancels with a word rather
//! than ending the process in the middle of the prompt's line.
//!
//! While the line is read, SIGINT runs a handler that writes one byte to a pipe; the
//! reader waits on the terminal and on that pipe together, so the read ends whichever
//! thread the signal is delivered to. The terminal's modes are left alone (echo and
//! line mode stay as they were), and the previous SIGINT action is put back before
//! the answer is returned, so ctrl-c afterwards acts as it did before.

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering::SeqCst};

/// The pipe's write end while a prompt runs, else -1.
static WAKE: AtomicI32 = AtomicI32::new(-1);
/// One prompt at a time.
static IN_USE: AtomicBool = AtomicBool::new(false);

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
pub fn read_line(fd: RawFd, limit: usize) -> io::Result<Typed> {
    let watch = Watch::start()?;
    let mut line = Vec::new();
    loop {
        let mut fds = [
            libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: watch.wake_read,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: two valid pollfd structures, the length given.
        if unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) } < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if fds[1].revents & libc::POLLIN != 0 {
            return Ok(Typed::Interrupted);
        }
        if fds[0].revents == 0 {
            continue;
        }
        let mut chunk = [0u8; 512];
        // SAFETY: reads into a buffer we own, of the length given.
        let n = unsafe { libc::read(fd, chunk.as_mut_ptr().cast(), chunk.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if line_part(&mut line, &chunk[..n.unsigned_abs()], limit)? {
            return Ok(Typed::Line(String::from_utf8_lossy(&line).into_owned()));
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

/// The pipe and our SIGINT handler, until dropped.
struct Watch {
    wake_read: RawFd,
    wake_write: RawFd,
    /// The action before ours, when ours was installed (an ignored SIGINT stays
    /// ignored).
    old: Option<libc::sigaction>,
}

impl Watch {
    fn start() -> io::Result<Watch> {
        if IN_USE.swap(true, SeqCst) {
            return Err(io::Error::other("another prompt is running"));
        }
        let mut fds = [-1; 2];
        // SAFETY: a valid array of two fds.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            IN_USE.store(false, SeqCst);
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fcntl on the fds just created; a full pipe must not block the
        // handler, and no child inherits them.
        unsafe {
            for fd in fds {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
            libc::fcntl(fds[1], libc::F_SETFL, libc::O_NONBLOCK);
        }
        // SAFETY: an all-zero sigaction is valid (empty mask, no flags); the old
        // action is read into one we own.
        let old = unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(libc::SIGINT, std::ptr::null(), &mut old);
            if old.sa_sigaction == libc::SIG_IGN {
                None
            } else {
                let mut ours: libc::sigaction = std::mem::zeroed();
                ours.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t;
                libc::sigaction(libc::SIGINT, &ours, std::ptr::null_mut());
                Some(old)
            }
        };
        // From here on ctrl-c wakes the reader.
        WAKE.store(fds[1], SeqCst);
        Ok(Watch {
            wake_read: fds[0],
            wake_write: fds[1],
            old,
        })
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        // SAFETY: puts back the action saved by `start`, then closes our own fds.
        unsafe {
            if let Some(old) = &self.old {
                libc::sigaction(libc::SIGINT, old, std::ptr::null_mut());
            }
            WAKE.store(-1, SeqCst);
            libc::close(self.wake_read);
            libc::close(self.wake_write);
        }
        IN_USE.store(false, SeqCst);
    }
}

/// Wakes the reader. Only async-signal-safe calls: write.
extern "C" fn on_sigint(_: libc::c_int) {
    let fd = WAKE.load(SeqCst);
    if fd >= 0 {
        // SAFETY: writes one byte from a static buffer to our pipe.
        unsafe {
            libc::write(fd, b"\x03".as_ptr().cast(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_read_up_to_its_newline_and_sigint_interrupts() {
        // A test run started in the background by a non-interactive shell inherits
        // an ignored SIGINT, which a prompt rightly leaves ignored: this test is
        // about the handler, so SIGINT gets its default action first.
        // SAFETY: sets the disposition of SIGINT for this test process.
        unsafe { libc::signal(libc::SIGINT, libc::SIG_DFL) };
        let mut fds = [-1; 2];
        // SAFETY: a valid array of two fds; the pipe stands in for the terminal.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: writes a buffer we own to our pipe.
        unsafe { libc::write(fds[1], b"yes\nmore".as_ptr().cast(), 8) };
        assert_eq!(read_line(fds[0], 64).unwrap(), Typed::Line("yes".into()));

        let reader = std::thread::spawn(move || read_line(fds[0], 64).unwrap());
        while WAKE.load(SeqCst) < 0 {
            assert!(!reader.is_finished(), "the reader waits");
            std::thread::yield_now();
        }
        // SAFETY: raising a signal whose handler (ours) is installed.
        unsafe { libc::raise(libc::SIGINT) };
        assert_eq!(reader.join().unwrap(), Typed::Interrupted);
        // SAFETY: closes our pipe.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
    }
}

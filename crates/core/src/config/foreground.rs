//! Lends the terminal to a token command's process group while it runs, so that a
//! command asking for a passphrase on `/dev/tty` still can, although it runs in a group
//! of its own (a background group that reads the terminal is stopped by SIGTTIN, or
//! gets an error where SIGTTIN is ignored).
//!
//! Only when telcreds is the terminal's foreground group and the terminal is in line
//! mode (`ICANON`), as before the UI starts or on the command line; never while the
//! full-screen UI holds it in raw mode, whose input reader would be stopped in turn.
//! Like a shell, both sides hand it over: the child before it runs the command (so it
//! cannot read first), and telcreds after spawning it. It is taken back on drop.

use std::fs::{File, OpenOptions};
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;

/// The controlling terminal, ours to lend; taken back when dropped.
pub(super) struct Terminal {
    tty: File,
    ours: libc::pid_t,
}

/// The terminal, if telcreds is its foreground group and it is in line mode.
pub(super) fn lendable() -> Option<Terminal> {
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open("/dev/tty")
        .ok()?;
    let fd = tty.as_raw_fd();
    // SAFETY (this block): plain syscalls on an fd we own, into a termios they fill.
    unsafe {
        let ours = libc::getpgrp();
        let mut mode = MaybeUninit::<libc::termios>::uninit();
        if libc::tcgetpgrp(fd) != ours
            || libc::tcgetattr(fd, mode.as_mut_ptr()) != 0
            || mode.assume_init().c_lflag & libc::ICANON == 0
        {
            return None;
        }
        Some(Terminal { tty, ours })
    }
}

impl Terminal {
    /// What the child runs before the command: a group of its own, made the
    /// terminal's foreground. Only async-signal-safe calls, as `pre_exec` requires.
    pub fn child_hook(&self) -> impl FnMut() -> io::Result<()> + Send + Sync + 'static {
        let fd = self.tty.as_raw_fd();
        move || {
            // SAFETY: plain syscalls in the forked child.
            unsafe {
                if libc::setpgid(0, 0) != 0 {
                    return Err(io::Error::last_os_error());
                }
                give(fd, libc::getpid());
            }
            Ok(())
        }
    }

    /// Makes `group` the foreground (the child may have done so already).
    pub fn lend(&self, group: libc::pid_t) {
        // SAFETY: plain syscall on an fd we own.
        unsafe { give(self.tty.as_raw_fd(), group) };
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        // SAFETY: plain syscalls on an fd we own.
        unsafe { give(self.tty.as_raw_fd(), self.ours) };
    }
}

/// `tcsetpgrp` with SIGTTOU blocked: a background group changing the terminal's
/// foreground is sent SIGTTOU otherwise. Async-signal-safe.
unsafe fn give(fd: RawFd, group: libc::pid_t) {
    // SAFETY: plain syscalls; the calling thread's signal mask is restored.
    unsafe {
        let mut block = MaybeUninit::<libc::sigset_t>::uninit();
        let mut old = MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(block.as_mut_ptr());
        libc::sigaddset(block.as_mut_ptr(), libc::SIGTTOU);
        libc::pthread_sigmask(libc::SIG_BLOCK, block.as_ptr(), old.as_mut_ptr());
        libc::tcsetpgrp(fd, group);
        libc::pthread_sigmask(libc::SIG_SETMASK, old.as_ptr(), std::ptr::null_mut());
    }
}

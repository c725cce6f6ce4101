//! Lends the terminal to a token command's process group while it runs, so that a
//! command asking for a passphrase on `/dev/tty` still can, although it runs in a group
//! of its own (a background group that reads the terminal is stopped by SIGTTIN).
//!
//! Only when telcreds is the terminal's foreground group and the terminal is in line
//! mode (`ICANON`), as before the UI starts or on the command line; never while the
//! full-screen UI holds it in raw mode, whose input reader would be stopped in turn.
//! The terminal is taken back when the [`Lent`] is dropped.

use std::fs::{File, OpenOptions};
use std::mem::MaybeUninit;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;

/// The terminal, lent to another process group until dropped.
pub(super) struct Lent {
    tty: File,
    ours: libc::pid_t,
}

/// Makes `group` the terminal's foreground group, if telcreds is and the terminal is
/// in line mode.
pub(super) fn lend(group: libc::pid_t) -> Option<Lent> {
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
        if libc::tcgetpgrp(fd) != ours {
            return None;
        }
        let mut mode = MaybeUninit::<libc::termios>::uninit();
        if libc::tcgetattr(fd, mode.as_mut_ptr()) != 0
            || mode.assume_init().c_lflag & libc::ICANON == 0
            || libc::tcsetpgrp(fd, group) != 0
        {
            return None;
        }
        // It may have touched the terminal before it was its own, and been stopped.
        libc::killpg(group, libc::SIGCONT);
        Some(Lent { tty, ours })
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        // SAFETY: plain syscalls; the signal mask is this thread's and is restored.
        unsafe {
            // Taking the terminal back from the background raises SIGTTOU unless blocked.
            let mut block = MaybeUninit::<libc::sigset_t>::uninit();
            let mut old = MaybeUninit::<libc::sigset_t>::uninit();
            libc::sigemptyset(block.as_mut_ptr());
            libc::sigaddset(block.as_mut_ptr(), libc::SIGTTOU);
            libc::pthread_sigmask(libc::SIG_BLOCK, block.as_ptr(), old.as_mut_ptr());
            libc::tcsetpgrp(self.tty.as_raw_fd(), self.ours);
            libc::pthread_sigmask(libc::SIG_SETMASK, old.as_ptr(), std::ptr::null_mut());
        }
    }
}

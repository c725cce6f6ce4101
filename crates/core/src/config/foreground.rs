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
use std::os::unix::fs::OpenOptionsExt;
use std::process::Command;
use std::sync::Arc;

use rustix::process::{Pid, getpgrp};
use rustix::termios::{LocalModes, tcgetattr, tcgetpgrp};

use crate::sys;

/// The controlling terminal, ours to lend; taken back when dropped.
pub(super) struct Terminal {
    /// Shared with the child's hook, which gives it the terminal before it runs.
    tty: Arc<File>,
    ours: Pid,
}

/// The terminal, if telcreds is its foreground group and it is in line mode.
pub(super) fn lendable() -> Option<Terminal> {
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open("/dev/tty")
        .ok()?;
    let ours = getpgrp();
    if tcgetpgrp(&tty).ok()? != ours
        || !tcgetattr(&tty)
            .ok()?
            .local_modes
            .contains(LocalModes::ICANON)
    {
        return None;
    }
    Some(Terminal {
        tty: Arc::new(tty),
        ours,
    })
}

impl Terminal {
    /// Makes `command`'s child, before it runs the command, a group of its own made
    /// the terminal's foreground.
    pub fn hand_over_in_child(&self, command: &mut Command) {
        sys::in_foreground_group(command, self.tty.clone());
    }

    /// Makes `group` the foreground (the child may have done so already).
    pub fn lend(&self, group: Pid) {
        let _ = sys::give_terminal(&*self.tty, group);
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = sys::give_terminal(&*self.tty, self.ours);
    }
}

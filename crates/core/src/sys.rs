//! The one module of telcreds with `unsafe` code: the calls to the operating system
//! that neither std nor rustix offers safely. Everything else calls the safe
//! functions below, and the workspace denies `unsafe` everywhere but here (issue 20).
//!
//! - A child set up before it runs its program ([`in_new_session`],
//!   [`in_foreground_group`]): `Command::pre_exec` is unsafe by signature, since its
//!   hook runs between fork and exec, where only async-signal-safe calls are sound.
//! - [`give_terminal`]: `tcsetpgrp` with SIGTTOU blocked, as rustix has no safe
//!   `pthread_sigmask`.
#![allow(unsafe_code)]

use std::fs::File;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::ptr;
use std::sync::Arc;

use rustix::process::Pid;

/// Makes the child of `command` the leader of a session of its own before it runs
/// its program: it has no controlling terminal (opening `/dev/tty` fails), and its
/// session is also a new process group, whose id is the child's pid.
pub fn in_new_session(command: &mut Command) {
    let hook = || {
        rustix::process::setsid()?;
        Ok(())
    };
    // SAFETY: the hook makes one async-signal-safe call (setsid, a plain system
    // call) and allocates nothing (an error is a raw OS error).
    unsafe { command.pre_exec(hook) };
}

/// Makes the child of `command` a process group of its own, whose id is its pid,
/// and the foreground of the terminal `tty`, before it runs its program: it can read
/// the terminal from its first instruction on. The parent gives the terminal too
/// ([`give_terminal`]), as a shell does, since either may run first.
pub fn in_foreground_group(command: &mut Command, tty: Arc<File>) {
    command.process_group(0);
    let hook = move || {
        rustix::process::setpgid(None, None)?;
        // Like a shell, the command runs even when the terminal could not be given.
        let _ = give_terminal(&*tty, rustix::process::getpid());
        Ok(())
    };
    // SAFETY: the hook makes only async-signal-safe calls (setpgid, getpid,
    // pthread_sigmask, tcsetpgrp: plain system calls) and allocates nothing; the fd
    // it uses is open in the child, as the hook owns `tty`.
    unsafe { command.pre_exec(hook) };
}

/// Makes `group` the foreground process group of the terminal `tty` (`tcsetpgrp`),
/// with SIGTTOU blocked in this thread meanwhile: a process outside the foreground
/// group that changes it is sent SIGTTOU, which stops it. Async-signal-safe.
pub fn give_terminal(tty: impl AsFd, group: Pid) -> io::Result<()> {
    let mut old = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigemptyset initializes the set before sigaddset and pthread_sigmask
    // read it; pthread_sigmask writes the old mask into `old`, read only when it
    // succeeded.
    let blocked = unsafe {
        let mut block = MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(block.as_mut_ptr());
        libc::sigaddset(block.as_mut_ptr(), libc::SIGTTOU);
        libc::pthread_sigmask(libc::SIG_BLOCK, block.as_ptr(), old.as_mut_ptr()) == 0
    };
    let given = rustix::termios::tcsetpgrp(tty, group);
    if blocked {
        // SAFETY: `old` was filled by the successful pthread_sigmask above.
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, old.as_ptr(), ptr::null_mut()) };
    }
    Ok(given?)
}

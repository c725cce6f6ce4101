//! The one module of telcreds with `unsafe` code: the calls to the operating system
//! that neither std nor rustix offers safely. Everything else calls the safe
//! functions below, and the workspace denies `unsafe` everywhere but here (issue 20).
//!
//! - A child set up before it runs its program ([`in_new_session`],
//!   [`in_foreground_group`]): `Command::pre_exec` is unsafe by signature, since its
//!   hook runs between fork and exec, where only async-signal-safe calls are sound.
//! - [`give_terminal`]: `tcsetpgrp` with SIGTTOU blocked, as rustix has no safe
//!   `pthread_sigmask`.
//! - [`SignalPipe`]: signals turned into bytes on a pipe while a prompt runs, then
//!   given back exactly the actions they had. signal-hook's safe registrations
//!   cannot do this: they never put a previous action back, so a SIGINT left to them
//!   would be ignored, or forced to its default, after the prompt.
//! - glibc's heap tuning ([`return_freed_memory`], [`return_large_blocks_on_free`]),
//!   which has no safe wrapper.
//! - [`ThreadCountingAllocator`], the allocator the memory test installs to count
//!   what one thread holds: `GlobalAlloc` is an unsafe trait.
#![allow(unsafe_code)]

use std::fs::File;
use std::io::{self, PipeReader, PipeWriter};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering::SeqCst};

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

/// The write end of the live [`SignalPipe`]'s pipe, else -1: what the handler reads.
static WAKE: AtomicI32 = AtomicI32::new(-1);
/// One [`SignalPipe`] at a time in the process.
static IN_USE: AtomicBool = AtomicBool::new(false);
/// A [`SignalPipe`] has redirected its signals and not yet put them back.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// While it lives, each of its signals that was not ignored writes its number (one
/// byte) on a pipe instead of acting, and interrupts a blocking call in the thread
/// it is delivered to (`EINTR`); dropped, each gets back the action it had. An
/// ignored signal stays ignored. One at a time in the process.
pub struct SignalPipe {
    read: PipeReader,
    /// Open for the handler until the old actions are back.
    _write: PipeWriter,
    /// Each redirected signal and the action it had.
    saved: Vec<(libc::c_int, libc::sigaction)>,
}

impl SignalPipe {
    /// Redirects `signals`; an error when another `SignalPipe` lives.
    pub fn start(signals: &[libc::c_int]) -> io::Result<SignalPipe> {
        if IN_USE.swap(true, SeqCst) {
            return Err(io::Error::other("another prompt is running"));
        }
        let (read, write) = match pipe() {
            Ok(ends) => ends,
            Err(e) => {
                IN_USE.store(false, SeqCst);
                return Err(e);
            }
        };
        WAKE.store(write.as_raw_fd(), SeqCst);
        let mut pipe = SignalPipe {
            read,
            _write: write,
            saved: Vec::with_capacity(signals.len()),
        };
        for &sig in signals {
            // SAFETY: an all-zero sigaction is valid (no handler, empty mask, no
            // flags); sigaction reads the old action into it.
            let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
            // SAFETY: queries the action of `sig` into `old`, changing nothing.
            if unsafe { libc::sigaction(sig, ptr::null(), &mut old) } != 0 {
                return Err(io::Error::last_os_error());
            }
            // An ignored signal can neither end nor stop us: it stays ignored.
            if old.sa_sigaction == libc::SIG_IGN {
                continue;
            }
            // SAFETY: installs `on_signal`, which makes only async-signal-safe calls.
            if unsafe { libc::sigaction(sig, &ours(), ptr::null_mut()) } != 0 {
                return Err(io::Error::last_os_error());
            }
            pipe.saved.push((sig, old));
        }
        ACTIVE.store(true, SeqCst);
        Ok(pipe)
    }

    /// The pipe's read end, to wait on (it is readable once a signal came).
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }

    /// The next signal that came, if any (it never waits).
    pub fn take(&self) -> Option<libc::c_int> {
        let mut byte = [0u8; 1];
        match rustix::io::read(&self.read, &mut byte) {
            Ok(1) => Some(libc::c_int::from(byte[0])),
            _ => None,
        }
    }

    /// Lets `sig` act at once as it did before [`start`](Self::start): its old
    /// action back, the signal raised in this thread, then redirected again. Its
    /// default action ends the process here, or stops it until it is continued;
    /// a handler it had has run when this returns.
    pub fn deliver(&self, sig: libc::c_int) {
        let Some((_, old)) = self.saved.iter().find(|(s, _)| *s == sig) else {
            return;
        };
        // SAFETY: puts back an action sigaction gave, raises, then installs ours.
        unsafe {
            libc::sigaction(sig, old, ptr::null_mut());
            libc::raise(sig);
            libc::sigaction(sig, &ours(), ptr::null_mut());
        }
    }

    /// True from when a `SignalPipe` has redirected its signals until it starts to
    /// put them back.
    pub fn active() -> bool {
        ACTIVE.load(SeqCst)
    }
}

impl Drop for SignalPipe {
    fn drop(&mut self) {
        ACTIVE.store(false, SeqCst);
        for (sig, old) in &self.saved {
            // SAFETY: puts back the action sigaction gave in `start`.
            unsafe { libc::sigaction(*sig, old, ptr::null_mut()) };
        }
        WAKE.store(-1, SeqCst);
        IN_USE.store(false, SeqCst);
    }
}

/// A pipe whose ends close on exec and whose write end never blocks (a full pipe
/// already says a signal came).
fn pipe() -> io::Result<(PipeReader, PipeWriter)> {
    let (read, write) = io::pipe()?;
    rustix::io::ioctl_fionbio(&read, true)?;
    rustix::io::ioctl_fionbio(&write, true)?;
    Ok((read, write))
}

/// Our action: `on_signal`, with no restart (a blocking call returns `EINTR`).
fn ours() -> libc::sigaction {
    // SAFETY: an all-zero sigaction is valid (empty mask, no flags).
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    action
}

/// Writes the signal's number on the pipe. Only async-signal-safe calls: write.
extern "C" fn on_signal(sig: libc::c_int) {
    let fd = WAKE.load(SeqCst);
    if fd < 0 {
        return;
    }
    // SAFETY: `fd` is the write end of the live SignalPipe's pipe, which stays open
    // until after the old actions are back (and WAKE is -1).
    let write = unsafe { BorrowedFd::borrow_raw(fd) };
    // Signal numbers fit in a byte; rustix's write on Linux leaves errno alone.
    let _ = rustix::io::write(write, &[u8::try_from(sig).unwrap_or(u8::MAX)]);
}

/// Gives `sig` its default action (`SIG_DFL`), as a program started with it ignored
/// may want.
pub fn default_action(sig: libc::c_int) -> io::Result<()> {
    // SAFETY: an all-zero sigaction is valid; SIG_DFL is a valid action.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = libc::SIG_DFL;
    // SAFETY: sets the action of `sig` to its default.
    if unsafe { libc::sigaction(sig, &action, ptr::null_mut()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Returns the free pages of every malloc heap to the system (glibc's
/// `malloc_trim`); elsewhere it does nothing.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory malloc holds free; it touches no
    // memory in use and may be called at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Makes every allocation of 128 KiB or more a mapping of its own, returned to the
/// system when freed (glibc's `mallopt(M_MMAP_THRESHOLD)`); elsewhere it does
/// nothing.
pub fn return_large_blocks_on_free() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes malloc's policy for later allocations.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// The system allocator, counting the bytes each thread allocates less those it
/// frees: what a drop on this thread gives back, whatever other threads do. For the
/// memory test (`tests/memory.rs`), which installs it as its global allocator.
pub struct ThreadCountingAllocator;

thread_local! {
    static THREAD_BYTES: std::cell::Cell<isize> = const { std::cell::Cell::new(0) };
}

impl ThreadCountingAllocator {
    /// The bytes this thread has allocated and not freed since it started.
    pub fn thread_bytes() -> isize {
        THREAD_BYTES.with(std::cell::Cell::get)
    }

    /// Adds `delta` to this thread's count (nothing while the thread is torn down).
    fn count(delta: isize) {
        let _ = THREAD_BYTES.try_with(|n| n.set(n.get() + delta));
    }
}

// SAFETY: every call is passed to the system allocator unchanged; only a counter
// of this thread is updated beside it.
unsafe impl std::alloc::GlobalAlloc for ThreadCountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        Self::count(layout.size().cast_signed());
        // SAFETY: the caller's contract, passed on.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        Self::count(-layout.size().cast_signed());
        // SAFETY: the caller's contract, passed on.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        Self::count(new_size.cast_signed() - layout.size().cast_signed());
        // SAFETY: the caller's contract, passed on.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::process::{Signal, getpid, kill_process};

    /// The action `sig` has now.
    fn action(sig: libc::c_int) -> libc::sighandler_t {
        // SAFETY: an all-zero sigaction is valid; sigaction only reads into it.
        let mut now: libc::sigaction = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::sigaction(sig, ptr::null(), &mut now) }, 0);
        now.sa_sigaction
    }

    /// What `pipe` got within a while, if anything.
    fn wait_for(pipe: &SignalPipe) -> Option<libc::c_int> {
        // Far from what a loaded machine needs to run a handler.
        for _ in 0..2000 {
            if let Some(sig) = pipe.take() {
                return Some(sig);
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        None
    }

    // One test: a second SignalPipe at once is refused.
    #[test]
    fn signals_come_through_the_pipe_ignored_ones_stay_ignored_and_actions_come_back() {
        // SIGUSR1 and SIGUSR2: no other test of this crate sends them.
        let (usr1, usr2) = (libc::SIGUSR1, libc::SIGUSR2);
        default_action(usr2).unwrap();
        // SAFETY: SIG_IGN is a valid action; the test process ignores SIGUSR1.
        unsafe { libc::signal(usr1, libc::SIG_IGN) };
        {
            let pipe = SignalPipe::start(&[usr1, usr2]).unwrap();
            assert!(SignalPipe::active());
            assert!(SignalPipe::start(&[usr2]).is_err(), "one at a time");
            assert_eq!(action(usr1), libc::SIG_IGN, "left ignored");
            assert_eq!(pipe.take(), None);
            kill_process(getpid(), Signal::USR1).unwrap();
            kill_process(getpid(), Signal::USR2).unwrap();
            assert_eq!(wait_for(&pipe), Some(usr2));
            assert_eq!(pipe.take(), None, "the ignored one never came");
        }
        assert!(!SignalPipe::active());
        assert_eq!(action(usr2), libc::SIG_DFL, "the default is back");
        assert_eq!(action(usr1), libc::SIG_IGN);
        default_action(usr1).unwrap();
    }
}

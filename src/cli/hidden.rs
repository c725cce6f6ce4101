//! One line typed at a terminal with echo off, for a secret asked at a prompt.
//!
//! The terminal stays in line mode (Enter ends the line, backspace works, ctrl-d on an
//! empty line ends the input); only echo is turned off. It is put back on every way
//! out: a return or a panic (a guard), and the signals that end or stop the process
//! (ctrl-c, ctrl-\, ctrl-z, SIGTERM, SIGHUP). Their handler restores the terminal, then
//! lets the signal do what it did before, which usually ends the process (exit 130
//! on ctrl-c); after a stop (ctrl-z) input is hidden again when continued and the
//! prompt is shown again (the terminal discarded the partial line).

use std::cell::UnsafeCell;
use std::io::{self, Write};
use std::mem::MaybeUninit;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering::SeqCst};

use zeroize::Zeroizing;

/// The signals whose handler puts the terminal back.
const SIGNALS: [libc::c_int; 7] = [
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGTSTP,
    libc::SIGTTIN,
    libc::SIGTTOU,
];

/// What the handler needs. Written only while no handler of ours is installed (the
/// prompt is not running), read only while one is.
struct Shared {
    /// The terminal's fd while a prompt runs, else -1.
    fd: AtomicI32,
    /// Set once the prompt is over: a stop must not hide input again.
    done: AtomicBool,
    /// A signal asked to cancel (its old action did not end the process).
    cancelled: AtomicBool,
    /// The process was stopped and continued: show the prompt again.
    resumed: AtomicBool,
    saved: UnsafeCell<MaybeUninit<libc::termios>>,
    hidden: UnsafeCell<MaybeUninit<libc::termios>>,
    old: UnsafeCell<[MaybeUninit<libc::sigaction>; SIGNALS.len()]>,
}

// SAFETY: the cells are written only by `Prompt::start` while no prompt runs (guarded
// by `IN_USE`) and before the handlers that read them are installed.
unsafe impl Sync for Shared {}

static SHARED: Shared = Shared {
    fd: AtomicI32::new(-1),
    done: AtomicBool::new(true),
    cancelled: AtomicBool::new(false),
    resumed: AtomicBool::new(false),
    saved: UnsafeCell::new(MaybeUninit::uninit()),
    hidden: UnsafeCell::new(MaybeUninit::uninit()),
    old: UnsafeCell::new([const { MaybeUninit::uninit() }; SIGNALS.len()]),
};

/// One prompt at a time.
static IN_USE: AtomicBool = AtomicBool::new(false);

/// Shows `prompt` on stderr and reads one line from the terminal `fd` with echo off:
/// the bytes before the newline (all of them at end of input), at most `limit`.
/// `ErrorKind::Interrupted` when a signal cancelled the prompt.
pub fn read_line(fd: RawFd, prompt: &str, limit: usize) -> io::Result<Zeroizing<Vec<u8>>> {
    let _prompt = Prompt::start(fd)?;
    show(prompt);
    let mut line = Zeroizing::new(Vec::new());
    let mut chunk = Zeroizing::new([0u8; 1024]);
    loop {
        // SAFETY: reads into a buffer we own, of the length given.
        let n = unsafe { libc::read(fd, chunk.as_mut_ptr().cast(), chunk.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
            if SHARED.cancelled.load(SeqCst) {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
            }
            if SHARED.resumed.swap(false, SeqCst) {
                line.clear();
                show(prompt);
            }
            continue;
        }
        if super::interrupt::line_part(&mut line, &chunk[..n.unsigned_abs()], limit)? {
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

/// Echo off and the handlers installed until dropped.
struct Prompt {
    fd: RawFd,
}

impl Prompt {
    fn start(fd: RawFd) -> io::Result<Prompt> {
        if IN_USE.swap(true, SeqCst) {
            return Err(io::Error::other("another prompt is running"));
        }
        // SAFETY: no prompt runs (IN_USE), so no handler of ours reads the cells.
        let set_up = unsafe { Self::set_up(fd) };
        if let Err(e) = set_up {
            IN_USE.store(false, SeqCst);
            return Err(e);
        }
        Ok(Prompt { fd })
    }

    /// Saves the terminal's modes, installs the handlers, then turns echo off.
    unsafe fn set_up(fd: RawFd) -> io::Result<()> {
        // SAFETY: (this function) the caller holds IN_USE; libc gets valid pointers.
        unsafe {
            let saved = &mut *SHARED.saved.get();
            if libc::tcgetattr(fd, saved.as_mut_ptr()) != 0 {
                return Err(io::Error::last_os_error());
            }
            let mut hidden = saved.assume_init();
            hidden.c_lflag &= !(libc::ECHO | libc::ECHONL);
            (*SHARED.hidden.get()).write(hidden);
            SHARED.fd.store(fd, SeqCst);
            SHARED.cancelled.store(false, SeqCst);
            SHARED.resumed.store(false, SeqCst);
            SHARED.done.store(false, SeqCst);
            let old = &mut *SHARED.old.get();
            for (sig, old) in SIGNALS.iter().zip(old.iter_mut()) {
                libc::sigaction(*sig, std::ptr::null(), old.as_mut_ptr());
                // An ignored signal stays ignored: it cannot end or stop us.
                if old.assume_init_ref().sa_sigaction != libc::SIG_IGN {
                    libc::sigaction(*sig, &ours(), std::ptr::null_mut());
                }
            }
            if libc::tcsetattr(fd, libc::TCSAFLUSH, &hidden) != 0 {
                let e = io::Error::last_os_error();
                Self::tear_down(fd);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Puts the terminal back, then the old signal actions.
    unsafe fn tear_down(fd: RawFd) {
        // SAFETY: the cells were written by `set_up` and are not written again until
        // IN_USE is released below.
        unsafe {
            SHARED.done.store(true, SeqCst);
            libc::tcsetattr(fd, libc::TCSANOW, (*SHARED.saved.get()).as_ptr());
            let old = &*SHARED.old.get();
            for (sig, old) in SIGNALS.iter().zip(old.iter()) {
                libc::sigaction(*sig, old.as_ptr(), std::ptr::null_mut());
            }
            SHARED.fd.store(-1, SeqCst);
        }
        IN_USE.store(false, SeqCst);
    }
}

impl Drop for Prompt {
    fn drop(&mut self) {
        // SAFETY: set up by `start`, torn down once.
        unsafe { Self::tear_down(self.fd) }
    }
}

/// Our action: `on_signal`, no restart (a read in progress returns EINTR).
fn ours() -> libc::sigaction {
    // SAFETY: an all-zero sigaction is valid (empty mask, no flags).
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    action
}

/// Restores the terminal, then lets `sig` act as it did before the prompt. Only
/// async-signal-safe calls: tcsetattr, sigaction, pthread_sigmask, raise.
extern "C" fn on_signal(sig: libc::c_int) {
    let fd = SHARED.fd.load(SeqCst);
    let Some(i) = SIGNALS.iter().position(|&s| s == sig) else {
        return;
    };
    if fd < 0 {
        return;
    }
    // SAFETY: the cells were written before this handler was installed.
    unsafe {
        libc::tcsetattr(fd, libc::TCSANOW, (*SHARED.saved.get()).as_ptr());
        libc::sigaction(sig, (*SHARED.old.get())[i].as_ptr(), std::ptr::null_mut());
        let mut set = MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(set.as_mut_ptr());
        libc::sigaddset(set.as_mut_ptr(), sig);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, set.as_ptr(), std::ptr::null_mut());
        // With the default action this ends the process, or stops it until continued.
        libc::raise(sig);
        let stop = matches!(sig, libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU);
        if stop && !SHARED.done.load(SeqCst) {
            libc::sigaction(sig, &ours(), std::ptr::null_mut());
            libc::tcsetattr(fd, libc::TCSANOW, (*SHARED.hidden.get()).as_ptr());
            SHARED.resumed.store(true, SeqCst);
        } else if !stop {
            SHARED.cancelled.store(true, SeqCst);
        }
    }
}

//! Runs a `token_cmd`: `sh -c` with stdin closed, in a process group of its own; its
//! stdout kept up to [`STDOUT_LIMIT`], its stderr only counted (it is never shown).
//!
//! One deadline covers everything: the shell, what it started, and the pipes. On
//! timeout the whole process group is killed. When the shell has exited but something
//! it started in the background still holds the pipes (`(sleep 100 &); cat ~/tok`),
//! the output is given [`EXIT_GRACE`] more to end; then what was printed is taken and
//! the group is killed.

use std::io::{ErrorKind, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::local_file::human;

/// Most a command may print on stdout (a token is one line).
pub(super) const STDOUT_LIMIT: usize = 16 * 1024;
/// How long the output may stay open after the shell has exited.
const EXIT_GRACE: Duration = Duration::from_millis(500);
/// How often the shell is polled while its pipes are quiet.
const POLL: Duration = Duration::from_millis(10);

/// What a finished command left behind.
pub(super) struct Finished {
    /// The shell's exit status.
    pub status: ExitStatus,
    /// What it printed on stdout, zeroized on drop.
    pub stdout: Zeroizing<Vec<u8>>,
    /// How many bytes it wrote on stderr.
    pub stderr_bytes: u64,
}

/// Why a command gave no output to use; each completes "command `…` <error>".
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// `sh` could not be started.
    #[error("could not be started with sh -c: {0}")]
    Spawn(std::io::Error),
    /// The shell could not be waited for.
    #[error("could not be waited for: {0}")]
    Wait(std::io::Error),
    /// It took longer than allowed; its process group was killed.
    #[error("timed out after {} and was stopped", duration(*.0))]
    TimedOut(Duration),
    /// It printed more than [`STDOUT_LIMIT`]; its process group was killed.
    #[error(
        "printed more than {} on stdout (a token is one line) and was stopped",
        human(STDOUT_LIMIT as u64)
    )]
    TooMuchOutput,
}

/// A reader thread's news.
enum Event {
    /// A pipe reached its end (or failed).
    Closed,
    /// Stdout went past [`STDOUT_LIMIT`].
    TooMuch,
}

/// Runs `sh -c cmd` with stdin closed; errors complete "command `…` <error>".
pub(super) fn run(cmd: &str, timeout: Duration) -> Result<Finished, CommandError> {
    run_with_input(cmd, None, timeout)
}

/// [`run`], with `input` written to the command's stdin (then closed) when given.
pub(super) fn run_with_input(
    cmd: &str,
    input: Option<Zeroizing<Vec<u8>>>,
    timeout: Duration,
) -> Result<Finished, CommandError> {
    let deadline = Instant::now() + timeout;
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Lent to the command while it runs, taken back when this function returns.
    let terminal = group::own(&mut command);
    let mut child = command.spawn().map_err(CommandError::Spawn)?;
    group::lend(terminal.as_ref(), &child);
    if let (Some(input), Some(mut pipe)) = (input, child.stdin.take()) {
        // A command that exits without reading gets a broken pipe: its status says so.
        thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut pipe, &input);
        });
    }
    let (tx, events) = mpsc::channel();
    let stdout = Arc::new(Mutex::new(Zeroizing::new(Vec::new())));
    let stderr_bytes = Arc::new(AtomicU64::new(0));
    if let Some(pipe) = child.stdout.take() {
        let (buf, tx) = (stdout.clone(), tx.clone());
        thread::spawn(move || keep(pipe, &buf, &tx));
    }
    if let Some(pipe) = child.stderr.take() {
        let count = stderr_bytes.clone();
        thread::spawn(move || count_bytes(pipe, &count, &tx));
    }
    let status = supervise(&mut child, &events, deadline, timeout)?;
    let stdout = std::mem::take(&mut *stdout.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(Finished {
        status,
        stdout,
        stderr_bytes: stderr_bytes.load(Ordering::Relaxed),
    })
}

/// Waits for the shell and for both pipes to end, within the deadline.
fn supervise(
    child: &mut Child,
    events: &mpsc::Receiver<Event>,
    deadline: Instant,
    timeout: Duration,
) -> Result<ExitStatus, CommandError> {
    let mut open = 2;
    // The shell's status, and until when its output may stay open.
    let mut exited: Option<(ExitStatus, Instant)> = None;
    loop {
        if exited.is_none() {
            match child.try_wait() {
                Ok(Some(status)) => {
                    exited = Some((status, (Instant::now() + EXIT_GRACE).min(deadline)))
                }
                Ok(None) => {}
                Err(e) => return Err(stop(child, CommandError::Wait(e))),
            }
        }
        match exited {
            Some((status, _)) if open == 0 => return Ok(status),
            Some((status, until)) if Instant::now() >= until => {
                group::kill(child);
                return Ok(status);
            }
            None if Instant::now() >= deadline => {
                return Err(stop(child, CommandError::TimedOut(timeout)));
            }
            _ => {}
        }
        match events.recv_timeout(POLL) {
            Ok(Event::Closed) => open -= 1,
            Ok(Event::TooMuch) => return Err(stop(child, CommandError::TooMuchOutput)),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => thread::sleep(POLL),
        }
    }
}

/// Kills the command's group and reaps the shell; returns `why`.
fn stop(child: &mut Child, why: CommandError) -> CommandError {
    group::kill(child);
    let _ = child.wait();
    why
}

/// Appends what `pipe` gives to `buf`, up to [`STDOUT_LIMIT`].
fn keep(mut pipe: impl Read, buf: &Mutex<Zeroizing<Vec<u8>>>, tx: &mpsc::Sender<Event>) {
    let mut chunk = Zeroizing::new([0u8; 4096]);
    let event = loop {
        match pipe.read(&mut chunk[..]) {
            Ok(0) => break Event::Closed,
            Ok(n) => {
                let mut buf = buf.lock().unwrap_or_else(|e| e.into_inner());
                if buf.len() + n > STDOUT_LIMIT {
                    break Event::TooMuch;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // A read error just ends the capture; the exit status tells what happened.
            Err(_) => break Event::Closed,
        }
    };
    let _ = tx.send(event);
}

/// Counts what `pipe` gives, keeping none of it.
fn count_bytes(mut pipe: impl Read, count: &AtomicU64, tx: &mpsc::Sender<Event>) {
    let mut chunk = Zeroizing::new([0u8; 4096]);
    loop {
        match pipe.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => {
                count.fetch_add(n as u64, Ordering::Relaxed);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let _ = tx.send(Event::Closed);
}

/// `300 ms`, `60 s`.
fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} s", d.as_secs())
    }
}

/// The command's own process group: how it is made, killed, and given the terminal.
#[cfg(unix)]
mod group {
    use std::process::{Child, Command};

    use rustix::process::{Pid, Signal, kill_process_group};

    use super::super::foreground::{self, Terminal};
    use crate::sys;

    /// Spawn in a new process group whose id is the shell's pid, made the terminal's
    /// foreground group when telcreds can lend it (see [`foreground`]). When it cannot
    /// (a full-screen UI holds it in raw mode, or there is none), the command gets no
    /// terminal at all: a session of its own (also a new process group led by the
    /// shell, as `kill` expects), so that it can neither draw over the screen nor
    /// stop, waiting for input it will never get.
    pub fn own(command: &mut Command) -> Option<Terminal> {
        let Some(terminal) = foreground::lendable() else {
            sys::in_new_session(command);
            return None;
        };
        terminal.hand_over_in_child(command);
        Some(terminal)
    }

    /// The shell's pid, which is also its group's id.
    fn group(child: &Child) -> Option<Pid> {
        Pid::from_raw(i32::try_from(child.id()).ok()?)
    }

    /// The parent's half of handing the terminal over.
    pub fn lend(terminal: Option<&Terminal>, child: &Child) {
        if let (Some(t), Some(pgid)) = (terminal, group(child)) {
            t.lend(pgid);
        }
    }

    /// Kills every process left in the group (the shell may already be gone).
    pub fn kill(child: &Child) {
        // `pgid` is the group `own` created for this shell, so nothing outside the
        // command is signalled.
        if let Some(pgid) = group(child) {
            let _ = kill_process_group(pgid, Signal::KILL);
        }
    }
}

#[cfg(not(unix))]
mod group {
    use std::process::{Child, Command};

    pub fn own(_command: &mut Command) -> Option<()> {
        None
    }

    pub fn lend(_terminal: Option<&()>, _child: &Child) {}

    pub fn kill(child: &mut Child) {
        let _ = child.kill();
    }
}

//! Logging to a file in the state directory, never to the terminal. The filter comes
//! from `TELCREDS_LOG` (default `info`). Secrets never reach a log line: they live in
//! [`crate::secret::Secret`], which prints `[redacted]`.
//!
//! The log says which profiles and items were touched, so it is owner-only: the files
//! are `0600` (older, wider ones are tightened), in a directory made `0700` when
//! telcreds makes it; one it did not make keeps its mode, with a warning when others
//! may write in it ([`crate::private_dir`]). A log file is only ever a regular file
//! of the user's own, never reached through a symbolic link. It is rotated daily and
//! the last week is kept ([`daily`]).

pub mod daily;

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Name of the log file inside the state directory.
pub const LOG_FILE: &str = "telcreds.log";

/// A started log: keep it alive until exit so lines are flushed.
#[must_use]
pub struct Started {
    /// Flushes the log when dropped; `None` when nothing is logged.
    pub guard: Option<WorkerGuard>,
    /// What the user should be told: no log, a log directory others may write in,
    /// or a log that could not be rotated.
    pub warnings: Vec<String>,
}

impl Started {
    /// No log, and nothing to say about it.
    pub fn none() -> Started {
        Started {
            guard: None,
            warnings: Vec::new(),
        }
    }

    /// No log, because of `error`.
    fn off(error: std::io::Error) -> Started {
        Started {
            guard: None,
            warnings: vec![format!("nothing is logged: {error}")],
        }
    }
}

/// Starts file logging in the state directory. When the log cannot be opened,
/// nothing is logged and a warning says why, naming the file.
pub fn init() -> Started {
    match crate::config::state_dir() {
        Ok(dir) => init_in(&dir),
        Err(e) => Started::off(e),
    }
}

/// Starts file logging in `dir` (the demo's temporary directory), as [`init`].
pub fn init_in(dir: &Path) -> Started {
    let (file, warnings) = match daily::DailyLog::open(dir, daily::KEEP, Box::new(daily::utc_today))
    {
        Ok(opened) => opened,
        Err(e) => return Started::off(e),
    };
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env("TELCREDS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let started = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .is_ok();
    Started {
        guard: started.then_some(guard),
        warnings,
    }
}

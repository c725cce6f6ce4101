//! Logging to a file in the state directory, never to the terminal. The filter comes
//! from `TELCREDS_LOG` (default `info`). Secrets never reach a log line: they live in
//! [`crate::secret::Secret`], which prints `[redacted]`.

use std::path::PathBuf;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Name of the log file inside the state directory.
pub const LOG_FILE: &str = "telcreds.log";

/// Starts file logging; keep the guard alive until exit so lines are flushed.
/// Returns `None` (and logs nothing) when the directory cannot be created.
pub fn init() -> Option<(WorkerGuard, PathBuf)> {
    let dir = crate::config::state_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, LOG_FILE);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("TELCREDS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some((guard, dir.join(LOG_FILE)))
}

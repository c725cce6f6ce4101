//! Logging to a file in the state directory, never to the terminal. The filter comes
//! from `TELCREDS_LOG` (default `info`). Secrets never reach a log line: they live in
//! [`crate::secret::Secret`], which prints `[redacted]`.
//!
//! The log says which profiles and items were touched, so it is owner-only: the
//! directory is `0700` and the files `0600`, and older, wider ones are tightened. It
//! is rotated daily and the last week is kept ([`daily`]).

pub mod daily;

use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Name of the log file inside the state directory.
pub const LOG_FILE: &str = "telcreds.log";

/// Starts file logging in the state directory; keep the guard alive until exit so
/// lines are flushed. Returns `None` (and logs nothing) when the file cannot be opened.
pub fn init() -> Option<(WorkerGuard, PathBuf)> {
    init_in(&crate::config::state_dir())
}

/// Starts file logging in `dir` (the demo's temporary directory), as [`init`].
pub fn init_in(dir: &Path) -> Option<(WorkerGuard, PathBuf)> {
    let file = daily::DailyLog::open(dir, daily::KEEP, Box::new(daily::utc_today)).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env("TELCREDS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some((guard, dir.join(LOG_FILE)))
}

#[cfg(unix)]
mod private {
    use std::fs::{DirBuilder, File, OpenOptions, Permissions};
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    use std::path::Path;

    /// Creates `dir` (and missing parents) `0700`; an existing one loses group and
    /// other permissions (best effort: it may belong to someone else).
    pub fn create_dir(dir: &Path) -> std::io::Result<()> {
        DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        tighten(dir, 0o700);
        Ok(())
    }

    /// Opens `path` for appending, created `0600`, an existing file tightened to it.
    pub fn open_append(path: &Path) -> std::io::Result<File> {
        let file = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(path)?;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(Permissions::from_mode(0o600))?;
        }
        Ok(file)
    }

    /// Removes group and other permissions from `path`, setting `mode` (best effort).
    pub fn tighten(path: &Path, mode: u32) {
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            let _ = std::fs::set_permissions(path, Permissions::from_mode(mode));
        }
    }
}

#[cfg(not(unix))]
mod private {
    use std::fs::{File, OpenOptions};
    use std::path::Path;

    pub fn create_dir(dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    pub fn open_append(path: &Path) -> std::io::Result<File> {
        OpenOptions::new().append(true).create(true).open(path)
    }

    pub fn tighten(_path: &Path, _mode: u32) {}
}

//! The log file, rotated daily: `telcreds.log` takes the lines, and once a day has
//! passed (UTC) it becomes `telcreds.log.YYYY-MM-DD`, named after the day of its last
//! line; the newest [`KEEP`] of those stay, older ones are deleted.
//!
//! tracing-appender's `RollingFileAppender` rotates too, but creates each new file with
//! the umask's mode (`0644` usually): here every file is created `0600` whatever the
//! umask. Several telcreds may share the file (the UI and scripts): a rotation is a
//! hard link to the dated name, which fails if another process linked first, then the
//! removal of `telcreds.log`; so a rotation happens once and never overwrites a dated
//! file, and a line written meanwhile lands in the dated file.
//!
//! No file is opened, rotated or tightened through a symbolic link, nor when it is
//! not the user's own ([`crate::local_file::open_append_private`]); a rotation that
//! could not be done is told on stderr at start, and in the log when a day changes.

use super::LOG_FILE;
use crate::local_file::{naming, open_append_private, open_private, own_metadata, tighten};
use crate::private_dir::create_or_check;
use chrono::{DateTime, NaiveDate, Utc};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How many dated log files are kept.
pub const KEEP: usize = 7;

/// The clock rotation follows: today's date.
pub type Today = Box<dyn Fn() -> NaiveDate + Send>;

/// Today in UTC, as the log lines' timestamps.
pub fn utc_today() -> NaiveDate {
    Utc::now().date_naive()
}

/// `dir/telcreds.log`, opened for appending, that rotates when the day changes.
pub struct DailyLog {
    dir: PathBuf,
    file: File,
    day: NaiveDate,
    keep: usize,
    today: Today,
}

impl DailyLog {
    /// Opens the log in `dir` (created `0700`, or left as it is), first rotating a
    /// `telcreds.log` last written on an earlier day than `today()`, and keeps `keep`
    /// dated files. Also returns what the user should know (a directory others may
    /// write in, a rotation that could not be done). Errors name the file.
    pub fn open(dir: &Path, keep: usize, today: Today) -> io::Result<(DailyLog, Vec<String>)> {
        let concern = create_or_check(dir).map_err(|e| naming(dir, e))?;
        let mut warnings: Vec<String> = concern
            .map(|c| {
                format!(
                    "the log directory {}: {c}; its mode is left as it is",
                    dir.display()
                )
            })
            .into_iter()
            .collect();
        let day = today();
        warnings.extend(rotate_if_older(dir, day, keep).err());
        let path = dir.join(LOG_FILE);
        let log = DailyLog {
            dir: dir.to_path_buf(),
            file: open_append_private(&path).map_err(|e| naming(&path, e))?,
            day,
            keep,
            today,
        };
        Ok((log, warnings))
    }

    /// On a new day: rotates the file (unless another process did) and reopens it.
    /// When it cannot be reopened, lines keep going to the file already open; a
    /// rotation that could not be done is said in the log.
    fn roll_over(&mut self, day: NaiveDate) {
        let problem = rotate_if_older(&self.dir, day, self.keep).err();
        if let Ok(file) = open_append_private(&self.dir.join(LOG_FILE)) {
            self.file = file;
        }
        self.day = day;
        if let Some(problem) = problem {
            let _ = writeln!(self.file, "telcreds: {problem}");
        }
    }
}

impl Write for DailyLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let day = (self.today)();
        if day != self.day {
            self.roll_over(day);
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// The name of the log rotated on `day`.
pub fn dated_name(day: NaiveDate) -> String {
    format!("{LOG_FILE}.{}", day.format("%Y-%m-%d"))
}

/// The day of a rotated log's name, `None` for any other name.
fn day_of(name: &str) -> Option<NaiveDate> {
    let date = name.strip_prefix(LOG_FILE)?.strip_prefix('.')?;
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .filter(|d| dated_name(*d) == name)
}

/// The UTC day `path` was last written, if it is a regular file of the user's own.
fn last_written(path: &Path) -> Option<NaiveDate> {
    let modified = own_metadata(path).and_then(|m| m.modified()).ok()?;
    Some(DateTime::<Utc>::from(modified).date_naive())
}

/// Rotates `dir/telcreds.log` when it was last written before `today`, then prunes.
/// A log that cannot be rotated keeps growing rather than failing; when the dated
/// name is taken by something else than another process's rotation (a link, a file
/// not the user's own), the error says so.
fn rotate_if_older(dir: &Path, today: NaiveDate, keep: usize) -> Result<(), String> {
    let current = dir.join(LOG_FILE);
    let Some(day) = last_written(&current).filter(|d| *d < today) else {
        return Ok(());
    };
    let dated = dir.join(dated_name(day));
    let moved = match std::fs::hard_link(&current, &dated) {
        Ok(()) => std::fs::remove_file(&current).is_ok(),
        // Another process rotated it first: its link is there, a file of the user's.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            own_metadata(&dated)
                .map_err(|e| format!("{LOG_FILE} was not rotated: {}", naming(&dated, e)))?;
            false
        }
        // A file system without hard links: a rename, unless the name is taken.
        Err(_) => {
            std::fs::symlink_metadata(&dated).is_err() && std::fs::rename(&current, &dated).is_ok()
        }
    };
    if moved {
        // Best effort: it was opened (and so tightened) unless an older telcreds wrote it.
        let _ = open_private(&dated).and_then(|f| tighten(&f));
        prune(dir, keep);
    }
    Ok(())
}

/// Deletes all but the newest `keep` rotated logs in `dir`; other files stay.
pub fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut dated: Vec<(NaiveDate, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| Some((day_of(e.file_name().to_str()?)?, e.path())))
        .collect();
    dated.sort_unstable_by_key(|(day, _)| std::cmp::Reverse(*day));
    for (_, path) in dated.into_iter().skip(keep) {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, SystemTime};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A clock the test moves.
    fn clock(start: NaiveDate) -> (Arc<Mutex<NaiveDate>>, Today) {
        let now = Arc::new(Mutex::new(start));
        let read = Arc::clone(&now);
        (now, Box::new(move || *read.lock().unwrap()))
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    /// Sets `path`'s last write to `days` days ago.
    fn age(path: &Path, days: u64) {
        let then = SystemTime::now() - Duration::from_secs(days * 86_400);
        File::options()
            .append(true)
            .open(path)
            .unwrap()
            .set_modified(then)
            .unwrap();
    }

    #[test]
    fn a_log_from_an_earlier_day_is_rotated_under_that_day_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let current = dir.path().join(LOG_FILE);
        std::fs::write(&current, "old line\n").unwrap();
        std::fs::set_permissions(&current, std::fs::Permissions::from_mode(0o644)).unwrap();
        age(&current, 2);
        let written = last_written(&current).unwrap();

        let (mut log, _) = DailyLog::open(dir.path(), KEEP, Box::new(utc_today)).unwrap();
        log.write_all(b"new line\n").unwrap();
        let dated = dir.path().join(dated_name(written));
        assert_eq!(read(&dated), "old line\n");
        assert_eq!(read(&current), "new line\n");
        assert_eq!((mode(&dated), mode(&current)), (0o600, 0o600));

        // Written today: not rotated again.
        drop(log);
        DailyLog::open(dir.path(), KEEP, Box::new(utc_today)).unwrap();
        assert_eq!(read(&current), "new line\n");
    }

    #[test]
    fn a_new_day_while_running_moves_on_to_a_new_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let today = utc_today();
        let (now, clock) = clock(today);
        let (mut log, _) = DailyLog::open(dir.path(), KEEP, clock).unwrap();
        log.write_all(b"first day\n").unwrap();
        *now.lock().unwrap() = today.succ_opt().unwrap();
        log.write_all(b"second day\n").unwrap();
        log.flush().unwrap();

        let dated = dir.path().join(dated_name(today));
        let current = dir.path().join(LOG_FILE);
        assert_eq!(read(&dated), "first day\n");
        assert_eq!(read(&current), "second day\n");
        assert_eq!((mode(&dated), mode(&current)), (0o600, 0o600));
    }

    #[test]
    fn a_dated_name_taken_by_a_link_stops_the_rotation_and_the_log_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "mine\n").unwrap();
        let today = utc_today();
        let (now, clock) = clock(today);
        let (mut log, warnings) = DailyLog::open(dir.path(), KEEP, clock).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        log.write_all(b"first day\n").unwrap();
        let dated = dir.path().join(dated_name(today));
        std::os::unix::fs::symlink(&notes, &dated).unwrap();
        *now.lock().unwrap() = today.succ_opt().unwrap();
        log.write_all(b"second day\n").unwrap();

        assert_eq!(read(&notes), "mine\n");
        let text = read(&dir.path().join(LOG_FILE));
        let said = format!("telcreds.log was not rotated: {}: ", dated.display());
        assert!(
            text.starts_with("first day\ntelcreds: ")
                && text.contains(&said)
                && text.contains("(it is a symbolic link)")
                && text.ends_with("second day\n"),
            "{text}"
        );
    }

    #[test]
    fn two_processes_rotate_once_and_lose_no_line() {
        let dir = tempfile::tempdir().unwrap();
        let today = utc_today();
        let (now, one) = clock(today);
        let read_now = Arc::clone(&now);
        let two: Today = Box::new(move || *read_now.lock().unwrap());
        let (mut a, _) = DailyLog::open(dir.path(), KEEP, one).unwrap();
        let (mut b, _) = DailyLog::open(dir.path(), KEEP, two).unwrap();
        a.write_all(b"a1\n").unwrap();
        b.write_all(b"b1\n").unwrap();
        *now.lock().unwrap() = today.succ_opt().unwrap();
        a.write_all(b"a2\n").unwrap();
        b.write_all(b"b2\n").unwrap();

        assert_eq!(read(&dir.path().join(dated_name(today))), "a1\nb1\n");
        assert_eq!(read(&dir.path().join(LOG_FILE)), "a2\nb2\n");
        let names = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(names, 2, "one rotation");
    }

    #[test]
    fn only_the_newest_dated_logs_are_kept_and_other_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let first = day("2024-02-25");
        let days: Vec<NaiveDate> = first.iter_days().take(10).collect();
        for d in &days {
            std::fs::write(dir.path().join(dated_name(*d)), "x").unwrap();
        }
        for other in ["notes.txt", "telcreds.log.2024-13-01", "telcreds.log.1"] {
            std::fs::write(dir.path().join(other), "x").unwrap();
        }
        prune(dir.path(), 3);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "notes.txt",
                "telcreds.log.1",
                "telcreds.log.2024-03-03",
                "telcreds.log.2024-03-04",
                "telcreds.log.2024-03-05",
                "telcreds.log.2024-13-01",
            ]
        );
    }

    #[test]
    fn dated_names_round_trip_and_nothing_else_parses() {
        let d = day("2025-01-09");
        assert_eq!(dated_name(d), "telcreds.log.2025-01-09");
        assert_eq!(day_of("telcreds.log.2025-01-09"), Some(d));
        for other in [
            "telcreds.log",
            "telcreds.log.2025-1-9",
            "telcreds.log.2025-01-09.gz",
            "xtelcreds.log.2025-01-09",
            "telcreds.log2025-01-09",
        ] {
            assert_eq!(day_of(other), None, "{other}");
        }
    }
}

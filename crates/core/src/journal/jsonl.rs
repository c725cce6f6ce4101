//! JSON-lines files: append one record per line, read them back skipping (and
//! naming) the lines that do not decode. Shared by the audit journal and the
//! verification history.

use crate::local_file;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

/// A record could not be written to its file.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct WriteError {
    /// The file that could not be written.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Appends `record` as one JSON line: parent directories created, the file opened
/// in append mode (created `0600` if missing; owner-only: the files hold no secrets,
/// but they say who changed what), and the line written with a single write. The
/// file must be a regular file of the user's own, not reached through a symbolic
/// link ([`local_file::open_append_private`]).
pub fn append<T: Serialize>(path: &Path, record: &T) -> Result<(), WriteError> {
    let fail = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let mut line = serde_json::to_vec(record).map_err(|e| fail(std::io::Error::other(e)))?;
    line.push(b'\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut file = local_file::open_append_private(path).map_err(fail)?;
    file.write_all(&line).map_err(fail)
}

/// Reads every record in file order. A missing file is empty; a line that does not
/// decode is skipped with a warning naming its line number; an unreadable file, or
/// one that [`append`] would refuse, gives one warning. Never panics.
pub fn read<T: DeserializeOwned>(path: &Path) -> (Vec<T>, Vec<String>) {
    read_or_fail(path).unwrap_or_else(|e| (Vec::new(), vec![e.to_string()]))
}

/// A file of records that exists and could not be read: not an empty one.
#[derive(Debug, thiserror::Error)]
#[error("could not read {}: {source}", path.display())]
pub struct ReadError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// [`read`], with a file that exists and cannot be read as the error.
pub fn read_or_fail<T: DeserializeOwned>(path: &Path) -> Result<(Vec<T>, Vec<String>), ReadError> {
    let bytes = match read_all(path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(source) => {
            return Err(ReadError {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<T>(line) {
            Ok(r) => records.push(r),
            // serde_json's message can quote the line's content: only its position is kept.
            Err(e) => warnings.push(format!(
                "{} line {}: skipped, not a valid record (column {})",
                path.display(),
                i + 1,
                e.column()
            )),
        }
    }
    Ok((records, warnings))
}

/// The bytes of `path`, checked as [`append`] checks it.
fn read_all(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    local_file::open_private(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct R {
        n: u32,
    }

    #[test]
    fn appends_and_reads_back_skipping_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/r.jsonl");
        append(&path, &R { n: 1 }).unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"{not json\n\n\xff\xfe\n").unwrap();
        append(&path, &R { n: 2 }).unwrap();
        let (records, warnings) = read::<R>(&path);
        assert_eq!(records, vec![R { n: 1 }, R { n: 2 }]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("line 2: skipped"), "{warnings:?}");
        assert!(warnings[1].contains("line 4: skipped"), "{warnings:?}");
    }

    #[test]
    fn a_missing_file_is_empty_and_an_unwritable_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (r, w) = read::<R>(&dir.path().join("none.jsonl"));
        assert!(r.is_empty() && w.is_empty());
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").unwrap();
        let e = append(&blocker.join("r.jsonl"), &R { n: 1 }).unwrap_err();
        assert!(e.to_string().starts_with(&blocker.display().to_string()));
        let (r, w) = read::<R>(dir.path());
        assert!(r.is_empty());
        assert!(w[0].starts_with("could not read"), "{w:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_through_a_link_is_neither_written_nor_read() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "{\"n\":7}\n").unwrap();
        let nowhere = dir.path().join("nowhere");
        for target in [&notes, &nowhere] {
            let link = dir.path().join("r.jsonl");
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(target, &link).unwrap();
            let e = append(&link, &R { n: 1 }).unwrap_err().to_string();
            assert!(
                e.starts_with(&link.display().to_string()) && e.contains("a symbolic link"),
                "{e}"
            );
            let (r, w) = read::<R>(&link);
            assert!(r.is_empty());
            assert!(w[0].contains("a symbolic link"), "{w:?}");
        }
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "{\"n\":7}\n");
        assert!(!nowhere.exists(), "a dangling link's target is not created");
    }
}

//! Reading the small local files telcreds is pointed at (the config, a token file, a
//! password file, a theme): regular files only, never more than a limit, and never blocking.
//!
//! A FIFO, a device such as `/dev/zero`, or a directory is refused from its metadata
//! before it is opened; the file is then opened non-blocking and checked again, so one
//! swapped in between cannot block either. Errors are `io::Error`s whose text says
//! what is wrong; callers add the path.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

use zeroize::Zeroizing;

/// Largest config file read.
pub const CONFIG_LIMIT: u64 = 4 * 1024 * 1024;
/// Largest token or password file read (a secret is one line).
pub const SECRET_LIMIT: u64 = 16 * 1024;
/// Largest theme file read.
pub const THEME_LIMIT: u64 = 1024 * 1024;

/// Reads `path`, a regular file of at most `limit` bytes, as UTF-8, with its metadata.
/// What was read is zeroized when it is refused.
pub fn read_to_string(path: &Path, limit: u64) -> io::Result<(String, Metadata)> {
    check_kind(&std::fs::metadata(path)?)?;
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    check_kind(&meta)?;
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8 text"))?;
    Ok((text.to_string(), meta))
}

/// Anything but a regular file is refused, saying what it is.
fn check_kind(meta: &Metadata) -> io::Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "not a regular file (it is {}); telcreds reads only regular files",
            kind(meta)
        ),
    ))
}

#[cfg(unix)]
fn kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a plain file"
    }
}

#[cfg(not(unix))]
fn kind(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        "a directory"
    } else {
        "not a plain file"
    }
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("larger than the {} limit", human(limit)),
    )
}

/// `4 MiB`, `16 KiB`, `100 bytes`.
pub fn human(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b >= KIB * KIB && b % (KIB * KIB) == 0 => format!("{} MiB", b / (KIB * KIB)),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "abc\n").unwrap();
        assert_eq!(read_to_string(&path, 4).unwrap().0, "abc\n");
        let err = read_to_string(&path, 3).unwrap_err();
        assert_eq!(err.to_string(), "larger than the 3 bytes limit");
    }

    #[test]
    fn devices_directories_and_fifos_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(ok.success());
        for (path, what) in [
            (Path::new("/dev/zero"), "a character device"),
            (dir.path(), "a directory"),
            (fifo.as_path(), "a named pipe"),
        ] {
            let err = read_to_string(path, 10).unwrap_err().to_string();
            assert!(
                err.contains(what) && err.contains("not a regular file"),
                "{err}"
            );
        }
    }

    #[test]
    fn limits_read_well() {
        assert_eq!(human(CONFIG_LIMIT), "4 MiB");
        assert_eq!(human(SECRET_LIMIT), "16 KiB");
        assert_eq!(human(1000), "1000 bytes");
    }
}

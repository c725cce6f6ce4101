//! Reading the small local files telcreds is pointed at (the config, a token file, a
//! password file, a theme): regular files only, never more than a limit, and never
//! blocking. And opening telcreds' own files (the log, the audit journal, the
//! history): never through a symbolic link, only regular files of the user's own,
//! private (`0600`).
//!
//! A FIFO, a device such as `/dev/zero`, or a directory is refused from its metadata
//! before it is opened; the file is then opened non-blocking and checked again, so one
//! swapped in between cannot block either. Errors are `io::Error`s whose text says
//! what is wrong; callers add the path ([`naming`]).

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

/// Opens `path`, one of telcreds' own files, for appending: created `0600` whatever
/// the umask, never through a symbolic link (a dangling one included). Anything but
/// a regular file of the user's own is refused; a wider one is tightened to `0600`.
pub fn open_append_private(path: &Path) -> io::Result<File> {
    let file = open_own(path, OpenOptions::new().append(true).create(true))?;
    tighten(&file)?;
    Ok(file)
}

/// Opens `path`, one of telcreds' own files, for reading, as [`open_append_private`]
/// checks it (a missing file is `NotFound`).
pub fn open_private(path: &Path) -> io::Result<File> {
    open_own(path, OpenOptions::new().read(true))
}

/// The metadata of `path` itself (a link is not followed), when it is a regular file
/// of the user's own; else why not.
pub fn own_metadata(path: &Path) -> io::Result<Metadata> {
    let meta = std::fs::symlink_metadata(path)?;
    check_own(&meta)?;
    Ok(meta)
}

/// `error` with `path` in front of its text, as every message about a file shows it.
pub fn naming(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// Opens `path` with `options`, not following a link and not blocking: a regular file
/// of the user's own, from its metadata before and once open.
fn open_own(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => check_own(&meta)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let file = no_follow(options).open(path).map_err(link_refused)?;
    check_own(&file.metadata()?)?;
    Ok(file)
}

/// Anything but a regular file is refused, saying what it is.
fn check_kind(meta: &Metadata) -> io::Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    Err(not_regular(kind(meta)))
}

fn not_regular(kind: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file (it is {kind}); telcreds uses only regular files"),
    )
}

/// A regular file of the user's own, or why not.
fn check_own(meta: &Metadata) -> io::Result<()> {
    check_kind(meta)?;
    check_owner(meta)
}

#[cfg(unix)]
fn kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
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

/// The user telcreds runs as (its effective user id).
#[cfg(unix)]
pub fn user_id() -> u32 {
    rustix::process::geteuid().as_raw()
}

#[cfg(unix)]
fn check_owner(meta: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let (owner, me) = (meta.uid(), user_id());
    if owner == me {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("owned by uid {owner}, not by you (uid {me}); telcreds uses only its own files"),
    ))
}

#[cfg(not(unix))]
fn check_owner(_meta: &Metadata) -> io::Result<()> {
    Ok(())
}

/// `options` that open neither through a final symbolic link nor blocking.
#[cfg(unix)]
fn no_follow(options: &mut OpenOptions) -> &mut OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    options
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
}

#[cfg(not(unix))]
fn no_follow(options: &mut OpenOptions) -> &mut OpenOptions {
    options
}

/// A link swapped in after the check: `O_NOFOLLOW` fails with `ELOOP`.
#[cfg(unix)]
fn link_refused(error: io::Error) -> io::Error {
    if error.raw_os_error() == Some(libc::ELOOP) {
        return not_regular("a symbolic link");
    }
    error
}

#[cfg(not(unix))]
fn link_refused(error: io::Error) -> io::Error {
    error
}

/// Removes group and other permissions from `file` (`0600`).
#[cfg(unix)]
pub fn tighten(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if file.metadata()?.permissions().mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn tighten(_file: &File) -> io::Result<()> {
    Ok(())
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

    #[cfg(unix)]
    #[test]
    fn own_files_are_private_regular_files_never_reached_through_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("own.log");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_append_private(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "tightened");

        let link = dir.path().join("link.log");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        for (path, what) in [
            (link.as_path(), "a symbolic link"),
            (fifo.as_path(), "a named pipe"),
            (dir.path(), "a directory"),
        ] {
            for err in [
                open_append_private(path).unwrap_err(),
                open_private(path).unwrap_err(),
                own_metadata(path).unwrap_err(),
            ] {
                let err = err.to_string();
                assert!(
                    err.contains(&format!("not a regular file (it is {what})")),
                    "{err}"
                );
            }
        }

        // Root can give a file away: one planted by another user is not used.
        if user_id() == 0 {
            std::os::unix::fs::chown(&path, Some(48_813), None).unwrap();
            let err = open_append_private(&path).unwrap_err().to_string();
            assert!(
                err.starts_with("owned by uid 48813, not by you (uid 0)"),
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

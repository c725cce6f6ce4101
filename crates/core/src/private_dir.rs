//! The directories telcreds keeps its own files in (the log's, the fallback data
//! directory): made `0700` when telcreds makes them, and never changed when it did
//! not. An existing one is only checked: [`shared`] says what makes it risky, and
//! [`not_private`] why a directory at a name others could take first is refused.

use std::io;
use std::path::Path;

/// Makes `dir` `0700`, with the parents it lacks (`0700` too), and returns `None`.
/// A directory that exists already keeps its mode (it may be a team's, or a link to
/// a shared one); what makes it risky for private files is returned, if anything.
pub fn create_or_check(dir: &Path) -> io::Result<Option<String>> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        imp::builder().recursive(true).create(parent)?;
    }
    match imp::builder().create(dir) {
        Ok(()) => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let meta = std::fs::metadata(dir)?;
            if !meta.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "exists and is not a directory",
                ));
            }
            Ok(imp::concern(&meta))
        }
        Err(e) => Err(e),
    }
}

/// Makes `dir` `0700` when it does not exist, exclusively (its parent must exist);
/// else it must be a directory of the user's own that only they can use, as one
/// telcreds made: one another user made first, or left open, is refused, saying why.
pub fn create_exclusive(dir: &Path) -> io::Result<()> {
    match imp::builder().create(dir) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(dir)?;
    let why = match meta.file_type() {
        t if t.is_symlink() => Some("it is a symbolic link".to_string()),
        t if !t.is_dir() => Some("it is not a directory".to_string()),
        _ => imp::not_private(&meta),
    };
    match why {
        Some(why) => Err(io::Error::new(io::ErrorKind::PermissionDenied, why)),
        None => Ok(()),
    }
}

/// What makes a directory of `owner` with `mode` risky for `me`'s private files:
/// someone else owns it, or others may write in it (and so remove, rename or plant
/// files there, or only plant them with the sticky bit).
pub fn shared(owner: u32, mode: u32, me: u32) -> Option<String> {
    let mode = mode & 0o7777;
    foreign(owner, me).or_else(|| {
        (mode & 0o022 != 0).then(|| format!("it is writable by others (mode {mode:04o})"))
    })
}

/// Why a directory of `owner` with `mode` is not `me`'s alone: it must be theirs, with
/// mode `0700`, as telcreds makes it.
pub fn not_private(owner: u32, mode: u32, me: u32) -> Option<String> {
    let mode = mode & 0o7777;
    foreign(owner, me)
        .or_else(|| (mode != 0o700).then(|| format!("it has mode {mode:04o}, not 0700")))
}

fn foreign(owner: u32, me: u32) -> Option<String> {
    (owner != me).then(|| format!("it is owned by uid {owner}, not by you (uid {me})"))
}

#[cfg(unix)]
mod imp {
    use std::fs::{DirBuilder, Metadata};
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};

    /// Makes directories `0700` (less what the umask takes away).
    pub fn builder() -> DirBuilder {
        let mut b = DirBuilder::new();
        b.mode(0o700);
        b
    }

    pub fn concern(meta: &Metadata) -> Option<String> {
        super::shared(meta.uid(), meta.mode(), crate::local_file::user_id())
    }

    pub fn not_private(meta: &Metadata) -> Option<String> {
        super::not_private(meta.uid(), meta.mode(), crate::local_file::user_id())
    }
}

#[cfg(not(unix))]
mod imp {
    use std::fs::{DirBuilder, Metadata};

    pub fn builder() -> DirBuilder {
        DirBuilder::new()
    }

    pub fn concern(_meta: &Metadata) -> Option<String> {
        None
    }

    pub fn not_private(_meta: &Metadata) -> Option<String> {
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn only_a_directory_of_ones_own_that_others_cannot_write_is_quiet() {
        assert_eq!(shared(1000, 0o40700, 1000), None);
        assert_eq!(shared(1000, 0o40755, 1000), None, "readable is fine");
        assert_eq!(
            shared(1000, 0o42775, 1000).unwrap(),
            "it is writable by others (mode 2775)"
        );
        assert_eq!(
            shared(0, 0o41777, 0).unwrap(),
            "it is writable by others (mode 1777)"
        );
        assert_eq!(
            shared(0, 0o40700, 1000).unwrap(),
            "it is owned by uid 0, not by you (uid 1000)"
        );
    }

    #[test]
    fn only_a_0700_directory_of_ones_own_is_private() {
        assert_eq!(not_private(1000, 0o40700, 1000), None);
        assert_eq!(
            not_private(1000, 0o40777, 1000).unwrap(),
            "it has mode 0777, not 0700"
        );
        assert_eq!(
            not_private(1000, 0o40755, 1000).unwrap(),
            "it has mode 0755, not 0700"
        );
        assert_eq!(
            not_private(1001, 0o40700, 1000).unwrap(),
            "it is owned by uid 1001, not by you (uid 1000)"
        );
        assert_eq!(
            not_private(0, 0o41777, 1000).unwrap(),
            "it is owned by uid 0, not by you (uid 1000)"
        );
    }

    #[test]
    fn an_exclusive_directory_is_made_private_or_refused() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("own");
        create_exclusive(&own).unwrap();
        assert_eq!(mode(&own), 0o700);
        create_exclusive(&own).unwrap();

        std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o777)).unwrap();
        let err = create_exclusive(&own).unwrap_err().to_string();
        assert_eq!(err, "it has mode 0777, not 0700");
        assert_eq!(mode(&own), 0o777, "left as it is");

        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path(), &link).unwrap();
        let err = create_exclusive(&link).unwrap_err().to_string();
        assert_eq!(err, "it is a symbolic link");
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let err = create_exclusive(&file).unwrap_err().to_string();
        assert_eq!(err, "it is not a directory");
    }

    #[test]
    fn a_new_directory_is_private_and_an_existing_one_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("a/b");
        assert_eq!(create_or_check(&new).unwrap(), None);
        assert_eq!((mode(&new), mode(&dir.path().join("a"))), (0o700, 0o700));

        let team = dir.path().join("team");
        std::fs::create_dir(&team).unwrap();
        std::fs::set_permissions(&team, std::fs::Permissions::from_mode(0o2775)).unwrap();
        let concern = create_or_check(&team).unwrap().unwrap();
        assert!(concern.contains("writable by others"), "{concern}");
        assert_eq!(mode(&team), 0o2775);

        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let err = create_or_check(&file).unwrap_err().to_string();
        assert!(err.contains("not a directory"), "{err}");
    }
}

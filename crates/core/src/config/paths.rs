//! Where telcreds keeps its files: config, themes, data (journal), state.
//!
//! `TELCREDS_DATA_DIR` and `TELCREDS_STATE_DIR` override the platform directories, so
//! tests and CI never touch a real home directory.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use directories::{BaseDirs, ProjectDirs};

/// Names the config file explicitly when `--config` is not given.
pub const CONFIG_ENV: &str = "TELCREDS_CONFIG";
/// Overrides [`data_dir`].
pub const DATA_DIR_ENV: &str = "TELCREDS_DATA_DIR";
/// Overrides [`state_dir`].
pub const STATE_DIR_ENV: &str = "TELCREDS_STATE_DIR";
/// The config file's name inside [`config_dir`].
pub const CONFIG_FILE_NAME: &str = "config.toml";

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("dev", "telcreds", "telcreds")
}

/// A non-empty environment variable as a path.
fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The platform config directory (`~/.config/telcreds` on Linux), if there is a home.
pub fn config_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().to_path_buf())
}

/// Where user colour themes live: `config_dir()/themes`.
pub fn themes_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("themes"))
}

/// The default config file, `config_dir()/config.toml`, whether or not it exists.
pub fn default_config_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join(CONFIG_FILE_NAME))
}

/// Where the audit journal and other lasting data go: `TELCREDS_DATA_DIR`, else the
/// platform data directory, else, when there is no home directory (a container, a CI
/// runner), [`homeless_dir`]. Its error says why that one cannot be used.
pub fn data_dir() -> io::Result<PathBuf> {
    match env_path(DATA_DIR_ENV).or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf())) {
        Some(dir) => Ok(dir),
        None => homeless_dir(),
    }
}

/// Where logs and other disposable state go: `TELCREDS_STATE_DIR`, else the platform
/// state directory (Linux only), else [`data_dir`].
pub fn state_dir() -> io::Result<PathBuf> {
    match env_path(STATE_DIR_ENV)
        .or_else(|| project_dirs().and_then(|d| d.state_dir().map(Path::to_path_buf)))
    {
        Some(dir) => Ok(dir),
        None => data_dir(),
    }
}

/// `<tmp>/telcreds-<uid>`, the user's own: made `0700`, or refused when another user
/// could have made it first or can write in it (a shared `/tmp` lets anyone take a
/// name), so that nobody else's journal lines are read or written.
fn homeless_dir() -> io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("telcreds-{}", user_tag()));
    crate::private_dir::create_exclusive(&dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "there is no home directory, and {} cannot hold telcreds' journal and log: \
                 {e}; remove it, or set {DATA_DIR_ENV} to a private directory",
                dir.display()
            ),
        )
    })?;
    Ok(dir)
}

/// Tells users apart in [`homeless_dir`]'s name.
#[cfg(unix)]
fn user_tag() -> String {
    crate::local_file::user_id().to_string()
}

#[cfg(not(unix))]
fn user_tag() -> String {
    std::env::var("USERNAME").unwrap_or_default()
}

/// The user's home directory, if known.
pub(crate) fn home_dir() -> Option<PathBuf> {
    BaseDirs::new().map(|b| b.home_dir().to_path_buf())
}

/// Picks the config file: the CLI path, else the env path (both as given, existing or
/// not), else the default path if it exists.
pub(crate) fn locate_in(
    cli: Option<&Path>,
    env: Option<OsString>,
    default: Option<PathBuf>,
) -> Option<PathBuf> {
    if let Some(p) = cli {
        return Some(p.to_path_buf());
    }
    if let Some(p) = env.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    default.filter(|p| p.exists())
}

/// `~` and `~/x` become the home directory; a relative path is taken relative to
/// `base` (the config file's directory) when known. `~user` is not supported.
pub(crate) fn expand_path(
    raw: &str,
    base: Option<&Path>,
    home: Option<&Path>,
) -> Result<PathBuf, String> {
    if raw == "~" || raw.starts_with("~/") {
        let home = home.ok_or("cannot expand `~`: no home directory is known")?;
        return Ok(home.join(raw.trim_start_matches('~').trim_start_matches('/')));
    }
    if raw.starts_with('~') {
        return Err(format!("only `~/` is expanded, not `~user` (got {raw})"));
    }
    let path = PathBuf::from(raw);
    Ok(match base {
        Some(b) if path.is_relative() => b.join(path),
        _ => path,
    })
}

/// Shows a path with the home directory written as `~`.
pub(crate) fn tilde(path: &Path) -> String {
    tilde_with(path, home_dir().as_deref())
}

fn tilde_with(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if rest.as_os_str().is_empty() => "~".to_string(),
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_prefers_cli_then_env_then_existing_default() {
        let dir = tempfile::tempdir().unwrap();
        let default = dir.path().join("config.toml");
        let cli = Path::new("/cli.toml");
        let env = || Some(OsString::from("/env.toml"));

        assert_eq!(
            locate_in(Some(cli), env(), Some(default.clone())),
            Some(cli.into())
        );
        assert_eq!(
            locate_in(None, env(), Some(default.clone())),
            Some("/env.toml".into())
        );
        assert_eq!(
            locate_in(None, Some(OsString::new()), Some(default.clone())),
            None
        );
        assert_eq!(
            locate_in(None, None, Some(default.clone())),
            None,
            "missing default"
        );
        std::fs::write(&default, "").unwrap();
        assert_eq!(locate_in(None, None, Some(default.clone())), Some(default));
        assert_eq!(locate_in(None, None, None), None);
    }

    #[test]
    fn expand_path_handles_tilde_and_relative_paths() {
        let home = Path::new("/home/u");
        let base = Path::new("/etc/tc");
        assert_eq!(
            expand_path("~/t", Some(base), Some(home)),
            Ok("/home/u/t".into())
        );
        assert_eq!(expand_path("~", None, Some(home)), Ok("/home/u".into()));
        assert_eq!(
            expand_path("t", Some(base), Some(home)),
            Ok("/etc/tc/t".into())
        );
        assert_eq!(expand_path("t", None, Some(home)), Ok("t".into()));
        assert_eq!(
            expand_path("/abs", Some(base), Some(home)),
            Ok("/abs".into())
        );
        assert!(
            expand_path("~bob/t", None, Some(home))
                .unwrap_err()
                .contains("~user")
        );
        assert!(
            expand_path("~/t", None, None)
                .unwrap_err()
                .contains("no home")
        );
    }

    #[test]
    fn tilde_contracts_the_home_directory() {
        let home = Some(Path::new("/home/u"));
        assert_eq!(tilde_with(Path::new("/home/u/x/y"), home), "~/x/y");
        assert_eq!(tilde_with(Path::new("/home/u"), home), "~");
        assert_eq!(tilde_with(Path::new("/home/uv/x"), home), "/home/uv/x");
        assert_eq!(tilde_with(Path::new("/x"), None), "/x");
    }

    #[test]
    fn directories_are_project_specific() {
        if let Some(t) = themes_dir() {
            assert!(t.ends_with("themes"));
        }
        if let Some(c) = default_config_path() {
            assert!(c.ends_with(CONFIG_FILE_NAME));
        }
        assert!(!data_dir().unwrap().as_os_str().is_empty());
        assert!(!state_dir().unwrap().as_os_str().is_empty());
    }
}

//! Local steps: the config file (found, valid, who may read it) and the profile's
//! token source (it gives a token, and how long that takes).

use super::step::{Step, human};
use crate::config::{
    CommandError, Config, ConfigError, Profile, SourceError, TokenSource, chmod_600,
    default_config_path, file_mode, open_to, tilde,
};
use crate::secret::Secret;
use std::path::Path;
use std::time::{Duration, Instant};

/// The config file's step.
const CONFIG: &str = "config";
/// The token source's step.
const TOKEN_SOURCE: &str = "token source";
/// A token source slower than this is worth a warning: every start and profile
/// switch waits for it.
const SLOW_TOKEN: Duration = Duration::from_secs(3);

/// Reads and validates the config file at `path`: its step, and the config when it
/// is valid.
pub fn check_config_file(path: &Path) -> (Step, Option<Config>) {
    let started = Instant::now();
    let shown = tilde(path);
    let (step, config) = match Config::load(path) {
        Ok(config) => (valid_file_step(path, &shown, &config), Some(config)),
        Err(ConfigError::Read { source, .. }) => {
            let fix =
                "check the path given with --config or TELCREDS_CONFIG, and that you may read it";
            let step = Step::failed(CONFIG, format!("cannot read {shown}: {source}"), fix);
            (step, None)
        }
        Err(ConfigError::Invalid { problems, .. }) => {
            let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
            let message = format!(
                "{shown} has {} problem(s): {}",
                problems.len(),
                listed.join("; ")
            );
            let fix = format!("edit {shown}: each problem names its table and key");
            (Step::failed(CONFIG, message, fix), None)
        }
        Err(other) => {
            let fix = format!("edit {shown}");
            (Step::failed(CONFIG, other.to_string(), fix), None)
        }
    };
    (step.took(started.elapsed()), config)
}

/// The step of a valid file: who may read it, and whether it has profiles.
fn valid_file_step(path: &Path, shown: &str, config: &Config) -> Step {
    let profiles = config.profiles.len();
    let mode = std::fs::metadata(path)
        .ok()
        .and_then(|m| file_mode(&m))
        .map(|m| m & 0o7777);
    let what = format!("{shown}: valid, {profiles} profile(s)");
    match mode {
        _ if profiles == 0 => Step::warning(
            CONFIG,
            format!("{shown}: valid, but it has no profile"),
            "add a [profiles.<name>] table (`telcreds sandbox --print-config` shows two)",
        ),
        Some(mode) if mode & 0o077 != 0 => Step::warning(
            CONFIG,
            format!("{what}, but {} (mode {mode:04o})", open_to(mode)),
            format!(
                "{}: it names where your tokens are, and may hold one",
                chmod_600(shown)
            ),
        ),
        Some(mode) => Step::passed(CONFIG, format!("{what}, mode {mode:04o}")),
        None => Step::passed(CONFIG, what),
    }
}

/// The config file's step when there is none.
pub fn config_not_found() -> Step {
    let searched = default_config_path()
        .map(|p| format!(" (searched {})", tilde(&p)))
        .unwrap_or_default();
    Step::failed(
        CONFIG,
        format!("no config file{searched}"),
        "start from `telcreds sandbox --print-config > FILE` or config.example.toml, \
         or pass --config FILE",
    )
}

/// The config file's step when the profiles come from elsewhere (`--demo`).
pub fn no_config_file(why: &str) -> Step {
    Step::skipped(CONFIG, format!("no config file: {why}"))
}

/// Runs the profile's token source within `timeout`; pushes its step and returns
/// the token when there is one.
pub(super) async fn check_token(
    profile: &Profile,
    timeout: Duration,
    steps: &mut Vec<Step>,
) -> Option<Secret> {
    let p = profile.clone();
    let resolve = move || p.resolve_token_within(timeout);
    check_source(&profile.token, resolve, timeout, steps).await
}

/// Runs a token source (`resolve`, off the async threads) within `timeout`; pushes
/// its step and returns the token when there is one.
pub(super) async fn check_source(
    source: &TokenSource,
    resolve: impl FnOnce() -> Result<Secret, ConfigError> + Send + 'static,
    timeout: Duration,
    steps: &mut Vec<Step>,
) -> Option<Secret> {
    let started = Instant::now();
    let result = tokio::task::spawn_blocking(resolve).await;
    let elapsed = started.elapsed();
    let shown = source.describe();
    let (step, token) = match result {
        Ok(Ok(token)) if elapsed > SLOW_TOKEN => {
            let message = format!("{shown}: got a token in {}", human(elapsed));
            let fix = "a slow token source delays every start and profile switch";
            (Step::warning(TOKEN_SOURCE, message, fix), Some(token))
        }
        Ok(Ok(token)) => match readable_by_others(source) {
            Some((path, mode)) => {
                let message = format!("{shown}: got a token, but the file is mode {mode:04o}");
                let fix = format!(
                    "others on this machine may read it: run {}",
                    chmod_600(&tilde(&path))
                );
                (Step::warning(TOKEN_SOURCE, message, fix), Some(token))
            }
            None => {
                let message = format!("{shown}: got a token");
                (Step::passed(TOKEN_SOURCE, message), Some(token))
            }
        },
        Ok(Err(ConfigError::TokenSource { reason, .. })) => {
            let fix = token_fix(source, Some(&reason), timeout);
            (Step::failed(TOKEN_SOURCE, reason.to_string(), fix), None)
        }
        Ok(Err(other)) => {
            let fix = token_fix(source, None, timeout);
            (Step::failed(TOKEN_SOURCE, other.to_string(), fix), None)
        }
        Err(e) => {
            let message = format!("resolving the token stopped: {e}");
            (
                Step::failed(TOKEN_SOURCE, message, "run doctor again"),
                None,
            )
        }
    };
    steps.push(step.took(elapsed));
    token
}

/// A `token_file` that group or others may read, with its permission bits (as the
/// config file itself is warned about).
fn readable_by_others(source: &TokenSource) -> Option<(std::path::PathBuf, u32)> {
    let TokenSource::File(path) = source else {
        return None;
    };
    let mode = std::fs::metadata(path).ok().and_then(|m| file_mode(&m))? & 0o7777;
    (mode & 0o077 != 0).then(|| (path.clone(), mode))
}

/// How to fix a token source that gave no token.
fn token_fix(source: &TokenSource, why: Option<&SourceError>, timeout: Duration) -> String {
    let timed_out = matches!(
        why,
        Some(SourceError::Command {
            error: CommandError::TimedOut(_),
            ..
        })
    );
    match source {
        TokenSource::Env(var) => {
            format!("export {var}=<the token> before running telcreds, or use another token source")
        }
        TokenSource::Cmd(_) if timed_out => format!(
            "run the token_cmd in a shell: it must print the token within {} \
             (is it waiting for a passphrase, or a session that expired?)",
            human(timeout)
        ),
        TokenSource::Cmd(_) => {
            "run the token_cmd in a shell: it must exit 0 and print the token on its first line"
                .to_string()
        }
        TokenSource::File(path) => format!("put the token on the first line of {}", tilde(path)),
        TokenSource::Inline(_) => "put the token, on one line, in `token`".to_string(),
    }
}

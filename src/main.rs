//! The `telcreds` binary: the command line, the sandbox, and (without a command) the
//! terminal UI.

use std::io::IsTerminal;
use std::process::ExitCode;
use telcreds::cli::args::{Cli, Command};
use telcreds::cli::{self, exit::Exit};
use telcreds::config::{self, Config, Profile, TokenSource};
use telcreds::secret::Secret;
use telcreds::tui::app::{keymap::Keymap, theme::Theme};
use telcreds::tui::runtime::demo;
use telcreds::tui::runtime::run::{Ending, TuiOptions};

fn main() -> ExitCode {
    let mut cli = Cli::parse_args();
    // The demo keeps its journal, history and log in a temporary directory. Declared
    // before the log's guard, it is removed after the last line is flushed into it.
    if cli.demo && cli.profile_from_env {
        // `TELCREDS_PROFILE` names a profile of the config; the demo has its own.
        cli.profile = None;
        cli.profile_from_env = false;
    }
    let scratch = if cli.demo {
        match demo::Scratch::create() {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: could not create a temporary directory for the demo: {e}");
                return Exit::Other.into();
            }
        }
    } else {
        None
    };
    let log = match &scratch {
        Some(s) => telcreds::logging::init_in(&s.state_dir()),
        None if writes_log(cli.command.as_ref()) => telcreds::logging::init(),
        None => telcreds::logging::Started::none(),
    };
    for warning in &log.warnings {
        eprintln!("warning: {warning}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return Exit::Other.into();
        }
    };
    let exit: ExitCode = match cli.command.take() {
        Some(command) => runtime
            .block_on(cli::run(cli, command, scratch.as_ref()))
            .into(),
        None => match runtime.block_on(tui(&cli, scratch.as_ref(), &log.warnings)) {
            Ok(Ending::Quit) => Exit::Success.into(),
            Ok(Ending::RotationUnfinished) => Exit::Incomplete.into(),
            Ok(Ending::Signal(stop)) => ExitCode::from(stop.exit_status()),
            Err(e) => match e.downcast::<config::ConfigError>() {
                // A config problem (missing file, unknown profile) is a usage error, and
                // ctrl-c at the start token_cmd a cancellation, as on the command line.
                Ok(config_error) => {
                    let e = cli::exit::CliError::from(config_error);
                    eprintln!("{}{}", e.prefix(), e.message);
                    e.exit.into()
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    Exit::Other.into()
                }
            },
        },
    };
    // Everything that matters was awaited; do not wait on idle background threads.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    exit
}

/// Printing a completion script or the man page leaves no trace: no log file.
fn writes_log(command: Option<&Command>) -> bool {
    !matches!(command, Some(Command::Completions(_) | Command::Man))
}

/// The profile the UI opens on: `--profile`, `TELCREDS_PROFILE`, `default_profile`, the
/// first. An unknown name is a config error, worded as on the command line. The demo
/// has its own profiles: `main` drops a `TELCREDS_PROFILE`, meant for the config file.
fn start_index(cli: &Cli, config: &Config) -> Result<usize, config::ConfigError> {
    if cli.profile.is_none() && config.profiles.is_empty() {
        // The UI says that there are none.
        return Ok(0);
    }
    let picked = cli::pick(config, cli)?;
    Ok(config
        .profiles
        .iter()
        .position(|p| p.name == picked.name)
        .unwrap_or(0))
}

/// The start profile's token when a `token_cmd` gives it, fetched before the UI takes
/// the screen: the command may ask for a passphrase on the terminal. Other profiles'
/// run when switched to; the profile keeps its source, so `:doctor` runs it again.
/// On a terminal, stderr says what telcreds waits for; ctrl-c then ends the command
/// and telcreds ([`ConfigError::Interrupted`](config::ConfigError::Interrupted)). Any
/// other failure is left to the UI, which says why when it connects.
fn start_token(profile: Option<&Profile>) -> Result<Option<Secret>, config::ConfigError> {
    let Some(p) = profile.filter(|p| matches!(p.token, TokenSource::Cmd(_))) else {
        return Ok(None);
    };
    if std::io::stderr().is_terminal() {
        eprintln!(
            "waiting for token_cmd of profile \"{}\" (ctrl-c quits)…",
            telcreds::text::printable(&p.name)
        );
    }
    match p.resolve_token() {
        Ok(token) => Ok(Some(token)),
        Err(e @ config::ConfigError::Interrupted { .. }) => Err(e),
        Err(_) => Ok(None),
    }
}

/// Opens the terminal UI on the configured profiles, or on the demo sandbox (with
/// `scratch`, the demo's directory); `warnings` (about the log) are shown first.
async fn tui(
    cli: &Cli,
    scratch: Option<&demo::Scratch>,
    warnings: &[String],
) -> anyhow::Result<Ending> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (sandbox, config) = if cli.demo {
        let sandbox = demo::start_sandbox().await?;
        let config = demo::config(&sandbox);
        (Some(sandbox), config)
    } else {
        (None, Config::load_default(cli.config.as_deref())?)
    };
    let start = start_index(cli, &config)?;
    // `[keys]` is the UI's alone: checked here, never by a command.
    let keymap = Keymap::from_config(&config.keys, config.path.as_deref())?;
    let theme_name = cli.theme.clone().or_else(|| config.theme.clone());
    let (theme, notice) = Theme::load(
        theme_name.as_deref(),
        config::themes_dir().as_deref(),
        no_color,
    );
    let notice = notice
        .into_iter()
        .chain(warnings.iter().cloned())
        .reduce(|a, b| format!("{a}; {b}"));
    let stores = match scratch {
        Some(s) => s.stores(),
        None => telcreds::ops::Stores::open_default()?,
    };
    let start_token = start_token(config.profiles.get(start))?;
    let profiles = config.profiles;
    let options = TuiOptions {
        profiles,
        start,
        theme,
        notice,
        info: scratch.map(|_| demo::NOTICE.to_string()),
        stores,
        twilio_accounts: config.twilio_accounts,
        config_path: config.path,
        keymap,
        start_token,
    };
    let result = telcreds::tui::runtime::run::run(options).await;
    // The demo platform goes with the app: dropping it stops its server at once.
    drop(sandbox);
    result
}

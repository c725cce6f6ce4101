//! The scriptable command line: one module per command group, shared context,
//! output formats and exit codes.

pub mod args;
mod audit;
mod confirm;
mod docs;
mod doctor;
pub mod exit;
#[cfg(unix)]
mod hidden;
#[cfg(unix)]
mod interrupt;
mod json;
mod man_page;
mod mint;
mod output;
mod profiles;
mod providers;
mod rotate;
mod rotation_plan;
mod rotation_status;
mod sandbox_cmd;
mod secrets;
mod sip;
mod stream;

use crate::api::{Http, HttpOptions};
use crate::config::{Config, ConfigError, Profile};
use crate::ops::{Done, Error, Lookup, Ops, Stores};
use args::{Cli, Command, OutputFormat};
use exit::{CliError, Exit};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What every profile-bound command needs.
pub struct Context {
    /// The profile in use.
    pub profile: Profile,
    /// Its operations.
    pub ops: Ops,
    /// Output format.
    pub output: OutputFormat,
    /// What every operation shares: the HTTP layer, the stores, every profile and
    /// the `[twilio_accounts]` (for what spans profiles).
    pub core: crate::ops::Context,
}

/// The kinds of item a command names by id or name.
#[derive(Debug, Clone, Copy)]
pub enum Item {
    /// A Twilio provider (an Unpod provider configuration).
    Provider,
    /// A SIP credential.
    Sip,
}

impl Item {
    fn noun(self) -> &'static str {
        match self {
            Item::Provider => "provider",
            Item::Sip => "SIP credential",
        }
    }

    fn group(self) -> &'static str {
        match self {
            Item::Provider => "providers",
            Item::Sip => "sip",
        }
    }
}

impl Context {
    /// The id of the item that `wanted`, as typed on the command line, names: an id,
    /// else a unique name ([`Ops::find_provider`], [`Ops::find_sip`]). None: exit 4;
    /// several with that name: exit 2, listing them.
    pub async fn resolve(&self, item: Item, wanted: &str) -> Result<String, CliError> {
        let found = match item {
            Item::Provider => self.ops.find_provider(wanted).await,
            Item::Sip => self.ops.find_sip(wanted).await,
        };
        match found.map_err(|e| self.about(item, wanted, e))? {
            Lookup::Found(named) => Ok(named.id),
            Lookup::Missing => Err(self.not_found(item, wanted)),
            Lookup::Ambiguous(candidates) => {
                let lines: Vec<String> = candidates
                    .iter()
                    .map(|n| format!("  {}  {}", n.id, n.name))
                    .collect();
                Err(CliError::usage(format!(
                    "{} {}s on profile \"{}\" are named \"{wanted}\": give the id of the \
                     one you mean:\n{}",
                    candidates.len(),
                    item.noun(),
                    self.profile.name,
                    lines.join("\n")
                )))
            }
        }
    }

    /// The error of a command about the item `wanted`: a 404 names it and the
    /// profile; any other error as it is.
    pub fn about(&self, item: Item, wanted: &str, error: Error) -> CliError {
        if error.kind() != crate::api::ErrorKind::NotFound {
            return error.into();
        }
        self.not_found(item, wanted)
    }

    /// No item with the id or name `wanted` (exit 4).
    fn not_found(&self, item: Item, wanted: &str) -> CliError {
        let profile = &self.profile.name;
        CliError::new(
            Exit::NotFound,
            format!(
                "no {} with the id or name \"{wanted}\" on profile \"{profile}\" \
                 (see `telcreds -p {profile} {} list`)",
                item.noun(),
                item.group()
            ),
        )
    }

    /// The error of a change of the item `id`: a 404 as in [`Context::about`]; when
    /// the outcome is unknown, it names the command `check` that shows the item.
    pub fn after_change(
        &self,
        item: Item,
        id: &str,
        error: Error,
        check: impl FnOnce() -> String,
    ) -> CliError {
        if error.kind() == crate::api::ErrorKind::NotFound {
            return self.about(item, id, error);
        }
        CliError::after_change(error, check)
    }

    /// The result of a change, after printing what could not be recorded.
    pub fn finish<T, E>(&self, done: Done<T, E>) -> Result<T, E> {
        for w in &done.warnings {
            audit::warn(&w.to_string());
        }
        done.result
    }
}

/// Runs a command (never the TUI) and returns its exit code; errors go to stderr.
/// With `demo` (`--demo`: the demo's temporary directory), the command runs on a demo
/// platform started for it, never on the config's profiles.
pub async fn run(
    cli: Cli,
    command: Command,
    demo: Option<&crate::tui::runtime::demo::Scratch>,
) -> Exit {
    let result = match demo {
        Some(scratch) => on_demo(&cli, command, scratch).await,
        None => {
            let setup = Setup::Config {
                path: cli.config.clone(),
            };
            dispatch(&cli, command, &setup).await
        }
    };
    match result {
        Ok(()) => Exit::Success,
        Err(e) => {
            eprintln!("{}{}", e.prefix(), crate::text::printable_lines(&e.message));
            e.exit
        }
    }
}

/// Where a command's profiles, Twilio accounts, journal and history come from.
pub enum Setup {
    /// The config file (`--config`, `TELCREDS_CONFIG`, the default path) and the
    /// user's own journal and history.
    Config {
        /// `--config`, if given.
        path: Option<std::path::PathBuf>,
    },
    /// `--demo`: the demo platform's profiles and accounts, and the demo's temporary
    /// journal and history.
    Demo {
        /// The demo's profiles and Twilio accounts.
        config: Box<Config>,
        /// Its journal and history.
        stores: Stores,
    },
}

impl Setup {
    /// The profiles and Twilio accounts.
    pub fn config(&self) -> Result<Config, ConfigError> {
        match self {
            Setup::Config { path } => Config::load_default(path.as_deref()),
            Setup::Demo { config, .. } => Ok((**config).clone()),
        }
    }

    /// The journal and history; refused when there is no private place for them, so
    /// that nothing changes unrecorded.
    pub fn stores(&self) -> Result<Stores, CliError> {
        match self {
            Setup::Config { .. } => {
                Stores::open_default().map_err(|e| CliError::new(Exit::Refused, e.to_string()))
            }
            Setup::Demo { stores, .. } => Ok(stores.clone()),
        }
    }
}

/// Runs `command` on a demo platform started for it, with the demo's temporary
/// journal and history. A command that has no meaning there is refused, as is
/// `--config`: the demo never reaches the config's profiles.
async fn on_demo(
    cli: &Cli,
    command: Command,
    scratch: &crate::tui::runtime::demo::Scratch,
) -> Result<(), CliError> {
    use crate::tui::runtime::demo;
    if cli.config.is_some() {
        return Err(CliError::usage(
            "--demo runs on the embedded demo platform, never on a config: leave out \
             --config (or --demo)",
        ));
    }
    match &command {
        Command::Sandbox(_) => {
            return Err(CliError::usage(
                "--demo starts its own sandbox for a command; `telcreds sandbox` runs one \
                 alone: leave out --demo",
            ));
        }
        Command::Doctor(_) => {
            return Err(CliError::usage(
                "doctor checks your own config, and the demo needs none: leave out --demo",
            ));
        }
        _ => {}
    }
    let sandbox = demo::start_sandbox()
        .await
        .map_err(|e| CliError::new(Exit::Other, format!("could not start the demo: {e}")))?;
    let setup = Setup::Demo {
        config: Box::new(demo::config(&sandbox)),
        stores: scratch.stores(),
    };
    let result = dispatch(cli, command, &setup).await;
    drop(sandbox);
    result
}

async fn dispatch(cli: &Cli, command: Command, setup: &Setup) -> Result<(), CliError> {
    match command {
        Command::Sandbox(a) => {
            if cli.config.is_some() || cli.explicit_profile().is_some() {
                return Err(CliError::usage(
                    "`telcreds sandbox` reads no config and has no profiles: leave out \
                     --config and --profile (`telcreds sandbox --help` lists its options)",
                ));
            }
            sandbox_cmd::run(a, cli.output).await
        }
        Command::Profiles(_) => profiles::list(&setup.config()?, cli),
        Command::Providers(c) => providers::run(&context(cli, setup)?, c).await,
        Command::Sip(c) => sip::run(&context(cli, setup)?, c).await,
        Command::Rotate(c) => {
            let halt = Arc::new(AtomicBool::new(false));
            until_interrupted(rotate::run(cli, c, setup, halt.clone()), setup, &halt).await
        }
        Command::Doctor(a) => doctor::run(cli, a).await,
        Command::Completions(a) => docs::completions(a.shell),
        Command::Man => docs::man(),
    }
}

/// How long a rotation stopped by ctrl-c may take to finish the step in flight.
pub const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs a rotation command until it ends or ctrl-c stops it. Stopped, the run
/// starts no other step (`halt`) and the step in flight has [`STOP_GRACE`] to end
/// (a second ctrl-c cuts it off: the journal then has it as sent, with no answer);
/// then what the journal says of each unfinished run is told as it is: exit 130.
async fn until_interrupted(
    work: impl std::future::Future<Output = Result<(), CliError>>,
    setup: &Setup,
    halt: &AtomicBool,
) -> Result<(), CliError> {
    tokio::pin!(work);
    tokio::select! {
        result = &mut work => return result,
        Ok(()) = tokio::signal::ctrl_c() => {}
    }
    halt.store(true, Ordering::SeqCst);
    eprintln!(
        "telcreds: stopping: the step in flight may take up to {} s to end; nothing more is \
         sent (ctrl-c again stops at once)",
        STOP_GRACE.as_secs()
    );
    let finished = tokio::select! {
        _ = &mut work => true,
        _ = tokio::time::sleep(STOP_GRACE) => false,
        Ok(()) = tokio::signal::ctrl_c() => false,
    };
    Err(rotation_status::interrupted(setup, finished).await)
}

/// The profile of `--profile` or `TELCREDS_PROFILE`, else the config's default; an
/// unknown name says where it came from.
pub fn pick<'a>(config: &'a Config, cli: &Cli) -> Result<&'a Profile, ConfigError> {
    config.pick(cli.profile.as_deref()).map_err(|e| match e {
        ConfigError::UnknownProfile { .. } if cli.profile_from_env => ConfigError::ProfileFromEnv {
            var: args::PROFILE_ENV,
            error: Box::new(e),
        },
        other => other,
    })
}

fn context(cli: &Cli, setup: &Setup) -> Result<Context, CliError> {
    let config = setup.config()?;
    let profile = pick(&config, cli)?.clone();
    let core = crate::ops::Context {
        http: Http::new(HttpOptions::default())?,
        stores: setup.stores()?,
        profiles: config.profiles,
        twilio_accounts: config.twilio_accounts,
    };
    let ops = core.connect(&profile)?;
    Ok(Context {
        profile,
        ops,
        output: cli.output,
        core,
    })
}

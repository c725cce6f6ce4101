//! The scriptable command line: one module per command group, shared context,
//! output formats and exit codes.

pub mod args;
mod audit;
mod confirm;
pub mod exit;
#[cfg(unix)]
mod hidden;
mod output;
mod profiles;
mod providers;
mod rotate;
mod sandbox_cmd;
mod secrets;
mod sip;

use crate::api::{Http, HttpOptions, PlatformClient};
use crate::config::{Config, Profile};
use crate::history::History;
use crate::journal::Journal;
use args::{Cli, Command, OutputFormat};
use exit::{CliError, Exit};

/// What every profile-bound command needs.
pub struct Context {
    /// The profile in use.
    pub profile: Profile,
    /// Its client.
    pub client: PlatformClient,
    /// Output format.
    pub output: OutputFormat,
    /// The shared HTTP layer (for Twilio checks).
    pub http: Http,
    /// Where mutations are recorded.
    pub journal: Journal,
    /// Where verification results are recorded.
    pub history: History,
}

impl Context {
    /// Refuses mutations on a read-only profile.
    pub fn require_writable(&self) -> Result<(), CliError> {
        if self.profile.readonly {
            return Err(CliError::new(
                Exit::Refused,
                format!(
                    "profile \"{}\" is read-only: nothing was changed",
                    self.profile.name
                ),
            ));
        }
        Ok(())
    }
}

/// Runs a command (never the TUI) and returns its exit code; errors go to stderr.
pub async fn run(cli: Cli, command: Command) -> Exit {
    match dispatch(&cli, command).await {
        Ok(()) => Exit::Success,
        Err(e) => {
            eprintln!("error: {}", e.message);
            e.exit
        }
    }
}

async fn dispatch(cli: &Cli, command: Command) -> Result<(), CliError> {
    match command {
        Command::Sandbox(a) => sandbox_cmd::run(a, cli.output).await,
        Command::Profiles(_) => {
            let config = Config::load_default(cli.config.as_deref())?;
            profiles::list(&config, cli.output)
        }
        Command::Providers(c) => providers::run(&context(cli)?, c).await,
        Command::Sip(c) => sip::run(&context(cli)?, c).await,
        Command::Rotate(c) => rotate::run(cli, c).await,
    }
}

fn context(cli: &Cli) -> Result<Context, CliError> {
    let config = Config::load_default(cli.config.as_deref())?;
    let profile = config.pick(cli.profile.as_deref())?.clone();
    let http = Http::new(HttpOptions::default())?;
    let client = PlatformClient::connect(&profile, http.clone())?;
    Ok(Context {
        profile,
        client,
        output: cli.output,
        http,
        journal: Journal::open_default(),
        history: History::open_default(),
    })
}

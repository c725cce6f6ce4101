//! The command line, as clap sees it. Secrets have no flag that takes a value:
//! they come from stdin, a file, or the generator.

use clap::parser::ValueSource;
use clap::{
    ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum, ValueHint,
};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Manage voice-AI telephony credentials (Twilio providers, SIP trunk credentials)
/// on Dasha BlackBox and Unpod. Without a command, opens the terminal UI.
#[derive(Debug, Parser)]
#[command(name = "telcreds", version, about, long_about = None)]
pub struct Cli {
    /// Config file (default: $TELCREDS_CONFIG, then the platform config directory).
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = GLOBAL)]
    pub config: Option<PathBuf>,
    /// Profile to use (default: `default_profile`, then the first in the file).
    #[arg(long, short = 'p', global = true, value_name = "NAME", env = PROFILE_ENV, help_heading = GLOBAL)]
    pub profile: Option<String>,
    /// True when `profile` came from `TELCREDS_PROFILE`, not from `--profile`.
    #[arg(skip)]
    pub profile_from_env: bool,
    /// Output format of commands.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputFormat::Table, help_heading = GLOBAL)]
    pub output: OutputFormat,
    /// Colour theme of the terminal UI.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// Open the terminal UI on an embedded demo platform (no config needed).
    #[arg(long)]
    pub demo: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The help heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// Names the profile when `--profile` is not given (empty: not set).
pub const PROFILE_ENV: &str = "TELCREDS_PROFILE";

impl Cli {
    /// Parses the process's arguments (exiting on a usage error, as clap does), noting
    /// whether the profile came from [`PROFILE_ENV`].
    pub fn parse_args() -> Cli {
        let matches = Cli::command().get_matches();
        Cli::from_matches(&matches).unwrap_or_else(|e| e.format(&mut Cli::command()).exit())
    }

    /// The `Cli` of parsed `matches`; an empty `TELCREDS_PROFILE` counts as unset.
    pub fn from_matches(matches: &ArgMatches) -> Result<Cli, clap::Error> {
        let mut cli = Cli::from_arg_matches(matches)?;
        cli.profile_from_env = matches.value_source("profile") == Some(ValueSource::EnvVariable);
        if cli.profile_from_env && cli.profile.as_deref() == Some("") {
            cli.profile = None;
            cli.profile_from_env = false;
        }
        Ok(cli)
    }

    /// The profile named with `--profile` on the command line, never the variable's:
    /// a rotation covers every profile unless narrowed on purpose.
    pub fn explicit_profile(&self) -> Option<&str> {
        self.profile.as_deref().filter(|_| !self.profile_from_env)
    }
}

/// `--account-sid`: any case, taken as `AC` + lowercase hex (see
/// [`normalize_account_sid`](crate::domain::validate::normalize_account_sid)).
fn account_sid(text: &str) -> Result<String, std::convert::Infallible> {
    Ok(crate::domain::validate::normalize_account_sid(text))
}

/// How command results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// Stable JSON for scripts; secrets left out.
    Json,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Configured profiles.
    #[command(subcommand)]
    Profiles(ProfilesCommand),
    /// Telephony provider credentials (Twilio Account SID + auth token).
    #[command(subcommand)]
    Providers(ProvidersCommand),
    /// SIP trunk credentials (Dasha).
    #[command(subcommand)]
    Sip(SipCommand),
    /// Rotate a credential everywhere it is used.
    #[command(subcommand)]
    Rotate(RotateCommand),
    /// Check, without changing anything, that each profile works: config file, token
    /// source, base URL and TLS, token and org handle, every API path, Twilio's API.
    Doctor(DoctorArgs),
    /// Run the embedded sandbox platform (Dasha, Unpod and Twilio on loopback).
    Sandbox(SandboxArgs),
    /// Print a shell completion script, e.g. `telcreds completions bash > FILE`.
    Completions(CompletionsArgs),
    /// Print the man page (roff), e.g. `telcreds man > ~/.local/share/man/man1/telcreds.1`.
    Man,
}

/// `doctor`
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Check every profile (default: the one --profile, TELCREDS_PROFILE or
    /// default_profile names, else the first).
    #[arg(long)]
    pub all: bool,
    /// Seconds a token_cmd may take before it is stopped.
    #[arg(long, default_value_t = crate::ops::doctor::TOKEN_TIMEOUT.as_secs_f64(), value_name = "S")]
    pub token_timeout: f64,
}

/// `completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell the script is for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `rotate …`
#[derive(Debug, Subcommand)]
pub enum RotateCommand {
    /// Put a new Twilio auth token on every provider that uses the Account SID, on
    /// every profile, then verify them: one already rotated in the Twilio console
    /// (--token-stdin), or one minted at Twilio and promoted once every provider has
    /// it (--mint, zero downtime). Checks with Twilio first, shows the plan and asks
    /// once (on the terminal) before changing anything.
    Twilio(RotateTwilioArgs),
    /// List the zero-downtime rotations that did not finish (neither promoted nor
    /// aborted), rebuilt from the journal: which token each target holds.
    Status,
    /// Not a command (unlisted): says that `telcreds sip rotate ID` rotates a SIP
    /// password, whatever follows.
    #[command(hide = true, disable_help_flag = true)]
    Sip(AnyArgs),
}

/// Whatever follows a command that only points to another one.
#[derive(Debug, Args)]
pub struct AnyArgs {
    /// Ignored.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub rest: Vec<String>,
}

/// `rotate twilio`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("how").required(true).args(["token_stdin", "mint", "promote", "abort"])))]
pub struct RotateTwilioArgs {
    /// The Twilio Account SID whose token changes (AC + 32 hex digits).
    #[arg(long, value_name = "AC…", value_parser = account_sid)]
    pub account_sid: String,
    /// Read the new auth token from stdin, or at a hidden prompt on a terminal
    /// (secrets are never arguments): for a token already rotated in the Twilio
    /// console.
    #[arg(long)]
    pub token_stdin: bool,
    /// Zero downtime: mint a new token at Twilio (a secondary auth token), deploy it to
    /// every provider, then promote it; the old token works until the promotion.
    #[arg(long)]
    pub mint: bool,
    /// Promote the secondary token left by an earlier --mint that stopped before
    /// promoting (once every provider holds it); the old token dies.
    #[arg(long)]
    pub promote: bool,
    /// Put the current token back on every provider and delete the secondary token
    /// left by an earlier --mint that stopped before promoting.
    #[arg(long)]
    pub abort: bool,
    /// With --promote: promote even though the journal does not show every provider
    /// on the new token (those left on the old one stop working).
    #[arg(long, requires = "promote")]
    pub force: bool,
    /// With --mint/--promote/--abort: read the account's CURRENT auth token from stdin
    /// (when the account has no [twilio_accounts] table in the config).
    #[arg(long, conflicts_with = "token_stdin")]
    pub current_token_stdin: bool,
    /// With --mint: when the account already has a secondary token, delete it and
    /// create a new one (asked on a terminal otherwise).
    #[arg(long, requires = "mint")]
    pub replace_secondary: bool,
    /// Include the new primary token in JSON output after a promotion (when the
    /// account has no store_cmd).
    #[arg(long)]
    pub show_secrets: bool,
    /// Only these profiles (comma-separated; default: every profile, or --profile).
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub profiles: Vec<String>,
    /// Check the token with Twilio and print the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required when no terminal is available).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Providers updated at once.
    #[arg(long, default_value_t = crate::ops::rotation::DEFAULT_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// `profiles …`
#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// List the profiles of the config file.
    List,
}

/// `providers …`
#[derive(Debug, Subcommand)]
pub enum ProvidersCommand {
    /// List providers with their verification status.
    List(ListArgs),
    /// Show one provider with its checks and phone numbers.
    Show(IdArg),
    /// Link a Twilio account; the auth token is read from stdin.
    Create(ProviderCreateArgs),
    /// Change a provider's name, region or call transfer (Dasha), or Account SID (Unpod:
    /// with the new account's auth token on stdin, checked with Twilio first).
    Update(ProviderUpdateArgs),
    /// Replace a provider's Twilio auth token, read from stdin.
    RotateToken(RotateTokenArgs),
    /// Run the platform's verification (Dasha).
    Verify(IdArg),
    /// Delete a provider and what the platform created for it.
    Delete(DeleteArgs),
}

/// `sip …`
#[derive(Debug, Subcommand)]
pub enum SipCommand {
    /// List SIP credentials.
    List(ListArgs),
    /// Show one SIP credential and what uses it.
    Show(SipShowArgs),
    /// Create a SIP credential.
    Create(SipCreateArgs),
    /// Change fields of a SIP credential (a full replacement that keeps the others).
    Update(SipUpdateArgs),
    /// Replace a SIP credential's password, keeping its id and every other field.
    Rotate(SipRotateArgs),
    /// Delete a SIP credential.
    Delete(DeleteArgs),
    /// Check a SIP credential end to end from here: resolve the server, reach it with
    /// an OPTIONS, and with --register check the password with a query-only REGISTER.
    Probe(SipProbeArgs),
}

/// `providers list`, `sip list`
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only the items with this text in a field the UI's `/` filter searches
    /// (ignoring case): providers' name, Account SID, status, region; SIP
    /// credentials' server, description, auth user, domain, transport, source.
    #[arg(long, value_name = "TEXT", value_parser = one_line)]
    pub filter: Option<String>,
}

/// A filter is one line of text.
fn one_line(text: &str) -> Result<String, &'static str> {
    if text.chars().any(char::is_control) {
        return Err("a filter is one line of text, without control characters");
    }
    Ok(text.to_string())
}

/// `sip probe`
#[derive(Debug, Args)]
pub struct SipProbeArgs {
    /// The credential's id, or its description (its server when it has none).
    pub id: String,
    /// Also check the password: a REGISTER answering the digest challenge. It is
    /// query-only (no Contact), so no registration is created or taken over.
    #[arg(long)]
    pub register: bool,
    /// Seconds each step may take.
    #[arg(long, default_value_t = 5.0, value_name = "S")]
    pub timeout: f64,
    /// Also trust the CA certificates in this PEM file (TLS).
    #[arg(long, value_name = "PEM", value_hint = ValueHint::FilePath)]
    pub ca_file: Option<PathBuf>,
}

/// `sip rotate`
#[derive(Debug, Args)]
pub struct SipRotateArgs {
    /// The credential's id, or its description (its server when it has none).
    pub id: String,
    /// Where the new password comes from (exactly one).
    #[command(flatten)]
    pub password: PasswordSource,
    /// Include a generated password in JSON output (table output shows it once anyway).
    #[arg(long)]
    pub show_secrets: bool,
    /// Use a password under 12 characters anyway.
    #[arg(long)]
    pub allow_weak_password: bool,
    /// Rotate at both ends of the trunk: a new credential at the carrier (the Twilio
    /// Elastic SIP trunk whose termination host is the server), then the platform,
    /// then the old credential deleted; no call fails in between. An interrupted run
    /// of the same credential is finished.
    #[arg(long)]
    pub carrier: bool,
    /// With --carrier: keep the username and change the password at the carrier,
    /// then on the platform (calls fail in between).
    #[arg(long, requires = "carrier")]
    pub in_place: bool,
    /// Do not ask for confirmation on a production profile (required there when no
    /// terminal is available).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// A provider, by id or name.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The provider's id, or its name (the whole Account SID when it has none).
    pub id: String,
}

/// `sip show`
#[derive(Debug, Args)]
pub struct SipShowArgs {
    /// The credential's id, or its description (its server when it has none).
    pub id: String,
    /// Print the SIP password (masked otherwise).
    #[arg(long)]
    pub show_secrets: bool,
}

/// `providers create`
#[derive(Debug, Args)]
pub struct ProviderCreateArgs {
    /// Display name (Dasha).
    #[arg(long)]
    pub name: Option<String>,
    /// Twilio Account SID (AC + 32 hex digits).
    #[arg(long, value_name = "AC…", value_parser = account_sid)]
    pub account_sid: String,
    /// Twilio region, e.g. us1, ie1 (Dasha).
    #[arg(long)]
    pub region: Option<String>,
    /// Provider slug (Unpod).
    #[arg(long, default_value = "twilio")]
    pub provider: String,
    /// Allow call transfer (Dasha).
    #[arg(long)]
    pub supports_call_transfer: Option<bool>,
    /// Read the auth token from stdin, or at a hidden prompt on a terminal (required:
    /// secrets are never arguments).
    #[arg(long, required = true)]
    pub token_stdin: bool,
    /// Link the Account SID although a provider of the profile already uses it.
    #[arg(long)]
    pub allow_duplicate: bool,
}

/// `providers update`
#[derive(Debug, Args)]
pub struct ProviderUpdateArgs {
    /// The provider's id, or its name (the whole Account SID when it has none).
    pub id: String,
    /// New display name (Dasha).
    #[arg(long)]
    pub name: Option<String>,
    /// New region (Dasha).
    #[arg(long)]
    pub region: Option<String>,
    /// Allow call transfer (Dasha).
    #[arg(long)]
    pub supports_call_transfer: Option<bool>,
    /// New Account SID (Unpod; needs --token-stdin).
    #[arg(long, value_name = "AC…", value_parser = account_sid)]
    pub account_sid: Option<String>,
    /// Read the auth token of the new Account SID from stdin, or at a hidden prompt on
    /// a terminal (Unpod: required with --account-sid; the pair is checked with Twilio).
    #[arg(long, requires = "account_sid")]
    pub token_stdin: bool,
}

/// `providers rotate-token`
#[derive(Debug, Args)]
pub struct RotateTokenArgs {
    /// The provider's id, or its name (the whole Account SID when it has none).
    pub id: String,
    /// Read the new auth token from stdin, or at a hidden prompt on a terminal (required).
    #[arg(long, required = true)]
    pub token_stdin: bool,
}

/// `… delete`
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The item's id, or its name (a SIP credential's description, else its server).
    pub id: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Delete what depends on it too (SIP: the phone numbers using it).
    #[arg(long)]
    pub force: bool,
}

/// Where a SIP password comes from: at most one of these.
#[derive(Debug, Args, Default)]
#[group(multiple = false)]
pub struct PasswordSource {
    /// Read the SIP password from stdin, or at a hidden prompt on a terminal.
    #[arg(long)]
    pub password_stdin: bool,
    /// Read the SIP password from a file.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub password_file: Option<PathBuf>,
    /// Generate a strong password (printed once).
    #[arg(long)]
    pub generate_password: bool,
}

/// Fields of a SIP credential.
#[derive(Debug, Args, Default)]
pub struct SipFields {
    /// Host or IP with optional :port.
    #[arg(long)]
    pub server: Option<String>,
    /// Auth realm (defaults to the server).
    #[arg(long)]
    pub domain: Option<String>,
    /// Digest auth user.
    #[arg(long)]
    pub auth_user: Option<String>,
    /// udp, tcp or tls.
    #[arg(long)]
    pub transport: Option<String>,
    /// Free text.
    #[arg(long)]
    pub description: Option<String>,
    /// Calls per second (empty to clear).
    #[arg(long, allow_hyphen_values = true)]
    pub cps_limit: Option<String>,
    /// Shared rate-limit group key.
    #[arg(long)]
    pub cps_key: Option<String>,
}

/// `sip create`
#[derive(Debug, Args)]
pub struct SipCreateArgs {
    /// Fields.
    #[command(flatten)]
    pub fields: SipFields,
    /// Password source.
    #[command(flatten)]
    pub password: PasswordSource,
    /// Include the password in JSON output (`sip show --show-secrets` prints it too).
    #[arg(long)]
    pub show_secrets: bool,
}

/// `sip update`
#[derive(Debug, Args)]
pub struct SipUpdateArgs {
    /// The credential's id, or its description (its server when it has none).
    pub id: String,
    /// Fields to change; the others keep their values.
    #[command(flatten)]
    pub fields: SipFields,
    /// New password source (the password is kept otherwise).
    #[command(flatten)]
    pub password: PasswordSource,
    /// Include a new password in JSON output (`sip show --show-secrets` prints it too).
    #[arg(long)]
    pub show_secrets: bool,
}

/// Seed data of the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeedArg {
    /// A realistic demo organisation.
    Demo,
    /// Twilio accounts only.
    Empty,
}

/// `sandbox`. It reads no config and has no profiles: its own `--config` and
/// `--profile` take the place of the global ones, unlisted, so that they are neither
/// shown nor passed on to `roll-token`; given, they are refused (`cli::dispatch`).
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    arg(clap::Arg::new("config").long("config").hide(true).value_parser(clap::value_parser!(PathBuf))),
    arg(clap::Arg::new("profile").long("profile").short('p').hide(true)),
)]
pub struct SandboxArgs {
    /// Act on a running sandbox instead of starting one.
    #[command(subcommand)]
    pub action: Option<SandboxAction>,
    /// Address to listen on (loopback).
    #[arg(long, default_value = "127.0.0.1:8931")]
    pub listen: SocketAddr,
    /// Seed data.
    #[arg(long, value_enum, default_value_t = SeedArg::Demo)]
    pub seed: SeedArg,
    /// Delay every API answer by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of API requests that fail (0..1): 500, 429, malformed JSON, slow, dropped.
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Add this many generated SIP credentials ("trunk 1" …), to measure long lists.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub sip_credentials: u32,
    /// Make the sandbox token a member of this many Unpod organisations:
    /// sandbox.example, then sandbox-2.example …
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub unpod_orgs: u16,
    /// Add this many targets of the first demo account (Acme Production), to measure a
    /// rotation: one Unpod configuration in each Unpod organisation that has none for
    /// it yet, the rest Dasha providers (acme-001 …).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub twilio_providers: u32,
    /// Serve Unpod provider configurations only at this path under /api/v2/platform
    /// (e.g. `telephony/provider-configurations/`); default: both spellings.
    #[arg(long, value_name = "PATH")]
    pub unpod_provider_configurations_path: Option<String>,
    /// Print a ready config for a sandbox at --listen and exit.
    #[arg(long)]
    pub print_config: bool,
}

/// `sandbox …` on a running sandbox.
#[derive(Debug, Subcommand)]
pub enum SandboxAction {
    /// Roll a demo Twilio account's auth token, as the Twilio console does, and print
    /// the new one (sandbox demo data only).
    RollToken(RollTokenArgs),
}

/// `sandbox roll-token`
#[derive(Debug, Args)]
pub struct RollTokenArgs {
    /// The demo account's SID.
    #[arg(long, value_name = "AC…", value_parser = account_sid)]
    pub account_sid: String,
    /// The running sandbox.
    #[arg(long, default_value = "http://127.0.0.1:8931")]
    pub url: String,
    /// Include the new token in JSON output (table output shows it anyway).
    #[arg(long)]
    pub show_secrets: bool,
}

//! `telcreds completions SHELL` and `telcreds man`: generated from the clap
//! definition, so they always match the commands and flags of this binary.
//!
//! Profile names are not completed: the static scripts of `clap_complete` can only
//! offer values known when the script is generated (subcommands, flags, enums, file
//! paths), and profile names live in the config file.

use super::args::Cli;
use super::exit::{CliError, Exit};
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;

/// Prints the completion script for `shell`.
pub fn completions(shell: Shell) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "telcreds", &mut script);
    print(&script)
}

/// Prints the man page of `telcreds` (section 1, roff).
pub fn man() -> Result<(), CliError> {
    let page = super::man_page::render(Cli::command())
        .map_err(|e| CliError::new(Exit::Other, format!("could not render the man page: {e}")))?;
    print(page.as_bytes())
}

/// Writes `bytes` to stdout. A reader that went away (`telcreds man | head`) is not
/// an error; any other write failure is.
fn print(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::new(
            Exit::Other,
            format!("could not write to stdout: {e}"),
        )),
    }
}

//! Confirmation before destructive commands: `--yes`, or a prompt on the terminal
//! that names the profile; on a protected profile the item's name must be typed.

use super::exit::{CliError, Exit};
use crate::config::Profile;
use std::io::{BufRead, IsTerminal, Write};

/// Asks before deleting `name` (of kind `kind`) on `profile`, unless `yes`.
pub fn confirm_delete(
    profile: &Profile,
    kind: &str,
    name: &str,
    yes: bool,
) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::new(
            Exit::Refused,
            format!(
                "not deleting {kind} \"{name}\": stdin is not a terminal, pass --yes to confirm"
            ),
        ));
    }
    let badge = if profile.is_production() {
        " [PROD]"
    } else {
        ""
    };
    let expected = if profile.protected { name } else { "yes" };
    let name = crate::text::printable(name);
    eprint!(
        "Delete {kind} \"{name}\" on profile \"{}\"{badge}? Type {} to confirm: ",
        profile.name,
        if profile.protected {
            format!("its name \"{name}\"")
        } else {
            "yes".into()
        }
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::usage(format!("could not read the answer: {e}")))?;
    if answer.trim() == expected {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Refused,
            "not confirmed: nothing was deleted",
        ))
    }
}

/// Asks on the controlling terminal (`/dev/tty`) rather than stdin, for commands
/// whose stdin carries a secret. True when the answer is `expected`; a refusal
/// naming `--yes` when there is no terminal to ask on.
pub fn ask_on_tty(prompt: &str, expected: &str) -> Result<bool, CliError> {
    let no_tty = |e: std::io::Error| {
        CliError::new(
            Exit::Refused,
            format!(
                "no terminal to confirm on ({e}): stdin carries the secret, so pass --yes to confirm in scripts"
            ),
        )
    };
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(no_tty)?;
    let mut out = &tty;
    write!(out, "{prompt}")
        .and_then(|()| out.flush())
        .map_err(no_tty)?;
    let mut answer = String::new();
    std::io::BufReader::new(&tty)
        .read_line(&mut answer)
        .map_err(|e| CliError::usage(format!("could not read the answer: {e}")))?;
    Ok(answer.trim() == expected)
}

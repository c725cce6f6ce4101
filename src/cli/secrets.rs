//! Reading secrets the only ways the command line allows: stdin, a file, the generator.

use super::args::PasswordSource;
use super::exit::{CliError, Exit};
use crate::domain::password;
use crate::local_file;
use crate::secret::Secret;
use std::io::{IsTerminal, Read};
use zeroize::Zeroizing;

/// Most read from stdin.
const STDIN_LIMIT: usize = 64 * 1024;

/// Reads one secret from stdin: the first line, trimmed. Never echoes it. On a
/// terminal it asks with a prompt on stderr and reads one line with echo off (see
/// [`hidden`](super::hidden)); otherwise it reads what is piped in.
pub fn read_stdin(what: &str) -> Result<Secret, CliError> {
    let on_terminal = std::io::stdin().is_terminal();
    let raw = if on_terminal {
        read_terminal(what)?
    } else {
        read_piped(what)?
    };
    let text = std::str::from_utf8(&raw)
        .map_err(|_| CliError::usage(format!("the {what} is not valid UTF-8 text")))?;
    let secret = Secret::new(text.lines().next().unwrap_or("").trim());
    if secret.is_empty() {
        let hint = if on_terminal {
            format!("no {what} entered")
        } else {
            format!("no {what} on stdin: pipe it in, e.g. `pass show twilio/prod | telcreds …`")
        };
        return Err(CliError::new(Exit::Validation, hint));
    }
    Ok(secret)
}

fn read_piped(what: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let mut raw = Zeroizing::new(Vec::new());
    std::io::stdin()
        .take(STDIN_LIMIT as u64)
        .read_to_end(&mut raw)
        .map_err(|e| CliError::usage(format!("could not read the {what} from stdin: {e}")))?;
    Ok(raw)
}

#[cfg(unix)]
fn read_terminal(what: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    use std::os::fd::AsFd;
    let mut prompt = what.to_string();
    if let Some(first) = prompt.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    prompt.push_str(" (input hidden): ");
    let stdin = std::io::stdin();
    super::hidden::read_line(stdin.as_fd(), &prompt, STDIN_LIMIT).map_err(|e| match e.kind() {
        std::io::ErrorKind::Interrupted => {
            CliError::new(Exit::Refused, format!("cancelled: no {what} was read"))
        }
        _ => CliError::usage(format!("could not read the {what} from the terminal: {e}")),
    })
}

#[cfg(not(unix))]
fn read_terminal(what: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    read_piped(what)
}

/// Reads a secret from a file (a regular file of at most
/// [`SECRET_LIMIT`](crate::local_file::SECRET_LIMIT)): the first line, trimmed.
pub fn read_file(path: &std::path::Path, what: &str) -> Result<Secret, CliError> {
    let (mut raw, _) = local_file::read_to_string(path, local_file::SECRET_LIMIT).map_err(|e| {
        CliError::usage(format!(
            "could not read the {what} from {}: {e}",
            path.display()
        ))
    })?;
    let secret = Secret::new(raw.lines().next().unwrap_or("").trim());
    zeroize::Zeroize::zeroize(&mut raw);
    if secret.is_empty() {
        return Err(CliError::new(
            Exit::Validation,
            format!("{} holds no {what}", path.display()),
        ));
    }
    Ok(secret)
}

/// A SIP password from the one source given, if any; the flag says whether it was generated.
pub fn sip_password(source: &PasswordSource) -> Result<Option<(Secret, bool)>, CliError> {
    if source.password_stdin {
        return read_stdin("SIP password").map(|s| Some((s, false)));
    }
    if let Some(path) = &source.password_file {
        return read_file(path, "SIP password").map(|s| Some((s, false)));
    }
    if source.generate_password {
        return Ok(Some((password::generate(), true)));
    }
    Ok(None)
}

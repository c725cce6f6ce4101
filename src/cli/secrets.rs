//! Reading secrets the only ways the command line allows: stdin, a file, the generator.

use super::args::PasswordSource;
use super::exit::{CliError, Exit};
use crate::domain::password;
use crate::local_file;
use crate::secret::Secret;
use std::io::Read;

/// Reads one secret from stdin: the first line, trimmed. Never echoes it.
pub fn read_stdin(what: &str) -> Result<Secret, CliError> {
    let mut raw = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut raw)
        .map_err(|e| CliError::usage(format!("could not read the {what} from stdin: {e}")))?;
    let secret = Secret::new(raw.lines().next().unwrap_or("").trim());
    zeroize::Zeroize::zeroize(&mut raw);
    if secret.is_empty() {
        return Err(CliError::new(
            Exit::Validation,
            format!("no {what} on stdin: pipe it in, e.g. `pass show twilio/prod | telcreds …`"),
        ));
    }
    Ok(secret)
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

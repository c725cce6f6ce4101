//! Confirmation before destructive commands: `--yes`, or a prompt on the terminal
//! that names the profile; on a protected profile the item's name must be typed.
//! ctrl-c at a prompt cancels the command with a word (exit 130), nothing changed.

use super::exit::{CliError, Exit};
use crate::config::{Confirmation, Profile};
use std::io::{IsTerminal, Write};

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
    let (prompt, confirmation) = question(profile, &format!("Delete {kind}"), name, None);
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let answer = answer(stdin_fd(), &mut std::io::stderr())?;
    if confirmation.accepts(answer.trim()) {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Refused,
            "not confirmed: nothing was deleted",
        ))
    }
}

/// Asks on the terminal (`/dev/tty`: stdin may carry the new secret) before `action`
/// (e.g. "Rotate the password of SIP credential") on `name`, unless `yes`; `note`
/// says what else the user must know. `nothing` ends the refusal ("nothing was
/// changed").
pub fn confirm_on_tty(
    profile: &Profile,
    action: &str,
    name: &str,
    note: Option<&str>,
    yes: bool,
) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    let (prompt, confirmation) = question(profile, action, name, note);
    let no_tty = |e: CliError| {
        CliError::new(
            Exit::Refused,
            format!(
                "not changed: profile \"{}\" is production and there is no terminal to \
                 confirm on ({}); pass --yes to confirm in scripts",
                profile.name, e.message
            ),
        )
    };
    let typed = ask_on_tty_answer(&prompt).map_err(|e| match e.exit {
        Exit::Refused => no_tty(e),
        _ => e,
    })?;
    if confirmation.accepts(typed.trim()) {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Refused,
            "not confirmed: nothing was changed",
        ))
    }
}

/// The question before `action` on `name` in `profile`, and what confirms it.
fn question(
    profile: &Profile,
    action: &str,
    name: &str,
    note: Option<&str>,
) -> (String, Confirmation) {
    let badge = if profile.is_production() {
        " [PROD]"
    } else {
        ""
    };
    let shown = crate::text::printable(name);
    let confirmation = Confirmation::for_item(profile, name);
    let what = match confirmation.name() {
        Some(_) => format!("its name \"{shown}\""),
        None => "yes".to_string(),
    };
    let note = note
        .map(|n| format!("\n{n}\n"))
        .unwrap_or_else(|| " ".into());
    let prompt = format!(
        "{action} \"{shown}\" on profile \"{}\"{badge}?{note}Type {what} to confirm: ",
        profile.name
    );
    (prompt, confirmation)
}

/// Asks on the controlling terminal (`/dev/tty`) rather than stdin, for commands
/// whose stdin carries a secret. True when the answer confirms; a refusal naming
/// `--yes` when there is no terminal to ask on.
pub fn ask_on_tty(prompt: &str, confirmation: &Confirmation) -> Result<bool, CliError> {
    Ok(confirmation.accepts(ask_on_tty_answer(prompt)?.trim()))
}

/// Asks on the controlling terminal and returns what was typed; a refusal naming
/// `--yes` when there is no terminal to ask on.
pub fn ask_on_tty_answer(prompt: &str) -> Result<String, CliError> {
    ask_on(open_tty(), prompt, |e| {
        format!(
            "no terminal to confirm on ({e}): stdin carries the secret, so pass --yes to \
             confirm in scripts"
        )
    })
}

/// The controlling terminal, for reading and writing.
fn open_tty() -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
}

/// Writes `prompt` on `tty` and returns what was typed; without a terminal, a
/// refusal worded by `no_tty`.
fn ask_on(
    tty: std::io::Result<std::fs::File>,
    prompt: &str,
    no_tty: impl Fn(&std::io::Error) -> String,
) -> Result<String, CliError> {
    let refused = |e: std::io::Error| CliError::new(Exit::Refused, no_tty(&e));
    let tty = tty.map_err(refused)?;
    let mut out = &tty;
    write!(out, "{prompt}")
        .and_then(|()| out.flush())
        .map_err(refused)?;
    answer(tty_fd(&tty), &mut out)
}

/// Most bytes of an answer.
const ANSWER_LIMIT: usize = 4096;

/// What the user typed. On ctrl-c the line is ended on `echo` (after the `^C` the
/// terminal shows) and the command is cancelled: exit 130, "nothing was changed".
#[cfg(unix)]
fn answer(source: impl std::os::fd::AsFd, echo: &mut impl Write) -> Result<String, CliError> {
    match super::interrupt::read_line(source.as_fd(), ANSWER_LIMIT) {
        Ok(super::interrupt::Typed::Line(line)) => Ok(line),
        Ok(super::interrupt::Typed::Interrupted) => {
            let _ = writeln!(echo).and_then(|()| echo.flush());
            Err(CliError::new(
                Exit::Interrupted,
                "cancelled: nothing was changed",
            ))
        }
        Err(e) => Err(CliError::usage(format!("could not read the answer: {e}"))),
    }
}

/// What the user typed (without unix, ctrl-c ends the process as before).
#[cfg(not(unix))]
fn answer(source: impl std::io::Read, _echo: &mut impl Write) -> Result<String, CliError> {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(source)
        .take(ANSWER_LIMIT as u64)
        .read_line(&mut line)
        .map_err(|e| CliError::usage(format!("could not read the answer: {e}")))?;
    Ok(line)
}

fn stdin_fd() -> std::io::Stdin {
    std::io::stdin()
}

fn tty_fd(tty: &std::fs::File) -> &std::fs::File {
    tty
}

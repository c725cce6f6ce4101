//! The man page, telcreds(1): one self-contained page. clap_mangen renders the title,
//! synopsis, description and global options; instead of its SUBCOMMANDS section, which
//! points at a `telcreds-sip(1)` page per command that is never installed, the page
//! lists every command by its full name (`telcreds sip rotate ID`), then the
//! environment variables and files telcreds reads and writes.

use clap::Command;
use roff::{Roff, bold, italic, roman};

/// The DESCRIPTION section (the synopsis line of `--help` is the NAME section's).
const DESCRIPTION: &str = "Without a command, telcreds opens the terminal UI on the \
profiles of the config file; telcreds --demo opens it on an embedded demo platform, with \
no account needed. The commands below do the same from scripts: list, create, update, \
delete and verify Twilio provider credentials and SIP trunk credentials on Dasha \
BlackBox and Unpod, probe a SIP trunk, and rotate a leaked Twilio auth token everywhere \
it is used. Secrets are never arguments: they are read from stdin, a file, or the \
profile's token source, and never printed unless asked for.";

/// The environment variables telcreds reads, with what they do.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "TELCREDS_CONFIG",
        "The config file, when --config is not given.",
    ),
    (
        "TELCREDS_PROFILE",
        "The profile, when --profile is not given (else default_profile, else the \
         first). It does not narrow rotate twilio, nor apply to --demo.",
    ),
    (
        "TELCREDS_DATA_DIR",
        "Where the audit journal and verification history are kept.",
    ),
    ("TELCREDS_STATE_DIR", "Where the log files are kept."),
    (
        "TELCREDS_LOG",
        "The log filter, e.g. debug or telcreds=trace (default: info).",
    ),
    (
        "NO_COLOR",
        "When set and not empty, the terminal UI uses no colour.",
    ),
    (
        "TMPDIR",
        "Where --demo makes the directory of its journal, history and log, deleted on quit; \
         and, with no home directory, where telcreds-UID keeps them: made 0700, and \
         refused when it is not yours alone (then set TELCREDS_DATA_DIR).",
    ),
];

/// The files telcreds reads and writes (Linux paths; the README gives macOS's).
const FILES: &[(&str, &str)] = &[
    (
        "~/.config/telcreds/config.toml",
        "The profiles (see config.example.toml).",
    ),
    (
        "~/.config/telcreds/themes/NAME.toml",
        "Colour themes of your own.",
    ),
    (
        "~/.local/share/telcreds/journal.jsonl",
        "The audit journal of every change (never a secret).",
    ),
    (
        "~/.local/state/telcreds/telcreds.log",
        "The log, owner-only, never written through a symbolic link; rotated daily \
         (UTC) to telcreds.log.YYYY-MM-DD, the seven newest kept.",
    ),
];

/// Renders the whole page of `cli` (the top-level command).
pub fn render(cli: Command) -> std::io::Result<String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cli.clone().long_about(DESCRIPTION)).render(&mut page)?;
    let page = String::from_utf8_lossy(&page).into_owned();
    Ok(splice(&page, &sections(&cli)))
}

/// `page` with its SUBCOMMANDS section replaced by `ours` (inserted before VERSION,
/// else appended, when there is none).
fn splice(page: &str, ours: &str) -> String {
    let start = page
        .find(".SH SUBCOMMANDS\n")
        .or_else(|| page.find(".SH VERSION\n"));
    let Some(start) = start else {
        return format!("{page}{ours}");
    };
    let end = if page[start..].starts_with(".SH SUBCOMMANDS") {
        page[start + 1..]
            .find("\n.SH ")
            .map_or(page.len(), |i| start + 1 + i + 1)
    } else {
        start
    };
    format!("{}{ours}{}", &page[..start], &page[end..])
}

/// The COMMANDS, ENVIRONMENT and FILES sections, as roff text without a preamble
/// (clap_mangen's page already defines the apostrophe string they use).
fn sections(cli: &Command) -> String {
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    roff.text([roman(
        "Each command's own options: telcreds COMMAND --help. \
         Without a command, telcreds opens the terminal UI.",
    )]);
    commands(&mut roff, cli, cli.get_name());
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, what) in ENVIRONMENT {
        roff.control("TP", [])
            .text([bold(*name)])
            .text([roman(*what)]);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for code in super::exit::Exit::ALL {
        roff.control("TP", [])
            .text([bold((code as u8).to_string())])
            .text([roman(code.meaning())]);
    }
    roff.control("SH", ["FILES"]);
    for (path, what) in FILES {
        roff.control("TP", [])
            .text([italic(*path)])
            .text([roman(*what)]);
    }
    let text = roff.render();
    let preamble = Roff::new().render();
    text.strip_prefix(&preamble).unwrap_or(&text).to_string()
}

/// One entry per command that can run, under `parent`'s full name, depth first.
fn commands(roff: &mut Roff, parent: &Command, path: &str) {
    for sub in parent.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("{path} {}", sub.get_name());
        if !sub.is_subcommand_required_set() {
            let mut line = vec![bold(name.as_str())];
            for arg in sub.get_positionals().filter(|a| !a.is_hide_set()) {
                let value = arg
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map_or_else(|| arg.get_id().as_str().to_uppercase(), ToString::to_string);
                line.push(roman(" "));
                line.push(italic(value));
            }
            roff.control("TP", []).text(line);
            if let Some(about) = sub.get_about() {
                roff.text([roman(about.to_string())]);
            }
        }
        commands(roff, sub, &name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exit_codes_are_those_of_the_readme_table() {
        let readme = include_str!("../../README.md");
        let table = &readme[readme.find("| code | meaning |").expect("the table")..];
        let documented: Vec<u8> = table
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                l.trim_start_matches('|')
                    .split('|')
                    .next()?
                    .trim()
                    .parse()
                    .ok()
            })
            .collect();
        let coded: Vec<u8> = super::super::exit::Exit::ALL
            .iter()
            .map(|e| *e as u8)
            .collect();
        assert_eq!(documented, coded);
        let page = sections(&clap::Command::new("telcreds"));
        assert!(page.contains("EXIT STATUS"), "{page}");
    }

    #[test]
    fn splice_replaces_the_subcommands_section_only() {
        let page = ".TH x 1\n.SH OPTIONS\nA\n.SH SUBCOMMANDS\n.TP\nx\\-a(1)\n.SH VERSION\nv1\n";
        assert_eq!(
            splice(page, ".SH COMMANDS\nB\n"),
            ".TH x 1\n.SH OPTIONS\nA\n.SH COMMANDS\nB\n.SH VERSION\nv1\n"
        );
        let last = ".TH x 1\n.SH SUBCOMMANDS\n.TP\nx\\-a(1)\n";
        assert_eq!(splice(last, ".SH C\n"), ".TH x 1\n.SH C\n");
        let none = ".TH x 1\n.SH VERSION\nv1\n";
        assert_eq!(splice(none, ".SH C\n"), ".TH x 1\n.SH C\n.SH VERSION\nv1\n");
        assert_eq!(splice(".TH x 1\n", ".SH C\n"), ".TH x 1\n.SH C\n");
    }
}

//! The `:` command line: the commands it knows, and Tab completion of a command's
//! name and of its argument (a profile name after `ctx`, `all` after `doctor`), as
//! k9s completes `:ctx`. Where the choices share a beginning Tab puts it in and
//! shows them; Tab again goes through them.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// What a command takes after its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argument {
    /// Nothing.
    None,
    /// A profile name (or nothing: the picker).
    Profile,
    /// `all` (or nothing).
    All,
}

/// One `:` command.
#[derive(Debug)]
pub struct Command {
    /// Its name, as completed and listed.
    pub name: &'static str,
    /// Other names it answers to (not offered by Tab).
    pub aliases: &'static [&'static str],
    /// What it takes.
    pub argument: Argument,
}

const fn command(
    name: &'static str,
    aliases: &'static [&'static str],
    argument: Argument,
) -> Command {
    Command {
        name,
        aliases,
        argument,
    }
}

/// Every `:` command, in the order help lists them.
pub const COMMANDS: &[Command] = &[
    command("providers", &["provider", "prov", "p"], Argument::None),
    command("sip", &[], Argument::None),
    command("verification", &["verify", "ver", "v"], Argument::None),
    command("activity", &["act", "a", "journal"], Argument::None),
    command("ctx", &["context", "profile"], Argument::Profile),
    command("doctor", &["doc"], Argument::All),
    command("messages", &["mes"], Argument::None),
    command("help", &["h"], Argument::None),
    command("q", &["quit", "q!"], Argument::None),
];

/// The command `word` names, by its name or an alias.
pub fn find(word: &str) -> Option<&'static Command> {
    COMMANDS
        .iter()
        .find(|c| c.name == word || c.aliases.contains(&word))
}

/// The commands with what they take: `providers  sip  …  ctx [NAME]  doctor [all]`.
pub fn summary() -> String {
    let words: Vec<String> = COMMANDS
        .iter()
        .map(|c| match c.argument {
            Argument::None => c.name.to_string(),
            Argument::Profile => format!("{} [NAME]", c.name),
            Argument::All => format!("{} [all]", c.name),
        })
        .collect();
    words.join("  ")
}

/// The choices of the last Tab, and the one the next Tab puts in.
#[derive(Debug, Clone, Default)]
struct Choices {
    /// The text before the word being completed.
    stem: String,
    options: Vec<String>,
    next: usize,
}

/// The text typed after `:`, with its completion.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    input: Input,
    choices: Option<Choices>,
}

impl CommandLine {
    /// The input, for drawing it and its cursor.
    pub fn input(&self) -> &Input {
        &self.input
    }

    /// What was typed.
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The choices the last Tab found, when they differ.
    pub fn choices(&self) -> &[String] {
        self.choices.as_ref().map_or(&[], |c| &c.options)
    }

    /// Handles a key (⏎ and Esc are the caller's); Tab completes, with `profiles`
    /// the names `ctx` takes.
    pub fn handle_key(&mut self, key: KeyEvent, profiles: &[&str]) {
        if key.code != KeyCode::Tab {
            self.choices = None;
            self.input.handle_event(&Event::Key(key));
            return;
        }
        if let Some(c) = self.choices.as_mut() {
            let option = &c.options[c.next % c.options.len()];
            c.next += 1;
            self.input = Input::new(format!("{}{option}", c.stem));
            return;
        }
        self.complete(profiles);
    }

    /// Inserts pasted text.
    pub fn paste(&mut self, text: &str) {
        self.choices = None;
        for c in text.chars().filter(|c| !c.is_control()) {
            self.input.handle(tui_input::InputRequest::InsertChar(c));
        }
    }

    /// Completes the last word: a command's name, or its argument.
    fn complete(&mut self, profiles: &[&str]) {
        let value = self.input.value().to_string();
        let (stem, word) = value
            .rsplit_once(' ')
            .map_or(("", value.as_str()), |(s, w)| (s, w));
        let stem = if stem.is_empty() && !value.contains(' ') {
            String::new()
        } else {
            format!("{stem} ")
        };
        let words: Vec<&str> = stem.split_whitespace().collect();
        let options: Vec<&str> = match words[..] {
            [] => COMMANDS.iter().map(|c| c.name).collect(),
            [name] => match find(name).map(|c| c.argument) {
                Some(Argument::Profile) => profiles.to_vec(),
                Some(Argument::All) => vec!["all"],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let options: Vec<String> = options
            .into_iter()
            .filter(|o| o.starts_with(word))
            .map(str::to_string)
            .collect();
        match &options[..] {
            [] => {}
            [only] => {
                // A command that takes something: the space before it.
                let takes =
                    words.is_empty() && find(only).is_some_and(|c| c.argument != Argument::None);
                let space = if takes { " " } else { "" };
                self.input = Input::new(format!("{stem}{only}{space}"));
            }
            many => {
                self.input = Input::new(format!("{stem}{}", common_prefix(many)));
                self.choices = Some(Choices {
                    stem,
                    options,
                    next: 0,
                });
            }
        }
    }
}

/// The longest beginning all of `words` share.
fn common_prefix(words: &[String]) -> &str {
    let first = &words[0];
    let len = words[1..].iter().fold(first.len(), |len, w| {
        first
            .char_indices()
            .zip(w.chars())
            .take_while(|((i, a), b)| *i < len && a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
    });
    &first[..len]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn typed(text: &str) -> CommandLine {
        let mut line = CommandLine::default();
        line.paste(text);
        line
    }

    fn tab(line: &mut CommandLine) {
        line.handle_key(
            KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
            &["prod-eu", "prod-us", "staging"],
        );
    }

    #[test]
    fn tab_completes_names_then_goes_through_the_choices() {
        let mut line = typed("me");
        tab(&mut line);
        assert_eq!(line.value(), "messages");
        let mut line = typed("doc");
        tab(&mut line);
        assert_eq!(line.value(), "doctor ");
        tab(&mut line);
        assert_eq!(line.value(), "doctor all");
        let mut line = typed("ctx p");
        tab(&mut line);
        assert_eq!((line.value(), line.choices().len()), ("ctx prod-", 2));
        tab(&mut line);
        assert_eq!(line.value(), "ctx prod-eu");
        tab(&mut line);
        tab(&mut line);
        assert_eq!(line.value(), "ctx prod-eu", "round again");
        line.handle_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE), &[]);
        assert!(line.choices().is_empty());
        let mut line = typed("zz");
        tab(&mut line);
        assert_eq!(line.value(), "zz", "nothing to complete");
    }

    #[test]
    fn every_alias_finds_its_command_and_names_are_unique() {
        for c in COMMANDS {
            assert_eq!(find(c.name).map(|f| f.name), Some(c.name));
            for a in c.aliases {
                assert_eq!(find(a).map(|f| f.name), Some(c.name), "{a}");
            }
        }
        assert_eq!(common_prefix(&["démo-a".into(), "démo-b".into()]), "démo-");
    }
}

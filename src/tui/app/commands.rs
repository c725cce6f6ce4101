//! The `:` command line and the profile picker.

use super::{App, Overlay, Tab};
use crate::tui::components::command_line;
use crate::tui::runtime::effect::Effect;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    pub(super) fn picker_key(&mut self, key: KeyEvent, selected: usize) -> Vec<Effect> {
        let last = self.session.profiles().len().saturating_sub(1);
        let stay = |app: &mut App, s: usize| {
            app.overlay = Some(Overlay::Picker { selected: s });
            Vec::new()
        };
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => Vec::new(),
            KeyCode::Up | KeyCode::Char('k') => stay(self, selected.saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => stay(self, (selected + 1).min(last)),
            KeyCode::Enter if selected == self.session.current() => Vec::new(),
            KeyCode::Enter => self.switch_profile(selected),
            _ => stay(self, selected),
        }
    }

    /// Runs a `:` command: `providers`, `sip`, `verification`, `activity`, `ctx [NAME]`,
    /// `doctor [all]`, `messages`, `help`, `q`.
    pub fn run_command(&mut self, line: String) -> Vec<Effect> {
        self.status.drop_stale();
        let mut words = line.split_whitespace();
        let (cmd, arg) = (words.next().unwrap_or(""), words.next());
        let command = command_line::find(cmd).map_or(cmd, |c| c.name);
        match (command, arg) {
            ("", _) => Vec::new(),
            ("providers", _) => self.set_tab(Tab::Providers),
            ("sip", _) if self.session.caps().sip_credentials => self.set_tab(Tab::Sip),
            ("sip", _) => {
                self.set_flash("this platform has no SIP credentials", true);
                Vec::new()
            }
            ("verification", _) => self.set_tab(Tab::Verification),
            ("activity", _) => self.set_tab(Tab::Activity),
            ("doctor", None) => self.start_doctor(false),
            ("doctor", Some("all")) => self.start_doctor(true),
            ("doctor", Some(other)) => {
                self.set_flash(
                    format!("doctor takes nothing or \"all\" (got \"{other}\")"),
                    true,
                );
                Vec::new()
            }
            ("messages", _) => {
                // Newest last, scrolled to them.
                self.overlay = Some(Overlay::Messages { scroll: usize::MAX });
                Vec::new()
            }
            ("help", _) => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                Vec::new()
            }
            ("q", _) => {
                self.should_quit = true;
                Vec::new()
            }
            ("ctx", None) => {
                self.overlay = Some(Overlay::Picker {
                    selected: self.session.current(),
                });
                Vec::new()
            }
            ("ctx", Some(name)) => {
                match self.session.profiles().iter().position(|p| p.name == name) {
                    Some(i) if i == self.session.current() => Vec::new(),
                    Some(i) => self.switch_profile(i),
                    None => {
                        let known = self.session.profile_names();
                        self.set_flash(
                            format!("no profile \"{name}\" (known: {})", known.join(", ")),
                            true,
                        );
                        Vec::new()
                    }
                }
            }
            _ => {
                let known: Vec<&str> = command_line::COMMANDS.iter().map(|c| c.name).collect();
                self.set_flash(
                    format!("unknown command \"{cmd}\": try {}", known.join(", ")),
                    true,
                );
                Vec::new()
            }
        }
    }
}

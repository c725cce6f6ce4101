//! One vocabulary for how an outcome reads at a glance: a tone gives the symbol the
//! command line prints and the theme role the UI paints, so both say the same.

use serde::Serialize;

/// How good or bad something is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Done, passed, verified.
    Ok,
    /// Done with a problem, or not known to be done.
    Warn,
    /// Failed; something needs attention.
    Error,
    /// Still running or not yet checked.
    Pending,
    /// Not applicable, skipped.
    Muted,
    /// A value telcreds does not know.
    Unknown,
}

impl Tone {
    /// The one-character symbol shown before the word.
    pub fn symbol(self) -> &'static str {
        match self {
            Tone::Ok => "✓",
            Tone::Warn => "!",
            Tone::Error => "✗",
            Tone::Pending => "…",
            Tone::Muted => "-",
            Tone::Unknown => "?",
        }
    }
}

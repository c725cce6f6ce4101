//! Warnings on stderr: what could not be recorded, and other notes that are not the
//! command's output (the command's own exit code is kept).

/// Prints a warning on stderr, where it cannot be mistaken for output.
pub fn warn(message: &str) {
    eprintln!("warning: {}", crate::text::printable_lines(message));
}

/// Prints each warning.
pub fn warn_all<W: std::fmt::Display>(messages: impl IntoIterator<Item = W>) {
    for m in messages {
        warn(&m.to_string());
    }
}

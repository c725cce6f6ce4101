//! Text from a platform made safe to print: no control characters (escape sequences
//! could write the clipboard, clear the screen or retitle the window) and no
//! bidirectional overrides (which can make text read differently than it is).

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Shown in place of a control character that is not whitespace.
pub const REPLACEMENT: char = '\u{FFFD}';

/// True for characters that must never reach a terminal from a platform: C0 and C1
/// controls, DEL, and the Unicode bidirectional embedding, override and isolate marks.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` on one line: tabs and line breaks become spaces, every other unsafe
/// character becomes [`REPLACEMENT`]. Borrows when there is nothing to change.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c if is_unsafe(c) => REPLACEMENT,
                c => c,
            })
            .collect(),
    )
}

/// Like [`printable`], but keeps line breaks: for whole outputs made of lines.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(|line| printable(line).into_owned())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// `text` cut to at most `width` display columns, ending in `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            // It does not fit: end with an ellipsis in the last cell.
            while used + 1 > width && out.pop().is_some() {
                used = out.width();
            }
            if width > 0 {
                out.push('…');
            }
            return out;
        }
        used += w;
        out.push(c);
    }
    out
}

/// A short quote of `text` for a message: [`printable`], at most `chars` characters,
/// ending in `…` when cut. Reads no further than it quotes.
pub fn excerpt(text: &str, chars: usize) -> String {
    let cut = text
        .char_indices()
        .nth(chars)
        .map_or(text, |(at, _)| &text[..at]);
    let mut out = printable(cut).into_owned();
    if cut.len() < text.len() {
        out.push('…');
    }
    out
}

/// `100000` → `100,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_cannot_reach_the_terminal() {
        let evil = "evil\x1b]52;c;SElKQUNLRUQ=\x07\x1b[2J\x1b]0;PWNED\x07\u{9b}31m";
        let clean = printable(evil);
        assert!(!clean.chars().any(is_unsafe), "{clean:?}");
        assert!(clean.starts_with("evil\u{FFFD}]52;"));
        assert_eq!(printable("a\tb\r\nc"), "a b  c");
        assert_eq!(printable("right\u{202E}txt.exe"), "right\u{FFFD}txt.exe");
        assert!(matches!(printable("plain ✓ text"), Cow::Borrowed(_)));
        assert_eq!(printable_lines("a\x1b\nb\n"), "a\u{FFFD}\nb\n");
    }

    #[test]
    fn excerpts_are_short_and_printable() {
        assert_eq!(excerpt("short", 40), "short");
        assert_eq!(excerpt(&"x".repeat(1 << 20), 5), "xxxxx…");
        assert_eq!(excerpt("a\x1bb", 40), "a\u{FFFD}b");
        assert_eq!(excerpt("été", 2), "ét…");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}

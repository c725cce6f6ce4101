//! A list filter (the UI's `/`, `--filter` of the list commands): a lowercase needle found in a row's text case-insensitively,
//! without a lowercase copy of the text when lowering would change only ASCII
//! letters (the common case, and what a 100,000-row list keeps no copy for).
//! Text known to hold no capital letters is searched with `memchr`'s vectorised
//! substring search, the rest byte by byte from each possible first letter.

use memchr::memmem::Finder;
use memchr::{memchr, memchr2};

/// The lowercased filter text.
#[derive(Debug, Clone)]
pub struct Needle {
    lower: String,
    finder: Finder<'static>,
}

impl Default for Needle {
    fn default() -> Self {
        Needle::new("")
    }
}

impl Needle {
    /// A needle for `filter`, matched case-insensitively.
    pub fn new(filter: &str) -> Self {
        let lower = filter.to_lowercase();
        debug_assert!(!lower.contains('\n'), "rows join their fields with \\n");
        let finder = Finder::new(lower.as_bytes()).into_owned();
        Needle { lower, finder }
    }

    /// The lowercased filter.
    pub fn as_str(&self) -> &str {
        &self.lower
    }

    /// True when the needle matches everything.
    pub fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }

    /// True when the needle occurs in `text`, ignoring case.
    pub fn is_in(&self, text: &str) -> bool {
        if needs_unicode_lowering(text) {
            self.is_in_ascii_folded(&text.to_lowercase())
        } else {
            self.is_in_ascii_folded(text)
        }
    }

    /// True when the needle occurs in `n` written in decimal (formatted on the
    /// stack: a row keeps no text copy of its numbers).
    pub fn is_in_number(&self, n: u32) -> bool {
        if self.is_empty() || !self.lower.bytes().all(|b| b.is_ascii_digit()) {
            return self.is_empty();
        }
        let mut digits = [0u8; 10];
        let mut at = digits.len();
        let mut rest = n;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.finder.find(&digits[at..]).is_some()
    }

    /// True when the needle occurs in `text`, which holds no capital letters
    /// ([`has_capitals`] is false for it).
    pub fn is_in_lowercase(&self, text: &str) -> bool {
        self.finder.find(text.as_bytes()).is_some()
    }

    /// True when the needle occurs in `text`, ignoring ASCII case only: for text
    /// that [`needs_unicode_lowering`] is false for (or text already lowercased).
    pub fn is_in_ascii_folded(&self, text: &str) -> bool {
        let needle = self.lower.as_bytes();
        let Some(&first) = needle.first() else {
            return true;
        };
        let hay = text.as_bytes();
        let upper = first.to_ascii_uppercase();
        let mut from = 0;
        while hay.len() - from >= needle.len() {
            let rest = &hay[from..=hay.len() - needle.len()];
            let found = if upper == first {
                memchr(first, rest)
            } else {
                memchr2(first, upper, rest)
            };
            let Some(at) = found.map(|i| from + i) else {
                return false;
            };
            if hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
                return true;
            }
            from = at + 1;
        }
        false
    }
}

/// True when `text` holds a capital letter (lowercasing would change it).
pub fn has_capitals(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_uppercase()) || needs_unicode_lowering(text)
}

/// True when lowercasing `text` changes more than ASCII letters (`"É"`, `"İ"`),
/// so an ASCII-only case-insensitive search would miss matches.
pub fn needs_unicode_lowering(text: &str) -> bool {
    !text.is_ascii()
        && text
            .chars()
            .any(|c| !c.is_ascii() && !c.to_lowercase().eq(std::iter::once(c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matches_ignore_case_in_ascii_and_beyond() {
        let n = Needle::new("Trunk 1");
        assert!(n.is_in("SIP TRUNK 12"));
        assert!(n.is_in("my trunk 1"));
        assert!(!n.is_in("trunk 2"));
        assert!(!n.is_in("trunk"));
        assert!(Needle::new("").is_in(""));
        assert!(Needle::new("zürich").is_in("ZÜRICH trunk"));
        assert!(Needle::new("ÉTÉ").is_in("un été"));
        assert!(Needle::new("été").is_in_ascii_folded("un été"));
        assert!(Needle::new("1").is_in("a1"));
        assert!(!Needle::new("a1").is_in("a"));
        assert!(Needle::new("20").is_in_number(120));
        assert!(Needle::new("0").is_in_number(0));
        assert!(!Needle::new("21").is_in_number(120));
        assert!(!Needle::new("1x").is_in_number(1));
    }

    #[test]
    fn capitals_are_found_in_ascii_and_beyond() {
        assert!(!has_capitals("sip.carrier.example:5061\nété"));
        assert!(has_capitals("Trunk"));
        assert!(has_capitals("été À"));
        assert!(Needle::new("Rier.EX").is_in_lowercase("sip.carrier.example"));
    }

    proptest! {
        /// The same answer as lowercasing both sides and searching.
        #[test]
        fn agrees_with_lowercase_contains(text in "[a-cA-CéÉİßẞΣǅ1 ]{0,12}", filter in "[a-cA-CéÉßẞǅ1 ]{0,4}") {
            let n = Needle::new(&filter);
            let expected = text.to_lowercase().contains(&filter.to_lowercase());
            prop_assert_eq!(n.is_in(&text), expected);
            if !has_capitals(&text) {
                prop_assert_eq!(n.is_in_lowercase(&text), expected);
            }
        }
    }
}

//! Sort keys as bytes, so that sorting a long list compares plain byte strings:
//! text in natural order, case-insensitive ("trunk 9" before "trunk 10"), numbers
//! and times in fixed-width big-endian form.

/// Builds one row's key for one column, part by part; parts compare in order.
#[derive(Debug, Default)]
pub struct SortKey(Vec<u8>);

/// Marks a run of digits; it sorts like the ASCII digit `0`, so numbers sort where
/// digits would among other characters.
const DIGITS: u8 = b'0';

impl SortKey {
    /// An empty key.
    pub fn new() -> Self {
        SortKey(Vec::with_capacity(24))
    }

    /// Text, lowercased, in natural order: each run of ASCII digits compares by its
    /// value (leading zeros ignored), the rest character by character.
    pub fn text(mut self, text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_digit() {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let run = &bytes[start..i];
                let zeros = run.iter().take_while(|&&d| d == b'0').count();
                let digits = if zeros == run.len() {
                    &run[run.len() - 1..]
                } else {
                    &run[zeros..]
                };
                self.0.push(DIGITS);
                // A longer number is a larger one; past 255 digits, by its digits.
                self.0.push(digits.len().min(255) as u8);
                self.0.extend_from_slice(digits);
            } else if b.is_ascii() {
                self.0.push(b.to_ascii_lowercase());
                i += 1;
            } else {
                // One whole character (text is UTF-8, so it starts here), lowercased.
                let c = text[i..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                for lower in c.to_lowercase() {
                    let mut buf = [0u8; 4];
                    self.0
                        .extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
                }
                i += c.len_utf8();
            }
        }
        // Ends the text: a prefix sorts before what extends it, and the next part
        // never runs into this one.
        self.0.push(0);
        self
    }

    /// A number, smallest first.
    pub fn number(mut self, n: u64) -> Self {
        self.0.extend_from_slice(&n.to_be_bytes());
        self
    }

    /// A number, largest first.
    pub fn number_descending(self, n: u64) -> Self {
        self.number(u64::MAX - n)
    }

    /// A maybe-number: none first, then smallest first.
    pub fn optional(mut self, n: Option<u64>) -> Self {
        self.0.push(u8::from(n.is_some()));
        self.number(n.unwrap_or(0))
    }

    /// A signed number (a timestamp), smallest first.
    pub fn signed(self, n: i64) -> Self {
        // Flipping the sign bit orders two's complement numbers as unsigned ones.
        self.number((n as u64) ^ (1 << 63))
    }

    /// The finished key.
    pub fn finish(self) -> Key {
        self.key()
    }

    /// The key built so far (the builder can be [`SortKey::cleared`] and reused).
    pub fn key(&self) -> Key {
        Key::new(&self.0)
    }

    /// The builder, emptied, keeping its buffer.
    pub fn cleared(mut self) -> Self {
        self.0.clear();
        self
    }
}

/// A finished sort key: its first 16 bytes as one number (most comparisons end
/// there, in one instruction), the rest only for ties.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    head: u128,
    tail: Option<Box<[u8]>>,
}

impl Key {
    /// Its first 16 bytes, as a number that orders as they do.
    pub fn head(&self) -> u128 {
        self.head
    }

    fn new(bytes: &[u8]) -> Key {
        let mut head = [0u8; 16];
        let n = bytes.len().min(16);
        head[..n].copy_from_slice(&bytes[..n]);
        // Big-endian, so that the number orders as the bytes do; a shorter key is
        // padded with zeros, which sort first, as a missing byte would.
        Key {
            head: u128::from_be_bytes(head),
            tail: (bytes.len() > 16).then(|| bytes[16..].into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(texts: &[&str]) -> Vec<String> {
        let mut v: Vec<(Key, &str)> = texts
            .iter()
            .map(|t| (SortKey::new().text(t).finish(), *t))
            .collect();
        // Stable: equal keys keep their input order.
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.into_iter().map(|(_, t)| t.to_string()).collect()
    }

    #[test]
    fn numbers_inside_text_sort_by_value() {
        assert_eq!(
            sorted(&[
                "trunk 10",
                "Trunk 9",
                "trunk 100",
                "trunk 09x",
                "trunk",
                "a",
                "trunk 1"
            ]),
            [
                "a",
                "trunk",
                "trunk 1",
                "Trunk 9",
                "trunk 09x",
                "trunk 10",
                "trunk 100"
            ]
        );
        assert_eq!(
            sorted(&["v1.10", "v1.9", "v1.9.1", "v2"]),
            ["v1.9", "v1.9.1", "v1.10", "v2"]
        );
    }

    #[test]
    fn case_and_accents_and_parts() {
        assert_eq!(
            sorted(&["b", "B", "a", "É", "e"]),
            ["a", "b", "B", "e", "É"]
        );
        let k = |t: &str, n| SortKey::new().text(t).number(n).finish();
        assert!(k("ab", 9) < k("abc", 1), "a prefix first, whatever follows");
        assert!(k("ab", 1) < k("ab", 2));
    }

    #[test]
    fn numbers_options_and_signed_values_keep_their_order() {
        let n = |v| SortKey::new().number(v).finish();
        assert!(n(2) < n(10) && n(10) < n(u64::MAX));
        let d = |v| SortKey::new().number_descending(v).finish();
        assert!(d(10) < d(2));
        let o = |v| SortKey::new().optional(v).finish();
        assert!(o(None) < o(Some(0)) && o(Some(0)) < o(Some(5)));
        let s = |v| SortKey::new().signed(v).finish();
        assert!(s(i64::MIN) < s(-1) && s(-1) < s(0) && s(0) < s(7) && s(7) < s(i64::MAX));
    }
}

//! The one type every secret lives in: auth tokens, SIP passwords, API tokens.
//!
//! `Debug` and `Display` print `[redacted]`, the memory is zeroized on drop (via
//! `secrecy`), and the value is only reachable through [`Secret::expose`], which is
//! called where a request body or header is built and nowhere else.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// What every secret prints as.
pub const REDACTED: &str = "[redacted]";

/// A secret string: redacted when printed, zeroized when dropped.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value; the `String` is moved in, so no plain copy is left behind.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// The plain value. Call only where it goes on the wire or is revealed on request.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Length in characters, for masks and length checks, without exposing the value.
    pub fn char_len(&self) -> usize {
        self.expose().chars().count()
    }

    /// True when the secret holds nothing.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// A fixed-width mask that does not tell the length.
    pub fn masked() -> &'static str {
        "••••••••"
    }

    /// Trims surrounding whitespace (a pasted token often carries a newline).
    pub fn trimmed(&self) -> Secret {
        Secret::new(self.expose().trim())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        // Not constant-time: secrets are compared only in the sandbox and in tests.
        self.expose() == other.expose()
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// Serializes as `[redacted]`: a secret that ends up in JSON by accident says so.
/// Code that must send the value builds its body with [`Secret::expose`].
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(REDACTED)
    }
}

/// Replaces every occurrence of each secret in `text` with `[redacted]`; used on
/// excerpts of server responses before they reach an error message.
pub fn scrub(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        let v = s.expose();
        if v.len() >= 4 {
            out = out.replace(v, REDACTED);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_never_shows_the_value() {
        let s = Secret::new("CANARY-0123456789abcdef");
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(
            format!("{:#?}", Some(&s)),
            format!("Some(\n    {REDACTED},\n)")
        );
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"[redacted]\"");
        assert_eq!(s.expose(), "CANARY-0123456789abcdef");
    }

    #[test]
    fn scrub_removes_values() {
        let s = Secret::new("abcdef123");
        assert_eq!(scrub("x abcdef123 y", &[&s]), "x [redacted] y");
    }
}

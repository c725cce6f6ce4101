//! The JSON the command line prints: serde_json's own printers, whose strings also
//! escape every character a terminal would act on.

use crate::text::is_unsafe;
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter, Serializer};
use std::io::{self, Write};

/// serde_json's pretty (two spaces) or compact printer, whose strings also write as
/// `\uXXXX` what serde_json leaves raw and a terminal would act on (DEL, C1
/// controls, bidi marks): the data stays the same.
///
/// The formatter is `&mut SafeFormatter`, so that its state outlives one serializer:
/// a streamed array writes each item with a serializer of its own.
#[derive(Debug, Clone, Default)]
pub struct SafeFormatter<F = PrettyFormatter<'static>> {
    inner: F,
}

impl SafeFormatter {
    /// Pretty, two spaces per level.
    pub fn pretty() -> Self {
        SafeFormatter::default()
    }
}

impl SafeFormatter<CompactFormatter> {
    /// On one line.
    pub fn compact() -> Self {
        SafeFormatter {
            inner: CompactFormatter,
        }
    }
}

impl<F: Formatter> SafeFormatter<F> {
    /// `value` as JSON text, without a newline at the end.
    pub fn text<T: Serialize + ?Sized>(mut self, value: &T) -> serde_json::Result<String> {
        let mut out = Vec::new();
        value.serialize(&mut Serializer::with_formatter(&mut out, &mut self))?;
        // serde_json writes UTF-8, and so do the escapes.
        String::from_utf8(out).map_err(serde::ser::Error::custom)
    }
}

/// `value` as pretty JSON text, without a newline at the end.
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    SafeFormatter::pretty().text(value)
}

/// `value` as JSON on one line, without a newline at the end.
pub fn compact<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    SafeFormatter::compact().text(value)
}

/// The inner printer's layout (serde_json's pretty and compact printers differ in
/// these only); the strings' escapes added.
impl<F: Formatter> Formatter for &mut SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| is_unsafe(c)) {
            self.inner.write_string_fragment(writer, &rest[..at])?;
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        self.inner.write_string_fragment(writer, rest)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.inner.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.inner.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.inner.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// What the command line printed before: serde_json's own text, then every
    /// unsafe character in it (only strings can hold one) escaped.
    fn escaped_afterwards(text: &str) -> String {
        text.chars()
            .map(|c| {
                if is_unsafe(c) && c != '\n' {
                    format!("\\u{:04x}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect()
    }

    fn values() -> Vec<Value> {
        vec![
            json!({"name": "a\u{1b}[2J\u{7f}\u{9b}\u{202e}b", "k\u{85}ey": ["\u{2066}x\u{2069}"]}),
            json!({"id": "a", "nested": {"list": [1, 2.5, -3], "empty": [], "none": {}}}),
            json!({"text": "line\nbreak\t\"quoted\" \\ é ✓ 😀 \u{0}\u{1f}\u{80}\u{9f}\u{a0}"}),
            json!([]),
            json!("\u{7f}"),
            json!(null),
            json!([true, false, {"a": [[]]}]),
        ]
    }

    #[test]
    fn pretty_and_compact_are_serde_json_with_the_controls_escaped() {
        for value in values() {
            let pretty_text = serde_json::to_string_pretty(&value).unwrap();
            assert_eq!(pretty(&value).unwrap(), escaped_afterwards(&pretty_text));
            let compact_text = serde_json::to_string(&value).unwrap();
            assert_eq!(compact(&value).unwrap(), escaped_afterwards(&compact_text));
        }
    }

    #[test]
    fn json_keeps_its_data_but_escapes_every_control() {
        for value in values() {
            let safe = pretty(&value).unwrap();
            assert!(!safe.chars().any(|c| c != '\n' && is_unsafe(c)), "{safe}");
            assert_eq!(serde_json::from_str::<Value>(&safe).unwrap(), value);
        }
    }
}

//! Long lists printed as their pages arrive, never collected first: a JSON array
//! written item by item (the same bytes as the whole list printed at once), a table
//! whose columns are sized by its first page, and a progress line on stderr.

use super::json::SafeFormatter;
use super::output::table_line;
use crate::text::thousands;
use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};
use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;

/// A JSON array written item by item with serde_json's serializer: byte for byte
/// what [`super::json::pretty`] writes for the whole list, followed by a newline.
pub struct JsonArray<W: Write> {
    out: W,
    format: SafeFormatter,
    count: usize,
}

impl<W: Write> JsonArray<W> {
    /// An array about to be written to `out` (nothing is written before its first
    /// item or its end).
    pub fn new(out: W) -> Self {
        JsonArray {
            out,
            format: SafeFormatter::pretty(),
            count: 0,
        }
    }

    /// Writes one item.
    pub fn item<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        let first = self.open()?;
        (&mut self.format).begin_array_value(&mut self.out, first)?;
        value
            .serialize(&mut Serializer::with_formatter(
                &mut self.out,
                &mut self.format,
            ))
            .map_err(io::Error::from)?;
        (&mut self.format).end_array_value(&mut self.out)?;
        self.count += 1;
        Ok(())
    }

    /// Closes the array (and flushes).
    pub fn finish(mut self) -> io::Result<()> {
        self.open()?;
        (&mut self.format).end_array(&mut self.out)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    /// Opens the array before its first item, or its end when it has none; true when
    /// it did.
    fn open(&mut self) -> io::Result<bool> {
        let first = self.count == 0;
        if first {
            (&mut self.format).begin_array(&mut self.out)?;
        }
        Ok(first)
    }
}

/// A table printed page by page: the first page sizes the columns, later cells that
/// are wider end in `…` (the last column is never cut).
pub struct TableStream {
    headers: Vec<&'static str>,
    widths: Option<Vec<usize>>,
}

impl TableStream {
    /// A table with these column headers.
    pub fn new(headers: &[&'static str]) -> Self {
        TableStream {
            headers: headers.to_vec(),
            widths: None,
        }
    }

    /// The text of one page of rows (with the header before the first).
    pub fn page(&mut self, rows: Vec<Vec<String>>) -> String {
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|c| crate::text::printable(&c).into_owned())
                    .collect()
            })
            .collect();
        let mut out = String::new();
        if self.widths.is_none() {
            let mut w: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
            for row in &rows {
                for (i, cell) in row.iter().enumerate().take(w.len()) {
                    w[i] = w[i].max(cell.width());
                }
            }
            out.push_str(&table_line(&self.headers, &w));
            out.push('\n');
            self.widths = Some(w);
        }
        let widths = self.widths.as_deref().unwrap_or_default();
        let last = widths.len().saturating_sub(1);
        for row in rows {
            let cells: Vec<String> = (0..widths.len())
                .map(|i| {
                    let cell = row.get(i).map_or("", String::as_str);
                    if i < last && cell.width() > widths[i] {
                        crate::text::truncate(cell, widths[i])
                    } else {
                        cell.to_string()
                    }
                })
                .collect();
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            out.push_str(&table_line(&cells, widths));
            out.push('\n');
        }
        out
    }

    /// The header alone, for a list without a single row.
    pub fn empty(&mut self) -> String {
        match self.widths {
            Some(_) => String::new(),
            None => self.page(Vec::new()),
        }
    }
}

/// Where a streamed list goes: a JSON array, or a table, on `out`.
pub enum ListSink<W: Write> {
    /// `-o json`.
    Json(JsonArray<W>),
    /// A table.
    Table {
        /// Sized by the first page.
        table: TableStream,
        /// Where its lines go.
        out: W,
    },
}

impl<W: Write> ListSink<W> {
    /// A sink for `format` with these table headers.
    pub fn new(json: bool, headers: &[&'static str], out: W) -> Self {
        if json {
            ListSink::Json(JsonArray::new(out))
        } else {
            ListSink::Table {
                table: TableStream::new(headers),
                out,
            }
        }
    }

    /// Writes one page (`cells` makes a table row of an item) and flushes it.
    pub fn page<T: Serialize>(
        &mut self,
        items: &[T],
        cells: impl Fn(&T) -> Vec<String>,
    ) -> io::Result<()> {
        match self {
            ListSink::Json(array) => {
                for item in items {
                    array.item(item)?;
                }
                array.out.flush()
            }
            ListSink::Table { table, out } => {
                out.write_all(table.page(items.iter().map(cells).collect()).as_bytes())?;
                out.flush()
            }
        }
    }

    /// Ends the list (the header alone for a table without rows).
    pub fn finish(self) -> io::Result<()> {
        match self {
            ListSink::Json(array) => array.finish(),
            ListSink::Table { mut table, mut out } => {
                out.write_all(table.empty().as_bytes())?;
                out.flush()
            }
        }
    }
}

/// "3,000 of 100,000 SIP credentials…" on stderr, redrawn in place, when stderr is a
/// terminal and the listing has taken longer than a moment; erased at the end.
pub struct Progress {
    what: &'static str,
    started: Instant,
    shown: bool,
    enabled: bool,
}

/// How long a listing runs before its progress shows.
const PROGRESS_AFTER: Duration = Duration::from_millis(500);

impl Progress {
    /// Progress of listing `what`, shown only on a terminal.
    pub fn new(what: &'static str) -> Self {
        Progress {
            what,
            started: Instant::now(),
            shown: false,
            enabled: io::stderr().is_terminal(),
        }
    }

    /// `loaded` of `total` items are in.
    pub fn update(&mut self, loaded: usize, total: Option<u64>) {
        if !self.enabled || self.started.elapsed() < PROGRESS_AFTER {
            return;
        }
        let total = total.map_or_else(String::new, |t| format!(" of {}", thousands(t)));
        let mut err = io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[K{}{total} {}…",
            thousands(loaded as u64),
            self.what
        );
        let _ = err.flush();
        self.shown = true;
    }

    /// Erases the line, if it was shown.
    pub fn done(&mut self) {
        if self.shown {
            let _ = write!(io::stderr(), "\r\x1b[K");
            self.shown = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done();
    }
}

#[cfg(test)]
mod tests {
    use super::super::json;
    use super::*;
    use serde_json::json;

    #[test]
    fn a_streamed_array_is_the_same_document_as_the_whole_one() {
        let items = [
            json!({"id": "a", "nested": {"list": [1, 2], "empty": [], "text": "line\u{7}bell\u{7f}\u{9b}"}}),
            json!({"id": "b", "none": null}),
            json!([]),
            json!("x"),
        ];
        for n in 0..=items.len() {
            let expected = format!("{}\n", json::pretty(&items[..n]).unwrap());
            let mut out = Vec::new();
            let mut array = JsonArray::new(&mut out);
            for item in &items[..n] {
                array.item(item).unwrap();
            }
            array.finish().unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{n} items");
        }
    }

    #[test]
    fn the_first_page_sizes_the_columns_and_later_cells_are_cut() {
        let mut t = TableStream::new(&["ID", "NAME", "LAST"]);
        let first = t.page(vec![vec!["1".into(), "short".into(), "x".into()]]);
        assert_eq!(first, "ID  NAME   LAST\n1   short  x\n");
        let later = t.page(vec![vec![
            "2".into(),
            "much longer".into(),
            "never cut here".into(),
        ]]);
        assert_eq!(later, "2   much…  never cut here\n");
        assert_eq!(t.empty(), "");
        assert_eq!(TableStream::new(&["A", "B"]).empty(), "A  B\n");
    }
}

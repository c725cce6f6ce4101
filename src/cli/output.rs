//! Printing results: aligned tables for people, stable JSON for scripts.

use super::args::OutputFormat;
use super::exit::CliError;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// A table: headers and rows of cells.
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column headers.
    pub fn new(headers: &[&'static str]) -> Self {
        Table {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are blank).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Renders with two spaces between columns and no trailing spaces.
    pub fn render(&self) -> String {
        let cols = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(cell.width());
            }
        }
        let line = |cells: Vec<&str>| {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate() {
                out.push_str(cell);
                if i + 1 < cells.len() {
                    out.push_str(&" ".repeat(widths[i] - cell.width() + 2));
                }
            }
            out.trim_end().to_string()
        };
        let mut out = vec![line(self.headers.clone())];
        for row in &self.rows {
            let cells: Vec<&str> = (0..cols)
                .map(|i| row.get(i).map_or("", String::as_str))
                .collect();
            out.push(line(cells));
        }
        out.join("\n") + "\n"
    }
}

/// Key/value lines for one item, aligned on the key.
pub fn details(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    pairs
        .iter()
        .map(|(k, v)| format!("{k}{}  {v}\n", " ".repeat(width - k.width())))
        .collect()
}

/// Prints `value` as JSON, or the table text produced by `table`.
pub fn emit<T: Serialize>(
    format: OutputFormat,
    value: &T,
    table: impl FnOnce() -> String,
) -> Result<(), CliError> {
    match format {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(value).map_err(|e| {
                CliError::new(
                    super::exit::Exit::Other,
                    format!("could not encode JSON: {e}"),
                )
            })?;
            println!("{text}");
        }
        OutputFormat::Table => print!("{}", table()),
    }
    Ok(())
}

/// An optional value, or `-`.
pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_on_display_width() {
        let mut t = Table::new(&["NAME", "STATUS"]);
        t.row(vec!["prod".into(), "✓ verified".into()]);
        t.row(vec!["a-much-longer-name".into(), "✗ failed".into()]);
        assert_eq!(
            t.render(),
            "NAME                STATUS\nprod                ✓ verified\na-much-longer-name  ✗ failed\n"
        );
    }
}

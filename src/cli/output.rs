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

    /// Adds a row (missing cells are blank); each cell is made printable on one line.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| crate::text::printable(&c).into_owned())
                .collect(),
        );
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
        let mut out = vec![table_line(&self.headers, &widths)];
        for row in &self.rows {
            let cells: Vec<&str> = (0..cols)
                .map(|i| row.get(i).map_or("", String::as_str))
                .collect();
            out.push(table_line(&cells, &widths));
        }
        out.join("\n") + "\n"
    }
}

/// One table line: each cell padded to its column's width, two spaces between
/// columns, no trailing spaces.
pub fn table_line(cells: &[&str], widths: &[usize]) -> String {
    let mut out = String::new();
    for (i, cell) in cells.iter().enumerate() {
        out.push_str(cell);
        if i + 1 < cells.len() {
            let width = widths.get(i).copied().unwrap_or(0);
            out.push_str(&" ".repeat(width.saturating_sub(cell.width()) + 2));
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// True when every line of `text` fits the terminal stdout is on; always true when
/// stdout is not a terminal (a script gets the whole values).
pub fn fits_terminal(text: &str) -> bool {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return true;
    }
    let Ok((columns, _)) = crossterm::terminal::size() else {
        return true;
    };
    text.lines().all(|l| l.width() <= usize::from(columns))
}

/// Key/value lines for one item, aligned on the key.
pub fn details(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    pairs
        .iter()
        .map(|(k, v)| {
            let v = crate::text::printable(v);
            format!("{k}{}  {v}\n", " ".repeat(width - k.width()))
        })
        .collect()
}

/// Prints `value` as JSON, or the table text produced by `table`. Nothing that a
/// platform sent can reach the terminal as a control sequence: text is stripped of
/// control characters, JSON escapes them (the data stays the same).
pub fn emit<T: Serialize>(
    format: OutputFormat,
    value: &T,
    table: impl FnOnce() -> String,
) -> Result<(), CliError> {
    match format {
        OutputFormat::Json => {
            let text = super::json::pretty(value).map_err(|e| {
                CliError::new(
                    super::exit::Exit::Other,
                    format!("could not encode JSON: {e}"),
                )
            })?;
            println!("{text}");
        }
        OutputFormat::Table => print!("{}", crate::text::printable_lines(&table())),
    }
    Ok(())
}

/// A run's summary as the table output prints it: a line each, after its tone's
/// symbol (as the UI draws it), without control characters.
pub fn summary_text(lines: &[crate::ops::rotation::SummaryLine]) -> String {
    lines
        .iter()
        .map(|l| format!("{}\n", crate::text::printable(&l.shown())))
        .collect()
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

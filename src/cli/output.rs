//! What commands print: one JSON value a line, or a table of aligned columns for people.

use std::io::{self, Write};

/// Prints `value` as one line of JSON on stdout.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) {
    // The values printed are plain structs of strings, numbers and
    // booleans: serializing them cannot fail.
    #[allow(clippy::expect_used)]
    let line = serde_json::to_string(value).expect("plain values serialize to JSON");
    let mut stdout = io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
}

/// Prints `line` on stdout. A reader that stops reading (`| head`) ends
/// the output there, without a panic.
pub fn print_line(line: &str) {
    let mut stdout = io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
}

/// A table for people: a header and rows of cells, each column as wide as
/// its widest cell, two spaces apart. Cells must be printable already.
pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&'static str]) -> Self {
        Table {
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table's lines, the header first.
    pub fn lines(&self) -> Vec<String> {
        let mut widths: Vec<usize> = self
            .header
            .iter()
            .map(|cell| cell.chars().count())
            .collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            let cells: Vec<&str> = cells.collect();
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    text.push_str(cell);
                } else {
                    let pad = widths[i].saturating_sub(cell.chars().count());
                    text.push_str(cell);
                    text.extend(std::iter::repeat_n(' ', pad + 2));
                }
            }
            text
        };
        let mut lines = vec![line(&mut self.header.iter().copied())];
        for row in &self.rows {
            lines.push(line(&mut row.iter().map(String::as_str)));
        }
        lines
    }

    /// Prints the table on stdout.
    pub fn print(&self) {
        let mut out = io::stdout().lock();
        for line in self.lines() {
            let _ = writeln!(out, "{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let mut table = Table::new(&["A", "LONGER", "C"]);
        table.row(vec!["wide cell".into(), "x".into(), "last".into()]);
        assert_eq!(
            table.lines(),
            ["A          LONGER  C", "wide cell  x       last"]
        );
    }
}

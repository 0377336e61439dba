//! Tables laid out by arithmetic: fixed column widths from the left, the last column takes the rest.
//!
//! The constraint solver is the costliest part of a first frame, and no
//! layout cache helps it; fixed widths leave it nothing to solve.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::Theme;

/// The mark before the selected row.
const SELECTION_MARK: &str = "> ";

/// Blank cells between two columns.
const COLUMN_SPACING: u16 = 1;

/// Where each column of a table's rows goes: `(x, width)`.
pub struct Columns(Vec<(u16, u16)>);

impl Columns {
    /// The columns of one row of `inner`, after the selection mark: `fixed`
    /// widths from the left, then a last column with what is left. A column
    /// that reaches past the right edge is cut there; columns beyond it get
    /// no room.
    pub fn new(inner: Rect, fixed: &[u16]) -> Self {
        let right = inner.right();
        let mut x = inner
            .x
            .saturating_add(SELECTION_MARK.len() as u16)
            .min(right);
        let mut areas = Vec::with_capacity(fixed.len() + 1);
        for &width in fixed {
            let width = width.min(right - x);
            areas.push((x, width));
            x = x.saturating_add(width + COLUMN_SPACING).min(right);
        }
        areas.push((x, right - x));
        Columns(areas)
    }

    /// Marks `row` as the selected one.
    pub fn render_mark(&self, frame: &mut Frame, row: Rect, selected: bool) {
        if selected {
            frame.render_widget(Line::from(SELECTION_MARK), row);
        }
    }
}

/// The header row, in bold across the whole width.
pub fn render_header(
    frame: &mut Frame,
    inner: Rect,
    columns: &Columns,
    header: &[&'static str],
    theme: Theme,
) {
    let row = Rect { height: 1, ..inner };
    frame.buffer_mut().set_style(row, theme.title());
    render_cells(
        frame,
        row,
        columns,
        header.iter().map(|cell| Line::from(*cell)),
    );
}

/// Draws `cells` into `row`, one a column.
pub fn render_cells<'a>(
    frame: &mut Frame,
    row: Rect,
    columns: &Columns,
    cells: impl IntoIterator<Item = Line<'a>>,
) {
    for (&(x, width), cell) in columns.0.iter().zip(cells) {
        if width > 0 {
            frame.render_widget(cell, Rect { x, width, ..row });
        }
    }
}

//! The provider table, laid out by arithmetic: every column but the last has
//! a fixed width, so the constraint solver (the costliest part of the first
//! frame, which no layout cache helps) has nothing to solve.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::Theme;
use crate::connection_test::TestOutcome;
use crate::console::app::App;
use crate::sanitize::printable;
use crate::status::ProviderState;

/// Below this width the "changed" and "by" columns are dropped.
const FULL_WIDTH: u16 = 72;

/// The mark before the selected row's name.
const SELECTION_MARK: &str = "> ";

/// The widths of the columns before the last, which takes what is left.
const FULL_COLUMNS: [u16; 6] = [13, 7, 6, 10, 9, 11];
const NARROW_COLUMNS: [u16; 4] = [13, 7, 6, 10];

/// Blank cells between two columns.
const COLUMN_SPACING: u16 = 1;

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let block = Block::bordered().title(" Providers ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let full = area.width >= FULL_WIDTH;
    let columns = if full {
        column_areas(inner, &FULL_COLUMNS)
    } else {
        column_areas(inner, &NARROW_COLUMNS)
    };

    let mut header = vec!["Provider", "Key", "Active", "Hint", "Test"];
    if full {
        header.extend(["Changed UTC", "By"]);
    }
    let header_row = Rect { height: 1, ..inner };
    frame.buffer_mut().set_style(header_row, theme.title());
    render_cells(
        frame,
        header_row,
        &columns,
        header.into_iter().map(Line::from),
    );

    // Rows below the header; when they do not all fit, the selected one is
    // kept in view (the last visible row).
    let visible = usize::from(inner.height - 1);
    let first = (app.selected + 1).saturating_sub(visible);
    for (index, state) in app.providers.iter().enumerate().skip(first).take(visible) {
        let y = inner.y + 1 + (index - first) as u16;
        let row_area = Rect {
            y,
            height: 1,
            ..inner
        };
        let selected = index == app.selected;
        if selected {
            frame.render_widget(Line::from(SELECTION_MARK), row_area);
        }
        render_cells(
            frame,
            row_area,
            &columns,
            cells(app, state, selected, full, theme),
        );
    }
}

/// The areas of the columns in one row of `inner`, after the selection mark:
/// fixed widths from the left, then the last column with what is left. A
/// column that reaches past the right edge is cut there; columns beyond it
/// get no room.
fn column_areas(inner: Rect, fixed: &[u16]) -> Vec<(u16, u16)> {
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
    areas
}

fn render_cells<'a>(
    frame: &mut Frame,
    row: Rect,
    columns: &[(u16, u16)],
    cells: impl IntoIterator<Item = Line<'a>>,
) {
    for (&(x, width), cell) in columns.iter().zip(cells) {
        if width > 0 {
            frame.render_widget(cell, Rect { x, width, ..row });
        }
    }
}

fn cells(
    app: &App,
    state: &ProviderState,
    selected: bool,
    full: bool,
    theme: Theme,
) -> Vec<Line<'static>> {
    let styled = |text: &'static str, style: Style| Line::from(Span::styled(text, style));
    let status = &state.status;
    let key = if state.fault.is_some() {
        styled("broken", theme.error())
    } else if status.is_configured {
        styled("set", theme.good())
    } else {
        styled("not set", theme.dim())
    };
    let active = if status.is_active {
        styled("yes", theme.good())
    } else {
        styled("no", theme.dim())
    };
    let hint = Line::from(printable(status.key_hint.as_deref().unwrap_or("-")));
    let test = if app.testing.contains(&status.provider) {
        styled("…", theme.warning())
    } else {
        match app.tests.get(&status.provider) {
            Some(record) if record.result.outcome == TestOutcome::Ok => {
                styled(record.result.outcome.label(), theme.good())
            }
            Some(record) => styled(record.result.outcome.label(), theme.error()),
            None => styled("-", theme.dim()),
        }
    };
    let name = status.provider.display_name();
    let mut cells = vec![
        if selected {
            styled(name, theme.selected())
        } else {
            Line::from(name)
        },
        key,
        active,
        hint,
        test,
    ];
    if full {
        let changed = state
            .changed_at
            .map_or_else(|| "-".to_owned(), |at| at.format("%m-%d %H:%M").to_string());
        cells.push(Line::from(changed));
        cells.push(Line::from(printable(
            state.changed_by.as_deref().unwrap_or("-"),
        )));
    }
    cells
}

//! The provider table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table, TableState};

use super::Theme;
use crate::connection_test::TestOutcome;
use crate::console::app::App;
use crate::sanitize::printable;
use crate::status::ProviderState;

/// Below this width the "changed" and "by" columns are dropped.
const FULL_WIDTH: u16 = 72;

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let full = area.width >= FULL_WIDTH;
    let mut header = vec!["Provider", "Key", "Active", "Hint", "Test"];
    let mut widths = vec![
        Constraint::Length(13),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(10),
        Constraint::Length(9),
    ];
    if full {
        header.extend(["Changed UTC", "By"]);
        widths.extend([Constraint::Length(11), Constraint::Fill(1)]);
    } else {
        widths[4] = Constraint::Fill(1);
    }
    let rows = app
        .providers
        .iter()
        .enumerate()
        .map(|(index, state)| row(app, state, index == app.selected, full, theme));
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.title()))
        .block(Block::bordered().title(" Providers "))
        // Only the marker and the name show the selection: restyling whole
        // rows would resend both rows on every move.
        .highlight_symbol("> ")
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(app.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn row(app: &App, state: &ProviderState, selected: bool, full: bool, theme: Theme) -> Row<'static> {
    let status = &state.status;
    let key = if state.fault.is_some() {
        Cell::from(Span::styled("broken", theme.error()))
    } else if status.is_configured {
        Cell::from(Span::styled("set", theme.good()))
    } else {
        Cell::from(Span::styled("not set", theme.dim()))
    };
    let active = if status.is_active {
        Cell::from(Span::styled("yes", theme.good()))
    } else {
        Cell::from(Span::styled("no", theme.dim()))
    };
    let hint = Cell::from(printable(status.key_hint.as_deref().unwrap_or("-")));
    let test = if app.testing.contains(&status.provider) {
        Cell::from(Span::styled("…", theme.warning()))
    } else {
        match app.tests.get(&status.provider) {
            Some(record) if record.result.outcome == TestOutcome::Ok => {
                Cell::from(Span::styled(record.result.outcome.label(), theme.good()))
            }
            Some(record) => Cell::from(Span::styled(record.result.outcome.label(), theme.error())),
            None => Cell::from(Span::styled("-", theme.dim())),
        }
    };
    let mut cells = vec![
        if selected {
            Cell::from(Span::styled(
                status.provider.display_name(),
                theme.selected(),
            ))
        } else {
            Cell::from(status.provider.display_name())
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
        cells.push(Cell::from(changed));
        cells.push(Cell::from(Line::from(printable(
            state.changed_by.as_deref().unwrap_or("-"),
        ))));
    }
    Row::new(cells)
}

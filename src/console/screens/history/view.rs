//! Drawing the History tab: a page of changes laid out by arithmetic, the selected one whole under it, and the filter line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::HistoryScreen;
use crate::console::data::Data;
use crate::console::screens::Areas;
use crate::console::ui::table::{Columns, render_cells, render_header};
use crate::console::ui::theme::Theme;
use crate::history::HistoryEntry;

/// When (`12-01 06:21:00`) and who (cut: the detail line has it whole);
/// the change takes what is left.
const COLUMNS: [u16; 2] = [14, 10];
/// From this width on, "who" has room for `alice from 203.0.113.7`.
const WIDE: u16 = 110;
const WIDE_COLUMNS: [u16; 2] = [14, 24];
/// Below this width the "who" column goes (the detail line still has it).
const NARROW: u16 = 72;

pub fn render(screen: &HistoryScreen, _data: &Data, frame: &mut Frame, areas: Areas, theme: Theme) {
    let filter = screen.filter.value().trim();
    let mut title = String::from(" History");
    if !filter.is_empty() {
        title.push_str(&format!(": \"{}\"", crate::sanitize::printable(filter)));
    }
    if screen.page_number() > 1 {
        title.push_str(&format!(", page {}", screen.page_number()));
    }
    title.push(' ');
    let block = Block::bordered().title(title);
    let inner = block.inner(areas.body);
    frame.render_widget(block, areas.body);
    render_detail(screen, frame, areas.detail, theme);
    if inner.height < 2 {
        return;
    }
    let entries = match (&screen.entries, &screen.error) {
        (_, Some(error)) => {
            let text = format!(
                " The history cannot be read: {}",
                crate::sanitize::printable(error)
            );
            frame.render_widget(Line::styled(text, theme.error()), inner);
            return;
        }
        (None, None) => {
            frame.render_widget(Line::styled(" Reading the history…", theme.dim()), inner);
            return;
        }
        (Some(entries), None) => entries,
    };
    if entries.is_empty() {
        let text = if filter.is_empty() {
            " No change is recorded yet.".to_owned()
        } else {
            format!(
                " No change matches \"{}\".",
                crate::sanitize::printable(filter)
            )
        };
        frame.render_widget(Line::styled(text, theme.dim()), inner);
        return;
    }
    let narrow = areas.body.width < NARROW;
    let wide = areas.body.width >= WIDE;
    let columns = if narrow {
        Columns::new(inner, &COLUMNS[..1])
    } else if wide {
        Columns::new(inner, &WIDE_COLUMNS)
    } else {
        Columns::new(inner, &COLUMNS)
    };
    let header: &[&'static str] = if narrow {
        &["When (UTC)", "Change"]
    } else {
        &["When (UTC)", "Who", "Change"]
    };
    render_header(frame, inner, &columns, header, theme);
    let visible = usize::from(inner.height - 1);
    screen.rows.set(visible);
    let first = (screen.selected + 1).saturating_sub(visible);
    for (index, entry) in entries.iter().enumerate().skip(first).take(visible) {
        let row = Rect {
            y: inner.y + 1 + (index - first) as u16,
            height: 1,
            ..inner
        };
        let selected = index == screen.selected;
        columns.render_mark(frame, row, selected);
        let change = if selected {
            Line::styled(change_text(entry), theme.selected())
        } else {
            Line::from(change_text(entry))
        };
        let mut cells = vec![Line::from(entry.at.format("%m-%d %H:%M:%S").to_string())];
        if !narrow {
            // Short of room, the user without the address (the detail line
            // has both).
            let (who, width) = if wide {
                (entry.actor.as_str(), WIDE_COLUMNS[1])
            } else {
                (
                    entry.actor.split(" from ").next().unwrap_or_default(),
                    COLUMNS[1],
                )
            };
            cells.push(Line::styled(cut(who, width), theme.dim()));
        }
        cells.push(change);
        render_cells(frame, row, &columns, cells);
    }
}

/// `text` in `width` columns; when it is longer, cut with a "…" so that a
/// cut name (`api:tryout2` as `api:tryou…`) is never read as another.
fn cut(text: &str, width: u16) -> String {
    let width = usize::from(width);
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut shown: String = text.chars().take(width.saturating_sub(1)).collect();
    shown.push('…');
    shown
}

/// What changed, as the table's last column shows it: the phrase without
/// its leading "changed", which every field's change has (the column says so).
fn change_text(entry: &HistoryEntry) -> String {
    let phrase = entry.describe();
    match phrase.strip_prefix("changed ") {
        Some(rest) => rest.to_owned(),
        None => phrase,
    }
}

/// The filter line while it is typed in; else the selected change whole.
fn render_detail(screen: &HistoryScreen, frame: &mut Frame, area: Rect, theme: Theme) {
    if screen.filtering {
        let value = screen.filter.value();
        let line = Line::from(vec![
            Span::styled(" / ", theme.key()),
            Span::raw(crate::sanitize::printable(value)),
        ]);
        frame.render_widget(line, area);
        let x = area.x + 3 + u16::try_from(screen.filter.visual_cursor()).unwrap_or(0);
        frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    let Some(entry) = screen
        .entries
        .as_ref()
        .and_then(|entries| entries.get(screen.selected))
    else {
        return;
    };
    let text = format!(
        " #{} {} UTC by {}: {}",
        entry.id,
        entry.at.format("%Y-%m-%d %H:%M:%S"),
        entry.actor,
        entry.describe()
    );
    frame.render_widget(Line::styled(text, theme.dim()), area);
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn a_name_too_long_for_its_column_is_cut_with_a_mark() {
        assert_eq!(cut("alice", 10), "alice");
        assert_eq!(cut("api:tryout", 10), "api:tryout");
        assert_eq!(cut("api:tryout2", 10), "api:tryou…");
        assert_eq!(cut("root via api (uid 0)", 10), "root via …");
    }
}

//! Drawing a form tab: one line a value with its default, the selected value's help and range under it, and the number dialog.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{FormScreen, Mode, NumberEntry, shown};
use crate::console::data::Data;
use crate::console::dialog::Dialog;
use crate::console::screens::Areas;
use crate::console::ui::dialog::{save_or_cancel, state_notice, text_field};
use crate::console::ui::popup::{below, popup};
use crate::console::ui::table::{Columns, render_cells, render_header};
use crate::console::ui::theme::Theme;
use crate::fields::Checks;
use crate::fields::{GroupValues, Value};
use crate::sanitize::printable;

/// The widths of the label and value columns; the default takes the rest.
const COLUMNS: [u16; 2] = [24, 16];

/// From this width on, each value's name (as the command line takes it)
/// is shown too.
const WIDE: u16 = 100;
const WIDE_COLUMNS: [u16; 3] = [24, 16, 10];

pub fn render(screen: &FormScreen, data: &Data, frame: &mut Frame, areas: Areas, theme: Theme) {
    let group = screen.group;
    let Some(values) = screen.values(data) else {
        let block = Block::bordered().title(format!(" {} ", group.title));
        let inner = block.inner(areas.body);
        frame.render_widget(block, areas.body);
        frame.render_widget(Line::styled(" Reading the values…", theme.dim()), inner);
        return;
    };
    let title = match values {
        Ok(values) => {
            let off = values.checks_off().len();
            match (group.checks, off) {
                (Checks::Safeguards, 1) => format!(" {}: 1 check off ", group.title),
                (Checks::Safeguards, n) if n > 1 => {
                    format!(" {}: {n} checks off ", group.title)
                }
                _ => format!(" {} ", group.title),
            }
        }
        Err(_) => format!(" {}: cannot be read ", group.title),
    };
    let mut block = Block::bordered().title(title);
    if let Ok(values) = values {
        block = block.title_bottom(changed_line(values));
    }
    let inner = block.inner(areas.body);
    frame.render_widget(block, areas.body);
    if inner.is_empty() {
        return;
    }
    let shown_values: Vec<Value> = match values {
        Ok(values) => values.values.clone(),
        Err(_) => group.defaults(),
    };
    let wide = areas.body.width >= WIDE;
    let columns = if wide {
        Columns::new(inner, &WIDE_COLUMNS)
    } else {
        Columns::new(inner, &COLUMNS)
    };
    let header: &[&'static str] = if wide {
        &["Setting", "Value", "Default", "Name"]
    } else {
        &["Setting", "Value", "Default"]
    };
    render_header(frame, inner, &columns, header, theme);
    let mut y = inner.y + 1;
    if let Err(error) = values {
        // The row could not be read: say why, above the defaults, which a
        // reset or a set repairs.
        let area = Rect {
            y,
            height: 2.min(inner.bottom().saturating_sub(y)),
            ..inner
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", printable(error)),
                theme.error(),
            ))
            .wrap(Wrap { trim: true }),
            area,
        );
        y += area.height;
    }
    let visible = usize::from(inner.bottom().saturating_sub(y)).max(1);
    let first = (screen.selected + 1).saturating_sub(visible);
    for (index, field) in group.fields.iter().enumerate().skip(first).take(visible) {
        let row = Rect {
            y: y + (index - first) as u16,
            height: 1,
            ..inner
        };
        if row.y >= inner.bottom() {
            break;
        }
        let selected = index == screen.selected;
        let value = shown_values[index];
        let counts = group.counts(index, &shown_values);
        let style = if counts { theme.plain() } else { theme.dim() };
        let label = if selected {
            Span::styled(field.label, theme.selected())
        } else {
            Span::styled(field.label, style)
        };
        let mut text = shown(value);
        if value != field.default {
            text.push_str(" *");
        }
        if !counts {
            text.push_str(" (off)");
        }
        columns.render_mark(frame, row, selected);
        let mut cells = vec![
            Line::from(label),
            Line::styled(text, style),
            Line::styled(shown(field.default), theme.dim()),
        ];
        if wide {
            cells.push(Line::styled(field.name, theme.dim()));
        }
        render_cells(frame, row, &columns, cells);
    }
    render_detail(screen, &shown_values, frame, areas.detail, theme);
    if let Mode::EditNumber(dialog) = &screen.mode {
        let free = below(areas.body, 3 + group.fields.len() as u16);
        render_dialog(screen, dialog, frame, free, areas.screen, theme);
    }
}

/// "revision 3, changed 12-01 09:04 UTC by alice", under the form.
fn changed_line(values: &GroupValues) -> String {
    match (&values.changed_at, &values.changed_by) {
        (Some(at), Some(by)) => format!(
            " revision {}, changed {} UTC by {} ",
            values.revision,
            at.format("%m-%d %H:%M"),
            by
        ),
        _ => " never changed: the defaults ".to_owned(),
    }
}

/// The selected value's name, help and range, and why it does not count.
fn render_detail(
    screen: &FormScreen,
    values: &[Value],
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let group = screen.group;
    let field = &group.fields[screen.selected];
    // The name, range and whether it counts first: a narrow line cuts the
    // help, not the rule.
    let mut rules: Vec<String> = Vec::new();
    let range = field.range();
    if !range.is_empty() {
        rules.push(range);
    }
    let counts = group.counts(screen.selected, values);
    if let (Some(switch), false) = (field.depends_on, counts) {
        rules.push(format!("off while {switch} is off"));
    }
    let mut spans = vec![Span::raw(format!(" {}", field.name))];
    if !rules.is_empty() {
        let style = if counts { theme.dim() } else { theme.warning() };
        spans.push(Span::styled(format!(" ({})", rules.join("; ")), style));
    }
    spans.push(Span::raw(format!(": {}", field.help)));
    frame.render_widget(Line::from(spans), area);
}

fn render_dialog(
    screen: &FormScreen,
    dialog: &Dialog<NumberEntry>,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let field = &screen.group.fields[dialog.content.index];
    let inner = popup(
        frame,
        free,
        area,
        (60, 9),
        format!(" {} ", field.label),
        theme,
    );
    let [allowed, input, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    let mut what = field.allowed();
    if let Some(first) = what.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    frame.render_widget(
        Line::styled(format!("{what}; default {}.", field.default), theme.dim()),
        allowed,
    );
    text_field(frame, input, &dialog.content.input, !dialog.is_saving());
    let lines = state_notice(&dialog.state, theme).unwrap_or_else(|| vec![save_or_cancel(theme)]);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), notice);
}

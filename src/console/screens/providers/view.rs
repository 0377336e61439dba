//! Drawing the Providers tab: the table, the detail line, and its dialogs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{KeyEntry, Mode, ProvidersScreen, UrlEntry};
use crate::connection_test::TestOutcome;
use crate::console::data::Data;
use crate::console::dialog::Dialog;
use crate::console::screens::Areas;
use crate::console::ui::dialog::{
    field_box, masked_field, save_or_cancel, state_notice, text_field,
};
use crate::console::ui::popup::{below, popup};
use crate::console::ui::table::{Columns, render_cells, render_header};
use crate::console::ui::theme::Theme;
use crate::provider::Provider;
use crate::secret::OpenError;
use crate::status::ProviderState;

/// Below this width the "changed" and "by" columns are dropped.
const FULL_WIDTH: u16 = 72;

/// The widths of the columns before the last, which takes what is left.
const FULL_COLUMNS: [u16; 6] = [13, 7, 6, 10, 9, 11];
const NARROW_COLUMNS: [u16; 4] = [13, 7, 6, 10];

pub fn render(
    screen: &ProvidersScreen,
    data: &Data,
    frame: &mut Frame,
    areas: Areas,
    theme: Theme,
) {
    render_table(screen, data, frame, areas.body, theme);
    render_detail(screen, data, frame, areas.detail, theme);
    // A dialog goes below the rows (the border, the header, the providers
    // and a blank line), leaving them in view when there is room.
    let free = below(areas.body, 3 + data.providers.len() as u16);
    match &screen.mode {
        Mode::Browse => {}
        Mode::ConfirmDelete(provider) => {
            render_confirm_delete(data, *provider, frame, free, areas.screen, theme)
        }
        Mode::ConfirmDeactivate(provider) => {
            render_confirm_deactivate(data, *provider, frame, free, areas.screen, theme)
        }
        Mode::EditKey(dialog) => render_key_dialog(dialog, frame, free, areas.screen, theme),
        Mode::EditBaseUrl(dialog) => {
            render_base_url_dialog(dialog, frame, free, areas.screen, theme)
        }
    }
}

fn render_table(
    screen: &ProvidersScreen,
    data: &Data,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let block = Block::bordered().title(" Providers ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let full = area.width >= FULL_WIDTH;
    let columns = if full {
        Columns::new(inner, &FULL_COLUMNS)
    } else {
        Columns::new(inner, &NARROW_COLUMNS)
    };
    let mut header = vec!["Provider", "Key", "Active", "Hint", "Test"];
    if full {
        header.extend(["Changed UTC", "By"]);
    }
    render_header(frame, inner, &columns, &header, theme);

    // Rows below the header; when they do not all fit, the selected one is
    // kept in view (the last visible row).
    let visible = usize::from(inner.height - 1);
    let first = (screen.selected + 1).saturating_sub(visible);
    for (index, state) in data.providers.iter().enumerate().skip(first).take(visible) {
        let y = inner.y + 1 + (index - first) as u16;
        let row_area = Rect {
            y,
            height: 1,
            ..inner
        };
        let selected = index == screen.selected;
        columns.render_mark(frame, row_area, selected);
        render_cells(
            frame,
            row_area,
            &columns,
            cells(screen, state, selected, full, theme),
        );
    }
}

fn cells(
    screen: &ProvidersScreen,
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
    let hint = Line::from(status.key_hint.as_deref().unwrap_or("-").to_owned());
    let test = if screen.testing.contains_key(&status.provider) {
        styled("…", theme.warning())
    } else {
        match screen.tests.get(&status.provider) {
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
        cells.push(Line::from(
            state.changed_by.as_deref().unwrap_or("-").to_owned(),
        ));
    }
    cells
}

/// One line about the selected provider: why its key is unreadable, if it
/// is, else its key's fingerprint, its base URL and its last test.
fn render_detail(
    screen: &ProvidersScreen,
    data: &Data,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let Some(state) = screen.selected_state(data) else {
        return;
    };
    let name = state.status.provider.display_name();
    let line = if let Some(fault) = &state.fault {
        let reason = match fault {
            OpenError::OtherMasterKey { .. } => "another master key",
            OpenError::UnknownVersion(_) => "unknown format",
            OpenError::Truncated | OpenError::Tampered => "altered or copied",
        };
        Line::styled(
            format!(" {name}: key unreadable ({reason}); Enter sets it again"),
            theme.error(),
        )
    } else {
        // The name is left out (the table marks the selection), so that
        // moving the selection rewrites only what differs.
        let url = match &state.base_url {
            Some(url) => Span::raw(url.to_string()),
            None => Span::styled("default", theme.dim()),
        };
        let fingerprint = state.fingerprint.as_deref().unwrap_or("-");
        let mut spans = vec![
            Span::raw(format!(" Fingerprint {fingerprint:<8}  Base URL ")),
            url,
        ];
        if let Some(record) = screen.tests.get(&state.status.provider) {
            spans.push(Span::raw(format!(
                "  Tested {}: {}",
                record.at.format("%H:%M"),
                record.result.detail
            )));
        }
        Line::from(spans)
    };
    frame.render_widget(line, area);
}

fn render_key_dialog(
    dialog: &Dialog<KeyEntry>,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let entry = &dialog.content;
    let provider = entry.provider;
    let inner = popup(
        frame,
        free,
        area,
        (72, 10),
        format!(" Key for {} ", provider.display_name()),
        theme,
    );
    let [intro, field, count, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Line::styled("Type or paste the key. It is never shown.", theme.dim()),
        intro,
    );
    let field_inner = field_box(frame, field);
    let cursor = (!dialog.is_saving()).then(|| entry.field.cursor());
    let shown = masked_field(entry.field.len(), cursor, usize::from(field_inner.width));
    frame.render_widget(Line::from(shown), field_inner);
    let characters = match entry.field.len() {
        1 => "1 character".to_owned(),
        n => format!("{n} characters"),
    };
    // Unstyled: it changes with every key typed, and a colour would be
    // sent again each time.
    frame.render_widget(Line::from(characters), count);
    let lines = state_notice(&dialog.state, theme).unwrap_or_else(|| key_advice(entry, theme));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), notice);
}

/// What the key dialog says while the key is typed: a warning once it
/// cannot become one of the provider's keys, else how to save.
fn key_advice(entry: &KeyEntry, theme: Theme) -> Vec<Line<'static>> {
    let provider = entry.provider;
    let entered = entry.field.expose().trim();
    if !entered.is_empty() && !provider.key_may_look_right(entered) {
        return vec![Line::styled(
            format!(
                "This does not look like a key of {} ({}…); Enter saves it anyway.",
                provider.display_name(),
                provider.key_prefixes().join("… or ")
            ),
            theme.warning(),
        )];
    }
    vec![save_or_cancel(theme)]
}

fn render_base_url_dialog(
    dialog: &Dialog<UrlEntry>,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let entry = &dialog.content;
    let title = format!(" Base URL for {} ", entry.provider.display_name());
    let inner = popup(frame, free, area, (72, 7), title, theme);
    let [intro, field, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Line::styled("Empty resets to the provider's default.", theme.dim()),
        intro,
    );
    text_field(frame, field, &entry.input, !dialog.is_saving());
    let lines = state_notice(&dialog.state, theme).unwrap_or_else(|| vec![save_or_cancel(theme)]);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), notice);
}

fn render_confirm_delete(
    data: &Data,
    provider: Provider,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let hint = data
        .providers
        .iter()
        .find(|state| state.status.provider == provider)
        .and_then(|state| state.status.key_hint.clone())
        .unwrap_or_default();
    let mut lines = vec![
        Line::from(format!(
            "Delete the key of {} ({})?",
            provider.display_name(),
            hint
        )),
        Line::styled("The provider becomes inactive.", theme.dim()),
    ];
    if !provider.key_optional() {
        lines.extend(stopping_tasks(data, provider, "has a key again", theme));
    }
    confirm(frame, free, area, " Delete key ", lines, "delete", theme);
}

fn render_confirm_deactivate(
    data: &Data,
    provider: Provider,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let mut lines = vec![Line::from(format!(
        "Make {} inactive?",
        provider.display_name()
    ))];
    lines.extend(stopping_tasks(data, provider, "is active again", theme));
    confirm(
        frame,
        free,
        area,
        " Deactivate ",
        lines,
        "deactivate",
        theme,
    );
}

/// A warning naming the tasks that stop running without `provider`.
fn stopping_tasks(
    data: &Data,
    provider: Provider,
    until: &str,
    theme: Theme,
) -> Vec<Line<'static>> {
    let tasks = super::tasks_on(data, provider);
    if tasks.is_empty() {
        return Vec::new();
    }
    let ids: Vec<&str> = tasks.iter().map(|task| task.id()).collect();
    vec![Line::styled(
        format!("{} will not run until it {until}.", ids.join(", ")),
        theme.warning(),
    )]
}

/// A y/n confirmation: `lines`, a blank line, and the two keys.
fn confirm(
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    title: &str,
    mut lines: Vec<Line<'static>>,
    yes: &'static str,
    theme: Theme,
) {
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("y", theme.key()),
        Span::raw(format!(" {yes}   ")),
        Span::styled("n", theme.key()),
        Span::raw(" keep"),
    ]));
    // The lines wrap at the box's inside (54 columns): room for each.
    let height: u16 = lines
        .iter()
        .map(|line| (line.width() as u16).div_ceil(54).max(1))
        .sum::<u16>()
        + 2;
    let inner = popup(frame, free, area, (56, height), title.to_owned(), theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

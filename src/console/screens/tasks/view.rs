//! Drawing the Tasks tab: the nine tasks laid out by arithmetic, the detail line, the edit dialog and the clear confirmation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Focus, Mode, ModelList, TaskEntry, TasksScreen};
use crate::console::data::Data;
use crate::console::dialog::Dialog;
use crate::console::screens::Areas;
use crate::console::ui::dialog::{save_or_cancel, state_notice, text_field};
use crate::console::ui::popup::{below, popup};
use crate::console::ui::table::{Columns, render_cells, render_header};
use crate::console::ui::theme::Theme;
use crate::provider::Provider;
use crate::sanitize::printable;
use crate::task::{Task, TaskState, TaskStatus};

/// From this width on, the "changed" and "by" columns are shown.
const WIDE: u16 = 110;

/// The widths of the columns before the last: task, provider, status (and,
/// wide, model and changed); the last takes what is left.
const COLUMNS: [u16; 3] = [22, 13, 12];
const WIDE_COLUMNS: [u16; 5] = [22, 13, 12, 30, 11];

/// A status as the table shows it: a task that will not run is marked.
fn status_cell(status: TaskStatus, theme: Theme) -> Line<'static> {
    let styled = |text: &'static str, style: Style| Line::from(Span::styled(text, style));
    match status {
        TaskStatus::Ready => styled("ready", theme.good()),
        TaskStatus::NoKey => styled("! no key", theme.error()),
        TaskStatus::Inactive => styled("! inactive", theme.error()),
        TaskStatus::Unassigned => styled("! unassigned", theme.error()),
    }
}

/// A provider's readiness, as the dialog's provider list shows it.
fn readiness(data: &Data, provider: Provider) -> TaskStatus {
    let state = data
        .providers
        .iter()
        .find(|state| state.status.provider == provider);
    TaskStatus::of(
        state.map(|state| &state.status),
        state.is_none_or(|state| state.fault.is_none()),
    )
}

pub fn render(screen: &TasksScreen, data: &Data, frame: &mut Frame, areas: Areas, theme: Theme) {
    render_table(screen, data, frame, areas.body, theme);
    render_detail(screen, data, frame, areas.detail, theme);
    // Below the rows when there is room (rarely, for nine tasks), else in
    // the middle.
    let free = below(areas.body, 3 + data.tasks.len() as u16);
    match &screen.mode {
        Mode::Browse => {}
        Mode::ConfirmClear(task, _) => {
            render_confirm_clear(data, *task, frame, free, areas.screen, theme)
        }
        Mode::Edit(dialog) => render_dialog(screen, dialog, data, frame, free, areas.screen, theme),
    }
}

fn render_table(screen: &TasksScreen, data: &Data, frame: &mut Frame, area: Rect, theme: Theme) {
    let not_ready = data
        .tasks
        .iter()
        .filter(|state| state.assignment.status != TaskStatus::Ready)
        .count();
    let title = match not_ready {
        0 => " Tasks ".to_owned(),
        1 => " Tasks: 1 will not run ".to_owned(),
        n => format!(" Tasks: {n} will not run "),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    if data.tasks.is_empty() {
        // Read by the worker just after the first frame.
        frame.render_widget(Line::styled(" Reading the tasks…", theme.dim()), inner);
        return;
    }
    let wide = area.width >= WIDE;
    let columns = if wide {
        Columns::new(inner, &WIDE_COLUMNS)
    } else {
        Columns::new(inner, &COLUMNS)
    };
    let mut header = vec!["Task", "Provider", "Status", "Model"];
    if wide {
        header.extend(["Changed UTC", "By"]);
    }
    render_header(frame, inner, &columns, &header, theme);
    let visible = usize::from(inner.height - 1);
    let first = (screen.selected + 1).saturating_sub(visible);
    for (index, state) in data.tasks.iter().enumerate().skip(first).take(visible) {
        let row = Rect {
            y: inner.y + 1 + (index - first) as u16,
            height: 1,
            ..inner
        };
        let selected = index == screen.selected;
        columns.render_mark(frame, row, selected);
        render_cells(frame, row, &columns, cells(state, selected, wide, theme));
    }
}

fn cells(state: &TaskState, selected: bool, wide: bool, theme: Theme) -> Vec<Line<'static>> {
    let assignment = &state.assignment;
    let name = assignment.task.display_name();
    let provider = match assignment.provider {
        Some(provider) => Line::from(provider.display_name()),
        None => Line::styled("-", theme.dim()),
    };
    let model = match (assignment.provider, assignment.model_name.as_str()) {
        (None, _) => Line::styled("-", theme.dim()),
        (Some(_), "") => Line::styled("default", theme.dim()),
        (Some(_), model) => Line::from(model.to_owned()),
    };
    let mut cells = vec![
        if selected {
            Line::styled(name, theme.selected())
        } else {
            Line::from(name)
        },
        provider,
        status_cell(assignment.status, theme),
        model,
    ];
    if wide {
        cells.push(Line::from(state.changed_at.map_or_else(
            || "-".to_owned(),
            |at| at.format("%m-%d %H:%M").to_string(),
        )));
        cells.push(Line::from(
            state.changed_by.as_deref().unwrap_or("-").to_owned(),
        ));
    }
    cells
}

/// One line about the selected task: its id, and why it will not run.
fn render_detail(screen: &TasksScreen, data: &Data, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(state) = screen.selected_state(data) else {
        return;
    };
    let assignment = &state.assignment;
    let mut spans = vec![Span::raw(format!(" {}", assignment.task.id()))];
    match assignment.status.blocker(assignment.provider) {
        Some(blocker) => spans.push(Span::styled(format!(": {blocker}"), theme.error())),
        None => spans.push(Span::styled(": ready", theme.good())),
    }
    frame.render_widget(Line::from(spans), area);
}

fn render_dialog(
    screen: &TasksScreen,
    dialog: &Dialog<TaskEntry>,
    data: &Data,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let entry = &dialog.content;
    let inner = popup(
        frame,
        free,
        area,
        (76, 14),
        format!(" {} ", entry.task.display_name()),
        theme,
    );
    let [choices, notice] =
        Layout::vertical([Constraint::Length(9), Constraint::Min(1)]).areas(inner);
    let [left, right] =
        Layout::horizontal([Constraint::Length(28), Constraint::Min(10)]).areas(choices);
    let label = |text: &'static str, focus: Focus| {
        if entry.focus == focus {
            Line::styled(format!("▸ {text}"), theme.title())
        } else {
            Line::styled(format!("  {text}"), theme.dim())
        }
    };

    // The providers, each with whether a task on it would run.
    let mut lines = vec![label("Provider", Focus::Provider)];
    for provider in Provider::ALL {
        let chosen = provider == entry.provider;
        let name = format!(
            "{}{:<13}",
            if chosen { "> " } else { "  " },
            provider.display_name()
        );
        let name = if chosen && entry.focus == Focus::Provider {
            Span::styled(name, theme.selected())
        } else {
            Span::raw(name)
        };
        let status = status_cell(readiness(data, provider), theme);
        let mut spans = vec![name, Span::raw(" ")];
        spans.extend(status.spans);
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), left);

    // The model: typed, or picked from the provider's list.
    let [model_label, field, models] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(right);
    frame.render_widget(
        label("Model (empty: the default)", Focus::Model),
        model_label,
    );
    text_field(
        frame,
        field,
        &entry.model,
        entry.focus == Focus::Model && !dialog.is_saving(),
    );
    render_models(screen, entry, frame, models, theme);

    let lines = state_notice(&dialog.state, theme).unwrap_or_else(|| advice(data, entry, theme));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), notice);
}

/// The chosen provider's models: how to see them, that they are on their
/// way, why they are not, or the list with the one picked marked.
fn render_models(
    screen: &TasksScreen,
    entry: &TaskEntry,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let name = entry.provider.display_name();
    let focused = entry.focus == Focus::Models;
    let heading = if focused { "▸ " } else { "  " };
    let lines = match screen.models.get(&entry.provider) {
        None => vec![Line::styled(
            format!("{heading}Tab here to list {name}'s models."),
            theme.dim(),
        )],
        Some(ModelList::Loading(_)) => vec![Line::styled(
            format!("{heading}Asking {name} for its models…"),
            theme.warning(),
        )],
        Some(ModelList::Failed(reason)) => vec![Line::styled(
            format!("{heading}No list from {name}: {}", printable(reason)),
            theme.error(),
        )],
        Some(ModelList::Loaded(models)) if models.is_empty() => vec![Line::styled(
            format!("{heading}{name} lists no models; type the name."),
            theme.dim(),
        )],
        Some(ModelList::Loaded(models)) => {
            let mut lines = vec![Line::styled(
                format!("{heading}{} models of {name} (↑↓):", models.len()),
                if focused { theme.title() } else { theme.dim() },
            )];
            // The model typed, if it is one of the list, else the one picked.
            let marked = models
                .iter()
                .position(|model| model == entry.model.value())
                .or(entry.pick);
            let room = usize::from(area.height.saturating_sub(1)).max(1);
            let first = (marked.unwrap_or(0) + 1).saturating_sub(room);
            for (index, model) in models.iter().enumerate().skip(first).take(room) {
                let picked = marked == Some(index);
                let text = format!("{}{}", if picked { "> " } else { "  " }, printable(model));
                lines.push(if picked {
                    Line::styled(text, theme.selected())
                } else {
                    Line::from(text)
                });
            }
            lines
        }
    };
    frame.render_widget(Paragraph::new(lines), area);
}

/// What the dialog says while it is edited: that the chosen provider is
/// not ready (the task would not run), else how to save.
fn advice(data: &Data, entry: &TaskEntry, theme: Theme) -> Vec<Line<'static>> {
    let status = readiness(data, entry.provider);
    match status.blocker(Some(entry.provider)) {
        Some(blocker) => vec![Line::styled(
            format!(
                "{} {blocker}; Enter saves it anyway.",
                entry.task.display_name()
            ),
            theme.warning(),
        )],
        None => vec![save_or_cancel(theme)],
    }
}

fn render_confirm_clear(
    data: &Data,
    task: Task,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let current =
        data.tasks
            .iter()
            .find(|state| state.assignment.task == task)
            .and_then(|state| {
                state.assignment.provider.map(|provider| {
                    super::describe_assignment(provider, &state.assignment.model_name)
                })
            })
            .unwrap_or_default();
    let inner = popup(frame, free, area, (60, 6), " Clear task ".to_owned(), theme);
    let lines = vec![
        Line::from(format!("Clear {} ({current})?", task.display_name())),
        Line::styled("It will not run until it is assigned again.", theme.dim()),
        Line::default(),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" clear   "),
            Span::styled("n", theme.key()),
            Span::raw(" keep"),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

//! The Tasks tab: the nine tasks of the pipeline, the provider and model each runs on, and whether it will run.

mod bindings;
mod entry;
mod view;
mod work;

use std::collections::BTreeMap;

use crossterm::event::{Event as TerminalEvent, KeyEvent};
use ratatui::Frame;
use tui_input::Input;
use zeroize::Zeroizing;

pub use work::{Done, Work, perform};

pub use bindings::*;
pub use entry::{Focus, TaskEntry};

use super::{
    Areas, Busy, Context, DialogStep, OpenDialog, Outgoing, Screen, View, on_confirm_key,
    on_dialog_key, paste_into, show_conflict, unpack,
};
use crate::console::data::Data;
use crate::console::dialog::{Conflict, Dialog, DialogAnswer};
use crate::console::keys::{self};
use crate::console::request_id::RequestId;
use crate::console::ui::theme::Theme;
use crate::provider::Provider;
use crate::sanitize::Printable;
use crate::task::{ModelName, Task, TaskState, TaskStatus, assignment_text};

/// What the Tasks tab is doing.
#[derive(Debug, Default)]
pub enum Mode {
    #[default]
    Browse,
    /// Waits for y or n to clear a task, seen at this revision.
    ConfirmClear(Task, i64),
    Edit(Dialog<TaskEntry>),
}

/// A provider's models, as asked for in this session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelList {
    Loading(RequestId),
    Loaded(Vec<String>),
    /// Why the provider did not list them (one printable line).
    Failed(String),
}

impl OpenDialog for Mode {
    fn awaits(&self, id: RequestId) -> bool {
        matches!(self, Mode::Edit(dialog) if dialog.awaits(id))
    }

    fn show(&mut self, id: RequestId, answer: DialogAnswer) -> bool {
        match self {
            Mode::Edit(dialog) => dialog.answered(id, answer),
            Mode::Browse | Mode::ConfirmClear(..) => false,
        }
    }
}

/// The Tasks tab's own state.
#[derive(Debug, Default)]
pub struct TasksScreen {
    pub selected: usize,
    pub mode: Mode,
    /// The models each provider offers, remembered for the session.
    pub models: BTreeMap<Provider, ModelList>,
}

impl TasksScreen {
    /// The selected task's state.
    pub fn selected_state<'a>(&self, data: &'a Data) -> Option<&'a TaskState> {
        data.tasks.get(self.selected)
    }

    /// Keeps the selection on a row after the table was read again.
    pub fn clamp(&mut self, rows: usize) {
        self.selected = self.selected.min(rows.saturating_sub(1));
    }

    fn on_browse_key(&mut self, key: &KeyEvent, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let action = keys::lookup(BINDINGS, key)?;
        ctx.changed();
        let state = self.selected_state(ctx.data).cloned();
        match action {
            Action::MoveUp => self.selected = self.selected.saturating_sub(1),
            Action::MoveDown => {
                self.selected = (self.selected + 1).min(ctx.data.tasks.len().saturating_sub(1))
            }
            Action::Edit => {
                let state = state?;
                let assignment = &state.assignment;
                self.mode = Mode::Edit(Dialog::new(TaskEntry {
                    task: assignment.task,
                    provider: assignment.provider.unwrap_or(Provider::ALL[0]),
                    model: Input::new(assignment.model_name.to_string()),
                    focus: Focus::Provider,
                    pick: None,
                    opened_at_revision: state.revision,
                }));
            }
            Action::Clear => {
                let state = state?;
                if state.assignment.provider.is_some() {
                    self.mode = Mode::ConfirmClear(state.assignment.task, state.revision);
                } else {
                    ctx.warn(format!(
                        "{} has no provider assigned; Enter assigns one.",
                        state.assignment.task.display_name()
                    ));
                }
            }
        }
        None
    }

    fn on_dialog_key(
        &mut self,
        key: &KeyEvent,
        event: &TerminalEvent,
        ctx: &mut Context<'_>,
    ) -> DialogStep<Work> {
        let Mode::Edit(dialog) = &mut self.mode else {
            return DialogStep::Stay(None);
        };
        if dialog.is_saving() {
            return DialogStep::Stay(None);
        }
        let Some(action) = keys::lookup(DIALOG_BINDINGS, key) else {
            return on_dialog_key(
                dialog,
                key,
                event,
                ctx,
                |entry| {
                    let name = entry.task.display_name();
                    Some(format!("Cancelled; {name} was not changed."))
                },
                send,
            );
        };
        let entry = &mut dialog.content;
        match Some(action) {
            Some(FieldAction::NextField) | Some(FieldAction::PreviousField) => {
                let forward = keys::lookup(DIALOG_BINDINGS, key) == Some(FieldAction::NextField);
                entry.focus = match (entry.focus, forward) {
                    (Focus::Provider, true) | (Focus::Models, false) => Focus::Model,
                    (Focus::Model, true) | (Focus::Provider, false) => Focus::Models,
                    (Focus::Models, true) | (Focus::Model, false) => Focus::Provider,
                };
                ctx.changed();
                if entry.focus == Focus::Models {
                    return DialogStep::Stay(self.fetch_models(ctx));
                }
                DialogStep::Stay(None)
            }
            Some(direction @ (FieldAction::Up | FieldAction::Down)) => {
                let down = direction == FieldAction::Down;
                match entry.focus {
                    Focus::Provider => {
                        let index = Provider::ALL
                            .iter()
                            .position(|p| *p == entry.provider)
                            .unwrap_or(0);
                        let index = if down {
                            (index + 1).min(Provider::ALL.len() - 1)
                        } else {
                            index.saturating_sub(1)
                        };
                        if Provider::ALL[index] != entry.provider {
                            // Another provider's models have other names.
                            entry.provider = Provider::ALL[index];
                            entry.model = Input::default();
                            entry.pick = None;
                            dialog.edited();
                        }
                    }
                    Focus::Models => {
                        if let Some(ModelList::Loaded(models)) = self.models.get(&entry.provider)
                            && !models.is_empty()
                        {
                            let current = entry
                                .pick
                                .or_else(|| models.iter().position(|m| m == entry.model.value()));
                            let pick = match current {
                                None => 0,
                                Some(pick) if down => (pick + 1).min(models.len() - 1),
                                Some(pick) => pick.saturating_sub(1),
                            };
                            entry.pick = Some(pick);
                            entry.model = Input::new(models[pick].clone());
                            dialog.edited();
                        }
                    }
                    Focus::Model => {}
                }
                ctx.changed();
                DialogStep::Stay(None)
            }
            None => DialogStep::Stay(None),
        }
    }

    /// Asks the worker for the dialog's provider's models, unless they
    /// are known or on their way.
    fn fetch_models(&mut self, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let Mode::Edit(dialog) = &self.mode else {
            return None;
        };
        let provider = dialog.content.provider;
        if matches!(
            self.models.get(&provider),
            Some(ModelList::Loaded(_) | ModelList::Loading(_))
        ) {
            return None;
        }
        let id = ctx.request_id();
        self.models.insert(provider, ModelList::Loading(id));
        Some(Outgoing {
            id,
            busy: Busy::Background(format!("asking {} for its models", provider.display_name())),
            work: Work::ListModels(provider),
        })
    }
}

/// The save of a task dialog's checked model, as request `id`.
fn send(dialog: &mut Dialog<TaskEntry>, model: ModelName, id: RequestId) -> (Busy, Work) {
    let (task, provider) = (dialog.content.task, dialog.content.provider);
    let expected_revision = dialog.sending(id, dialog.content.opened_at_revision);
    let busy = Busy::Queued(format!("saving {}", task.display_name()));
    let work = Work::Assign {
        task,
        assignment: Some((provider, model)),
        expected_revision,
    };
    (busy, work)
}

impl View for TasksScreen {
    fn is_modal(&self) -> bool {
        !matches!(self.mode, Mode::Browse)
    }

    fn footer(&self) -> Vec<(String, &'static str)> {
        match &self.mode {
            Mode::Browse => keys::footer_entries(BINDINGS),
            Mode::ConfirmClear(..) => keys::footer_entries(CONFIRM_CLEAR),
            Mode::Edit(_) => keys::dialog_footer_entries(DIALOG_BINDINGS),
        }
    }

    fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        vec![
            ("Tasks", keys::help_lines(BINDINGS)),
            ("Task dialog", keys::dialog_help_lines(DIALOG_BINDINGS)),
        ]
    }

    fn on_paste(&mut self, text: &Zeroizing<String>, ctx: &mut Context<'_>) -> bool {
        match &mut self.mode {
            Mode::Edit(dialog) => paste_into(dialog, text, ctx),
            Mode::Browse | Mode::ConfirmClear(..) => false,
        }
    }

    fn shows_a_change(&self, before: &Data, now: &Data) -> bool {
        before.providers != now.providers || before.tasks != now.tasks
    }

    fn render(&self, data: &Data, frame: &mut Frame, areas: Areas, theme: Theme) {
        view::render(self, data, frame, areas, theme);
    }
}

impl Screen for TasksScreen {
    type Work = Work;
    type Done = Done;

    fn on_key(
        &mut self,
        key: &KeyEvent,
        event: &TerminalEvent,
        ctx: &mut Context<'_>,
    ) -> Option<Outgoing<Work>> {
        match &self.mode {
            Mode::Browse => self.on_browse_key(key, ctx),
            Mode::ConfirmClear(task, revision) => {
                let (task, revision) = (*task, *revision);
                let yes = on_confirm_key(CONFIRM_CLEAR, key, ctx, || {
                    format!("Kept the assignment of {}.", task.display_name())
                })?;
                self.mode = Mode::Browse;
                yes.then(|| Outgoing {
                    id: ctx.request_id(),
                    busy: Busy::Queued(format!("clearing {}", task.display_name())),
                    work: Work::Assign {
                        task,
                        assignment: None,
                        expected_revision: revision,
                    },
                })
            }
            Mode::Edit(_) => match self.on_dialog_key(key, event, ctx) {
                DialogStep::Stay(outgoing) => outgoing,
                DialogStep::Close => {
                    self.mode = Mode::Browse;
                    ctx.changed();
                    None
                }
            },
        }
    }

    fn on_answer(&mut self, id: RequestId, outcome: Result<Done, String>, ctx: &mut Context<'_>) {
        if let Err(text) = &outcome {
            // A list of models that could not be asked for.
            for list in self.models.values_mut() {
                if *list == ModelList::Loading(id) {
                    *list = ModelList::Failed(text.clone());
                }
            }
        }
        let Some((done, awaited)) = unpack(&mut self.mode, id, outcome, ctx) else {
            return;
        };
        match done {
            Done::Saved(state) => {
                if awaited {
                    self.mode = Mode::Browse;
                }
                let assignment = &state.assignment;
                let name = assignment.task.display_name();
                match (assignment.provider, assignment.status) {
                    (None, _) => ctx.inform(format!("Cleared {name}; it does not run.")),
                    (Some(provider), TaskStatus::Ready) => ctx.inform(format!(
                        "{name} runs on {}.",
                        describe_assignment(provider, &assignment.model_name)
                    )),
                    (Some(provider), status) => ctx.warn(format!(
                        "{name} is set to {}, but {}.",
                        describe_assignment(provider, &assignment.model_name),
                        status.blocker(Some(provider)).unwrap_or_default()
                    )),
                }
            }
            Done::Conflict(state) => {
                show_conflict(&mut self.mode, id, conflict_of(&state), ctx, || {
                    format!(
                        "{} was changed by another admin; nothing was changed.",
                        state.assignment.task.display_name()
                    )
                })
            }
            Done::Models(provider, result) => {
                let list = match result {
                    Ok(models) => ModelList::Loaded(models),
                    Err(text) => ModelList::Failed(text),
                };
                self.models.insert(provider, list);
                ctx.changed();
            }
        }
    }
}

/// "OpenAI gpt-4o", or "OpenAI (its default model)".
pub fn describe_assignment(provider: Provider, model: &Printable) -> String {
    if model.is_empty() {
        format!("{} (its default model)", provider.display_name())
    } else {
        format!("{} {model}", provider.display_name())
    }
}

/// The notice of another admin's change to a task.
fn conflict_of(state: &TaskState) -> Conflict {
    let assignment = &state.assignment;
    let holds = match assignment.provider {
        Some(provider) => format!(
            "it runs on {} now",
            assignment_text(provider, &assignment.model_name)
        ),
        None => "it is unassigned now".to_owned(),
    };
    Conflict::of(state, assignment.task.display_name(), holds)
}

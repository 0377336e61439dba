//! The Global and Risk tabs: a form of described fields, one line a value; switches toggle, numbers are edited in a dialog, each change saved at once.

mod view;
mod work;

use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent};
use ratatui::Frame;
use tui_input::Input;
use zeroize::Zeroizing;

pub use work::{Done, Work, perform};

use super::{
    Areas, Busy, Context, DialogStep, OpenDialog, Outgoing, Screen, View, changed_meanwhile,
    on_dialog_key, paste_into, show_conflict, unpack,
};
use crate::console::data::Data;
use crate::console::dialog::{
    Conflict, Dialog, DialogAnswer, DialogState, Edit, Entry, edit_input, paste_trimmed,
};
use crate::console::keys::{self, Binding};
use crate::console::request_id::RequestId;
use crate::console::ui::theme::Theme;
use crate::fields::{Field, FieldGroup, GroupValues, Kind, Value};
use crate::settings::FieldAction;

/// What a key does in the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    MoveUp,
    MoveDown,
    Toggle,
    Edit,
    Reset,
}

/// The form's bindings, in the order the footer and help show them.
pub const BINDINGS: &[Binding<Action>] = &[
    Binding {
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        action: Action::MoveUp,
        footer: Some("move"),
        help: "select the value above",
    },
    Binding {
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        action: Action::MoveDown,
        footer: Some("move"),
        help: "select the value below",
    },
    Binding {
        keys: &[KeyCode::Char(' ')],
        action: Action::Toggle,
        footer: Some("toggle"),
        help: "turn the selected switch on or off (saved at once)",
    },
    Binding {
        keys: &[KeyCode::Enter, KeyCode::Char('e')],
        action: Action::Edit,
        footer: Some("edit"),
        help: "edit the selected number (a switch: toggle it)",
    },
    Binding {
        keys: &[KeyCode::Char('x')],
        action: Action::Reset,
        footer: Some("default"),
        help: "reset the selected value to its default (saved at once)",
    },
];

/// What a form tab is doing.
#[derive(Debug, Default)]
pub enum Mode {
    #[default]
    Browse,
    EditNumber(Box<Dialog<NumberEntry>>),
}

/// The number dialog's content.
#[derive(Debug)]
pub struct NumberEntry {
    /// The field's index in its group.
    pub index: usize,
    pub field: &'static Field,
    pub input: Input,
    /// The group's revision when the dialog opened; `None` when the group
    /// could not be read (a repair writes whatever is there).
    pub opened_at_revision: Option<i64>,
}

impl Entry for NumberEntry {
    type Value = Value;

    fn check(&self) -> Result<Value, String> {
        self.field
            .parse(self.input.value().trim())
            .map_err(|refusal| refusal.to_string())
    }

    fn edit(&mut self, _key: &KeyEvent, event: &TerminalEvent) -> Edit {
        edit_input(&mut self.input, event)
    }

    fn paste(&mut self, text: &str) -> Option<Edit> {
        Some(paste_trimmed(&mut self.input, text))
    }
}

impl OpenDialog for Mode {
    fn awaits(&self, id: RequestId) -> bool {
        match self {
            Mode::EditNumber(dialog) => dialog.awaits(id),
            Mode::Browse => false,
        }
    }

    fn show(&mut self, id: RequestId, answer: DialogAnswer) -> bool {
        match self {
            Mode::EditNumber(dialog) => dialog.answered(id, answer),
            Mode::Browse => false,
        }
    }
}

/// A form tab's own state, for one group of fields.
#[derive(Debug)]
pub struct FormScreen {
    pub group: &'static FieldGroup,
    pub selected: usize,
    pub mode: Mode,
}

impl FormScreen {
    pub fn new(group: &'static FieldGroup) -> Self {
        FormScreen {
            group,
            selected: 0,
            mode: Mode::Browse,
        }
    }

    /// The group's values as the console last read them, or why not;
    /// `None` while not read yet.
    pub fn values<'a>(&self, data: &'a Data) -> Option<&'a Result<GroupValues, String>> {
        data.fields(self.group)
    }

    /// The selected field's current value: its default when the group
    /// could not be read.
    fn current(&self, data: &Data, index: usize) -> Value {
        match self.values(data) {
            Some(Ok(values)) => values.values[index],
            _ => self.group.fields[index].default,
        }
    }

    fn revision(&self, data: &Data) -> Option<i64> {
        match self.values(data) {
            Some(Ok(values)) => Some(values.revision),
            _ => None,
        }
    }

    /// The request that writes `value` into field `index`.
    fn change(
        &self,
        action: FieldAction,
        index: usize,
        value: Value,
        expected_revision: Option<i64>,
        ctx: &mut Context<'_>,
    ) -> Outgoing<Work> {
        let field = &self.group.fields[index];
        let verb = match action {
            FieldAction::Set => "saving",
            FieldAction::Reset => "resetting",
        };
        Outgoing {
            id: ctx.request_id(),
            busy: Busy::Queued(format!("{verb} {}.{}", self.group.group, field.name)),
            work: Work {
                group: self.group,
                action,
                changes: vec![(index, value)],
                expected_revision,
            },
        }
    }

    fn on_browse_key(&mut self, key: &KeyEvent, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let action = keys::lookup(BINDINGS, key)?;
        // Not read yet: there is nothing to change.
        self.values(ctx.data)?;
        ctx.changed();
        let index = self.selected;
        let field = &self.group.fields[index];
        let current = self.current(ctx.data, index);
        let revision = self.revision(ctx.data);
        match (action, field.kind) {
            (Action::MoveUp, _) => {
                self.selected = self.selected.saturating_sub(1);
                None
            }
            (Action::MoveDown, _) => {
                self.selected = (self.selected + 1).min(self.group.fields.len() - 1);
                None
            }
            (Action::Toggle | Action::Edit, Kind::Switch) => {
                let value = Value::Switch(!current.is_on());
                Some(self.change(FieldAction::Set, index, value, revision, ctx))
            }
            (Action::Toggle, _) => {
                ctx.warn(format!("{} is a number: Enter edits it.", field.label));
                None
            }
            (Action::Edit, _) => {
                self.mode = Mode::EditNumber(Box::new(Dialog::new(NumberEntry {
                    index,
                    field,
                    input: Input::new(current.to_string()),
                    opened_at_revision: revision,
                })));
                None
            }
            (Action::Reset, _) => {
                if current == field.default && matches!(self.values(ctx.data), Some(Ok(_))) {
                    ctx.inform(format!(
                        "{} is at its default ({}) already.",
                        field.label, field.default
                    ));
                    return None;
                }
                Some(self.change(FieldAction::Reset, index, field.default, revision, ctx))
            }
        }
    }

    fn on_dialog_key(
        &mut self,
        key: &KeyEvent,
        event: &TerminalEvent,
        ctx: &mut Context<'_>,
    ) -> DialogStep<Work> {
        let Mode::EditNumber(dialog) = &mut self.mode else {
            return DialogStep::Stay(None);
        };
        let group = self.group;
        on_dialog_key(
            dialog,
            key,
            event,
            ctx,
            |entry| Some(format!("Cancelled; {} was not changed.", entry.field.label)),
            |dialog, value, id| {
                let expected_revision = match &dialog.state {
                    DialogState::Conflict(conflict) => Some(conflict.revision),
                    _ => dialog.content.opened_at_revision,
                };
                dialog.sending(id, 0);
                let entry = &dialog.content;
                let busy = Busy::Queued(format!("saving {}.{}", group.group, entry.field.name));
                let work = Work {
                    group,
                    action: FieldAction::Set,
                    changes: vec![(entry.index, value)],
                    expected_revision,
                };
                (busy, work)
            },
        )
    }
}

impl View for FormScreen {
    fn is_modal(&self) -> bool {
        !matches!(self.mode, Mode::Browse)
    }

    fn footer(&self) -> Vec<(String, &'static str)> {
        match &self.mode {
            Mode::Browse => keys::footer_entries(BINDINGS),
            Mode::EditNumber(_) => keys::footer_entries(keys::DIALOG),
        }
    }

    fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        vec![
            (self.group.title, keys::help_lines(BINDINGS)),
            ("Number dialog", keys::help_lines(keys::DIALOG)),
        ]
    }

    fn on_paste(&mut self, text: &Zeroizing<String>, ctx: &mut Context<'_>) -> bool {
        match &mut self.mode {
            Mode::EditNumber(dialog) => paste_into(dialog, text, ctx),
            Mode::Browse => false,
        }
    }

    fn shows_a_change(&self, before: &Data, now: &Data) -> bool {
        before.fields(self.group) != now.fields(self.group)
    }

    fn render(&self, data: &Data, frame: &mut Frame, areas: Areas, theme: Theme) {
        view::render(self, data, frame, areas, theme);
    }
}

impl Screen for FormScreen {
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
            Mode::EditNumber(_) => match self.on_dialog_key(key, event, ctx) {
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
        let Some((done, awaited)) = unpack(&mut self.mode, id, outcome, ctx) else {
            return;
        };
        match done {
            Done::Saved { changes } => {
                if awaited {
                    self.mode = Mode::Browse;
                }
                let text = changes
                    .iter()
                    .map(|(index, value)| {
                        format!(
                            "{} is now {}",
                            self.group.fields[*index].label,
                            shown(*value)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                ctx.inform(format!("{text}."));
            }
            Done::Conflict(values) => {
                // The revision is the group's: another value of it may be
                // what changed; the notice shows the dialog's own field.
                let holds = match &self.mode {
                    Mode::EditNumber(dialog) => {
                        let entry = &dialog.content;
                        format!(
                            "{} is {} now",
                            entry.field.label,
                            shown(values.values[entry.index])
                        )
                    }
                    Mode::Browse => String::new(),
                };
                let title = self.group.title;
                let conflict = Conflict::of(values.as_ref(), title, holds);
                show_conflict(&mut self.mode, id, conflict, ctx, || {
                    changed_meanwhile(title, values.as_ref())
                });
            }
        }
    }
}

/// A value as the console shows it: switches as on and off.
pub fn shown(value: Value) -> String {
    match value {
        Value::Switch(true) => "on".to_owned(),
        Value::Switch(false) => "off".to_owned(),
        other => other.to_string(),
    }
}

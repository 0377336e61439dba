//! The keys of the Tasks tab and of its dialogs and confirmations, in the order the footer and help show them.

use crossterm::event::KeyCode;

use crate::console::keys::{Binding, ConfirmAction};

/// What a key does in the task table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    MoveUp,
    MoveDown,
    Edit,
    Clear,
}

/// The task table's bindings, in the order the footer and help show them.
pub const BINDINGS: &[Binding<Action>] = &[
    Binding {
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        action: Action::MoveUp,
        footer: Some("move"),
        help: "select the task above",
    },
    Binding {
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        action: Action::MoveDown,
        footer: Some("move"),
        help: "select the task below",
    },
    Binding {
        keys: &[KeyCode::Enter, KeyCode::Char('e')],
        action: Action::Edit,
        footer: Some("edit"),
        help: "choose the selected task's provider and model",
    },
    Binding {
        keys: &[KeyCode::Char('x')],
        action: Action::Clear,
        footer: Some("clear"),
        help: "unassign the selected task (asks first)",
    },
];

/// What a key does in the task dialog besides saving and cancelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldAction {
    NextField,
    PreviousField,
    Up,
    Down,
}

/// The task dialog's own bindings; other keys edit the model's name.
pub const DIALOG_BINDINGS: &[Binding<FieldAction>] = &[
    Binding {
        keys: &[KeyCode::Tab],
        action: FieldAction::NextField,
        footer: Some("next"),
        help: "the next part: provider, model, the provider's models",
    },
    Binding {
        keys: &[KeyCode::BackTab],
        action: FieldAction::PreviousField,
        footer: None,
        help: "the part before",
    },
    Binding {
        keys: &[KeyCode::Up],
        action: FieldAction::Up,
        footer: Some("choose"),
        help: "the provider or model above",
    },
    Binding {
        keys: &[KeyCode::Down],
        action: FieldAction::Down,
        footer: Some("choose"),
        help: "the provider or model below",
    },
];

/// The confirmation of a clear.
pub const CONFIRM_CLEAR: &[Binding<ConfirmAction>] = &[
    Binding {
        keys: &[KeyCode::Char('y')],
        action: ConfirmAction::Yes,
        footer: Some("clear"),
        help: "unassign the task",
    },
    Binding {
        keys: &[KeyCode::Char('n'), KeyCode::Esc],
        action: ConfirmAction::No,
        footer: Some("keep"),
        help: "keep the assignment",
    },
];

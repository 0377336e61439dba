//! The keys of the Providers tab and of its dialogs and confirmations, in the order the footer and help show them.

use crossterm::event::KeyCode;

use crate::console::keys::{Binding, ConfirmAction};

/// What a key does in the provider table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    MoveUp,
    MoveDown,
    SetKey,
    Test,
    ToggleActive,
    Delete,
    EditBaseUrl,
}

/// The provider table's bindings, in the order the footer and help show them.
pub const BINDINGS: &[Binding<Action>] = &[
    Binding {
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        action: Action::MoveUp,
        footer: Some("move"),
        help: "select the provider above",
    },
    Binding {
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        action: Action::MoveDown,
        footer: Some("move"),
        help: "select the provider below",
    },
    Binding {
        keys: &[KeyCode::Enter, KeyCode::Char('e')],
        action: Action::SetKey,
        footer: Some("set"),
        help: "set or replace the selected provider's key",
    },
    Binding {
        keys: &[KeyCode::Char('t')],
        action: Action::Test,
        footer: Some("test"),
        help: "test the selected provider's connection with its key",
    },
    Binding {
        keys: &[KeyCode::Char(' ')],
        action: Action::ToggleActive,
        footer: Some("active"),
        help: "make the selected provider active or inactive",
    },
    Binding {
        keys: &[KeyCode::Char('d')],
        action: Action::Delete,
        footer: Some("delete"),
        help: "delete the selected provider's key (asks first)",
    },
    Binding {
        keys: &[KeyCode::Char('b')],
        action: Action::EditBaseUrl,
        footer: Some("URL"),
        help: "edit the selected provider's base URL override",
    },
];

/// The confirmation of a deletion.
pub const CONFIRM_DELETE: &[Binding<ConfirmAction>] = &[
    Binding {
        keys: &[KeyCode::Char('y')],
        action: ConfirmAction::Yes,
        footer: Some("delete"),
        help: "delete the key",
    },
    Binding {
        keys: &[KeyCode::Char('n'), KeyCode::Esc],
        action: ConfirmAction::No,
        footer: Some("keep"),
        help: "keep the key",
    },
];

/// The confirmation of switching off a provider that tasks run on.
pub const CONFIRM_DEACTIVATE: &[Binding<ConfirmAction>] = &[
    Binding {
        keys: &[KeyCode::Char('y')],
        action: ConfirmAction::Yes,
        footer: Some("deactivate"),
        help: "make the provider inactive",
    },
    Binding {
        keys: &[KeyCode::Char('n'), KeyCode::Esc],
        action: ConfirmAction::No,
        footer: Some("keep"),
        help: "keep it active",
    },
];

//! The keys of the Telegram tab and of its dialogs and confirmations, in the order the footer and help show them.

use crossterm::event::KeyCode;

use crate::console::keys::{Binding, ConfirmAction};

/// What a key does on the Telegram tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SetToken,
    EditChat,
    Toggle,
    Test,
    Delete,
    Announcements,
    EditBaseUrl,
}

/// The tab's bindings, in the order the footer and help show them.
pub const BINDINGS: &[Binding<Action>] = &[
    Binding {
        keys: &[KeyCode::Enter, KeyCode::Char('e')],
        action: Action::SetToken,
        footer: Some("token"),
        help: "set or replace the token (and the chat when none is set)",
    },
    Binding {
        keys: &[KeyCode::Char('c')],
        action: Action::EditChat,
        footer: Some("chat"),
        help: "change the chat the bot sends to",
    },
    Binding {
        keys: &[KeyCode::Char(' ')],
        action: Action::Toggle,
        footer: Some("on/off"),
        help: "turn the bot on or off",
    },
    Binding {
        keys: &[KeyCode::Char('t')],
        action: Action::Test,
        footer: Some("test"),
        help: "send a test message to the chat",
    },
    Binding {
        keys: &[KeyCode::Char('d')],
        action: Action::Delete,
        footer: Some("delete"),
        help: "delete the token (asks first); the bot goes off",
    },
    Binding {
        keys: &[KeyCode::Char('a')],
        action: Action::Announcements,
        footer: Some("announce"),
        help: "announce each change of the settings in the chat, or not",
    },
    Binding {
        keys: &[KeyCode::Char('b')],
        action: Action::EditBaseUrl,
        footer: None,
        help: "edit the Bot API's base URL (for a self-hosted server)",
    },
];

/// The token dialog's own binding: between the token and the chat.
pub const TOKEN_DIALOG: &[Binding<()>] = &[Binding {
    keys: &[KeyCode::Tab],
    action: (),
    footer: Some("field"),
    help: "between the token and the chat (when none is set)",
}];

/// The confirmation of a deletion.
pub const CONFIRM_DELETE: &[Binding<ConfirmAction>] = &[
    Binding {
        keys: &[KeyCode::Char('y')],
        action: ConfirmAction::Yes,
        footer: Some("delete"),
        help: "delete the token",
    },
    Binding {
        keys: &[KeyCode::Char('n'), KeyCode::Esc],
        action: ConfirmAction::No,
        footer: Some("keep"),
        help: "keep the token",
    },
];

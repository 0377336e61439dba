//! The Telegram tab: the alert bot's token (in the same masked dialog as keys), its chat, on or off, announcements, base URL, and its test.

mod answer;
mod bindings;
mod view;
mod work;

use std::collections::BTreeMap;

use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent};
use ratatui::Frame;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use zeroize::Zeroizing;

pub use work::{Change, Done, Work, perform};

pub use bindings::*;

use super::{Areas, Busy, Context, DialogStep, Outgoing, Screen, View};
use crate::api_key::{ApiKey, KeyRefusal};
use crate::base_url::BaseUrl;
use crate::console::data::Data;
use crate::console::dialog::{Dialog, DialogState, type_into};
use crate::console::key_field::KeyField;
use crate::console::keys::{self, ConfirmAction, DialogAction};
use crate::console::request_id::RequestId;
use crate::console::ui::theme::Theme;
use crate::telegram::{ChatId, TelegramState, TelegramTestResult};

/// The token dialog's content: the masked field, and the chat when none
/// is stored (a token is stored only with a chat).
#[derive(Debug)]
pub struct TokenEntry {
    pub field: KeyField,
    pub chat: Option<Input>,
    /// The chat field has the keys.
    pub on_chat: bool,
    pub opened_at_revision: i64,
}

/// A one-line dialog's content (the chat, the base URL).
#[derive(Debug)]
pub struct TextEntry {
    pub input: Input,
    pub opened_at_revision: i64,
}

/// What the Telegram tab is doing.
#[derive(Debug, Default)]
pub enum Mode {
    #[default]
    Browse,
    Token(Dialog<TokenEntry>),
    Chat(Dialog<TextEntry>),
    BaseUrl(Dialog<TextEntry>),
    ConfirmDelete,
}

/// What a request of this tab changes, to say so when it is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Token,
    Chat,
    Enabled(bool),
    Notify(bool),
    BaseUrl,
    Delete,
    Test,
    Record,
}

/// The Telegram tab's own state.
#[derive(Debug, Default)]
pub struct TelegramScreen {
    pub mode: Mode,
    /// The requests under way, and what each changes.
    sent: BTreeMap<RequestId, Kind>,
    /// A finished test, to be recorded by the worker.
    to_record: Option<TelegramTestResult>,
}

impl TelegramScreen {
    /// Whether a test is under way.
    pub fn testing(&self) -> bool {
        self.sent.values().any(|kind| *kind == Kind::Test)
    }

    fn state(data: &Data) -> Option<&TelegramState> {
        data.telegram.as_ref()?.as_ref().ok()
    }

    fn send(&mut self, kind: Kind, busy: Busy, work: Work, id: RequestId) -> Outgoing<Work> {
        self.sent.insert(id, kind);
        Outgoing {
            id,
            busy,
            work,
        }
    }

    fn change(
        &mut self,
        kind: Kind,
        change: Change,
        revision: i64,
        ctx: &mut Context<'_>,
    ) -> Outgoing<Work> {
        let id = ctx.request_id();
        let busy = Busy::Queued(match kind {
            Kind::Token => "saving the bot token".to_owned(),
            Kind::Chat => "saving the chat".to_owned(),
            Kind::Enabled(on) => format!("turning the bot {}", if on { "on" } else { "off" }),
            Kind::Notify(_) => "saving the announcements".to_owned(),
            Kind::BaseUrl => "saving the base URL".to_owned(),
            Kind::Delete => "deleting the bot token".to_owned(),
            Kind::Test | Kind::Record => String::new(),
        });
        let work = Work::Change {
            change,
            expected_revision: revision,
        };
        self.send(kind, busy, work, id)
    }

    fn on_browse_key(&mut self, key: &KeyEvent, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let action = keys::lookup(BINDINGS, key)?;
        let state = Self::state(ctx.data)?.clone();
        ctx.changed();
        let status = &state.status;
        let revision = state.revision;
        match action {
            Action::SetToken => {
                self.mode = Mode::Token(Dialog::new(TokenEntry {
                    field: KeyField::default(),
                    chat: status.chat_id.is_none().then(Input::default),
                    on_chat: false,
                    opened_at_revision: revision,
                }));
                None
            }
            Action::EditChat => {
                self.mode = Mode::Chat(Dialog::new(TextEntry {
                    input: Input::new(status.chat_id.clone().unwrap_or_default()),
                    opened_at_revision: revision,
                }));
                None
            }
            Action::EditBaseUrl => {
                self.mode = Mode::BaseUrl(Dialog::new(TextEntry {
                    input: Input::new(state.base_url.clone().unwrap_or_default()),
                    opened_at_revision: revision,
                }));
                None
            }
            Action::Toggle => {
                let on = !status.is_enabled;
                if on && (!status.is_configured || status.chat_id.is_none()) {
                    ctx.warn("The bot needs a token and a chat first: Enter sets them.");
                    return None;
                }
                Some(self.change(Kind::Enabled(on), Change::Enabled(on), revision, ctx))
            }
            Action::Announcements => {
                let on = !status.notify_changes;
                Some(self.change(Kind::Notify(on), Change::Notify(on), revision, ctx))
            }
            Action::Test => {
                if !status.is_configured || status.chat_id.is_none() {
                    ctx.warn("There is nothing to test: Enter sets the token and the chat.");
                    return None;
                }
                if self.testing() {
                    return None;
                }
                let id = ctx.request_id();
                Some(self.send(Kind::Test, Busy::Testing("Telegram".into()), Work::Test, id))
            }
            Action::Delete => {
                if status.is_configured {
                    self.mode = Mode::ConfirmDelete;
                } else {
                    ctx.warn("There is no bot token to delete.");
                }
                None
            }
        }
    }

    fn on_dialog_key(
        &mut self,
        key: &KeyEvent,
        event: &TerminalEvent,
        ctx: &mut Context<'_>,
    ) -> DialogStep<Work> {
        match keys::lookup(keys::DIALOG, key) {
            Some(DialogAction::Cancel) => {
                ctx.inform("Cancelled; the bot was not changed.");
                return DialogStep::Close;
            }
            Some(DialogAction::Submit) => return DialogStep::Stay(self.submit(ctx)),
            None => {}
        }
        let edited = match &mut self.mode {
            Mode::Token(dialog) if !dialog.is_saving() => {
                let entry = &mut dialog.content;
                if key.code == KeyCode::Tab && entry.chat.is_some() {
                    entry.on_chat = !entry.on_chat;
                    true
                } else if entry.on_chat {
                    if refuses_in_chat(key) {
                        dialog.state = DialogState::Refused(NOT_A_CHAT_KEY.to_owned());
                        ctx.changed();
                        return DialogStep::Stay(None);
                    }
                    entry
                        .chat
                        .as_mut()
                        .and_then(|chat| chat.handle_event(event))
                        .is_some()
                } else {
                    entry.field.handle_event(event)
                }
            }
            Mode::Chat(dialog) if !dialog.is_saving() && refuses_in_chat(key) => {
                dialog.state = DialogState::Refused(NOT_A_CHAT_KEY.to_owned());
                ctx.changed();
                return DialogStep::Stay(None);
            }
            Mode::Chat(dialog) | Mode::BaseUrl(dialog) if !dialog.is_saving() => {
                dialog.content.input.handle_event(event).is_some()
            }
            _ => false,
        };
        if edited {
            match &mut self.mode {
                Mode::Token(dialog) => dialog.edited(),
                Mode::Chat(dialog) | Mode::BaseUrl(dialog) => dialog.edited(),
                _ => {}
            }
            ctx.changed();
        }
        DialogStep::Stay(None)
    }

    /// Checks the dialog's content and sends the change.
    fn submit(&mut self, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        ctx.changed();
        let id = ctx.request_id();
        let (kind, change) = match &mut self.mode {
            Mode::Token(dialog) if !dialog.is_saving() => {
                let token = match ApiKey::parse(dialog.content.field.expose()) {
                    Ok(token) => token,
                    Err(refusal) => {
                        dialog.state = DialogState::Refused(refusal.to_string());
                        return None;
                    }
                };
                let chat = match &dialog.content.chat {
                    None => None,
                    Some(input) => match ChatId::parse(input.value()) {
                        Ok(chat) => Some(chat),
                        Err(refusal) => {
                            dialog.state = DialogState::Refused(refusal.to_string());
                            return None;
                        }
                    },
                };
                let revision = dialog.expected_revision(dialog.content.opened_at_revision);
                dialog.state = DialogState::Saving(id);
                (Kind::Token, (Change::Token(token, chat), revision))
            }
            Mode::Chat(dialog) if !dialog.is_saving() => {
                let chat = match ChatId::parse(dialog.content.input.value()) {
                    Ok(chat) => chat,
                    Err(refusal) => {
                        dialog.state = DialogState::Refused(refusal.to_string());
                        return None;
                    }
                };
                let revision = dialog.expected_revision(dialog.content.opened_at_revision);
                dialog.state = DialogState::Saving(id);
                (Kind::Chat, (Change::Chat(chat), revision))
            }
            Mode::BaseUrl(dialog) if !dialog.is_saving() => {
                let text = dialog.content.input.value().trim();
                let url = if text.is_empty() {
                    None
                } else {
                    match BaseUrl::parse(text) {
                        Ok(url) => Some(url),
                        Err(refusal) => {
                            dialog.state = DialogState::Refused(refusal.to_string());
                            return None;
                        }
                    }
                };
                let revision = dialog.expected_revision(dialog.content.opened_at_revision);
                dialog.state = DialogState::Saving(id);
                (Kind::BaseUrl, (Change::BaseUrl(url), revision))
            }
            _ => return None,
        };
        let (change, revision) = change;
        let busy = Busy::Queued(
            match kind {
                Kind::Token => "saving the bot token",
                Kind::Chat => "saving the chat",
                _ => "saving the base URL",
            }
            .to_owned(),
        );
        let work = Work::Change {
            change,
            expected_revision: revision,
        };
        Some(self.send(kind, busy, work, id))
    }
}

/// The chat field shows what is typed in clear: what cannot be in a chat
/// id (a token's `:`, above all) is never put there, so that a token
/// pasted or typed into the wrong field is not drawn on the screen.
const NOT_A_CHAT_KEY: &str =
    "A chat id has only digits, a leading - or @, letters and _; that key was not taken.";
const NOT_A_CHAT_PASTE: &str =
    "Not a chat id (the token goes in the masked field): nothing pasted.";

/// Whether `c` can be part of a chat id.
fn chat_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '@' | '_')
}

/// Whether a typed key would put into the chat field what no chat id has.
fn refuses_in_chat(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(c) if !chat_character(c))
}

/// Whether pasted text can be (part of) a chat id: its characters, and at
/// most the longest one's length (`@` and 32).
fn may_be_chat_text(text: &str) -> bool {
    text.chars().count() <= 33 && text.chars().all(chat_character)
}

impl View for TelegramScreen {
    fn is_modal(&self) -> bool {
        !matches!(self.mode, Mode::Browse)
    }

    fn footer(&self) -> Vec<(String, &'static str)> {
        match &self.mode {
            Mode::Browse => keys::footer_entries(BINDINGS),
            Mode::ConfirmDelete => keys::footer_entries(CONFIRM_DELETE),
            Mode::Token(dialog) if dialog.content.chat.is_some() => {
                keys::dialog_footer_entries(TOKEN_DIALOG)
            }
            _ => keys::footer_entries(keys::DIALOG),
        }
    }

    fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        vec![
            ("Telegram", keys::help_lines(BINDINGS)),
            ("Token dialog", keys::dialog_help_lines(TOKEN_DIALOG)),
        ]
    }

    fn on_paste(&mut self, text: &Zeroizing<String>, ctx: &mut Context<'_>) -> bool {
        match &mut self.mode {
            Mode::Token(dialog) if !dialog.is_saving() => {
                let entry = &mut dialog.content;
                if entry.on_chat {
                    if !may_be_chat_text(text.trim()) {
                        dialog.state = DialogState::Refused(NOT_A_CHAT_PASTE.to_owned());
                    } else if let Some(chat) = &mut entry.chat {
                        type_into(chat, text.trim());
                        dialog.edited();
                    }
                } else if entry.field.insert(text) {
                    dialog.edited();
                } else {
                    dialog.state = DialogState::Refused(KeyRefusal::TooLong.to_string());
                }
                ctx.changed();
                true
            }
            Mode::Chat(dialog) if !dialog.is_saving() && !may_be_chat_text(text.trim()) => {
                dialog.state = DialogState::Refused(NOT_A_CHAT_PASTE.to_owned());
                ctx.changed();
                true
            }
            Mode::Chat(dialog) | Mode::BaseUrl(dialog) if !dialog.is_saving() => {
                type_into(&mut dialog.content.input, text.trim());
                dialog.edited();
                ctx.changed();
                true
            }
            _ => false,
        }
    }

    fn render(&self, data: &Data, frame: &mut Frame, areas: Areas, theme: Theme) {
        view::render(self, data, frame, areas, theme);
    }
}

impl Screen for TelegramScreen {
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
            Mode::ConfirmDelete => {
                let revision = Self::state(ctx.data).map_or(0, |state| state.revision);
                match keys::lookup(CONFIRM_DELETE, key)? {
                    ConfirmAction::Yes => {
                        self.mode = Mode::Browse;
                        ctx.changed();
                        Some(self.change(Kind::Delete, Change::DeleteToken, revision, ctx))
                    }
                    ConfirmAction::No => {
                        self.mode = Mode::Browse;
                        ctx.inform("Kept the bot token.");
                        None
                    }
                }
            }
            Mode::Token(dialog) if dialog.is_saving() => None,
            Mode::Chat(dialog) | Mode::BaseUrl(dialog) if dialog.is_saving() => None,
            _ => match self.on_dialog_key(key, event, ctx) {
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
        self.answered(id, outcome, ctx);
    }

    fn follow_up(&mut self, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let result = self.to_record.take()?;
        let id = ctx.request_id();
        Some(self.send(
            Kind::Record,
            Busy::Background("recording the test".into()),
            Work::Record(result),
            id,
        ))
    }
}

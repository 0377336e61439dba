//! The Telegram tab's dialogs' content: the masked token field (with the chat when none is stored), and the chat and base URL fields, each checked as the command line checks them.

use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::Change;
use crate::api_key::{ApiKey, KeyRefusal};
use crate::base_url::BaseUrl;
use crate::console::dialog::{Edit, Entry, edit_input, paste_trimmed};
use crate::console::key_field::KeyField;
use crate::telegram::ChatId;

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

/// What a one-line dialog of the tab edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    Chat,
    BaseUrl,
}

/// A one-line dialog's content (the chat, the base URL).
#[derive(Debug)]
pub struct TextEntry {
    pub kind: TextKind,
    pub input: Input,
    pub opened_at_revision: i64,
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

/// A key typed into the chat field.
fn edit_chat(chat: &mut Input, key: &KeyEvent, event: &TerminalEvent) -> Edit {
    if refuses_in_chat(key) {
        return Edit::Refused(NOT_A_CHAT_KEY.to_owned());
    }
    match chat.handle_event(event) {
        Some(_) => Edit::Changed,
        None => Edit::Unchanged,
    }
}

/// Text pasted into the chat field.
fn paste_chat(chat: &mut Input, text: &str) -> Edit {
    if !may_be_chat_text(text.trim()) {
        return Edit::Refused(NOT_A_CHAT_PASTE.to_owned());
    }
    paste_trimmed(chat, text)
}

fn refused(refusal: impl ToString) -> String {
    refusal.to_string()
}

impl Entry for TokenEntry {
    type Value = Change;

    fn check(&self) -> Result<Change, String> {
        let token = ApiKey::parse(self.field.expose()).map_err(refused)?;
        let chat = match &self.chat {
            None => None,
            Some(input) => Some(ChatId::parse(input.value()).map_err(refused)?),
        };
        Ok(Change::Token(token, chat))
    }

    fn edit(&mut self, key: &KeyEvent, event: &TerminalEvent) -> Edit {
        match &mut self.chat {
            Some(_) if key.code == KeyCode::Tab => {
                self.on_chat = !self.on_chat;
                Edit::Changed
            }
            Some(chat) if self.on_chat => edit_chat(chat, key, event),
            _ if self.field.handle_event(event) => Edit::Changed,
            _ => Edit::Unchanged,
        }
    }

    fn paste(&mut self, text: &str) -> Option<Edit> {
        Some(match &mut self.chat {
            Some(chat) if self.on_chat => paste_chat(chat, text),
            _ if self.field.insert(text) => Edit::Changed,
            _ => Edit::Refused(KeyRefusal::TooLong.to_string()),
        })
    }
}

impl Entry for TextEntry {
    type Value = Change;

    fn check(&self) -> Result<Change, String> {
        let text = self.input.value();
        match self.kind {
            TextKind::Chat => Ok(Change::Chat(ChatId::parse(text).map_err(refused)?)),
            TextKind::BaseUrl => {
                let text = text.trim();
                if text.is_empty() {
                    return Ok(Change::BaseUrl(None));
                }
                Ok(Change::BaseUrl(Some(
                    BaseUrl::parse(text).map_err(refused)?,
                )))
            }
        }
    }

    fn edit(&mut self, key: &KeyEvent, event: &TerminalEvent) -> Edit {
        match self.kind {
            TextKind::Chat => edit_chat(&mut self.input, key, event),
            TextKind::BaseUrl => edit_input(&mut self.input, event),
        }
    }

    fn paste(&mut self, text: &str) -> Option<Edit> {
        Some(match self.kind {
            TextKind::Chat => paste_chat(&mut self.input, text),
            TextKind::BaseUrl => paste_trimmed(&mut self.input, text),
        })
    }
}

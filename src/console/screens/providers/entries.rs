//! The Providers tab's dialogs' content: the masked key field and the base URL field, each checked as the command line checks them.

use crossterm::event::{Event as TerminalEvent, KeyEvent};
use tui_input::Input;

use crate::api_key::{ApiKey, KeyRefusal};
use crate::base_url::BaseUrl;
use crate::console::dialog::{Edit, Entry, edit_input, paste_trimmed};
use crate::console::key_field::KeyField;
use crate::provider::Provider;

/// The key dialog's content: the masked field, for one provider.
#[derive(Debug)]
pub struct KeyEntry {
    pub provider: Provider,
    pub field: KeyField,
    /// The provider's revision when the dialog opened.
    pub opened_at_revision: i64,
}

impl Entry for KeyEntry {
    type Value = ApiKey;

    fn check(&self) -> Result<ApiKey, String> {
        ApiKey::parse(self.field.expose()).map_err(|refusal| refusal.to_string())
    }

    fn edit(&mut self, _key: &KeyEvent, event: &TerminalEvent) -> Edit {
        if self.field.handle_event(event) {
            Edit::Changed
        } else {
            Edit::Unchanged
        }
    }

    fn paste(&mut self, text: &str) -> Option<Edit> {
        Some(if self.field.insert(text) {
            Edit::Changed
        } else {
            Edit::Refused(KeyRefusal::TooLong.to_string())
        })
    }
}

/// The base URL dialog's content; empty resets to the default.
#[derive(Debug)]
pub struct UrlEntry {
    pub provider: Provider,
    pub input: Input,
}

impl Entry for UrlEntry {
    type Value = Option<BaseUrl>;

    fn check(&self) -> Result<Option<BaseUrl>, String> {
        let text = self.input.value().trim();
        if text.is_empty() {
            return Ok(None);
        }
        BaseUrl::parse(text)
            .map(Some)
            .map_err(|refusal| refusal.to_string())
    }

    fn edit(&mut self, _key: &KeyEvent, event: &TerminalEvent) -> Edit {
        edit_input(&mut self.input, event)
    }

    fn paste(&mut self, text: &str) -> Option<Edit> {
        Some(paste_trimmed(&mut self.input, text))
    }
}

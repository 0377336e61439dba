//! The masked key field: holds what is typed or pasted, shows only bullets, and wipes itself.
//!
//! Editing keys are translated by tui-input (the same bindings as the base
//! URL field), but the text lives here, in one zeroizing buffer reserved up
//! front: tui-input's own buffer and yank register would leave copies of the
//! key behind in freed memory.

use std::fmt;

use crossterm::event::Event as TerminalEvent;
use secrecy::SecretString;
use tui_input::InputRequest;
use zeroize::Zeroizing;

use crate::api_key::MAX_KEY_BYTES;

/// Room for the longest key accepted and a paste around it, so the buffer
/// never reallocates (and never leaves a copy behind) while a key is typed.
const CAPACITY: usize = 4 * MAX_KEY_BYTES;

/// The content of the key dialog's field.
pub struct KeyField {
    text: Zeroizing<String>,
    /// The cursor, in characters from the start.
    cursor: usize,
}

impl Default for KeyField {
    fn default() -> Self {
        KeyField {
            text: Zeroizing::new(String::with_capacity(CAPACITY)),
            cursor: 0,
        }
    }
}

impl fmt::Debug for KeyField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyField({} characters, redacted)", self.len())
    }
}

impl KeyField {
    /// The number of characters entered.
    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Applies an editing key. Returns true when the field changed.
    pub fn handle_event(&mut self, event: &TerminalEvent) -> bool {
        match tui_input::backend::crossterm::to_input_request(event) {
            Some(request) => self.apply(request),
            None => false,
        }
    }

    fn byte_index(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(index, _)| index)
    }

    fn apply(&mut self, request: InputRequest) -> bool {
        let len = self.len();
        match request {
            InputRequest::InsertChar(c) => self.insert(c.encode_utf8(&mut [0; 4])),
            InputRequest::DeletePrevChar if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_index(self.cursor);
                self.text.remove(at);
                true
            }
            InputRequest::DeleteNextChar if self.cursor < len => {
                let at = self.byte_index(self.cursor);
                self.text.remove(at);
                true
            }
            InputRequest::GoToPrevChar if self.cursor > 0 => {
                self.cursor -= 1;
                true
            }
            InputRequest::GoToNextChar if self.cursor < len => {
                self.cursor += 1;
                true
            }
            InputRequest::GoToStart | InputRequest::GoToPrevWord if self.cursor > 0 => {
                self.cursor = 0;
                true
            }
            InputRequest::GoToEnd | InputRequest::GoToNextWord if self.cursor < len => {
                self.cursor = len;
                true
            }
            // Words are invisible behind bullets: the word commands clear
            // what they would reach, which is what an admin retyping wants.
            InputRequest::DeleteLine
            | InputRequest::DeletePrevWord
            | InputRequest::DeleteFromStart
                if self.cursor > 0 =>
            {
                let at = self.byte_index(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
                true
            }
            InputRequest::DeleteTillEnd | InputRequest::DeleteNextWord if self.cursor < len => {
                let at = self.byte_index(self.cursor);
                self.text.truncate(at);
                true
            }
            _ => false,
        }
    }

    /// Inserts pasted text at the cursor, whole: line breaks inside a paste
    /// are kept (and refused on save), never taken as Enter. Text that would
    /// outgrow the reserved buffer is not inserted (returns false): no key is
    /// that long, and growing would leave a copy behind.
    pub fn insert(&mut self, pasted: &str) -> bool {
        if self.text.len() + pasted.len() > self.text.capacity() {
            return false;
        }
        let at = self.byte_index(self.cursor);
        self.text.insert_str(at, pasted);
        self.cursor += pasted.chars().count();
        true
    }

    /// A copy of the content for saving; the field keeps its own until it is
    /// dropped, so a refused or conflicting save can be retried.
    pub fn to_secret(&self) -> SecretString {
        SecretString::from(self.text.as_str().to_owned())
    }

    /// The content, for checks that never leave this process (validation,
    /// the shape warning).
    pub(crate) fn expose(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use secrecy::ExposeSecret;

    fn key(code: KeyCode) -> TerminalEvent {
        TerminalEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn typing_editing_and_pasting() {
        let mut field = KeyField::default();
        for c in "sk-abc".chars() {
            assert!(field.handle_event(&key(KeyCode::Char(c))));
        }
        assert!(field.handle_event(&key(KeyCode::Backspace)));
        assert!(field.handle_event(&key(KeyCode::Left)));
        assert!(field.insert("XY"));
        assert_eq!(field.to_secret().expose_secret(), "sk-aXYb");
        assert_eq!((field.len(), field.cursor()), (7, 6));
        assert!(field.handle_event(&key(KeyCode::Home)));
        assert!(!field.handle_event(&key(KeyCode::Left)));
        assert!(field.handle_event(&key(KeyCode::Delete)));
        assert_eq!(field.to_secret().expose_secret(), "k-aXYb");
        assert!(field.handle_event(&TerminalEvent::Key(KeyEvent::new(
            KeyCode::Char('k'),
            KeyModifiers::CONTROL
        ))));
        assert!(field.is_empty());
        assert!(field.insert("sk-pasted\n"));
        assert!(!field.insert(&"x".repeat(CAPACITY)));
        assert_eq!(field.to_secret().expose_secret(), "sk-pasted\n");
    }

    #[test]
    fn debug_shows_only_the_length() {
        let mut field = KeyField::default();
        field.insert("sk-secret-value");
        let debug = format!("{field:?}");
        assert_eq!(debug, "KeyField(15 characters, redacted)");
    }
}

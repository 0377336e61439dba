//! The one dialog type every screen uses: what is edited, and the state of its save as an enum.

use chrono::NaiveDateTime;
use crossterm::event::{Event as TerminalEvent, KeyEvent};

use super::keys::{self, DialogAction};
use super::request_id::RequestId;
use crate::revision::Revisioned;
use crate::sanitize::Printable;

/// Types `text` into a plain text field at its cursor, a character at a
/// time, as a paste into it does.
pub fn type_into(input: &mut tui_input::Input, text: &str) {
    for c in text.chars() {
        input.handle(tui_input::InputRequest::InsertChar(c));
    }
}

/// What a dialog holds, as every dialog's keys treat it: edited by the
/// keys that are neither Enter nor Esc and by a paste, checked on Enter.
pub trait Entry {
    /// What Enter sends once the content is checked.
    type Value;

    /// The content checked: the value to send, or why it is refused (the
    /// dialog shows the reason and stays open).
    fn check(&self) -> Result<Self::Value, String>;

    /// A key that is neither Enter nor Esc.
    fn edit(&mut self, key: &KeyEvent, event: &TerminalEvent) -> Edit;

    /// Pasted text; `None` when the dialog has nowhere to put it.
    fn paste(&mut self, text: &str) -> Option<Edit>;
}

/// A key for a plain text field.
pub fn edit_input(input: &mut tui_input::Input, event: &TerminalEvent) -> Edit {
    use tui_input::backend::crossterm::EventHandler;
    match input.handle_event(event) {
        Some(_) => Edit::Changed,
        None => Edit::Unchanged,
    }
}

/// A paste into a plain text field: trimmed (a pasted line's newline is
/// not part of it), then typed in.
pub fn paste_trimmed(input: &mut tui_input::Input, text: &str) -> Edit {
    type_into(input, text.trim());
    Edit::Changed
}

/// What a key or a paste did to a dialog's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Unchanged,
    /// Not taken, and why (the dialog shows it).
    Refused(String),
}

/// What a key did to a dialog, for its screen to act on.
#[derive(Debug, PartialEq, Eq)]
pub enum DialogKey<V> {
    /// Nothing to show: a save is under way, or the key changed nothing.
    Ignored,
    /// The dialog changed: draw it again.
    Changed,
    /// Esc: close it (dropping it wipes its fields).
    Cancel,
    /// Enter, and the content passed its check: send this. The dialog is
    /// drawn again; [`Dialog::sending`] marks it as saving.
    Submit(V),
}

/// A dialog: its content (a field, a choice) and where its save stands.
#[derive(Debug)]
pub struct Dialog<T> {
    pub content: T,
    pub state: DialogState,
}

/// Where a dialog's save stands. One value at a time: a dialog is being
/// edited, or was refused, or is saving, or met another admin's change, or
/// failed; never two of these at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogState {
    Editing,
    /// The value entered was refused; the reason, to show in the dialog.
    Refused(String),
    /// Request `.0` is saving it; its answer closes or updates the dialog.
    Saving(RequestId),
    /// Another admin changed it after the dialog opened; Enter again
    /// overwrites at the revision the notice shows.
    Conflict(Conflict),
    /// The save failed for another reason (the database, say).
    Failed(String),
}

/// What an answer that does not close a dialog shows in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogAnswer {
    Failed(String),
    Conflict(Conflict),
}

/// Another admin's change, found when saving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The revision it is at now; a confirmed save expects this one.
    pub revision: i64,
    /// What was changed, for the notice: "OpenAI".
    pub subject: String,
    pub changed_by: Option<Printable>,
    pub changed_at: Option<NaiveDateTime>,
    /// What it holds now, for the notice: "its key is now sk-...5555".
    pub now: String,
}

impl Conflict {
    /// The notice of another admin's change: `now` as it is, shown as
    /// `subject` ("OpenAI"), and what it holds now ("its key is now ...").
    pub fn of(now: &impl Revisioned, subject: impl Into<String>, holds: String) -> Self {
        Conflict {
            revision: now.revision(),
            subject: subject.into(),
            changed_by: now.changed_by().map(Printable::from),
            changed_at: now.changed_at(),
            now: holds,
        }
    }
}

impl<T: Entry> Dialog<T> {
    /// Every dialog's keys: Esc cancels, Enter checks and submits (a
    /// refusal stays in the dialog), any other key edits; nothing while a
    /// save is under way.
    pub fn on_key(&mut self, key: &KeyEvent, event: &TerminalEvent) -> DialogKey<T::Value> {
        if self.is_saving() {
            return DialogKey::Ignored;
        }
        match keys::lookup(keys::DIALOG, key) {
            Some(DialogAction::Cancel) => DialogKey::Cancel,
            Some(DialogAction::Submit) => match self.content.check() {
                Ok(value) => DialogKey::Submit(value),
                Err(reason) => {
                    self.state = DialogState::Refused(reason);
                    DialogKey::Changed
                }
            },
            None => {
                let edit = self.content.edit(key, event);
                self.took(edit)
            }
        }
    }

    /// A paste into the dialog; `None` when it has nowhere to put it (a
    /// save under way, or a part that takes no text).
    pub fn on_paste(&mut self, text: &str) -> Option<DialogKey<T::Value>> {
        if self.is_saving() {
            return None;
        }
        let edit = self.content.paste(text)?;
        Some(match self.took(edit) {
            // A paste that changed nothing is still shown as taken.
            DialogKey::Ignored => DialogKey::Changed,
            taken => taken,
        })
    }

    fn took(&mut self, edit: Edit) -> DialogKey<T::Value> {
        match edit {
            Edit::Changed => {
                self.edited();
                DialogKey::Changed
            }
            Edit::Unchanged => DialogKey::Ignored,
            Edit::Refused(reason) => {
                self.state = DialogState::Refused(reason);
                DialogKey::Changed
            }
        }
    }
}

impl<T> Dialog<T> {
    /// Request `id` is saving what the dialog holds: keys wait for its
    /// answer. Returns the revision the save expects (see
    /// [`Dialog::expected_revision`]).
    pub fn sending(&mut self, id: RequestId, opened_at: i64) -> i64 {
        let expected = self.expected_revision(opened_at);
        self.state = DialogState::Saving(id);
        expected
    }

    /// The answer to request `id`, for the dialog: a failure it waited for
    /// is shown in it, as is another admin's change (`conflict`). Returns
    /// whether the dialog waited for this answer.
    pub fn answered(&mut self, id: RequestId, answer: DialogAnswer) -> bool {
        if !self.awaits(id) {
            return false;
        }
        match answer {
            DialogAnswer::Failed(text) => self.state = DialogState::Failed(text),
            DialogAnswer::Conflict(conflict) => self.state = DialogState::Conflict(conflict),
        }
        true
    }

    pub fn new(content: T) -> Self {
        Dialog {
            content,
            state: DialogState::Editing,
        }
    }

    /// Whether a save is under way (keys wait for its answer).
    pub fn is_saving(&self) -> bool {
        matches!(self.state, DialogState::Saving(_))
    }

    /// Whether `id` is the save this dialog waits for.
    pub fn awaits(&self, id: RequestId) -> bool {
        self.state == DialogState::Saving(id)
    }

    /// The content was edited: a refusal or a failure no longer applies;
    /// a conflict notice stays until the admin confirms or cancels.
    pub fn edited(&mut self) {
        if matches!(self.state, DialogState::Refused(_) | DialogState::Failed(_)) {
            self.state = DialogState::Editing;
        }
    }

    /// The revision a save expects: the one a conflict notice showed, once
    /// the admin confirms it, else the one the dialog opened at.
    pub fn expected_revision(&self, opened_at: i64) -> i64 {
        match &self.state {
            DialogState::Conflict(conflict) => conflict.revision,
            _ => opened_at,
        }
    }
}

//! The one dialog type every screen uses: what is edited, and the state of its save as an enum.

use chrono::NaiveDateTime;

use super::request_id::RequestId;
use crate::revision::Revisioned;

/// Types `text` into a plain text field at its cursor, a character at a
/// time, as a paste into it does.
pub fn type_into(input: &mut tui_input::Input, text: &str) {
    for c in text.chars() {
        input.handle(tui_input::InputRequest::InsertChar(c));
    }
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

/// Another admin's change, found when saving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The revision it is at now; a confirmed save expects this one.
    pub revision: i64,
    /// What was changed, for the notice: "OpenAI".
    pub subject: String,
    pub changed_by: Option<String>,
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
            changed_by: now.changed_by().map(str::to_owned),
            changed_at: now.changed_at(),
            now: holds,
        }
    }
}

impl<T> Dialog<T> {
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

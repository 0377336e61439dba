//! The task dialog's content: the provider chosen, the model typed or picked, and which part has the keys.

use crossterm::event::{Event as TerminalEvent, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::console::dialog::{Edit, Entry, type_into};
use crate::provider::Provider;
use crate::task::{ModelName, Task};

/// Which part of the task dialog has the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Provider,
    Model,
    /// The provider's list of models, fetched when it is first shown.
    Models,
}

/// The task dialog's content.
#[derive(Debug)]
pub struct TaskEntry {
    pub task: Task,
    pub provider: Provider,
    pub model: Input,
    pub focus: Focus,
    /// The model picked in the provider's list: none until ↑ or ↓ picks
    /// one, unless the model typed is in it.
    pub pick: Option<usize>,
    /// The task's revision when the dialog opened.
    pub opened_at_revision: i64,
}

impl Entry for TaskEntry {
    type Value = ModelName;

    fn check(&self) -> Result<ModelName, String> {
        ModelName::parse(self.model.value()).map_err(|refusal| refusal.to_string())
    }

    /// Typing goes to the model's name, when it has the keys.
    fn edit(&mut self, _key: &KeyEvent, event: &TerminalEvent) -> Edit {
        if self.focus == Focus::Model && self.model.handle_event(event).is_some() {
            Edit::Changed
        } else {
            Edit::Unchanged
        }
    }

    fn paste(&mut self, text: &str) -> Option<Edit> {
        if self.focus != Focus::Model {
            return None;
        }
        type_into(&mut self.model, text.trim());
        Some(Edit::Changed)
    }
}

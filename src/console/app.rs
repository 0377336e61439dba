//! The console's state and its one `update` function: events in, commands for the worker out.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::NaiveDateTime;
use crossterm::event::{Event as TerminalEvent, KeyEvent, KeyEventKind};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use zeroize::Zeroizing;

use super::key_field::KeyField;
use super::keys::{self, Action, ConfirmAction, DialogAction};
use super::worker::{Command, Outcome, WorkerEvent};
use crate::api_key::ApiKey;
use crate::base_url::BaseUrl;
use crate::connection_test::{TestOutcome, TestResult};
use crate::provider::Provider;
use crate::sanitize::printable;
use crate::status::ProviderState;

/// Everything that can happen to the console.
pub enum Event {
    Terminal(TerminalEvent),
    Worker(WorkerEvent),
}

/// A paste or a typed character may be part of a key: never printed.
impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::Terminal(TerminalEvent::Paste(text)) => {
                write!(f, "Paste({} characters, redacted)", text.chars().count())
            }
            Event::Terminal(TerminalEvent::Key(key)) => {
                write!(f, "Key({:?}, redacted)", key.modifiers)
            }
            Event::Terminal(other) => write!(f, "Terminal({other:?})"),
            Event::Worker(event) => write!(f, "Worker({event:?})"),
        }
    }
}

/// What the console is doing.
#[derive(Debug)]
pub enum Mode {
    Browse,
    Help,
    ConfirmDelete(Provider),
    EditKey(KeyDialog),
    EditBaseUrl(BaseUrlDialog),
}

/// The dialog in which a key is typed or pasted.
#[derive(Debug)]
pub struct KeyDialog {
    pub provider: Provider,
    pub field: KeyField,
    /// The provider's revision when the dialog opened.
    pub opened_at_revision: i64,
    /// Why the last Enter was refused.
    pub refusal: Option<String>,
    /// Another admin's change found on save; the next Enter overwrites it.
    pub conflict: Option<Box<ProviderState>>,
    /// A save failed for another reason (the database, say).
    pub error: Option<String>,
    /// A save is on its way to the worker.
    pub saving: bool,
}

/// The dialog in which a base URL override is edited.
#[derive(Debug)]
pub struct BaseUrlDialog {
    pub provider: Provider,
    pub input: Input,
    pub refusal: Option<String>,
    pub saving: bool,
}

/// How the status line shows a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub severity: Severity,
    pub text: String,
}

/// The last connection test of a provider in this session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestRecord {
    pub result: TestResult,
    /// When it finished, UTC.
    pub at: NaiveDateTime,
}

/// The whole state of the console. Drawing reads it; only `update` changes it.
#[derive(Debug)]
pub struct App {
    /// "SQLite /path" or "PostgreSQL postgres://user:***@host/db".
    pub database: String,
    pub providers: Vec<ProviderState>,
    pub selected: usize,
    pub mode: Mode,
    pub message: Option<Message>,
    /// What the worker has been asked to do and not yet answered, oldest
    /// first (it answers in order). Connection tests are in `testing`.
    pub pending: VecDeque<String>,
    /// False under `NO_COLOR`: styles use bold and reverse video only.
    pub color: bool,
    /// The last test of each provider, remembered for the session.
    pub tests: BTreeMap<Provider, TestRecord>,
    /// Providers whose test is running.
    pub testing: BTreeSet<Provider>,
    running: bool,
    dirty: bool,
}

impl App {
    pub fn new(database: String, providers: Vec<ProviderState>, color: bool) -> Self {
        App {
            database,
            providers,
            selected: 0,
            mode: Mode::Browse,
            message: None,
            pending: VecDeque::new(),
            color,
            tests: BTreeMap::new(),
            testing: BTreeSet::new(),
            running: true,
            dirty: true,
        }
    }

    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Whether the screen must be drawn again; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn selected_state(&self) -> Option<&ProviderState> {
        self.providers.get(self.selected)
    }

    fn state_of(&self, provider: Provider) -> Option<&ProviderState> {
        self.providers
            .iter()
            .find(|state| state.status.provider == provider)
    }

    fn inform(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            severity: Severity::Info,
            text: text.into(),
        });
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            severity: Severity::Error,
            text: text.into(),
        });
    }

    fn send(&mut self, busy: String, command: Command) -> Option<Command> {
        self.pending.push_back(busy);
        Some(command)
    }

    /// What the status line shows as under way: the command the worker is
    /// on, else the connection tests still running.
    pub fn busy(&self) -> Option<String> {
        if let Some(first) = self.pending.front() {
            return Some(first.clone());
        }
        if self.testing.is_empty() {
            return None;
        }
        let names: Vec<&str> = self.testing.iter().map(|p| p.display_name()).collect();
        Some(format!("testing {}", names.join(", ")))
    }

    /// Applies one event; returns the work for the worker, if any.
    pub fn update(&mut self, event: Event) -> Option<Command> {
        match event {
            Event::Terminal(TerminalEvent::Key(key)) if key.kind == KeyEventKind::Release => None,
            Event::Terminal(TerminalEvent::Key(key)) if keys::is_interrupt(&key) => {
                self.running = false;
                None
            }
            Event::Terminal(TerminalEvent::Resize(..)) => {
                self.dirty = true;
                None
            }
            Event::Terminal(TerminalEvent::Paste(text)) => {
                self.on_paste(Zeroizing::new(text));
                None
            }
            Event::Terminal(event @ TerminalEvent::Key(key)) => self.on_key(key, &event),
            Event::Terminal(_) => None,
            Event::Worker(event) => {
                self.on_worker(event);
                None
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent, event: &TerminalEvent) -> Option<Command> {
        match std::mem::replace(&mut self.mode, Mode::Browse) {
            Mode::Browse => self.on_browse_key(key),
            Mode::Help => {
                // Any key closes the help.
                self.dirty = true;
                None
            }
            Mode::ConfirmDelete(provider) => match keys::lookup(keys::CONFIRM, &key) {
                Some(ConfirmAction::Yes) => {
                    self.dirty = true;
                    self.send(
                        format!("deleting the key of {}", provider.display_name()),
                        Command::DeleteKey(provider),
                    )
                }
                Some(ConfirmAction::No) => {
                    self.dirty = true;
                    self.inform(format!("Kept the key of {}.", provider.display_name()));
                    None
                }
                None => {
                    self.mode = Mode::ConfirmDelete(provider);
                    None
                }
            },
            Mode::EditKey(dialog) => self.on_key_dialog_key(dialog, key, event),
            Mode::EditBaseUrl(dialog) => self.on_base_url_key(dialog, key, event),
        }
    }

    fn on_browse_key(&mut self, key: KeyEvent) -> Option<Command> {
        let action = keys::lookup(keys::BROWSE, &key)?;
        let state = self.selected_state().cloned();
        self.dirty = true;
        match action {
            Action::MoveUp => {
                self.selected = self.selected.saturating_sub(1);
                None
            }
            Action::MoveDown => {
                self.selected = (self.selected + 1).min(self.providers.len().saturating_sub(1));
                None
            }
            Action::Help => {
                self.mode = Mode::Help;
                None
            }
            Action::Quit => {
                self.running = false;
                None
            }
            Action::Reload => self.send("reloading".into(), Command::Reload),
            Action::SetKey => {
                let state = state?;
                self.mode = Mode::EditKey(KeyDialog {
                    provider: state.status.provider,
                    field: KeyField::default(),
                    opened_at_revision: state.revision,
                    refusal: None,
                    conflict: None,
                    error: None,
                    saving: false,
                });
                None
            }
            Action::Test => {
                let state = state?;
                let provider = state.status.provider;
                if !state.status.is_configured && provider != Provider::Ollama {
                    self.warn(format!(
                        "{} has no key to test; press Enter to set one.",
                        provider.display_name()
                    ));
                    return None;
                }
                if !self.testing.insert(provider) {
                    return None;
                }
                // Tests answer when they finish, not in the worker's order:
                // they are tracked by provider, not in `pending`.
                Some(Command::Test(provider))
            }
            Action::ToggleActive => {
                let state = state?;
                let provider = state.status.provider;
                if !state.status.is_configured {
                    self.warn(format!(
                        "{} has no key to activate; press Enter to set one.",
                        provider.display_name()
                    ));
                    return None;
                }
                let active = !state.status.is_active;
                let verb = if active { "activating" } else { "deactivating" };
                self.send(
                    format!("{verb} {}", provider.display_name()),
                    Command::SetActive(provider, active),
                )
            }
            Action::Delete => {
                let state = state?;
                if state.status.is_configured {
                    self.mode = Mode::ConfirmDelete(state.status.provider);
                } else {
                    self.warn(format!(
                        "{} has no key to delete.",
                        state.status.provider.display_name()
                    ));
                }
                None
            }
            Action::EditBaseUrl => {
                let state = state?;
                self.mode = Mode::EditBaseUrl(BaseUrlDialog {
                    provider: state.status.provider,
                    input: Input::new(state.base_url.clone().unwrap_or_default()),
                    refusal: None,
                    saving: false,
                });
                None
            }
        }
    }

    fn on_key_dialog_key(
        &mut self,
        mut dialog: KeyDialog,
        key: KeyEvent,
        event: &TerminalEvent,
    ) -> Option<Command> {
        if dialog.saving {
            // The save is on its way; its answer closes or updates the dialog.
            self.mode = Mode::EditKey(dialog);
            return None;
        }
        match keys::lookup(keys::DIALOG, &key) {
            Some(DialogAction::Cancel) => {
                // Dropping the dialog wipes the field.
                self.dirty = true;
                self.inform(format!(
                    "Cancelled; the key of {} was not changed.",
                    dialog.provider.display_name()
                ));
                None
            }
            Some(DialogAction::Submit) => {
                self.dirty = true;
                if let Err(refusal) = ApiKey::parse(dialog.field.expose()) {
                    dialog.refusal = Some(refusal.to_string());
                    self.mode = Mode::EditKey(dialog);
                    return None;
                }
                let expected_revision = dialog
                    .conflict
                    .as_ref()
                    .map_or(dialog.opened_at_revision, |state| state.revision);
                let command = Command::SaveKey {
                    provider: dialog.provider,
                    key: dialog.field.to_secret(),
                    expected_revision,
                };
                dialog.saving = true;
                dialog.refusal = None;
                dialog.error = None;
                let busy = format!("saving the key of {}", dialog.provider.display_name());
                self.mode = Mode::EditKey(dialog);
                self.send(busy, command)
            }
            None => {
                if dialog.field.handle_event(event) {
                    dialog.refusal = None;
                    self.dirty = true;
                }
                self.mode = Mode::EditKey(dialog);
                None
            }
        }
    }

    fn on_base_url_key(
        &mut self,
        mut dialog: BaseUrlDialog,
        key: KeyEvent,
        event: &TerminalEvent,
    ) -> Option<Command> {
        if dialog.saving {
            self.mode = Mode::EditBaseUrl(dialog);
            return None;
        }
        match keys::lookup(keys::DIALOG, &key) {
            Some(DialogAction::Cancel) => {
                self.dirty = true;
                None
            }
            Some(DialogAction::Submit) => {
                self.dirty = true;
                let text = dialog.input.value().trim();
                let url = if text.is_empty() {
                    None
                } else {
                    match BaseUrl::parse(text) {
                        Ok(url) => Some(url.as_str().to_owned()),
                        Err(refusal) => {
                            dialog.refusal = Some(refusal.to_string());
                            self.mode = Mode::EditBaseUrl(dialog);
                            return None;
                        }
                    }
                };
                let provider = dialog.provider;
                dialog.saving = true;
                self.mode = Mode::EditBaseUrl(dialog);
                self.send(
                    format!("saving the base URL of {}", provider.display_name()),
                    Command::SetBaseUrl(provider, url),
                )
            }
            None => {
                if dialog.input.handle_event(event).is_some() {
                    dialog.refusal = None;
                    self.dirty = true;
                }
                self.mode = Mode::EditBaseUrl(dialog);
                None
            }
        }
    }

    fn on_paste(&mut self, text: Zeroizing<String>) {
        match &mut self.mode {
            Mode::EditKey(dialog) if !dialog.saving => {
                if dialog.field.insert(&text) {
                    dialog.refusal = None;
                } else {
                    dialog.refusal = Some(crate::api_key::KeyRefusal::TooLong.to_string());
                }
                self.dirty = true;
            }
            Mode::EditBaseUrl(dialog) if !dialog.saving => {
                for c in text.trim().chars() {
                    dialog.input.handle(tui_input::InputRequest::InsertChar(c));
                }
                dialog.refusal = None;
                self.dirty = true;
            }
            _ => {
                // A key pasted at the wrong moment is dropped, never typed
                // into the table as commands.
                self.warn("Paste ignored: press Enter to open the key dialog, then paste.");
                self.dirty = true;
            }
        }
    }

    fn on_worker(&mut self, event: WorkerEvent) {
        self.dirty = true;
        // Tests and the periodic check answer outside the worker's queue.
        if !matches!(
            event.outcome,
            Outcome::Tested(..)
                | Outcome::TestNotRun(..)
                | Outcome::ChangedElsewhere(_)
                | Outcome::Unreachable(_)
                | Outcome::Reconnected
        ) {
            self.pending.pop_front();
        }
        if let Some(providers) = event.providers {
            self.providers = providers;
            self.selected = self.selected.min(self.providers.len().saturating_sub(1));
        }
        match event.outcome {
            Outcome::Reloaded => self.inform("Reloaded."),
            Outcome::Saved(provider) => {
                if matches!(&self.mode, Mode::EditKey(dialog) if dialog.provider == provider) {
                    self.mode = Mode::Browse;
                }
                let hint = self
                    .state_of(provider)
                    .and_then(|state| state.status.key_hint.clone())
                    .unwrap_or_default();
                self.inform(format!(
                    "Saved the key of {}: {hint}",
                    provider.display_name()
                ));
            }
            Outcome::Conflict(provider, state) => match &mut self.mode {
                Mode::EditKey(dialog) if dialog.provider == provider => {
                    dialog.saving = false;
                    dialog.conflict = Some(state);
                }
                _ => self.warn(format!(
                    "{} was changed by another admin; nothing was saved.",
                    provider.display_name()
                )),
            },
            Outcome::Deleted(provider) => {
                self.inform(format!("Deleted the key of {}.", provider.display_name()))
            }
            Outcome::Activated(provider, active) => self.inform(format!(
                "{} is now {}.",
                provider.display_name(),
                if active { "active" } else { "inactive" }
            )),
            Outcome::BaseUrlSet(provider, url) => {
                if matches!(&self.mode, Mode::EditBaseUrl(dialog) if dialog.provider == provider) {
                    self.mode = Mode::Browse;
                }
                match url {
                    Some(url) => self.inform(format!(
                        "Base URL of {} set to {url}.",
                        provider.display_name()
                    )),
                    None => self.inform(format!(
                        "Base URL of {} reset to the default.",
                        provider.display_name()
                    )),
                }
            }
            Outcome::Tested(result, at) => {
                let provider = result.provider;
                self.testing.remove(&provider);
                let text = format!(
                    "{}: {} ({})",
                    provider.display_name(),
                    result.outcome.label(),
                    printable(&result.detail)
                );
                if result.outcome == TestOutcome::Ok {
                    self.inform(text);
                } else {
                    self.warn(text);
                }
                self.tests.insert(provider, TestRecord { result, at });
            }
            Outcome::ChangedElsewhere(text) => self.inform(text),
            Outcome::Unreachable(text) => self.warn(text),
            Outcome::Reconnected => self.inform("The database answers again."),
            Outcome::TestNotRun(provider, text) => {
                self.testing.remove(&provider);
                self.warn(text);
            }
            Outcome::Failed(provider, text) => {
                match &mut self.mode {
                    Mode::EditKey(dialog) if Some(dialog.provider) == provider && dialog.saving => {
                        dialog.saving = false;
                        dialog.error = Some(text.clone());
                    }
                    Mode::EditBaseUrl(dialog)
                        if Some(dialog.provider) == provider && dialog.saving =>
                    {
                        dialog.saving = false;
                        dialog.refusal = Some(text.clone());
                    }
                    _ => {}
                }
                self.warn(text);
            }
        }
    }
}

//! The Providers tab: the five providers' keys, switches, base URLs and connection tests.

mod answer;
mod bindings;
mod entries;
mod view;
mod work;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use crossterm::event::{Event as TerminalEvent, KeyEvent};
use ratatui::Frame;
use tui_input::Input;
use zeroize::Zeroizing;

pub use work::{Done, Work, perform};

pub use bindings::*;
pub use entries::{KeyEntry, UrlEntry};

use super::{
    Areas, Busy, Context, DialogStep, Outgoing, Screen, View, on_confirm_key, on_dialog_key,
    paste_into,
};
use crate::connection_test::TestResult;
use crate::console::data::Data;
use crate::console::dialog::{Conflict, Dialog};
use crate::console::key_field::KeyField;
use crate::console::keys::{self};
use crate::console::request_id::RequestId;
use crate::console::ui::theme::Theme;
use crate::provider::Provider;
use crate::status::ProviderState;
use crate::task::Task;

/// What the Providers tab is doing.
#[derive(Debug)]
pub enum Mode {
    Browse,
    ConfirmDelete(Provider),
    /// Switching off a provider that tasks run on waits for y or n.
    ConfirmDeactivate(Provider),
    EditKey(Dialog<KeyEntry>),
    EditBaseUrl(Dialog<UrlEntry>),
}

/// The last connection test of a provider in this session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestRecord {
    pub result: TestResult,
    /// When it finished, UTC.
    pub at: NaiveDateTime,
}

/// The Providers tab's own state.
#[derive(Debug)]
pub struct ProvidersScreen {
    pub selected: usize,
    pub mode: Mode,
    /// The last test of each provider, remembered for the session.
    pub tests: BTreeMap<Provider, TestRecord>,
    /// Providers whose test is running, and the request running it.
    pub testing: BTreeMap<Provider, RequestId>,
}

impl Default for ProvidersScreen {
    fn default() -> Self {
        ProvidersScreen {
            selected: 0,
            mode: Mode::Browse,
            tests: BTreeMap::new(),
            testing: BTreeMap::new(),
        }
    }
}

/// The tasks assigned to `provider`: those that stop running without it.
pub fn tasks_on(data: &Data, provider: Provider) -> Vec<Task> {
    data.tasks
        .iter()
        .filter(|state| state.assignment.provider == Some(provider))
        .map(|state| state.assignment.task)
        .collect()
}

/// "; 2 tasks will not run: vision, news_analysis", or nothing when no
/// task uses `provider`. The names come last: a narrow status line cuts
/// them, not what they mean.
fn tasks_stop(data: &Data, provider: Provider) -> String {
    let tasks = tasks_on(data, provider);
    let ids: Vec<&str> = tasks.iter().map(|task| task.id()).collect();
    match ids.len() {
        0 => String::new(),
        1 => format!("; 1 task will not run: {}", ids[0]),
        n => format!("; {n} tasks will not run: {}", ids.join(", ")),
    }
}

fn state_of(data: &Data, provider: Provider) -> Option<&ProviderState> {
    data.providers
        .iter()
        .find(|state| state.status.provider == provider)
}

impl ProvidersScreen {
    /// The selected provider's state.
    pub fn selected_state<'a>(&self, data: &'a Data) -> Option<&'a ProviderState> {
        data.providers.get(self.selected)
    }

    /// Keeps the selection on a row after the table was read again.
    pub fn clamp(&mut self, rows: usize) {
        self.selected = self.selected.min(rows.saturating_sub(1));
    }

    fn on_browse_key(&mut self, key: &KeyEvent, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let action = keys::lookup(BINDINGS, key)?;
        ctx.changed();
        let state = self.selected_state(ctx.data).cloned();
        match action {
            Action::MoveUp => {
                self.selected = self.selected.saturating_sub(1);
                None
            }
            Action::MoveDown => {
                self.selected = (self.selected + 1).min(ctx.data.providers.len().saturating_sub(1));
                None
            }
            Action::SetKey => {
                let state = state?;
                self.mode = Mode::EditKey(Dialog::new(KeyEntry {
                    provider: state.status.provider,
                    field: KeyField::default(),
                    opened_at_revision: state.revision,
                }));
                None
            }
            Action::Test => {
                let state = state?;
                let provider = state.status.provider;
                if !state.status.is_configured && !provider.key_optional() {
                    ctx.warn(format!(
                        "{} has no key to test; press Enter to set one.",
                        provider.display_name()
                    ));
                    return None;
                }
                if self.testing.contains_key(&provider) {
                    return None;
                }
                let id = ctx.request_id();
                self.testing.insert(provider, id);
                Some(Outgoing {
                    id,
                    busy: Busy::Testing(provider.display_name().to_owned()),
                    work: Work::Test(provider),
                })
            }
            Action::ToggleActive => {
                let state = state?;
                let provider = state.status.provider;
                if !state.status.is_configured {
                    ctx.warn(format!(
                        "{} has no key to activate; press Enter to set one.",
                        provider.display_name()
                    ));
                    return None;
                }
                let active = !state.status.is_active;
                if !active && !tasks_on(ctx.data, provider).is_empty() {
                    self.mode = Mode::ConfirmDeactivate(provider);
                    return None;
                }
                Some(set_active(provider, active, ctx))
            }
            Action::Delete => {
                let state = state?;
                if state.status.is_configured {
                    self.mode = Mode::ConfirmDelete(state.status.provider);
                } else {
                    ctx.warn(format!(
                        "{} has no key to delete.",
                        state.status.provider.display_name()
                    ));
                }
                None
            }
            Action::EditBaseUrl => {
                let state = state?;
                self.mode = Mode::EditBaseUrl(Dialog::new(UrlEntry {
                    provider: state.status.provider,
                    input: Input::new(state.base_url.as_deref().unwrap_or_default().to_owned()),
                }));
                None
            }
        }
    }
}

/// The request that switches `provider` on or off.
fn set_active(provider: Provider, active: bool, ctx: &mut Context<'_>) -> Outgoing<Work> {
    let verb = if active { "activating" } else { "deactivating" };
    Outgoing {
        id: ctx.request_id(),
        busy: Busy::Queued(format!("{verb} {}", provider.display_name())),
        work: Work::SetActive(provider, active),
    }
}

impl View for ProvidersScreen {
    fn is_modal(&self) -> bool {
        !matches!(self.mode, Mode::Browse)
    }

    fn footer(&self) -> Vec<(String, &'static str)> {
        match &self.mode {
            Mode::Browse => keys::footer_entries(BINDINGS),
            Mode::ConfirmDelete(_) => keys::footer_entries(CONFIRM_DELETE),
            Mode::ConfirmDeactivate(_) => keys::footer_entries(CONFIRM_DEACTIVATE),
            Mode::EditKey(_) | Mode::EditBaseUrl(_) => keys::footer_entries(keys::DIALOG),
        }
    }

    fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        vec![
            ("Providers", keys::help_lines(BINDINGS)),
            ("Key and base URL dialogs", keys::help_lines(keys::DIALOG)),
        ]
    }

    fn on_paste(&mut self, text: &Zeroizing<String>, ctx: &mut Context<'_>) -> bool {
        match &mut self.mode {
            Mode::EditKey(dialog) => paste_into(dialog, text, ctx),
            Mode::EditBaseUrl(dialog) => paste_into(dialog, text, ctx),
            _ => false,
        }
    }

    fn shows_a_change(&self, before: &Data, now: &Data) -> bool {
        // A confirmation names the tasks that stop.
        before.providers != now.providers || (self.is_modal() && before.tasks != now.tasks)
    }

    fn render(&self, data: &Data, frame: &mut Frame, areas: Areas, theme: Theme) {
        view::render(self, data, frame, areas, theme);
    }
}

impl Screen for ProvidersScreen {
    type Work = Work;
    type Done = Done;

    fn on_key(
        &mut self,
        key: &KeyEvent,
        event: &TerminalEvent,
        ctx: &mut Context<'_>,
    ) -> Option<Outgoing<Work>> {
        let step = match &mut self.mode {
            Mode::Browse => return self.on_browse_key(key, ctx),
            Mode::ConfirmDelete(provider) => {
                let provider = *provider;
                let name = provider.display_name();
                let yes = on_confirm_key(CONFIRM_DELETE, key, ctx, || {
                    format!("Kept the key of {name}.")
                })?;
                self.mode = Mode::Browse;
                return yes.then(|| Outgoing {
                    id: ctx.request_id(),
                    busy: Busy::Queued(format!("deleting the key of {name}")),
                    work: Work::DeleteKey(provider),
                });
            }
            Mode::ConfirmDeactivate(provider) => {
                let provider = *provider;
                let yes = on_confirm_key(CONFIRM_DEACTIVATE, key, ctx, || {
                    format!("{} stays active.", provider.display_name())
                })?;
                self.mode = Mode::Browse;
                return yes.then(|| set_active(provider, false, ctx));
            }
            Mode::EditKey(dialog) => on_dialog_key(
                dialog,
                key,
                event,
                ctx,
                |entry| {
                    Some(format!(
                        "Cancelled; the key of {} was not changed.",
                        entry.provider.display_name()
                    ))
                },
                |dialog, key, id| {
                    let provider = dialog.content.provider;
                    let expected_revision = dialog.sending(id, dialog.content.opened_at_revision);
                    let busy =
                        Busy::Queued(format!("saving the key of {}", provider.display_name()));
                    let work = Work::SaveKey {
                        provider,
                        key,
                        expected_revision,
                    };
                    (busy, work)
                },
            ),
            Mode::EditBaseUrl(dialog) => on_dialog_key(
                dialog,
                key,
                event,
                ctx,
                |_| None,
                |dialog, url, id| {
                    let provider = dialog.content.provider;
                    dialog.sending(id, 0);
                    let busy = Busy::Queued(format!(
                        "saving the base URL of {}",
                        provider.display_name()
                    ));
                    (busy, Work::SetBaseUrl(provider, url))
                },
            ),
        };
        match step {
            DialogStep::Stay(outgoing) => outgoing,
            DialogStep::Close => {
                self.mode = Mode::Browse;
                ctx.changed();
                None
            }
        }
    }

    fn on_answer(&mut self, id: RequestId, outcome: Result<Done, String>, ctx: &mut Context<'_>) {
        self.answered(id, outcome, ctx);
    }
}

/// The notice of another admin's change to `provider`.
fn conflict_of(provider: Provider, state: &ProviderState) -> Conflict {
    let holds = match &state.status.key_hint {
        Some(hint) => format!("its key is now {hint}"),
        None => "it has no key now".to_owned(),
    };
    Conflict::of(state, provider.display_name(), holds)
}

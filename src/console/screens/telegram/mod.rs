//! The Telegram tab: the alert bot's token (in the same masked dialog as keys), its chat, on or off, announcements, base URL, and its test.

mod answer;
mod bindings;
mod entries;
mod view;
mod work;

use std::collections::BTreeMap;

use crossterm::event::{Event as TerminalEvent, KeyEvent};
use ratatui::Frame;
use tui_input::Input;
use zeroize::Zeroizing;

pub use work::{Change, Done, Work, perform};

pub use bindings::*;
pub use entries::{TextEntry, TextKind, TokenEntry};

use super::{
    Areas, Busy, Context, DialogStep, Outgoing, Screen, View, on_confirm_key, on_dialog_key,
    paste_into,
};
use crate::console::data::Data;
use crate::console::dialog::Dialog;
use crate::console::key_field::KeyField;
use crate::console::keys::{self};
use crate::console::request_id::RequestId;
use crate::console::ui::theme::Theme;
use crate::telegram::{TelegramState, TelegramTestResult};

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

impl Kind {
    /// What the status line says while a change of this kind is saved.
    fn busy(self) -> Busy {
        Busy::Queued(match self {
            Kind::Token => "saving the bot token".to_owned(),
            Kind::Chat => "saving the chat".to_owned(),
            Kind::Enabled(on) => format!("turning the bot {}", if on { "on" } else { "off" }),
            Kind::Notify(_) => "saving the announcements".to_owned(),
            Kind::BaseUrl => "saving the base URL".to_owned(),
            Kind::Delete => "deleting the bot token".to_owned(),
            Kind::Test | Kind::Record => String::new(),
        })
    }

    /// What a dialog's change is.
    fn of(change: &Change) -> Kind {
        match change {
            Change::Token(..) => Kind::Token,
            Change::Chat(_) => Kind::Chat,
            Change::Enabled(on) => Kind::Enabled(*on),
            Change::Notify(on) => Kind::Notify(*on),
            Change::BaseUrl(_) => Kind::BaseUrl,
            Change::DeleteToken => Kind::Delete,
        }
    }
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
        Outgoing { id, busy, work }
    }

    fn change(
        &mut self,
        kind: Kind,
        change: Change,
        revision: i64,
        ctx: &mut Context<'_>,
    ) -> Outgoing<Work> {
        let id = ctx.request_id();
        let work = Work::Change {
            change,
            expected_revision: revision,
        };
        self.send(kind, kind.busy(), work, id)
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
                    kind: TextKind::Chat,
                    input: Input::new(status.chat_id.as_deref().unwrap_or_default().to_owned()),
                    opened_at_revision: revision,
                }));
                None
            }
            Action::EditBaseUrl => {
                self.mode = Mode::BaseUrl(Dialog::new(TextEntry {
                    kind: TextKind::BaseUrl,
                    input: Input::new(state.base_url.as_deref().unwrap_or_default().to_owned()),
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
}

/// What the status line says when a dialog of the tab is cancelled.
fn cancelled<T>(_: &T) -> Option<String> {
    Some("Cancelled; the bot was not changed.".to_owned())
}

/// A dialog's change, sent as request `id` and remembered as such; the
/// dialog waits for its answer.
fn send_change<T>(
    sent: &mut BTreeMap<RequestId, Kind>,
    dialog: &mut Dialog<T>,
    opened_at_revision: i64,
    change: Change,
    id: RequestId,
) -> (Busy, Work) {
    let kind = Kind::of(&change);
    sent.insert(id, kind);
    let expected_revision = dialog.sending(id, opened_at_revision);
    let work = Work::Change {
        change,
        expected_revision,
    };
    (kind.busy(), work)
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
            Mode::Token(dialog) => paste_into(dialog, text, ctx),
            Mode::Chat(dialog) | Mode::BaseUrl(dialog) => paste_into(dialog, text, ctx),
            Mode::Browse | Mode::ConfirmDelete => false,
        }
    }

    fn shows_a_change(&self, before: &Data, now: &Data) -> bool {
        before.telegram != now.telegram
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
                let yes =
                    on_confirm_key(CONFIRM_DELETE, key, ctx, || "Kept the bot token.".into())?;
                self.mode = Mode::Browse;
                yes.then(|| self.change(Kind::Delete, Change::DeleteToken, revision, ctx))
            }
            Mode::Token(_) | Mode::Chat(_) | Mode::BaseUrl(_) => {
                let sent = &mut self.sent;
                let step = match &mut self.mode {
                    Mode::Token(dialog) => {
                        on_dialog_key(dialog, key, event, ctx, cancelled, |d, c, id| {
                            send_change(sent, d, d.content.opened_at_revision, c, id)
                        })
                    }
                    Mode::Chat(dialog) | Mode::BaseUrl(dialog) => {
                        on_dialog_key(dialog, key, event, ctx, cancelled, |d, c, id| {
                            send_change(sent, d, d.content.opened_at_revision, c, id)
                        })
                    }
                    _ => DialogStep::Stay(None),
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

//! One screen per tab, behind one small interface: its bindings, its update, its drawing.

pub mod form;
pub mod history;
pub mod providers;
pub mod tasks;
pub mod telegram;

use crossterm::event::{Event as TerminalEvent, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use zeroize::Zeroizing;

use super::data::Data;
use super::dialog::{Conflict, Dialog, DialogAnswer, DialogKey, Entry};
use super::keys::{self, Binding, ConfirmAction};
use super::message::{Message, Severity};
use super::request_id::RequestId;
use super::ui::theme::Theme;
use crate::revision::Revisioned;

/// What every screen shows, whatever work it asks for: its keys and how
/// it looks. A screen holds only its own view state (the selection, a
/// dialog); the settings themselves are in [`Data`], read by every screen.
pub trait View {
    /// Whether a dialog or a confirmation has the keys: then every key
    /// goes to the screen, and the console's own (tabs, quit) wait.
    fn is_modal(&self) -> bool;

    /// The footer's entries for the screen's state, in order.
    fn footer(&self) -> Vec<(String, &'static str)>;

    /// The help overlay's sections: a title and its keys.
    fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)>;

    /// Pasted text; returns false when the screen has nowhere to put it.
    fn on_paste(&mut self, text: &Zeroizing<String>, ctx: &mut Context<'_>) -> bool;

    /// Whether the screen shows anything that differs between `before`
    /// and `now` (the worker's read just after the first frame redraws
    /// only then).
    fn shows_a_change(&self, before: &Data, now: &Data) -> bool;

    /// Draws the screen: `body` between the header and the bottom lines,
    /// `detail` the line under it, `screen` the whole terminal (for dialogs).
    fn render(&self, data: &Data, frame: &mut Frame, areas: Areas, theme: Theme);
}

/// A screen with the work it asks of the worker and the answers it takes,
/// in its own types: it never names the console's other screens, and the
/// console's request module alone wraps them (as Elm's `Cmd.map` does).
pub trait Screen: View {
    /// What it asks the worker to do.
    type Work;
    /// What that work did.
    type Done;

    /// A key the console did not take. Returns the work to send, if any.
    fn on_key(
        &mut self,
        key: &KeyEvent,
        event: &TerminalEvent,
        ctx: &mut Context<'_>,
    ) -> Option<Outgoing<Self::Work>>;

    /// The answer to one of this screen's requests: what it did, or why it
    /// failed (one printable line).
    fn on_answer(
        &mut self,
        id: RequestId,
        outcome: Result<Self::Done, String>,
        ctx: &mut Context<'_>,
    );

    /// The tab was just shown, or the settings changed while it is: work
    /// to read what it shows, if it reads anything itself (History does).
    fn on_shown(&mut self, _ctx: &mut Context<'_>) -> Option<Outgoing<Self::Work>> {
        None
    }

    /// Work an answer calls for in turn (a finished test to record), asked
    /// for right after `on_answer`.
    fn follow_up(&mut self, _ctx: &mut Context<'_>) -> Option<Outgoing<Self::Work>> {
        None
    }
}

/// Where a screen draws.
#[derive(Clone, Copy, Debug)]
pub struct Areas {
    pub body: Rect,
    pub detail: Rect,
    pub screen: Rect,
}

/// Work a screen sends (`W`: the screen's own), with the id it was given
/// and what the status line shows while it runs.
#[derive(Debug)]
pub struct Outgoing<W> {
    pub id: RequestId,
    pub busy: Busy,
    pub work: W,
}

impl<W> Outgoing<W> {
    /// The same request, its work wrapped by `wrap`.
    pub fn map<V>(self, wrap: impl FnOnce(W) -> V) -> Outgoing<V> {
        Outgoing {
            id: self.id,
            busy: self.busy,
            work: wrap(self.work),
        }
    }
}

/// What a key did to an open dialog: it stays open (perhaps with a
/// request sent), or it closes.
pub enum DialogStep<W> {
    Stay(Option<Outgoing<W>>),
    Close,
}

/// What the status line says while a request runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Busy {
    /// Queued behind the worker's other work: "saving the key of OpenAI".
    Queued(String),
    /// A connection test, on a thread of its own: its subject.
    Testing(String),
    /// Other work on a thread of its own: "asking OpenAI for its models".
    Background(String),
}

/// What a screen may touch besides itself while it handles an event.
pub struct Context<'a> {
    pub data: &'a Data,
    pub(super) message: &'a mut Option<Message>,
    pub(super) dirty: &'a mut bool,
    pub(super) next_request: &'a mut u64,
}

impl Context<'_> {
    /// The screen must be drawn again.
    pub fn changed(&mut self) {
        *self.dirty = true;
    }

    /// A new request id, for work the screen is about to send.
    pub fn request_id(&mut self) -> RequestId {
        *self.next_request += 1;
        RequestId(*self.next_request)
    }

    /// Shows `text` in the status line.
    pub fn inform(&mut self, text: impl Into<String>) {
        self.say(Severity::Info, text.into());
    }

    /// Shows `text` in the status line as a problem.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.say(Severity::Error, text.into());
    }

    fn say(&mut self, severity: Severity, text: String) {
        *self.message = Some(Message { severity, text });
        *self.dirty = true;
    }
}

/// Every dialog's keys, handled once: a change is drawn again; Esc closes
/// it, saying `cancelled` of its content when that says something; Enter
/// sends what `send` makes of the checked value (the status line's text
/// and the work), with the id [`Dialog::sending`] is then given.
pub fn on_dialog_key<T: Entry, W>(
    dialog: &mut Dialog<T>,
    key: &KeyEvent,
    event: &TerminalEvent,
    ctx: &mut Context<'_>,
    cancelled: impl FnOnce(&T) -> Option<String>,
    send: impl FnOnce(&mut Dialog<T>, T::Value, RequestId) -> (Busy, W),
) -> DialogStep<W> {
    match dialog.on_key(key, event) {
        DialogKey::Ignored => DialogStep::Stay(None),
        DialogKey::Changed => {
            ctx.changed();
            DialogStep::Stay(None)
        }
        DialogKey::Cancel => {
            match cancelled(&dialog.content) {
                Some(text) => ctx.inform(text),
                None => ctx.changed(),
            }
            DialogStep::Close
        }
        DialogKey::Submit(value) => {
            ctx.changed();
            let id = ctx.request_id();
            let (busy, work) = send(dialog, value, id);
            DialogStep::Stay(Some(Outgoing { id, busy, work }))
        }
    }
}

/// A paste into a dialog, handled once: false when it has nowhere to put it.
pub fn paste_into<T: Entry>(dialog: &mut Dialog<T>, text: &str, ctx: &mut Context<'_>) -> bool {
    let taken = dialog.on_paste(text).is_some();
    if taken {
        ctx.changed();
    }
    taken
}

/// A key while a confirmation waits for y or n: `None` for any other key;
/// `Some(true)` for yes (drawn again), `Some(false)` for no (the status
/// line says `kept`). Either way the confirmation closes.
pub fn on_confirm_key(
    table: &[Binding<ConfirmAction>],
    key: &KeyEvent,
    ctx: &mut Context<'_>,
    kept: impl FnOnce() -> String,
) -> Option<bool> {
    match keys::lookup(table, key)? {
        ConfirmAction::Yes => {
            ctx.changed();
            Some(true)
        }
        ConfirmAction::No => {
            ctx.inform(kept());
            Some(false)
        }
    }
}

/// A screen's mode, as every answer handler sees it: the dialog open in it
/// (whatever its content), if one is.
pub trait OpenDialog {
    /// Whether a dialog is open and waits for request `id`.
    fn awaits(&self, id: RequestId) -> bool;

    /// Shows `answer` in the open dialog if it waits for request `id`;
    /// returns whether it did.
    fn show(&mut self, id: RequestId, answer: DialogAnswer) -> bool;
}

/// Every answer's first step, handled once: a failure is shown in the
/// dialog that waited for it and in the status line, and that is all;
/// else what was done, and whether the open dialog waited for it.
pub fn unpack<D>(
    mode: &mut impl OpenDialog,
    id: RequestId,
    outcome: Result<D, String>,
    ctx: &mut Context<'_>,
) -> Option<(D, bool)> {
    let awaited = mode.awaits(id);
    match outcome {
        Ok(done) => Some((done, awaited)),
        Err(text) => {
            mode.show(id, DialogAnswer::Failed(text.clone()));
            ctx.warn(text);
            None
        }
    }
}

/// Another admin's change found by request `id`: shown in the dialog that
/// waited for it (Enter again confirms), else the status line says
/// `otherwise`.
pub fn show_conflict(
    mode: &mut impl OpenDialog,
    id: RequestId,
    conflict: Conflict,
    ctx: &mut Context<'_>,
    otherwise: impl FnOnce() -> String,
) {
    if mode.show(id, DialogAnswer::Conflict(conflict)) {
        ctx.changed();
    } else {
        ctx.warn(otherwise());
    }
}

/// The status line's notice of another admin's change when no dialog
/// waited for it: "Risk was changed by carol at 06:21 UTC after it was
/// read; nothing was saved. The same key again applies yours."
pub fn changed_meanwhile(subject: &str, now: &impl Revisioned) -> String {
    let who = now.changed_by().unwrap_or("another admin");
    let when = now
        .changed_at()
        .map_or_else(String::new, |at| at.format(" at %H:%M UTC").to_string());
    format!(
        "{subject} was changed by {who}{when} after it was read; nothing was saved. The same key again applies yours."
    )
}

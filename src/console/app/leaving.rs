//! A database that stops answering, seen from the console: the status line says for how long, and quitting waits (a while) for a change in flight, then says what became of it.

use std::time::Duration;

use super::{App, Pending};
use crate::console::screens::Busy;
use crate::store::WritePhase;

/// How long the worker may wait on the database before the status line
/// says so (the contract allows 12 s; the console looks once a second).
pub const SILENT_AFTER: Duration = Duration::from_secs(10);

/// How long quitting waits for the answer to a change in flight.
pub const QUIT_WAIT: Duration = Duration::from_secs(6);

impl App {
    /// Whether a change (not a read, not a test) waits for its answer.
    pub fn writes_in_flight(&self) -> bool {
        self.pending.values().any(|pending| pending.writes)
    }

    /// Whether quit was pressed while a change was in flight.
    pub fn quit_requested(&self) -> bool {
        self.quit_requested
    }

    /// `q`, `Esc` or Ctrl-C: quits at once, unless a change is in flight;
    /// then it waits for its answer (at most [`QUIT_WAIT`]) to say what
    /// became of it. Pressed again, it quits at once.
    pub(super) fn quit(&mut self) {
        if self.quit_requested || !self.writes_in_flight() {
            self.running = false;
            return;
        }
        self.quit_requested = true;
        self.warn(format!(
            "Quitting once the change in flight is answered (at most {} s); q again quits now.",
            QUIT_WAIT.as_secs()
        ));
        self.dirty = true;
    }

    /// A second passed: says on the status line how long the database has
    /// not answered, once it is long enough to matter, and that it answers
    /// again when it does.
    pub(super) fn on_tick(&mut self, waited: Option<Duration>) {
        match waited {
            Some(waited) if waited >= SILENT_AFTER => {
                let text = format!(
                    "The database has not answered for {} s; keys still work.",
                    waited.as_secs()
                );
                if self
                    .message
                    .as_ref()
                    .is_none_or(|message| message.text != text)
                {
                    self.warn(text);
                    self.dirty = true;
                }
                self.silence_shown = true;
            }
            None if self.silence_shown => {
                self.silence_shown = false;
                self.inform("The database answers again.");
                self.dirty = true;
            }
            _ => {}
        }
    }

    /// After quit was pressed: what the answer to a change in flight says
    /// became of it.
    pub(super) fn note_fate(&mut self, pending: &Pending, outcome: &Result<impl Sized, String>) {
        if !(self.quit_requested && pending.writes) {
            return;
        }
        let fate = match outcome {
            Ok(_) => "saved".to_owned(),
            Err(reason) => format!("not saved ({reason})"),
        };
        self.fates.push(format!("{}: {fate}", what(&pending.busy)));
    }

    /// The lines to print once the terminal is restored: what became of
    /// each change quit waited for. One still unanswered is judged by how
    /// far its write had gone (`phase`).
    pub fn fates(&self, phase: WritePhase) -> Vec<String> {
        let mut lines = self.fates.clone();
        for pending in self.pending.values().filter(|pending| pending.writes) {
            let fate = match phase {
                WritePhase::None | WritePhase::Writing => {
                    "not saved: the database did not answer before its commit was sent"
                }
                WritePhase::CommitSent => {
                    "unknown: the database did not answer after its commit was sent; see llm-settings history"
                }
                WritePhase::Committed => "saved",
            };
            lines.push(format!("{}: {fate}", what(&pending.busy)));
        }
        lines
    }
}

/// What a request was doing, as the status line said: "saving the key of
/// OpenAI".
fn what(busy: &Busy) -> &str {
    match busy {
        Busy::Queued(text) | Busy::Testing(text) | Busy::Background(text) => text,
    }
}

//! The console's state and its one `update` function: events in, requests for the worker out.
//!
//! The settings as last read (`Data`) are shared by every screen; each
//! screen keeps only its own view state. Keys go to the current screen's
//! dialog when one is open, else to the console's own bindings, else to the
//! screen; every worker answer goes to the screen whose request it answers.

mod leaving;

pub use leaving::{QUIT_WAIT, SILENT_AFTER};

use std::collections::BTreeMap;

use crossterm::event::{Event as TerminalEvent, KeyEvent, KeyEventKind};
use zeroize::Zeroizing;

pub use super::data::Data;
use super::keys::{self, AppAction};
pub use super::message::{Message, Severity};
use super::request::{Done, Request, RequestId, Screens, Work, WorkerEvent};
use super::screens::{Busy, Context, Outgoing, View};
use super::tab::Tab;
use crate::status::ProviderState;

/// Everything that can happen to the console.
pub enum Event {
    Terminal(TerminalEvent),
    /// A second passed with nothing else: how long the worker has waited
    /// on the database, if it is waiting.
    Tick(Option<std::time::Duration>),
    /// Boxed: worker events are few, and much larger than a key.
    Worker(Box<WorkerEvent>),
}

impl Event {
    /// A worker's event.
    pub fn worker(event: WorkerEvent) -> Self {
        Event::Worker(Box::new(event))
    }
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
            Event::Tick(waited) => write!(f, "Tick({waited:?})"),
        }
    }
}

/// A request sent and not yet answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub tab: Tab,
    pub busy: Busy,
    /// It changes the settings (a save, a delete, a switch): quitting
    /// waits for its answer, a while, to say what became of it.
    pub writes: bool,
}

/// The whole state of the console. Drawing reads it; only `update` changes it.
#[derive(Debug)]
pub struct App {
    /// "SQLite /path" or "PostgreSQL postgres://user:***@host/db".
    pub database: String,
    pub data: Data,
    pub tab: Tab,
    pub screens: Screens,
    /// The help overlay is open.
    pub help: bool,
    pub message: Option<Message>,
    /// The requests sent and not yet answered, by id.
    pub pending: BTreeMap<RequestId, Pending>,
    /// False under `NO_COLOR`: styles use bold and reverse video only.
    pub color: bool,
    next_request: u64,
    running: bool,
    dirty: bool,
    /// The status line says the database has not answered.
    silence_shown: bool,
    /// Quit was pressed while a change was in flight.
    quit_requested: bool,
    /// What became of each change answered after quit was pressed.
    fates: Vec<String>,
}

impl App {
    /// A console on `providers`, every task unassigned (for tests).
    pub fn new(database: String, providers: Vec<ProviderState>, color: bool) -> Self {
        Self::with_data(database, Data::with_providers(providers), color)
    }

    /// A console showing `data`, as it was read at start.
    pub fn with_data(database: String, data: Data, color: bool) -> Self {
        App {
            database,
            data,
            tab: Tab::Providers,
            screens: Screens::default(),
            help: false,
            message: None,
            pending: BTreeMap::new(),
            color,
            next_request: 0,
            running: true,
            dirty: true,
            silence_shown: false,
            quit_requested: false,
            fates: Vec::new(),
        }
    }

    /// Whether the console goes on: not once quit, unless it waits (a
    /// while) for the answer to a change in flight.
    pub fn is_running(&self) -> bool {
        self.running && (!self.quit_requested || self.writes_in_flight())
    }

    /// Whether the screen must be drawn again; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// The screen of `tab`.
    pub fn screen(&self, tab: Tab) -> &dyn View {
        self.screens.view(tab)
    }

    /// What a screen may touch while it handles an event: the data (to
    /// read), the message, the dirty flag, request ids.
    fn context(&mut self) -> (&mut Screens, Context<'_>) {
        let context = Context {
            data: &self.data,
            message: &mut self.message,
            dirty: &mut self.dirty,
            next_request: &mut self.next_request,
        };
        (&mut self.screens, context)
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

    /// What the status line shows as under way: the oldest request queued
    /// on the worker, else what runs on threads of its own (the connection
    /// tests together).
    pub fn busy(&self) -> Option<String> {
        let mut queued = self
            .pending
            .values()
            .filter_map(|pending| match &pending.busy {
                Busy::Queued(text) => Some(text.clone()),
                _ => None,
            });
        if let Some(first) = queued.next() {
            return Some(first);
        }
        let mut under_way = Vec::new();
        let testing: Vec<&str> = self
            .pending
            .values()
            .filter_map(|pending| match &pending.busy {
                Busy::Testing(subject) => Some(subject.as_str()),
                _ => None,
            })
            .collect();
        if !testing.is_empty() {
            under_way.push(format!("testing {}", testing.join(", ")));
        }
        under_way.extend(
            self.pending
                .values()
                .filter_map(|pending| match &pending.busy {
                    Busy::Background(text) => Some(text.clone()),
                    _ => None,
                }),
        );
        (!under_way.is_empty()).then(|| under_way.join("; "))
    }

    /// Applies one event; returns the work for the worker, if any.
    pub fn update(&mut self, event: Event) -> Option<Request> {
        match event {
            Event::Terminal(TerminalEvent::Key(key)) if key.kind == KeyEventKind::Release => None,
            Event::Terminal(TerminalEvent::Key(key)) if keys::is_interrupt(&key) => {
                self.quit();
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
            Event::Worker(event) => self.on_worker(*event),
            Event::Tick(waited) => {
                self.on_tick(waited);
                None
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent, event: &TerminalEvent) -> Option<Request> {
        if self.help {
            // Any key closes the help.
            self.help = false;
            self.dirty = true;
            return None;
        }
        let tab = self.tab;
        if !self.screen(tab).is_modal() {
            match keys::lookup(keys::APP, &key) {
                Some(AppAction::NextTab) => return self.switch_to(tab.next()),
                Some(AppAction::PreviousTab) => return self.switch_to(tab.previous()),
                Some(AppAction::GoToTab) => {
                    if let crossterm::event::KeyCode::Char(digit) = key.code
                        && let Some(target) = Tab::numbered(digit)
                    {
                        return self.switch_to(target);
                    }
                    return None;
                }
                Some(AppAction::Quit) => {
                    self.quit();
                    return None;
                }
                Some(AppAction::Help) => {
                    self.help = true;
                    self.dirty = true;
                    return None;
                }
                Some(AppAction::Reload) => {
                    self.dirty = true;
                    self.next_request += 1;
                    let id = RequestId(self.next_request);
                    return self.send(
                        tab,
                        Outgoing {
                            id,
                            busy: Busy::Queued("reloading".into()),
                            work: Work::Reload,
                        },
                    );
                }
                None => {}
            }
        }
        let (screens, mut ctx) = self.context();
        let outgoing = screens.on_key(tab, &key, event, &mut ctx)?;
        self.send(tab, outgoing)
    }

    /// Shows `tab`; its screen is as it was left, and reads what it shows
    /// itself, if anything.
    fn switch_to(&mut self, tab: Tab) -> Option<Request> {
        if tab == self.tab {
            return None;
        }
        self.tab = tab;
        self.dirty = true;
        self.shown()
    }

    /// Tells the current screen it is shown (again), and sends what it asks.
    fn shown(&mut self) -> Option<Request> {
        let tab = self.tab;
        let (screens, mut ctx) = self.context();
        let outgoing = screens.on_shown(tab, &mut ctx)?;
        self.send(tab, outgoing)
    }

    /// Records `outgoing` as pending for `tab`, and hands it to the worker.
    fn send(&mut self, tab: Tab, outgoing: Outgoing<Work>) -> Option<Request> {
        self.pending.insert(
            outgoing.id,
            Pending {
                tab,
                busy: outgoing.busy,
                writes: outgoing.work.writes(),
            },
        );
        Some(Request {
            id: outgoing.id,
            work: outgoing.work,
        })
    }

    fn on_paste(&mut self, text: Zeroizing<String>) {
        let tab = self.tab;
        let (screens, mut ctx) = self.context();
        if !screens.view_mut(tab).on_paste(&text, &mut ctx) {
            // A key pasted at the wrong moment is dropped, never typed
            // into the table as commands.
            self.warn("Paste ignored: press Enter to open the key dialog, then paste.");
            self.dirty = true;
        }
    }

    fn on_worker(&mut self, event: WorkerEvent) -> Option<Request> {
        self.dirty = true;
        match event {
            WorkerEvent::Answer {
                id,
                outcome,
                refreshed,
            } => {
                self.data.refresh(refreshed);
                self.clamp_selections();
                let pending = self.pending.remove(&id)?;
                self.note_fate(&pending, &outcome);
                if matches!(outcome, Ok(Done::Reloaded)) {
                    self.inform("Reloaded.");
                    return self.shown();
                }
                let (screens, mut ctx) = self.context();
                let follow_up = screens.on_answer(pending.tab, id, outcome, &mut ctx)?;
                return self.send(pending.tab, follow_up);
            }
            WorkerEvent::ChangedElsewhere { text, refreshed } => {
                self.data.refresh(refreshed);
                self.clamp_selections();
                self.inform(text);
                return self.shown();
            }
            WorkerEvent::Read(refreshed) => {
                // Just after the first frame: draw again only if what the
                // current tab shows changed (the first frame stays the
                // last one sent, over a slow link too).
                let before = self.data.clone();
                self.data.refresh(refreshed);
                self.clamp_selections();
                self.dirty = self.shows_a_change(&before);
            }
            WorkerEvent::Unreachable(text) => self.warn(text),
            WorkerEvent::NotAnnounced(reason) => self.warn(format!(
                "Saved, but not announced in the Telegram chat: {reason}"
            )),
            WorkerEvent::Reconnected(refreshed) => {
                self.data.refresh(refreshed);
                self.clamp_selections();
                self.inform("The database answers again.");
                return self.shown();
            }
        }
        None
    }

    /// Whether the current tab shows anything that differs between
    /// `before` and the data now.
    fn shows_a_change(&self, before: &Data) -> bool {
        self.screen(self.tab).shows_a_change(before, &self.data)
    }

    fn clamp_selections(&mut self) {
        self.screens.clamp(&self.data);
    }
}

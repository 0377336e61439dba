//! The History tab: every change of every group, newest first, a page at a time, filtered by text as it is typed.
//!
//! The tab holds one page (at most [`PAGE`] entries) and the ids that start
//! the newer pages it came through, never the trail: a trail of a million
//! entries costs it what one of ten does.

mod view;
mod work;

use std::cell::Cell;

use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent};
use ratatui::Frame;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use zeroize::Zeroizing;

pub use work::{Done, Work, perform};

use super::{Areas, Busy, Context, Outgoing, Screen, View};
use crate::console::data::Data;
use crate::console::keys::{self, Binding};
use crate::console::request_id::RequestId;
use crate::console::ui::theme::Theme;
use crate::history::{HistoryEntry, HistoryFilter};

/// The entries of one page.
pub const PAGE: usize = 200;

/// What a key does on the History tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Newest,
    Filter,
}

/// The tab's bindings, in the order the footer and help show them.
pub const BINDINGS: &[Binding<Action>] = &[
    Binding {
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        action: Action::Up,
        footer: None,
        help: "newer",
    },
    Binding {
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        action: Action::Down,
        footer: None,
        help: "older",
    },
    Binding {
        keys: &[KeyCode::PageUp],
        action: Action::PageUp,
        footer: None,
        help: "a screenful newer",
    },
    Binding {
        keys: &[KeyCode::PageDown],
        action: Action::PageDown,
        footer: Some("older"),
        help: "a screenful older (reads the next page at the end)",
    },
    Binding {
        keys: &[KeyCode::Home, KeyCode::Char('g')],
        action: Action::Newest,
        footer: Some("newest"),
        help: "back to the newest change",
    },
    Binding {
        keys: &[KeyCode::Char('/')],
        action: Action::Filter,
        footer: Some("filter"),
        help: "filter by text as you type (who, group, what, values)",
    },
];

/// The filter line's keys.
pub const FILTER_KEYS: &[Binding<FilterAction>] = &[
    Binding {
        keys: &[KeyCode::Enter],
        action: FilterAction::Keep,
        footer: Some("keep"),
        help: "keep the filter and browse what it shows",
    },
    Binding {
        keys: &[KeyCode::Esc],
        action: FilterAction::Clear,
        footer: Some("clear"),
        help: "clear the filter",
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterAction {
    Keep,
    Clear,
}

/// Where the selection goes when a page arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Landing {
    First,
    Last,
}

/// The History tab's own state.
#[derive(Debug, Default)]
pub struct HistoryScreen {
    /// The page shown; `None` until the first one is read.
    pub entries: Option<Vec<HistoryEntry>>,
    pub selected: usize,
    /// The text typed after `/`.
    pub filter: Input,
    /// The filter line has the keys.
    pub filtering: bool,
    /// The `before` of the page shown (`None`: the newest page), and of
    /// each newer page passed on the way to it, newest first.
    before: Option<i64>,
    newer: Vec<Option<i64>>,
    /// The page `entries` holds.
    shown: Option<HistoryFilter>,
    /// The request under way and the page it asks for.
    in_flight: Option<(RequestId, HistoryFilter)>,
    /// A page asked for while another was under way: sent when it answers.
    wanted: Option<(HistoryFilter, Landing)>,
    landing: Option<Landing>,
    /// Why the last page could not be read.
    pub error: Option<String>,
    /// The rows the last frame showed, for PgUp and PgDn.
    rows: Cell<usize>,
}

impl HistoryScreen {
    /// The page the tab shows now (the newest matching the filter, or an
    /// older one).
    fn filter_for(&self, before: Option<i64>) -> HistoryFilter {
        let text = self.filter.value().trim();
        HistoryFilter {
            group: None,
            text: (!text.is_empty()).then(|| text.to_owned()),
            before,
            limit: PAGE,
        }
    }

    /// The page number shown, from 1 for the newest.
    pub fn page_number(&self) -> usize {
        self.newer.len() + 1
    }

    /// Asks for `filter`'s page, unless one is under way: then it is sent
    /// when that one answers (so typing fast queues one query, not many).
    fn ask(
        &mut self,
        filter: HistoryFilter,
        landing: Landing,
        ctx: &mut Context<'_>,
    ) -> Option<Outgoing<Work>> {
        if self.in_flight.is_some() {
            self.wanted = Some((filter, landing));
            return None;
        }
        let id = ctx.request_id();
        self.in_flight = Some((id, filter.clone()));
        self.landing = Some(landing);
        Some(Outgoing {
            id,
            busy: Busy::Background("reading the history".into()),
            work: Work(filter),
        })
    }

    /// The newest page for the filter as it is now.
    fn restart(&mut self, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        self.before = None;
        self.newer.clear();
        let filter = self.filter_for(None);
        self.ask(filter, Landing::First, ctx)
    }

    fn older(&mut self, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let entries = self.entries.as_ref()?;
        // A page that is not full is the last one.
        if entries.len() < PAGE {
            return None;
        }
        let last = entries.last()?.id;
        self.newer.push(self.before);
        self.before = Some(last);
        let filter = self.filter_for(self.before);
        self.ask(filter, Landing::First, ctx)
    }

    fn newer(&mut self, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let before = self.newer.pop()?;
        self.before = before;
        let filter = self.filter_for(before);
        self.ask(filter, Landing::Last, ctx)
    }

    fn len(&self) -> usize {
        self.entries.as_ref().map_or(0, Vec::len)
    }

    fn on_browse_key(&mut self, key: &KeyEvent, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let action = keys::lookup(BINDINGS, key)?;
        ctx.changed();
        let screenful = self.rows.get().max(1);
        let last = self.len().saturating_sub(1);
        match action {
            Action::Down if self.selected < last => self.selected += 1,
            Action::Down => return self.older(ctx),
            Action::Up if self.selected > 0 => self.selected -= 1,
            Action::Up => return self.newer(ctx),
            Action::PageDown if self.selected < last => {
                self.selected = (self.selected + screenful).min(last);
            }
            Action::PageDown => return self.older(ctx),
            Action::PageUp if self.selected > 0 => {
                self.selected = self.selected.saturating_sub(screenful);
            }
            Action::PageUp => return self.newer(ctx),
            Action::Newest => {
                self.selected = 0;
                return self.restart(ctx);
            }
            Action::Filter => self.filtering = true,
        }
        None
    }

    fn on_filter_key(
        &mut self,
        key: &KeyEvent,
        event: &TerminalEvent,
        ctx: &mut Context<'_>,
    ) -> Option<Outgoing<Work>> {
        ctx.changed();
        match keys::lookup(FILTER_KEYS, key) {
            Some(FilterAction::Keep) => {
                self.filtering = false;
                return None;
            }
            Some(FilterAction::Clear) => {
                self.filtering = false;
                if self.filter.value().is_empty() {
                    return None;
                }
                self.filter.reset();
                return self.restart(ctx);
            }
            None => {}
        }
        let before = self.filter.value().to_owned();
        self.filter.handle_event(event);
        if self.filter.value() == before {
            return None;
        }
        self.restart(ctx)
    }
}

impl View for HistoryScreen {
    fn is_modal(&self) -> bool {
        self.filtering
    }

    fn footer(&self) -> Vec<(String, &'static str)> {
        if self.filtering {
            keys::footer_entries(FILTER_KEYS)
        } else {
            let mut entries = vec![("↑↓".to_owned(), "move")];
            entries.extend(keys::footer_entries(BINDINGS));
            entries
        }
    }

    fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        vec![
            ("History", keys::help_lines(BINDINGS)),
            ("Filter line", keys::help_lines(FILTER_KEYS)),
        ]
    }

    fn on_paste(&mut self, text: &Zeroizing<String>, ctx: &mut Context<'_>) -> bool {
        if !self.filtering {
            return false;
        }
        // The filter shows what is typed: only printable text, one line.
        for c in text.chars().filter(|c| !c.is_control()) {
            self.filter.handle(tui_input::InputRequest::InsertChar(c));
        }
        ctx.changed();
        true
    }

    /// The tab reads its own pages.
    fn shows_a_change(&self, _before: &Data, _now: &Data) -> bool {
        false
    }

    fn render(&self, data: &Data, frame: &mut Frame, areas: Areas, theme: Theme) {
        view::render(self, data, frame, areas, theme);
    }
}

impl Screen for HistoryScreen {
    type Work = Work;
    type Done = Done;

    fn on_key(
        &mut self,
        key: &KeyEvent,
        event: &TerminalEvent,
        ctx: &mut Context<'_>,
    ) -> Option<Outgoing<Work>> {
        if self.filtering {
            self.on_filter_key(key, event, ctx)
        } else {
            self.on_browse_key(key, ctx)
        }
    }

    fn on_shown(&mut self, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        // An older page stays as it is; the newest page is read again (the
        // tab was away, or someone changed something).
        if !self.newer.is_empty() {
            return None;
        }
        let filter = self.filter_for(None);
        self.ask(filter, Landing::First, ctx)
    }

    fn on_answer(&mut self, id: RequestId, outcome: Result<Done, String>, ctx: &mut Context<'_>) {
        if self.in_flight.as_ref().is_none_or(|(sent, _)| *sent != id) {
            return;
        }
        let Some((_, asked)) = self.in_flight.take() else {
            return;
        };
        ctx.changed();
        let landing = self.landing.take().unwrap_or(Landing::First);
        match outcome {
            Ok(Done { filter, entries }) if filter == asked => {
                // An answer overtaken by typing is not shown: the next one is.
                if self.wanted.is_none() {
                    let last = entries.len().saturating_sub(1);
                    // A reread of the same page keeps the selection.
                    let same_page = self.shown.as_ref() == Some(&filter)
                        && self
                            .entries
                            .as_ref()
                            .and_then(|old| old.first())
                            .map(|entry| entry.id)
                            == entries.first().map(|entry| entry.id);
                    self.selected = match landing {
                        Landing::Last => last,
                        Landing::First if same_page => self.selected.min(last),
                        Landing::First => 0,
                    };
                    self.entries = Some(entries);
                    self.shown = Some(filter);
                    self.error = None;
                }
            }
            Ok(_) => {}
            Err(text) => self.error = Some(text),
        }
    }

    fn follow_up(&mut self, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        let (filter, landing) = self.wanted.take()?;
        self.ask(filter, landing, ctx)
    }
}

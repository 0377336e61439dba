//! What the console asks of its worker and what comes back, and the one place that knows every screen: it wraps each screen's work and unwraps each answer for it.
//!
//! Every request carries an id, and its answer names it. A screen speaks
//! only its own work and answers; the aggregates here (`Work`, `Done`) and
//! the dispatch by tab are the console's alone.

use crossterm::event::{Event as TerminalEvent, KeyEvent};

pub use super::data::Refreshed;
use super::performed::Performed;
pub use super::request_id::RequestId;
use super::screens::form::FormScreen;
use super::screens::history::HistoryScreen;
use super::screens::providers::ProvidersScreen;
use super::screens::tasks::TasksScreen;
use super::screens::telegram::TelegramScreen;
use super::screens::{Context, Outgoing, Screen, View, form, history, providers, tasks, telegram};
use super::tab::Tab;
use crate::global::GlobalSettings;
use crate::risk::RiskSettings;
use crate::settings::Settings;

/// Work for the worker, with the id its answer will carry.
#[derive(Debug)]
pub struct Request {
    pub id: RequestId,
    pub work: Work,
}

/// The work itself, by group. Each group's work is defined, and performed,
/// in that group's screen module.
#[derive(Debug)]
pub enum Work {
    /// Read every group again.
    Reload,
    Providers(providers::Work),
    Tasks(tasks::Work),
    Form(form::Work),
    Telegram(telegram::Work),
    History(history::Work),
}

impl Work {
    /// Whether it changes the settings: a save, a delete, a switch; not a
    /// read, a test or the record of one.
    pub fn writes(&self) -> bool {
        match self {
            Work::Reload | Work::History(_) => false,
            Work::Providers(work) => !matches!(work, providers::Work::Test(_)),
            Work::Tasks(work) => matches!(work, tasks::Work::Assign { .. }),
            Work::Form(_) => true,
            Work::Telegram(work) => matches!(work, telegram::Work::Change { .. }),
        }
    }
}

/// What a request did, by group.
#[derive(Clone, Debug, PartialEq)]
pub enum Done {
    Reloaded,
    Providers(providers::Done),
    Tasks(tasks::Done),
    Form(form::Done),
    Telegram(telegram::Done),
    History(history::Done),
}

/// Performs `work` on the worker's connection, by group.
pub fn perform(settings: &mut Settings, work: Work) -> Performed<Done> {
    match work {
        Work::Reload => Performed::Done(Ok(Done::Reloaded)),
        Work::Providers(work) => providers::perform(settings, work).map(Done::Providers),
        Work::Tasks(work) => tasks::perform(settings, work).map(Done::Tasks),
        Work::Form(work) => form::perform(settings, work).map(Done::Form),
        Work::Telegram(work) => telegram::perform(settings, work).map(Done::Telegram),
        Work::History(work) => history::perform(settings, work).map(Done::History),
    }
}

/// The console's screens, one per tab.
#[derive(Debug)]
pub struct Screens {
    pub providers: ProvidersScreen,
    pub tasks: TasksScreen,
    pub global: FormScreen,
    pub risk: FormScreen,
    pub telegram: TelegramScreen,
    pub history: HistoryScreen,
}

impl Default for Screens {
    fn default() -> Self {
        Screens {
            providers: ProvidersScreen::default(),
            tasks: TasksScreen::default(),
            global: FormScreen::new(&GlobalSettings::GROUP),
            risk: FormScreen::new(&RiskSettings::GROUP),
            telegram: TelegramScreen::default(),
            history: HistoryScreen::default(),
        }
    }
}

/// A screen's answer, unwrapped for it: `None` when the answer is another
/// screen's (which cannot happen: the answer goes to the tab that asked).
fn deliver<S: Screen>(
    screen: &mut S,
    id: RequestId,
    outcome: Result<Done, String>,
    take: fn(Done) -> Option<S::Done>,
    wrap: fn(S::Work) -> Work,
    ctx: &mut Context<'_>,
) -> Option<Outgoing<Work>> {
    let outcome = match outcome {
        Ok(done) => Ok(take(done)?),
        Err(text) => Err(text),
    };
    screen.on_answer(id, outcome, ctx);
    screen.follow_up(ctx).map(|outgoing| outgoing.map(wrap))
}

/// Runs `$body` with `$screen` bound to the screen of `$tab` and `$wrap`
/// to its work's variant (and `$take` to the unwrapping of its answers).
macro_rules! with_screen {
    ($screens:expr, $tab:expr, |$screen:ident, $wrap:ident, $take:ident| $body:expr) => {
        match $tab {
            Tab::Providers => {
                let ($screen, $wrap, $take) = (
                    &mut $screens.providers,
                    Work::Providers as fn(_) -> _,
                    take_providers as fn(_) -> _,
                );
                $body
            }
            Tab::Tasks => {
                let ($screen, $wrap, $take) = (
                    &mut $screens.tasks,
                    Work::Tasks as fn(_) -> _,
                    take_tasks as fn(_) -> _,
                );
                $body
            }
            Tab::Global => {
                let ($screen, $wrap, $take) = (
                    &mut $screens.global,
                    Work::Form as fn(_) -> _,
                    take_form as fn(_) -> _,
                );
                $body
            }
            Tab::Risk => {
                let ($screen, $wrap, $take) = (
                    &mut $screens.risk,
                    Work::Form as fn(_) -> _,
                    take_form as fn(_) -> _,
                );
                $body
            }
            Tab::Telegram => {
                let ($screen, $wrap, $take) = (
                    &mut $screens.telegram,
                    Work::Telegram as fn(_) -> _,
                    take_telegram as fn(_) -> _,
                );
                $body
            }
            Tab::History => {
                let ($screen, $wrap, $take) = (
                    &mut $screens.history,
                    Work::History as fn(_) -> _,
                    take_history as fn(_) -> _,
                );
                $body
            }
        }
    };
}

fn take_providers(done: Done) -> Option<providers::Done> {
    match done {
        Done::Providers(done) => Some(done),
        _ => None,
    }
}

fn take_tasks(done: Done) -> Option<tasks::Done> {
    match done {
        Done::Tasks(done) => Some(done),
        _ => None,
    }
}

fn take_form(done: Done) -> Option<form::Done> {
    match done {
        Done::Form(done) => Some(done),
        _ => None,
    }
}

fn take_telegram(done: Done) -> Option<telegram::Done> {
    match done {
        Done::Telegram(done) => Some(done),
        _ => None,
    }
}

fn take_history(done: Done) -> Option<history::Done> {
    match done {
        Done::History(done) => Some(done),
        _ => None,
    }
}

impl Screens {
    /// The screen of `tab`, as drawn.
    pub fn view(&self, tab: Tab) -> &dyn View {
        match tab {
            Tab::Providers => &self.providers,
            Tab::Tasks => &self.tasks,
            Tab::Global => &self.global,
            Tab::Risk => &self.risk,
            Tab::Telegram => &self.telegram,
            Tab::History => &self.history,
        }
    }

    /// The screen of `tab`, to paste into.
    pub fn view_mut(&mut self, tab: Tab) -> &mut dyn View {
        match tab {
            Tab::Providers => &mut self.providers,
            Tab::Tasks => &mut self.tasks,
            Tab::Global => &mut self.global,
            Tab::Risk => &mut self.risk,
            Tab::Telegram => &mut self.telegram,
            Tab::History => &mut self.history,
        }
    }

    /// A key for the screen of `tab`; the work it sends, wrapped.
    pub fn on_key(
        &mut self,
        tab: Tab,
        key: &KeyEvent,
        event: &TerminalEvent,
        ctx: &mut Context<'_>,
    ) -> Option<Outgoing<Work>> {
        with_screen!(self, tab, |screen, wrap, _take| screen
            .on_key(key, event, ctx)
            .map(|outgoing| outgoing.map(wrap)))
    }

    /// The screen of `tab` is shown (again); the work it sends, wrapped.
    pub fn on_shown(&mut self, tab: Tab, ctx: &mut Context<'_>) -> Option<Outgoing<Work>> {
        with_screen!(self, tab, |screen, wrap, _take| screen
            .on_shown(ctx)
            .map(|outgoing| outgoing.map(wrap)))
    }

    /// The answer to a request of the screen of `tab`, unwrapped for it;
    /// the work it calls for in turn, wrapped.
    pub fn on_answer(
        &mut self,
        tab: Tab,
        id: RequestId,
        outcome: Result<Done, String>,
        ctx: &mut Context<'_>,
    ) -> Option<Outgoing<Work>> {
        with_screen!(self, tab, |screen, wrap, take| deliver(
            screen, id, outcome, take, wrap, ctx
        ))
    }

    /// Keeps each table's selection on a row after it was read again.
    pub fn clamp(&mut self, data: &super::data::Data) {
        self.providers.clamp(data.providers.len());
        self.tasks.clamp(data.tasks.len());
    }
}

/// Everything the worker tells the console.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerEvent {
    /// The answer to request `id`: what it did, or why it failed (one
    /// printable line), and the groups as they are now.
    Answer {
        id: RequestId,
        outcome: Result<Done, String>,
        refreshed: Refreshed,
    },
    /// Every group as read just after the first frame (which needed only
    /// the providers); nothing to say.
    Read(Refreshed),
    /// Someone else changed the settings; says who and what.
    ChangedElsewhere { text: String, refreshed: Refreshed },
    /// A change was saved but could not be announced in the Telegram chat.
    NotAnnounced(String),
    /// The periodic check could not reach the database.
    Unreachable(String),
    /// The database answers again after `Unreachable`.
    Reconnected(Refreshed),
}

//! What the console asks of its worker and what comes back: every request carries an id, and its answer names it.

use std::collections::BTreeMap;

use crate::group::Group;
use crate::status::ProviderState;
use crate::task::TaskState;

use super::screens::{form, history, providers, tasks, telegram};
use crate::fields::GroupValues;
use crate::telegram::TelegramState;

/// Names one request; its answer carries the same id, so an answer is
/// matched to what asked for it, never by the order answers arrive in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

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

/// What the worker read from the database after a change: the groups it
/// read, each as it is now. A group left `None` was not read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Refreshed {
    pub providers: Option<Vec<ProviderState>>,
    pub tasks: Option<Vec<TaskState>>,
    /// The groups of described fields read, each or why its row could not be.
    pub fields: BTreeMap<Group, Result<GroupValues, String>>,
    pub telegram: Option<Result<TelegramState, String>>,
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

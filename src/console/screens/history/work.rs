//! The History tab's work, as the worker performs it: one page of the trail.

use crate::console::performed::Performed;
use crate::history::{HistoryEntry, HistoryFilter};
use crate::settings::Settings;

/// What the History tab asks of the worker: the page `filter` selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Work(pub HistoryFilter);

/// The page, with the filter it answers (so that an answer to a filter the
/// admin has typed past is known as such).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    pub filter: HistoryFilter,
    pub entries: Vec<HistoryEntry>,
}

/// Reads the page: one query, served by an index.
pub fn perform(settings: &mut Settings, Work(filter): Work) -> Performed<Done> {
    Performed::Done(
        settings
            .history(&filter)
            .map(|entries| Done { filter, entries }),
    )
}

//! The history of changes: pages of the shared audit trail, newest first, as typed entries.

use super::Settings;
use crate::error::Error;
use crate::history::{HistoryEntry, HistoryFilter};
use crate::store::HistoryQuery;

impl Settings {
    /// The entries `filter` selects, newest first. Each page is one query
    /// served by an index, however long the trail.
    pub fn history(&mut self, filter: &HistoryFilter) -> Result<Vec<HistoryEntry>, Error> {
        let query = HistoryQuery {
            group: filter.group.map(|group| group.id()),
            before: filter.before,
            text: filter.text.as_deref(),
            limit: i64::try_from(filter.limit).unwrap_or(i64::MAX),
        };
        Ok(self
            .store
            .history_page(&query)?
            .into_iter()
            .map(HistoryEntry::from)
            .collect())
    }
}

//! The history of changes: pages of the shared audit trail, newest first, as typed entries.

use super::Settings;
use super::trail::history_page;
use crate::error::Error;
use crate::history::{HistoryEntry, HistoryFilter};

impl Settings {
    /// The entries `filter` selects, newest first. Each page is one query
    /// served by an index, however long the trail.
    pub fn history(&mut self, filter: &HistoryFilter) -> Result<Vec<HistoryEntry>, Error> {
        history_page(&mut self.store, filter)
    }
}

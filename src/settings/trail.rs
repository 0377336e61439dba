//! The audit trail opened alone, without the master key: what `history` and `watch` read. A host that only follows changes holds no key.

use super::OpenOptions;
use crate::error::Error;
use crate::history::{HistoryEntry, HistoryFilter};
use crate::store::{AuditRow, DatabaseLocation, HistoryQuery, Store};

/// The settings database opened for its audit trail alone. It never
/// decrypts, so it needs no master key: none is looked for, loaded or made.
#[derive(Debug)]
pub struct Trail {
    store: Store,
}

impl Trail {
    /// Opens the database `options` name (migrating it, as every command
    /// does); the master key options are not used.
    pub fn open(options: &OpenOptions) -> Result<Self, Error> {
        let location = DatabaseLocation::resolve(options.database_url.as_deref())?;
        Ok(Trail {
            store: Store::open(&location)?,
        })
    }

    /// The entries `filter` selects, newest first.
    pub fn history(&mut self, filter: &HistoryFilter) -> Result<Vec<HistoryEntry>, Error> {
        history_page(&mut self.store, filter)
    }

    /// The id of the newest entry (see [`super::Settings::change_marker`]).
    pub fn change_marker(&mut self) -> Result<i64, Error> {
        Ok(self.store.newest_audit_id()?)
    }

    /// The entries recorded after `marker`, oldest first.
    pub fn changes_since(&mut self, marker: i64) -> Result<Vec<AuditRow>, Error> {
        Ok(self.store.audit_since(marker)?)
    }
}

/// A page of the history from `store`: one query served by an index,
/// however long the trail.
pub(super) fn history_page(
    store: &mut Store,
    filter: &HistoryFilter,
) -> Result<Vec<HistoryEntry>, Error> {
    let query = HistoryQuery {
        group: filter.group.map(|group| group.id()),
        before: filter.before,
        text: filter.text.as_deref(),
        limit: i64::try_from(filter.limit).unwrap_or(i64::MAX),
    };
    Ok(store
        .history_page(&query)?
        .into_iter()
        .map(HistoryEntry::from)
        .collect())
}

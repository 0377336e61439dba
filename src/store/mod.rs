//! The database: every group's rows and the one audit trail, on SQLite or PostgreSQL.
//!
//! Each group has a file of its own here (its rows, its queries, its
//! `Store` methods); what they share is in one place each: the connection,
//! the transaction every write runs in, and the audit trail every change
//! is appended to. The store knows nothing of encryption or of the
//! terminal: it keeps the sealed bytes and the hints it is given.

/// Compiles query functions written once into a module per backend:
/// `sqlite` and `postgres`, in each of which `Conn` is that backend's
/// connection, `audit` is the audit trail's functions for it, and each
/// module named in `uses(...)` is that group's functions for it. diesel's
/// query types are specific to a backend; this keeps one body per query.
macro_rules! for_each_backend {
    (uses($($module:ident),*); $($item:item)*) => {
        pub(crate) mod sqlite {
            #![allow(unused_imports)]
            use super::*;
            pub(crate) use crate::store::audit::sqlite as audit;
            $(use crate::store::$module::sqlite as $module;)*
            pub(crate) type Conn = diesel::SqliteConnection;
            $($item)*
        }
        pub(crate) mod postgres {
            #![allow(unused_imports)]
            use super::*;
            pub(crate) use crate::store::audit::postgres as audit;
            $(use crate::store::$module::postgres as $module;)*
            pub(crate) type Conn = diesel::PgConnection;
            $($item)*
        }
    };
    ($($item:item)*) => {
        for_each_backend!(uses(); $($item)*);
    };
}

/// Runs `$body` with `$conn` bound to the concrete connection and `$q` to
/// the calling file's query module for it, outside any transaction.
macro_rules! on_connection {
    ($store:expr, |$conn:ident, $q:ident| $body:expr) => {
        match &mut $store.connection {
            $crate::store::connection::DbConnection::Sqlite($conn) => {
                use sqlite as $q;
                $body
            }
            $crate::store::connection::DbConnection::Postgres($conn) => {
                use postgres as $q;
                $body
            }
        }
    };
}

/// Runs `$body` in a write transaction. Writers queue, on both backends:
/// SQLite's `BEGIN IMMEDIATE` takes the write lock at the start, and on
/// PostgreSQL every write transaction first takes one advisory lock. So a
/// change reads the values it replaces exactly (the audit's old values),
/// and audit ids are committed in the order they are given out, which is
/// what lets a reader follow the trail by id.
///
/// The newest audit id is read before and after the body, under the lock:
/// the entries in between are this write's own, which is how the changes
/// to announce are known (see [`Store::take_written`]).
macro_rules! in_write_transaction {
    ($store:expr, |$conn:ident, $q:ident| $body:expr) => {
        match &mut $store.connection {
            $crate::store::connection::DbConnection::Sqlite(connection) => {
                use sqlite as $q;
                let written = &mut $store.written;
                $crate::store::phase::enter($crate::store::WritePhase::Writing);
                let outcome = connection.immediate_transaction(|$conn| {
                    let before = $crate::store::audit::sqlite::newest_id($conn)?;
                    let result = (|$conn: &mut diesel::SqliteConnection| $body)($conn);
                    if result.is_ok() {
                        let after = $crate::store::audit::sqlite::newest_id($conn)?;
                        $crate::store::note_written(written, before, after);
                        // The next thing sent is the commit.
                        $crate::store::phase::enter($crate::store::WritePhase::CommitSent);
                    }
                    result
                });
                $crate::store::phase::ended(outcome.is_ok());
                outcome
            }
            $crate::store::connection::DbConnection::Postgres(connection) => {
                use postgres as $q;
                let written = &mut $store.written;
                $crate::store::phase::enter($crate::store::WritePhase::Writing);
                let outcome = diesel::Connection::transaction(connection, |$conn| {
                    $crate::store::connection::lock_writers($conn)?;
                    let before = $crate::store::audit::postgres::newest_id($conn)?;
                    let result = (|$conn: &mut diesel::PgConnection| $body)($conn);
                    if result.is_ok() {
                        let after = $crate::store::audit::postgres::newest_id($conn)?;
                        $crate::store::note_written(written, before, after);
                        // The next thing sent is the commit.
                        $crate::store::phase::enter($crate::store::WritePhase::CommitSent);
                    }
                    result
                });
                $crate::store::phase::ended(outcome.is_ok());
                outcome
            }
        }
    };
}

mod api_tokens;
mod audit;
mod connection;
mod fields;
mod location;
pub(crate) mod phase;
mod provider_changes;
mod providers;
mod schema;
mod secrets;
mod tasks;
mod telegram;

use chrono::{NaiveDateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

pub use api_tokens::{ApiTokenRow, LAST_USED_STEP_SECONDS};
pub use audit::{AuditRow, Change, HistoryQuery};
use connection::DbConnection;
pub use connection::{SQLITE_BUSY_TIMEOUT_MS, WRITERS_LOCK, connection_url};
pub use fields::{FieldRow, FieldWrite};
pub use location::{DATABASE_URL_VAR, DatabaseLocation, DatabaseUrlError, redact_url};
pub use phase::{PhaseWatch, WritePhase, committed_any, write_phase};
pub use provider_changes::{ProviderChanged, ProviderWrite};
pub use providers::{ActiveChange, ConfigRow, KeySave};
pub use secrets::{ResealError, ResealMode, SealedValue};
pub use tasks::{TaskOutcome, TaskRow, TaskRows, TaskWrite};
pub use telegram::{TelegramOutcome, TelegramRow, TelegramWrite};

/// A failure of the database. Messages never hold a password or a key.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {location}: {message}")]
    Connect { location: String, message: String },
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
    #[error("database busy, try again")]
    Busy,
    #[error("database error: {0}")]
    Query(String),
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match &error {
            DieselError::DatabaseError(kind, info)
                if matches!(kind, DatabaseErrorKind::SerializationFailure)
                    || info.message().contains("database is locked")
                    || info.message().contains("database is busy")
                    || info.message().contains("lock timeout") =>
            {
                StoreError::Busy
            }
            _ => StoreError::Query(error.to_string()),
        }
    }
}

/// An open database with its schema up to date.
pub struct Store {
    connection: DbConnection,
    location: DatabaseLocation,
    /// The audit ids this store's writes appended, as ranges `(after,
    /// up to]`, until taken; a write that rolls back leaves an empty range.
    written: Vec<(i64, i64)>,
}

/// Notes that a write appended the entries after `before` up to `after`.
fn note_written(written: &mut Vec<(i64, i64)>, before: i64, after: i64) {
    if after > before {
        written.push((before, after));
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.location)
    }
}

impl Store {
    /// Opens (creating, for SQLite) the database and runs pending migrations.
    pub fn open(location: &DatabaseLocation) -> Result<Self, StoreError> {
        Ok(Store {
            connection: connection::open(location)?,
            location: location.clone(),
            written: Vec::new(),
        })
    }

    /// The ranges of audit ids this store's writes appended since the last
    /// call, oldest first; none when nothing was written.
    pub fn take_written(&mut self) -> Vec<(i64, i64)> {
        std::mem::take(&mut self.written)
    }

    /// Whether this store's writes appended audit entries since the last
    /// [`Store::take_written`].
    pub fn has_written(&self) -> bool {
        !self.written.is_empty()
    }

    /// Where this store is.
    pub fn location(&self) -> &DatabaseLocation {
        &self.location
    }
}

/// The time every row and audit entry of one change is stamped with: UTC.
fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

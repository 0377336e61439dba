//! The database: sealed provider keys and the audit trail, on SQLite or PostgreSQL.
//!
//! The store knows nothing of encryption or of the terminal: it keeps the
//! sealed bytes and the hint it is given, and appends an audit entry in the
//! same transaction as every change.

mod connection;
mod location;
mod models;
mod queries;
mod schema;

use diesel::Connection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use connection::DbConnection;
pub use connection::SQLITE_BUSY_TIMEOUT_MS;
pub use location::{DATABASE_URL_VAR, DatabaseLocation, DatabaseUrlError, redact_url};
pub use models::{AuditRow, ConfigRow};
pub use queries::{ActiveChange, AuditEntry};
use queries::{postgres, sqlite};

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
                    || info.message().contains("database is busy") =>
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
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.location)
    }
}

/// Runs `$body` with `$conn` bound to the concrete connection and `$q` to the
/// matching query module, outside any transaction.
macro_rules! on_connection {
    ($store:expr, |$conn:ident, $q:ident| $body:expr) => {
        match &mut $store.connection {
            DbConnection::Sqlite($conn) => {
                use sqlite as $q;
                $body
            }
            DbConnection::Postgres($conn) => {
                use postgres as $q;
                $body
            }
        }
    };
}

/// Runs `$body` in a write transaction: `BEGIN IMMEDIATE` on SQLite, so that
/// two writers queue on the busy timeout instead of failing on upgrade.
macro_rules! in_write_transaction {
    ($store:expr, |$conn:ident, $q:ident| $body:expr) => {
        match &mut $store.connection {
            DbConnection::Sqlite(connection) => {
                use sqlite as $q;
                connection.immediate_transaction(|$conn| $body)
            }
            DbConnection::Postgres(connection) => {
                use postgres as $q;
                connection.transaction(|$conn| $body)
            }
        }
    };
}

impl Store {
    /// Opens (creating, for SQLite) the database and runs pending migrations.
    pub fn open(location: &DatabaseLocation) -> Result<Self, StoreError> {
        Ok(Store {
            connection: connection::open(location)?,
            location: location.clone(),
        })
    }

    /// Where this store is.
    pub fn location(&self) -> &DatabaseLocation {
        &self.location
    }

    /// Every provider row, ordered by provider id.
    pub fn rows(&mut self) -> Result<Vec<ConfigRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::all_rows(conn))?)
    }

    /// One provider's row, if it has one.
    pub fn row(&mut self, provider: &str) -> Result<Option<ConfigRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::row(conn, provider))?)
    }

    /// The whole audit trail, oldest first.
    pub fn audit_entries(&mut self) -> Result<Vec<AuditRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::audit_entries(conn))?)
    }

    /// The id of the newest audit entry (0 for none): a cheap way to notice
    /// that anyone changed anything.
    pub fn newest_audit_id(&mut self) -> Result<i64, StoreError> {
        Ok(on_connection!(self, |conn, q| q::newest_audit_id(conn))?)
    }

    /// The audit entries after `id`, oldest first.
    pub fn audit_since(&mut self, id: i64) -> Result<Vec<AuditRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::audit_since(conn, id))?)
    }

    /// Stores a sealed key and its hint, and makes the provider active.
    pub fn save_key(
        &mut self,
        provider: &str,
        sealed: &[u8],
        hint: &str,
        actor: &str,
    ) -> Result<ConfigRow, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::upsert_key(
            conn, provider, sealed, hint, actor
        ))?)
    }

    /// Stores a sealed key only while the provider's revision is `expected`
    /// (0 for a provider without a row); otherwise returns the current row.
    pub fn save_key_at_revision(
        &mut self,
        provider: &str,
        expected: i64,
        sealed: &[u8],
        hint: &str,
        actor: &str,
    ) -> Result<Result<ConfigRow, Option<ConfigRow>>, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| {
            q::upsert_key_at_revision(conn, provider, expected, sealed, hint, actor)
        })?)
    }

    /// Removes a provider's key; `None` when it had none.
    pub fn delete_key(
        &mut self,
        provider: &str,
        actor: &str,
    ) -> Result<Option<ConfigRow>, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::clear_key(
            conn, provider, actor
        ))?)
    }

    /// Activates or deactivates a provider that has a key.
    pub fn set_active(
        &mut self,
        provider: &str,
        active: bool,
        actor: &str,
    ) -> Result<ActiveChange, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::set_active(
            conn, provider, active, actor
        ))?)
    }

    /// Sets (`Some`) or clears (`None`) a provider's base URL override.
    pub fn set_base_url(
        &mut self,
        provider: &str,
        base_url: Option<&str>,
        actor: &str,
    ) -> Result<ConfigRow, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::set_base_url(
            conn, provider, base_url, actor
        ))?)
    }

    /// Replaces every sealed value in one write transaction: `reseal` gets
    /// each provider id and its stored bytes and returns the new bytes, or an
    /// error that rolls everything back. `audit` is appended in the same
    /// transaction. With `dry_run`, `reseal` runs on every value and the
    /// transaction is rolled back. Returns the providers whose values were
    /// resealed.
    pub fn reseal_all<E>(
        &mut self,
        actor: &str,
        audit: &AuditEntry<'_>,
        dry_run: bool,
        mut reseal: impl FnMut(&str, &[u8]) -> Result<Vec<u8>, E>,
    ) -> Result<Vec<String>, ResealError<E>> {
        let result = in_write_transaction!(self, |conn, q| {
            let mut done = Vec::new();
            for row in q::all_rows(conn)? {
                let Some(old) = row.encrypted_key.as_deref() else {
                    continue;
                };
                let new = reseal(&row.provider, old).map_err(ResealError::Value)?;
                q::replace_sealed(conn, &row.provider, &new, actor)?;
                done.push(row.provider);
            }
            q::record(conn, audit)?;
            if dry_run {
                return Err(ResealError::DryRun(done));
            }
            Ok(done)
        });
        match result {
            Err(ResealError::DryRun(done)) => Ok(done),
            other => other,
        }
    }
}

/// Why [`Store::reseal_all`] changed nothing.
#[derive(Debug)]
pub enum ResealError<E> {
    Database(StoreError),
    /// `reseal` refused a value.
    Value(E),
    /// Not an error: a dry run rolls back with what it would have done.
    #[doc(hidden)]
    DryRun(Vec<String>),
}

impl<E> From<DieselError> for ResealError<E> {
    fn from(error: DieselError) -> Self {
        ResealError::Database(error.into())
    }
}

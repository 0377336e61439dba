//! Opening either backend: the connection enum, SQLite's durability settings, and the embedded migrations.

use std::fs::{DirBuilder, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::StoreError;
use super::location::{DatabaseLocation, url_password};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long SQLite waits for another writer before giving up, in milliseconds.
pub const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// A live connection to one of the two backends. Every query is written once
/// and compiled for both (see `queries`); this enum picks which at run time.
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Opens the database at `location`, applies its durability settings and runs
/// any pending migration.
pub fn open(location: &DatabaseLocation) -> Result<DbConnection, StoreError> {
    let mut connection = match location {
        DatabaseLocation::Sqlite { path, is_default } => {
            prepare_sqlite_file(path, *is_default).map_err(|source| StoreError::Connect {
                location: location.to_string(),
                message: source.to_string(),
            })?;
            DbConnection::Sqlite(open_sqlite(location, &path.to_string_lossy(), true)?)
        }
        DatabaseLocation::SqliteMemory => {
            DbConnection::Sqlite(open_sqlite(location, ":memory:", false)?)
        }
        DatabaseLocation::Postgres { url } => DbConnection::Postgres(open_postgres(location, url)?),
    };
    run_migrations(&mut connection)?;
    Ok(connection)
}

/// Creates a missing SQLite file with mode 0600 (SQLite gives its `-wal` and
/// `-shm` files the same mode), and the default folder with mode 0700.
fn prepare_sqlite_file(path: &Path, is_default: bool) -> io::Result<()> {
    if is_default && let Some(dir) = path.parent() {
        DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Err(io::Error::new(
            io::ErrorKind::NotFound,
            "its folder does not exist",
        )),
        Err(err) => Err(err),
    }
}

fn open_sqlite(
    location: &DatabaseLocation,
    target: &str,
    wal: bool,
) -> Result<SqliteConnection, StoreError> {
    let connect_error = |message: String| StoreError::Connect {
        location: location.to_string(),
        message,
    };
    let mut connection =
        SqliteConnection::establish(target).map_err(|e| connect_error(e.to_string()))?;
    // busy_timeout first: switching to WAL itself may wait for another process.
    let mut pragmas = format!(
        "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
    );
    if wal {
        pragmas.push_str(" PRAGMA journal_mode = WAL;");
    }
    connection
        .batch_execute(&pragmas)
        .map_err(|e| connect_error(e.to_string()))?;
    Ok(connection)
}

fn open_postgres(location: &DatabaseLocation, url: &str) -> Result<PgConnection, StoreError> {
    let url = with_time_limits(url);
    PgConnection::establish(&url).map_err(|e| StoreError::Connect {
        location: location.to_string(),
        message: scrub_password(&e.to_string(), url_password(&url)),
    })
}

/// The limits that keep a server that does not answer from hanging the
/// console or a script, each added unless the URL sets it: 10 s to connect;
/// TCP keepalives and a 10 s TCP user time-out, so a vanished server is
/// noticed; and, on the server, 10 s per statement and 5 s waiting for a
/// lock.
const POSTGRES_LIMITS: [(&str, &str); 6] = [
    ("connect_timeout", "10"),
    ("keepalives_idle", "5"),
    ("keepalives_interval", "2"),
    ("keepalives_count", "3"),
    ("tcp_user_timeout", "10000"),
    (
        "options",
        "-c%20statement_timeout%3D10000%20-c%20lock_timeout%3D5000",
    ),
];

fn with_time_limits(url: &str) -> String {
    let mut url = url.to_owned();
    for (name, value) in POSTGRES_LIMITS {
        if url.contains(&format!("{name}=")) {
            continue;
        }
        let separator = if url.contains('?') { '&' } else { '?' };
        url.push_str(&format!("{separator}{name}={value}"));
    }
    url
}

/// libpq's messages do not quote the password, but a malformed URL is echoed
/// in parts; a password that appears in a message is replaced all the same.
fn scrub_password(message: &str, password: Option<&str>) -> String {
    match password {
        Some(password) if password.len() >= 4 => message.replace(password, "***"),
        _ => message.to_owned(),
    }
}

/// The advisory lock every write transaction on PostgreSQL takes first
/// (an arbitrary number: "llm-sett" in ASCII). It is released at commit
/// or rollback; a writer that waits longer than the lock time-out fails
/// as busy.
const WRITERS_LOCK: i64 = 0x6c6c_6d2d_7365_7474;

/// Makes this transaction the only writer until it ends (see
/// `in_write_transaction!`).
pub(super) fn lock_writers(conn: &mut PgConnection) -> diesel::QueryResult<()> {
    conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({WRITERS_LOCK})"))
}

fn run_migrations(connection: &mut DbConnection) -> Result<(), StoreError> {
    let result = match connection {
        DbConnection::Sqlite(conn) => migrate(conn, || SQLITE_MIGRATIONS),
        DbConnection::Postgres(conn) => migrate(conn, || POSTGRES_MIGRATIONS),
    };
    result.map_err(StoreError::Migrate)
}

fn migrate<C>(conn: &mut C, migrations: fn() -> EmbeddedMigrations) -> Result<(), String>
where
    C: MigrationHarness<C::Backend> + Connection,
{
    match conn.run_pending_migrations(migrations()) {
        Ok(_) => Ok(()),
        Err(first) => {
            // Two processes starting on a new database race to create the
            // tables; the loser finds nothing pending once the winner is done.
            match conn.has_pending_migration(migrations()) {
                Ok(false) => Ok(()),
                _ => Err(first.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limits_are_added_unless_set() {
        let url = with_time_limits("postgres://h/db");
        assert!(
            url.starts_with("postgres://h/db?connect_timeout=10&keepalives_idle=5"),
            "{url}"
        );
        assert!(
            url.ends_with("&options=-c%20statement_timeout%3D10000%20-c%20lock_timeout%3D5000")
        );
        let url = with_time_limits("postgres://h/db?sslmode=require&connect_timeout=3");
        assert!(
            url.starts_with("postgres://h/db?sslmode=require&connect_timeout=3&keepalives_idle=5")
        );
        assert_eq!(url.matches("connect_timeout=").count(), 1);
    }

    #[test]
    fn passwords_are_scrubbed_from_messages() {
        assert_eq!(
            scrub_password("bad uri s3cret@h", Some("s3cret")),
            "bad uri ***@h"
        );
    }
}

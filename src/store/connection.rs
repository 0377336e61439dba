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

/// The client's limits, each added unless the URL sets it: 10 s to connect
/// (to each address a host name has), and TCP keepalives and a 10 s TCP
/// user time-out, so that a vanished server is noticed.
const CLIENT_LIMITS: [(&str, &str); 5] = [
    ("connect_timeout", "10"),
    ("keepalives_idle", "5"),
    ("keepalives_interval", "2"),
    ("keepalives_count", "3"),
    ("tcp_user_timeout", "10000"),
];

/// The server's limits, merged into the URL's own `options`, each unless
/// the user set it there: 10 s per statement, 5 s waiting for a lock (a
/// writer queued behind another that stopped answering is "busy"), and a
/// session idle for 15 s inside a transaction (a client suspended in the
/// middle of a write) is ended, which frees the writers' lock.
const SERVER_LIMITS: [(&str, &str); 3] = [
    ("statement_timeout", "10000"),
    ("lock_timeout", "5000"),
    ("idle_in_transaction_session_timeout", "15000"),
];

/// The URL llm-settings connects to PostgreSQL with: `url` with its
/// client and server limits (see `CLIENT_LIMITS` and `SERVER_LIMITS`).
pub fn connection_url(url: &str) -> String {
    with_time_limits(url)
}

fn with_time_limits(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, query),
        None => (url, ""),
    };
    let mut params: Vec<String> = query
        .split('&')
        .filter(|param| !param.is_empty())
        .map(str::to_owned)
        .collect();
    let is = |param: &str, name: &str| param.split_once('=').is_some_and(|(key, _)| key == name);
    for (name, value) in CLIENT_LIMITS {
        if !params.iter().any(|param| is(param, name)) {
            params.push(format!("{name}={value}"));
        }
    }
    match params.iter().position(|param| is(param, "options")) {
        Some(index) => {
            let own = percent_decode(params[index].split_once('=').map_or("", |(_, v)| v));
            params[index] = format!("options={}", percent_encode(&merged_options(&own)));
        }
        None => params.push(format!("options={}", percent_encode(&merged_options("")))),
    }
    format!("{base}?{}", params.join("&"))
}

/// The user's own server options (`-c name=value ...`) with each of
/// llm-settings' limits they do not set added after them.
fn merged_options(own: &str) -> String {
    let mut options = own.trim().to_owned();
    for (name, value) in SERVER_LIMITS {
        // `-c name=value`, `-cname=value` or `--name=value`.
        if !own.contains(&format!("{name}=")) {
            if !options.is_empty() {
                options.push(' ');
            }
            options.push_str(&format!("-c {name}={value}"));
        }
    }
    options
}

/// `%XX` escapes decoded (a `+` stays a `+`: libpq reads URIs so).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |i: usize| {
            bytes
                .get(i)
                .and_then(|b| char::from(*b).to_digit(16))
                .and_then(|d| u8::try_from(d).ok())
        };
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(high * 16 + low);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Everything but letters, digits and `-_.` as `%XX`.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.') {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
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
pub const WRITERS_LOCK: i64 = 0x6c6c_6d2d_7365_7474;

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
        assert!(url.ends_with(
            "&options=-c%20statement_timeout%3D10000%20-c%20lock_timeout%3D5000%20-c%20idle_in_transaction_session_timeout%3D15000"
        ), "{url}");
        let url = with_time_limits("postgres://h/db?sslmode=require&connect_timeout=3");
        assert!(
            url.starts_with("postgres://h/db?sslmode=require&connect_timeout=3&keepalives_idle=5")
        );
        assert_eq!(url.matches("connect_timeout=").count(), 1);
    }

    #[test]
    fn the_users_own_options_are_merged_with_the_limits() {
        let options = |url: &str| {
            let url = with_time_limits(url);
            let (_, value) = url.split_once("options=").unwrap();
            percent_decode(value.split('&').next().unwrap())
        };
        assert_eq!(
            options("postgres://h/db?options=-c%20search_path%3Dtrading"),
            "-c search_path=trading -c statement_timeout=10000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=15000"
        );
        // A limit the user set is theirs; the others are added.
        assert_eq!(
            options("postgres://h/db?application_name=x&options=-c%20lock_timeout%3D2000"),
            "-c lock_timeout=2000 -c statement_timeout=10000 -c idle_in_transaction_session_timeout=15000"
        );
        assert_eq!(
            options("postgres://h/db?options=-cstatement_timeout=1000"),
            "-cstatement_timeout=1000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=15000"
        );
        let url = with_time_limits("postgres://h/db?options=-c%20search_path%3Dx&sslmode=disable");
        assert_eq!(url.matches("options=").count(), 1, "{url}");
        assert!(url.contains("&sslmode=disable"), "{url}");
    }

    #[test]
    fn passwords_are_scrubbed_from_messages() {
        assert_eq!(
            scrub_password("bad uri s3cret@h", Some("s3cret")),
            "bad uri ***@h"
        );
    }
}

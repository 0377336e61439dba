//! Test support: a database of its own for every test, on SQLite and PostgreSQL, and the binary in a sandbox.
#![allow(dead_code)]

pub mod http;
pub mod pg_server;
pub mod pty;
pub mod serve;

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Binary, Text};
use llm_settings::secret::MasterKey;
use llm_settings::{Actor, OpenOptions, Settings};
use tempfile::TempDir;

/// Which database a test body runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that belongs to one test: a SQLite file in a temporary folder,
/// or a PostgreSQL database created for it and dropped afterwards.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub dir: TempDir,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The server of the PostgreSQL tests. Without `TEST_POSTGRES_URL` the tests
/// are skipped, with a line saying so; under `CI=true` they fail instead.
pub fn postgres_admin_url(test: &str) -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "{test}: TEST_POSTGRES_URL is not set, and CI=true requires the PostgreSQL tests"
                );
            }
            eprintln!("{test}: PostgreSQL part skipped: TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// `admin` with its database name replaced by `database`.
fn with_database(admin: &str, database: &str) -> String {
    let (scheme, rest) = admin.split_once("://").expect("TEST_POSTGRES_URL is a URL");
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let query = tail
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{scheme}://{authority}/{database}{query}")
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = TempDir::new().unwrap();
        let url = dir
            .path()
            .join("settings.db")
            .to_string_lossy()
            .into_owned();
        TestDb {
            backend: Backend::Sqlite,
            url,
            dir,
            postgres: None,
        }
    }

    pub fn postgres(test: &str) -> Option<TestDb> {
        let admin = postgres_admin_url(test)?;
        let name = format!(
            "llm_settings_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut conn = PgConnection::establish(&admin).expect("connect to TEST_POSTGRES_URL");
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Some(TestDb {
            backend: Backend::Postgres,
            url: with_database(&admin, &name),
            dir: TempDir::new().unwrap(),
            postgres: Some((admin, name)),
        })
    }

    /// Everything the database holds, as bytes to search: SQLite's files
    /// (with the WAL), or every row of every table of PostgreSQL as JSON.
    pub fn stored_bytes(&self) -> Vec<u8> {
        match self.backend {
            Backend::Sqlite => {
                let mut bytes = Vec::new();
                for suffix in ["", "-wal", "-shm"] {
                    bytes.extend(fs::read(format!("{}{suffix}", self.url)).unwrap_or_default());
                }
                bytes
            }
            Backend::Postgres => {
                #[derive(QueryableByName)]
                struct Line {
                    #[diesel(sql_type = Text)]
                    text: String,
                }
                let mut conn = PgConnection::establish(&self.url).unwrap();
                let tables: Vec<Line> = diesel::sql_query(
                    "SELECT tablename AS text FROM pg_tables WHERE schemaname = 'public'",
                )
                .load(&mut conn)
                .unwrap();
                let mut bytes = Vec::new();
                for table in tables {
                    let rows: Vec<Line> = diesel::sql_query(format!(
                        "SELECT row_to_json(t)::text AS text FROM \"{}\" t",
                        table.text
                    ))
                    .load(&mut conn)
                    .unwrap();
                    for row in rows {
                        bytes.extend(row.text.into_bytes());
                        bytes.push(b'\n');
                    }
                }
                bytes
            }
        }
    }

    /// A raw connection, for what the product never does: tampering with rows.
    pub fn raw(&self) -> RawConnection {
        match self.backend {
            Backend::Sqlite => {
                RawConnection::Sqlite(SqliteConnection::establish(&self.url).unwrap())
            }
            Backend::Postgres => {
                RawConnection::Postgres(PgConnection::establish(&self.url).unwrap())
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.postgres
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Runs `body` on a fresh SQLite database and on a fresh PostgreSQL database.
pub fn on_each_backend(test: &str, body: impl Fn(&TestDb)) {
    body(&TestDb::sqlite());
    if let Some(db) = TestDb::postgres(test) {
        body(&db);
    }
}

pub enum RawConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

#[derive(QueryableByName)]
struct SealedValue {
    #[diesel(sql_type = diesel::sql_types::Nullable<Binary>)]
    encrypted_key: Option<Vec<u8>>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl RawConnection {
    pub fn sealed_value(&mut self, provider: &str) -> Option<Vec<u8>> {
        let rows: Vec<SealedValue> = match self {
            RawConnection::Sqlite(c) => diesel::sql_query(
                "SELECT encrypted_key FROM llm_provider_configs WHERE provider = ?",
            )
            .bind::<Text, _>(provider)
            .load(c),
            RawConnection::Postgres(c) => diesel::sql_query(
                "SELECT encrypted_key FROM llm_provider_configs WHERE provider = $1",
            )
            .bind::<Text, _>(provider)
            .load(c),
        }
        .unwrap();
        rows.into_iter().next().and_then(|row| row.encrypted_key)
    }

    /// The Telegram bot token's sealed bytes.
    pub fn sealed_token(&mut self) -> Option<Vec<u8>> {
        let sql = "SELECT bot_token_encrypted AS encrypted_key FROM telegram_settings WHERE id = 1";
        let rows: Vec<SealedValue> = match self {
            RawConnection::Sqlite(c) => diesel::sql_query(sql).load(c),
            RawConnection::Postgres(c) => diesel::sql_query(sql).load(c),
        }
        .unwrap();
        rows.into_iter().next().and_then(|row| row.encrypted_key)
    }

    pub fn set_sealed_token(&mut self, bytes: &[u8]) {
        let changed = match self {
            RawConnection::Sqlite(c) => {
                diesel::sql_query("UPDATE telegram_settings SET bot_token_encrypted = ?")
                    .bind::<Binary, _>(bytes)
                    .execute(c)
            }
            RawConnection::Postgres(c) => {
                diesel::sql_query("UPDATE telegram_settings SET bot_token_encrypted = $1")
                    .bind::<Binary, _>(bytes)
                    .execute(c)
            }
        }
        .unwrap();
        assert_eq!(changed, 1);
    }

    pub fn set_sealed_value(&mut self, provider: &str, bytes: &[u8]) {
        let changed = match self {
            RawConnection::Sqlite(c) => diesel::sql_query(
                "UPDATE llm_provider_configs SET encrypted_key = ? WHERE provider = ?",
            )
            .bind::<Binary, _>(bytes)
            .bind::<Text, _>(provider)
            .execute(c),
            RawConnection::Postgres(c) => diesel::sql_query(
                "UPDATE llm_provider_configs SET encrypted_key = $1 WHERE provider = $2",
            )
            .bind::<Binary, _>(bytes)
            .bind::<Text, _>(provider)
            .execute(c),
        }
        .unwrap();
        assert_eq!(changed, 1);
    }

    /// Writes `value` into a text column of a provider's row, as someone
    /// with access to the database could, bypassing every check.
    pub fn set_text(&mut self, provider: &str, column: &str, value: &str) {
        let changed = match self {
            RawConnection::Sqlite(c) => diesel::sql_query(format!(
                "UPDATE llm_provider_configs SET {column} = ? WHERE provider = ?"
            ))
            .bind::<Text, _>(value)
            .bind::<Text, _>(provider)
            .execute(c),
            RawConnection::Postgres(c) => diesel::sql_query(format!(
                "UPDATE llm_provider_configs SET {column} = $1 WHERE provider = $2"
            ))
            .bind::<Text, _>(value)
            .bind::<Text, _>(provider)
            .execute(c),
        }
        .unwrap();
        assert_eq!(changed, 1);
    }

    /// Waits until no other client is connected to this PostgreSQL
    /// database (at once on SQLite). A client killed after sending its
    /// COMMIT leaves the server to finish the transaction; only when the
    /// server's session for it has ended is the outcome decided.
    pub fn wait_until_alone(&mut self) {
        let RawConnection::Postgres(c) = self else {
            return;
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let others: Vec<Count> = diesel::sql_query(
                "SELECT count(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid() \
                 AND backend_type = 'client backend'",
            )
            .load(c)
            .unwrap();
            if others[0].n == 0 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "a killed client's session did not end"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    /// SQLite's `PRAGMA integrity_check` answer.
    pub fn integrity_check(&mut self) -> String {
        #[derive(QueryableByName)]
        struct Check {
            #[diesel(sql_type = Text)]
            integrity_check: String,
        }
        match self {
            RawConnection::Sqlite(c) => {
                let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(c).unwrap();
                rows.into_iter()
                    .map(|r| r.integrity_check)
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            RawConnection::Postgres(_) => "ok".to_owned(),
        }
    }

    /// Runs statements as they are, bypassing llm-settings.
    pub fn execute(&mut self, sql: &str) {
        match self {
            RawConnection::Sqlite(c) => c.batch_execute(sql).unwrap(),
            RawConnection::Postgres(c) => c.batch_execute(sql).unwrap(),
        }
    }

    pub fn count(&mut self, sql: &str) -> i64 {
        let rows: Vec<Count> = match self {
            RawConnection::Sqlite(c) => diesel::sql_query(sql).load(c),
            RawConnection::Postgres(c) => diesel::sql_query(sql).load(c),
        }
        .unwrap();
        rows[0].n
    }
}

/// Writes a new random master key file with mode 0600 and returns it.
pub fn write_key_file(path: &Path) -> MasterKey {
    let key = MasterKey::generate().unwrap();
    write_key_text(path, key.to_base64().as_str(), 0o600);
    key
}

pub fn write_key_text(path: &Path, text: &str, mode: u32) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = fs::File::create(path).unwrap();
    writeln!(file, "{text}").unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Opens the library on `db` with its own master key file (created once per
/// database, in the test's folder) and a fixed actor.
pub fn open_settings(db: &TestDb) -> Settings {
    open_settings_as(db, "alice", Some("203.0.113.7"))
}

/// Like [`open_settings`], acting as another admin.
pub fn open_settings_as(db: &TestDb, user: &str, address: Option<&str>) -> Settings {
    let key_file = db.dir.path().join("master.key");
    if !key_file.exists() {
        write_key_file(&key_file);
    }
    Settings::open(&OpenOptions {
        database_url: Some(db.url.clone()),
        key_file: Some(key_file),
        actor: Some(Actor::new(user, address)),
    })
    .unwrap()
}

/// The binary, run in a sandbox: its own HOME and XDG folders, a known user,
/// and nothing else from the test's environment.
pub struct Sandbox {
    pub home: TempDir,
    pub envs: Vec<(String, String)>,
}

impl Sandbox {
    pub fn new(database_url: &str) -> Sandbox {
        let home = TempDir::new().unwrap();
        let path = |p: &str| home.path().join(p).to_string_lossy().into_owned();
        let envs = vec![
            ("HOME".into(), path("")),
            ("XDG_CONFIG_HOME".into(), path("config")),
            ("XDG_DATA_HOME".into(), path("data")),
            ("USER".into(), "tester".into()),
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("DATABASE_URL".into(), database_url.into()),
        ];
        Sandbox { home, envs }
    }

    /// The default master key file of this sandbox.
    pub fn default_key_file(&self) -> PathBuf {
        self.home.path().join("config/llm-settings/master.key")
    }

    pub fn set_env(&mut self, name: &str, value: &str) {
        self.envs.retain(|(n, _)| n != name);
        self.envs.push((name.into(), value.into()));
    }

    pub fn remove_env(&mut self, name: &str) {
        self.envs.retain(|(n, _)| n != name);
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_llm-settings"));
        command.args(args).env_clear();
        for (name, value) in &self.envs {
            command.env(name, value);
        }
        command
    }

    /// Stores `key` for `provider` through the binary; panics if refused.
    pub fn set_key(&self, provider: &str, key: &str) -> serde_json::Value {
        self.run(&["providers", "set", provider], key.as_bytes())
            .json()
    }

    /// Sets `provider`'s base URL through the binary; panics if refused.
    pub fn set_base_url(&self, provider: &str, url: &str) -> serde_json::Value {
        self.run(&["providers", "base-url", provider, url], b"")
            .json()
    }

    /// Runs the binary with `stdin` piped in.
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A command that does not read its input (a refused key file, a
        // sealed database) may exit before the input is written: the pipe is
        // then closed, which is the command's right, not a failure.
        match child.stdin.take().unwrap().write_all(stdin) {
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
        Run(child.wait_with_output().unwrap())
    }
}

/// A finished run of the binary.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exited normally")
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    /// Asserts success and returns stdout.
    pub fn json_or_text(&self) -> String {
        assert_eq!(self.code(), 0, "stderr: {}", self.stderr());
        self.stdout()
    }
    /// Asserts success and parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.code(), 0, "stderr: {}", self.stderr());
        serde_json::from_str(&self.stdout())
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout()))
    }
}

/// The variables of an `env` dump, by name.
pub fn environment_of(dump: &str) -> std::collections::BTreeMap<String, String> {
    dump.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// A provider's state as the console shows it: configured when `hint` is
/// given, changed by `by` at 2026-11-26 09:30 UTC unless `revision` is 0.
pub fn provider_state(
    provider: llm_settings::Provider,
    hint: Option<&str>,
    active: bool,
    revision: i64,
    by: &str,
) -> llm_settings::ProviderState {
    llm_settings::ProviderState {
        status: llm_settings::ProviderStatus {
            provider,
            is_configured: hint.is_some(),
            is_active: active,
            key_hint: hint.map(Into::into),
        },
        base_url: None,
        changed_at: (revision > 0).then(|| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
                .unwrap()
                .and_hms_opt(9, 30, 0)
                .unwrap()
        }),
        changed_by: (revision > 0).then(|| by.into()),
        revision,
        fault: None,
        fingerprint: None,
    }
}

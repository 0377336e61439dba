//! The history on a trail of 1,000,000 entries, and the delay of `watch`: `history --limit 50` as a whole process, the History tab's first page, the console's memory beside a short trail, and how long a change takes to reach `watch` on each backend.
//!
//! Run with `cargo bench --bench history` (with `TEST_POSTGRES_URL` for
//! PostgreSQL's `watch`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed bench

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use llm_settings::fields::Value;
use llm_settings::settings::FieldAction;
use llm_settings::{GlobalSettings, OpenOptions, Settings};

#[path = "../tests/common/pty.rs"]
#[allow(dead_code)]
mod pty;
#[path = "common/session.rs"]
#[allow(dead_code)]
mod session;

use session::{Session, median};

const TRAIL: u64 = 1_000_000;
const RUNS: usize = 21;

/// A home whose database and master key exist, its trail `entries` long.
struct Home {
    dir: tempfile::TempDir,
    envs: Vec<(String, String)>,
}

impl Home {
    fn new(binary: &Path, entries: u64) -> Home {
        let dir = tempfile::tempdir().unwrap();
        let path = |p: &str| dir.path().join(p).display().to_string();
        let envs = vec![
            ("HOME".to_owned(), path("")),
            ("XDG_DATA_HOME".to_owned(), path("data")),
            ("XDG_CONFIG_HOME".to_owned(), path("config")),
            ("USER".to_owned(), "admin".to_owned()),
        ];
        let home = Home { dir, envs };
        assert!(
            home.command(binary, &["risk", "show"])
                .output()
                .unwrap()
                .status
                .success()
        );
        // The trail written directly: a million changes through the
        // command line would take an hour; what matters is the rows.
        let mut conn = SqliteConnection::establish(&home.database()).unwrap();
        conn.batch_execute(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {entries})
             INSERT INTO llm_settings_audit (at, actor, group_name, action, subject, old_value, new_value)
             SELECT datetime('2026-01-01', '+' || (i / 60) || ' minutes'),
                    CASE i % 3 WHEN 0 THEN 'alice from 203.0.113.7' WHEN 1 THEN 'bob' ELSE 'carol from 198.51.100.4' END,
                    CASE i % 4 WHEN 0 THEN 'risk' WHEN 1 THEN 'global' WHEN 2 THEN 'tasks' ELSE 'providers' END,
                    'set', 'field_' || (i % 17), CAST(i % 100 AS TEXT), CAST((i + 1) % 100 AS TEXT)
             FROM n;"
        ))
        .unwrap();
        conn.batch_execute(
            "INSERT INTO llm_settings_audit (at, actor, group_name, action, subject, old_value, new_value)
             VALUES ('2026-12-01 06:21:00', 'alice from 203.0.113.7', 'risk', 'set', 'max_drawdown_pct', '10', '5');
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
        home
    }

    fn database(&self) -> String {
        self.dir
            .path()
            .join("data/llm-settings/settings.db")
            .display()
            .to_string()
    }

    fn command(&self, binary: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(binary);
        command
            .args(args)
            .env_clear()
            .envs(self.envs.iter().map(|(k, v)| (k, v)));
        command
    }
}

/// `history` as a whole process: spawn to exit, in ms.
fn history_ms(home: &Home, binary: &Path, args: &[&str]) -> f64 {
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let output = home
            .command(binary, args)
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(output.status.success());
        assert!(String::from_utf8_lossy(&output.stdout).contains("max_drawdown_pct"));
    }
    median(&times)
}

/// The console: from pressing 6 to the newest change on the screen, in ms;
/// and the peak memory after paging through five pages, in KiB.
fn history_tab(home: &Home, binary: &Path) -> (f64, u64) {
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..11 {
        let envs: Vec<(String, String)> = home.envs.clone();
        let mut console = Session::spawn(binary, &[], &envs);
        console.wait_for("Ollama");
        console.settle(Duration::from_millis(300));
        let sent = Instant::now();
        console.send(b"6");
        console.wait_for("max_drawdown_pct: 10 -> 5");
        times.push(sent.elapsed().as_secs_f64() * 1000.0);
        for _ in 0..(5 * 13) {
            console.send(b"\x1b[6~");
        }
        console.settle(Duration::from_millis(300));
        peak = peak.max(console.peak_rss_kb());
        console.quit_ms(b"q");
    }
    (median(&times), peak)
}

/// From a change's commit to its line from `watch --json`, in ms: the
/// median and the longest of 20 changes.
fn watch_delay(database_url: &str, key_file: &Path, home: &Home, binary: &Path) -> (f64, f64) {
    let mut watch = home
        .command(binary, &["--database-url", database_url, "watch", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, arrived) = mpsc::channel();
    let stdout = BufReader::new(watch.stdout.take().unwrap());
    thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = lines.send((Instant::now(), line));
        }
    });
    let mut stderr = BufReader::new(watch.stderr.take().unwrap());
    let mut ready = String::new();
    stderr.read_line(&mut ready).unwrap();
    assert!(ready.contains("printing each change"), "{ready}");
    let mut settings = Settings::open(&OpenOptions {
        database_url: Some(database_url.to_owned()),
        key_file: Some(key_file.to_owned()),
        actor: None,
    })
    .unwrap();
    let mut delays = Vec::new();
    for minutes in 1..=20 {
        settings
            .change_fields(
                &GlobalSettings::GROUP,
                FieldAction::Set,
                &[(1, Value::Whole(minutes))],
                None,
            )
            .unwrap();
        let committed = Instant::now();
        let (at, _) = arrived.recv_timeout(Duration::from_secs(10)).unwrap();
        delays.push((at - committed).as_secs_f64() * 1000.0);
        // Changes at no particular moment of the poll.
        thread::sleep(Duration::from_millis(137));
    }
    let _ = watch.kill();
    let _ = watch.wait();
    let longest = delays.iter().copied().fold(0.0, f64::max);
    (median(&delays), longest)
}

fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_llm-settings"));
    println!("building a trail of {TRAIL} entries…");
    let long = Home::new(&binary, TRAIL);
    let middle = Home::new(&binary, TRAIL / 10);
    let short = Home::new(&binary, 10);

    let whole = history_ms(&long, &binary, &["history", "--limit", "50"]);
    let group = history_ms(
        &long,
        &binary,
        &["history", "--limit", "50", "--group", "risk"],
    );
    let short_whole = history_ms(&short, &binary, &["history", "--limit", "50"]);
    println!(
        "history --limit 50, {TRAIL} entries:               {whole:6.1} ms  (target <= 15; 10 entries: {short_whole:.1} ms)"
    );
    println!("history --limit 50 --group risk, {TRAIL} entries:  {group:6.1} ms  (target <= 15)");

    let (first_page, long_peak) = history_tab(&long, &binary);
    let (_, middle_peak) = history_tab(&middle, &binary);
    let (short_page, short_peak) = history_tab(&short, &binary);
    println!(
        "History tab, 6 to the first page, {TRAIL} entries: {first_page:6.1} ms  (target <= 50; 10 entries: {short_page:.1} ms)"
    );
    // Nothing the console reads grows with the trail: the pages are read
    // by id, and a task's revision is counted through the index by subject.
    println!(
        "console peak memory after 5 pages: {short_peak} KiB with 10 entries, {middle_peak} KiB with {}, {long_peak} KiB with {TRAIL} ({:.2}x the 10)",
        TRAIL / 10,
        long_peak as f64 / short_peak as f64,
    );

    let key_file = short.dir.path().join("config/llm-settings/master.key");
    let (median_ms, longest_ms) = watch_delay(&short.database(), &key_file, &short, &binary);
    println!(
        "watch delay, SQLite:     median {median_ms:6.1} ms, longest {longest_ms:6.1} ms  (bound 2000)"
    );
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) => {
            // A database of its own: the shared one holds other runs' values.
            let mut admin = diesel::PgConnection::establish(&url).unwrap();
            let name = format!("llm_settings_bench_watch_{}", std::process::id());
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            let url = match url.rsplit_once('/') {
                Some((server, _)) => format!("{server}/{name}"),
                None => url.clone(),
            };
            let (median_ms, longest_ms) = watch_delay(&url, &key_file, &short, &binary);
            let _ = admin.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"));
            println!(
                "watch delay, PostgreSQL: median {median_ms:6.1} ms, longest {longest_ms:6.1} ms  (bound 2000)"
            );
        }
        Err(_) => println!("watch delay, PostgreSQL: skipped (no TEST_POSTGRES_URL)"),
    }
}

//! Several admins at once: concurrent saves from many processes, saves killed half way, and a held write lock.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Backend, Sandbox, TestDb, on_each_backend};
use llm_settings::api_key::masked_hint;
use llm_settings::{OpenOptions, Provider, Settings};
use secrecy::{ExposeSecret, SecretString};

const PROVIDERS: [Provider; 3] = [Provider::OpenAi, Provider::Anthropic, Provider::Gemini];

fn open(db: &TestDb, sandbox: &Sandbox) -> Settings {
    Settings::open(&OpenOptions {
        database_url: Some(db.url.clone()),
        key_file: Some(sandbox.default_key_file()),
        actor: None,
    })
    .unwrap()
}

/// A key whose hint ends with the 4 digits that name it.
fn load_key(process: usize, save: usize) -> String {
    format!("sk-proj-loadtest-loadtest-{:04}", process * 100 + save)
}

#[test]
fn eight_processes_saving_at_once_lose_nothing() {
    on_each_backend("eight_processes_saving_at_once_lose_nothing", |db| {
        let sandbox = Sandbox::new(&db.url);
        sandbox.run(&["providers", "list"], b"").json_or_text();
        let outcomes: Vec<(Provider, String, bool)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..8)
                .map(|process| {
                    let sandbox = &sandbox;
                    scope.spawn(move || {
                        let mut outcomes = Vec::new();
                        for save in 0..100 {
                            let provider = PROVIDERS[(process + save) % 3];
                            let key = load_key(process, save);
                            let run =
                                sandbox.run(&["providers", "set", provider.id()], key.as_bytes());
                            let acknowledged = match run.code() {
                                0 => true,
                                1 if run.stderr() == "error: database busy, try again\n" => false,
                                code => {
                                    panic!("save {process}/{save} exited {code}: {}", run.stderr())
                                }
                            };
                            outcomes.push((provider, key, acknowledged));
                        }
                        outcomes
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        });
        let acknowledged: BTreeSet<&str> = outcomes
            .iter()
            .filter(|(_, _, ok)| *ok)
            .map(|(_, key, _)| key.as_str())
            .collect();
        let busy = outcomes.len() - acknowledged.len();
        eprintln!(
            "{:?}: {} saves acknowledged, {busy} busy",
            db.backend,
            acknowledged.len()
        );
        assert!(
            acknowledged.len() >= 700,
            "too many saves failed as busy: {busy}"
        );

        let mut settings = open(db, &sandbox);
        let trail = settings.audit_trail().unwrap();
        assert_eq!(
            trail.len(),
            acknowledged.len(),
            "one audit row per acknowledged save"
        );
        let mut last_hint: BTreeMap<String, String> = BTreeMap::new();
        for row in &trail {
            assert_eq!(row.action, "set");
            last_hint.insert(row.subject.clone().unwrap(), row.new_value.clone().unwrap());
        }
        for provider in PROVIDERS {
            let key = settings
                .read_key(provider)
                .unwrap()
                .expect("a key is stored");
            let key = key.expose_secret();
            assert!(
                acknowledged.contains(key),
                "{provider} holds a key no save acknowledged"
            );
            let hint = masked_hint(&SecretString::from(key.to_owned()));
            assert_eq!(
                last_hint[provider.id()],
                hint,
                "{provider}: not the last acknowledged write"
            );
            assert_eq!(
                settings.status(provider).unwrap().key_hint.as_deref(),
                Some(hint.as_str())
            );
        }
        if db.backend == Backend::Sqlite {
            assert_eq!(db.raw().integrity_check(), "ok");
        }
    });
}

/// A small generator for the kill delays, seeded from the clock.
struct Delays(u64);

impl Delays {
    fn next_ms(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % 51
    }
}

#[test]
fn a_save_killed_at_any_moment_leaves_the_old_key_or_the_new() {
    on_each_backend(
        "a_save_killed_at_any_moment_leaves_the_old_key_or_the_new",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            sandbox
                .run(
                    &["providers", "set", "openai"],
                    b"sk-proj-crashtest-crashtest-start",
                )
                .json();
            let mut delays = Delays(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64,
            );
            let mut old = "sk-proj-crashtest-crashtest-start".to_owned();
            let mut committed = 0;
            for round in 0..200 {
                let new = format!("sk-proj-crashtest-crashtest-{round:05}");
                let mut child = sandbox
                    .command(&["providers", "set", "openai"])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                {
                    use std::io::Write;
                    let mut stdin = child.stdin.take().unwrap();
                    let _ = stdin.write_all(new.as_bytes());
                }
                std::thread::sleep(Duration::from_millis(delays.next_ms()));
                let _ = child.kill();
                let _ = child.wait();
                db.raw().wait_until_alone();

                let mut settings = open(db, &sandbox);
                let key = settings.read_key(Provider::OpenAi).unwrap().unwrap();
                let key = key.expose_secret().to_owned();
                assert!(
                    key == old || key == new,
                    "round {round}: {key} is neither {old} nor {new}"
                );
                let hint = settings.status(Provider::OpenAi).unwrap().key_hint.unwrap();
                assert_eq!(
                    hint,
                    masked_hint(&SecretString::from(key.clone())),
                    "round {round}"
                );
                if key == new {
                    committed += 1;
                }
                old = key;
            }
            eprintln!(
                "{:?}: {committed} of 200 killed saves had committed",
                db.backend
            );
            if db.backend == Backend::Sqlite {
                assert_eq!(db.raw().integrity_check(), "ok");
            }
        },
    );
}

/// Holds SQLite's write lock from this process for `hold`.
fn hold_write_lock(db: &TestDb, hold: Duration) -> std::thread::JoinHandle<()> {
    use diesel::connection::SimpleConnection;
    let url = db.url.clone();
    let (locked, wait) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        use diesel::Connection;
        let mut conn = diesel::SqliteConnection::establish(&url).unwrap();
        conn.batch_execute("BEGIN IMMEDIATE").unwrap();
        locked.send(()).unwrap();
        std::thread::sleep(hold);
        conn.batch_execute("COMMIT").unwrap();
    });
    wait.recv().unwrap();
    holder
}

#[test]
fn a_held_sqlite_write_lock_is_waited_for_then_reported_busy() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox
        .run(
            &["providers", "set", "openai"],
            b"sk-proj-locktest-locktest-0001",
        )
        .json();

    // Held for 2 s: the save waits, then succeeds.
    let holder = hold_write_lock(&db, Duration::from_secs(2));
    let started = Instant::now();
    let run = sandbox.run(
        &["providers", "set", "openai"],
        b"sk-proj-locktest-locktest-0002",
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        started.elapsed() >= Duration::from_millis(1_500),
        "the save did not wait"
    );
    holder.join().unwrap();

    // Held for longer than the 5 s busy timeout: busy, and nothing changes.
    let before = db.raw().sealed_value("openai");
    let audit_before = db
        .raw()
        .count("SELECT COUNT(*) AS n FROM llm_settings_audit");
    let holder = hold_write_lock(&db, Duration::from_secs(7));
    let run = sandbox.run(
        &["providers", "set", "openai"],
        b"sk-proj-locktest-locktest-0003",
    );
    assert_eq!(run.code(), 1);
    assert_eq!(run.stderr(), "error: database busy, try again\n");
    holder.join().unwrap();
    assert_eq!(db.raw().sealed_value("openai"), before);
    assert_eq!(
        db.raw()
            .count("SELECT COUNT(*) AS n FROM llm_settings_audit"),
        audit_before
    );
}

//! `watch` as a process: each change by another process or another connection arrives within 2 s, once, in order; it waits out its PostgreSQL server stopping and starting.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use common::pg_server::PgServer;
use common::{Sandbox, TestDb, on_each_backend};
use serde_json::Value;

/// A running `watch --json`, its lines as they arrive.
struct Watch {
    child: Child,
    stdout: Receiver<(Instant, String)>,
    stderr: Receiver<String>,
}

impl Watch {
    fn start(sandbox: &Sandbox) -> Watch {
        let mut child = sandbox
            .command(&["watch", "--json"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (out_tx, stdout) = mpsc::channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        thread::spawn(move || {
            // A test that drops the receiver closes the pipe at the next line.
            for line in out.lines().map_while(Result::ok) {
                if out_tx.send((Instant::now(), line)).is_err() {
                    break;
                }
            }
        });
        let (err_tx, stderr) = mpsc::channel();
        let err = BufReader::new(child.stderr.take().unwrap());
        thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                let _ = err_tx.send(line);
            }
        });
        let watch = Watch {
            child,
            stdout,
            stderr,
        };
        watch.expect_stderr("printing each change from now on", Duration::from_secs(15));
        watch
    }

    fn expect_stderr(&self, text: &str, within: Duration) {
        let line = self.stderr.recv_timeout(within).unwrap_or_else(|_| {
            panic!("watch said nothing on stderr within {within:?}; expected {text:?}")
        });
        assert!(line.contains(text), "expected {text:?}, got {line:?}");
    }

    /// The next change, and when it arrived.
    fn next(&self, within: Duration) -> (Instant, Value) {
        let (at, line) = self
            .stdout
            .recv_timeout(within)
            .unwrap_or_else(|_| panic!("no change printed within {within:?}"));
        (at, serde_json::from_str(&line).unwrap())
    }

    /// Nothing more arrives in `quiet`.
    fn assert_quiet(&self, quiet: Duration) {
        if let Ok((_, line)) = self.stdout.recv_timeout(quiet) {
            panic!("an unexpected line: {line}");
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The contract's bound on the delay of a change.
const BOUND: Duration = Duration::from_secs(2);

#[test]
fn each_change_by_another_process_or_connection_arrives_once_in_order() {
    on_each_backend(
        "each_change_by_another_process_or_connection_arrives_once_in_order",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            // The database and master key exist before the watch starts.
            sandbox.run(&["risk", "show"], b"").json_or_text();
            let watch = Watch::start(&sandbox);

            // Another process: two values in one command, two entries.
            sandbox
                .run(
                    &[
                        "risk",
                        "set",
                        "drawdown_check_enabled=on",
                        "max_drawdown_pct=5",
                    ],
                    b"",
                )
                .json();
            let committed = Instant::now();
            let (first_at, first) = watch.next(Duration::from_secs(10));
            assert!(first_at - committed < BOUND, "{:?}", first_at - committed);
            assert_eq!(first["group"], "risk");
            assert_eq!(first["subject"], "drawdown_check_enabled");
            assert_eq!(first["actor"], "tester");
            let (_, second) = watch.next(BOUND);
            assert_eq!(second["subject"], "max_drawdown_pct");
            assert_eq!(
                (second["old"].as_str(), second["new"].as_str()),
                (Some("10"), Some("5"))
            );

            // Another connection, another admin: the library on its own
            // connection, as another host would be.
            let mut bob = llm_settings::Settings::open(&llm_settings::OpenOptions {
                database_url: Some(db.url.clone()),
                key_file: Some(sandbox.default_key_file()),
                actor: Some(llm_settings::Actor::new("bob", Some("198.51.100.4"))),
            })
            .unwrap();
            bob.set_base_url(
                llm_settings::Provider::Ollama,
                Some("http://10.0.0.2:11434"),
            )
            .unwrap();
            let committed = Instant::now();
            let (at, entry) = watch.next(Duration::from_secs(10));
            assert!(at - committed < BOUND, "{:?}", at - committed);
            assert_eq!(entry["actor"], "bob from 198.51.100.4");
            assert_eq!(entry["new"], "http://10.0.0.2:11434");

            // A burst: every entry once, in the order of the trail.
            for minutes in 1..=12 {
                sandbox
                    .run(
                        &[
                            "global",
                            "set",
                            &format!("maintenance_interval_minutes={minutes}"),
                        ],
                        b"",
                    )
                    .json();
            }
            let mut ids = vec![
                first["id"].as_i64().unwrap(),
                second["id"].as_i64().unwrap(),
                entry["id"].as_i64().unwrap(),
            ];
            for minutes in 1..=12 {
                let (_, entry) = watch.next(Duration::from_secs(10));
                assert_eq!(entry["new"], minutes.to_string());
                ids.push(entry["id"].as_i64().unwrap());
            }
            watch.assert_quiet(Duration::from_millis(1500));
            let trail: Vec<i64> = sandbox
                .run(&["history", "--json", "--limit", "100"], b"")
                .json()
                .as_array()
                .unwrap()
                .iter()
                .rev()
                .map(|entry| entry["id"].as_i64().unwrap())
                .collect();
            assert_eq!(ids, trail, "each entry once, in order");
        },
    );
}

#[test]
fn watch_waits_out_its_postgresql_server_stopping_and_starting() {
    let Some(server) =
        PgServer::start("watch_waits_out_its_postgresql_server_stopping_and_starting")
    else {
        return;
    };
    let sandbox = Sandbox::new(&server.url());
    sandbox.run(&["risk", "show"], b"").json_or_text();
    let watch = Watch::start(&sandbox);
    sandbox
        .run(&["risk", "set", "hedging_allowed=off"], b"")
        .json();
    assert_eq!(
        watch.next(Duration::from_secs(10)).1["subject"],
        "hedging_allowed"
    );

    server.stop();
    watch.expect_stderr("the database cannot be reached", Duration::from_secs(15));
    watch.assert_quiet(Duration::from_secs(1));
    assert!(
        watch.stderr.try_recv().is_err(),
        "the outage is said once, not at every try"
    );
    server.start_again();
    sandbox
        .run(&["risk", "set", "hedging_allowed=on"], b"")
        .json();
    watch.expect_stderr("the database is back", Duration::from_secs(15));
    let (_, entry) = watch.next(Duration::from_secs(10));
    assert_eq!(
        (entry["subject"].as_str(), entry["new"].as_str()),
        (Some("hedging_allowed"), Some("true"))
    );
    watch.assert_quiet(Duration::from_millis(1500));
}

#[test]
fn watch_says_a_paused_server_is_silent_and_when_it_is_back_then_what_changed() {
    let Some(server) = PgServer::start("watch_says_a_paused_server_is_silent") else {
        return;
    };
    let sandbox = Sandbox::new(&server.url());
    sandbox.run(&["risk", "show"], b"").json_or_text();
    let watch = Watch::start(&sandbox);

    let paused = server.pause();
    watch.expect_stderr(
        "the database has not answered for 15 s",
        Duration::from_secs(16),
    );
    watch.assert_quiet(Duration::from_secs(1));
    let resumed = Instant::now();
    drop(paused);
    watch.expect_stderr("the database is back", BOUND);
    assert!(resumed.elapsed() <= BOUND, "{:?}", resumed.elapsed());
    assert!(
        watch.stderr.try_recv().is_err(),
        "the silence is said once, not at every try"
    );
    sandbox
        .run(&["risk", "set", "hedging_allowed=off"], b"")
        .json();
    let committed = Instant::now();
    let (at, entry) = watch.next(Duration::from_secs(10));
    assert!(at - committed < BOUND, "{:?}", at - committed);
    assert_eq!(entry["subject"], "hedging_allowed");
    watch.assert_quiet(Duration::from_millis(1500));
}

#[test]
fn watch_ends_when_nobody_reads_it_and_fails_at_once_without_a_database() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox.run(&["risk", "show"], b"").json_or_text();
    let mut watch = Watch::start(&sandbox);
    // The reader goes away: the line after it has gone ends the watch.
    watch.stdout = mpsc::channel().1;
    let started = Instant::now();
    for on in ["off", "on"].iter().cycle() {
        if let Some(status) = watch.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "{status:?}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "watch went on writing to nobody"
        );
        sandbox
            .run(&["risk", "set", &format!("hedging_allowed={on}")], b"")
            .json();
        thread::sleep(Duration::from_millis(700));
    }

    let nowhere = Sandbox::new("postgres://postgres@127.0.0.1:1/none");
    let run = nowhere.run(&["watch"], b"");
    assert_eq!(run.code(), 1);
    assert!(run.stderr().starts_with("error: "), "{}", run.stderr());
}

#[test]
fn history_and_watch_need_no_master_key() {
    on_each_backend("history_and_watch_need_no_master_key", |db| {
        // An admin's host holds the master key and sets a key.
        let admin = Sandbox::new(&db.url);
        admin.set_key("openai", "sk-proj-ABCDEFGHIJKLMNOPQRSTUV-9876");
        // A host that only follows changes: no key file, no key variable.
        let follower = Sandbox::new(&db.url);
        assert!(!follower.default_key_file().exists());
        let decrypting = follower.run(&["providers", "list"], b"");
        assert_eq!(decrypting.code(), 1, "{}", decrypting.stderr());

        let history = follower.run(&["history", "--json"], b"").json();
        assert_eq!(history[0]["subject"], "openai");
        assert_eq!(history[0]["new"], "sk-...9876");

        let watch = Watch::start(&follower);
        admin
            .run(&["risk", "set", "max_open_positions=7"], b"")
            .json();
        let (_, change) = watch.next(Duration::from_secs(10));
        assert_eq!(change["subject"], "max_open_positions");
        assert_eq!(change["new"], "7");
        drop(watch);
        // Following made no master key either.
        assert!(!follower.default_key_file().exists());
    });
}

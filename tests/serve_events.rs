//! `GET /api/v1/settings/events`, read by curl: a change made by the command line arrives within 2 s; through another server on the same PostgreSQL too; `Last-Event-ID` resumes with no loss and no duplicate; fifty idle subscribers cost one poll of the database, and nobody listening costs none.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::serve::Server;
use common::{Backend, Sandbox, TestDb, on_each_backend};
use serde_json::Value;

/// A subscriber: curl reading the stream, its events sent on as they come.
struct Subscription {
    curl: Child,
    events: Receiver<(i64, Value)>,
}

impl Subscription {
    fn start(server: &Server, last_event_id: Option<i64>) -> Subscription {
        let mut command = Command::new("curl");
        command.args(["-sN", "--max-time", "120"]);
        if !server.socket.as_os_str().is_empty() {
            command.arg("--unix-socket").arg(&server.socket);
        }
        if let Some(id) = last_event_id {
            command.args(["-H", &format!("Last-Event-ID: {id}")]);
        }
        command.arg(format!("{}/api/v1/settings/events", server.base));
        let mut curl = command.stdout(Stdio::piped()).spawn().unwrap();
        let stdout = curl.stdout.take().unwrap();
        let (sender, events) = mpsc::channel();
        std::thread::spawn(move || {
            let mut id = None;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("id: ") {
                    id = n.parse::<i64>().ok();
                } else if let Some(data) = line.strip_prefix("data: ") {
                    let entry: Value = serde_json::from_str(data).unwrap();
                    if sender.send((id.take().unwrap(), entry)).is_err() {
                        return;
                    }
                }
            }
        });
        Subscription { curl, events }
    }

    /// The next event, within `within`.
    fn next(&self, within: Duration) -> (i64, Value) {
        self.events
            .recv_timeout(within)
            .expect("an event arrived in time")
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let _ = self.curl.kill();
        let _ = self.curl.wait();
    }
}

/// A moment for a new subscriber's request to reach the server, which
/// then reads where the trail is (curl shows nothing before an event).
fn settle() {
    std::thread::sleep(Duration::from_millis(500));
}

fn set_risk(sandbox: &Sandbox, value: u32) {
    let set = sandbox.run(&["risk", "set", &format!("max_drawdown_pct={value}")], b"");
    assert_eq!(set.code(), 0, "{}", set.stderr());
}

#[test]
fn a_change_made_by_the_command_line_arrives_within_2_s_on_both_backends() {
    on_each_backend(
        "a_change_made_by_the_command_line_arrives_within_2_s_on_both_backends",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            let server = Server::start(&sandbox, &sandbox.home.path().join("api.sock"));
            set_risk(&sandbox, 20);
            let subscription = Subscription::start(&server, None);
            settle();
            for value in [21, 22] {
                let made = Instant::now();
                set_risk(&sandbox, value);
                let (id, entry) = subscription.next(Duration::from_secs(5));
                assert!(
                    made.elapsed() < Duration::from_secs(2),
                    "{:?}",
                    made.elapsed()
                );
                assert_eq!(entry["id"], id);
                assert_eq!(entry["group"], "risk");
                assert_eq!(entry["subject"], "max_drawdown_pct");
                assert_eq!(entry["new"], value.to_string());
                // The entry as history --json prints it.
                let history = sandbox
                    .run(&["history", "--json", "--limit", "1"], b"")
                    .json();
                assert_eq!(history[0], entry);
            }
        },
    );
}

#[test]
fn a_change_through_one_server_reaches_a_subscriber_of_another_on_one_postgresql() {
    let Some(db) = TestDb::postgres("a_change_through_one_server_reaches_a_subscriber_of_another")
    else {
        return;
    };
    let sandbox = Sandbox::new(&db.url);
    let listened = Server::start(&sandbox, &sandbox.home.path().join("one.sock"));
    let written = Server::start(&sandbox, &sandbox.home.path().join("two.sock"));
    let subscription = Subscription::start(&listened, None);
    settle();
    let made = Instant::now();
    let answer = common::serve::ask(
        &written,
        "PATCH",
        "/api/v1/settings/risk",
        &[common::serve::json_header()],
        Some(br#"{"max_drawdown_pct": 12}"#),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (_, entry) = subscription.next(Duration::from_secs(5));
    assert!(
        made.elapsed() < Duration::from_secs(2),
        "{:?}",
        made.elapsed()
    );
    assert_eq!(entry["new"], "12");
    assert!(
        entry["actor"].as_str().unwrap().contains("via api"),
        "{entry}"
    );
}

#[test]
fn last_event_id_resumes_with_no_loss_and_no_duplicate_over_100_changes() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let server = Server::start(&sandbox, &sandbox.home.path().join("api.sock"));
    let writer_sandbox = sandbox.envs.clone();
    let first = Subscription::start(&server, None);
    settle();
    // 100 changes from another process, while the subscriber reconnects
    // half-way through.
    let writer = std::thread::spawn(move || {
        for value in 1..=100u32 {
            let mut command = Command::new(env!("CARGO_BIN_EXE_llm-settings"));
            command
                .env_clear()
                .envs(writer_sandbox.iter().map(|(k, v)| (k, v)));
            let out = command
                // Each value differs from the one before: each is a change.
                .args([
                    "risk",
                    "set",
                    &format!("max_drawdown_pct={}", 1 + value % 50),
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    });
    let mut seen: Vec<i64> = Vec::new();
    while seen.len() < 40 {
        seen.push(first.next(Duration::from_secs(10)).0);
    }
    drop(first);
    let resumed = Subscription::start(&server, seen.last().copied());
    while seen.len() < 100 {
        seen.push(resumed.next(Duration::from_secs(10)).0);
    }
    writer.join().unwrap();
    // Nothing more comes: no duplicate of what was seen.
    assert!(resumed.events.recv_timeout(Duration::from_secs(1)).is_err());
    let history = sandbox
        .run(&["history", "--json", "--limit", "100"], b"")
        .json();
    let mut ids: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["id"].as_i64().unwrap())
        .collect();
    ids.reverse();
    assert_eq!(seen, ids);
}

/// The transactions the PostgreSQL database has committed, asked on one
/// connection kept open (each asking is one more).
fn commits(conn: &mut diesel::PgConnection) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(
        "SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()",
    )
    .get_result::<Count>(conn)
    .unwrap()
    .n
}

#[test]
fn fifty_idle_subscribers_cost_one_poll_and_nobody_listening_costs_none() {
    let Some(db) = TestDb::postgres("fifty_idle_subscribers_cost_one_poll") else {
        return;
    };
    assert_eq!(db.backend, Backend::Postgres);
    let sandbox = Sandbox::new(&db.url);
    let socket = sandbox.home.path().join("api.sock");
    let _server = Server::start(&sandbox, &socket);
    // Fifty subscribers on raw connections, reading nothing.
    let subscribers: Vec<std::os::unix::net::UnixStream> = (0..50)
        .map(|_| {
            let mut stream = std::os::unix::net::UnixStream::connect(&socket).unwrap();
            stream
                .write_all(b"GET /api/v1/settings/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .unwrap();
            stream
        })
        .collect();
    for stream in &subscribers {
        let mut head = [0u8; 12];
        let mut reader = stream.try_clone().unwrap();
        reader.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 200");
    }
    let mut conn = {
        use diesel::Connection;
        diesel::PgConnection::establish(&db.url).unwrap()
    };
    std::thread::sleep(Duration::from_secs(2));
    let before = commits(&mut conn);
    std::thread::sleep(Duration::from_secs(6));
    let polled = commits(&mut conn) - before;
    // One poll every 500 ms is 12 in 6 s; fifty would be 600.
    assert!((4..=30).contains(&polled), "{polled} transactions in 6 s");

    // Gone: within a poll, nothing reads the trail any more.
    drop(subscribers);
    std::thread::sleep(Duration::from_secs(3));
    let before = commits(&mut conn);
    std::thread::sleep(Duration::from_secs(6));
    let idle = commits(&mut conn) - before;
    // The asking itself is one or two (its statistics arrive late).
    assert!(
        idle <= 3,
        "{idle} transactions in 6 s with nobody listening ({polled} in 6 s with fifty)"
    );
}

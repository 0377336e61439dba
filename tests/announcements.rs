//! Change announcements against a local server standing in for Telegram: the text, never a secret, and a dead or silent server costing a warning, never the change.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::time::{Duration, Instant};

use base64::Engine;
use common::http::{Answer, Recorded, TestServer};
use common::{Sandbox, TestDb};
use serde_json::Value;

const TOKEN: &str = "123456789:AAEannounceANNOUNCE_0123456789-KQ1c";
const KEY: &str = "sk-proj-ANNOUNCEannounce0123456789wxyz";

fn telegram_ok() -> TestServer {
    TestServer::start(Answer::Routes(vec![
        (
            "/getMe",
            200,
            r#"{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"A","username":"a_bot"}}"#
                .into(),
        ),
        ("/sendMessage", 200, r#"{"ok":true,"result":{}}"#.into()),
    ]))
}

/// A sandbox whose bot is on, announcing, through `base_url`; the admin
/// came in over SSH from 203.0.113.7.
fn announcing(db: &TestDb, base_url: &str) -> Sandbox {
    let mut sandbox = Sandbox::new(&db.url);
    sandbox.set_env("SSH_CONNECTION", "203.0.113.7 50000 10.0.0.1 22");
    sandbox.set_env("RUST_LOG", "trace");
    sandbox
        .run(
            &["telegram", "set", "--chat-id", "-100123"],
            TOKEN.as_bytes(),
        )
        .json();
    sandbox.run(&["telegram", "base-url", base_url], b"").json();
    let on = sandbox.run(&["telegram", "notify", "on"], b"");
    on.json();
    sandbox
}

/// The messages the server was asked to send, and nothing else.
fn messages(server: &TestServer) -> Vec<(Recorded, Value)> {
    let mut sent = Vec::new();
    while let Some(request) = server.another_request() {
        assert_eq!(request.method, "POST", "{request:?}");
        assert_eq!(request.target, format!("/bot{TOKEN}/sendMessage"));
        let body: Value = serde_json::from_str(&request.body).unwrap();
        sent.push((request, body));
    }
    sent
}

fn assert_no_secret(bytes: &[u8], what: &str) {
    for secret in [KEY, TOKEN, &TOKEN[10..]] {
        let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
        let base64 = base64::engine::general_purpose::STANDARD.encode(secret);
        for needle in [secret.to_owned(), hex, base64] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{what} holds a secret"
            );
        }
    }
}

#[test]
fn each_change_is_announced_once_with_who_from_where_and_old_and_new() {
    let server = telegram_ok();
    let db = TestDb::sqlite();
    let sandbox = announcing(&db, &server.base_url());
    assert!(
        messages(&server).is_empty(),
        "turning announcements on is not announced"
    );

    let set = sandbox.run(&["risk", "set", "max_drawdown_pct=5"], b"");
    set.json();
    assert!(set.stderr().is_empty(), "{}", set.stderr());
    let sent = messages(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1["chat_id"], "-100123");
    assert_eq!(
        sent[0].1["text"],
        "tester from 203.0.113.7 changed risk.max_drawdown_pct: 10 -> 5"
    );

    // Two values in one command: one message, a line each, in the
    // order given.
    sandbox
        .run(
            &[
                "global",
                "set",
                "news_enabled=off",
                "maintenance_interval_minutes=30",
            ],
            b"",
        )
        .json();
    let sent = messages(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].1["text"],
        "tester from 203.0.113.7 changed global.news_enabled: true -> false\n\
         tester from 203.0.113.7 changed global.maintenance_interval_minutes: 60 -> 30"
    );

    // A secret is announced as its hint.
    let key = sandbox.run(&["providers", "set", "openai"], KEY.as_bytes());
    key.json();
    let sent = messages(&server);
    assert_eq!(
        sent[0].1["text"],
        "tester from 203.0.113.7 set the key of OpenAI: none -> sk-...wxyz"
    );
    assert_no_secret(sent[0].0.body.as_bytes(), "the announcement");
    assert_no_secret(&key.0.stderr, "the stderr of providers set");

    // Nothing is said of what did not change, of reads, or of the
    // announcements being turned off and on.
    sandbox
        .run(&["risk", "set", "max_drawdown_pct=5"], b"")
        .json();
    sandbox.run(&["risk", "show"], b"").json_or_text();
    sandbox.run(&["telegram", "notify", "off"], b"").json();
    sandbox
        .run(&["risk", "set", "max_drawdown_pct=6"], b"")
        .json();
    sandbox.run(&["telegram", "notify", "on"], b"").json();
    assert!(messages(&server).is_empty());

    // The bot off: nothing is sent.
    sandbox.run(&["telegram", "disable"], b"").json();
    sandbox
        .run(&["risk", "set", "max_drawdown_pct=7"], b"")
        .json();
    assert!(messages(&server).is_empty());
    assert_no_secret(&db.stored_bytes(), "the database");
}

#[test]
fn a_dead_or_silent_server_costs_a_warning_and_the_change_stands() {
    let nobody = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", nobody.local_addr().unwrap());
    drop(nobody);
    let silent = TestServer::start(Answer::Silence);
    for (base_url, what) in [(dead, "dead"), (silent.base_url(), "silent")] {
        let db = TestDb::sqlite();
        let sandbox = announcing(&db, &base_url);
        let started = Instant::now();
        let set = sandbox.run(&["risk", "set", "max_drawdown_pct=5"], b"");
        let took = started.elapsed();
        assert_eq!(set.code(), 0, "{what}: {}", set.stderr());
        assert_eq!(set.json()["max_drawdown_pct"], 5);
        let warning = set.stderr();
        assert!(
            warning.starts_with(
                "warning: the change is saved, but it was not announced in the Telegram chat: "
            ),
            "{what}: {warning}"
        );
        assert_eq!(warning.lines().count(), 1, "{warning}");
        assert_no_secret(warning.as_bytes(), "the warning");
        if what == "silent" {
            assert!(warning.contains("no answer within 5 s"), "{warning}");
            // Bounded: the announcement's 5 s, not the server's silence.
            assert!(took < Duration::from_secs(20), "{took:?}");
        }
        let shown = sandbox.run(&["risk", "show", "--json"], b"").json();
        assert_eq!(shown["max_drawdown_pct"], 5, "{what}: the change stands");
    }
}

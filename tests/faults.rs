//! Faults: a database that is down at start, and one that goes away while the console is open.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::time::{Duration, Instant};

use common::pg_server::PgServer;
use common::pty::PtySession;
use common::{Sandbox, TestDb};

#[test]
fn down_at_start_fails_fast_with_one_line_and_no_password() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let cases = [
        (
            format!("postgres://admin:s3cretpass@127.0.0.1:{port}/settings"),
            format!(
                "error: cannot open the database postgres://admin:***@127.0.0.1:{port}/settings"
            ),
        ),
        (
            "/etc/hostname/settings.db".to_owned(),
            "error: cannot open the database /etc/hostname/settings.db".to_owned(),
        ),
        (
            "/proc/llm-settings.db".to_owned(),
            "error: cannot open the database /proc/llm-settings.db".to_owned(),
        ),
    ];
    for (url, first_line) in cases {
        let sandbox = Sandbox::new(&url);
        for args in [&["providers", "list"][..], &[]] {
            let started = Instant::now();
            let run = sandbox.run(args, b"");
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{url}: took {:?}",
                started.elapsed()
            );
            assert_eq!(run.code(), 1, "{url} {args:?}");
            let stderr = run.stderr();
            assert!(stderr.starts_with(&first_line), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(!stderr.contains("s3cretpass"));
            // The console did not start: nothing but the message.
            assert_eq!(run.stdout(), "");
        }
    }
}

#[test]
fn the_console_survives_its_postgresql_server_going_away() {
    let Some(server) = PgServer::start("the_console_survives_its_postgresql_server_going_away")
    else {
        return;
    };
    let sandbox = Sandbox::new(&server.url());
    sandbox
        .run(
            &["providers", "set", "openai"],
            b"sk-proj-FAULTfaultFAULTfault-0001",
        )
        .json();
    let mut command = sandbox.command(&[]);
    command.env("TERM", "xterm-256color");
    let mut term = PtySession::spawn(command, 100, 30);
    term.wait_for("sk-...0001");

    server.stop();
    term.send(b"r");
    term.wait_for("cannot open the database");
    // Still answering keys.
    term.send(b"\x1b[B");
    term.send(b"?");
    term.wait_for("show or hide this help");
    term.send(b"?");

    server.start_again();
    term.send(b"\x1b[A");
    term.send(b"\r");
    term.wait_for("Key for OpenAI");
    term.type_text("sk-proj-FAULTfaultFAULTfault-0002");
    term.send(b"\r");
    term.wait_for("Saved the key of OpenAI: sk-...0002");
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);

    let list = sandbox.run(&["providers", "list", "--json"], b"").json();
    assert_eq!(list[0]["key_hint"], "sk-...0002");
}

#[test]
fn an_unwritable_sqlite_folder_is_reported() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&format!(
        "{}/missing-folder/settings.db",
        db.dir.path().display()
    ));
    let run = sandbox.run(&["providers", "list"], b"");
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().ends_with("its folder does not exist\n"),
        "{}",
        run.stderr()
    );
}

//! When the database stops answering: each command ends within its deadline with one line that says what became of its change, writers queued behind a silent one are "busy", a suspended client frees the writers' lock, and the console keeps answering keys.
//!
//! Every PostgreSQL here is a server of the test's own, paused with SIGSTOP
//! on its postmaster and backends (its kernel still accepts connections and
//! acknowledges packets, so nothing on the client's side times out). A guard
//! resumes it, even when an assertion fails. The machine's shared server is
//! never paused.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::io::Write;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use common::pg_server::{Paused, PgServer};
use common::pty::PtySession;
use common::{RawConnection, Sandbox, TestDb};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use llm_settings::settings::Trail;
use llm_settings::{OpenOptions, Provider, Settings};
use secrecy::ExposeSecret;

/// The short deadline the tests give commands.
const DEADLINE: Duration = Duration::from_secs(2);

/// A password in every URL: no line may show it.
const PASSWORD: &str = "Sup3rSecretPassw0rd";

fn url_with_password(server: &PgServer) -> String {
    format!(
        "postgres://postgres:{PASSWORD}@127.0.0.1:{}/postgres",
        server.port
    )
}

fn spawn(sandbox: &Sandbox, args: &[&str], stdin: &[u8]) -> Child {
    let mut child = sandbox
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child
}

/// Waits (at most 20 s) for `child`, and how long it took from `since`.
fn finish(child: Child, since: Instant) -> (Output, Duration) {
    let output = child.wait_with_output().unwrap();
    (output, since.elapsed())
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a command with the short deadline and returns what it did and how
/// long it took.
fn timed(sandbox: &Sandbox, args: &[&str], stdin: &[u8]) -> (Output, Duration) {
    let mut with_deadline = vec!["--timeout", "2"];
    with_deadline.extend_from_slice(args);
    let started = Instant::now();
    finish(spawn(sandbox, &with_deadline, stdin), started)
}

/// The command ran out of time as the contract says: exit 1 within the
/// deadline plus one second, one line on stderr, no password.
fn assert_gave_up(output: &Output, took: Duration, what: &str) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{what}: {text}");
    assert!(
        took <= DEADLINE + Duration::from_secs(1),
        "{what} took {took:?}"
    );
    assert_eq!(text.lines().count(), 1, "{what}: {text}");
    assert!(
        text.starts_with("error: the database did not answer within 2 s (PostgreSQL postgres://postgres:***@127.0.0.1:"),
        "{what}: {text}"
    );
    assert!(!text.contains(PASSWORD), "{what}: {text}");
}

fn key(round: usize) -> String {
    format!("sk-proj-ROUND{round:04}abcdefghijklmnop-{round:04}")
}

/// Waits until no other client is connected to the server: a client that
/// ended while its transaction was open is rolled back, or its sent commit
/// finished, only once its session has ended.
fn wait_until_alone(url: &str) {
    let mut raw = RawConnection::Postgres(PgConnection::establish(url).unwrap());
    raw.wait_until_alone();
}

#[test]
fn a_read_paused_ends_within_the_deadline_and_works_again_after() {
    let Some(server) = PgServer::start("a_read_paused_ends_within_the_deadline") else {
        return;
    };
    let sandbox = Sandbox::new(&url_with_password(&server));
    sandbox.set_key("openai", &key(0));
    for args in [
        &["providers", "list"][..],
        &["check"],
        &["history", "--limit", "5"],
    ] {
        let paused = server.pause();
        let (output, took) = timed(&sandbox, args, b"");
        drop(paused);
        assert_gave_up(&output, took, &args.join(" "));
        assert!(
            stderr(&output).ends_with("; nothing was changed\n"),
            "{}",
            stderr(&output)
        );
        // The same works once the server answers (`check` exits 1 for its
        // findings, on stdout).
        let (again, _) = timed(&sandbox, args, b"");
        assert!(stderr(&again).is_empty(), "{args:?}: {}", stderr(&again));
        assert!(!again.stdout.is_empty(), "{args:?}");
    }

    // The console's start: one line, the terminal left alone.
    let paused = server.pause();
    let mut command = sandbox.command(&["--timeout", "2"]);
    command.env("TERM", "xterm-256color");
    let started = Instant::now();
    let mut term = PtySession::spawn(command, 80, 24);
    assert_eq!(term.wait_exit(), 1);
    assert!(started.elapsed() <= DEADLINE + Duration::from_secs(1) + Duration::from_millis(100));
    drop(paused);
    let output = String::from_utf8_lossy(&term.output()).into_owned();
    assert!(output.contains("did not answer within 2 s"), "{output}");
    assert!(
        !output.contains("\x1b[?1049h"),
        "the console took the screen"
    );
    assert!(!output.contains(PASSWORD));
}

#[test]
fn a_write_paused_at_any_moment_leaves_the_old_value_or_the_new_one() {
    let Some(server) = PgServer::start("a_write_paused_at_any_moment") else {
        return;
    };
    let url = url_with_password(&server);
    let sandbox = Sandbox::new(&url);
    sandbox.set_key("openai", &key(0));
    let options = OpenOptions {
        database_url: Some(url.clone()),
        key_file: Some(sandbox.default_key_file()),
        actor: None,
    };
    let sets = || {
        let entries = Trail::open(&options)
            .unwrap()
            .history(&llm_settings::history::HistoryFilter {
                limit: 1000,
                ..Default::default()
            })
            .unwrap();
        entries
            .iter()
            .filter(|entry| entry.subject.as_deref() == Some("openai") && entry.action == "set")
            .count()
    };
    // How long a save takes here, unpaused: the pauses fall anywhere in it.
    let started = Instant::now();
    sandbox.set_key("openai", &key(99));
    let span = u64::try_from(started.elapsed().as_millis())
        .unwrap()
        .max(20);
    let mut current = key(99);
    let mut outcomes = [0; 3];
    // A fixed sequence of moments, from at once (round 1) to after the
    // command is done.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 1..=20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(if round == 1 { 0 } else { seed % (span * 5 / 4) });
        let before = sets();
        let new = key(round);
        let started = Instant::now();
        let child = spawn(
            &sandbox,
            &["--timeout", "2", "providers", "set", "openai"],
            new.as_bytes(),
        );
        std::thread::sleep(delay);
        let paused = server.pause();
        let (output, took) = finish(child, started);
        drop(paused);
        wait_until_alone(&server.url());

        let mut settings = Settings::open(&options).unwrap();
        let stored = settings
            .read_key(Provider::OpenAi)
            .unwrap()
            .unwrap()
            .expose_secret()
            .to_owned();
        let status = settings.status(Provider::OpenAi).unwrap();
        let hint = llm_settings::api_key::masked_hint(&secrecy::SecretString::from(stored.clone()));
        assert_eq!(
            status.key_hint.as_deref(),
            Some(hint.as_str()),
            "round {round}"
        );
        assert!(
            stored == current || stored == new,
            "round {round}: {stored}"
        );
        let changed = stored == new;
        assert_eq!(sets(), before + usize::from(changed), "round {round}");
        match output.status.code() {
            Some(0) => {
                assert!(changed, "round {round}: exit 0 and the old value");
                outcomes[0] += 1;
            }
            _ => {
                assert_gave_up(&output, took, &format!("round {round}"));
                if stderr(&output).contains("nothing was changed") {
                    assert!(!changed, "round {round}: it said nothing was changed");
                    outcomes[1] += 1;
                } else {
                    outcomes[2] += 1;
                }
            }
        }
        current = stored;
    }
    eprintln!("saved, nothing changed, unknown: {outcomes:?}");
    assert!(
        outcomes[1] > 0,
        "no round was paused mid-write: {outcomes:?}"
    );
}

/// A transaction of llm-settings' own (its URL, its limits) that holds the
/// writers' lock; returns the connection and its server process.
fn hold_the_writers_lock(url: &str) -> (PgConnection, i32) {
    let mut holder = PgConnection::establish(&llm_settings::store::connection_url(url)).unwrap();
    holder
        .batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({});",
            llm_settings::store::WRITERS_LOCK
        ))
        .unwrap();
    #[derive(diesel::QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    let pid: Vec<Pid> = diesel::RunQueryDsl::load(
        diesel::sql_query("SELECT pg_backend_pid() AS pid"),
        &mut holder,
    )
    .unwrap();
    (holder, pid[0].pid)
}

#[test]
fn writers_behind_a_paused_lock_holder_are_busy_and_readers_go_on() {
    let Some(server) = PgServer::start("writers_behind_a_paused_lock_holder") else {
        return;
    };
    // A URL with options of its own: llm-settings' limits are merged in.
    let url = format!(
        "{}?options=-c%20search_path%3Dpublic&application_name=silence",
        url_with_password(&server)
    );
    let sandbox = Sandbox::new(&url);
    sandbox.run(&["risk", "show"], b"").json_or_text();
    let (_holder, pid) = hold_the_writers_lock(&url);
    let _paused = Paused::signal(vec![pid]);
    for round in 1..=3 {
        let started = Instant::now();
        let run = sandbox.run(
            &[
                "--timeout",
                "20",
                "risk",
                "set",
                &format!("max_open_positions={round}"),
            ],
            b"",
        );
        let took = started.elapsed();
        assert_eq!(run.code(), 1, "{}", run.stderr());
        assert!(
            run.stderr().contains("database busy, try again"),
            "{}",
            run.stderr()
        );
        assert!(
            took < Duration::from_secs(6),
            "writer {round} took {took:?}"
        );

        let started = Instant::now();
        let shown = sandbox.run(&["risk", "show", "--json"], b"").json();
        assert_eq!(shown["max_open_positions"], 5);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "a reader waited"
        );
    }
}

#[test]
fn a_client_suspended_in_its_write_frees_the_lock_within_16_s() {
    let Some(server) = PgServer::start("a_client_suspended_in_its_write") else {
        return;
    };
    let url = url_with_password(&server);
    let sandbox = Sandbox::new(&url);
    sandbox.run(&["risk", "show"], b"").json_or_text();
    // It holds the lock and says nothing more, as a suspended client does.
    let (_holder, _) = hold_the_writers_lock(&url);
    let taken = Instant::now();
    loop {
        let run = sandbox.run(&["risk", "set", "max_open_positions=9"], b"");
        if run.code() == 0 {
            break;
        }
        assert!(run.stderr().contains("busy"), "{}", run.stderr());
        assert!(
            taken.elapsed() < Duration::from_secs(16),
            "still busy after 16 s"
        );
    }
    assert!(
        taken.elapsed() <= Duration::from_secs(16),
        "{:?}",
        taken.elapsed()
    );
    assert!(taken.elapsed() >= Duration::from_secs(14), "freed too soon");
}

#[test]
fn the_console_says_the_database_is_silent_answers_keys_and_quits_within_7_s() {
    let Some(server) = PgServer::start("the_console_says_the_database_is_silent") else {
        return;
    };
    let sandbox = Sandbox::new(&url_with_password(&server));
    sandbox.set_key("openai", &key(1));
    let mut command = sandbox.command(&[]);
    command.env("TERM", "xterm-256color");
    let mut term = PtySession::spawn(command, 100, 30);
    term.wait_for("sk-...0001");
    term.settle(Duration::from_millis(300));

    let paused = server.pause();
    let silent_since = Instant::now();
    // A change in flight: OpenAI switched off.
    term.send(b" ");
    term.wait_for("deactivating OpenAI");
    let deadline = Instant::now() + Duration::from_secs(13);
    while !term
        .screen()
        .screen()
        .contents()
        .contains("The database has not answered for")
    {
        assert!(Instant::now() < deadline, "no word of the silence");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(silent_since.elapsed() <= Duration::from_secs(12) + Duration::from_millis(500));
    // Keys still work.
    term.send(b"?");
    term.wait_for("show or hide this help");
    term.send(b"?");
    let quit = Instant::now();
    term.send(b"q");
    term.wait_for("q again quits now");
    let code = term.wait_exit();
    assert!(
        quit.elapsed() <= Duration::from_secs(7),
        "{:?}",
        quit.elapsed()
    );
    assert_eq!(code, 0);
    drop(paused);
    let screen = term.screen();
    assert!(
        !screen.screen().alternate_screen(),
        "still on the alternate screen"
    );
    assert!(!screen.screen().hide_cursor(), "the cursor is still hidden");
    let output = String::from_utf8_lossy(&term.output()).into_owned();
    assert!(
        output.contains("deactivating OpenAI: not saved"),
        "{}",
        screen.screen().contents()
    );
    assert!(!output.contains("announcement"));
    // It was not saved, indeed.
    let list = sandbox.run(&["providers", "list", "--json"], b"").json();
    assert_eq!(list[0]["is_active"], true);
}

#[test]
fn a_stopped_sqlite_lock_holder_makes_a_write_busy_within_6_s() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox.run(&["risk", "show"], b"").json_or_text();
    // Another process takes SQLite's write lock and stops.
    let mut holder = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys, time\n\
             c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
             c.execute('BEGIN IMMEDIATE')\n\
             c.execute('UPDATE risk_settings SET max_open_positions = max_open_positions')\n\
             print('locked', flush=True)\n\
             time.sleep(120)\n",
            &db.url,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "locked");
    let stopped = Paused::signal(vec![i32::try_from(holder.id()).unwrap()]);

    let started = Instant::now();
    let run = sandbox.run(&["risk", "set", "max_open_positions=8"], b"");
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stderr().contains("database busy, try again"),
        "{}",
        run.stderr()
    );
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    let shown = sandbox.run(&["risk", "show", "--json"], b"").json();
    assert_eq!(shown["max_open_positions"], 5);

    holder.kill().unwrap();
    holder.wait().unwrap();
    drop(stopped);
    assert_eq!(db.raw().integrity_check(), "ok");
    sandbox
        .run(&["risk", "set", "max_open_positions=8"], b"")
        .json();
}

//! Text from the database or a provider cannot take over the terminal, and the running console exposes no key.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::time::Duration;

use common::pty::PtySession;
use common::{Sandbox, TestDb};

/// A window title, a clipboard write (OSC 52) and a screen clear, with
/// markers to find them by.
const TITLE: &str = "\x1b]0;pwned-title\x07";
const CLIPBOARD: &str = "\x1b]52;c;cHduZWQ=\x07";
const CLEAR: &str = "\x1b[2Jpwned-clear";

fn poisoned(sandbox: &Sandbox, db: &TestDb) {
    sandbox
        .run(
            &["providers", "set", "openai"],
            b"sk-proj-UNTRUSTEDuntrusted0000000",
        )
        .json();
    let mut raw = db.raw();
    raw.set_text(
        "openai",
        "base_url",
        &format!("https://x{TITLE}{CLIPBOARD}{CLEAR}"),
    );
    raw.set_text(
        "openai",
        "updated_by",
        &format!("mallory{TITLE}{CLEAR}{CLIPBOARD}"),
    );
    raw.set_text("openai", "key_hint", &format!("sk{CLEAR}"));
}

fn assert_clean(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    for (name, needle) in [
        ("a window title", "\x1b]0;"),
        ("an OSC 52 clipboard write", "\x1b]52"),
        ("any OSC sequence", "\x1b]"),
        ("the injected clear", "\x1b[2Jpwned"),
        ("a BEL", "\x07"),
        ("a C1 CSI", "\u{9b}"),
    ] {
        assert!(!text.contains(needle), "{what} carries {name}");
    }
}

#[test]
fn the_command_line_prints_no_escape_sequence_from_the_database() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    poisoned(&sandbox, &db);
    for args in [
        &["providers", "list"][..],
        &["providers", "list", "--json"],
        &["providers", "delete", "openai"],
    ] {
        let run = sandbox.run(args, b"");
        assert_eq!(run.code(), 0, "{}", run.stderr());
        assert_clean(&run.0.stdout, "stdout");
        assert_clean(&run.0.stderr, "stderr");
    }
}

#[test]
fn the_console_writes_no_escape_sequence_from_the_database() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    poisoned(&sandbox, &db);
    let mut command = sandbox.command(&[]);
    command.env("TERM", "xterm-256color");
    let mut term = PtySession::spawn(command, 120, 30);
    term.wait_for("mallory");
    term.wait_for("https://x");
    term.send(b"b");
    term.wait_for("Base URL for OpenAI");
    term.send(b"\x1b");
    term.settle(Duration::from_millis(200));
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
    assert_clean(&term.output(), "the console's output");
}

#[test]
fn the_running_console_exposes_no_key_and_dumps_no_core() {
    const KEY: &str = "sk-ant-api03-PROCprocPROC0123456789-zz";
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox.set_key("anthropic", KEY);
    let mut command = sandbox.command(&[]);
    command.env("TERM", "xterm-256color");
    let mut term = PtySession::spawn(command, 80, 24);
    term.wait_for("Ollama");
    // A key half typed into the dialog is in the process's memory only.
    term.send(b"\r");
    term.wait_for("Key for OpenAI");
    term.type_text("sk-proj-TYPEDintoTHEdialog");
    term.wait_for("26 characters");
    let pid = term.pid();
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    for (name, bytes) in [("cmdline", &cmdline), ("environ", &environ)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("PROCproc") && !text.contains("TYPEDinto"),
            "/proc/{pid}/{name} holds a key"
        );
    }
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|line| line.starts_with("Max core file size"))
        .unwrap();
    let soft = core.split_whitespace().nth(4).unwrap();
    assert_eq!(soft, "0", "core files are not disabled: {core}");
    term.send(b"\x1b");
    // Esc followed at once by q would read as Alt-q.
    term.wait_for("Cancelled");
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
    assert!(!String::from_utf8_lossy(&term.output()).contains("TYPEDinto"));
}

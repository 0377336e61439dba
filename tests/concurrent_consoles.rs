//! Two admins on one database: each console sees the other's changes on its own, and a stale save is caught.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use common::pty::PtySession;
use common::{Sandbox, TestDb};

fn console(sandbox: &Sandbox, user: &str) -> PtySession {
    let mut command = sandbox.command(&[]);
    command.env("TERM", "xterm-256color").env("USER", user);
    PtySession::spawn(command, 100, 30)
}

#[test]
fn a_save_in_one_console_appears_in_the_other_and_a_stale_save_is_refused() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    // Both consoles use the same master key file.
    sandbox.run(&["providers", "list"], b"").json_or_text();
    let mut alice = console(&sandbox, "alice");
    let mut bob = console(&sandbox, "bob");
    alice.wait_for("Ollama");
    bob.wait_for("Ollama");

    // Bob opens the key dialog of OpenAI before Alice saves.
    bob.send(b"\r");
    bob.wait_for("Key for OpenAI");

    alice.send(b"\r");
    alice.wait_for("Key for OpenAI");
    alice.type_text("sk-proj-ALICEaliceALICEalice-1111");
    alice.send(b"\r");
    alice.wait_for("Saved the key of OpenAI: sk-...1111");

    // Bob's table shows it without a key pressed.
    bob.wait_for("sk-...1111");
    bob.wait_for("alice set the key of OpenAI");

    // Bob's save was based on the state before Alice's: it is refused, and
    // says who changed it.
    bob.type_text("sk-proj-BOBbobBOBbobBOBbobBOB-2222");
    bob.send(b"\r");
    bob.wait_for("OpenAI was changed by alice");
    bob.wait_for("Press Enter again to replace it");
    bob.send(b"\r");
    bob.wait_for("Saved the key of OpenAI: sk-...2222");
    alice.wait_for("bob set the key of OpenAI");
    alice.wait_for("sk-...2222");

    for term in [&mut alice, &mut bob] {
        term.send(b"q");
        assert_eq!(term.wait_exit(), 0);
    }
}

#[test]
fn another_admins_task_change_appears_on_the_tasks_tab_and_a_stale_edit_is_caught() {
    let db = TestDb::sqlite();
    let mut sandbox = Sandbox::new(&db.url);
    sandbox.set_key("openai", "sk-proj-ALICEaliceALICEalice-1111");
    let mut alice = console(&sandbox, "alice");
    alice.wait_for("Ollama");
    alice.send(b"2");
    alice.wait_for("Tasks: 9 will not run");
    // Alice opens Vision's dialog; then Bob, on the command line, assigns it.
    alice.send(b"\x1b[B\r");
    alice.wait_for("Provider");
    sandbox.set_env("USER", "bob");
    sandbox
        .run(&["tasks", "set", "vision", "openai", "gpt-4o"], b"")
        .json();
    alice.wait_for("bob set vision to openai gpt-4o");
    alice.wait_for("Tasks: 8 will not run");
    // Alice's edit was based on the task before Bob's change.
    alice.send(b"\x1b[B\r"); // Gemini
    alice.wait_for("Vision / chart reading was changed by bob");
    alice.wait_for("it runs on openai gpt-4o now");
    alice.send(b"\r");
    alice.wait_for("Vision / chart reading is set to Google Gemini");
    let list = sandbox.run(&["tasks", "list", "--json"], b"").json();
    assert_eq!(list[1]["provider"], "gemini");
    alice.send(b"q");
    assert_eq!(alice.wait_exit(), 0);
}

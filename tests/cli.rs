//! The command line as a process: exit statuses, messages and the JSON shape, field for field.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use common::{Sandbox, TestDb, on_each_backend};
use serde_json::{Value, json};

const KEY: &str = "sk-ant-api03-EEEEEEEEEEEEEEEEEEEEEEEE-abcdef";

fn status_keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn list_json_prints_the_five_statuses_in_order() {
    on_each_backend("list_json_prints_the_five_statuses_in_order", |db| {
        let sandbox = Sandbox::new(&db.url);
        let list = sandbox.run(&["providers", "list", "--json"], b"").json();
        let expected: Vec<Value> = ["openai", "gemini", "anthropic", "openrouter", "ollama"]
            .iter()
            .map(|id| json!({"provider": id, "is_configured": false, "is_active": false, "key_hint": null}))
            .collect();
        assert_eq!(list, Value::Array(expected));
        for status in list.as_array().unwrap() {
            assert_eq!(
                status_keys(status),
                ["is_active", "is_configured", "key_hint", "provider"]
            );
        }
    });
}

#[test]
fn set_reads_the_key_from_stdin_and_prints_the_status() {
    on_each_backend("set_reads_the_key_from_stdin_and_prints_the_status", |db| {
        let sandbox = Sandbox::new(&db.url);
        let run = sandbox.run(
            &["providers", "set", "anthropic"],
            format!("{KEY}\n").as_bytes(),
        );
        assert_eq!(run.code(), 0, "{}", run.stderr());
        assert_eq!(
            run.stdout(),
            "{\"provider\":\"anthropic\",\"is_configured\":true,\"is_active\":true,\"key_hint\":\"sk-...cdef\"}\n"
        );
        assert_eq!(run.stderr(), "");

        let list = sandbox.run(&["providers", "list", "--json"], b"").json();
        assert_eq!(
            list[2],
            json!({"provider": "anthropic", "is_configured": true, "is_active": true, "key_hint": "sk-...cdef"})
        );
        let table = sandbox.run(&["providers", "list"], b"");
        assert_eq!(table.code(), 0);
        let text = table.stdout();
        assert!(
            text.contains("Anthropic") && text.contains("sk-...cdef") && text.contains("tester"),
            "{text}"
        );
        assert!(
            text.lines().any(|l| l.starts_with("Google Gemini")),
            "{text}"
        );
    });
}

#[test]
fn a_key_of_another_shape_is_saved_with_a_warning() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let run = sandbox.run(
        &["providers", "set", "openai"],
        b"AIzaSyFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    );
    assert_eq!(run.code(), 0);
    assert!(
        run.stderr()
            .starts_with("warning: this does not look like a key of OpenAI"),
        "{}",
        run.stderr()
    );
    assert!(!run.stderr().contains("AIzaSyFFFF"));
}

#[test]
fn toggles_delete_and_base_url_print_the_status() {
    on_each_backend("toggles_delete_and_base_url_print_the_status", |db| {
        let sandbox = Sandbox::new(&db.url);
        sandbox
            .run(
                &["providers", "set", "openai"],
                b"sk-proj-GGGGGGGGGGGGGGGGGGGGGGGG1234",
            )
            .json();
        let hint = json!("sk-...1234");
        let off = sandbox
            .run(&["providers", "deactivate", "openai"], b"")
            .json();
        assert_eq!(
            off,
            json!({"provider": "openai", "is_configured": true, "is_active": false, "key_hint": hint})
        );
        let on = sandbox
            .run(&["providers", "activate", "openai"], b"")
            .json();
        assert_eq!(on["is_active"], json!(true));
        let url = sandbox
            .run(
                &[
                    "providers",
                    "base-url",
                    "openai",
                    "https://proxy.example/openai",
                ],
                b"",
            )
            .json();
        assert_eq!(url, on);
        let reset = sandbox
            .run(&["providers", "base-url", "openai", "--reset"], b"")
            .json();
        assert_eq!(reset, on);
        let deleted = sandbox.run(&["providers", "delete", "openai"], b"").json();
        assert_eq!(
            deleted,
            json!({"provider": "openai", "is_configured": false, "is_active": false, "key_hint": null})
        );

        let not_configured = sandbox.run(&["providers", "activate", "openai"], b"");
        assert_eq!(not_configured.code(), 1);
        assert_eq!(not_configured.stdout(), "");
        assert_eq!(
            not_configured.stderr(),
            "error: OpenAI has no key stored; set one first\n"
        );
    });
}

/// Bad input: one clear line on stderr, exit 2, nothing on stdout, and no
/// database or key file created.
#[test]
fn bad_input_exits_2_with_one_line_and_changes_nothing() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let cases: Vec<(Vec<&str>, &[u8], &str)> = vec![
        (
            vec!["providers", "set", "xyz"],
            b"sk-abc",
            "error: Invalid provider: xyz",
        ),
        (
            vec!["providers", "set", "OpenAI"],
            b"sk-abc",
            "error: Invalid provider: OpenAI",
        ),
        (
            vec!["providers", "delete", "xyz"],
            b"",
            "error: Invalid provider: xyz",
        ),
        (
            vec!["providers", "activate", "xyz"],
            b"",
            "error: Invalid provider: xyz",
        ),
        (
            vec!["providers", "deactivate", "xyz"],
            b"",
            "error: Invalid provider: xyz",
        ),
        (
            vec!["providers", "base-url", "xyz", "https://a"],
            b"",
            "error: Invalid provider: xyz",
        ),
        (
            vec!["providers", "set", "openai"],
            b"",
            "error: Key must not be empty",
        ),
        (
            vec!["providers", "set", "openai"],
            b" \n\t\n",
            "error: Key must not be empty",
        ),
        (
            vec!["providers", "set", "openai"],
            b"sk-a b",
            "error: Key must not contain white space",
        ),
        (
            vec!["providers", "set", "openai"],
            b"sk-a\x1bb",
            "error: Key must not contain control characters",
        ),
        (
            vec!["providers", "set", "openai"],
            b"sk-\xff\xfe",
            "error: Key is not valid UTF-8 text",
        ),
        (
            vec!["providers", "set", "openai", "sk-on-argv-secret"],
            b"",
            "error: the key is never taken from the command line",
        ),
        (
            vec!["providers", "base-url", "openai", "ftp://x"],
            b"",
            "error: Invalid base URL",
        ),
        (
            vec!["providers", "base-url", "openai"],
            b"",
            "error: the following required arguments",
        ),
        (
            vec!["providers", "frobnicate"],
            b"",
            "error: unrecognized subcommand",
        ),
        (
            vec!["--database-url", "mysql://h/db", "providers", "list"],
            b"",
            "error: Invalid database URL: unsupported scheme mysql://",
        ),
    ];
    let too_long = format!("sk-{}", "x".repeat(4094));
    let mut cases = cases;
    cases.push((
        vec!["providers", "set", "openai"],
        too_long.as_bytes(),
        "error: Key is longer than 4096 bytes",
    ));
    for (args, stdin, first_line) in &cases {
        let run = sandbox.run(args, stdin);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.stderr());
        assert_eq!(run.stdout(), "", "{args:?}");
        let stderr = run.stderr();
        assert!(stderr.starts_with(first_line), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("sk-on-argv-secret") && !stderr.contains("sk-a"),
            "{stderr}"
        );
    }
    assert!(
        !std::path::Path::new(&db.url).exists(),
        "bad input created the database"
    );
    assert!(
        !sandbox.default_key_file().exists(),
        "bad input created a master key"
    );
}

#[test]
fn an_unreachable_database_exits_1_without_its_password() {
    let sandbox = Sandbox::new("postgres://admin:hunter2secret@127.0.0.1:1/settings");
    let run = sandbox.run(&["providers", "list"], b"");
    assert_eq!(run.code(), 1);
    let stderr = run.stderr();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "error: cannot open the database postgres://admin:***@127.0.0.1:1/settings"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2secret"));

    let missing = Sandbox::new("/nonexistent-folder/settings.db");
    let run = missing.run(&["providers", "list"], b"");
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .starts_with("error: cannot open the database /nonexistent-folder/settings.db"),
        "{}",
        run.stderr()
    );
}

#[test]
fn completions_and_the_man_page_come_from_the_command_definitions() {
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let script = |shell: &str| sandbox.run(&["completions", shell], b"").json_or_text();
    let bash = script("bash");
    assert!(
        bash.contains("complete -F _llm-settings") || bash.contains("_llm__settings"),
        "{bash}"
    );
    for shell_script in [&bash, &script("zsh"), &script("fish")] {
        for word in [
            "providers",
            "telegram",
            "history",
            "check",
            "max-key-age",
            "chat-id",
        ] {
            assert!(shell_script.contains(word), "{word} missing");
        }
    }
    assert!(script("zsh").starts_with("#compdef llm-settings"));
    assert!(script("fish").contains("complete -c llm-settings"));
    let man = sandbox.run(&["man"], b"").json_or_text();
    assert!(man.contains(".TH llm-settings 1"), "{man}");
    for word in [
        "telegram",
        "history",
        "rotate\\-key",
        "\\-\\-database\\-url",
    ] {
        assert!(man.contains(word), "{word} missing from the man page");
    }
    let unknown = sandbox.run(&["completions", "tcsh"], b"");
    assert_eq!(unknown.code(), 2);
    assert!(unknown.stdout().is_empty());
    // The database is not touched: none was made.
    assert!(!std::path::Path::new(&db.url).exists());
}

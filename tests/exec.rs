//! `llm-settings exec`: the command sees exactly the active providers' keys and base URLs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;

use common::{Sandbox, on_each_backend};

const OPENAI: &str = "sk-proj-EXECexecEXECexec000000001111";
const ANTHROPIC: &str = "sk-ant-api03-EXECexecEXECexec-2222";
const GEMINI: &str = "AIzaSyEXECexecEXECexecEXECexec3333";
const OPENROUTER: &str = "sk-or-v1-EXECexecEXECexecEXEC4444";

/// The provider variables in an `env` dump.
fn provider_variables(dump: &str) -> BTreeMap<String, String> {
    dump.lines()
        .filter_map(|line| line.split_once('='))
        .filter(|(name, _)| {
            name.ends_with("_API_KEY")
                || name.ends_with("_BASE_URL")
                || *name == "OLLAMA_HOST"
                || name.starts_with("LLM_SETTINGS")
        })
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

fn set_up(sandbox: &Sandbox) {
    for (provider, key) in [
        ("openai", OPENAI),
        ("anthropic", ANTHROPIC),
        ("gemini", GEMINI),
        ("openrouter", OPENROUTER),
    ] {
        sandbox.set_key(provider, key);
    }
    sandbox
        .run(&["providers", "deactivate", "anthropic"], b"")
        .json();
    sandbox
        .run(
            &[
                "providers",
                "base-url",
                "anthropic",
                "https://proxy.example/anthropic",
            ],
            b"",
        )
        .json();
    sandbox
        .run(
            &[
                "providers",
                "base-url",
                "openrouter",
                "https://proxy.example/openrouter",
            ],
            b"",
        )
        .json();
    sandbox.set_base_url("ollama", "http://127.0.0.1:11435");
}

fn run_and_dump(sandbox: &Sandbox, extra: &[&str]) -> (common::Run, Option<String>) {
    let dump = sandbox.home.path().join("env.txt");
    let _ = std::fs::remove_file(&dump);
    let mut args = vec!["exec"];
    args.extend_from_slice(extra);
    let script = format!("env > '{}'", dump.display());
    args.extend_from_slice(&["--", "sh", "-c", &script]);
    let run = sandbox.run(&args, b"");
    (run, std::fs::read_to_string(&dump).ok())
}

#[test]
fn the_command_sees_exactly_the_active_keys_and_base_urls() {
    on_each_backend(
        "the_command_sees_exactly_the_active_keys_and_base_urls",
        |db| {
            let mut sandbox = Sandbox::new(&db.url);
            set_up(&sandbox);
            // Stale and more secret variables the command must not inherit.
            sandbox.set_env("ANTHROPIC_API_KEY", "stale-anthropic");
            sandbox.set_env("OPENAI_API_KEY", "stale-openai");
            sandbox.set_env(
                "LLM_SETTINGS_KEY_FILE",
                &sandbox.default_key_file().display().to_string(),
            );

            let (run, dump) = run_and_dump(&sandbox, &[]);
            assert_eq!(run.code(), 0, "{}", run.stderr());
            let seen = provider_variables(&dump.expect("the command ran"));
            let expected: BTreeMap<String, String> = [
                ("OPENAI_API_KEY", OPENAI),
                ("GEMINI_API_KEY", GEMINI),
                ("OPENROUTER_API_KEY", OPENROUTER),
                ("OPENROUTER_BASE_URL", "https://proxy.example/openrouter"),
                ("OLLAMA_HOST", "http://127.0.0.1:11435"),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
            assert_eq!(seen, expected, "{:?}", db.backend);
            for key in [OPENAI, ANTHROPIC, GEMINI, OPENROUTER] {
                assert!(!run.stdout().contains(key) && !run.stderr().contains(key));
            }

            let (run, dump) = run_and_dump(&sandbox, &["--only", "openai", "--only", "gemini"]);
            assert_eq!(run.code(), 0, "{}", run.stderr());
            let seen = provider_variables(&dump.unwrap());
            assert_eq!(
                seen.keys().collect::<Vec<_>>(),
                ["GEMINI_API_KEY", "OPENAI_API_KEY"]
            );
        },
    );
}

#[test]
fn the_exit_status_is_the_commands_and_refusals_run_nothing() {
    on_each_backend(
        "the_exit_status_is_the_commands_and_refusals_run_nothing",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            set_up(&sandbox);
            assert_eq!(
                sandbox
                    .run(&["exec", "--", "sh", "-c", "exit 7"], b"")
                    .code(),
                7
            );
            assert_eq!(sandbox.run(&["exec", "--", "true"], b"").code(), 0);

            let (run, dump) = run_and_dump(&sandbox, &["--only", "anthropic"]);
            assert_eq!(run.code(), 1);
            assert!(
                run.stderr()
                    .starts_with("error: Anthropic is not active with a key"),
                "{}",
                run.stderr()
            );
            assert!(dump.is_none(), "the command ran");

            let (run, dump) = run_and_dump(&sandbox, &["--only", "xyz"]);
            assert_eq!(run.code(), 2);
            assert_eq!(run.stderr(), "error: Invalid provider: xyz\n");
            assert!(dump.is_none());

            let run = sandbox.run(&["exec", "--", "/nonexistent/program"], b"");
            assert_eq!(run.code(), 1);
            assert!(
                run.stderr()
                    .starts_with("error: cannot run /nonexistent/program")
            );

            // A value that does not decrypt stops exec before the command runs.
            let mut raw = db.raw();
            let mut value = raw.sealed_value("gemini").unwrap();
            *value.last_mut().unwrap() ^= 1;
            raw.set_sealed_value("gemini", &value);
            let (run, dump) = run_and_dump(&sandbox, &[]);
            assert_eq!(run.code(), 1);
            assert!(
                run.stderr()
                    .starts_with("error: the key of Google Gemini cannot be read"),
                "{}",
                run.stderr()
            );
            assert!(dump.is_none(), "the command ran");
        },
    );
}

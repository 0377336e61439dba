//! Tasks: which provider and model each task runs on, through the library and the binary, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;

use common::http::{Answer, TestServer};
use common::{Sandbox, TestDb, on_each_backend, open_settings, open_settings_as};
use llm_settings::settings::TaskChange;
use llm_settings::{Error, ModelName, Provider, Task, TaskStatus};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

const OPENAI_KEY: &str = "sk-proj-TASKStasksTASKStasks-1111";
const ANTHROPIC_KEY: &str = "sk-ant-api03-TASKStasksTASKS-2222";

fn model(name: &str) -> ModelName {
    ModelName::parse(name).unwrap()
}

/// Every task id, searched in the program's sources: only the registry
/// names them, so no other list of the tasks exists to drift from it.
#[test]
fn the_registry_is_the_only_list_of_tasks() {
    let mut found = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.ends_with("src/task.rs") {
            continue;
        }
        // Comments and help texts may show an example, and unit tests use
        // tasks as data; the program's code may not name one.
        let source = std::fs::read_to_string(&path).unwrap();
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        let text: String = code
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for task in Task::ALL {
            let quoted = format!("\"{}\"", task.id());
            if text.contains(&quoted) {
                found.push(format!("{} in {}", quoted, path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "tasks named outside src/task.rs: {found:?}"
    );
    // The nine, in the contract's order.
    let ids: Vec<&str> = Task::ALL.iter().map(|task| task.id()).collect();
    assert_eq!(
        ids,
        [
            "market_analysis",
            "vision",
            "execution_decision",
            "maintenance_technical",
            "maintenance_sentiment",
            "maintenance_decision",
            "news_analysis",
            "post_trade_analysis",
            "indicator_agent"
        ]
    );
}

#[test]
fn statuses_follow_the_providers_and_nothing_falls_back() {
    on_each_backend(
        "statuses_follow_the_providers_and_nothing_falls_back",
        |db| {
            let mut settings = open_settings(db);
            let secret = |key: &str| SecretString::from(key.to_owned());
            settings
                .save_key(Provider::OpenAi, &secret(OPENAI_KEY))
                .unwrap();
            settings
                .save_key(Provider::Anthropic, &secret(ANTHROPIC_KEY))
                .unwrap();
            settings.set_active(Provider::Anthropic, false).unwrap();
            let assign = |settings: &mut llm_settings::Settings, task, provider, name: &str| {
                settings.set_task(task, provider, &model(name)).unwrap()
            };
            assert_eq!(
                assign(&mut settings, Task::Vision, Provider::OpenAi, "gpt-4o").status,
                TaskStatus::Ready
            );
            assert_eq!(
                assign(&mut settings, Task::NewsAnalysis, Provider::Anthropic, "").status,
                TaskStatus::Inactive
            );
            assert_eq!(
                assign(
                    &mut settings,
                    Task::MarketAnalysis,
                    Provider::Gemini,
                    "gemini-1.5-pro"
                )
                .status,
                TaskStatus::NoKey
            );
            assert_eq!(
                assign(
                    &mut settings,
                    Task::IndicatorAgent,
                    Provider::Ollama,
                    "llama3.1:8b"
                )
                .status,
                TaskStatus::Ready
            );

            let statuses: BTreeMap<Task, TaskStatus> = settings
                .tasks()
                .unwrap()
                .into_iter()
                .map(|assignment| (assignment.task, assignment.status))
                .collect();
            assert_eq!(statuses[&Task::ExecutionDecision], TaskStatus::Unassigned);
            assert_eq!(statuses.len(), 9);

            // A task that is not ready is an error naming the reason.
            for (task, expected) in [
                (
                    Task::NewsAnalysis,
                    "news_analysis will not run until Anthropic is active",
                ),
                (
                    Task::MarketAnalysis,
                    "market_analysis will not run until Google Gemini has a key",
                ),
                (
                    Task::ExecutionDecision,
                    "execution_decision has no provider assigned, so it does not run",
                ),
            ] {
                let error = settings.task_runtime(task).unwrap_err();
                assert!(matches!(error, Error::TaskNotReady { .. }));
                assert_eq!(error.to_string(), expected);
            }
            let runtime = settings.task_runtime(Task::Vision).unwrap();
            assert_eq!(
                (runtime.provider, runtime.model_name.as_str()),
                (Provider::OpenAi, "gpt-4o")
            );
            assert_eq!(runtime.key.as_ref().unwrap().expose_secret(), OPENAI_KEY);
            assert!(!format!("{runtime:?}").contains(OPENAI_KEY));
            let ollama = settings.task_runtime(Task::IndicatorAgent).unwrap();
            assert!(ollama.key.is_none(), "Ollama runs without a key");

            // Deleting and deactivating keep the assignment, with the status that says why.
            settings.delete_key(Provider::OpenAi).unwrap();
            assert_eq!(
                settings.task(Task::Vision).unwrap().status,
                TaskStatus::NoKey
            );
            assert_eq!(
                settings.task(Task::Vision).unwrap().provider,
                Some(Provider::OpenAi)
            );
            assert_eq!(
                settings.tasks_using(Provider::OpenAi).unwrap(),
                [Task::Vision]
            );
            // A key that no longer decrypts counts as no key.
            let mut raw = db.raw();
            let mut bytes = raw.sealed_value("anthropic").unwrap();
            *bytes.last_mut().unwrap() ^= 1;
            raw.set_sealed_value("anthropic", &bytes);
            settings.set_active(Provider::Anthropic, true).unwrap();
            assert_eq!(
                settings.task(Task::NewsAnalysis).unwrap().status,
                TaskStatus::NoKey
            );
        },
    );
}

/// The audit entries of the tasks: (action, subject, old, new).
fn task_trail(
    settings: &mut llm_settings::Settings,
) -> Vec<(String, String, Option<String>, Option<String>)> {
    settings
        .audit_trail()
        .unwrap()
        .into_iter()
        .filter(|row| row.group_name == "tasks")
        .map(|row| {
            (
                row.action,
                row.subject.unwrap(),
                row.old_value,
                row.new_value,
            )
        })
        .collect()
}

#[test]
fn changes_are_audited_once_and_revisions_keep_counting_across_a_clear() {
    on_each_backend(
        "changes_are_audited_once_and_revisions_keep_counting_across_a_clear",
        |db| {
            let mut settings = open_settings(db);
            settings
                .set_task(Task::Vision, Provider::OpenAi, &model("gpt-4o"))
                .unwrap();
            settings
                .set_task(Task::Vision, Provider::OpenAi, &model("gpt-4o"))
                .unwrap(); // the same: no entry
            settings
                .set_task(Task::Vision, Provider::OpenRouter, &model("openai/gpt-4o"))
                .unwrap();
            settings.clear_task(Task::Vision).unwrap();
            settings.clear_task(Task::Vision).unwrap(); // cleared already: no entry
            settings
                .set_task(Task::Vision, Provider::Ollama, &model(""))
                .unwrap();
            let s = |text: &str| Some(text.to_owned());
            assert_eq!(
                task_trail(&mut settings),
                [
                    ("set".into(), "vision".into(), None, s("openai gpt-4o")),
                    (
                        "set".into(),
                        "vision".into(),
                        s("openai gpt-4o"),
                        s("openrouter openai/gpt-4o")
                    ),
                    (
                        "clear".into(),
                        "vision".into(),
                        s("openrouter openai/gpt-4o"),
                        None
                    ),
                    ("set".into(), "vision".into(), None, s("ollama")),
                ]
            );
            let state = settings.task_state(Task::Vision).unwrap();
            assert_eq!(state.revision, 4, "the clear counts: no revision is reused");
            assert_eq!(state.changed_by.as_deref(), Some("alice from 203.0.113.7"));
            assert_eq!(
                db.raw()
                    .count("SELECT revision AS n FROM task_llm_assignments WHERE task = 'vision'"),
                4
            );
            assert_eq!(
                db.raw()
                    .count("SELECT COUNT(*) AS n FROM task_llm_assignments"),
                1
            );

            // Another admin's change is not overwritten at an older revision.
            let mut bob = open_settings_as(db, "bob", None);
            let change = TaskChange {
                task: Task::Vision,
                assignment: Some((Provider::Anthropic, model("claude-sonnet-4"))),
            };
            match bob.change_task_at_revision(&change, 3).unwrap() {
                llm_settings::SaveOutcome::Conflict(state) => {
                    assert_eq!(state.revision, 4);
                    assert_eq!(state.assignment.provider, Some(Provider::Ollama));
                }
                other => panic!("{other:?}"),
            }
            assert!(matches!(
                bob.change_task_at_revision(&change, 4).unwrap(),
                llm_settings::SaveOutcome::Saved(_)
            ));
            assert_eq!(bob.task_state(Task::Vision).unwrap().revision, 5);
        },
    );
}

#[test]
fn apply_writes_all_of_it_or_nothing() {
    on_each_backend("apply_writes_all_of_it_or_nothing", |db| {
        let sandbox = Sandbox::new(&db.url);
        let listed = sandbox
            .run(
                &["tasks", "apply"],
                br#"[{"task": "vision", "provider": "openai", "model_name": "gpt-4o"},
                     {"task": "news_analysis", "provider": "ollama", "model_name": "llama3.1:8b"}]"#,
            )
            .json();
        assert_eq!(listed.as_array().unwrap().len(), 9);
        assert_eq!(
            listed[1],
            json!({"task": "vision", "provider": "openai", "model_name": "gpt-4o", "status": "no_key"})
        );
        assert_eq!(listed[6]["status"], "ready");

        let before = sandbox.run(&["tasks", "list", "--json"], b"").json();
        let audit_before = db
            .raw()
            .count("SELECT COUNT(*) AS n FROM llm_settings_audit");
        for (input, message) in [
            (
                &br#"[{"task": "vision", "provider": null}, {"task": "xyz", "provider": "openai"}]"#[..],
                "error: tasks apply: entry 2: Invalid task: xyz\n",
            ),
            (
                br#"[{"task": "vision", "provider": "OpenAI"}]"#,
                "error: tasks apply: entry 1: Invalid provider: OpenAI\n",
            ),
            (
                br#"[{"task": "vision", "provider": ""}, {"task": "vision", "provider": "gemini"}]"#,
                "error: tasks apply: entry 2: vision appears more than once\n",
            ),
            (
                br#"[{"task": "vision", "provider": "openai", "modle_name": "gpt-4o"}]"#,
                "error: tasks apply: the input is not a JSON array of {\"task\", \"provider\", \"model_name\"}: unknown field `modle_name`, expected one of `task`, `provider`, `model_name`, `status` at line 1 column 54\n",
            ),
            (
                br#"[{"task": "vision", "provider": null, "model_name": "gpt-4o"}]"#,
                "error: tasks apply: entry 1: a model_name needs a provider\n",
            ),
            (
                br#"[{"task": "market_analysis", "provider": "gemini", "model_name": "has space"}]"#,
                "error: tasks apply: entry 1: model_name must be at most 128 printable ASCII characters without white space (empty for the provider's default model)\n",
            ),
        ] {
            let run = sandbox.run(&["tasks", "apply"], input);
            assert_eq!(run.code(), 2, "{}", run.stderr());
            assert_eq!(run.stderr(), message);
            assert_eq!(run.stdout(), "");
        }
        let run = sandbox.run(&["tasks", "apply"], b"not json");
        assert_eq!(run.code(), 2);
        assert!(
            run.stderr()
                .starts_with("error: tasks apply: the input is not a JSON array")
        );
        assert_eq!(
            sandbox.run(&["tasks", "list", "--json"], b"").json(),
            before
        );
        assert_eq!(
            db.raw()
                .count("SELECT COUNT(*) AS n FROM llm_settings_audit"),
            audit_before
        );

        // What `list --json` prints can be applied back: nothing changes.
        let round_trip = sandbox
            .run(&["tasks", "apply"], before.to_string().as_bytes())
            .json();
        assert_eq!(round_trip, before);
        assert_eq!(
            db.raw()
                .count("SELECT COUNT(*) AS n FROM llm_settings_audit"),
            audit_before
        );
    });
}

#[test]
fn the_command_line_sets_clears_and_refuses_with_the_contracts_messages() {
    on_each_backend(
        "the_command_line_sets_clears_and_refuses_with_the_contracts_messages",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            let run = sandbox.run(&["tasks", "set", "vision", "openai", "gpt-4o"], b"");
            assert_eq!(
                run.json(),
                json!({"task": "vision", "provider": "openai", "model_name": "gpt-4o", "status": "no_key"})
            );
            assert_eq!(
                run.stderr(),
                "warning: vision will not run until OpenAI has a key (status no_key)\n"
            );
            sandbox.set_key("openai", OPENAI_KEY);
            let run = sandbox.run(&["tasks", "set", "news_analysis", "openai"], b"");
            assert_eq!(run.json()["model_name"], "");
            assert_eq!(run.json()["status"], "ready");
            assert_eq!(run.stderr(), "");

            for (args, message) in [
                (
                    &["tasks", "set", "xyz", "openai"][..],
                    "error: Invalid task: xyz\n",
                ),
                (
                    &["tasks", "set", "vision", "xyz"],
                    "error: Invalid provider: xyz\n",
                ),
                (
                    &["tasks", "set", "Vision", "openai"],
                    "error: Invalid task: Vision\n",
                ),
                (&["tasks", "clear", "xyz"], "error: Invalid task: xyz\n"),
                (
                    &["tasks", "set", "vision", "openai", "gpt 4o"],
                    "error: model_name must be at most 128 printable ASCII characters without white space (empty for the provider's default model)\n",
                ),
            ] {
                let run = sandbox.run(args, b"");
                assert_eq!(
                    (run.code(), run.stderr().as_str()),
                    (2, message),
                    "{args:?}"
                );
            }
            let long = "m".repeat(129);
            assert_eq!(
                sandbox
                    .run(&["tasks", "set", "vision", "openai", &long], b"")
                    .code(),
                2
            );

            // Deleting and deactivating a provider that tasks use say which.
            let run = sandbox.run(&["providers", "deactivate", "openai"], b"");
            assert_eq!(run.code(), 0);
            assert_eq!(
                run.stderr(),
                "warning: tasks vision, news_analysis use OpenAI and will not run until it is active again\n"
            );
            let run = sandbox.run(&["providers", "delete", "openai"], b"");
            assert_eq!(
                run.stderr(),
                "warning: tasks vision, news_analysis use OpenAI and will not run until it has a key again\n"
            );
            let list = sandbox.run(&["tasks", "list", "--json"], b"").json();
            assert_eq!(list[1]["provider"], "openai", "the assignment is kept");
            assert_eq!(list[1]["status"], "no_key");

            // A stale write is refused with exit 1; the revision is in the table.
            let table = sandbox.run(&["tasks", "list"], b"").json_or_text();
            assert!(table.starts_with("TASK "), "{table}");
            assert!(
                table.contains("vision                 openai    gpt-4o"),
                "{table}"
            );
            let run = sandbox.run(&["tasks", "clear", "vision", "--expect-revision", "0"], b"");
            assert_eq!(run.code(), 1);
            assert!(run.stderr().starts_with("error: vision changed since revision 0: it is at revision 1 now, changed by tester"), "{}", run.stderr());
            let cleared = sandbox
                .run(&["tasks", "clear", "vision", "--expect-revision", "1"], b"")
                .json();
            assert_eq!(
                cleared,
                json!({"task": "vision", "provider": null, "model_name": "", "status": "unassigned"})
            );
        },
    );
}

#[test]
fn exec_with_a_task_hands_over_only_that_tasks_provider() {
    on_each_backend(
        "exec_with_a_task_hands_over_only_that_tasks_provider",
        |db| {
            let mut sandbox = Sandbox::new(&db.url);
            sandbox.set_key("openai", OPENAI_KEY);
            sandbox.set_key("anthropic", ANTHROPIC_KEY);
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
                    &["tasks", "set", "vision", "anthropic", "claude-sonnet-4"],
                    b"",
                )
                .json();
            sandbox
                .run(&["tasks", "set", "news_analysis", "ollama"], b"")
                .json();
            sandbox
                .run(&["tasks", "set", "market_analysis", "gemini"], b"")
                .json();
            // Stale values the command would otherwise inherit.
            sandbox.set_env("OPENAI_API_KEY", "stale");
            sandbox.set_env("LLM_TASK_MODEL", "stale");

            let run = sandbox.run(&["exec", "--task", "vision", "--", "env"], b"");
            let env = common::environment_of(&run.json_or_text());
            let relevant: BTreeMap<&str, &str> = env
                .iter()
                .filter(|(name, _)| {
                    name.ends_with("_API_KEY")
                        || name.ends_with("_BASE_URL")
                        || name.starts_with("LLM_")
                        || *name == "OLLAMA_HOST"
                })
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            assert_eq!(
                relevant,
                BTreeMap::from([
                    ("ANTHROPIC_API_KEY", ANTHROPIC_KEY),
                    ("ANTHROPIC_BASE_URL", "https://proxy.example/anthropic"),
                    ("LLM_TASK_PROVIDER", "anthropic"),
                    ("LLM_TASK_MODEL", "claude-sonnet-4"),
                ])
            );

            let run = sandbox.run(&["exec", "--task", "news_analysis", "--", "env"], b"");
            let out = run.json_or_text();
            assert!(
                out.contains("LLM_TASK_PROVIDER=ollama\n") && out.contains("LLM_TASK_MODEL=\n"),
                "{out}"
            );
            assert!(!out.contains("API_KEY="), "{out}");

            // Not ready: exit 1, and the command does not run.
            let marker = sandbox.home.path().join("ran");
            for (task, message) in [
                (
                    "market_analysis",
                    "error: market_analysis will not run until Google Gemini has a key\n",
                ),
                (
                    "execution_decision",
                    "error: execution_decision has no provider assigned, so it does not run\n",
                ),
            ] {
                let run = sandbox.run(
                    &[
                        "exec",
                        "--task",
                        task,
                        "--",
                        "touch",
                        marker.to_str().unwrap(),
                    ],
                    b"",
                );
                assert_eq!((run.code(), run.stderr().as_str()), (1, message));
                assert!(!marker.exists(), "the command ran");
            }
            let run = sandbox.run(&["exec", "--task", "xyz", "--", "true"], b"");
            assert_eq!(
                (run.code(), run.stderr().as_str()),
                (2, "error: Invalid task: xyz\n")
            );
            let run = sandbox.run(
                &["exec", "--task", "vision", "--only", "openai", "--", "true"],
                b"",
            );
            assert_eq!(run.code(), 2, "--task and --only do not go together");
        },
    );
}

#[test]
fn a_providers_models_are_listed_with_its_stored_key() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let server = TestServer::start(Answer::Status(
        200,
        r#"{"object":"list","data":[{"id":"gpt-4o-mini"},{"id":"gpt-4o"},{"id":"bad id"}]}"#.into(),
    ));
    sandbox.set_key("openai", OPENAI_KEY);
    sandbox.set_base_url("openai", &server.base_url());

    let run = sandbox.run(&["providers", "models", "openai", "--json"], b"");
    assert_eq!(run.json(), json!(["gpt-4o", "gpt-4o-mini"]));
    let request = server.next_request();
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {OPENAI_KEY}").as_str())
    );
    let run = sandbox.run(&["providers", "models", "openai"], b"");
    assert_eq!(run.json_or_text(), "gpt-4o\ngpt-4o-mini\n");
    let _ = server.next_request();

    // Each provider's own list request.
    for (provider, key, path) in [
        ("anthropic", ANTHROPIC_KEY, "/v1/models?limit=1000"),
        (
            "gemini",
            "AIzaSyMODELSmodelsMODELS",
            "/v1beta/models?pageSize=1000",
        ),
        ("openrouter", "sk-or-v1-MODELSmodels", "/api/v1/models"),
        ("ollama", "proxy-token-models", "/api/tags"),
    ] {
        sandbox.set_key(provider, key);
        sandbox.set_base_url(provider, &server.base_url());
        // The answer is OpenAI's shape: only the request is checked here.
        sandbox.run(&["providers", "models", provider, "--json"], b"");
        let request = server.next_request();
        assert_eq!(request.target, path, "{provider}");
        assert!(
            request.headers.iter().any(|(_, value)| value.contains(key)),
            "{provider}"
        );
    }

    let refused = TestServer::start(Answer::Status(
        401,
        r#"{"error":{"message":"Incorrect API key"}}"#.into(),
    ));
    sandbox.set_base_url("openai", &refused.base_url());
    let run = sandbox.run(&["providers", "models", "openai", "--json"], b"");
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .starts_with("error: cannot list the models of OpenAI: refused (HTTP 401"),
        "{}",
        run.stderr()
    );
    assert!(!run.stderr().contains(OPENAI_KEY));
    let run = sandbox.run(&["providers", "models", "gemini2"], b"");
    assert_eq!(
        (run.code(), run.stderr().as_str()),
        (2, "error: Invalid provider: gemini2\n")
    );
}

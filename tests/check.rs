//! `check` through the binary: a healthy database reports nothing (exit 0); each problem on its own is one finding (exit 1).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::os::unix::fs::PermissionsExt;

use common::http::{Answer, TestServer};
use common::{Sandbox, TestDb, on_each_backend};
use serde_json::Value;

const KEY: &str = "sk-proj-CHECKcheckCHECK0123456789abcd";
const TOKEN: &str = "123456789:AAEcheckCHECKcheck_0123456789-KQ1c";
const TASKS: [&str; 9] = [
    "market_analysis",
    "vision",
    "execution_decision",
    "maintenance_technical",
    "maintenance_sentiment",
    "maintenance_decision",
    "news_analysis",
    "post_trade_analysis",
    "indicator_agent",
];

/// A database with nothing to report: a key, every task on it, every
/// risk check on, the bot on and tested.
fn healthy(db: &TestDb, telegram: &TestServer) -> Sandbox {
    let sandbox = Sandbox::new(&db.url);
    let run = |args: &[&str], input: &str| {
        let run = sandbox.run(args, input.as_bytes());
        assert_eq!(run.code(), 0, "{args:?}: {}", run.stderr());
    };
    run(&["providers", "set", "openai"], KEY);
    for task in TASKS {
        run(&["tasks", "set", task, "openai", "gpt-4o"], "");
    }
    run(
        &[
            "risk",
            "set",
            "drawdown_check_enabled=on",
            "position_limit_enabled=on",
            "rate_limit_enabled=on",
        ],
        "",
    );
    run(&["telegram", "set", "--chat-id", "-100"], TOKEN);
    run(&["telegram", "base-url", &telegram.base_url()], "");
    run(&["telegram", "test"], "");
    sandbox
}

fn ok_bot() -> TestServer {
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

/// Runs `check --json`: its findings as (severity, group, subject), and the exit status.
fn findings(sandbox: &Sandbox, args: &[&str]) -> (Vec<(String, String, String)>, i32, Value) {
    let mut all = vec!["check", "--json"];
    all.extend_from_slice(args);
    let run = sandbox.run(&all, b"");
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    let json: Value = serde_json::from_str(&run.stdout()).unwrap();
    let found = json
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let text = |name: &str| item[name].as_str().unwrap_or("null").to_owned();
            assert!(!text("message").is_empty());
            (text("severity"), text("group"), text("subject"))
        })
        .collect();
    (found, run.code(), json)
}

fn one(severity: &str, group: &str, subject: &str) -> Vec<(String, String, String)> {
    vec![(severity.into(), group.into(), subject.into())]
}

#[test]
fn a_healthy_database_reports_nothing_and_each_problem_alone_is_one_finding() {
    on_each_backend(
        "a_healthy_database_reports_nothing_and_each_problem_alone_is_one_finding",
        |db| {
            let bot = ok_bot();
            let sandbox = healthy(db, &bot);
            let text = sandbox.run(&["check"], b"");
            assert_eq!(text.code(), 0, "{}", text.stdout());
            assert_eq!(text.stdout(), "Nothing needs an admin.\n");
            assert_eq!(findings(&sandbox, &[]), (vec![], 0, serde_json::json!([])));

            // A risk check off.
            sandbox
                .run(&["risk", "set", "rate_limit_enabled=off"], b"")
                .json();
            let (found, code, json) = findings(&sandbox, &[]);
            assert_eq!(
                (found, code),
                (one("warning", "risk", "rate_limit_enabled"), 1)
            );
            assert!(
                json[0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("risk set rate_limit_enabled=on")
            );
            let text = sandbox.run(&["check"], b"");
            assert_eq!(text.code(), 1);
            assert!(
                text.stdout()
                    .starts_with("warning  risk.rate_limit_enabled  Trade rate limit is off"),
                "{}",
                text.stdout()
            );
            assert!(
                text.stderr().is_empty(),
                "the findings are the output: {}",
                text.stderr()
            );
            sandbox
                .run(&["risk", "set", "rate_limit_enabled=on"], b"")
                .json();

            // A task not assigned: nothing falls back.
            sandbox.run(&["tasks", "clear", "vision"], b"").json();
            assert_eq!(findings(&sandbox, &[]).0, one("error", "tasks", "vision"));
            sandbox
                .run(&["tasks", "set", "vision", "openai"], b"")
                .json();

            // The provider switched off: all nine tasks stop.
            sandbox
                .run(&["providers", "deactivate", "openai"], b"")
                .json();
            let (found, code, _) = findings(&sandbox, &[]);
            assert_eq!(code, 1);
            assert_eq!(found.len(), 9, "{found:?}");
            assert!(
                found
                    .iter()
                    .all(|(severity, group, _)| severity == "error" && group == "tasks")
            );
            sandbox
                .run(&["providers", "activate", "openai"], b"")
                .json();

            // A key that does not decrypt.
            let mut raw = db.raw();
            let sealed = raw.sealed_value("openai").unwrap();
            let mut tampered = sealed.clone();
            *tampered.last_mut().unwrap() ^= 1;
            raw.set_sealed_value("openai", &tampered);
            let (found, _, json) = findings(&sandbox, &[]);
            assert_eq!(found[0], one("error", "providers", "openai")[0]);
            assert!(
                json[0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("set it again")
            );
            // ...and so the tasks on it do not run either.
            assert_eq!(found.len(), 10, "{found:?}");
            raw.set_sealed_value("openai", &sealed);
            assert_eq!(findings(&sandbox, &[]).1, 0);

            // A key older than the limit, from the trail.
            raw.execute(match db.backend {
                common::Backend::Sqlite => {
                    "UPDATE llm_settings_audit SET at = datetime(at, '-100 days') WHERE group_name = 'providers'"
                }
                common::Backend::Postgres => {
                    "UPDATE llm_settings_audit SET at = at - INTERVAL '100 days' WHERE group_name = 'providers'"
                }
            });
            let (found, _, json) = findings(&sandbox, &[]);
            assert_eq!(found, one("warning", "providers", "openai"));
            assert!(
                json[0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("was set 100 days ago (more than 90)"),
                "{json}"
            );
            assert_eq!(findings(&sandbox, &["--max-key-age", "101"]).1, 0);
            assert_eq!(findings(&sandbox, &["--max-key-age", "99"]).0.len(), 1);
            sandbox
                .run(&["providers", "set", "openai"], KEY.as_bytes())
                .json();
            assert_eq!(findings(&sandbox, &[]).1, 0, "a key set again is new");

            // The bot on, its last test failed; then never tested.
            let refusing = TestServer::start(Answer::Status(
                401,
                r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#.into(),
            ));
            sandbox
                .run(&["telegram", "base-url", &refusing.base_url()], b"")
                .json();
            assert_eq!(
                findings(&sandbox, &[]).0,
                one("warning", "telegram", "null")
            );
            assert_eq!(sandbox.run(&["telegram", "test"], b"").code(), 1);
            let (found, _, json) = findings(&sandbox, &[]);
            assert_eq!(found, one("error", "telegram", "null"));
            assert!(
                json[0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("token is wrong or revoked"),
                "{json}"
            );
            // Off, the bot needs nothing.
            sandbox.run(&["telegram", "disable"], b"").json();
            assert_eq!(findings(&sandbox, &[]).1, 0);

            // A risk row written around llm-settings that breaks a rule.
            raw.execute(match db.backend {
                common::Backend::Sqlite => {
                    "PRAGMA ignore_check_constraints = ON; UPDATE risk_settings SET max_open_positions = 0"
                }
                common::Backend::Postgres => {
                    "ALTER TABLE risk_settings DROP CONSTRAINT risk_settings_max_open_positions_check; \
                     UPDATE risk_settings SET max_open_positions = 0"
                }
            });
            let (found, _, json) = findings(&sandbox, &[]);
            assert_eq!(found, one("error", "risk", "null"));
            assert!(
                json[0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("max_open_positions")
            );
            raw.execute("UPDATE risk_settings SET max_open_positions = 5");

            // The master key file readable by others: every other command
            // refuses to start, check reports it and goes on.
            let key_file = sandbox.default_key_file();
            std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
            let refused = sandbox.run(&["providers", "list"], b"");
            assert_eq!(refused.code(), 1);
            let (found, code, json) = findings(&sandbox, &[]);
            assert_eq!((found, code), (one("error", "master_key", "null"), 1));
            assert!(json[0]["message"].as_str().unwrap().contains("chmod 600"));
            std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
            assert_eq!(findings(&sandbox, &[]).1, 0);

            for run in [
                sandbox.run(&["check"], b""),
                sandbox.run(&["check", "--json"], b""),
            ] {
                assert!(!run.stdout().contains(KEY) && !run.stdout().contains(&TOKEN[10..]));
            }
        },
    );
}

#[test]
fn bad_input_is_exit_2_and_a_fault_exit_1() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    for days in ["0", "-5", "x", "1.5"] {
        let run = sandbox.run(&["check", "--max-key-age", days], b"");
        assert_eq!(run.code(), 2, "{days}");
        assert!(run.stdout().is_empty());
        // One line that names the option and what it allows.
        assert_eq!(
            run.stderr(),
            format!("error: --max-key-age must be a whole number of days from 1, not {days}\n")
        );
    }
    let other = sandbox.home.path().join("other.key");
    sandbox
        .run(&["providers", "set", "openai"], KEY.as_bytes())
        .json();
    common::write_key_file(&other);
    let wrong = sandbox.run(&["check", "--key-file", other.to_str().unwrap()], b"");
    assert_eq!(wrong.code(), 1);
    assert!(
        wrong.stderr().starts_with("error: sealed"),
        "{}",
        wrong.stderr()
    );
}

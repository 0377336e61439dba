//! The history through the binary: every kind of change of every group, once, in order, with its values, and never a secret.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use base64::Engine;
use common::{Sandbox, on_each_backend, write_key_file};
use serde_json::Value;

const FIRST_KEY: &str = "sk-proj-HISTORYfirst0123456789aaaa1111";
const SECOND_KEY: &str = "sk-proj-HISTORYsecond0123456789bbbb2222";
const TOKEN: &str = "123456789:AAEhistoryHISTORYhistory_0123456-KQ1c";

/// The secrets are nowhere in `bytes`: as text, as hex, as base64.
fn assert_no_secret(bytes: &[u8], what: &str) {
    for secret in [FIRST_KEY, SECOND_KEY, TOKEN] {
        let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
        let base64 = base64::engine::general_purpose::STANDARD.encode(secret);
        for needle in [secret.to_owned(), hex, base64, secret[12..28].to_owned()] {
            assert!(
                !bytes
                    .windows(needle.len())
                    .any(|window| window == needle.as_bytes()),
                "{what} holds {needle}"
            );
        }
    }
}

#[test]
fn every_change_of_every_group_is_listed_once_in_order_without_a_secret() {
    on_each_backend(
        "every_change_of_every_group_is_listed_once_in_order_without_a_secret",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            let run = |args: &[&str], input: &str| {
                let run = sandbox.run(args, input.as_bytes());
                assert_eq!(run.code(), 0, "{args:?}: {}", run.stderr());
            };
            run(&["providers", "set", "openai"], FIRST_KEY);
            run(&["providers", "set", "openai"], SECOND_KEY);
            // Set again: recorded, since another key may have the same hint.
            run(&["providers", "set", "openai"], SECOND_KEY);
            run(&["providers", "activate", "openai"], ""); // already active: not recorded
            run(&["providers", "deactivate", "openai"], "");
            run(&["providers", "activate", "openai"], "");
            run(
                &["providers", "base-url", "openai", "https://proxy.example"],
                "",
            );
            run(&["providers", "base-url", "openai", "--reset"], "");
            run(&["tasks", "set", "vision", "openai", "gpt-4o"], "");
            run(&["tasks", "set", "news_analysis", "openai"], "");
            run(&["tasks", "clear", "vision"], "");
            run(&["global", "set", "maintenance_interval_minutes=30"], "");
            run(&["global", "reset", "maintenance_interval_minutes"], "");
            run(
                &[
                    "risk",
                    "set",
                    "drawdown_check_enabled=on",
                    "max_drawdown_pct=5",
                ],
                "",
            );
            run(&["telegram", "set", "--chat-id", "-100123"], TOKEN);
            run(&["telegram", "chat-id", "@alerts_desk"], "");
            run(&["telegram", "notify", "on"], "");
            run(&["telegram", "base-url", "https://bots.example"], "");
            run(&["telegram", "disable"], "");
            run(&["telegram", "delete"], "");
            run(&["providers", "delete", "openai"], "");
            let new_key = sandbox.home.path().join("new.key");
            let new_id = write_key_file(&new_key).id().to_string();
            run(
                &["rotate-key", "--new-key-file", new_key.to_str().unwrap()],
                "",
            );
            std::fs::copy(&new_key, sandbox.default_key_file()).unwrap();

            let json = sandbox.run(&["history", "--json", "--limit", "1000"], b"");
            let entries: Vec<Value> = serde_json::from_str(&json.json_or_text()).unwrap();
            let mut seen: Vec<String> = entries
                .iter()
                .map(|entry| {
                    let text = |name: &str| entry[name].as_str().unwrap_or("null").to_owned();
                    format!(
                        "{} {} {} {} -> {}",
                        text("group"),
                        text("action"),
                        text("subject"),
                        text("old"),
                        text("new")
                    )
                })
                .collect();
            seen.reverse();
            let rotation = seen.pop().unwrap();
            assert!(
                rotation.starts_with("master_key rotate-key null ")
                    && rotation.ends_with(&format!(" -> {new_id}")),
                "{rotation}"
            );
            assert_eq!(
                seen,
                [
                    "providers set openai null -> sk-...1111",
                    "providers set openai sk-...1111 -> sk-...2222",
                    "providers set openai sk-...2222 -> sk-...2222",
                    "providers deactivate openai true -> false",
                    "providers activate openai false -> true",
                    "providers base-url openai null -> https://proxy.example",
                    "providers base-url-reset openai https://proxy.example -> null",
                    "tasks set vision null -> openai gpt-4o",
                    "tasks set news_analysis null -> openai",
                    "tasks clear vision openai gpt-4o -> null",
                    "global set maintenance_interval_minutes 60 -> 30",
                    "global reset maintenance_interval_minutes 30 -> 60",
                    "risk set drawdown_check_enabled false -> true",
                    "risk set max_drawdown_pct 10 -> 5",
                    "telegram set chat_id null -> -100123",
                    "telegram set is_enabled false -> true",
                    "telegram set bot_token null -> 123...KQ1c",
                    "telegram set chat_id -100123 -> @alerts_desk",
                    "telegram set notify_changes false -> true",
                    "telegram set base_url null -> https://bots.example",
                    "telegram set is_enabled true -> false",
                    "telegram delete bot_token 123...KQ1c -> null",
                    "providers delete openai sk-...2222 -> null",
                ]
            );
            // Ids grow with time; every entry has a time and an actor.
            let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
            assert!(ids.windows(2).all(|pair| pair[0] > pair[1]), "{ids:?}");
            assert!(
                entries
                    .iter()
                    .all(|e| e["actor"] == "tester" && e["at"].as_str().unwrap().ends_with('Z'))
            );

            // For people, newest first, one line each; a group alone; a limit.
            let text = sandbox
                .run(&["history", "--limit", "3"], b"")
                .json_or_text();
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), 3, "{text}");
            assert!(
                lines[0].contains("tester rotated the master key: "),
                "{text}"
            );
            assert!(
                lines[1].ends_with("tester deleted the key of OpenAI (sk-...2222)"),
                "{text}"
            );
            assert!(
                lines[2].ends_with("tester deleted the Telegram bot token (123...KQ1c)"),
                "{text}"
            );
            let risk = sandbox
                .run(&["history", "--group", "risk"], b"")
                .json_or_text();
            assert_eq!(
                risk.lines()
                    .map(|line| line.split_once("  ").unwrap().1)
                    .collect::<Vec<_>>(),
                [
                    "tester changed risk.max_drawdown_pct: 10 -> 5",
                    "tester changed risk.drawdown_check_enabled: false -> true"
                ]
            );
            let global = sandbox.run(&["history", "--group", "global", "--limit", "1"], b"");
            assert!(global.json_or_text().contains(
                "tester reset global.maintenance_interval_minutes to its default: 30 -> 60"
            ));
            let none = sandbox
                .run(&["history", "--group", "master_key", "--json"], b"")
                .json();
            assert_eq!(none.as_array().unwrap().len(), 1);

            assert_no_secret(&json.0.stdout, "the history's JSON");
            assert_no_secret(text.as_bytes(), "the history");
            assert_no_secret(&db.stored_bytes(), "the database");
        },
    );
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let empty = sandbox.run(&["history"], b"");
    assert_eq!(empty.json_or_text(), "No change is recorded.\n");
    assert_eq!(
        sandbox.run(&["history", "--json"], b"").json(),
        serde_json::json!([])
    );
    let wrong_group = sandbox.run(&["history", "--group", "keys"], b"");
    assert_eq!(wrong_group.code(), 2);
    assert_eq!(
        wrong_group.stderr(),
        "error: Invalid group: keys (one of providers, tasks, global, risk, telegram, master_key, api_tokens)\n"
    );
    for limit in ["0", "-1", "ten", "1.5"] {
        let run = sandbox.run(&["history", "--limit", limit], b"");
        assert_eq!(run.code(), 2, "{limit}");
        assert!(
            run.stderr().starts_with("error: "),
            "{limit}: {}",
            run.stderr()
        );
    }
}

#[test]
fn pages_and_the_text_filter_read_only_what_they_select() {
    on_each_backend(
        "pages_and_the_text_filter_read_only_what_they_select",
        |db| {
            use llm_settings::Group;
            use llm_settings::history::HistoryFilter;
            let mut settings = common::open_settings(db);
            for minutes in 1..=30 {
                settings
                    .change_fields(
                        &llm_settings::GlobalSettings::GROUP,
                        llm_settings::settings::FieldAction::Set,
                        &[(1, llm_settings::fields::Value::Whole(minutes))],
                        None,
                    )
                    .unwrap();
            }
            settings
                .set_base_url(
                    llm_settings::Provider::Gemini,
                    Some("https://h.example/100%_off"),
                )
                .unwrap();
            // Pages follow one another without a gap or an overlap.
            let mut ids = Vec::new();
            let mut before = None;
            loop {
                let page = settings
                    .history(&HistoryFilter {
                        before,
                        limit: 7,
                        ..HistoryFilter::default()
                    })
                    .unwrap();
                if page.is_empty() {
                    break;
                }
                assert!(page.len() <= 7);
                before = page.last().map(|entry| entry.id);
                ids.extend(page.iter().map(|entry| entry.id));
            }
            assert_eq!(ids.len(), 31);
            assert!(ids.windows(2).all(|pair| pair[0] == pair[1] + 1), "{ids:?}");

            let find = |settings: &mut llm_settings::Settings, text: &str, group| {
                settings
                    .history(&HistoryFilter {
                        text: Some(text.to_owned()),
                        group,
                        limit: 100,
                        ..HistoryFilter::default()
                    })
                    .unwrap()
            };
            // Any column, any case; `%` and `_` are themselves.
            assert_eq!(find(&mut settings, "H.EXAMPLE", None).len(), 1);
            assert_eq!(find(&mut settings, "100%_", None).len(), 1);
            assert_eq!(find(&mut settings, "0%", None).len(), 1);
            assert_eq!(
                find(&mut settings, "_", None).len(),
                31,
                "every subject has one"
            );
            assert_eq!(find(&mut settings, "%", None).len(), 1);
            let phrase = find(&mut settings, "-> 27", None);
            assert!(
                phrase.is_empty(),
                "the text is matched in the columns, not the phrase"
            );
            assert_eq!(
                find(&mut settings, "27", None).len(),
                2,
                "26 -> 27 and 27 -> 28"
            );
            assert_eq!(
                find(&mut settings, "alice", Some(Group::Providers)).len(),
                1
            );
            assert!(find(&mut settings, "nothing like it", None).is_empty());
        },
    );
}

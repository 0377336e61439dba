//! The console end to end: the real binary in a pseudo-terminal, on a temporary SQLite database.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::time::Duration;

use common::pty::PtySession;
use common::{Sandbox, TestDb};
use llm_settings::{OpenOptions, Provider, Settings};
use secrecy::ExposeSecret;

const KEY: &str = "sk-ant-api03-TYPEDtyped0123456789-wxyz";
const PASTED: &str = "sk-ant-api03-PASTEDpasted9876543210-abcd";

const DOWN: &[u8] = b"\x1b[B";
const ENTER: &[u8] = b"\r";

fn console(sandbox: &Sandbox) -> PtySession {
    let mut command = sandbox.command(&[]);
    command.env("TERM", "xterm-256color");
    PtySession::spawn(command, 80, 24)
}

fn open(db: &TestDb, sandbox: &Sandbox) -> Settings {
    Settings::open(&OpenOptions {
        database_url: Some(db.url.clone()),
        key_file: Some(sandbox.default_key_file()),
        actor: None,
    })
    .unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn set_replace_toggle_delete_and_quit() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let mut term = console(&sandbox);
    term.wait_for("Providers");
    term.wait_for("Ollama");

    // Anthropic is the third row.
    term.send(DOWN);
    term.send(DOWN);
    term.send(ENTER);
    term.wait_for("Key for Anthropic");
    term.type_text(KEY);
    term.wait_for(&format!("{} characters", KEY.len()));
    term.send(ENTER);
    term.wait_for("Saved the key of Anthropic: sk-...wxyz");
    assert_eq!(
        open(&db, &sandbox)
            .read_key(Provider::Anthropic)
            .unwrap()
            .unwrap()
            .expose_secret(),
        KEY
    );

    // Replace it with a pasted key whose trailing newline must not submit.
    term.send(ENTER);
    term.wait_for("Key for Anthropic");
    term.paste(&format!("{PASTED}\n"));
    term.wait_for(&format!("{} characters", PASTED.len() + 1));
    assert!(
        term.screen()
            .screen()
            .contents()
            .contains("Key for Anthropic"),
        "the paste submitted"
    );
    term.send(ENTER);
    term.wait_for("Saved the key of Anthropic: sk-...abcd");

    term.send(b" ");
    term.wait_for("Anthropic is now inactive.");
    assert!(
        !open(&db, &sandbox)
            .status(Provider::Anthropic)
            .unwrap()
            .is_active
    );

    term.send(b"d");
    term.wait_for("Delete the key of Anthropic (sk-...abcd)?");
    term.send(b"y");
    term.wait_for("Deleted the key of Anthropic.");

    term.send(b"?");
    term.wait_for("show or hide this help");
    term.send(b"?");
    term.settle(Duration::from_millis(100));
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);

    let mut settings = open(&db, &sandbox);
    assert!(!settings.status(Provider::Anthropic).unwrap().is_configured);
    let actions: Vec<String> = settings
        .audit_trail()
        .unwrap()
        .into_iter()
        .map(|row| format!("{} {}", row.action, row.subject.unwrap_or_default()))
        .collect();
    assert_eq!(
        actions,
        [
            "set anthropic",
            "set anthropic",
            "deactivate anthropic",
            "delete anthropic"
        ]
    );

    let output = term.output();
    for secret in [KEY, PASTED, &KEY[13..30], &PASTED[13..30]] {
        assert!(
            !contains(&output, secret),
            "the key was written to the terminal"
        );
    }
    assert_restored(&term);
}

/// The terminal is left as it was found: main screen, cursor shown,
/// bracketed paste off.
fn assert_restored(term: &PtySession) {
    let output = term.output();
    let screen = term.screen();
    assert!(
        !screen.screen().alternate_screen(),
        "still on the alternate screen"
    );
    assert!(!screen.screen().hide_cursor(), "the cursor is still hidden");
    let text = String::from_utf8_lossy(&output);
    let last_paste_off = text
        .rfind("\x1b[?2004l")
        .expect("bracketed paste turned off");
    assert!(last_paste_off > text.rfind("\x1b[?2004h").unwrap());
}

#[test]
fn tabs_switch_and_a_task_is_assigned_from_the_providers_list_then_cleared() {
    use common::http::{Answer, TestServer};
    use llm_settings::Task;
    let server = TestServer::start(Answer::Status(
        200,
        r#"{"data":[{"id":"gpt-4.1"},{"id":"gpt-4o"},{"id":"gpt-4o-mini"}]}"#.into(),
    ));
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let openai = "sk-proj-TABStabsTABStabs000000001111";
    sandbox.set_key("openai", openai);
    sandbox.set_base_url("openai", &server.base_url());
    let mut term = console(&sandbox);
    term.wait_for("[1 Providers]");
    term.send(b"\t");
    term.wait_for("[2 Tasks]");
    term.wait_for("Tasks: 9 will not run");
    term.send(b"\x1b[Z"); // Shift-Tab
    term.wait_for("[1 Providers]");
    term.send(b"2");
    term.wait_for("[2 Tasks]");

    // Vision: OpenAI, then its list of models, the second of them.
    term.send(DOWN);
    term.send(ENTER);
    term.wait_for("Provider");
    term.send(b"\t");
    term.send(b"\t");
    term.wait_for("3 models of OpenAI");
    let request = server.next_request();
    assert_eq!(request.target, "/v1/models");
    term.send(DOWN);
    term.send(DOWN);
    term.wait_for("> gpt-4o ");
    term.send(ENTER);
    term.wait_for("Vision / chart reading runs on OpenAI gpt-4o.");
    let assignment = open(&db, &sandbox).task(Task::Vision).unwrap();
    assert_eq!(assignment.provider, Some(Provider::OpenAi));
    assert_eq!(assignment.model_name, "gpt-4o");
    term.wait_for("Tasks: 8 will not run");

    term.send(b"x");
    term.wait_for("Clear Vision / chart reading (OpenAI gpt-4o)?");
    term.send(b"y");
    term.wait_for("Cleared Vision / chart reading; it does not run.");
    assert_eq!(
        open(&db, &sandbox).task(Task::Vision).unwrap().provider,
        None
    );
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
    assert!(
        !contains(&term.output(), openai),
        "the key reached the terminal"
    );
    assert_restored(&term);
}

#[test]
fn an_idle_console_writes_nothing() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let mut term = console(&sandbox);
    term.wait_for("Ollama");
    term.send(DOWN);
    term.settle(Duration::from_millis(300));
    let before = term.output().len();
    std::thread::sleep(Duration::from_secs(5));
    let after = term.output().len();
    assert_eq!(
        after - before,
        0,
        "an idle console wrote {} bytes",
        after - before
    );
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
}

#[test]
fn a_fault_at_start_prints_one_line_and_leaves_the_terminal_alone() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox
        .run(
            &["providers", "set", "openai"],
            b"sk-proj-AAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .json();
    std::fs::remove_file(sandbox.default_key_file()).unwrap();
    let mut term = console(&sandbox);
    assert_eq!(term.wait_exit(), 1);
    let output = String::from_utf8_lossy(&term.output()).into_owned();
    assert!(output.starts_with("error: no master key found"), "{output}");
    assert!(
        !output.contains("\x1b[?1049h"),
        "the console entered the alternate screen"
    );
}

#[test]
fn the_console_stays_responsive_while_a_test_waits_for_a_silent_server() {
    use common::http::{Answer, TestServer};
    let server = TestServer::start(Answer::Silence);
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox
        .run(
            &["providers", "set", "openai"],
            b"sk-proj-SILENTsilent000000000000",
        )
        .json();
    sandbox.set_base_url("openai", &server.base_url());
    let mut term = console(&sandbox);
    term.wait_for("Ollama");
    term.send(b"t");
    term.wait_for("testing OpenAI");
    server.next_request();
    // While the request hangs, the console answers keys and saves keys.
    term.send(DOWN);
    term.send(ENTER);
    term.wait_for("Key for Google Gemini");
    term.type_text("AIzaSyRESPONSIVEresponsive00000000");
    term.send(ENTER);
    term.wait_for("Saved the key of Google Gemini");
    term.send(b"?");
    term.wait_for("show or hide this help");
    term.send(b"?");
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0, "quit did not wait for the test");
}

#[test]
fn a_switch_toggled_a_number_edited_and_reset_in_the_risk_tab() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let mut term = console(&sandbox);
    term.wait_for("[1 Providers]");
    term.send(b"4");
    term.wait_for("Risk: 3 checks off");
    term.send(b" ");
    term.wait_for("Drawdown check is now on.");
    term.wait_for("Risk: 2 checks off");
    term.send(DOWN);
    term.send(ENTER);
    term.wait_for("A number more than 0 and at most 100; default 10.");
    term.send(b"\x7f\x7f"); // Backspace twice: the 10 goes
    term.type_text("250");
    term.send(ENTER);
    term.wait_for("max_drawdown_pct must be a number more than 0 and at most");
    term.send(b"\x7f\x7f\x7f");
    term.type_text("4.5");
    term.send(ENTER);
    term.wait_for("Max drawdown (%) is now 4.5.");
    let shown = sandbox.run(&["risk", "show", "--json"], b"").json();
    assert_eq!(shown["drawdown_check_enabled"], true);
    assert_eq!(shown["max_drawdown_pct"], 4.5);
    term.send(b"x");
    term.wait_for("Max drawdown (%) is now 10.");
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
    assert_restored(&term);
    let shown = sandbox.run(&["risk", "show", "--json"], b"").json();
    assert_eq!(shown["max_drawdown_pct"], 10);
    assert_eq!(shown["drawdown_check_enabled"], true);
    let trail: Vec<String> = open(&db, &sandbox)
        .audit_trail()
        .unwrap()
        .into_iter()
        .map(|row| {
            format!(
                "{} {} {} -> {}",
                row.action,
                row.subject.unwrap(),
                row.old_value.unwrap(),
                row.new_value.unwrap()
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            "set drawdown_check_enabled false -> true",
            "set max_drawdown_pct 10 -> 4.5",
            "reset max_drawdown_pct 4.5 -> 10"
        ]
    );
}

#[test]
fn a_bot_token_pasted_a_chat_set_and_tested_against_a_local_server_never_reaches_the_terminal() {
    use common::http::{Answer, TestServer};
    const TOKEN: &str = "987654321:AAFpastedPASTEDpasted_0123456789-xyz";
    let server = TestServer::start(Answer::Routes(vec![
        (
            "/getMe",
            200,
            r#"{"ok":true,"result":{"id":987654321,"is_bot":true,"first_name":"Desk","username":"desk_bot"}}"#.into(),
        ),
        (
            "/sendMessage",
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found {target}"}"#.into(),
        ),
    ]));
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox
        .run(&["telegram", "base-url", &server.base_url()], b"")
        .json();
    let mut term = console(&sandbox);
    term.wait_for("[1 Providers]");
    term.send(b"5");
    term.wait_for("Enter sets the bot's token");
    term.send(ENTER);
    term.wait_for("Type or paste the token from BotFather");
    term.paste(TOKEN);
    term.wait_for(&format!("{} characters", TOKEN.len()));
    term.send(b"\t");
    term.type_text("-100777");
    term.send(ENTER);
    term.wait_for("Saved the bot token: 987...-xyz; the bot is on, sending to -100777.");
    assert_eq!(
        open(&db, &sandbox)
            .telegram_token()
            .unwrap()
            .unwrap()
            .expose_secret(),
        TOKEN
    );

    // The chat is wrong: the test says what to do, and is recorded.
    term.send(b"t");
    term.wait_for("Last test       error at");
    let get_me = server.next_request();
    assert_eq!(get_me.target, format!("/bot{TOKEN}/getMe"));
    let send = server.next_request();
    assert_eq!(send.method, "POST");
    let body: serde_json::Value = serde_json::from_str(&send.body).unwrap();
    assert_eq!(body["chat_id"], "-100777");
    let shown = term.screen().screen().contents();
    assert!(shown.contains("Bad Request: chat not found"), "{shown}");
    assert!(
        shown.contains("/bot[token]/sendMessage: add the bot to the chat, or send"),
        "{shown}"
    );
    term.settle(Duration::from_millis(300));
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
    assert_restored(&term);
    let recorded = open(&db, &sandbox).telegram().unwrap().last_test.unwrap();
    assert_eq!(
        recorded.outcome,
        llm_settings::connection_test::TestOutcome::Unexpected
    );
    let output = term.output();
    let secret = &TOKEN[10..];
    for part in [TOKEN, secret, &secret[..12], &secret[secret.len() - 12..]] {
        assert!(!contains(&output, part), "the terminal was sent {part}");
    }
}

#[test]
fn a_change_in_the_console_is_announced_after_it_is_saved_and_a_silent_telegram_costs_a_warning() {
    use common::http::{Answer, TestServer};
    let telegram = TestServer::start(Answer::Routes(vec![(
        "/sendMessage",
        200,
        r#"{"ok":true,"result":{}}"#.into(),
    )]));
    let silent = TestServer::start(Answer::Silence);
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox
        .run(
            &["telegram", "set", "--chat-id", "-100123"],
            b"123456789:AAEconsoleCONSOLE_0123456789-abcd",
        )
        .json();
    sandbox
        .run(&["telegram", "base-url", &telegram.base_url()], b"")
        .json();
    sandbox.run(&["telegram", "notify", "on"], b"").json();
    let mut term = console(&sandbox);
    term.wait_for("[1 Providers]");
    term.send(b"4");
    term.wait_for("Risk: 3 checks off");
    term.send(b" ");
    term.wait_for("Drawdown check is now on.");
    let sent = telegram.next_request();
    let body: serde_json::Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(
        body["text"],
        "tester changed risk.drawdown_check_enabled: false -> true"
    );

    // Telegram stops answering: the change is saved and shown at once, the
    // console goes on, and the warning comes when the announcement gives up.
    sandbox
        .run(&["telegram", "base-url", &silent.base_url()], b"")
        .json();
    term.send(b" ");
    term.wait_for("Drawdown check is now off.");
    let saved = std::time::Instant::now();
    term.send(b"3");
    term.wait_for("[3 Global]");
    assert!(
        saved.elapsed() < Duration::from_secs(4),
        "the console waited for Telegram"
    );
    term.wait_for("Saved, but not announced in the Telegram chat: no answer within 5 s");
    assert_eq!(
        sandbox.run(&["risk", "show", "--json"], b"").json()["drawdown_check_enabled"],
        false
    );
    // Quitting while an announcement is under way gives it its time, after
    // the terminal is restored, and says so.
    term.send(b"4");
    term.send(b" ");
    term.wait_for("Drawdown check is now on.");
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
    assert_restored(&term);
    assert!(contains(
        &term.output(),
        "sending the last change's announcement to Telegram"
    ));
}

#[test]
fn the_history_tab_scrolls_through_pages_and_filters_as_it_is_typed() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox.run(&["risk", "show"], b"").json_or_text();
    let as_admin = |name: &str| {
        Settings::open(&OpenOptions {
            database_url: Some(db.url.clone()),
            key_file: Some(sandbox.default_key_file()),
            actor: Some(llm_settings::Actor::new(name, None)),
        })
        .unwrap()
    };
    let (mut alice, mut bob) = (as_admin("alice"), as_admin("bob"));
    for minutes in 1..=250 {
        let admin = if minutes % 10 == 0 {
            &mut bob
        } else {
            &mut alice
        };
        admin
            .change_fields(
                &llm_settings::GlobalSettings::GROUP,
                llm_settings::settings::FieldAction::Set,
                &[(1, llm_settings::fields::Value::Whole(minutes))],
                None,
            )
            .unwrap();
    }
    let mut term = console(&sandbox);
    term.wait_for("[1 Providers]");
    term.send(b"6");
    term.wait_for("global.maintenance_interval_minutes: 249 -> 250");
    // A screenful at a time, then past the page's end: the next page.
    // (16 rows a screenful: the 13th reaches the page's last entry.)
    for _ in 0..14 {
        term.send(b"\x1b[6~"); // PgDn
    }
    term.wait_for("History, page 2");
    term.wait_for("#50 ");
    // PgUp at the top of page 2: page 1 again, at its last entry.
    term.send(b"\x1b[5~");
    term.wait_for("#51 ");
    assert!(!term.screen().screen().contents().contains("page 2"));
    // The filter, as it is typed.
    term.send(b"/");
    term.type_text("bob");
    term.wait_for("History: \"bob\"");
    term.wait_for("249 -> 250");
    term.settle(Duration::from_millis(300));
    let shown = term.screen().screen().contents();
    let rows: Vec<&str> = shown.lines().filter(|line| line.contains(" -> ")).collect();
    assert!(rows.len() >= 10, "{shown}");
    assert!(rows.iter().all(|row| row.contains("bob")), "{shown}");
    term.send(ENTER);
    term.send(b"\x1b"); // Esc browses on; q quits
    term.settle(Duration::from_millis(200));
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
    assert_restored(&term);
}

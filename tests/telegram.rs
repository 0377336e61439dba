//! The Telegram bot through the binary and the library: its commands, its test against a local server standing in for the Bot API, and the custody of its token.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use common::http::{Answer, Recorded, TestServer};
use common::{Run, Sandbox, TestDb, on_each_backend, write_key_file};
use llm_settings::secret::load_key_file;
use llm_settings::{Error, OpenOptions, Provider, Settings};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

/// Shaped as BotFather's tokens are: the bot's id, `:`, 35 characters.
const TOKEN: &str = "123456789:AAEhBOweik6ad9r_QpvwYlzP3Lm8xUvKQ1c";
const CHAT: &str = "-1001234567890";
const BOT: &str = r#"{"ok":true,"result":{"id":123456789,"is_bot":true,"first_name":"Alerts","username":"alerts_bot"}}"#;

/// The token, and parts of its secret half (after the bot's id, which is
/// public), are nowhere in `haystack`.
fn assert_no_token(haystack: &[u8], what: &str) {
    let secret = &TOKEN[10..];
    for needle in [TOKEN, secret, &secret[..12], &secret[secret.len() - 12..]] {
        assert!(
            !haystack
                .windows(needle.len())
                .any(|window| window == needle.as_bytes()),
            "the token appears in {what}: {}",
            String::from_utf8_lossy(haystack)
        );
    }
}

fn assert_run_has_no_token(run: &Run, what: &str) {
    assert_no_token(&run.0.stdout, &format!("the stdout of {what}"));
    assert_no_token(&run.0.stderr, &format!("the stderr of {what}"));
}

/// A sandbox that logs everything it can, with the bot configured to send
/// to `CHAT` through `base_url`.
fn configured(db: &TestDb, base_url: &str) -> Sandbox {
    let mut sandbox = Sandbox::new(&db.url);
    sandbox.set_env("RUST_LOG", "trace");
    sandbox.set_env("RUST_BACKTRACE", "1");
    let set = sandbox.run(&["telegram", "set", "--chat-id", CHAT], TOKEN.as_bytes());
    assert_run_has_no_token(&set, "telegram set");
    set.json();
    sandbox.run(&["telegram", "base-url", base_url], b"").json();
    sandbox
}

fn library(db: &TestDb, sandbox: &Sandbox) -> Settings {
    Settings::open(&OpenOptions {
        database_url: Some(db.url.clone()),
        key_file: Some(sandbox.default_key_file()),
        actor: None,
    })
    .unwrap()
}

fn unset() -> Value {
    json!({"is_configured": false, "is_enabled": false, "chat_id": null, "token_hint": null, "notify_changes": false})
}

#[test]
fn the_commands_configure_the_bot_and_refuse_bad_input_storing_nothing() {
    on_each_backend(
        "the_commands_configure_the_bot_and_refuse_bad_input_storing_nothing",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            assert_eq!(
                sandbox.run(&["telegram", "show", "--json"], b"").json(),
                unset()
            );

            // A token without a chat, a token on the command line, bad chat ids.
            let refused = [
                (
                    sandbox.run(&["telegram", "set"], TOKEN.as_bytes()),
                    "a chat id is needed",
                ),
                (
                    sandbox.run(&["telegram", "set", "--chat-id", CHAT, TOKEN], b""),
                    "the token is never taken from the command line",
                ),
                (
                    sandbox.run(&["telegram", "set", "--chat-id", "12ab"], TOKEN.as_bytes()),
                    "Invalid chat id: 12ab",
                ),
                (
                    sandbox.run(&["telegram", "chat-id", "@abc"], b""),
                    "Invalid chat id: @abc",
                ),
                (
                    sandbox.run(&["telegram", "chat-id", "@1channel"], b""),
                    "Invalid chat id: @1channel",
                ),
                (
                    sandbox.run(&["telegram", "chat-id", "+5"], b""),
                    "Invalid chat id: +5",
                ),
                (
                    sandbox.run(
                        &["telegram", "chat-id", &format!("@{}", "a".repeat(33))],
                        b"",
                    ),
                    "Invalid chat id: @aaa",
                ),
                (
                    sandbox.run(&["telegram", "set", "--chat-id", CHAT], b"   "),
                    "empty",
                ),
                (
                    sandbox.run(&["telegram", "base-url", "ftp://bot.example"], b""),
                    "Invalid base URL",
                ),
                (
                    sandbox.run(&["telegram", "base-url", "https://u:p@bot.example"], b""),
                    "Invalid base URL",
                ),
            ];
            for (run, message) in &refused {
                assert_eq!(run.code(), 2, "{message}: {}", run.stderr());
                assert!(
                    run.stderr().contains(message),
                    "{message}: {}",
                    run.stderr()
                );
                assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
                assert_run_has_no_token(run, message);
            }
            // The command line's own parser words the rest, usage included.
            let maybe = sandbox.run(&["telegram", "notify", "maybe"], b"");
            assert_eq!(maybe.code(), 2);
            assert!(maybe.stderr().starts_with("error: invalid value 'maybe'"));
            let incomplete = sandbox.run(&["telegram", "enable"], b"");
            assert_eq!(incomplete.code(), 1);
            assert!(incomplete.stderr().contains("needs a token and a chat id"));
            assert_eq!(
                sandbox.run(&["telegram", "show", "--json"], b"").json(),
                unset()
            );
            assert_eq!(
                db.raw()
                    .count("SELECT COUNT(*) AS n FROM llm_settings_audit"),
                0,
                "nothing was stored"
            );

            // Negative ids as they are, without `--`.
            let set = sandbox.run(&["telegram", "set", "--chat-id", CHAT], TOKEN.as_bytes());
            assert_eq!(
                set.json(),
                json!({"is_configured": true, "is_enabled": true, "chat_id": CHAT, "token_hint": "123...KQ1c", "notify_changes": false})
            );
            assert!(
                set.stderr().is_empty(),
                "a token of the right shape: {}",
                set.stderr()
            );
            let moved = sandbox
                .run(&["telegram", "chat-id", "@alerts_channel"], b"")
                .json();
            assert_eq!(moved["chat_id"], "@alerts_channel");
            assert_eq!(moved["token_hint"], "123...KQ1c", "the token stays");
            assert_eq!(
                library(db, &sandbox)
                    .telegram_token()
                    .unwrap()
                    .unwrap()
                    .expose_secret(),
                TOKEN
            );
            assert_eq!(
                sandbox.run(&["telegram", "chat-id", "-42"], b"").json()["chat_id"],
                "-42"
            );

            let notify = sandbox.run(&["telegram", "notify", "on"], b"");
            assert_eq!(notify.json()["notify_changes"], true);
            assert!(
                notify.stderr().is_empty(),
                "the bot is on: {}",
                notify.stderr()
            );
            assert_eq!(
                sandbox.run(&["telegram", "disable"], b"").json()["is_enabled"],
                false
            );
            let waiting = sandbox.run(&["telegram", "notify", "on"], b"");
            assert!(
                waiting.stderr().contains("the bot is off"),
                "announcements that cannot happen are not silent: {}",
                waiting.stderr()
            );
            assert_eq!(
                sandbox.run(&["telegram", "enable"], b"").json()["is_enabled"],
                true
            );
            let proxy = sandbox.run(&["telegram", "base-url", "https://bots.example/"], b"");
            proxy.json();
            assert!(
                sandbox
                    .run(&["telegram", "show"], b"")
                    .json_or_text()
                    .contains("https://bots.example")
            );
            sandbox
                .run(&["telegram", "base-url", "--reset"], b"")
                .json();
            assert!(
                sandbox
                    .run(&["telegram", "show"], b"")
                    .json_or_text()
                    .contains("https://api.telegram.org (the default)")
            );

            // Another shape is saved, with a warning.
            let odd = sandbox.run(&["telegram", "set"], b"not-a-bot-token-but-a-long-one");
            assert_eq!(odd.json()["token_hint"], "not...-one");
            assert!(
                odd.stderr().contains("warning: this does not look like"),
                "{}",
                odd.stderr()
            );
            sandbox.run(&["telegram", "set"], TOKEN.as_bytes()).json();

            // Delete keeps the chat and turns the bot off.
            assert_eq!(
                sandbox.run(&["telegram", "delete"], b"").json(),
                json!({"is_configured": false, "is_enabled": false, "chat_id": "-42", "token_hint": null, "notify_changes": true})
            );
            assert!(library(db, &sandbox).telegram_token().unwrap().is_none());
            let untestable = sandbox.run(&["telegram", "test"], b"");
            assert_eq!(untestable.code(), 1);
            assert!(untestable.stderr().contains("needs a token and a chat id"));

            // Every change is in the trail, a secret only as its hint.
            let trail = db.raw().count(
                "SELECT COUNT(*) AS n FROM llm_settings_audit WHERE group_name = 'telegram'",
            );
            assert!(trail >= 12, "{trail} entries");
            assert_eq!(
                db.raw().count(
                    "SELECT COUNT(*) AS n FROM llm_settings_audit WHERE group_name = 'telegram' \
                     AND subject = 'bot_token' AND action = 'delete' AND old_value = '123...KQ1c' \
                     AND new_value IS NULL"
                ),
                1
            );
            assert_no_token(&db.stored_bytes(), "the database");
        },
    );
}

/// Runs `telegram test --json` against `server`; the result and the requests.
fn test_against(routes: Answer) -> (Run, Value, Vec<Recorded>, TestDb) {
    let server = TestServer::start(routes);
    let db = TestDb::sqlite();
    let sandbox = configured(&db, &format!("{}/", server.base_url()));
    let run = sandbox.run(&["telegram", "test", "--json"], b"");
    assert_run_has_no_token(&run, "telegram test --json");
    let result: Value = serde_json::from_str(&run.stdout()).expect("JSON on stdout");
    let mut requests = Vec::new();
    while let Some(request) = server.another_request() {
        requests.push(request);
    }
    // Shown the same way afterwards, from the recorded result.
    let show = sandbox.run(&["telegram", "show"], b"");
    assert_run_has_no_token(&show, "telegram show");
    assert!(
        show.json_or_text()
            .contains(result["detail"].as_str().unwrap()),
        "{}",
        show.stdout()
    );
    assert_no_token(&db.stored_bytes(), "the database");
    (run, result, requests, db)
}

fn get_me(request: &Recorded) {
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, format!("/bot{TOKEN}/getMe"));
}

#[test]
fn a_test_that_is_sent_calls_get_me_then_sends_the_message_to_the_chat() {
    let (run, result, requests, _db) = test_against(Answer::Routes(vec![
        ("/getMe", 200, BOT.to_owned()),
        (
            "/sendMessage",
            200,
            r#"{"ok":true,"result":{"message_id":7}}"#.to_owned(),
        ),
    ]));
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(result["outcome"], "ok");
    assert_eq!(result["http_status"], 200);
    assert!(result.get("provider").is_none());
    let detail = result["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(&format!("sent to {CHAT} by @alerts_bot in ")),
        "{detail}"
    );
    assert_eq!(requests.len(), 2, "{requests:?}");
    get_me(&requests[0]);
    let send = &requests[1];
    assert_eq!(send.method, "POST");
    assert_eq!(send.target, format!("/bot{TOKEN}/sendMessage"));
    assert_eq!(send.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_str(&send.body).unwrap();
    assert_eq!(body["chat_id"], CHAT);
    let text = body["text"].as_str().unwrap();
    assert!(text.contains("tester"), "the text names the admin: {text}");
    assert!(!text.contains(TOKEN));
}

#[test]
fn a_refused_token_is_unauthorized_and_no_message_is_sent() {
    for status in [401, 404] {
        let (run, result, requests, _db) = test_against(Answer::Routes(vec![(
            "/getMe",
            status,
            format!(
                r#"{{"ok":false,"error_code":{status},"description":"Unauthorized {{target}}"}}"#
            ),
        )]));
        assert_eq!(run.code(), 1);
        assert_eq!(result["outcome"], "unauthorized");
        assert_eq!(result["http_status"], status);
        let detail = result["detail"].as_str().unwrap();
        assert!(
            detail.contains("Unauthorized /bot[token]/getMe"),
            "{detail}"
        );
        assert!(detail.contains("the token is wrong or revoked"), "{detail}");
        assert_eq!(requests.len(), 1, "nothing is sent with a refused token");
        get_me(&requests[0]);
    }
}

#[test]
fn a_chat_not_found_says_to_add_the_bot_even_when_the_answer_echoes_the_url() {
    let (run, result, requests, _db) = test_against(Answer::Routes(vec![
        ("/getMe", 200, BOT.to_owned()),
        (
            "/sendMessage",
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found (POST http://127.0.0.1{target})"}"#
                .to_owned(),
        ),
    ]));
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("the Telegram test failed"),
        "{}",
        run.stderr()
    );
    assert_eq!(result["outcome"], "unexpected");
    assert_eq!(result["http_status"], 400);
    let detail = result["detail"].as_str().unwrap();
    assert!(
        detail.contains("@alerts_bot: HTTP 400: Bad Request: chat not found"),
        "{detail}"
    );
    assert!(detail.contains("/bot[token]/sendMessage"), "{detail}");
    assert!(
        detail.ends_with("add the bot to the chat, or send it /start"),
        "{detail}"
    );
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].method, "POST");
}

#[test]
fn a_bot_removed_from_the_chat_is_unauthorized() {
    let (run, result, _requests, _db) = test_against(Answer::Routes(vec![
        ("/getMe", 200, BOT.to_owned()),
        (
            "/sendMessage",
            403,
            r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the group chat"}"#
                .to_owned(),
        ),
    ]));
    assert_eq!(run.code(), 1);
    assert_eq!(result["outcome"], "unauthorized");
    let detail = result["detail"].as_str().unwrap();
    assert!(detail.contains("Forbidden: bot was kicked"), "{detail}");
    assert!(
        detail.contains("the bot was blocked or removed"),
        "{detail}"
    );
}

#[test]
fn a_server_error_is_unexpected_and_a_silent_or_absent_server_unreachable() {
    let (run, result, _requests, _db) =
        test_against(Answer::Status(500, "<html>upstream failed</html>".into()));
    assert_eq!(run.code(), 1);
    assert_eq!(result["outcome"], "unexpected");
    assert_eq!(result["http_status"], 500);
    assert_eq!(result["detail"], "HTTP 500");

    // The whole test is limited to 10 s.
    let started = std::time::Instant::now();
    let (run, result, requests, _db) = test_against(Answer::Silence);
    assert_eq!(run.code(), 1);
    assert_eq!(result["outcome"], "unreachable");
    assert_eq!(result["http_status"], Value::Null);
    assert_eq!(result["detail"], "no answer within 10 s");
    assert_eq!(requests.len(), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(60));

    let nobody = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", nobody.local_addr().unwrap());
    drop(nobody);
    let db = TestDb::sqlite();
    let sandbox = configured(&db, &closed);
    let run = sandbox.run(&["telegram", "test"], b"");
    assert_run_has_no_token(&run, "telegram test");
    assert_eq!(run.code(), 1);
    assert!(
        run.stdout().starts_with("Telegram: no answer (connection"),
        "{}",
        run.stdout()
    );
}

#[test]
fn custody_the_token_is_sealed_for_its_slot_counted_at_start_and_rotated() {
    on_each_backend(
        "custody_the_token_is_sealed_for_its_slot_counted_at_start_and_rotated",
        |db| {
            let sandbox = configured(db, "http://127.0.0.1:9");
            let key_file = sandbox.default_key_file();

            // Only the token is stored: a missing key file is not replaced
            // by a new master key, and another master key is refused.
            let moved = sandbox.home.path().join("moved.key");
            std::fs::rename(&key_file, &moved).unwrap();
            let missing = sandbox.run(&["telegram", "show"], b"");
            assert_eq!(missing.code(), 1, "{}", missing.stdout());
            assert!(!key_file.exists(), "no new master key was made");
            let other = sandbox.home.path().join("other.key");
            write_key_file(&other);
            let wrong = sandbox.run(
                &["--key-file", other.to_str().unwrap(), "telegram", "show"],
                b"",
            );
            assert_eq!(wrong.code(), 1);
            assert!(wrong.stderr().contains("sealed"), "{}", wrong.stderr());
            std::fs::rename(&moved, &key_file).unwrap();

            // Rotation re-seals the token with the keys.
            sandbox
                .run(
                    &["providers", "set", "openai"],
                    b"sk-proj-CUSTODYcustody0000000001",
                )
                .json();
            let token_before = sealed_token(db);
            let new_file = sandbox.home.path().join("new.key");
            write_key_file(&new_file);
            let rotated = sandbox.run(
                &["rotate-key", "--new-key-file", new_file.to_str().unwrap()],
                b"",
            );
            assert_eq!(rotated.code(), 0, "{}", rotated.stderr());
            assert!(
                rotated.stdout().contains("the Telegram bot token"),
                "{}",
                rotated.stdout()
            );
            assert_ne!(sealed_token(db), token_before);
            let old_key = load_key_file(&key_file).unwrap();
            assert!(
                llm_settings::secret::open(
                    &old_key,
                    llm_settings::secret::SecretSlot::TelegramToken,
                    &sealed_token(db)
                )
                .is_err()
            );
            std::fs::copy(&new_file, &key_file).unwrap();
            let mut settings = library(db, &sandbox);
            assert_eq!(
                settings.telegram_token().unwrap().unwrap().expose_secret(),
                TOKEN
            );

            // Sealed bytes moved between slots open in neither.
            let mut raw = db.raw();
            let provider_bytes = raw.sealed_value("openai").unwrap();
            let token_bytes = sealed_token(db);
            raw.set_sealed_value("openai", &token_bytes);
            assert!(matches!(
                settings.read_key(Provider::OpenAi),
                Err(Error::Undecryptable { .. })
            ));
            raw.set_sealed_value("openai", &provider_bytes);
            set_sealed_token(db, &provider_bytes);
            let refused = settings.telegram_token();
            assert!(
                matches!(refused, Err(Error::TelegramTokenUndecryptable { .. })),
                "{refused:?}"
            );
            assert!(settings.telegram().unwrap().fault.is_some());
            assert!(settings.read_key(Provider::OpenAi).unwrap().is_some());
            let untestable = sandbox.run(&["telegram", "test"], b"");
            assert_eq!(untestable.code(), 1);
            assert!(
                untestable
                    .stderr()
                    .contains("the Telegram bot token cannot be read"),
                "{}",
                untestable.stderr()
            );
            let shown = sandbox.run(&["telegram", "show"], b"");
            assert!(
                shown.json_or_text().contains("set it again"),
                "{}",
                shown.stdout()
            );

            // A panic over the refusal (an unwrap of it) prints no token,
            // and neither does the Debug of anything that holds one.
            set_sealed_token(db, &token_bytes);
            let token = settings.telegram_token().unwrap().unwrap();
            let test = settings.telegram_test().unwrap();
            let held = format!(
                "{token:?} {test:?} {:?} {settings:?}",
                settings.telegram().unwrap()
            );
            assert_no_token(
                held.as_bytes(),
                "the Debug of the values that hold the token",
            );
            set_sealed_token(db, &provider_bytes);
            let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                settings.telegram_token().unwrap();
            }))
            .unwrap_err();
            let message = payload.downcast_ref::<String>().unwrap();
            assert!(message.contains("TelegramTokenUndecryptable"), "{message}");
            assert_no_token(message.as_bytes(), "a panic's message");
            set_sealed_token(db, &token_bytes);
        },
    );
}

fn sealed_token(db: &TestDb) -> Vec<u8> {
    db.raw().sealed_token().expect("a sealed token")
}

fn set_sealed_token(db: &TestDb, bytes: &[u8]) {
    db.raw().set_sealed_token(bytes);
}

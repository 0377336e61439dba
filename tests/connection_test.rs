//! Testing a provider's connection against a real HTTP server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::time::Duration;

use common::http::{Answer, TestServer};
use common::{Sandbox, TestDb, open_settings};
use llm_settings::connection_test::TestOutcome;
use llm_settings::{Provider, Settings};
use secrecy::SecretString;

const KEY: &str = "sk-ant-api03-CONNECTIONtest0123456789-zz";

fn settings_with(db: &TestDb, provider: Provider, key: Option<&str>, base_url: &str) -> Settings {
    let mut settings = open_settings(db);
    if let Some(key) = key {
        settings
            .save_key(provider, &SecretString::from(key.to_owned()))
            .unwrap();
    }
    settings.set_base_url(provider, Some(base_url)).unwrap();
    settings
}

/// Header names and values, `{KEY}` standing for the key.
type ExpectedHeaders = &'static [(&'static str, &'static str)];

#[test]
fn each_provider_sends_its_request_with_the_key_in_a_header_only() {
    let cases: [(Provider, &str, ExpectedHeaders); 5] = [
        (
            Provider::OpenAi,
            "/prefix/v1/models",
            &[("authorization", "Bearer {KEY}")],
        ),
        (
            Provider::Anthropic,
            "/prefix/v1/models",
            &[("x-api-key", "{KEY}"), ("anthropic-version", "2023-06-01")],
        ),
        (
            Provider::Gemini,
            "/prefix/v1beta/models",
            &[("x-goog-api-key", "{KEY}")],
        ),
        (
            Provider::OpenRouter,
            "/prefix/api/v1/key",
            &[("authorization", "Bearer {KEY}")],
        ),
        (
            Provider::Ollama,
            "/prefix/api/tags",
            &[("authorization", "Bearer {KEY}")],
        ),
    ];
    for (provider, path, expected_headers) in cases {
        let server = TestServer::start(Answer::Status(200, r#"{"data":[]}"#.into()));
        let db = TestDb::sqlite();
        let mut settings = settings_with(
            &db,
            provider,
            Some(KEY),
            &format!("{}/prefix/", server.base_url()),
        );
        let result = settings.test_target(provider).unwrap().run();
        assert_eq!(result.outcome, TestOutcome::Ok, "{provider}: {result:?}");
        assert_eq!(result.http_status, Some(200));
        let request = server.next_request();
        assert_eq!(request.method, "GET", "{provider}");
        assert_eq!(request.target, path, "{provider}");
        assert!(
            !request.target.contains(KEY),
            "{provider}: the key is in the URL"
        );
        for (name, value) in expected_headers {
            assert_eq!(
                request.header(name),
                Some(value.replace("{KEY}", KEY).as_str()),
                "{provider}: {name}"
            );
        }
        let key_headers = request
            .headers
            .iter()
            .filter(|(_, v)| v.contains(KEY))
            .count();
        assert_eq!(
            key_headers, 1,
            "{provider}: the key is in exactly one header"
        );
        assert!(!result.detail.contains(KEY));
    }
}

#[test]
fn ollama_without_a_key_is_tested_without_authorization() {
    let server = TestServer::start(Answer::Status(200, r#"{"models":[]}"#.into()));
    let db = TestDb::sqlite();
    let mut settings = settings_with(&db, Provider::Ollama, None, &server.base_url());
    let result = settings.test_target(Provider::Ollama).unwrap().run();
    assert_eq!(result.outcome, TestOutcome::Ok);
    let request = server.next_request();
    assert_eq!(request.target, "/api/tags");
    assert_eq!(request.header("authorization"), None);
    // Any other provider without a key cannot be tested.
    assert!(settings.test_target(Provider::OpenAi).is_err());
}

#[test]
fn statuses_map_to_outcomes_and_no_text_holds_the_key() {
    let echo = format!(r#"{{"error":{{"message":"Incorrect API key provided: {KEY}"}}}}"#);
    let cases = [
        (
            Answer::Status(401, echo.clone()),
            TestOutcome::Unauthorized,
            Some(401),
        ),
        (
            Answer::Status(403, "{}".into()),
            TestOutcome::Unauthorized,
            Some(403),
        ),
        (
            Answer::Status(500, echo.clone()),
            TestOutcome::Unexpected,
            Some(500),
        ),
        (
            Answer::Status(404, "not found".into()),
            TestOutcome::Unexpected,
            Some(404),
        ),
        (
            Answer::Status(302, String::new()),
            TestOutcome::Unexpected,
            Some(302),
        ),
    ];
    for (answer, outcome, status) in cases {
        let server = TestServer::start(answer);
        let db = TestDb::sqlite();
        let mut settings = settings_with(&db, Provider::OpenAi, Some(KEY), &server.base_url());
        let result = settings.test_target(Provider::OpenAi).unwrap().run();
        assert_eq!(
            (result.outcome, result.http_status),
            (outcome, status),
            "{result:?}"
        );
        assert!(!result.detail.contains(KEY), "{}", result.detail);
        assert!(!format!("{result:?}").contains(KEY));
        assert!(!serde_json::to_string(&result).unwrap().contains(KEY));
    }
}

#[test]
fn a_closed_port_is_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let db = TestDb::sqlite();
    let mut settings = settings_with(
        &db,
        Provider::Anthropic,
        Some(KEY),
        &format!("http://127.0.0.1:{port}"),
    );
    let result = settings.test_target(Provider::Anthropic).unwrap().run();
    assert_eq!(result.outcome, TestOutcome::Unreachable);
    assert_eq!(result.http_status, None);
    assert!(!result.detail.contains(KEY));
}

#[test]
fn a_server_that_never_answers_times_out_after_about_ten_seconds() {
    let server = TestServer::start(Answer::Silence);
    let db = TestDb::sqlite();
    let mut settings = settings_with(&db, Provider::Gemini, Some(KEY), &server.base_url());
    let started = std::time::Instant::now();
    let result = settings.test_target(Provider::Gemini).unwrap().run();
    let elapsed = started.elapsed();
    assert_eq!(result.outcome, TestOutcome::Unreachable, "{result:?}");
    assert!(
        elapsed >= Duration::from_millis(9_500) && elapsed < Duration::from_secs(20),
        "{elapsed:?}"
    );
    assert!(
        result.detail.contains("no answer within 10 s"),
        "{}",
        result.detail
    );
}

#[test]
fn openrouter_shows_the_credit_left() {
    let server = TestServer::start(Answer::Status(
        200,
        r#"{"data":{"label":"sk-or-v1-abc...","usage":1.5,"limit":20,"limit_remaining":18.5}}"#
            .into(),
    ));
    let db = TestDb::sqlite();
    let mut settings = settings_with(
        &db,
        Provider::OpenRouter,
        Some("sk-or-v1-CREDITcredit0000000000"),
        &server.base_url(),
    );
    let result = settings.test_target(Provider::OpenRouter).unwrap().run();
    assert_eq!(result.outcome, TestOutcome::Ok);
    assert!(
        result.detail.ends_with("credit left: $18.5"),
        "{}",
        result.detail
    );
}

#[test]
fn the_command_prints_json_and_exits_by_outcome() {
    let ok = TestServer::start(Answer::Status(200, "{}".into()));
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    sandbox.set_key("anthropic", KEY);
    sandbox.set_base_url("anthropic", &ok.base_url());
    let value = sandbox
        .run(&["providers", "test", "anthropic", "--json"], b"")
        .json();
    let object = value.as_object().unwrap();
    assert_eq!(
        object.keys().map(String::as_str).collect::<Vec<_>>(),
        ["detail", "http_status", "latency_ms", "outcome", "provider"]
    );
    assert_eq!(value["provider"], "anthropic");
    assert_eq!(value["outcome"], "ok");
    assert_eq!(value["http_status"], 200);
    assert!(value["latency_ms"].is_u64());

    let refused = TestServer::start(Answer::Status(401, "{}".into()));
    sandbox.set_base_url("anthropic", &refused.base_url());
    let run = sandbox.run(&["providers", "test", "anthropic"], b"");
    assert_eq!(run.code(), 1);
    assert!(
        run.stdout().starts_with("Anthropic: refused (HTTP 401"),
        "{}",
        run.stdout()
    );
    assert!(!run.stdout().contains(KEY) && !run.stderr().contains(KEY));

    let run = sandbox.run(&["providers", "test", "gemini"], b"");
    assert_eq!(run.code(), 1);
    assert_eq!(
        run.stderr(),
        "error: Google Gemini has no key stored; set one first\n"
    );
    assert_eq!(sandbox.run(&["providers", "test", "xyz"], b"").code(), 2);
}

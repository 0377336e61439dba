//! `serve` on a unix socket, asked by a real HTTP client (`curl --unix-socket`): the socket's permissions, the seed's answers and error rows on both backends, a stale write refused with 412, the caller named in the audit trail, no secret in any answer or log line, and SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::serve::{Answer, Server, ask, ask_at, json_header};
use common::{Sandbox, on_each_backend};
use serde_json::{Value, json};

const KEY: &str = "sk-proj-SERVESERVESERVESERVE-4321";
const OTHER: &str = "sk-proj-OTHEROTHEROTHEROTHER-8765";

fn save(server: &Server, provider: &str, key: &str, extra: &[&str]) -> Answer {
    let mut headers = vec![json_header()];
    headers.extend_from_slice(extra);
    let body = json!({ "api_key": key }).to_string();
    ask(
        server,
        "POST",
        &format!("/api/v1/settings/providers/{provider}"),
        &headers,
        Some(body.as_bytes()),
    )
}

fn uid() -> u32 {
    std::fs::metadata("/proc/self").unwrap().uid()
}

#[test]
fn the_providers_routes_answer_as_the_seed_does_on_both_backends() {
    on_each_backend("the_providers_routes_answer_as_the_seed_does", |db| {
        let sandbox = Sandbox::new(&db.url);
        let socket = sandbox.home.path().join("api.sock");
        let server = Server::start(&sandbox, &socket);

        let health = ask(&server, "GET", "/health", &[], None);
        assert_eq!(health.status, 200);
        assert_eq!(health.json()["status"], "ok");
        let ready = ask(&server, "GET", "/health/ready", &[], None);
        assert_eq!(
            (ready.status, ready.body.as_str()),
            (200, r#"{"status":"ready"}"#)
        );

        let list = ask(&server, "GET", "/api/v1/settings/providers", &[], None);
        assert_eq!(list.status, 200);
        assert_eq!(
            list.body,
            r#"[{"provider":"openai","is_configured":false,"is_active":false,"key_hint":null},{"provider":"gemini","is_configured":false,"is_active":false,"key_hint":null},{"provider":"anthropic","is_configured":false,"is_active":false,"key_hint":null},{"provider":"openrouter","is_configured":false,"is_active":false,"key_hint":null},{"provider":"ollama","is_configured":false,"is_active":false,"key_hint":null}]"#
        );
        // The web page's path, the same handler.
        let also = ask(&server, "GET", "/api/v1/settings/llm/providers", &[], None);
        assert_eq!(also.body, list.body);

        // A key saved: the seed's ProviderStatus, field for field, and its revision.
        let saved = save(&server, "openai", &format!("{KEY}\n"), &[]);
        assert_eq!(saved.status, 200, "{}", saved.body);
        assert_eq!(
            saved.body,
            r#"{"provider":"openai","is_configured":true,"is_active":true,"key_hint":"sk-...4321"}"#
        );
        assert_eq!(saved.header("etag"), Some("\"1\""));
        assert_eq!(saved.header("content-type"), Some("application/json"));
        // The same through the command line, and in the history with the caller.
        let listed = sandbox.run(&["providers", "list", "--json"], b"").json();
        assert_eq!(listed[0]["key_hint"], "sk-...4321");
        let history = sandbox.run(&["history", "--json"], b"").json();
        let user = llm_settings::serve::socket::user_name(uid());
        assert_eq!(
            history[0]["actor"],
            format!("{user} via api (uid {})", uid())
        );

        // PUT on the web page's path saves as well.
        let put = ask(
            &server,
            "PUT",
            "/api/v1/settings/llm/providers/anthropic",
            &[json_header()],
            Some(json!({ "api_key": OTHER }).to_string().as_bytes()),
        );
        assert_eq!(put.status, 200, "{}", put.body);
        assert_eq!(put.json()["provider"], "anthropic");

        // If-Match: a stale revision is refused and changes nothing.
        let stale = save(&server, "openai", OTHER, &["If-Match: \"0\""]);
        assert_eq!(stale.status, 412, "{}", stale.body);
        let detail = stale.json()["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains("since revision 0"), "{detail}");
        let current = save(&server, "openai", OTHER, &["If-Match: \"1\""]);
        assert_eq!(current.status, 200, "{}", current.body);
        assert_eq!(current.header("etag"), Some("\"2\""));

        // The seed's error rows.
        let bad = save(&server, "xyz", KEY, &[]);
        assert_eq!(bad.status, 400);
        assert_eq!(bad.body, r#"{"detail":"Invalid provider: xyz"}"#);
        let empty = save(&server, "openai", "  \n", &[]);
        assert_eq!(empty.status, 422);
        assert_eq!(
            empty.json(),
            json!({"detail": [{"type": "string_too_short", "loc": ["body", "api_key"], "msg": "Key must not be empty"}]})
        );
        let missing = ask(
            &server,
            "POST",
            "/api/v1/settings/providers/openai",
            &[json_header()],
            Some(b"{}"),
        );
        assert_eq!(missing.status, 422);
        assert_eq!(missing.json()["detail"][0]["type"], "missing");
        let not_json = ask(
            &server,
            "POST",
            "/api/v1/settings/providers/openai",
            &["Content-Type: text/plain"],
            Some(KEY.as_bytes()),
        );
        assert_eq!(not_json.status, 415);
        assert!(not_json.json()["detail"].is_string());
        let too_big = ask(
            &server,
            "POST",
            "/api/v1/settings/providers/openai",
            &[json_header()],
            Some(&vec![b' '; 65 * 1024]),
        );
        assert_eq!(too_big.status, 413);
        let nowhere = ask(&server, "GET", "/api/v1/settings/nowhere", &[], None);
        assert_eq!(
            (nowhere.status, nowhere.body.as_str()),
            (404, r#"{"detail":"Not Found"}"#)
        );
        let wrong = ask(&server, "PATCH", "/api/v1/settings/providers", &[], None);
        assert_eq!(wrong.status, 405);
        assert_eq!(wrong.body, r#"{"detail":"Method Not Allowed"}"#);

        // A failed request changed nothing.
        let history_after = sandbox.run(&["history", "--json"], b"").json();
        assert_eq!(history_after.as_array().unwrap().len(), 3);

        // Delete.
        let deleted = ask(
            &server,
            "DELETE",
            "/api/v1/settings/providers/openai",
            &[],
            None,
        );
        assert_eq!(deleted.status, 200);
        assert_eq!(
            deleted.body,
            r#"{"provider":"openai","is_configured":false,"is_active":false,"key_hint":null}"#
        );
    });
}

#[test]
fn no_secret_in_any_answer_or_log_line_and_the_socket_is_its_owners() {
    let db = common::TestDb::sqlite();
    let mut sandbox = Sandbox::new(&db.url);
    let run = sandbox
        .home
        .path()
        .join("run")
        .to_string_lossy()
        .into_owned();
    sandbox.set_env("XDG_RUNTIME_DIR", &run);
    std::fs::create_dir(sandbox.home.path().join("run")).unwrap();
    let socket = sandbox.home.path().join("run/llm-settings/api.sock");
    // The default place: a folder of mode 0700, the socket 0600.
    let server = Server::start_at(&sandbox, None);
    assert_eq!(server.socket, socket);
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(socket.parent().unwrap()), 0o700);
    assert_eq!(mode(&socket), 0o600);

    // A live server's socket is refused.
    let second = Command::new(env!("CARGO_BIN_EXE_llm-settings-serve"))
        .env_clear()
        .envs(sandbox.envs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&second.stderr).starts_with("error: already serving on "),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );

    let mut answers = Vec::new();
    answers.push(save(&server, "openai", KEY, &[]));
    // A misspelt field holding a key, a key with white space inside, a
    // query string: none is echoed anywhere.
    answers.push(ask(
        &server,
        "POST",
        "/api/v1/settings/providers/openai?token=sk-proj-QUERYQUERYQUERY-0000",
        &[json_header()],
        Some(json!({ "apikey": OTHER }).to_string().as_bytes()),
    ));
    answers.push(save(&server, "openai", &format!("{OTHER} {OTHER}"), &[]));
    answers.push(save(&server, "gemini", KEY, &["If-Match: \"7\""]));
    answers.push(ask(&server, "GET", "/api/v1/settings/providers", &[], None));
    assert_eq!(answers[1].status, 422);
    assert_eq!(
        answers[1].json()["detail"][0]["loc"],
        json!(["body", "apikey"])
    );
    assert_eq!(answers[2].status, 422);
    std::thread::sleep(Duration::from_millis(200));
    let logged = server.logged();
    assert!(
        logged
            .iter()
            .any(|line| line.contains("POST /api/v1/settings/providers/openai 422")),
        "{logged:?}"
    );
    for secret in [KEY, OTHER, "QUERYQUERY", "ERVESERVESERVE", "THEROTHEROTHER"] {
        for answer in &answers {
            assert!(!answer.body.contains(secret), "{secret} in {}", answer.body);
            for (name, value) in &answer.headers {
                assert!(!value.contains(secret), "{secret} in {name}");
            }
        }
        for line in &logged {
            assert!(!line.contains(secret), "{secret} in the log: {line}");
        }
    }
    assert!(
        logged.iter().all(|line| !line.contains('?')),
        "a query was logged: {logged:?}"
    );

    // SIGTERM: it stops, exit 0, and the socket is gone; a stale file is
    // then replaced by the next server.
    let pid = rustix::process::Pid::from_raw(i32::try_from(server.child.id()).unwrap()).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let mut server = server;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "still serving");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    assert!(!socket.exists());
    let stale = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    drop(stale);
    assert!(socket.exists(), "a stale socket file nobody listens on");
    let next = Server::start(&sandbox, &socket);
    assert_eq!(ask(&next, "GET", "/health", &[], None).status, 200);
}

#[test]
fn sigterm_lets_a_request_in_flight_finish_refuses_new_ones_and_exits_0() {
    use common::http::{Answer as Reply, TestServer};
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let socket = sandbox.home.path().join("api.sock");
    let mut server = Server::start(&sandbox, &socket);
    // A provider that takes 2 s to answer a test.
    let slow = TestServer::start(Reply::After(
        Duration::from_secs(2),
        200,
        r#"{"data":[{"id":"gpt-4o"}]}"#.into(),
    ));
    assert_eq!(save(&server, "openai", KEY, &[]).status, 200);
    let body = json!({ "base_url": slow.base_url() }).to_string();
    let pointed = ask(
        &server,
        "PATCH",
        "/api/v1/settings/providers/openai",
        &[json_header()],
        Some(body.as_bytes()),
    );
    assert_eq!(pointed.status, 200, "{}", pointed.body);

    let at = socket.clone();
    let in_flight = std::thread::spawn(move || {
        ask_at(
            &at,
            "POST",
            "/api/v1/settings/providers/openai/test",
            &[],
            None,
        )
    });
    // The test has reached the provider: the request is in flight.
    slow.next_request();
    let pid = rustix::process::Pid::from_raw(i32::try_from(server.child.id()).unwrap()).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        std::os::unix::net::UnixStream::connect(&socket).is_err(),
        "a new connection after SIGTERM"
    );
    let answered = in_flight.join().unwrap();
    assert_eq!(answered.status, 200, "{}", answered.body);
    assert_eq!(answered.json()["success"], true);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "still serving");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    // Its line in the access log (stderr, read off by another thread, to its end).
    let logged: Vec<String> = server.log.iter().collect();
    assert!(
        logged
            .iter()
            .any(|line| line.contains("POST /api/v1/settings/providers/openai/test 200")),
        "{logged:?}"
    );
}

#[test]
fn tasks_global_risk_history_and_check_on_both_backends() {
    on_each_backend("tasks_global_risk_history_and_check", |db| {
        let sandbox = Sandbox::new(&db.url);
        let socket = sandbox.home.path().join("api.sock");
        let server = Server::start(&sandbox, &socket);
        let entries = || {
            sandbox
                .run(&["history", "--json"], b"")
                .json()
                .as_array()
                .unwrap()
                .len()
        };

        // Global and risk: the flat object of `show --json`, its revision as the ETag.
        let global = ask(&server, "GET", "/api/v1/settings/global", &[], None);
        assert_eq!(global.status, 200);
        assert_eq!(
            global.body,
            sandbox
                .run(&["global", "show", "--json"], b"")
                .stdout()
                .trim()
        );
        assert_eq!(global.header("etag"), Some("\"0\""));
        let patch = ask(
            &server,
            "PATCH",
            "/api/v1/settings/risk",
            &[json_header()],
            Some(br#"{"drawdown_check_enabled": true, "max_drawdown_pct": 5, "hedging_allowed": null}"#),
        );
        assert_eq!(patch.status, 200, "{}", patch.body);
        assert_eq!(
            patch.body,
            sandbox
                .run(&["risk", "show", "--json"], b"")
                .stdout()
                .trim()
        );
        let revision = sandbox
            .run(&["risk", "revision"], b"")
            .stdout()
            .trim()
            .to_owned();
        assert_eq!(
            patch.header("etag"),
            Some(format!("\"{revision}\"").as_str())
        );
        assert_eq!(
            patch.json()["hedging_allowed"],
            true,
            "null leaves it as it is"
        );
        // One bad field and nothing is written.
        let before = entries();
        let bad = ask(
            &server,
            "PUT",
            "/api/v1/settings/risk",
            &[json_header()],
            Some(br#"{"max_open_positions": 3, "max_drawdown_pct": 500, "position_limit_enabled": "yes"}"#),
        );
        assert_eq!(bad.status, 422);
        let detail = bad.json()["detail"].clone();
        assert_eq!(detail.as_array().unwrap().len(), 2, "{detail}");
        // In the order of the fields.
        assert_eq!(
            detail[0]["msg"],
            "max_drawdown_pct must be a number more than 0 and at most 100"
        );
        assert_eq!(detail[1]["loc"], json!(["body", "position_limit_enabled"]));
        assert_eq!(entries(), before);
        assert_eq!(
            sandbox.run(&["risk", "show", "--json"], b"").json()["max_open_positions"],
            5
        );
        let stale = ask(
            &server,
            "PUT",
            "/api/v1/settings/risk",
            &[json_header(), "If-Match: \"0\""],
            Some(br#"{"max_open_positions": 3}"#),
        );
        assert_eq!(stale.status, 412, "{}", stale.body);
        let unknown = ask(
            &server,
            "PATCH",
            "/api/v1/settings/global",
            &[json_header()],
            Some(br#"{"news": false}"#),
        );
        assert_eq!(unknown.status, 422);
        assert_eq!(unknown.json()["detail"][0]["type"], "extra_forbidden");

        // Tasks: the seed's shape; what GET gave posts back and changes nothing.
        let tasks = ask(
            &server,
            "GET",
            "/api/v1/settings/task-assignments",
            &[],
            None,
        );
        assert_eq!(tasks.status, 200);
        assert_eq!(
            tasks.json()[1],
            json!({"task": "vision", "provider": "", "model_name": ""})
        );
        let before = entries();
        let back = json!({ "assignments": tasks.json() }).to_string();
        let same = ask(
            &server,
            "POST",
            "/api/v1/settings/task-assignments",
            &[json_header()],
            Some(back.as_bytes()),
        );
        assert_eq!(
            (same.status, same.body.as_str()),
            (200, tasks.body.as_str())
        );
        assert_eq!(entries(), before);
        let assign = ask(
            &server,
            "PUT",
            "/api/v1/settings/llm/assignments",
            &[json_header()],
            Some(br#"{"assignments": [{"task": "vision", "provider": "openai", "model_name": "gpt-4o", "status": "ready"}]}"#),
        );
        assert_eq!(assign.status, 200, "{}", assign.body);
        assert_eq!(
            assign.json()[1],
            json!({"task": "vision", "provider": "openai", "model_name": "gpt-4o"})
        );
        assert_eq!(
            sandbox.run(&["tasks", "list", "--json"], b"").json()[1]["model_name"],
            "gpt-4o"
        );
        let bad_task = ask(
            &server,
            "POST",
            "/api/v1/settings/task-assignments",
            &[json_header()],
            Some(br#"{"assignments": [{"task": "vision", "provider": null}, {"task": "xyz", "provider": "openai"}]}"#),
        );
        assert_eq!(
            (bad_task.status, bad_task.body.as_str()),
            (400, r#"{"detail":"Invalid task: xyz"}"#)
        );
        assert_eq!(
            sandbox.run(&["tasks", "list", "--json"], b"").json()[1]["provider"],
            "openai",
            "a bad entry changes nothing"
        );

        // History and check, as the command line prints them.
        let history = ask(
            &server,
            "GET",
            "/api/v1/settings/history?group=risk&limit=1",
            &[],
            None,
        );
        assert_eq!(history.status, 200);
        assert_eq!(history.json().as_array().unwrap().len(), 1);
        assert_eq!(history.json()[0]["group"], "risk");
        let limit = ask(
            &server,
            "GET",
            "/api/v1/settings/history?limit=0",
            &[],
            None,
        );
        assert_eq!(limit.status, 422);
        let check = ask(
            &server,
            "GET",
            "/api/v1/settings/check?max_key_age=30",
            &[],
            None,
        );
        assert_eq!(check.status, 200);
        // `check` exits 1 when it finds something; its JSON is the same.
        let printed = sandbox.run(&["check", "--json", "--max-key-age", "30"], b"");
        assert_eq!(
            check.json(),
            serde_json::from_str::<Value>(&printed.stdout()).unwrap()
        );
        assert!(!check.json().as_array().unwrap().is_empty());
    });
}

#[test]
fn a_provider_switched_pointed_elsewhere_tested_and_asked_for_its_models() {
    use common::http::{Answer as Reply, TestServer};
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let socket = sandbox.home.path().join("api.sock");
    let server = Server::start(&sandbox, &socket);
    let provider = TestServer::start(Reply::Status(
        200,
        r#"{"data":[{"id":"gpt-4o"},{"id":"gpt-4o-mini"}]}"#.into(),
    ));
    // A URL in the body of a test is never contacted.
    let elsewhere = TestServer::start(Reply::Status(200, "{}".into()));
    assert_eq!(save(&server, "openai", KEY, &[]).status, 200);

    // PATCH: both checked before either is written.
    let bad = ask(
        &server,
        "PATCH",
        "/api/v1/settings/providers/openai",
        &[json_header()],
        Some(br#"{"is_active": false, "base_url": "ftp://nowhere"}"#),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(
        sandbox.run(&["providers", "list", "--json"], b"").json()[0]["is_active"],
        true
    );
    let body = json!({ "is_active": false, "base_url": provider.base_url() }).to_string();
    let patched = ask(
        &server,
        "PATCH",
        "/api/v1/settings/providers/openai",
        &[json_header()],
        Some(body.as_bytes()),
    );
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(
        patched.body,
        format!(
            r#"{{"provider":"openai","is_configured":true,"is_active":false,"key_hint":"sk-...4321","base_url":"{}"}}"#,
            provider.base_url()
        )
    );

    // At a revision that is no longer current, a PATCH and a DELETE are
    // refused and change nothing.
    let revision: i64 = patched
        .header("etag")
        .unwrap()
        .trim_matches('"')
        .parse()
        .unwrap();
    let stale_match = format!("If-Match: \"{}\"", revision - 1);
    let stale_patch = ask(
        &server,
        "PATCH",
        "/api/v1/settings/providers/openai",
        &[json_header(), &stale_match],
        Some(br#"{"is_active": true}"#),
    );
    assert_eq!(stale_patch.status, 412, "{}", stale_patch.body);
    let stale_delete = ask(
        &server,
        "DELETE",
        "/api/v1/settings/providers/openai",
        &[&stale_match],
        None,
    );
    assert_eq!(stale_delete.status, 412, "{}", stale_delete.body);
    let listed = sandbox.run(&["providers", "list", "--json"], b"").json();
    assert_eq!(
        (&listed[0]["is_configured"], &listed[0]["is_active"]),
        (&json!(true), &json!(false))
    );
    // A provider without a key cannot be switched on: the base URL of the
    // same PATCH is not written either.
    let body = json!({ "is_active": true, "base_url": elsewhere.base_url() }).to_string();
    let keyless = ask(
        &server,
        "PATCH",
        "/api/v1/settings/providers/gemini",
        &[json_header()],
        Some(body.as_bytes()),
    );
    assert_eq!(keyless.status, 409, "{}", keyless.body);
    assert_eq!(
        keyless.json()["detail"],
        "Google Gemini has no key stored; set one first"
    );
    let history = sandbox
        .run(&["history", "--json", "--group", "providers"], b"")
        .stdout();
    assert!(!history.contains("gemini"), "{history}");

    let typed = json!({ "api_key": OTHER, "base_url": elsewhere.base_url() }).to_string();
    let refused = ask(
        &server,
        "POST",
        "/api/v1/settings/providers/openai/test",
        &[json_header()],
        Some(typed.as_bytes()),
    );
    assert_eq!(refused.status, 422);
    let typed = json!({ "api_key": OTHER }).to_string();
    let tested = ask(
        &server,
        "POST",
        "/api/v1/settings/llm/providers/openai/test",
        &[json_header()],
        Some(typed.as_bytes()),
    );
    assert_eq!(tested.status, 200, "{}", tested.body);
    assert_eq!(tested.json()["success"], true);
    assert_eq!(tested.json()["outcome"], "ok");
    let request = provider.next_request();
    assert_eq!(request.target, "/v1/models");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {OTHER}").as_str())
    );
    assert!(elsewhere.another_request().is_none());
    assert!(!tested.body.contains(OTHER));
    // The stored key, with no body.
    let stored = ask(
        &server,
        "POST",
        "/api/v1/settings/providers/openai/test",
        &[],
        None,
    );
    assert_eq!(stored.json()["success"], true);
    assert_eq!(
        provider.next_request().header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        sandbox.run(&["providers", "list", "--json"], b"").json()[0]["key_hint"],
        "sk-...4321"
    );

    let models = ask(
        &server,
        "GET",
        "/api/v1/settings/providers/openai/models",
        &[],
        None,
    );
    assert_eq!(
        (models.status, models.body.as_str()),
        (200, r#"["gpt-4o","gpt-4o-mini"]"#)
    );

    // "" resets the base URL.
    let reset = ask(
        &server,
        "PATCH",
        "/api/v1/settings/providers/openai",
        &[json_header()],
        Some(br#"{"base_url": ""}"#),
    );
    assert_eq!(reset.json()["base_url"], Value::Null);
}

#[test]
fn the_telegram_bot_set_changed_and_tested_and_its_token_never_comes_back() {
    use common::http::{Answer as Reply, TestServer};
    const TOKEN: &str = "123456789:AAEhBOweik6ad9r_QpvwYlzP3Lm8xUvKQ1c";
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let socket = sandbox.home.path().join("api.sock");
    let server = Server::start(&sandbox, &socket);
    let telegram = TestServer::start(Reply::Routes(vec![
        (
            "/getMe",
            200,
            r#"{"ok":true,"result":{"id":1,"is_bot":true,"username":"alerts_bot"}}"#.into(),
        ),
        (
            "/sendMessage",
            200,
            r#"{"ok":true,"result":{"message_id":7}}"#.into(),
        ),
    ]));

    let unset = ask(&server, "GET", "/api/v1/settings/telegram", &[], None);
    assert_eq!(unset.status, 200);
    assert_eq!(
        unset.json(),
        json!({"is_configured": false, "is_enabled": false, "chat_id": "", "token_hint": null,
               "notify_changes": false, "base_url": null, "last_test": null})
    );
    // A token without a chat when none is stored: refused, nothing stored.
    let no_chat = ask(
        &server,
        "PUT",
        "/api/v1/settings/telegram",
        &[json_header()],
        Some(json!({ "bot_token": TOKEN }).to_string().as_bytes()),
    );
    assert_eq!(no_chat.status, 422, "{}", no_chat.body);
    // A bad chat and a good base URL in one PATCH: nothing is written.
    let half = ask(
        &server,
        "PATCH",
        "/api/v1/settings/telegram",
        &[json_header()],
        Some(
            json!({ "chat_id": "not a chat", "base_url": telegram.base_url() })
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(half.status, 422);
    assert_eq!(half.json()["detail"][0]["loc"], json!(["body", "chat_id"]));
    let body = json!({ "base_url": telegram.base_url() }).to_string();
    let pointed = ask(
        &server,
        "PATCH",
        "/api/v1/settings/telegram",
        &[json_header()],
        Some(body.as_bytes()),
    );
    assert_eq!(pointed.status, 200, "{}", pointed.body);
    // Good values, but the bot cannot go on without a token: the chat and
    // the switch written before that refusal are undone with it.
    let undone = ask(
        &server,
        "PATCH",
        "/api/v1/settings/telegram",
        &[json_header()],
        Some(br#"{"chat_id": "-100555", "notify_changes": true, "is_enabled": true}"#),
    );
    assert_eq!(undone.status, 409, "{}", undone.body);
    assert!(undone.json()["detail"].is_string());
    let after = ask(&server, "GET", "/api/v1/settings/telegram", &[], None).json();
    assert_eq!(
        (&after["chat_id"], &after["notify_changes"]),
        (&json!(""), &json!(false))
    );
    let set = ask(
        &server,
        "PUT",
        "/api/v1/settings/telegram",
        &[json_header()],
        Some(
            json!({ "bot_token": TOKEN, "chat_id": "-1001234567890" })
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.json()["is_enabled"], true);
    assert_eq!(set.json()["token_hint"], "123...KQ1c");
    assert_eq!(set.json()["chat_id"], "-1001234567890");
    assert!(!set.body.contains(TOKEN));
    let shown = sandbox.run(&["telegram", "show", "--json"], b"").json();
    assert_eq!(shown["token_hint"], "123...KQ1c");

    let tested = ask(&server, "POST", "/api/v1/settings/telegram/test", &[], None);
    assert_eq!(tested.status, 200, "{}", tested.body);
    assert_eq!(tested.json()["success"], true);
    assert!(!tested.body.contains(TOKEN));
    assert_eq!(telegram.next_request().target, format!("/bot{TOKEN}/getMe"));
    assert_eq!(
        telegram.next_request().target,
        format!("/bot{TOKEN}/sendMessage")
    );
    let recorded = ask(&server, "GET", "/api/v1/settings/telegram", &[], None);
    assert_eq!(recorded.json()["last_test"]["outcome"], "ok");

    let patched = ask(
        &server,
        "PATCH",
        "/api/v1/settings/telegram",
        &[json_header()],
        Some(br#"{"is_enabled": false, "notify_changes": true}"#),
    );
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(
        (
            patched.json()["is_enabled"].clone(),
            patched.json()["notify_changes"].clone()
        ),
        (json!(false), json!(true))
    );
    let logged = server.logged();
    assert!(
        logged.iter().all(|line| !line.contains(TOKEN)),
        "{logged:?}"
    );
}

#[test]
fn the_openapi_description_is_every_route_the_server_answers() {
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let socket = sandbox.home.path().join("api.sock");
    let server = Server::start(&sandbox, &socket);
    let document = ask(&server, "GET", "/api/v1/openapi.json", &[], None);
    assert_eq!(document.status, 200);
    let document = document.json();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    // Every route of the contract, at the seed's path and the web page's.
    for path in [
        "/health",
        "/health/ready",
        "/api/v1/openapi.json",
        "/api/v1/settings/providers",
        "/api/v1/settings/llm/providers",
        "/api/v1/settings/providers/{provider}",
        "/api/v1/settings/llm/providers/{provider}",
        "/api/v1/settings/providers/{provider}/test",
        "/api/v1/settings/llm/providers/{provider}/test",
        "/api/v1/settings/providers/{provider}/models",
        "/api/v1/settings/llm/providers/{provider}/models",
        "/api/v1/settings/task-assignments",
        "/api/v1/settings/llm/assignments",
        "/api/v1/settings/global",
        "/api/v1/settings/risk",
        "/api/v1/settings/telegram",
        "/api/v1/settings/telegram/test",
        "/api/v1/settings/history",
        "/api/v1/settings/check",
        "/api/v1/settings/events",
    ] {
        assert!(paths.contains_key(path), "{path} is not described");
    }
    // Every method described is served (neither 404 nor 405), and a
    // method not described is not.
    let all = ["get", "post", "put", "patch", "delete"];
    for (path, methods) in paths {
        let concrete = path.replace("{provider}", "openai");
        for method in all {
            let described = methods.get(method).is_some();
            // The change stream does not end: its head is enough.
            let socket = socket.to_string_lossy();
            let wait = if path.ends_with("/events") { "1" } else { "20" };
            let answer = common::serve::ask_with(
                &["--unix-socket", &socket, "--max-time", wait],
                "http://localhost",
                &method.to_uppercase(),
                &concrete,
                &[json_header()],
                Some(b"{}"),
            );
            if described {
                assert!(
                    answer.status != 404 && answer.status != 405,
                    "{method} {path}: {} {}",
                    answer.status,
                    answer.body
                );
            } else {
                assert_eq!(
                    answer.status, 405,
                    "{method} {path} is served but not described"
                );
            }
        }
    }
    // The schemas come from the registries and the field descriptions.
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        schemas["ProviderStatus"]["properties"]["provider"]["enum"],
        json!(["openai", "gemini", "anthropic", "openrouter", "ollama"])
    );
    assert_eq!(
        schemas["TaskAssignment"]["properties"]["task"]["enum"]
            .as_array()
            .unwrap()
            .len(),
        9
    );
    let risk = &schemas["RiskSettings"]["properties"];
    assert_eq!(risk["max_drawdown_pct"]["exclusiveMinimum"], 0.0);
    assert_eq!(risk["max_drawdown_pct"]["maximum"], 100.0);
    assert_eq!(risk["max_open_positions"]["default"], 5);
    for group in llm_settings::field_groups::ALL {
        let described = schemas[format!("{}Settings", group.title)]["properties"]
            .as_object()
            .unwrap()
            .len();
        assert_eq!(described, group.fields.len(), "{}", group.title);
    }
}

#[test]
fn a_silent_database_is_503_within_the_deadline_and_health_still_answers() {
    let Some(postgres) = common::pg_server::PgServer::start("a_silent_database_is_503") else {
        return;
    };
    let mut sandbox = Sandbox::new(&postgres.url());
    sandbox.set_env("LLM_SETTINGS_TIMEOUT", "2");
    let socket = sandbox.home.path().join("api.sock");
    let server = Server::start(&sandbox, &socket);
    assert_eq!(save(&server, "openai", KEY, &[]).status, 200);

    let paused = postgres.pause();
    let started = Instant::now();
    let read = ask(&server, "GET", "/api/v1/settings/providers", &[], None);
    assert_eq!(read.status, 503, "{}", read.body);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(read.header("retry-after").is_some());
    assert!(
        read.json()["detail"]
            .as_str()
            .unwrap()
            .contains("did not answer within 2 s")
    );
    let health = ask(&server, "GET", "/health", &[], None);
    assert_eq!(health.status, 200);
    let ready = ask(&server, "GET", "/health/ready", &[], None);
    assert_eq!(ready.status, 503);
    let write = save(&server, "openai", OTHER, &[]);
    assert!(
        write.status == 503 || write.status == 504,
        "{} {}",
        write.status,
        write.body
    );
    drop(paused);

    // Once the database answers, so does the server: with handles of its own.
    let started = Instant::now();
    loop {
        let again = ask(&server, "GET", "/api/v1/settings/providers", &[], None);
        if again.status == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{} {}",
            again.status,
            again.body
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One answer read off a raw connection: its head and its body, as text.
fn read_answer(stream: &mut std::os::unix::net::UnixStream) -> String {
    use std::io::Read;
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|n| n.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if got.len() >= end + 4 + length {
                return text;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return text,
            Ok(n) => got.extend_from_slice(&chunk[..n]),
        }
    }
}

#[test]
fn stalled_headers_and_bodies_are_cut_off_idle_connections_kept_and_the_65th_refused_while_others_are_served()
 {
    use std::io::Read;
    use std::os::unix::net::UnixStream;
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let socket = sandbox.home.path().join("api.sock");
    let server = Server::start(&sandbox, &socket);

    // A kept-alive connection, answered once and then idle.
    let mut idle = UnixStream::connect(&socket).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    assert!(read_answer(&mut idle).starts_with("HTTP/1.1 200"));
    // Half a header, then nothing.
    let mut stalled = UnixStream::connect(&socket).unwrap();
    stalled
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    // A whole header, and a tenth of the body it announces.
    let mut slow_body = UnixStream::connect(&socket).unwrap();
    slow_body
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    slow_body
        .write_all(
            b"PATCH /api/v1/settings/risk HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"max_dra",
        )
        .unwrap();
    let since = Instant::now();
    // Others are served meanwhile.
    assert_eq!(ask(&server, "GET", "/health", &[], None).status, 200);
    let within_its_deadline = |cut: Duration| {
        assert!(
            cut >= Duration::from_secs(9) && cut <= Duration::from_secs(12),
            "{cut:?}"
        )
    };
    let body_answer = read_answer(&mut slow_body);
    within_its_deadline(since.elapsed());
    assert!(body_answer.starts_with("HTTP/1.1 408"), "{body_answer}");
    assert!(body_answer.contains("the body did not arrive within 10 s"));
    stalled
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = stalled.read_to_end(&mut rest);
    within_its_deadline(since.elapsed());
    assert!(rest.is_empty());
    // Idle past the headers' deadline, the kept-alive connection still
    // serves its next request (it would be closed after 60 s).
    std::thread::sleep(Duration::from_secs(12).saturating_sub(since.elapsed()));
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    assert!(read_answer(&mut idle).starts_with("HTTP/1.1 200"));

    // 64 connections open; the next one is told so; once they close, served.
    let open: Vec<UnixStream> = (0..64)
        .map(|_| UnixStream::connect(&socket).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let refused = ask(&server, "GET", "/health", &[], None);
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.json()["detail"], "too many connections; try again");
    drop(open);
    let started = Instant::now();
    while ask(&server, "GET", "/health", &[], None).status != 200 {
        assert!(started.elapsed() < Duration::from_secs(5), "still refused");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn pythons_http_client_saves_a_key_and_reads_the_seeds_answers() {
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let socket = sandbox.home.path().join("api.sock");
    let _server = Server::start(&sandbox, &socket);
    // Python's standard library over the socket, as a service would call it.
    let script = r#"
import http.client, json, socket, sys

class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)

def call(method, path, body=None):
    c = UnixConnection(sys.argv[1])
    headers = {"Content-Type": "application/json"} if body is not None else {}
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse()
    return r.status, r.getheader("ETag"), json.loads(r.read() or "null")

key = sys.stdin.read().strip()
print(json.dumps([
    call("POST", "/api/v1/settings/providers/anthropic", {"api_key": key}),
    call("POST", "/api/v1/settings/providers/nope", {"api_key": key}),
    call("GET", "/api/v1/settings/llm/providers"),
]))
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .arg(&socket)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(KEY.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let answers: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        answers[0],
        json!([200, "\"1\"", {"provider": "anthropic", "is_configured": true, "is_active": true, "key_hint": "sk-...4321"}])
    );
    assert_eq!(
        answers[1],
        json!([400, null, {"detail": "Invalid provider: nope"}])
    );
    assert_eq!(answers[2][2][2]["key_hint"], "sk-...4321");
    assert!(!String::from_utf8_lossy(&output.stdout).contains(KEY));
}

#[test]
fn eight_clients_of_200_mixed_requests_lose_nothing_on_both_backends() {
    on_each_backend("eight_clients_of_200_mixed_requests", |db| {
        let sandbox = Sandbox::new(&db.url);
        let socket = sandbox.home.path().join("api.sock");
        let server = Server::start(&sandbox, &socket);
        // Eight threads of Python's http.client, each with its own
        // connection: reads, saves (some at a revision) and merges.
        let script = r#"
import http.client, json, socket, sys, threading

class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)

results = []
lock = threading.Lock()

def client(n):
    c = UnixConnection(sys.argv[1])
    for i in range(200):
        kind = i % 4
        headers = {"Content-Type": "application/json"}
        if kind == 0:
            c.request("GET", "/api/v1/settings/providers")
        elif kind == 1:
            key = "sk-proj-LOAD%02dx%03dabcdefghijklmn-%04d" % (n, i, n * 1000 + i)
            c.request("POST", "/api/v1/settings/providers/openai", json.dumps({"api_key": key}), headers)
        elif kind == 2:
            headers["If-Match"] = '"%d"' % (i % 7)
            key = "sk-proj-MATCH%02dx%03dabcdefghijklm-%04d" % (n, i, n * 1000 + i)
            c.request("POST", "/api/v1/settings/providers/gemini", json.dumps({"api_key": key}), headers)
        else:
            value = 1 + n * 100 + i // 4
            c.request("PATCH", "/api/v1/settings/risk", json.dumps({"max_open_positions": value}), headers)
        r = c.getresponse()
        body = r.read()
        with lock:
            results.append([kind, r.status, json.loads(body) if body else None, n, i])

threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps(results))
"#;
        let output = Command::new("python3")
            .args(["-c", script])
            .arg(&server.socket)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(results.len(), 1600);
        let mut acknowledged = [0usize; 4];
        for result in &results {
            let status = result[1].as_u64().unwrap();
            assert!([200, 412, 503].contains(&status), "{result}");
            if status == 200 {
                acknowledged[result[0].as_u64().unwrap() as usize] += 1;
            }
        }
        // Every acknowledged write is in the trail once, and the values
        // now are those of the newest entries.
        let history = sandbox
            .run(&["history", "--json", "--limit", "5000"], b"")
            .json();
        let entries = history.as_array().unwrap();
        let count = |group: &str, subject: &str| {
            entries
                .iter()
                .filter(|entry| entry["group"] == group && entry["subject"] == subject)
                .count()
        };
        assert_eq!(count("providers", "openai"), acknowledged[1]);
        assert_eq!(count("providers", "gemini"), acknowledged[2]);
        assert_eq!(count("risk", "max_open_positions"), acknowledged[3]);
        let newest = |subject: &str| {
            entries
                .iter()
                .find(|entry| entry["subject"] == subject)
                .map(|entry| entry["new"].clone())
                .unwrap()
        };
        let list = sandbox.run(&["providers", "list", "--json"], b"").json();
        assert_eq!(list[0]["key_hint"], newest("openai"));
        let risk = sandbox.run(&["risk", "show", "--json"], b"").json();
        assert_eq!(
            risk["max_open_positions"].to_string(),
            newest("max_open_positions").as_str().unwrap()
        );
        assert!(server.logged().iter().all(|line| !line.contains("error")));
    });
}

#[test]
fn golden_answers() {
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let socket = sandbox.home.path().join("api.sock");
    let server = Server::start(&sandbox, &socket);
    let requests: [(&str, &str, Option<&[u8]>); 14] = [
        ("GET", "/api/v1/settings/providers", None),
        ("POST", "/api/v1/settings/providers/anthropic", Some(br#"{"api_key": "sk-ant-api03-GOLDENGOLDENGOLDEN-cdef"}"#)),
        ("POST", "/api/v1/settings/providers/xyz", Some(br#"{"api_key": "sk-x"}"#)),
        ("POST", "/api/v1/settings/providers/openai", Some(br#"{"api_key": ""}"#)),
        ("POST", "/api/v1/settings/providers/openai", Some(br#"{"api_kee": "sk-proj-TYPOTYPOTYPO"}"#)),
        ("POST", "/api/v1/settings/providers/openai", Some(br#"{"api_key": 42}"#)),
        ("GET", "/api/v1/settings/task-assignments", None),
        ("POST", "/api/v1/settings/task-assignments", Some(br#"{"assignments": [{"task": "vision", "provider": "anthropic", "model_name": "claude sonnet"}]}"#)),
        ("GET", "/api/v1/settings/global", None),
        ("PATCH", "/api/v1/settings/risk", Some(br#"{"max_drawdown_pct": 0, "hedging_allowed": 1}"#)),
        ("PUT", "/api/v1/settings/risk", Some(br#"{"drawdown_check_enabled": true}"#)),
        ("GET", "/api/v1/settings/telegram", None),
        ("GET", "/api/v1/settings/nowhere", None),
        ("DELETE", "/api/v1/settings/global", None),
    ];
    let mut golden = String::new();
    for (method, path, body) in requests {
        let answer = ask(&server, method, path, &[json_header()], body);
        let etag = answer
            .header("etag")
            .map(|tag| format!(" ETag: {tag}"))
            .unwrap_or_default();
        golden.push_str(&format!(
            "{method} {path}\n-> {}{etag}\n{}\n\n",
            answer.status, answer.body
        ));
    }
    insta::assert_snapshot!(golden);
}

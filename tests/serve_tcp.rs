//! `serve --listen` on loopback TCP, asked by curl: loopback only; every request but `/health` with a token of `api-tokens add`; 401, then 429 for that address alone; no token in a query string; a revoked token refused by two running servers within 2 s; the `Host` check and CORS for the origins given only.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use common::serve::{Answer, Server, ask, ask_with, json_header};
use common::{Sandbox, on_each_backend};
use serde_json::json;

/// A server on a loopback port the kernel gives, with `extra` arguments.
fn listening(sandbox: &Sandbox, extra: &[&str]) -> Server {
    let mut args: Vec<&OsStr> = vec!["--listen".as_ref(), "127.0.0.1:0".as_ref()];
    args.extend(extra.iter().map(|arg| OsStr::new(*arg)));
    Server::start_with(sandbox, &args)
}

fn token(sandbox: &Sandbox, name: &str) -> String {
    let added = sandbox.run(&["api-tokens", "add", name], b"");
    assert_eq!(added.code(), 0, "{}", added.stderr());
    added.stdout().trim_end().to_owned()
}

fn bearer(token: &str) -> String {
    format!("Authorization: Bearer {token}")
}

/// `GET path` with `token`, from the local address `from`.
fn get_from(server: &Server, from: &str, path: &str, token: Option<&str>) -> Answer {
    let header = token.map(bearer);
    let headers: Vec<&str> = header.iter().map(String::as_str).collect();
    ask_with(
        &["--interface", from],
        &server.base,
        "GET",
        path,
        &headers,
        None,
    )
}

#[test]
fn listen_takes_loopback_only() {
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    for outside in ["0.0.0.0:8080", "192.0.2.1:8080", "example.com:8080"] {
        let refused = sandbox.run(&["serve", "--listen", outside], b"");
        assert_eq!(refused.code(), 2, "{outside}: {}", refused.stderr());
        let line = refused.stderr();
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(
            line.starts_with(&format!(
                "error: --listen {outside} is not a loopback address"
            )) && line.contains("SSH tunnel"),
            "{line}"
        );
    }
    let nonsense = sandbox.run(&["serve", "--listen", "8080"], b"");
    assert_eq!(nonsense.code(), 2);
    let both = sandbox.run(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--socket",
            "/tmp/x.sock",
        ],
        b"",
    );
    assert_eq!(both.code(), 2, "{}", both.stderr());
}

#[test]
fn a_token_is_needed_failures_are_limited_per_address_and_no_token_goes_in_a_query() {
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let good = token(&sandbox, "ci-bot");
    let server = listening(&sandbox, &[]);

    // /health alone needs no token.
    assert_eq!(get_from(&server, "127.0.0.1", "/health", None).status, 200);
    let anonymous = get_from(&server, "127.0.0.1", "/api/v1/settings/providers", None);
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.body, r#"{"detail":"Not authenticated"}"#);
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));

    let ok = get_from(
        &server,
        "127.0.0.1",
        "/api/v1/settings/providers",
        Some(&good),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    // A change is made as the token's program.
    let body = json!({"max_drawdown_pct": 7}).to_string();
    let changed = ask(
        &server,
        "PATCH",
        "/api/v1/settings/risk",
        &[json_header(), &bearer(&good)],
        Some(body.as_bytes()),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    let history = sandbox
        .run(&["history", "--json", "--limit", "1"], b"")
        .json();
    assert_eq!(history[0]["actor"], "api:ci-bot from 127.0.0.1");
    let listed = sandbox.run(&["api-tokens", "list", "--json"], b"").json();
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");

    // A token is taken from the Authorization header only.
    let in_query = get_from(
        &server,
        "127.0.0.1",
        &format!("/api/v1/settings/providers?access_token={good}"),
        None,
    );
    assert_eq!(in_query.status, 401);

    // Ten failures from 127.0.0.3 (the query above was one from 127.0.0.1).
    for wrong in 0..10 {
        let refused = get_from(
            &server,
            "127.0.0.3",
            "/api/v1/settings/providers",
            Some(&format!("lls_wrong{wrong}")),
        );
        assert_eq!(refused.status, 401, "attempt {wrong}");
    }
    // The eleventh is 429, even with the right token, for that address...
    let limited = get_from(
        &server,
        "127.0.0.3",
        "/api/v1/settings/providers",
        Some(&good),
    );
    assert_eq!(limited.status, 429, "{}", limited.body);
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // ...and for that address alone.
    let other = get_from(
        &server,
        "127.0.0.2",
        "/api/v1/settings/providers",
        Some(&good),
    );
    assert_eq!(other.status, 200, "{}", other.body);

    let logged = server.logged().join("\n");
    assert!(!logged.contains(&good), "{logged}");
    assert!(!logged.contains(&good[4..]), "{logged}");
    assert!(
        logged.contains("api:ci-bot from 127.0.0.1 PATCH /api/v1/settings/risk 200"),
        "{logged}"
    );
}

#[test]
fn a_revoked_token_is_refused_by_two_running_servers_within_2_s_on_both_backends() {
    on_each_backend(
        "a_revoked_token_is_refused_by_two_running_servers_within_2_s_on_both_backends",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            let token = token(&sandbox, "monitor");
            let servers = [listening(&sandbox, &[]), listening(&sandbox, &[])];
            for server in &servers {
                // Used, and so trusted for a second by each.
                let ok = get_from(server, "127.0.0.1", "/api/v1/settings/risk", Some(&token));
                assert_eq!(ok.status, 200, "{}", ok.body);
            }
            let revoked = sandbox.run(&["api-tokens", "revoke", "monitor"], b"");
            assert_eq!(revoked.code(), 0, "{}", revoked.stderr());
            let since = Instant::now();
            for server in &servers {
                loop {
                    let status =
                        get_from(server, "127.0.0.1", "/api/v1/settings/risk", Some(&token)).status;
                    if status == 401 {
                        break;
                    }
                    assert_eq!(status, 200);
                    assert!(since.elapsed() < Duration::from_secs(2), "still accepted");
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            assert!(since.elapsed() < Duration::from_secs(2));
        },
    );
}

#[test]
fn another_host_is_403_and_cors_answers_only_the_origins_given() {
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let good = token(&sandbox, "web-page");
    let server = listening(
        &sandbox,
        &[
            "--cors-origin",
            "https://trading.example.com",
            "--allow-host",
            "settings.internal",
        ],
    );
    let evil = ask(&server, "GET", "/health", &["Host: evil.example"], None);
    assert_eq!(evil.status, 403, "{}", evil.body);
    let evil_port = ask(&server, "GET", "/health", &["Host: evil.example:80"], None);
    assert_eq!(evil_port.status, 403);
    for host in [
        "Host: localhost:8080",
        "Host: [::1]",
        "Host: settings.internal",
    ] {
        assert_eq!(
            ask(&server, "GET", "/health", &[host], None).status,
            200,
            "{host}"
        );
    }
    // And on the unix socket too.
    let socket = sandbox.home.path().join("api.sock");
    let local = Server::start(&sandbox, &socket);
    assert_eq!(
        ask(&local, "GET", "/health", &["Host: evil.example"], None).status,
        403
    );

    let preflight = |origin: &str| {
        ask(
            &server,
            "OPTIONS",
            "/api/v1/settings/risk",
            &[
                &format!("Origin: {origin}"),
                "Access-Control-Request-Method: PATCH",
                "Access-Control-Request-Headers: authorization, content-type, if-match",
            ],
            None,
        )
    };
    let allowed = preflight("https://trading.example.com");
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://trading.example.com")
    );
    let methods = allowed.header("access-control-allow-methods").unwrap();
    assert!(methods.contains("PATCH"), "{methods}");
    let headers = allowed.header("access-control-allow-headers").unwrap();
    assert!(
        headers.contains("authorization") && headers.contains("if-match"),
        "{headers}"
    );
    assert!(allowed.header("access-control-allow-credentials").is_none());
    let foreign = preflight("https://evil.example");
    let cors: Vec<&(String, String)> = foreign
        .headers
        .iter()
        .filter(|(name, _)| name.starts_with("access-control-"))
        .collect();
    assert!(cors.is_empty(), "{cors:?}");

    let read = ask(
        &server,
        "GET",
        "/api/v1/settings/risk",
        &["Origin: https://trading.example.com", &bearer(&good)],
        None,
    );
    assert_eq!(read.status, 200);
    assert_eq!(read.header("access-control-expose-headers"), Some("etag"));
    assert!(read.header("etag").is_some());
}

//! `api-tokens add|list|revoke` on both backends: a token printed once and stored only as its SHA-256, never in any form in the database, the output, `list --json` or the audit trail; bad input refused with exit 2 and nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use base64::Engine;
use common::{Backend, Sandbox, TestDb, on_each_backend};
use sha2::{Digest, Sha256};

/// Everything the database holds, as bytes: the SQLite file and its
/// write-ahead log, or a dump of the PostgreSQL database.
fn database_bytes(db: &TestDb) -> Vec<u8> {
    match db.backend {
        Backend::Sqlite => {
            let mut bytes = std::fs::read(&db.url).unwrap();
            bytes.extend(std::fs::read(format!("{}-wal", db.url)).unwrap_or_default());
            bytes
        }
        Backend::Postgres => {
            let dump = std::process::Command::new("pg_dump")
                .args(["--data-only", "--dbname", &db.url])
                .output()
                .unwrap();
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            dump.stdout
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Every form a token could leak in: as it is, its random part, and their
/// hex and base64.
fn forms(token: &str) -> Vec<Vec<u8>> {
    let random = token.strip_prefix("lls_").unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(random)
        .unwrap();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let b64 = base64::engine::general_purpose::STANDARD;
    vec![
        token.as_bytes().to_vec(),
        random.as_bytes().to_vec(),
        hex(&raw).into_bytes(),
        hex(token.as_bytes()).into_bytes(),
        b64.encode(&raw).into_bytes(),
        b64.encode(token).into_bytes(),
        raw,
    ]
}

#[test]
fn a_token_is_printed_once_stored_as_its_hash_listed_and_revoked_on_both_backends() {
    on_each_backend(
        "a_token_is_printed_once_stored_as_its_hash_listed_and_revoked_on_both_backends",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            let empty = sandbox.run(&["api-tokens", "list"], b"");
            assert_eq!(empty.code(), 0, "{}", empty.stderr());
            assert!(empty.stdout().starts_with("No API token."));

            let added = sandbox.run(&["api-tokens", "add", "ci-bot"], b"");
            assert_eq!(added.code(), 0, "{}", added.stderr());
            let token = added.stdout().trim_end().to_owned();
            assert_eq!(
                added.stdout(),
                format!("{token}\n"),
                "the token alone on stdout"
            );
            assert!(
                token.starts_with("lls_") && token.len() == 4 + 43,
                "{token}"
            );
            assert!(added.stderr().contains("shown this once"));
            let other = sandbox.run(&["api-tokens", "add", "monitor"], b"");
            assert_eq!(other.code(), 0);
            assert_ne!(other.stdout(), added.stdout());

            // Refused, and nothing written: a name taken, a bad name.
            let taken = sandbox.run(&["api-tokens", "add", "ci-bot"], b"");
            assert_eq!(taken.code(), 1);
            assert_eq!(
                taken.stderr(),
                "error: an API token named ci-bot exists; revoke it first (api-tokens revoke ci-bot)\n"
            );
            assert!(taken.stdout().is_empty());
            let bad = sandbox.run(&["api-tokens", "add", "two words"], b"");
            assert_eq!(bad.code(), 2);
            assert!(
                bad.stderr()
                    .starts_with("error: Invalid token name: two words")
            );

            let listed = sandbox.run(&["api-tokens", "list", "--json"], b"").json();
            let names: Vec<&str> = listed
                .as_array()
                .unwrap()
                .iter()
                .map(|token| token["name"].as_str().unwrap())
                .collect();
            assert_eq!(names, ["ci-bot", "monitor"]);
            assert_eq!(listed[0]["created_by"], "tester");
            assert_eq!(listed[0]["last_used_at"], serde_json::Value::Null);
            let keys: Vec<&String> = listed[0].as_object().unwrap().keys().collect();
            assert_eq!(keys, ["created_at", "created_by", "last_used_at", "name"]);
            let table = sandbox.run(&["api-tokens", "list"], b"").stdout();
            assert!(table.starts_with("NAME    "), "{table}");
            assert!(
                table.contains("ci-bot") && table.contains("never"),
                "{table}"
            );

            let revoked = sandbox.run(&["api-tokens", "revoke", "ci-bot"], b"");
            assert_eq!(revoked.code(), 0, "{}", revoked.stderr());
            let again = sandbox.run(&["api-tokens", "revoke", "ci-bot"], b"");
            assert_eq!(again.code(), 1);
            assert!(again.stderr().contains("no API token is named ci-bot"));
            let left = sandbox.run(&["api-tokens", "list", "--json"], b"").json();
            assert_eq!(left.as_array().unwrap().len(), 1);

            let history = sandbox.run(&["history", "--group", "api_tokens"], b"");
            assert_eq!(history.code(), 0, "{}", history.stderr());
            let stdout = history.stdout();
            // Each line after its time, "2026-12-05 17:50:06  ".
            let lines: Vec<&str> = stdout.lines().map(|line| &line[21..]).collect();
            assert_eq!(
                lines,
                [
                    "tester revoked the API token ci-bot",
                    "tester added the API token monitor",
                    "tester added the API token ci-bot"
                ]
            );
            let trail = sandbox.run(&["history", "--json"], b"").stdout();

            // Only the hash is kept; no form of the token is anywhere.
            let stored = database_bytes(db);
            let monitor = other.stdout().trim_end().to_owned();
            match db.backend {
                Backend::Sqlite => assert!(contains(&stored, &Sha256::digest(&monitor))),
                Backend::Postgres => {
                    let hex: String = Sha256::digest(&monitor)
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect();
                    assert!(contains(&stored, hex.as_bytes()));
                }
            }
            for token in [&token, &monitor] {
                for form in forms(token) {
                    assert!(
                        !contains(&stored, &form),
                        "a form of a token in the database"
                    );
                    for text in [&trail, &table, &listed.to_string(), &history.stdout()] {
                        assert!(
                            !contains(text.as_bytes(), &form),
                            "a form of a token in {text}"
                        );
                    }
                    for run in [&added, &other, &taken, &revoked] {
                        assert!(!contains(run.stderr().as_bytes(), &form));
                    }
                }
            }
        },
    );
}

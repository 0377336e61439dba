//! After a save the plaintext key is nowhere: not in the SQLite file or its WAL, not in any output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use common::http::{Answer, TestServer};
use common::{Backend, Sandbox, on_each_backend, write_key_file};
use llm_settings::{OpenOptions, Provider, Settings};
use secrecy::ExposeSecret;

const KEY: &str = "sk-or-v1-PLAINTEXTCANARY0123456789abcdefPLAINTEXT";

fn assert_absent(haystack: &[u8], what: &str) {
    for needle in [KEY.as_bytes(), &KEY.as_bytes()[9..30]] {
        assert!(
            !haystack
                .windows(needle.len())
                .any(|window| window == needle),
            "the key appears in {what}"
        );
    }
}

#[test]
fn the_key_is_in_no_file_and_no_output() {
    on_each_backend("the_key_is_in_no_file_and_no_output", |db| {
        let mut sandbox = Sandbox::new(&db.url);
        sandbox.set_env("RUST_LOG", "trace");
        sandbox.set_env("RUST_BACKTRACE", "1");
        // A connection that has read the database in WAL mode keeps SQLite
        // from folding the WAL into the database and deleting it when each
        // command exits, so the WAL can be searched too.
        sandbox.run(&["providers", "list"], b"").json_or_text();
        let mut reader = db.raw();
        reader.count("SELECT COUNT(*) AS n FROM llm_provider_configs");

        let runs = [
            sandbox.run(
                &["providers", "set", "openrouter"],
                format!("{KEY}\r\n").as_bytes(),
            ),
            sandbox.run(&["providers", "list"], b""),
            sandbox.run(&["providers", "list", "--json"], b""),
            sandbox.run(&["providers", "deactivate", "openrouter"], b""),
            sandbox.run(&["providers", "activate", "openrouter"], b""),
            sandbox.run(
                &[
                    "providers",
                    "base-url",
                    "openrouter",
                    "https://proxy.example",
                ],
                b"",
            ),
            sandbox.run(
                &["providers", "set", "openai"],
                format!("{KEY} tail").as_bytes(),
            ),
            sandbox.run(
                &["providers", "set", "openai"],
                format!("{KEY}\x07").as_bytes(),
            ),
            sandbox.run(&["providers", "set", "openrouter"], KEY.as_bytes()),
        ];
        for (i, run) in runs.iter().enumerate() {
            assert_absent(&run.0.stdout, &format!("the stdout of command {i}"));
            assert_absent(&run.0.stderr, &format!("the stderr of command {i}"));
        }
        assert_eq!(runs[0].code(), 0);
        assert_eq!(runs[6].code(), 2);

        // A connection test against a server that echoes the key back, and
        // a master key rotation.
        let server = TestServer::start(Answer::Status(
            401,
            format!(r#"{{"error":{{"message":"invalid key {KEY}"}}}}"#),
        ));
        let new_key_file = sandbox.home.path().join("new.key");
        write_key_file(&new_key_file);
        let new_key = new_key_file.to_str().unwrap();
        let later = [
            sandbox.run(
                &["providers", "base-url", "openrouter", &server.base_url()],
                b"",
            ),
            sandbox.run(&["providers", "test", "openrouter"], b""),
            sandbox.run(&["providers", "test", "openrouter", "--json"], b""),
            sandbox.run(&["rotate-key", "--new-key-file", new_key, "--dry-run"], b""),
            sandbox.run(&["rotate-key", "--new-key-file", new_key], b""),
        ];
        for (i, run) in later.iter().enumerate() {
            assert_absent(&run.0.stdout, &format!("the stdout of later command {i}"));
            assert_absent(&run.0.stderr, &format!("the stderr of later command {i}"));
        }
        assert_eq!(later[1].code(), 1, "the test was refused");
        assert_eq!(later[4].code(), 0, "{}", later[4].stderr());
        // The rotation procedure: the new key takes the old one's place.
        std::fs::copy(&new_key_file, sandbox.default_key_file()).unwrap();

        let mut settings = Settings::open(&OpenOptions {
            database_url: Some(db.url.clone()),
            key_file: Some(sandbox.default_key_file()),
            actor: None,
        })
        .unwrap();
        let key = settings.read_key(Provider::OpenRouter).unwrap().unwrap();
        assert_eq!(key.expose_secret(), KEY);
        assert_absent(format!("{settings:?}").as_bytes(), "the Debug of Settings");
        assert_absent(format!("{key:?}").as_bytes(), "the Debug of the key");
        assert_absent(
            format!("{:?}", settings.states().unwrap()).as_bytes(),
            "the Debug of the states",
        );

        if db.backend == Backend::Sqlite {
            let wal = format!("{}-wal", db.url);
            let wal_bytes = std::fs::read(&wal).expect("the WAL exists while a reader is open");
            // The WAL holds the rows written: their hint is there, the key is not.
            assert!(
                wal_bytes.windows(10).any(|w| w == b"sk-...TEXT"),
                "the WAL holds no row"
            );
            assert_absent(&wal_bytes, "the -wal file");
            assert_absent(&std::fs::read(&db.url).unwrap(), "the database file");
            if let Ok(shm) = std::fs::read(format!("{}-shm", db.url)) {
                assert_absent(&shm, "the -shm file");
            }
        }
        for entry in walk(sandbox.home.path()) {
            assert_absent(
                &std::fs::read(&entry).unwrap(),
                &entry.display().to_string(),
            );
        }
    });
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

//! The master key: its sources, the default file, and each refusal, through the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::os::unix::fs::PermissionsExt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Sandbox, TestDb, on_each_backend, write_key_file, write_key_text};
use llm_settings::secret::MasterKey;

const KEY: &str = "sk-proj-HHHHHHHHHHHHHHHHHHHHHHHH5678";

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_default_key_file_is_created_on_first_use_and_used_after() {
    on_each_backend(
        "the_default_key_file_is_created_on_first_use_and_used_after",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            let key_file = sandbox.default_key_file();
            assert!(!key_file.exists());
            sandbox.set_key("openai", KEY);
            assert_eq!(mode(&key_file), 0o600);
            assert_eq!(mode(key_file.parent().unwrap()), 0o700);
            let text = std::fs::read_to_string(&key_file).unwrap();
            assert_eq!(text.lines().count(), 1);
            assert!(MasterKey::from_base64(&text).is_ok());

            let list = sandbox.run(&["providers", "list", "--json"], b"").json();
            assert_eq!(list[0]["key_hint"], "sk-...5678");
            assert_eq!(
                std::fs::read_to_string(&key_file).unwrap(),
                text,
                "the file is not rewritten"
            );
        },
    );
}

#[test]
fn the_default_sqlite_database_is_private() {
    let mut sandbox = Sandbox::new("unused");
    sandbox.remove_env("DATABASE_URL");
    sandbox.set_key("openai", KEY);
    let db = sandbox.home.path().join("data/llm-settings/settings.db");
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
}

#[test]
fn values_present_but_no_key_found_is_refused_and_creates_nothing() {
    on_each_backend(
        "values_present_but_no_key_found_is_refused_and_creates_nothing",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            sandbox.set_key("openai", KEY);
            let key_file = sandbox.default_key_file();
            std::fs::remove_file(&key_file).unwrap();

            for args in [
                &["providers", "list"][..],
                &["providers", "delete", "openai"],
            ] {
                let run = sandbox.run(args, b"");
                assert_eq!(run.code(), 1);
                let stderr = run.stderr();
                assert!(stderr.starts_with("error: no master key found"), "{stderr}");
                assert!(stderr.contains(&key_file.display().to_string()));
            }
            assert!(
                !key_file.exists(),
                "a new key was created although values exist"
            );
            assert_eq!(
                db.raw().count(
                    "SELECT COUNT(*) AS n FROM llm_provider_configs WHERE encrypted_key IS NOT NULL"
                ),
                1
            );
        },
    );
}

#[test]
fn the_key_from_the_environment_from_a_file_and_their_order() {
    on_each_backend(
        "the_key_from_the_environment_from_a_file_and_their_order",
        |db| {
            let mut sandbox = Sandbox::new(&db.url);
            let dir = sandbox.home.path().to_owned();
            let env_key = MasterKey::generate().unwrap();
            sandbox.set_env("LLM_SETTINGS_MASTER_KEY", env_key.to_base64().as_str());
            sandbox.set_key("openai", KEY);
            assert!(
                !sandbox.default_key_file().exists(),
                "the environment's key was used"
            );

            // The same key in a file named by $LLM_SETTINGS_KEY_FILE.
            let same = dir.join("same.key");
            write_key_text(&same, env_key.to_base64().as_str(), 0o600);
            sandbox.remove_env("LLM_SETTINGS_MASTER_KEY");
            sandbox.set_env("LLM_SETTINGS_KEY_FILE", same.to_str().unwrap());
            assert_eq!(
                sandbox.run(&["providers", "list", "--json"], b"").json()[0]["is_configured"],
                true
            );

            // --key-file wins over both variables: a different key is sealed out.
            let other = dir.join("other.key");
            write_key_file(&other);
            sandbox.set_env("LLM_SETTINGS_MASTER_KEY", env_key.to_base64().as_str());
            let run = sandbox.run(
                &["--key-file", other.to_str().unwrap(), "providers", "list"],
                b"",
            );
            assert_eq!(run.code(), 1);
            assert!(
                run.stderr().starts_with("error: sealed:"),
                "{}",
                run.stderr()
            );
            assert!(run.stderr().contains("--key-file"), "{}", run.stderr());

            // $LLM_SETTINGS_MASTER_KEY wins over $LLM_SETTINGS_KEY_FILE.
            sandbox.set_env("LLM_SETTINGS_KEY_FILE", other.to_str().unwrap());
            assert_eq!(
                sandbox.run(&["providers", "list", "--json"], b"").json()[0]["is_configured"],
                true
            );
        },
    );
}

#[test]
fn a_wrong_master_key_is_sealed_out_and_changes_nothing() {
    on_each_backend(
        "a_wrong_master_key_is_sealed_out_and_changes_nothing",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            let dir = sandbox.home.path().to_owned();
            let right = dir.join("right.key");
            let right_key = write_key_file(&right);
            let wrong = dir.join("wrong.key");
            let wrong_key = write_key_file(&wrong);
            sandbox
                .run(
                    &[
                        "--key-file",
                        right.to_str().unwrap(),
                        "providers",
                        "set",
                        "openai",
                    ],
                    KEY.as_bytes(),
                )
                .json();
            let before = db.raw().sealed_value("openai");

            let commands: [&[&str]; 5] = [
                &["providers", "list", "--json"],
                &["providers", "set", "openai"],
                &["providers", "delete", "openai"],
                &["providers", "deactivate", "openai"],
                &["providers", "base-url", "openai", "https://proxy.example"],
            ];
            for args in commands {
                let mut full = vec!["--key-file", wrong.to_str().unwrap()];
                full.extend_from_slice(args);
                let run = sandbox.run(&full, b"sk-proj-another-key-000000000");
                assert_eq!(run.code(), 1, "{args:?}");
                assert_eq!(run.stdout(), "");
                let stderr = run.stderr();
                assert!(stderr.starts_with("error: sealed:"), "{stderr}");
                assert!(stderr.contains(&right_key.id().to_string()), "{stderr}");
                assert!(stderr.contains(&wrong_key.id().to_string()), "{stderr}");
            }
            let mut raw = db.raw();
            assert_eq!(raw.sealed_value("openai"), before);
            assert_eq!(raw.count("SELECT COUNT(*) AS n FROM llm_settings_audit"), 1);
            assert_eq!(
                raw.count(
                    "SELECT COUNT(*) AS n FROM llm_provider_configs WHERE base_url IS NOT NULL"
                ),
                0
            );
        },
    );
}

#[test]
fn malformed_or_exposed_key_files_are_refused() {
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    let dir = sandbox.home.path().to_owned();
    let path = dir.join("bad.key");
    let cases: Vec<(String, u32, String)> = vec![
        (
            STANDARD.encode([7u8; 32]),
            0o600,
            "decodes to 32 bytes; a master key is exactly 64 bytes".into(),
        ),
        (
            STANDARD.encode([7u8; 65]),
            0o600,
            "decodes to 65 bytes".into(),
        ),
        (
            "this is not base64!".into(),
            0o600,
            "is not valid standard base64".into(),
        ),
        (
            STANDARD.encode([7u8; 64]),
            0o644,
            format!(
                "is readable by group or others (mode 0644); fix it with: chmod 600 {}",
                path.display()
            ),
        ),
        (STANDARD.encode([7u8; 64]), 0o640, "(mode 0640)".into()),
    ];
    for (text, file_mode, expected) in cases {
        write_key_text(&path, &text, file_mode);
        let run = sandbox.run(
            &[
                "--key-file",
                path.to_str().unwrap(),
                "providers",
                "set",
                "openai",
            ],
            KEY.as_bytes(),
        );
        assert_eq!(run.code(), 1, "{expected}");
        let stderr = run.stderr();
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(&expected), "{expected}: {stderr}");
        assert_eq!(stderr.lines().count(), 1);
        assert!(!stderr.contains(&text[..8]), "{stderr}");
    }
    let run = sandbox.run(
        &["--key-file", "/nonexistent/master.key", "providers", "list"],
        b"",
    );
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .starts_with("error: cannot read master key file /nonexistent/master.key")
    );
    assert!(!std::path::Path::new("/nonexistent/master.key").exists());

    let mut env_sandbox = Sandbox::new(&db.url);
    env_sandbox.set_env("LLM_SETTINGS_MASTER_KEY", &STANDARD.encode([1u8; 32]));
    let run = env_sandbox.run(&["providers", "list"], b"");
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .starts_with("error: the master key from $LLM_SETTINGS_MASTER_KEY decodes to 32 bytes"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        db.raw()
            .count("SELECT COUNT(*) AS n FROM llm_provider_configs"),
        0
    );
}

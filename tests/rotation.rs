//! Master key rotation, on both backends: through the binary, checked through the library.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use common::{Sandbox, on_each_backend, write_key_file};
use llm_settings::secret::{MasterKey, load_key_file, open};
use llm_settings::{Error, OpenOptions, Provider, Settings};
use secrecy::ExposeSecret;

const KEYS: [(Provider, &str); 3] = [
    (Provider::OpenAi, "sk-proj-ROTATErotate000000000001"),
    (Provider::Anthropic, "sk-ant-api03-ROTATErotate0000002"),
    (Provider::Gemini, "AIzaSyROTATErotateROTATE00000003"),
];

fn set_up(sandbox: &Sandbox) {
    for (provider, key) in KEYS {
        sandbox
            .run(&["providers", "set", provider.id()], key.as_bytes())
            .json();
    }
}

fn open_with(db_url: &str, key_file: &std::path::Path) -> Result<Settings, Error> {
    Settings::open(&OpenOptions {
        database_url: Some(db_url.to_owned()),
        key_file: Some(key_file.to_owned()),
        actor: None,
    })
}

fn stored(db: &common::TestDb) -> Vec<Option<Vec<u8>>> {
    let mut raw = db.raw();
    KEYS.iter()
        .map(|(provider, _)| raw.sealed_value(provider.id()))
        .collect()
}

#[test]
fn rotation_re_encrypts_everything_under_the_new_key_only() {
    on_each_backend(
        "rotation_re_encrypts_everything_under_the_new_key_only",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            set_up(&sandbox);
            let old_file = sandbox.default_key_file();
            let old_key: MasterKey = load_key_file(&old_file).unwrap();
            let new_file = sandbox.home.path().join("new.key");
            let new_key = write_key_file(&new_file);
            let before = stored(db);
            let audit_before = db
                .raw()
                .count("SELECT COUNT(*) AS n FROM llm_settings_audit");

            let dry = sandbox.run(
                &[
                    "rotate-key",
                    "--new-key-file",
                    new_file.to_str().unwrap(),
                    "--dry-run",
                ],
                b"",
            );
            assert_eq!(dry.code(), 0, "{}", dry.stderr());
            assert!(
                dry.stdout()
                    .starts_with("Would re-encrypt the keys of OpenAI, Google Gemini, Anthropic"),
                "{}",
                dry.stdout()
            );
            assert_eq!(stored(db), before, "a dry run changed the stored bytes");
            assert_eq!(
                db.raw()
                    .count("SELECT COUNT(*) AS n FROM llm_settings_audit"),
                audit_before
            );

            let run = sandbox.run(
                &["rotate-key", "--new-key-file", new_file.to_str().unwrap()],
                b"",
            );
            assert_eq!(run.code(), 0, "{}", run.stderr());
            assert!(run.stdout().contains(&new_key.id().to_string()));
            let after = stored(db);
            for ((provider, key), (old_bytes, new_bytes)) in
                KEYS.iter().zip(before.iter().zip(&after))
            {
                let (old_bytes, new_bytes) =
                    (old_bytes.as_ref().unwrap(), new_bytes.as_ref().unwrap());
                assert_ne!(
                    old_bytes, new_bytes,
                    "{provider}: the stored bytes did not change"
                );
                assert_eq!(
                    open(&new_key, *provider, new_bytes)
                        .unwrap()
                        .expose_secret(),
                    *key
                );
                assert!(
                    open(&old_key, *provider, new_bytes).is_err(),
                    "{provider} still opens under the old key"
                );
            }
            let mut settings = open_with(&db.url, &new_file).unwrap();
            for (provider, key) in KEYS {
                assert_eq!(
                    settings
                        .read_key(provider)
                        .unwrap()
                        .unwrap()
                        .expose_secret(),
                    key
                );
            }
            assert!(matches!(
                open_with(&db.url, &old_file),
                Err(Error::Sealed { .. })
            ));

            let trail = settings.audit_trail().unwrap();
            assert_eq!(
                trail.len() as i64,
                audit_before + 1,
                "one audit entry for the rotation"
            );
            let entry = trail.last().unwrap();
            assert_eq!(
                (
                    entry.group_name.as_str(),
                    entry.action.as_str(),
                    &entry.subject
                ),
                ("master_key", "rotate-key", &None)
            );
            assert_eq!(entry.old_value, Some(old_key.id().to_string()));
            assert_eq!(entry.new_value, Some(new_key.id().to_string()));
            // The hints are those of the same keys.
            let statuses = settings.statuses().unwrap();
            assert_eq!(statuses[0].key_hint.as_deref(), Some("sk-...0001"));
        },
    );
}

#[test]
fn a_value_that_does_not_open_stops_the_rotation_and_changes_nothing() {
    on_each_backend(
        "a_value_that_does_not_open_stops_the_rotation_and_changes_nothing",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            set_up(&sandbox);
            let mut raw = db.raw();
            let mut tampered = raw.sealed_value("anthropic").unwrap();
            tampered[30] ^= 0x04;
            raw.set_sealed_value("anthropic", &tampered);
            let before = stored(db);
            let audit_before = raw.count("SELECT COUNT(*) AS n FROM llm_settings_audit");

            let new_file = sandbox.home.path().join("new.key");
            write_key_file(&new_file);
            for extra in [&[][..], &["--dry-run"][..]] {
                let mut args = vec!["rotate-key", "--new-key-file", new_file.to_str().unwrap()];
                args.extend_from_slice(extra);
                let run = sandbox.run(&args, b"");
                assert_eq!(run.code(), 1);
                assert!(
                    run.stderr()
                        .starts_with("error: rotation stopped: the key of Anthropic does not open"),
                    "{}",
                    run.stderr()
                );
                assert_eq!(
                    stored(db),
                    before,
                    "a failed rotation changed the stored bytes"
                );
                assert_eq!(
                    db.raw()
                        .count("SELECT COUNT(*) AS n FROM llm_settings_audit"),
                    audit_before
                );
            }
            // The old key still opens everything else.
            let mut settings = open_with(&db.url, &sandbox.default_key_file()).unwrap();
            assert_eq!(
                settings
                    .read_key(Provider::OpenAi)
                    .unwrap()
                    .unwrap()
                    .expose_secret(),
                KEYS[0].1
            );
        },
    );
}

#[test]
fn bad_new_key_files_are_refused() {
    let db = common::TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    set_up(&sandbox);
    let same = sandbox.run(
        &[
            "rotate-key",
            "--new-key-file",
            sandbox.default_key_file().to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(same.code(), 1);
    assert!(
        same.stderr()
            .starts_with("error: the new master key is the current one"),
        "{}",
        same.stderr()
    );
    let open_file = sandbox.home.path().join("open.key");
    common::write_key_text(
        &open_file,
        MasterKey::generate().unwrap().to_base64().as_str(),
        0o644,
    );
    let run = sandbox.run(
        &["rotate-key", "--new-key-file", open_file.to_str().unwrap()],
        b"",
    );
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("chmod 600"), "{}", run.stderr());
    let missing = sandbox.run(
        &["rotate-key", "--new-key-file", "/nonexistent/new.key"],
        b"",
    );
    assert_eq!(missing.code(), 1);
    assert_eq!(sandbox.run(&["rotate-key"], b"").code(), 2);
}

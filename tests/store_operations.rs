//! Every store operation through the library, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use common::{Backend, TestDb, on_each_backend, open_settings};
use llm_settings::{Error, Provider, ProviderStatus, SaveOutcome, Settings};
use secrecy::{ExposeSecret, SecretString};

const ANTHROPIC_KEY: &str = "sk-ant-api03-AAAAAAAAAAAAAAAAAAAA-abcdef";
const OPENAI_KEY: &str = "sk-proj-BBBBBBBBBBBBBBBBBBBBBBBB9876";

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

/// The key stored for `provider`, decrypted.
fn stored_key(settings: &mut Settings, provider: Provider) -> String {
    settings
        .read_key(provider)
        .unwrap()
        .unwrap()
        .expose_secret()
        .to_owned()
}

fn status(
    provider: Provider,
    configured: bool,
    active: bool,
    hint: Option<&str>,
) -> ProviderStatus {
    ProviderStatus {
        provider,
        is_configured: configured,
        is_active: active,
        key_hint: hint.map(Into::into),
    }
}

#[test]
fn an_empty_database_lists_five_unconfigured_providers() {
    on_each_backend(
        "an_empty_database_lists_five_unconfigured_providers",
        |db| {
            let mut settings = open_settings(db);
            let statuses = settings.statuses().unwrap();
            assert_eq!(
                statuses,
                Provider::ALL.map(ProviderStatus::unconfigured).to_vec(),
                "{:?}",
                db.backend
            );
        },
    );
}

#[test]
fn save_replace_and_read_back() {
    on_each_backend("save_replace_and_read_back", |db| {
        let mut settings = open_settings(db);
        let saved = settings
            .save_key(
                Provider::Anthropic,
                &secret(&format!("  {ANTHROPIC_KEY}\n")),
            )
            .unwrap();
        assert_eq!(
            saved,
            status(Provider::Anthropic, true, true, Some("sk-...cdef"))
        );
        assert_eq!(
            stored_key(&mut settings, Provider::Anthropic),
            ANTHROPIC_KEY
        );

        let replaced = settings
            .save_key(
                Provider::Anthropic,
                &secret("sk-ant-api03-CCCCCCCCCCCCCCCCCCCC-zyxw"),
            )
            .unwrap();
        assert_eq!(replaced.key_hint.as_deref(), Some("sk-...zyxw"));
        assert_eq!(
            stored_key(&mut settings, Provider::Anthropic),
            "sk-ant-api03-CCCCCCCCCCCCCCCCCCCC-zyxw"
        );
        assert!(settings.read_key(Provider::OpenAi).unwrap().is_none());

        // A second handle (another process, another admin) sees the same.
        let mut other = open_settings(db);
        let statuses = other.statuses().unwrap();
        assert_eq!(
            statuses[2],
            status(Provider::Anthropic, true, true, Some("sk-...zyxw"))
        );
        assert_eq!(statuses.iter().filter(|s| s.is_configured).count(), 1);
        let states = other.states().unwrap();
        assert_eq!(
            states[2].changed_by.as_deref(),
            Some("alice from 203.0.113.7")
        );
        assert_eq!(states[2].revision, 2);
        assert!(states[2].fault.is_none());
    });
}

#[test]
fn deactivate_activate_and_delete() {
    on_each_backend("deactivate_activate_and_delete", |db| {
        let mut settings = open_settings(db);
        settings
            .save_key(Provider::OpenAi, &secret(OPENAI_KEY))
            .unwrap();

        let off = settings.set_active(Provider::OpenAi, false).unwrap();
        assert_eq!(
            off,
            status(Provider::OpenAi, true, false, Some("sk-...9876"))
        );
        // Deactivating twice is no change, and no error.
        assert_eq!(settings.set_active(Provider::OpenAi, false).unwrap(), off);
        let on = settings.set_active(Provider::OpenAi, true).unwrap();
        assert!(on.is_active);

        let deleted = settings.delete_key(Provider::OpenAi).unwrap();
        assert_eq!(deleted, ProviderStatus::unconfigured(Provider::OpenAi));
        assert!(settings.read_key(Provider::OpenAi).unwrap().is_none());
        // Deleting what is not there is no change, and no error.
        assert_eq!(
            settings.delete_key(Provider::OpenAi).unwrap(),
            ProviderStatus::unconfigured(Provider::OpenAi)
        );
        // A provider without a key cannot be activated.
        assert!(matches!(
            settings.set_active(Provider::OpenAi, true),
            Err(Error::NotConfigured(Provider::OpenAi))
        ));
        assert!(matches!(
            settings.set_active(Provider::Gemini, true),
            Err(Error::NotConfigured(Provider::Gemini))
        ));
        // The key can be set again after a delete.
        settings
            .save_key(Provider::OpenAi, &secret(OPENAI_KEY))
            .unwrap();
        assert!(settings.status(Provider::OpenAi).unwrap().is_active);
    });
}

#[test]
fn base_url_override_with_and_without_a_key() {
    on_each_backend("base_url_override_with_and_without_a_key", |db| {
        let mut settings = open_settings(db);
        let status = settings
            .set_base_url(Provider::Ollama, Some("http://127.0.0.1:11436/"))
            .unwrap();
        assert_eq!(status, ProviderStatus::unconfigured(Provider::Ollama));
        assert_eq!(
            settings.base_url(Provider::Ollama).unwrap().as_deref(),
            Some("http://127.0.0.1:11436")
        );

        settings
            .save_key(Provider::Ollama, &secret("proxy-token-123456"))
            .unwrap();
        assert_eq!(
            settings.base_url(Provider::Ollama).unwrap().as_deref(),
            Some("http://127.0.0.1:11436"),
            "saving a key keeps the base URL"
        );
        settings.delete_key(Provider::Ollama).unwrap();
        assert_eq!(
            settings.base_url(Provider::Ollama).unwrap().as_deref(),
            Some("http://127.0.0.1:11436"),
            "deleting the key keeps the base URL"
        );
        settings.set_base_url(Provider::Ollama, None).unwrap();
        assert_eq!(settings.base_url(Provider::Ollama).unwrap(), None);

        assert!(matches!(
            settings.set_base_url(Provider::OpenAi, Some("ftp://x")),
            Err(Error::InvalidBaseUrl(_))
        ));
        assert_eq!(settings.base_url(Provider::OpenAi).unwrap(), None);
    });
}

#[test]
fn the_audit_trail_records_each_change_and_no_key() {
    on_each_backend("the_audit_trail_records_each_change_and_no_key", |db| {
        let mut settings = open_settings(db);
        settings
            .save_key(Provider::OpenAi, &secret(OPENAI_KEY))
            .unwrap();
        settings.set_active(Provider::OpenAi, false).unwrap();
        settings.set_active(Provider::OpenAi, false).unwrap(); // no change: no entry
        settings.set_active(Provider::OpenAi, true).unwrap();
        settings
            .set_base_url(Provider::OpenAi, Some("https://proxy.example/openai"))
            .unwrap();
        settings.set_base_url(Provider::OpenAi, None).unwrap();
        settings
            .save_key(Provider::Anthropic, &secret(ANTHROPIC_KEY))
            .unwrap();
        settings.delete_key(Provider::OpenAi).unwrap();
        settings.delete_key(Provider::OpenAi).unwrap(); // no change: no entry
        let _ = settings.save_key(Provider::Gemini, &secret("has space")); // refused: no entry

        let trail = settings.audit_trail().unwrap();
        let summary: Vec<_> = trail
            .iter()
            .map(|row| {
                (
                    row.group_name.as_str(),
                    row.action.as_str(),
                    row.subject.as_deref().unwrap(),
                    row.old_value.as_deref(),
                    row.new_value.as_deref(),
                )
            })
            .collect();
        let url = "https://proxy.example/openai";
        assert_eq!(
            summary,
            vec![
                ("providers", "set", "openai", None, Some("sk-...9876")),
                (
                    "providers",
                    "deactivate",
                    "openai",
                    Some("true"),
                    Some("false")
                ),
                (
                    "providers",
                    "activate",
                    "openai",
                    Some("false"),
                    Some("true")
                ),
                ("providers", "base-url", "openai", None, Some(url)),
                ("providers", "base-url-reset", "openai", Some(url), None),
                ("providers", "set", "anthropic", None, Some("sk-...cdef")),
                ("providers", "delete", "openai", Some("sk-...9876"), None),
            ],
            "{:?}",
            db.backend
        );
        for row in &trail {
            assert_eq!(row.actor, "alice from 203.0.113.7");
            let text = format!("{row:?}");
            assert!(!text.contains(OPENAI_KEY) && !text.contains(ANTHROPIC_KEY));
        }
        assert!(
            trail
                .windows(2)
                .all(|pair| pair[0].id < pair[1].id && pair[0].at <= pair[1].at)
        );
    });
}

#[test]
fn two_saves_of_the_same_key_store_different_bytes() {
    on_each_backend("two_saves_of_the_same_key_store_different_bytes", |db| {
        let mut settings = open_settings(db);
        let mut raw = db.raw();
        settings
            .save_key(Provider::OpenAi, &secret(OPENAI_KEY))
            .unwrap();
        let first = raw.sealed_value("openai").unwrap();
        settings
            .save_key(Provider::OpenAi, &secret(OPENAI_KEY))
            .unwrap();
        let second = raw.sealed_value("openai").unwrap();
        assert_ne!(first, second);
        assert!(
            !first
                .windows(OPENAI_KEY.len())
                .any(|w| w == OPENAI_KEY.as_bytes())
        );
    });
}

#[test]
fn a_tampered_or_misplaced_value_fails_for_its_provider_alone() {
    on_each_backend(
        "a_tampered_or_misplaced_value_fails_for_its_provider_alone",
        |db| {
            let mut settings = open_settings(db);
            settings
                .save_key(Provider::OpenAi, &secret(OPENAI_KEY))
                .unwrap();
            settings
                .save_key(Provider::Anthropic, &secret(ANTHROPIC_KEY))
                .unwrap();
            settings
                .save_key(
                    Provider::Gemini,
                    &secret("AIzaSyDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
                )
                .unwrap();
            let mut raw = db.raw();

            // OpenAI's value copied onto Gemini's row.
            let openai_value = raw.sealed_value("openai").unwrap();
            raw.set_sealed_value("gemini", &openai_value);
            // One flipped byte in the ciphertext of Anthropic's value.
            let mut anthropic_value = raw.sealed_value("anthropic").unwrap();
            *anthropic_value.last_mut().unwrap() ^= 0x20;
            raw.set_sealed_value("anthropic", &anthropic_value);

            // The database still opens; the broken providers fail alone.
            let mut settings = open_settings(db);
            for provider in [Provider::Gemini, Provider::Anthropic] {
                match settings.read_key(provider) {
                    Err(Error::Undecryptable { provider: p, .. }) => assert_eq!(p, provider),
                    other => panic!("{provider}: expected Undecryptable, got {other:?}"),
                }
            }
            assert_eq!(stored_key(&mut settings, Provider::OpenAi), OPENAI_KEY);
            let states = settings.states().unwrap();
            assert!(states[0].fault.is_none());
            assert!(states[1].fault.is_some() && states[2].fault.is_some());
            assert_eq!(settings.statuses().unwrap().len(), 5);
            settings.set_active(Provider::OpenAi, false).unwrap();

            // The broken one can be entered again.
            settings
                .save_key(Provider::Anthropic, &secret(ANTHROPIC_KEY))
                .unwrap();
            assert_eq!(
                stored_key(&mut settings, Provider::Anthropic),
                ANTHROPIC_KEY
            );
            let message = match settings.read_key(Provider::Gemini) {
                Err(error) => error.to_string(),
                Ok(_) => panic!("gemini still broken"),
            };
            assert!(message.contains("Google Gemini"), "{message}");
            assert!(!message.contains(OPENAI_KEY));
        },
    );
}

#[test]
fn the_sqlite_file_is_private_and_in_wal_mode() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::sqlite();
    assert_eq!(db.backend, Backend::Sqlite);
    let mut settings = open_settings(&db);
    settings
        .save_key(Provider::OpenAi, &secret(OPENAI_KEY))
        .unwrap();
    let mode = std::fs::metadata(&db.url).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let mut raw = db.raw();
    assert_eq!(
        raw.count("SELECT COUNT(*) AS n FROM pragma_journal_mode WHERE journal_mode = 'wal'"),
        1
    );
}

#[test]
fn a_save_based_on_an_older_revision_is_refused_with_who_changed_it() {
    on_each_backend(
        "a_save_based_on_an_older_revision_is_refused_with_who_changed_it",
        |db| {
            let mut mine = open_settings(db);
            // Nothing stored yet: revision 0 is current.
            let first = mine
                .save_key_at_revision(Provider::OpenAi, &secret(OPENAI_KEY), 0)
                .unwrap();
            assert!(
                matches!(first, SaveOutcome::Saved(ref s) if s.status.key_hint.as_deref() == Some("sk-...9876"))
            );
            let seen = mine.states().unwrap()[0].revision;
            assert_eq!(seen, 1);

            // Another admin replaces it.
            let mut theirs = common::open_settings_as(db, "bob", None);
            theirs
                .save_key(Provider::OpenAi, &secret("sk-proj-THEIRSTHEIRSTHEIRS-5555"))
                .unwrap();

            // A save based on revision 1 is refused, and names bob.
            match mine
                .save_key_at_revision(
                    Provider::OpenAi,
                    &secret("sk-proj-MINEMINEMINEMINE-1111"),
                    seen,
                )
                .unwrap()
            {
                SaveOutcome::Conflict(state) => {
                    assert_eq!(state.changed_by.as_deref(), Some("bob"));
                    assert_eq!(state.revision, 2);
                    assert_eq!(state.status.key_hint.as_deref(), Some("sk-...5555"));
                }
                other => panic!("expected a conflict, got {other:?}"),
            }
            assert_eq!(
                stored_key(&mut mine, Provider::OpenAi),
                "sk-proj-THEIRSTHEIRSTHEIRS-5555"
            );
            // Revision 0 no longer matches a provider that has a row.
            assert!(matches!(
                mine.save_key_at_revision(Provider::OpenAi, &secret(OPENAI_KEY), 0)
                    .unwrap(),
                SaveOutcome::Conflict(_)
            ));
            // Confirmed against the revision shown in the notice, it is saved.
            assert!(matches!(
                mine.save_key_at_revision(
                    Provider::OpenAi,
                    &secret("sk-proj-MINEMINEMINEMINE-1111"),
                    2
                )
                .unwrap(),
                SaveOutcome::Saved(_)
            ));
            assert_eq!(
                stored_key(&mut mine, Provider::OpenAi),
                "sk-proj-MINEMINEMINEMINE-1111"
            );
            let audit = mine.audit_trail().unwrap();
            assert_eq!(audit.len(), 3, "a refused save writes no audit entry");
        },
    );
}

#[test]
fn the_fingerprint_tells_the_same_key_apart_without_revealing_it() {
    on_each_backend(
        "the_fingerprint_tells_the_same_key_apart_without_revealing_it",
        |db| {
            let mut alice = open_settings(db);
            alice
                .save_key(Provider::OpenAi, &secret(OPENAI_KEY))
                .unwrap();
            let first = alice.states().unwrap()[0].fingerprint.clone().unwrap();
            assert_eq!(first.len(), 8);
            assert!(first.chars().all(|c| c.is_ascii_hexdigit()));
            // Saved again (another nonce), read by another admin: the same.
            let mut bob = common::open_settings_as(db, "bob", None);
            bob.save_key(Provider::OpenAi, &secret(OPENAI_KEY)).unwrap();
            assert_eq!(
                alice.states().unwrap()[0].fingerprint.as_deref(),
                Some(first.as_str())
            );
            // Another key: another fingerprint.
            bob.save_key(
                Provider::OpenAi,
                &secret("sk-proj-ANOTHERanotherANOTHER-0000"),
            )
            .unwrap();
            assert_ne!(
                alice.states().unwrap()[0].fingerprint.as_deref(),
                Some(first.as_str())
            );
            assert_eq!(alice.states().unwrap()[1].fingerprint, None);
        },
    );
    // Keyed: the same key under another master key has another fingerprint.
    let a = llm_settings::secret::MasterKey::generate().unwrap();
    let b = llm_settings::secret::MasterKey::generate().unwrap();
    assert_ne!(
        a.fingerprint(Provider::OpenAi, &secret(OPENAI_KEY)),
        b.fingerprint(Provider::OpenAi, &secret(OPENAI_KEY))
    );
}

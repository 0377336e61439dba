//! The refusals of "Saving a key", on both backends: each refused save changes nothing. And the hint rule.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use common::{on_each_backend, open_settings};
use llm_settings::api_key::{KeyRefusal, masked_hint};
use llm_settings::{Error, Provider};
use secrecy::SecretString;

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

#[test]
fn refused_keys_change_nothing() {
    on_each_backend("refused_keys_change_nothing", |db| {
        let mut settings = open_settings(db);
        let cases: Vec<(String, KeyRefusal)> = vec![
            (String::new(), KeyRefusal::Empty),
            (" \t\r\n ".into(), KeyRefusal::Empty),
            ("sk-abc def".into(), KeyRefusal::InnerWhiteSpace),
            ("sk-abc\tdef".into(), KeyRefusal::InnerWhiteSpace),
            ("sk-abc\ndef".into(), KeyRefusal::InnerWhiteSpace),
            ("sk-abc\x1b[2Jdef".into(), KeyRefusal::ControlCharacter),
            ("sk-abc\x00def".into(), KeyRefusal::ControlCharacter),
            ("sk-abc\x7fdef".into(), KeyRefusal::ControlCharacter),
            (
                "sk-abc\u{200b}def".into(),
                KeyRefusal::InvisibleCharacter(0x200b),
            ),
            (format!("sk-{}", "a".repeat(4094)), KeyRefusal::TooLong),
        ];
        for (key, refusal) in &cases {
            match settings.save_key(Provider::OpenAi, &secret(key)) {
                Err(Error::KeyRefused(got)) => assert_eq!(&got, refusal, "{:?}", db.backend),
                other => panic!("{refusal:?}: expected a refusal, got {other:?}"),
            }
            let message = Error::KeyRefused(refusal.clone()).to_string();
            assert!(!message.contains("abc"), "{message}");
        }
        // Exactly 4096 bytes is allowed; the check is on the trimmed key.
        let longest = format!("sk-{}", "a".repeat(4093));
        assert!(
            settings
                .save_key(Provider::Gemini, &secret(&format!("{longest}\n")))
                .is_ok()
        );
        settings.delete_key(Provider::Gemini).unwrap();

        let mut raw = db.raw();
        assert_eq!(
            raw.count("SELECT COUNT(*) AS n FROM llm_provider_configs WHERE provider = 'openai'"),
            0
        );
        assert_eq!(
            raw.count("SELECT COUNT(*) AS n FROM llm_settings_audit WHERE subject = 'openai'"),
            0
        );
        assert_eq!(raw.count("SELECT COUNT(*) AS n FROM llm_settings_audit"), 2);

        // A refused replacement leaves the stored key as it was.
        settings
            .save_key(Provider::OpenAi, &secret("sk-proj-original-key-0000"))
            .unwrap();
        let before = raw.sealed_value("openai");
        assert!(
            settings
                .save_key(Provider::OpenAi, &secret("sk-new key"))
                .is_err()
        );
        assert_eq!(raw.sealed_value("openai"), before);
        assert_eq!(
            raw.count("SELECT COUNT(*) AS n FROM llm_settings_audit WHERE subject = 'openai'"),
            1
        );
    });
}

#[test]
fn invalid_provider_ids_are_refused_with_the_exact_message() {
    for id in ["xyz", "OpenAI", "openai ", "", "anthropic\n"] {
        let error = Error::from(id.parse::<Provider>().unwrap_err());
        assert_eq!(error.exit_status(), 2);
        let expected = format!("Invalid provider: {}", id.replace('\n', "?"));
        assert_eq!(error.to_string(), expected);
    }
}

/// A small deterministic generator, so that the property covers many keys
/// of every length without a random failure that cannot be replayed.
fn key_of_length(length: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(length as u64 + 1);
    (0..length)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ALPHABET[(state >> 58) as usize % ALPHABET.len()] as char
        })
        .collect()
}

#[test]
fn the_hint_never_shows_more_than_seven_characters_nor_a_quarter_of_the_key() {
    for length in 0..=100 {
        for seed in 0..20 {
            let key = key_of_length(length, seed);
            let hint = masked_hint(&secret(&key));
            let (head, tail) = hint.split_once("...").expect("a hint always holds ...");
            let shown = head.chars().count() + tail.chars().count();
            assert!(shown <= 7, "{length}: {hint}");
            assert!(shown * 4 <= length, "{length}: {hint}");
            assert!(
                key.starts_with(head) && key.ends_with(tail),
                "{key} -> {hint}"
            );
            if length < 8 {
                assert_eq!(hint, "...");
            }
            if length >= 28 {
                assert_eq!((head.len(), tail.len()), (3, 4), "{length}: {hint}");
            }
        }
    }
}

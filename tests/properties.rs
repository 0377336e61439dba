//! Property tests: key validation, the hint, the stored envelope and the sanitiser, over generated input.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use llm_settings::Provider;
use llm_settings::api_key::{masked_hint, validate_key};
use llm_settings::sanitize::{one_line, printable};
use llm_settings::secret::{Envelope, MasterKey, open, seal};
use proptest::prelude::*;
use secrecy::{ExposeSecret, SecretString};

fn provider() -> impl Strategy<Value = Provider> {
    prop::sample::select(Provider::ALL.to_vec())
}

proptest! {
    // Failures are reported with their minimal input; no regression files
    // are written into the tree.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn validation_never_panics_and_accepts_only_clean_trimmed_keys(raw in ".{0,64}|[ \\t\\r\\n]{0,3}[!-~]{1,80}[ \\t\\r\\n]{0,3}") {
        if let Ok(key) = validate_key(&raw) {
            let key = key.expose_secret();
            prop_assert!(!key.is_empty());
            prop_assert!(key.len() <= 4096);
            prop_assert!(!key.chars().any(|c| c.is_whitespace() || c.is_control()));
            prop_assert!(raw.contains(key));
        }
    }

    #[test]
    fn printable_keys_with_surrounding_white_space_are_accepted(key in "[!-~]{1,200}", before in "[ \\t\\n]{0,3}", after in "[ \\t\\r\\n]{0,3}") {
        let raw = format!("{before}{key}{after}");
        let accepted = validate_key(&raw).unwrap();
        prop_assert_eq!(accepted.expose_secret(), key.as_str());
    }

    /// Keys without `.`, so that the hint's `...` is found where it is.
    #[test]
    fn the_hint_shows_at_most_seven_characters_and_a_quarter(key in "[^.]{0,100}") {
        let hint = masked_hint(&SecretString::from(key.clone()));
        let (head, tail) = hint.split_once("...").unwrap();
        let shown = head.chars().count() + tail.chars().count();
        prop_assert!(shown <= 7);
        prop_assert!(shown * 4 <= key.chars().count());
        prop_assert!(key.starts_with(head) && key.ends_with(tail));
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics_nor_opens(bytes in prop::collection::vec(any::<u8>(), 0..200), provider in provider()) {
        let master = MasterKey::from_bytes(Box::new([7u8; 64]));
        let _ = Envelope::parse(&bytes);
        prop_assert!(open(&master, provider, &bytes).is_err());
    }

    #[test]
    fn seal_then_open_gives_the_key_back(key in "[!-~]{1,300}", provider in provider()) {
        let master = MasterKey::from_bytes(Box::new([9u8; 64]));
        let sealed = seal(&master, provider, &SecretString::from(key.clone()));
        let opened = open(&master, provider, &sealed).unwrap();
        prop_assert_eq!(opened.expose_secret(), key.as_str());
        let envelope = Envelope::parse(&sealed).unwrap();
        prop_assert_eq!(envelope.key_id, master.id());
    }

    #[test]
    fn sanitised_text_holds_no_control_character(text in "\\PC{0,40}|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}a-z\\[\\];]{0,60}") {
        let clean = printable(&text);
        prop_assert!(!clean.chars().any(char::is_control), "{:?}", clean);
        prop_assert_eq!(clean.chars().count(), text.chars().count());
        let line = one_line(&text);
        prop_assert!(!line.chars().any(char::is_control), "{:?}", line);
    }
}

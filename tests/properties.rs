//! Property tests: key validation, the hint, the stored envelope and the sanitiser, over generated input.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use llm_settings::api_key::{masked_hint, validate_key};
use llm_settings::fields::{Field, Value};
use llm_settings::sanitize::{one_line, printable};
use llm_settings::secret::{Envelope, MasterKey, open, seal};
use llm_settings::{GlobalSettings, Provider, RiskSettings};
use proptest::prelude::*;
use secrecy::{ExposeSecret, SecretString};

fn provider() -> impl Strategy<Value = Provider> {
    prop::sample::select(Provider::ALL.to_vec())
}

/// Every described field of the global settings and the risk rules.
fn field() -> impl Strategy<Value = &'static Field> {
    let fields: Vec<&'static Field> = GlobalSettings::GROUP
        .fields
        .iter()
        .chain(RiskSettings::GROUP.fields)
        .collect();
    prop::sample::select(fields)
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

    /// Any text is either a value in range or refused, never a panic; and
    /// what parses prints back to text that parses to the same value.
    #[test]
    fn any_text_parses_into_range_or_is_refused(field in field(), text in "-?[0-9]{0,4}(\\.[0-9]{0,4})?|[-+.e0-9%a-z ]{0,12}|\\PC{0,12}") {
        match field.parse(&text) {
            Ok(value) => {
                prop_assert!(field.allows(value), "{} took {:?} as {:?}", field.name, text, value);
                let printed = value.to_string();
                prop_assert_eq!(field.parse(&printed), Ok(value), "{} printed {:?}", field.name, printed);
            }
            Err(refusal) => {
                prop_assert!(refusal.0.starts_with(&format!("{} must be ", field.name)), "{}", refusal.0);
            }
        }
    }

    /// Every number in range, written as a plain decimal of up to 15
    /// significant digits, is read exactly and printed back as itself.
    #[test]
    fn numbers_in_range_print_back_exactly(field in field(), whole in 0u32..1000, fraction in "[0-9]{0,6}") {
        let text = if fraction.is_empty() { whole.to_string() } else { format!("{whole}.{fraction}") };
        if let Ok(Value::Number(number)) = field.parse(&text) {
            prop_assert_eq!(number, text.parse::<f64>().unwrap());
            prop_assert_eq!(number.to_string().parse::<f64>().unwrap(), number);
        }
    }
}

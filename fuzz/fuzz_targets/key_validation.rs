//! Fuzzes key validation and the masked hint with arbitrary input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llm_settings::api_key::validate_key;
use secrecy::ExposeSecret;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(key) = validate_key(text) {
        let accepted = key.expose_secret();
        assert!(!accepted.is_empty() && accepted.len() <= 4096);
        assert!(!accepted.chars().any(|c| c.is_whitespace() || c.is_control()));
        let hint = key.hint();
        let shown = hint.chars().count() - 3;
        assert!(shown <= 7 && shown * 4 <= accepted.chars().count());
    }
});

//! Secrets as admins enter them (a provider's API key, a bot token): the checks one must pass, the checked type, and its masked hint.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// The longest key accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 4096;

/// Why a key was refused. The reason never contains the key itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyRefusal {
    #[error("Key must not be empty")]
    Empty,
    #[error("Key must not contain white space")]
    InnerWhiteSpace,
    #[error("Key must not contain control characters")]
    ControlCharacter,
    #[error("Key must not contain invisible characters (U+{0:04X})")]
    InvisibleCharacter(u32),
    #[error("Key is longer than {MAX_KEY_BYTES} bytes")]
    TooLong,
    #[error("Key is not valid UTF-8 text")]
    NotUtf8,
}

/// Characters that print as nothing, which a key copied from a web page or
/// a chat window sometimes carries; the provider would refuse the key later.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// A secret that passed the checks: trimmed, not empty, at most
/// [`MAX_KEY_BYTES`], no white space, control or invisible characters
/// inside. Only [`ApiKey::parse`] makes one, so holding one is the proof
/// that it was checked; it is zeroized when dropped and never printed.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Checks a key as entered or pasted; surrounding white space (a pasted
    /// trailing newline) is trimmed first.
    pub fn parse(raw: &str) -> Result<Self, KeyRefusal> {
        validate_key(raw)
    }

    /// The masked hint stored beside the sealed key and shown instead of it.
    pub fn hint(&self) -> String {
        masked_hint(&self.0)
    }

    /// The key as a secret, for the cipher and the request header.
    pub fn as_secret(&self) -> &SecretString {
        &self.0
    }
}

impl ExposeSecret<str> for ApiKey {
    fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

/// Checks a key as entered or pasted and returns it trimmed of surrounding
/// white space (a pasted trailing newline), ready to be sealed.
pub fn validate_key(raw: &str) -> Result<ApiKey, KeyRefusal> {
    let key = raw.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    if key.is_empty() {
        return Err(KeyRefusal::Empty);
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(KeyRefusal::TooLong);
    }
    for c in key.chars() {
        if c.is_whitespace() {
            return Err(KeyRefusal::InnerWhiteSpace);
        }
        if c.is_control() {
            return Err(KeyRefusal::ControlCharacter);
        }
        if is_invisible(c) {
            return Err(KeyRefusal::InvisibleCharacter(u32::from(c)));
        }
    }
    Ok(ApiKey(SecretString::from(key.to_owned())))
}

/// The masked hint stored beside a key and shown instead of it: the first 3
/// characters, `...`, the last 4 (`sk-...cdef`). It never shows more than 7
/// characters, nor more than a quarter of the key; a key under 8 characters
/// shows only `...`.
pub fn masked_hint(key: &SecretString) -> String {
    let chars: Vec<char> = key.expose_secret().chars().collect();
    let shown = if chars.len() < 8 {
        0
    } else {
        (chars.len() / 4).min(7)
    };
    // The head gets the smaller half so that the end of the key, which tells
    // two keys of the same provider apart, is what shows when space is short.
    let head = (shown / 2).min(3);
    let tail = shown - head;
    let mut hint = String::with_capacity(shown + 3);
    hint.extend(&chars[..head]);
    hint.push_str("...");
    hint.extend(&chars[chars.len() - tail..]);
    hint
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint_of(key: &str) -> String {
        masked_hint(&SecretString::from(key.to_owned()))
    }

    #[test]
    fn hint_of_a_real_looking_key() {
        assert_eq!(hint_of("sk-ant-api03-0123456789-abcdef"), "sk-...cdef");
        assert_eq!(hint_of("short"), "...");
        assert_eq!(hint_of("12345678"), "1...8");
    }

    #[test]
    fn trimming_and_refusals() {
        use secrecy::ExposeSecret;
        assert_eq!(
            validate_key(" sk-abc\r\n").unwrap().expose_secret(),
            "sk-abc"
        );
        assert_eq!(validate_key("").unwrap_err(), KeyRefusal::Empty);
        assert_eq!(validate_key(" \t\n").unwrap_err(), KeyRefusal::Empty);
        assert_eq!(
            validate_key("sk a").unwrap_err(),
            KeyRefusal::InnerWhiteSpace
        );
        assert_eq!(
            validate_key("sk\x07a").unwrap_err(),
            KeyRefusal::ControlCharacter
        );
        assert_eq!(
            validate_key("sk\u{200B}a").unwrap_err(),
            KeyRefusal::InvisibleCharacter(0x200B)
        );
        assert_eq!(
            validate_key(&"a".repeat(4097)).unwrap_err(),
            KeyRefusal::TooLong
        );
        assert!(validate_key(&"a".repeat(4096)).is_ok());
    }
}

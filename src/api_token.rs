//! API tokens for `serve` over TCP: a name an admin chose, a token made of 32 random bytes behind the recognisable prefix `lls_` (so that secret scanners find a leaked one), and the token's SHA-256, the only form the store keeps.

use std::fmt;

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::sanitize::printable;

/// What every token starts with.
pub const PREFIX: &str = "lls_";

/// How many random bytes a token holds.
const RANDOM_BYTES: usize = 32;

/// The longest name a token may have.
const NAME_MAX: usize = 64;

/// A token's name: 1 to 64 letters, digits, `.`, `_` or `-`, so that it
/// reads unquoted in the audit trail and the actor (`api:NAME from ...`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenName(String);

/// A name refused, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "Invalid token name: {} (1 to 64 letters, digits, '.', '_' or '-')",
    printable(.0)
)]
pub struct InvalidTokenName(pub String);

impl TokenName {
    pub fn parse(text: &str) -> Result<TokenName, InvalidTokenName> {
        let fits = (1..=NAME_MAX).contains(&text.len())
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if fits {
            Ok(TokenName(text.to_owned()))
        } else {
            Err(InvalidTokenName(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TokenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A token's SHA-256: what the store keeps and what a request's token is
/// looked up by.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl fmt::Debug for TokenHash {
    /// Never printed: a hash identifies the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(..)")
    }
}

impl TokenHash {
    /// The SHA-256 of the token as sent.
    pub fn of(token: &str) -> TokenHash {
        TokenHash(Sha256::digest(token.as_bytes()).into())
    }

    /// Equal to `other`, in time that does not depend on where they differ.
    pub fn matches(&self, other: &[u8]) -> bool {
        other.len() == self.0.len()
            && self
                .0
                .iter()
                .zip(other)
                .fold(0u8, |differ, (a, b)| differ | (a ^ b))
                == 0
    }
}

/// A token just made: shown once, then only its hash is kept.
pub struct NewToken {
    pub token: SecretString,
    pub hash: TokenHash,
}

/// Makes a token from the operating system's random bytes.
pub fn generate() -> Result<NewToken, getrandom::Error> {
    let mut bytes = zeroize::Zeroizing::new([0u8; RANDOM_BYTES]);
    getrandom::fill(bytes.as_mut_slice())?;
    let token = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes.as_slice())
    );
    let hash = TokenHash::of(&token);
    Ok(NewToken {
        token: SecretString::from(token),
        hash,
    })
}

impl fmt::Debug for NewToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewToken(..)")
    }
}

impl NewToken {
    /// The token, to print once.
    pub fn reveal(&self) -> &str {
        self.token.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_the_prefix_and_43_characters_of_32_random_bytes() {
        let first = generate().unwrap();
        let second = generate().unwrap();
        let text = first.reveal();
        assert!(text.starts_with(PREFIX));
        assert_eq!(text.len(), PREFIX.len() + 43);
        assert_ne!(text, second.reveal());
        assert_eq!(TokenHash::of(text), first.hash);
        assert!(first.hash.matches(&first.hash.0));
        assert!(!first.hash.matches(&second.hash.0));
        assert!(!first.hash.matches(&first.hash.0[..31]));
        assert!(!format!("{first:?} {:?}", first.hash).contains(&text[4..]));
    }

    #[test]
    fn names_are_short_and_plain() {
        for good in ["ci-bot", "monitor.prod", "a", "web_page2"] {
            assert!(TokenName::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "with space",
            "ünï",
            "a/b",
            &"x".repeat(65),
            "line\nbreak",
        ] {
            assert!(TokenName::parse(bad).is_err(), "{bad:?}");
        }
    }
}

//! The Telegram bot that sends the system's alerts: its chat, the shape of its token, its status, and the test that sends a message.

mod announce;
mod client;

use std::fmt;

use serde::Serialize;

pub use announce::{ANNOUNCE_TIMEOUT, Announcement};
pub use client::{TelegramTest, TelegramTestResult};

use crate::sanitize::Printable;
use crate::sanitize::printable;

/// Where the bot's messages go, unless a base URL override is stored.
pub const DEFAULT_BASE_URL: &str = "https://api.telegram.org";

/// A chat the bot sends to: a whole number (negative for groups, e.g.
/// `-1001234567890`) or a public `@channelname` (5 to 32 ASCII letters,
/// digits or `_`, starting with a letter). Only [`ChatId::parse`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatId(String);

/// A chat id that is neither a whole number nor a public `@channelname`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "Invalid chat id: {} (a whole number such as -1001234567890, or a public @channelname of 5 to 32 letters, digits or _)",
    printable(.0)
)]
pub struct InvalidChatId(pub String);

impl ChatId {
    /// Checks a chat id as typed; surrounding white space is dropped.
    pub fn parse(text: &str) -> Result<Self, InvalidChatId> {
        let id = text.trim();
        let refused = || InvalidChatId(text.to_owned());
        if let Some(name) = id.strip_prefix('@') {
            let length_ok = (5..=32).contains(&name.len());
            let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            let characters_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if length_ok && starts_with_letter && characters_ok {
                return Ok(ChatId(id.to_owned()));
            }
            return Err(refused());
        }
        let digits = id.strip_prefix('-').unwrap_or(id);
        // Telegram's ids are 64-bit numbers: at most 19 digits.
        if digits.is_empty()
            || digits.len() > 19
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || (digits.len() > 1 && digits.starts_with('0'))
        {
            return Err(refused());
        }
        Ok(ChatId(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `token` is shaped like a token from Telegram's BotFather: the
/// bot's number, `:`, then about 35 letters, digits, `_` or `-`. A token
/// that is not gets a warning and can still be saved.
pub fn token_looks_right(token: &str) -> bool {
    let Some((number, secret)) = token.split_once(':') else {
        return false;
    };
    let number_ok = (5..=20).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
    let secret_ok = (30..=50).contains(&secret.len())
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    number_ok && secret_ok
}

/// The bot's status, exactly as `--json` prints it:
/// `{"is_configured": true, "is_enabled": true, "chat_id": "-1001234567890", "token_hint": "123...wxyz", "notify_changes": false}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TelegramStatus {
    /// A token is stored.
    pub is_configured: bool,
    pub is_enabled: bool,
    pub chat_id: Option<Printable>,
    pub token_hint: Option<Printable>,
    pub notify_changes: bool,
}

/// The last test the bot passed or failed, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedTest {
    pub at: chrono::NaiveDateTime,
    pub outcome: crate::connection_test::TestOutcome,
    pub detail: Printable,
}

/// The bot's status with what the console and `telegram show` show beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TelegramState {
    pub status: TelegramStatus,
    /// The base URL override; `None` for Telegram's own API.
    pub base_url: Option<Printable>,
    pub last_test: Option<RecordedTest>,
    /// Grows with every change; 0: never changed.
    pub revision: i64,
    pub changed_at: Option<chrono::NaiveDateTime>,
    pub changed_by: Option<Printable>,
    /// Why the stored token does not decrypt, when it does not.
    pub fault: Option<crate::secret::OpenError>,
}

crate::revision::revisioned!(TelegramState, |_state| crate::group::Group::Telegram
    .id()
    .to_owned());

impl TelegramState {
    /// A bot with nothing set, never changed.
    pub fn unset() -> Self {
        TelegramState {
            status: TelegramStatus {
                is_configured: false,
                is_enabled: false,
                chat_id: None,
                token_hint: None,
                notify_changes: false,
            },
            base_url: None,
            last_test: None,
            revision: 0,
            changed_at: None,
            changed_by: None,
            fault: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_ids() {
        for good in [
            "-1001234567890",
            "123456789",
            "0",
            "@alerts_channel",
            "@abcde",
            " 42 ",
        ] {
            assert!(ChatId::parse(good).is_ok(), "{good:?}");
        }
        assert_eq!(ChatId::parse(" 42 ").unwrap().as_str(), "42");
        for bad in [
            "",
            "-",
            "12a",
            "@abcd",
            "@1abcde",
            "@with-dash",
            "@",
            "--5",
            "007",
            "1.5",
            &format!("@{}", "a".repeat(33)),
            "12345678901234567890",
        ] {
            let error = ChatId::parse(bad).unwrap_err().to_string();
            assert!(error.starts_with("Invalid chat id: "), "{bad:?}: {error}");
        }
    }

    #[test]
    fn token_shapes() {
        assert!(token_looks_right(
            "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
        ));
        assert!(!token_looks_right("sk-proj-not-a-bot-token"));
        assert!(!token_looks_right("123456789:short"));
        assert!(!token_looks_right("abc:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"));
    }

    #[test]
    fn json_shape_matches_the_contract() {
        let status = TelegramStatus {
            is_configured: true,
            is_enabled: true,
            chat_id: Some("-1001234567890".into()),
            token_hint: Some("123...wxyz".into()),
            notify_changes: false,
        };
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            r#"{"is_configured":true,"is_enabled":true,"chat_id":"-1001234567890","token_hint":"123...wxyz","notify_changes":false}"#
        );
    }
}

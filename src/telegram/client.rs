//! Telegram's Bot API as the test and the announcements use it: `getMe`, then `sendMessage`, with the token kept out of every text.
//!
//! The API puts the token in the URL path (`/bot<token>/getMe`), and HTTP
//! clients print URLs in their errors. So no error of the client and no
//! answer of the server is shown as it is: every text is made one
//! printable line and the token, as typed and as encoded in the path, is
//! replaced by `[token]`, whatever the server echoes back.

use std::io::Read;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::connection_test::TestOutcome;
use crate::sanitize::{Printable, one_line};

/// The limit on the whole test, both requests together.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The most characters of a detail: Telegram's description, the bot's
/// name and the advice fit; a longer answer is cut.
const DETAIL_LIMIT: usize = 400;

/// The most of an answer that is read: Telegram's are small.
const BODY_LIMIT: u64 = 64 * 1024;

/// What a test found, in the shape `telegram test --json` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TelegramTestResult {
    pub outcome: TestOutcome,
    pub http_status: Option<u16>,
    pub latency_ms: u64,
    /// One printable line; it never holds the token.
    pub detail: Printable,
}

/// A message to send, or a test to run: where, with which token, to which
/// chat. The token is held as a secret and never printed.
pub struct TelegramTest {
    base_url: String,
    token: SecretString,
    chat_id: String,
}

impl std::fmt::Debug for TelegramTest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramTest")
            .field("base_url", &self.base_url)
            .field("token", &"[redacted]")
            .field("chat_id", &self.chat_id)
            .finish()
    }
}

/// An answer of the API: its status and body, or why there was none.
struct Answer {
    result: Result<(u16, String), String>,
}

impl TelegramTest {
    /// A test (or a message) for the bot of `token` in `chat_id`, through
    /// `base_url` (Telegram's own API when `None`).
    pub fn new(base_url: Option<&str>, token: SecretString, chat_id: &str) -> Self {
        TelegramTest {
            base_url: base_url
                .unwrap_or(super::DEFAULT_BASE_URL)
                .trim_end_matches('/')
                .to_owned(),
            token,
            chat_id: chat_id.to_owned(),
        }
    }

    /// The token as it goes in the path: every character but letters,
    /// digits and `:`, `_`, `-` percent-encoded, so that an odd token
    /// cannot reach another path.
    fn encoded_token(&self) -> Zeroizing<String> {
        let mut encoded = Zeroizing::new(String::new());
        for byte in self.token.expose_secret().bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b':' | b'_' | b'-') {
                encoded.push(char::from(byte));
            } else {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
        encoded
    }

    /// `text` as one printable line without the token.
    fn scrub(&self, text: &str) -> String {
        let mut line = one_line(text);
        let token = self.token.expose_secret();
        if !token.is_empty() {
            line = line.replace(token, "[token]");
            line = line.replace(self.encoded_token().as_str(), "[token]");
        }
        if line.chars().count() > DETAIL_LIMIT {
            line = line.chars().take(DETAIL_LIMIT - 1).collect();
            line.push('…');
        }
        line
    }

    /// One request to `method`, with a JSON `body` for a POST, within `limit`.
    fn call(&self, method: &str, body: Option<&str>, limit: Duration) -> Answer {
        let url = Zeroizing::new(format!(
            "{}/bot{}/{method}",
            self.base_url,
            self.encoded_token().as_str()
        ));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(limit))
            .http_status_as_error(false)
            // A redirect would send the token to wherever it points.
            .max_redirects(0)
            .user_agent(concat!("llm-settings/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let sent = match body {
            Some(body) => agent
                .post(url.as_str())
                .content_type("application/json")
                .send(body),
            None => agent.get(url.as_str()).call(),
        };
        let result = sent
            .map(|mut response| {
                let status = response.status().as_u16();
                let mut text = String::new();
                let _ = response
                    .body_mut()
                    .as_reader()
                    .take(BODY_LIMIT)
                    .read_to_string(&mut text);
                (status, text)
            })
            .map_err(|error| self.scrub(&describe(&error, limit)));
        Answer { result }
    }

    /// Sends `text` to the chat within `limit`: `Ok` once Telegram took
    /// it, else why not, in one line without the token.
    pub fn send(&self, text: &str, limit: Duration) -> Result<(), String> {
        let body = message_body(&self.chat_id, text);
        match self.call("sendMessage", Some(&body), limit).result {
            Ok((200..=299, _)) => Ok(()),
            Ok((status, answer)) => Err(self.scrub(&format!(
                "HTTP {status}{}",
                description(&answer)
                    .map(|text| format!(": {text}"))
                    .unwrap_or_default()
            ))),
            Err(reason) => Err(reason),
        }
    }

    /// The test: `getMe` (is the token accepted? the bot's name), then
    /// `sendMessage` of `text` to the chat, 10 s in all.
    pub fn run(&self, text: &str) -> TelegramTestResult {
        let started = Instant::now();
        let elapsed_ms = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let result = |outcome, http_status, detail: String| TelegramTestResult {
            outcome,
            http_status,
            latency_ms: elapsed_ms(),
            detail: self.scrub(&detail).into(),
        };
        let bot = match self.call("getMe", None, TEST_TIMEOUT).result {
            Err(reason) => return result(TestOutcome::Unreachable, None, reason),
            Ok((status @ 200..=299, answer)) => match bot_name(&answer) {
                Some(name) => name,
                None => {
                    return result(
                        TestOutcome::Unexpected,
                        Some(status),
                        format!("HTTP {status}: the answer to getMe is not a bot"),
                    );
                }
            },
            Ok((status, answer)) => {
                let (outcome, advice) = match status {
                    401 | 403 | 404 => (
                        TestOutcome::Unauthorized,
                        Some("the token is wrong or revoked (BotFather gives a new one)"),
                    ),
                    _ => (TestOutcome::Unexpected, None),
                };
                return result(outcome, Some(status), refusal(status, &answer, advice));
            }
        };
        let left = TEST_TIMEOUT.saturating_sub(started.elapsed());
        let body = message_body(&self.chat_id, text);
        match self
            .call(
                "sendMessage",
                Some(&body),
                left.max(Duration::from_millis(1)),
            )
            .result
        {
            Err(reason) => result(TestOutcome::Unreachable, None, format!("{bot}: {reason}")),
            Ok((status @ 200..=299, _)) => result(
                TestOutcome::Ok,
                Some(status),
                format!("sent to {} by {bot} in {} ms", self.chat_id, elapsed_ms()),
            ),
            Ok((status, answer)) => {
                let found = description(&answer)
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let (outcome, advice) = match status {
                    400 if found.contains("chat not found") => (
                        TestOutcome::Unexpected,
                        Some("add the bot to the chat, or send it /start"),
                    ),
                    401 | 403 => (
                        TestOutcome::Unauthorized,
                        Some("the bot was blocked or removed from the chat"),
                    ),
                    _ => (TestOutcome::Unexpected, None),
                };
                result(
                    outcome,
                    Some(status),
                    format!("{bot}: {}", refusal(status, &answer, advice)),
                )
            }
        }
    }
}

/// `{"chat_id": "...", "text": "..."}`.
fn message_body(chat_id: &str, text: &str) -> String {
    serde_json::json!({ "chat_id": chat_id, "text": text }).to_string()
}

/// "HTTP 400: Bad Request: chat not found: add the bot to the chat, ...".
fn refusal(status: u16, answer: &str, advice: Option<&str>) -> String {
    let mut text = format!("HTTP {status}");
    if let Some(description) = description(answer) {
        text.push_str(": ");
        text.push_str(&description);
    }
    if let Some(advice) = advice {
        text.push_str(": ");
        text.push_str(advice);
    }
    text
}

/// Telegram's own `description` of a refusal, whole: it is cut to length
/// only after the token is scrubbed from it, so that no part of the token
/// is left at the cut.
fn description(answer: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(answer).ok()?;
    Some(value.get("description")?.as_str()?.to_owned())
}

/// "@name_bot" from `getMe`'s answer, when it is a bot's.
fn bot_name(answer: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(answer).ok()?;
    if value.get("ok")?.as_bool() != Some(true) {
        return None;
    }
    let result = value.get("result")?;
    match result.get("username").and_then(|name| name.as_str()) {
        Some(name) => Some(format!("@{name}")),
        None => result
            .get("first_name")
            .and_then(|name| name.as_str())
            .map(str::to_owned),
    }
}

/// Why a request got no answer, without the URL: a client's error may
/// print it, and the URL holds the token.
fn describe(error: &ureq::Error, limit: Duration) -> String {
    match error {
        ureq::Error::Timeout(_) => format!("no answer within {} s", limit.as_secs().max(1)),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_owned()
        }
        // The text of an I/O error names no URL; the caller scrubs it all the same.
        ureq::Error::Io(io) => io.to_string(),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => "the base URL is not usable".to_owned(),
        // Other errors are scrubbed of the token by the caller.
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test() -> TelegramTest {
        TelegramTest::new(
            Some("http://127.0.0.1:9/"),
            SecretString::from("123456:SECRET/part?x".to_owned()),
            "-100",
        )
    }

    #[test]
    fn the_token_is_encoded_in_the_path_and_scrubbed_from_every_text() {
        let test = test();
        assert_eq!(test.encoded_token().as_str(), "123456:SECRET%2Fpart%3Fx");
        assert_eq!(
            test.scrub(
                "bad uri: http://h/bot123456:SECRET%2Fpart%3Fx/getMe or 123456:SECRET/part?x\n"
            ),
            "bad uri: http://h/bot[token]/getMe or [token]"
        );
        assert!(!format!("{test:?}").contains("SECRET"));
    }

    #[test]
    fn a_long_answer_is_cut_after_the_token_is_scrubbed() {
        let test = test();
        // The token straddles where a description would be cut.
        for padding in [DETAIL_LIMIT - 10, DETAIL_LIMIT - 3, DETAIL_LIMIT + 5] {
            let answer = format!("{}123456:SECRET/part?x tail", "x".repeat(padding));
            let line = test.scrub(&answer);
            assert!(!line.contains("SECRET"), "{line}");
            assert!(line.chars().count() <= DETAIL_LIMIT);
        }
    }

    #[test]
    fn answers_are_read_for_the_bot_and_the_description() {
        assert_eq!(
            bot_name(r#"{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Alerts","username":"alerts_bot"}}"#).as_deref(),
            Some("@alerts_bot")
        );
        assert_eq!(bot_name(r#"{"ok":false}"#), None);
        assert_eq!(
            refusal(
                400,
                r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
                Some("add the bot")
            ),
            "HTTP 400: Bad Request: chat not found: add the bot"
        );
        assert_eq!(
            message_body("-100", "a \"quoted\" text"),
            r#"{"chat_id":"-100","text":"a \"quoted\" text"}"#
        );
    }
}

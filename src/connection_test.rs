//! Testing a provider's connection: one authenticated request that lists models or checks the key.
//!
//! It knows the providers and the sanitiser, nothing of the store: what a
//! test needs is read by `Settings::test_target`.

use std::io::Read;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::provider::Provider;
use crate::sanitize::one_line;

/// The limit on the whole request, connection and answer included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The most of an answer's body that is read (for an error message or
/// OpenRouter's credit); the rest is not needed.
const BODY_LIMIT: u64 = 64 * 1024;

/// How a test ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TestOutcome {
    /// The provider accepted the key (2xx).
    Ok,
    /// 401 or 403: the key was refused.
    Unauthorized,
    /// No answer: DNS, refused, time-out, TLS.
    Unreachable,
    /// Any other status.
    Unexpected,
}

impl TestOutcome {
    /// A word for tables.
    pub fn label(self) -> &'static str {
        match self {
            TestOutcome::Ok => "ok",
            TestOutcome::Unauthorized => "refused",
            TestOutcome::Unreachable => "no answer",
            TestOutcome::Unexpected => "error",
        }
    }
}

/// What a test found, in the shape `providers test --json` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestResult {
    pub provider: Provider,
    pub outcome: TestOutcome,
    pub http_status: Option<u16>,
    pub latency_ms: u64,
    /// One printable line; it never holds the key.
    pub detail: String,
}

/// The headers that carry `key`, as the provider expects them. The key
/// leaves its secret type here and nowhere else.
fn auth_headers(provider: Provider, key: &SecretString) -> Vec<(&'static str, Zeroizing<String>)> {
    let (name, prefix) = provider.key_header();
    let mut headers = vec![(
        name,
        Zeroizing::new(format!("{prefix}{}", key.expose_secret())),
    )];
    headers.extend(
        provider
            .fixed_headers()
            .iter()
            .map(|&(name, value)| (name, Zeroizing::new(value.to_owned()))),
    );
    headers
}

/// Tests `provider` against `base_url` (its default when `None`) with `key`
/// (Ollama may have none). Blocks for at most [`TIMEOUT`].
pub fn test_connection(
    provider: Provider,
    base_url: Option<&str>,
    key: Option<&SecretString>,
) -> TestResult {
    let base = base_url
        .unwrap_or(provider.default_base_url())
        .trim_end_matches('/');
    let url = format!("{base}{}", provider.test_path());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        // A redirect could carry the key's header to another host.
        .max_redirects(0)
        .user_agent(concat!("llm-settings/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut request = agent.get(&url);
    if let Some(key) = key {
        for (name, value) in auth_headers(provider, key) {
            request = request.header(name, value.as_str());
        }
    }
    let started = Instant::now();
    let answer = request.call();
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let scrub = |text: &str| scrub_key(&one_line(text), key);
    match answer {
        Err(error) => TestResult {
            provider,
            outcome: TestOutcome::Unreachable,
            http_status: None,
            latency_ms,
            detail: scrub(&describe_transport_error(&error)),
        },
        Ok(mut response) => {
            let status = response.status().as_u16();
            let mut body = String::new();
            let _ = response
                .body_mut()
                .as_reader()
                .take(BODY_LIMIT)
                .read_to_string(&mut body);
            let outcome = match status {
                200..=299 => TestOutcome::Ok,
                401 | 403 => TestOutcome::Unauthorized,
                _ => TestOutcome::Unexpected,
            };
            let mut detail = format!("HTTP {status} in {latency_ms} ms");
            if outcome == TestOutcome::Ok {
                if let Some(credit) = (provider == Provider::OpenRouter)
                    .then(|| openrouter_credit(&body))
                    .flatten()
                {
                    detail.push_str(&format!("; credit left: {credit}"));
                }
            } else if let Some(message) = error_message(&body) {
                detail.push_str(": ");
                detail.push_str(&truncate(&message, 160));
            }
            TestResult {
                provider,
                outcome,
                http_status: Some(status),
                latency_ms,
                detail: scrub(&detail),
            }
        }
    }
}

fn describe_transport_error(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => format!("no answer within {} s", TIMEOUT.as_secs()),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_owned()
        }
        other => other.to_string(),
    }
}

/// The `error.message` (or `message`) of a JSON error body, as the providers send it.
fn error_message(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let message = value
        .pointer("/error/message")
        .or_else(|| value.get("message"))
        .or_else(|| value.get("error").filter(|e| e.is_string()))?;
    message.as_str().map(str::to_owned)
}

/// What OpenRouter's `/api/v1/key` says is left to spend, when it says.
fn openrouter_credit(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    match value.pointer("/data/limit_remaining")? {
        serde_json::Value::Number(number) => Some(format!("${number}")),
        serde_json::Value::Null => Some("no limit".to_owned()),
        _ => None,
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max_chars).collect();
    cut.push('…');
    cut
}

/// A server may echo the key back in an error; it never reaches the output.
fn scrub_key(text: &str, key: Option<&SecretString>) -> String {
    match key.map(ExposeSecret::expose_secret) {
        Some(key) if !key.is_empty() => text.replace(key, "[key]"),
        _ => text.to_owned(),
    }
}

/// What a test needs, read from the store: the provider, its base URL
/// override and its key. Reading it is quick; running it may take [`TIMEOUT`].
pub struct TestTarget {
    pub provider: Provider,
    pub base_url: Option<String>,
    key: Option<SecretString>,
}

impl std::fmt::Debug for TestTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestTarget")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("key", &self.key.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl TestTarget {
    /// A test of `provider` against `base_url` (its default when `None`)
    /// with `key` (Ollama may have none).
    pub fn new(provider: Provider, base_url: Option<String>, key: Option<SecretString>) -> Self {
        TestTarget {
            provider,
            base_url,
            key,
        }
    }

    /// Sends the request.
    pub fn run(&self) -> TestResult {
        test_connection(self.provider, self.base_url.as_deref(), self.key.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_and_credit_are_read_from_json() {
        assert_eq!(
            error_message(r#"{"error":{"message":"Incorrect API key provided","type":"invalid"}}"#)
                .as_deref(),
            Some("Incorrect API key provided")
        );
        assert_eq!(error_message("not json"), None);
        assert_eq!(
            openrouter_credit(r#"{"data":{"label":"x","limit_remaining":12.5}}"#).as_deref(),
            Some("$12.5")
        );
        assert_eq!(
            openrouter_credit(r#"{"data":{"limit_remaining":null}}"#).as_deref(),
            Some("no limit")
        );
    }

    #[test]
    fn an_echoed_key_is_scrubbed() {
        let key = SecretString::from("sk-echoed".to_owned());
        assert_eq!(
            scrub_key("bad key sk-echoed!", Some(&key)),
            "bad key [key]!"
        );
    }
}

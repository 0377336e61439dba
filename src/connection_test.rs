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
use crate::sanitize::{Printable, one_line};

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
    pub detail: Printable,
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
    let (answer, latency_ms) = get(provider, base_url, provider.test_path(), key, BODY_LIMIT);
    let mut result = result_of(provider, &answer, latency_ms, key);
    if let Ok((_, body)) = &answer
        && result.outcome == TestOutcome::Ok
        && provider == Provider::OpenRouter
        && let Some(credit) = openrouter_credit(body)
    {
        result.detail = format!("{}; credit left: {credit}", result.detail).into();
    }
    result
}

/// The most of a list of models that is read: OpenRouter's, with a
/// description of each model, is several hundred kilobytes.
const MODELS_BODY_LIMIT: u64 = 16 * 1024 * 1024;

/// The models `provider` offers, as its API lists them to `key`: the ids a
/// task's model can be set to, sorted, each one a valid model name. A
/// failure is the request's outcome, as a connection test reports it.
pub fn list_models(
    provider: Provider,
    base_url: Option<&str>,
    key: Option<&SecretString>,
) -> Result<Vec<String>, TestResult> {
    let (answer, latency_ms) = get(
        provider,
        base_url,
        provider.models_path(),
        key,
        MODELS_BODY_LIMIT,
    );
    let result = result_of(provider, &answer, latency_ms, key);
    let (Ok((_, body)), TestOutcome::Ok) = (&answer, result.outcome) else {
        return Err(result);
    };
    let Some(models) = model_ids(provider, body) else {
        return Err(TestResult {
            outcome: TestOutcome::Unexpected,
            detail: format!("{}: the answer is not a list of models", result.detail).into(),
            ..result
        });
    };
    Ok(models)
}

/// The model ids in a provider's answer, or `None` when it is not a list.
fn model_ids(provider: Provider, body: &str) -> Option<Vec<String>> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let (list, field) = match provider {
        Provider::OpenAi | Provider::Anthropic | Provider::OpenRouter => ("/data", "id"),
        Provider::Gemini => ("/models", "name"),
        Provider::Ollama => ("/models", "name"),
    };
    let entries = value.pointer(list)?.as_array()?;
    let mut ids: Vec<String> = entries
        .iter()
        .filter_map(|entry| entry.get(field)?.as_str())
        // Gemini names its models "models/gemini-1.5-pro".
        .map(|id| id.strip_prefix("models/").unwrap_or(id))
        .filter(|id| crate::task::ModelName::parse(id).is_ok_and(|name| !name.is_default()))
        .map(str::to_owned)
        .collect();
    ids.sort();
    ids.dedup();
    Some(ids)
}

/// One authenticated `GET` of `path` on the provider's API: the status and
/// up to `limit` bytes of the body, or why there was no answer; and how
/// long it took. Redirects are not followed: a redirect could carry the
/// key's header to another host.
fn get(
    provider: Provider,
    base_url: Option<&str>,
    path: &str,
    key: Option<&SecretString>,
    limit: u64,
) -> (Result<(u16, String), ureq::Error>, u64) {
    let base = base_url
        .unwrap_or(provider.default_base_url())
        .trim_end_matches('/');
    let url = format!("{base}{path}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
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
    let answer = request.call().map(|mut response| {
        let status = response.status().as_u16();
        let mut body = String::new();
        let _ = response
            .body_mut()
            .as_reader()
            .take(limit)
            .read_to_string(&mut body);
        (status, body)
    });
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    (answer, latency_ms)
}

/// What an answer says about the key: the outcome and one printable line
/// of detail, without the key even where the server echoed it.
fn result_of(
    provider: Provider,
    answer: &Result<(u16, String), ureq::Error>,
    latency_ms: u64,
    key: Option<&SecretString>,
) -> TestResult {
    let scrub = |text: &str| scrub_key(&one_line(text), key);
    match answer {
        Err(error) => TestResult {
            provider,
            outcome: TestOutcome::Unreachable,
            http_status: None,
            latency_ms,
            detail: scrub(&describe_transport_error(error)).into(),
        },
        Ok((status, body)) => {
            let status = *status;
            let outcome = match status {
                200..=299 => TestOutcome::Ok,
                401 | 403 => TestOutcome::Unauthorized,
                _ => TestOutcome::Unexpected,
            };
            let mut detail = format!("HTTP {status} in {latency_ms} ms");
            if outcome != TestOutcome::Ok
                && let Some(message) = error_message(body)
            {
                detail.push_str(": ");
                detail.push_str(&truncate(&message, 160));
            }
            TestResult {
                provider,
                outcome,
                http_status: Some(status),
                latency_ms,
                detail: scrub(&detail).into(),
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

    /// Lists the provider's models, with the same key and base URL.
    pub fn list_models(&self) -> Result<Vec<String>, TestResult> {
        list_models(self.provider, self.base_url.as_deref(), self.key.as_ref())
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
    fn model_ids_are_read_from_each_providers_list() {
        let openai =
            r#"{"object":"list","data":[{"id":"gpt-4o"},{"id":"gpt-4o-mini"},{"id":"gpt-4o"}]}"#;
        assert_eq!(
            model_ids(Provider::OpenAi, openai).unwrap(),
            ["gpt-4o", "gpt-4o-mini"]
        );
        let gemini =
            r#"{"models":[{"name":"models/gemini-1.5-pro"},{"name":"models/gemini-2.0-flash"}]}"#;
        assert_eq!(
            model_ids(Provider::Gemini, gemini).unwrap(),
            ["gemini-1.5-pro", "gemini-2.0-flash"]
        );
        let ollama =
            r#"{"models":[{"name":"llama3.1:8b","model":"llama3.1:8b"},{"name":"bad name"}]}"#;
        assert_eq!(
            model_ids(Provider::Ollama, ollama).unwrap(),
            ["llama3.1:8b"]
        );
        assert_eq!(model_ids(Provider::OpenRouter, r#"{"data":"x"}"#), None);
        assert_eq!(model_ids(Provider::Anthropic, "<html>"), None);
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

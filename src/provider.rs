//! The five LLM providers: their ids, display names and the shapes their keys take.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::sanitize::printable;

/// One of the five providers whose API keys llm-settings keeps.
///
/// The order of [`Provider::ALL`] is the order in which every front end lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    OpenAi,
    Gemini,
    Anthropic,
    OpenRouter,
    Ollama,
}

impl Provider {
    /// Every provider, in display order.
    pub const ALL: [Provider; 5] = [
        Provider::OpenAi,
        Provider::Gemini,
        Provider::Anthropic,
        Provider::OpenRouter,
        Provider::Ollama,
    ];

    /// The id used on the command line and as the primary key in storage.
    pub fn id(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Gemini => "gemini",
            Provider::Anthropic => "anthropic",
            Provider::OpenRouter => "openrouter",
            Provider::Ollama => "ollama",
        }
    }

    /// The name shown to people.
    pub fn display_name(self) -> &'static str {
        match self {
            Provider::OpenAi => "OpenAI",
            Provider::Gemini => "Google Gemini",
            Provider::Anthropic => "Anthropic",
            Provider::OpenRouter => "OpenRouter",
            Provider::Ollama => "Ollama",
        }
    }

    /// The environment variable `llm-settings exec` puts this provider's key in.
    pub fn key_variable(self) -> &'static str {
        match self {
            Provider::OpenAi => "OPENAI_API_KEY",
            Provider::Gemini => "GEMINI_API_KEY",
            Provider::Anthropic => "ANTHROPIC_API_KEY",
            Provider::OpenRouter => "OPENROUTER_API_KEY",
            Provider::Ollama => "OLLAMA_API_KEY",
        }
    }

    /// The environment variable `llm-settings exec` puts this provider's base
    /// URL override in, as the providers' own SDKs read it.
    pub fn base_url_variable(self) -> &'static str {
        match self {
            Provider::OpenAi => "OPENAI_BASE_URL",
            Provider::Gemini => "GEMINI_BASE_URL",
            Provider::Anthropic => "ANTHROPIC_BASE_URL",
            Provider::OpenRouter => "OPENROUTER_BASE_URL",
            Provider::Ollama => "OLLAMA_HOST",
        }
    }

    /// The prefixes a well-formed key of this provider starts with; empty when
    /// any key is plausible (Ollama's optional proxy token).
    pub fn key_prefixes(self) -> &'static [&'static str] {
        match self {
            Provider::OpenAi => &["sk-"],
            Provider::Gemini => &["AIza"],
            Provider::Anthropic => &["sk-ant-"],
            Provider::OpenRouter => &["sk-or-"],
            Provider::Ollama => &[],
        }
    }

    /// Whether `key` looks like one of this provider's keys. A key that does not
    /// is still accepted; front ends show a warning.
    pub fn key_looks_right(self, key: &str) -> bool {
        let prefixes = self.key_prefixes();
        if prefixes.is_empty() {
            return true;
        }
        // An Anthropic or OpenRouter key also starts with OpenAI's `sk-`; a key
        // pasted into the wrong row should not pass as an OpenAI key.
        if self == Provider::OpenAi && (key.starts_with("sk-ant-") || key.starts_with("sk-or-")) {
            return false;
        }
        prefixes.iter().any(|prefix| key.starts_with(prefix))
    }
}

impl Provider {
    /// The provider's API, unless a base URL override is stored.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Provider::OpenAi => "https://api.openai.com",
            Provider::Anthropic => "https://api.anthropic.com",
            Provider::Gemini => "https://generativelanguage.googleapis.com",
            Provider::OpenRouter => "https://openrouter.ai",
            Provider::Ollama => "http://localhost:11434",
        }
    }

    /// The path of the request that tests a key.
    pub fn test_path(self) -> &'static str {
        match self {
            Provider::OpenAi | Provider::Anthropic => "/v1/models",
            Provider::Gemini => "/v1beta/models",
            Provider::OpenRouter => "/api/v1/key",
            Provider::Ollama => "/api/tags",
        }
    }

    /// The path and query of the request that lists the provider's models,
    /// as many as one answer gives (the connection test's request, but for
    /// OpenRouter, whose key check lists none).
    pub fn models_path(self) -> &'static str {
        match self {
            Provider::OpenAi => "/v1/models",
            Provider::Anthropic => "/v1/models?limit=1000",
            Provider::Gemini => "/v1beta/models?pageSize=1000",
            Provider::OpenRouter => "/api/v1/models",
            Provider::Ollama => "/api/tags",
        }
    }

    /// The header that carries the key, and what goes before the key in it.
    pub fn key_header(self) -> (&'static str, &'static str) {
        match self {
            Provider::OpenAi | Provider::OpenRouter | Provider::Ollama => {
                ("Authorization", "Bearer ")
            }
            Provider::Anthropic => ("x-api-key", ""),
            Provider::Gemini => ("x-goog-api-key", ""),
        }
    }

    /// Headers every request to the provider's API needs besides the key.
    pub fn fixed_headers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Provider::Anthropic => &[("anthropic-version", "2023-06-01")],
            _ => &[],
        }
    }

    /// Whether the provider works without a key (Ollama; a key is then the
    /// bearer token of a proxy in front of it).
    pub fn key_optional(self) -> bool {
        self == Provider::Ollama
    }

    /// Whether `partial`, a key still being typed, can still become one of
    /// this provider's keys: `s` and `sk-a` can become `sk-ant-...`. A
    /// dialog warns only once it cannot, instead of flickering while the
    /// prefix is typed.
    pub fn key_may_look_right(self, partial: &str) -> bool {
        self.key_looks_right(partial)
            || self
                .key_prefixes()
                .iter()
                .any(|prefix| prefix.starts_with(partial))
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A provider id that is not one of the five.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Invalid provider: {}", printable(.0))]
pub struct InvalidProvider(pub String);

impl FromStr for Provider {
    type Err = InvalidProvider;

    /// Matches the id exactly: `OpenAI` or ` openai` are not providers.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .into_iter()
            .find(|provider| provider.id() == text)
            .ok_or_else(|| InvalidProvider(text.to_owned()))
    }
}

/// As its id: `"anthropic"`; an id that is none of the five is refused.
impl Serialize for Provider {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Provider {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_exactly() {
        for provider in Provider::ALL {
            assert_eq!(provider.id().parse::<Provider>(), Ok(provider));
        }
        for bad in ["OpenAI", "openai ", "", "xyz", "open-ai"] {
            let err = bad.parse::<Provider>().unwrap_err();
            assert_eq!(err.to_string(), format!("Invalid provider: {bad}"));
        }
    }

    #[test]
    fn key_shapes() {
        assert!(Provider::OpenAi.key_looks_right("sk-proj-abc"));
        assert!(!Provider::OpenAi.key_looks_right("sk-ant-api03-abc"));
        assert!(Provider::Anthropic.key_looks_right("sk-ant-api03-abc"));
        assert!(!Provider::Anthropic.key_looks_right("sk-proj-abc"));
        assert!(Provider::Gemini.key_looks_right("AIzaSyA"));
        assert!(Provider::OpenRouter.key_looks_right("sk-or-v1-abc"));
        assert!(Provider::Ollama.key_looks_right("anything"));
        assert!(Provider::Anthropic.key_may_look_right("sk-a"));
        assert!(Provider::Anthropic.key_may_look_right("s"));
        assert!(!Provider::Anthropic.key_may_look_right("sk-p"));
        assert!(!Provider::Gemini.key_may_look_right("sk-"));
    }
}

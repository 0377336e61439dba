//! Base URL overrides: the checks an override must pass, and the checked type that is stored.

use std::fmt;

/// The longest base URL accepted, in bytes.
pub const MAX_BASE_URL_BYTES: usize = 2048;

/// Why a base URL was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidBaseUrl {
    #[error("Invalid base URL: it must start with http:// or https://")]
    Scheme,
    #[error("Invalid base URL: it names no host")]
    NoHost,
    #[error("Invalid base URL: it must not contain white space or control characters")]
    Characters,
    #[error(
        "Invalid base URL: it must not contain a user name or password (keys are sent in headers)"
    )]
    Credentials,
    #[error("Invalid base URL: it must not contain a query or fragment")]
    Query,
    #[error("Invalid base URL: it is longer than {MAX_BASE_URL_BYTES} bytes")]
    TooLong,
}

/// A base URL that passed the checks: `http://` or `https://`, a host, no
/// user, password, query or fragment, no trailing `/`. Only
/// [`BaseUrl::parse`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks a base URL as typed; surrounding white space and trailing
    /// slashes are dropped, so that request paths can be appended to it.
    pub fn parse(text: &str) -> Result<Self, InvalidBaseUrl> {
        validate_base_url(text).map(BaseUrl)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a base URL override and returns it without surrounding white space
/// or trailing slashes, so that request paths can be appended to it.
fn validate_base_url(text: &str) -> Result<String, InvalidBaseUrl> {
    let url = text.trim();
    if url.len() > MAX_BASE_URL_BYTES {
        return Err(InvalidBaseUrl::TooLong);
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(InvalidBaseUrl::Characters);
    }
    let lower = url.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url["https://".len()..]
    } else if lower.starts_with("http://") {
        &url["http://".len()..]
    } else {
        return Err(InvalidBaseUrl::Scheme);
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err(InvalidBaseUrl::Credentials);
    }
    if rest.contains(['?', '#']) {
        return Err(InvalidBaseUrl::Query);
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Err(InvalidBaseUrl::NoHost);
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            validate_base_url(" https://proxy.example/v1/ \n").unwrap(),
            "https://proxy.example/v1"
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:11434").unwrap(),
            "http://127.0.0.1:11434"
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(
            validate_base_url("ftp://x").unwrap_err(),
            InvalidBaseUrl::Scheme
        );
        assert_eq!(
            validate_base_url("proxy.example").unwrap_err(),
            InvalidBaseUrl::Scheme
        );
        assert_eq!(
            validate_base_url("https://").unwrap_err(),
            InvalidBaseUrl::NoHost
        );
        assert_eq!(
            validate_base_url("https://a b").unwrap_err(),
            InvalidBaseUrl::Characters
        );
        assert_eq!(
            validate_base_url("https://u:p@h").unwrap_err(),
            InvalidBaseUrl::Credentials
        );
        assert_eq!(
            validate_base_url("https://h/?key=1").unwrap_err(),
            InvalidBaseUrl::Query
        );
        let long = format!("https://h/{}", "a".repeat(MAX_BASE_URL_BYTES));
        assert_eq!(
            validate_base_url(&long).unwrap_err(),
            InvalidBaseUrl::TooLong
        );
    }
}

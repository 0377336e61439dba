//! What keeps browsers out unless asked: a `Host` header other than localhost's (or a name given with `--allow-host`) gets 403, so that a web page on another site cannot reach the API through DNS rebinding; and CORS only for the origins given with `--cors-origin`, none by default.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::answer::json_response;

/// The host names always served.
const LOCAL_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// What browsers may do, as the server was started.
#[derive(Clone, Debug, Default)]
pub struct Browsers {
    /// Host names served besides localhost's, lower case, without a port.
    pub allowed_hosts: Vec<String>,
    /// Origins a page may call from (`https://trading.example.com`).
    pub cors_origins: Vec<HeaderValue>,
}

/// A `--cors-origin` or `--allow-host` refused.
#[derive(Debug, thiserror::Error)]
pub enum BrowsersRefusal {
    #[error(
        "--cors-origin takes an origin, a scheme and a host with an optional port (https://trading.example.com), not {0}"
    )]
    NotAnOrigin(String),
    #[error("--allow-host takes a host name without a port (trading.example.com), not {0}")]
    NotAHost(String),
}

impl Browsers {
    pub fn new(
        allowed_hosts: &[String],
        cors_origins: &[String],
    ) -> Result<Browsers, BrowsersRefusal> {
        let shown = |text: &str| crate::sanitize::printable(text);
        let hosts = allowed_hosts
            .iter()
            .map(|host| {
                let plain = !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
                if plain {
                    Ok(host.to_ascii_lowercase())
                } else {
                    Err(BrowsersRefusal::NotAHost(shown(host)))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let origins = cors_origins
            .iter()
            .map(|origin| {
                let trimmed = origin.strip_suffix('/').unwrap_or(origin);
                let rest = trimmed
                    .strip_prefix("https://")
                    .or_else(|| trimmed.strip_prefix("http://"));
                let fits = rest.is_some_and(|rest| {
                    !rest.is_empty()
                        && rest.chars().all(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                        })
                });
                fits.then(|| HeaderValue::from_str(&trimmed.to_ascii_lowercase()).ok())
                    .flatten()
                    .ok_or_else(|| BrowsersRefusal::NotAnOrigin(shown(origin)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Browsers {
            allowed_hosts: hosts,
            cors_origins: origins,
        })
    }

    /// Whether a request's `Host` names this server.
    fn serves(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        // Without its port: "[::1]:8080" -> "[::1]", "localhost:8080" -> "localhost".
        let name = match host.rfind(':') {
            Some(at) if !host[at..].contains(']') => &host[..at],
            _ => host.as_str(),
        };
        LOCAL_HOSTS.contains(&name) || self.allowed_hosts.iter().any(|allowed| allowed == name)
    }

    /// The CORS layer for the origins given; `None` when none is (then no
    /// CORS header is ever sent, and browsers keep other sites out).
    pub fn cors(&self) -> Option<CorsLayer> {
        if self.cors_origins.is_empty() {
            return None;
        }
        Some(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(self.cors_origins.clone()))
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                ])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::AUTHORIZATION,
                    header::IF_MATCH,
                ])
                .expose_headers([header::ETAG])
                .max_age(std::time::Duration::from_secs(600)),
        )
    }
}

/// Middleware: 403 for a `Host` this server does not answer to (a request
/// without one, HTTP/1.0, cannot come from a browser and is served); and no
/// CORS header at all for an origin that was not given, not even those of
/// a preflight that CORS answers without the allowed origin.
pub async fn guard(
    State(browsers): State<Arc<Browsers>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|value| value.to_str().unwrap_or("?"));
    if let Some(host) = host
        && !browsers.serves(host)
    {
        return json_response(
            StatusCode::FORBIDDEN,
            &json!({"detail": "this server answers only to localhost (see serve --allow-host)"}),
        );
    }
    let foreign = request
        .headers()
        .get(header::ORIGIN)
        .is_some_and(|origin| !browsers.cors_origins.contains(origin));
    let mut response = next.run(request).await;
    if foreign {
        let cors: Vec<header::HeaderName> = response
            .headers()
            .keys()
            .filter(|name| name.as_str().starts_with("access-control-"))
            .cloned()
            .collect();
        for name in cors {
            response.headers_mut().remove(name);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_with_or_without_a_port_and_allowed_names_are_served() {
        let browsers = Browsers::new(&["Trading.Example.com".into()], &[]).unwrap();
        for served in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:80",
            "[::1]",
            "[::1]:8080",
            "trading.example.com",
            "TRADING.example.com:443",
        ] {
            assert!(browsers.serves(served), "{served}");
        }
        for refused in [
            "evil.example",
            "evil.example:80",
            "127.0.0.2",
            "localhost.evil.example",
            "[::2]:80",
            "",
        ] {
            assert!(!browsers.serves(refused), "{refused}");
        }
    }

    #[test]
    fn options_are_checked() {
        assert!(Browsers::new(&["a.example:80".into()], &[]).is_err());
        assert!(Browsers::new(&[], &["https://a.example/path".into()]).is_err());
        assert!(Browsers::new(&[], &["a.example".into()]).is_err());
        let ok = Browsers::new(&[], &["https://a.example:8443/".into()]).unwrap();
        assert_eq!(
            ok.cors_origins,
            [HeaderValue::from_static("https://a.example:8443")]
        );
        assert!(Browsers::default().cors().is_none());
    }
}

//! Who may call over TCP: every request but `GET /health` carries `Authorization: Bearer TOKEN`, a token of `api-tokens add`; a missing or wrong one is 401, and an address with more than 10 failures in a minute gets 429 until its failures age out.
//!
//! A token is known only by its SHA-256: the hash of the one sent is
//! looked up, and compared again in constant time. A token found is
//! trusted for 1 s before the database is asked again, so a revoked token
//! is refused by every server within 2 s while a busy client costs one
//! query a second; nothing is polled while nobody calls.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use super::answer::json_response;
use super::routes::{App, Caller};
use crate::actor::Actor;
use crate::api_token::TokenHash;

/// How many failed attempts an address may make in `WINDOW`.
pub const MAX_FAILURES: usize = 10;
/// The window failures are counted in.
pub const WINDOW: Duration = Duration::from_secs(60);
/// How long a token found in the database is trusted without asking again.
pub const TRUSTED_FOR: Duration = Duration::from_secs(1);
/// The most addresses whose failures are remembered (loopback has few).
const MAX_ADDRESSES: usize = 4096;

/// The failures of each address, and the tokens found lately.
#[derive(Default)]
pub struct Gate {
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
    found: Mutex<HashMap<TokenHash, (String, Instant)>>,
}

impl Gate {
    /// When `address` may try again, if it has failed too often.
    fn blocked(&self, address: IpAddr) -> Option<Duration> {
        let mut failures = self.failures.lock().ok()?;
        let now = Instant::now();
        let times = failures.get_mut(&address)?;
        while times
            .front()
            .is_some_and(|at| now.duration_since(*at) >= WINDOW)
        {
            times.pop_front();
        }
        if times.len() < MAX_FAILURES {
            return None;
        }
        let oldest = *times.front()?;
        Some(WINDOW.saturating_sub(now.duration_since(oldest)))
    }

    fn failed(&self, address: IpAddr) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        let now = Instant::now();
        if failures.len() >= MAX_ADDRESSES && !failures.contains_key(&address) {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|at| now.duration_since(*at) < WINDOW)
            });
        }
        let times = failures.entry(address).or_default();
        times.push_back(now);
        // Only the last MAX_FAILURES matter for the window.
        while times.len() > MAX_FAILURES {
            times.pop_front();
        }
    }

    /// The name of a token found within `TRUSTED_FOR`.
    fn recently_found(&self, hash: &TokenHash) -> Option<String> {
        let found = self.found.lock().ok()?;
        let (name, at) = found.get(hash)?;
        (at.elapsed() < TRUSTED_FOR).then(|| name.clone())
    }

    fn remember(&self, hash: TokenHash, name: Option<&str>) {
        if let Ok(mut found) = self.found.lock() {
            match name {
                Some(name) => {
                    found.insert(hash, (name.to_owned(), Instant::now()));
                }
                None => {
                    found.remove(&hash);
                }
            }
        }
    }
}

/// The token of `Authorization: Bearer TOKEN`, if the request has one.
fn bearer(request: &Request) -> Option<&str> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

/// A query string that carries what looks like a token: refused, so that
/// no program comes to rely on tokens in URLs (which end up in logs).
fn token_in_query(request: &Request) -> bool {
    request.uri().query().is_some_and(|query| {
        query.split('&').any(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            matches!(
                name.to_ascii_lowercase().as_str(),
                "token" | "access_token" | "api_token" | "bearer"
            ) || value.starts_with(crate::api_token::PREFIX)
        })
    })
}

fn refused(detail: &str) -> Response {
    let mut response = json_response(StatusCode::UNAUTHORIZED, &json!({"detail": detail}));
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Middleware: lets a request with a valid token through as its program
/// (`api:NAME from 127.0.0.1`), and answers any other with 401 or 429.
/// On the unix socket (no gate) every request goes through.
pub async fn authenticate(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    mut request: Request,
    next: Next,
) -> Response {
    let (Some(gate), Some(address)) = (&app.gate, caller.address()) else {
        return next.run(request).await;
    };
    if request.method() == Method::GET && request.uri().path() == "/health" {
        return next.run(request).await;
    }
    if let Some(wait) = gate.blocked(address) {
        let mut response = json_response(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({"detail": "too many failed attempts from this address; try again later"}),
        );
        let seconds = wait.as_secs().max(1).to_string();
        if let Ok(value) = HeaderValue::from_str(&seconds) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    if token_in_query(&request) {
        gate.failed(address);
        return refused("a token is accepted only in the Authorization header");
    }
    let Some(hash) = bearer(&request).map(TokenHash::of) else {
        gate.failed(address);
        return refused("Not authenticated");
    };
    let name = match gate.recently_found(&hash) {
        Some(name) => Some(name),
        None => {
            let asked = app
                .pool
                .run(Actor::server(), move |s| s.api_token_named(&hash))
                .await;
            match asked {
                Ok(name) => {
                    gate.remember(hash, name.as_deref());
                    name
                }
                Err(error) => return axum::response::IntoResponse::into_response(error),
            }
        }
    };
    let Some(name) = name else {
        gate.failed(address);
        return refused("Not authenticated");
    };
    let actor = Actor::api_token(&name, address);
    request
        .extensions_mut()
        .insert(ConnectInfo(caller.as_actor(actor.clone())));
    let mut response = next.run(request).await;
    // For the access log, which sees the connection, not the token.
    response.extensions_mut().insert(actor);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_ten_failures_and_others_are_not() {
        let gate = Gate::default();
        let one: IpAddr = "127.0.0.1".parse().unwrap();
        let two: IpAddr = "127.0.0.2".parse().unwrap();
        for _ in 0..MAX_FAILURES - 1 {
            gate.failed(one);
        }
        assert_eq!(gate.blocked(one), None);
        gate.failed(one);
        let wait = gate.blocked(one).unwrap();
        assert!(wait > Duration::from_secs(58) && wait <= WINDOW, "{wait:?}");
        assert_eq!(gate.blocked(two), None);
    }

    #[test]
    fn a_found_token_is_trusted_for_a_second_and_a_revoked_one_forgotten() {
        let gate = Gate::default();
        let hash = TokenHash::of("lls_x");
        gate.remember(hash, Some("ci"));
        assert_eq!(gate.recently_found(&hash).as_deref(), Some("ci"));
        gate.remember(hash, None);
        assert_eq!(gate.recently_found(&hash), None);
    }
}

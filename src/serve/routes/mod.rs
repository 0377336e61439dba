//! The routes of the settings API, each a thin handler: parse into the types the command line uses, call the same `Settings` method, map the outcome in one place (see `answer`).

mod fields;
mod providers;
pub mod table;
mod tasks;
mod telegram;
mod trail;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::answer::{ApiError, Problem, json_response};
use super::pool::Pool;
use crate::actor::Actor;
use crate::settings::Settings;

/// The largest body a request may carry.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What every handler shares.
pub struct App {
    pub pool: Pool,
    /// Over TCP, who may call (`None` on the unix socket, whose
    /// permissions decide).
    pub gate: Option<super::auth::Gate>,
    /// The change stream's one poll and its subscribers.
    pub feed: super::events::Feed,
}

/// Who is calling: on the unix socket, the user the kernel names, once
/// for the connection; over TCP, the address, and after the token is
/// checked, the token's program.
#[derive(Clone, Debug)]
pub struct Caller {
    actor: Actor,
    address: Option<IpAddr>,
}

impl Caller {
    /// A caller on the socket whose uid is `uid` (`None`: the kernel did
    /// not say).
    pub fn of_uid(uid: Option<u32>) -> Caller {
        let actor = match uid {
            Some(uid) => Actor::api_user(&super::socket::user_name(uid), uid),
            None => Actor::new("unknown via api", None),
        };
        Caller {
            actor,
            address: None,
        }
    }

    /// A caller over TCP from `address`, not yet known by a token.
    pub fn of_address(address: IpAddr) -> Caller {
        Caller {
            actor: Actor::new("unauthenticated", Some(&address.to_string())),
            address: Some(address),
        }
    }

    /// The same connection, acting as `actor` (a token's program).
    pub fn as_actor(&self, actor: Actor) -> Caller {
        Caller {
            actor,
            address: self.address,
        }
    }

    /// The address of a caller over TCP.
    pub fn address(&self) -> Option<IpAddr> {
        self.address
    }

    /// The audit trail's actor: `alice via api (uid 1000)`, or
    /// `api:ci-bot from 127.0.0.1`.
    pub fn actor(&self) -> Actor {
        self.actor.clone()
    }
}

/// Every route: the seed's path and the path the trading system's web
/// page calls, served by the same handler.
pub fn router(app: Arc<App>, browsers: Arc<super::browsers::Browsers>) -> Router {
    let settings = table::ROUTES.iter().fold(Router::new(), |router, route| {
        router.route(route.path, (route.handler)())
    });
    let router = Router::new()
        .route("/health", get(health))
        .route("/health/ready", get(ready))
        .route("/api/v1/openapi.json", get(openapi))
        .nest("/api/v1/settings", settings)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(super::deadlines::timed_request))
        .layer(middleware::from_fn(method_not_allowed))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&app),
            super::auth::authenticate,
        ));
    // A preflight carries no token: CORS answers it before the token is
    // asked for, and only after the Host is checked.
    let router = match browsers.cors() {
        Some(cors) => router.layer(cors),
        None => router,
    };
    router
        .layer(middleware::from_fn_with_state(
            browsers,
            super::browsers::guard,
        ))
        .layer(middleware::from_fn(access_log))
        .with_state(app)
}

/// One line per request on stderr: time, actor, method, path (never the
/// query, a header or a body), status, duration.
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = crate::sanitize::printable(request.uri().path());
    let connection = request
        .extensions()
        .get::<ConnectInfo<Caller>>()
        .map(|ConnectInfo(caller)| caller.actor.to_string())
        .unwrap_or_else(|| "unknown".into());
    let response = next.run(request).await;
    // A token's program, when the request had one.
    let actor = response
        .extensions()
        .get::<Actor>()
        .map_or(connection, ToString::to_string);
    eprintln!(
        "{} {actor} {method} {path} {} {} ms",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}

async fn health() -> Response {
    json_response(
        StatusCode::OK,
        &json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
    )
}

/// The OpenAPI 3.1 description of every route, made from the route table
/// and the field descriptions.
async fn openapi() -> Response {
    json_response(StatusCode::OK, &crate::serve::openapi::document())
}

/// 200 when the database answered within 2 s, else 503.
async fn ready(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
) -> Result<Response, ApiError> {
    let asked = app.pool.run(caller.actor(), |s| s.change_marker());
    match tokio::time::timeout(std::time::Duration::from_secs(2), asked).await {
        Ok(Ok(_)) => Ok(json_response(StatusCode::OK, &json!({"status": "ready"}))),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(ApiError::Unavailable(
            "the database did not answer within 2 s".into(),
        )),
    }
}

async fn not_found() -> Response {
    json_response(StatusCode::NOT_FOUND, &json!({"detail": "Not Found"}))
}

/// A 405 with its `Allow` header, as the router made it, and the body of
/// every other refusal.
async fn method_not_allowed(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let mut answer = json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({"detail": "Method Not Allowed"}),
    );
    if let Some(allow) = response.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

/// `If-Match: "N"`: the revision the caller saw; `None` without it.
pub(super) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(|text| text.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|text| text.parse::<i64>().ok())
        .filter(|revision| *revision >= 0)
        .map(Some)
        .ok_or_else(|| {
            ApiError::Unprocessable(vec![Problem::new(
                "value_error",
                "",
                "If-Match must be a revision in quotes, e.g. \"3\"",
            )])
        })
}

/// The body as a JSON object of the fields `allowed`; anything else is a
/// 415 or a 422 that names the field and never what it held.
pub(super) fn body_object(
    headers: &HeaderMap,
    body: &Bytes,
    allowed: &[&str],
) -> Result<Map<String, Value>, ApiError> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("application/json"));
    if !json {
        return Err(ApiError::NotJson);
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        ApiError::Unprocessable(vec![Problem::new(
            "json_invalid",
            "",
            "the body is not valid JSON",
        )])
    })?;
    let Value::Object(fields) = value else {
        return Err(ApiError::Unprocessable(vec![Problem::new(
            "model_attributes_type",
            "",
            "the body must be a JSON object",
        )]));
    };
    let extra: Vec<Problem> = fields
        .keys()
        .filter(|name| !allowed.contains(&name.as_str()))
        .map(|name| Problem::new("extra_forbidden", name, "Extra inputs are not permitted"))
        .collect();
    if !extra.is_empty() {
        return Err(ApiError::Unprocessable(extra));
    }
    Ok(fields)
}

/// Sends what the request changed to the ops chat, after the commit and
/// off the runtime; a failure is logged, the change stands.
pub(crate) fn announce(settings: &mut Settings) {
    let Ok(Some(announcement)) = settings.take_announcement() else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("llm-settings-announce".into())
        .spawn(move || {
            if let Err(reason) = announcement.send() {
                eprintln!(
                    "warning: a change is saved, but it was not announced in the Telegram chat: {}",
                    crate::sanitize::one_line(&reason)
                );
            }
        });
}

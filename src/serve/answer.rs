//! Every answer that is not 200, in one place: the library's errors and outcomes mapped to HTTP statuses and the seed's bodies (`{"detail": ...}`), never with a secret.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::Error;
use crate::revision::StaleWrite;
use crate::sanitize::one_line;
use crate::store::StoreError;

/// One problem with a request's body, as FastAPI words it: `type`, where
/// (`["body", "api_key"]`) and the command line's message. It never holds
/// what was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: &'static str,
    /// Where, as FastAPI says it: `["body", "assignments", 0, "model_name"]`.
    pub loc: Vec<Value>,
    pub message: String,
}

impl Problem {
    /// A problem with the body's field `field` (the body itself when empty).
    pub fn new(kind: &'static str, field: &str, message: impl Into<String>) -> Self {
        let mut loc = vec![json!("body")];
        if !field.is_empty() {
            loc.push(json!(crate::sanitize::printable(field)));
        }
        Problem::at(kind, loc, message)
    }

    /// A problem at `loc`.
    pub fn at(kind: &'static str, loc: Vec<Value>, message: impl Into<String>) -> Self {
        Problem {
            kind,
            loc,
            message: message.into(),
        }
    }
}

/// One 422 item, its fields in FastAPI's order: type, loc, msg.
#[derive(serde::Serialize)]
struct Item {
    #[serde(rename = "type")]
    kind: &'static str,
    loc: Vec<Value>,
    msg: String,
}

/// A request that gets an answer other than 200.
#[derive(Debug)]
pub enum ApiError {
    /// 400: a provider or task that does not exist.
    BadName(String),
    /// 422: the body does not fit; one item per problem.
    Unprocessable(Vec<Problem>),
    /// 412: `If-Match` named a revision that is no longer current.
    Stale(StaleWrite),
    /// 409: the request is well made, but what is stored does not allow it
    /// (a provider switched on without a key, a bot without its token).
    NotReady(String),
    /// 415: a body that is not `application/json`.
    NotJson,
    /// 503: the database is busy, or did not answer in time; nothing changed.
    Unavailable(String),
    /// 504: the database stopped answering after a change's commit was sent.
    Unknown(String),
    /// 502: the provider asked on the caller's behalf did not answer as one should.
    Upstream(String),
    /// 500: anything else, in one line without a secret.
    Failed(String),
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        match error {
            Error::InvalidProvider(_) | Error::InvalidTask(_) => {
                ApiError::BadName(one_line(&error.to_string()))
            }
            Error::NotConfigured(_) | Error::TelegramIncomplete => {
                ApiError::NotReady(one_line(&error.to_string()))
            }
            Error::Store(StoreError::Busy) | Error::Store(StoreError::Connect { .. }) => {
                ApiError::Unavailable(one_line(&error.to_string()))
            }
            other if other.exit_status() == 2 => ApiError::Unprocessable(vec![Problem::new(
                "value_error",
                "",
                one_line(&other.to_string()),
            )]),
            other => ApiError::Failed(one_line(&other.to_string())),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, detail) = match self {
            ApiError::BadName(text) => (StatusCode::BAD_REQUEST, json!(text)),
            ApiError::Unprocessable(problems) => {
                // Items keep FastAPI's order (type, loc, msg): written from
                // their struct, not through a map.
                let items: Vec<Item> = problems
                    .into_iter()
                    .map(|problem| Item {
                        kind: problem.kind,
                        loc: problem.loc,
                        msg: problem.message,
                    })
                    .collect();
                return json_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &Unprocessable { detail: items },
                );
            }
            ApiError::Stale(stale) => (
                StatusCode::PRECONDITION_FAILED,
                json!(format!(
                    "changed by {} at {} since revision {}",
                    stale.changed_by.as_deref().unwrap_or("nobody"),
                    stale
                        .changed_at
                        .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_default(),
                    stale.expected
                )),
            ),
            ApiError::NotReady(text) => (StatusCode::CONFLICT, json!(text)),
            ApiError::NotJson => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!("the body must be JSON (Content-Type: application/json)"),
            ),
            ApiError::Unavailable(text) => (StatusCode::SERVICE_UNAVAILABLE, json!(text)),
            ApiError::Unknown(text) => (StatusCode::GATEWAY_TIMEOUT, json!(text)),
            ApiError::Upstream(text) => (StatusCode::BAD_GATEWAY, json!(text)),
            ApiError::Failed(text) => (StatusCode::INTERNAL_SERVER_ERROR, json!(text)),
        };
        let mut response = json_response(status, &json!({ "detail": detail }));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// A 422's body.
#[derive(serde::Serialize)]
struct Unprocessable {
    detail: Vec<Item>,
}

/// The value a change saved, or the 412 of a stale `If-Match` (`expected`).
pub fn saved<T: crate::revision::Revisioned>(
    outcome: crate::revision::SaveOutcome<T>,
    expected: Option<i64>,
) -> Result<T, ApiError> {
    outcome
        .saved(expected.unwrap_or_default())
        .map_err(ApiError::Stale)
}

/// A JSON answer, its fields in the order of their type (a provider's
/// status as the seed gives it: provider, is_configured, ...).
pub fn json_response(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "null".to_owned());
    json_text(status, text)
}

/// An answer of JSON already written (a group's values, in its fields' order).
pub fn json_text(status: StatusCode, text: String) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A 200 JSON answer with `ETag: "revision"`.
pub fn with_etag(body: &impl serde::Serialize, revision: i64) -> Response {
    tagged(json_response(StatusCode::OK, body), revision)
}

/// `response` with `ETag: "revision"`.
pub fn tagged(mut response: Response, revision: i64) -> Response {
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{revision}\"")) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

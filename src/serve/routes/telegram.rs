//! The Telegram bot: its status (never its token), the token and chat set together, its switches, chat and base URL changed, and its test.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::connect_info::ConnectInfo;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{App, Caller, body_object, if_match};
use crate::api_key::{ApiKey, KeyRefusal};
use crate::base_url::BaseUrl;
use crate::serve::answer::{ApiError, Problem, json_response, saved, tagged};
use crate::settings::TelegramChange;
use crate::telegram::{ChatId, TelegramState};

/// The bot as its 200 answer: a chat that is not set is `""`; with its
/// revision as the `ETag`.
fn answer(state: &TelegramState) -> Response {
    let status = &state.status;
    let body = Shown {
        is_configured: status.is_configured,
        is_enabled: status.is_enabled,
        chat_id: status.chat_id.as_deref().unwrap_or(""),
        token_hint: status.token_hint.as_deref(),
        notify_changes: status.notify_changes,
        base_url: state.base_url.as_deref(),
        last_test: state.last_test.as_ref().map(|test| LastTest {
            at: test.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            outcome: test.outcome,
            detail: test.detail.as_str(),
        }),
    };
    tagged(json_response(StatusCode::OK, &body), state.revision)
}

/// The bot as GET gives it, its fields in the contract's order.
#[derive(serde::Serialize)]
struct Shown<'a> {
    is_configured: bool,
    is_enabled: bool,
    chat_id: &'a str,
    token_hint: Option<&'a str>,
    notify_changes: bool,
    base_url: Option<&'a str>,
    last_test: Option<LastTest<'a>>,
}

/// The last recorded test.
#[derive(serde::Serialize)]
struct LastTest<'a> {
    at: String,
    outcome: crate::connection_test::TestOutcome,
    detail: &'a str,
}

fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Problem> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(Problem::new(
            "string_type",
            name,
            "Input should be a valid string",
        )),
    }
}

fn switch(fields: &Map<String, Value>, name: &str) -> Result<Option<bool>, Problem> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(on)) => Ok(Some(*on)),
        Some(_) => Err(Problem::new(
            "bool_type",
            name,
            "Input should be a valid boolean",
        )),
    }
}

fn token_of(fields: &Map<String, Value>) -> Result<Option<ApiKey>, Problem> {
    let Some(token) = text(fields, "bot_token")? else {
        return Ok(None);
    };
    ApiKey::parse(token)
        .map(Some)
        .map_err(|refusal| match refusal {
            KeyRefusal::Empty => {
                Problem::new("string_too_short", "bot_token", "Token must not be empty")
            }
            other => Problem::new(
                "value_error",
                "bot_token",
                other.to_string().replacen("Key", "Token", 1),
            ),
        })
}

fn chat_of(fields: &Map<String, Value>) -> Result<Option<ChatId>, Problem> {
    text(fields, "chat_id")?
        .map(|chat| {
            ChatId::parse(chat)
                .map_err(|refusal| Problem::new("value_error", "chat_id", refusal.to_string()))
        })
        .transpose()
}

/// The token and the chat of a body, either absent; every problem of both.
fn token_and_chat(
    fields: &Map<String, Value>,
) -> Result<(Option<ApiKey>, Option<ChatId>), ApiError> {
    match (token_of(fields), chat_of(fields)) {
        (Ok(token), Ok(chat)) => Ok((token, chat)),
        (token, chat) => Err(ApiError::Unprocessable(
            [token.err(), chat.err()].into_iter().flatten().collect(),
        )),
    }
}

/// Every problem of a body, or its parts when there is none.
fn checked<T>(parts: Vec<Result<T, Problem>>) -> Result<Vec<T>, ApiError> {
    let mut good = Vec::new();
    let mut problems = Vec::new();
    for part in parts {
        match part {
            Ok(part) => good.push(part),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(good)
    } else {
        Err(ApiError::Unprocessable(problems))
    }
}

pub async fn show(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
) -> Result<Response, ApiError> {
    let state = app.pool.run(caller.actor(), |s| s.telegram()).await?;
    Ok(answer(&state))
}

/// PUT: `{"bot_token", "chat_id"}`, as `telegram set --chat-id`; the chat
/// may be left out when one is stored. The bot is turned on.
pub async fn set(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fields = body_object(&headers, &body, &["bot_token", "chat_id"])?;
    let (token, chat) = token_and_chat(&fields)?;
    let Some(token) = token else {
        return Err(ApiError::Unprocessable(vec![Problem::new(
            "missing",
            "bot_token",
            "Field required",
        )]));
    };
    let expected = if_match(&headers)?;
    let outcome = app
        .pool
        .change(caller.actor(), move |s| {
            s.set_telegram_token(&token, chat.as_ref(), expected)
        })
        .await?;
    Ok(answer(&saved(outcome, expected)?))
}

/// PATCH: any of `is_enabled`, `chat_id`, `notify_changes`, `base_url`
/// (`""` resets it); every one checked before any is written, and all
/// written in one transaction or none.
pub async fn patch(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fields = body_object(
        &headers,
        &body,
        &["is_enabled", "chat_id", "notify_changes", "base_url"],
    )?;
    let base_url = text(&fields, "base_url").and_then(|url| match url {
        None => Ok(None),
        Some(url) if url.trim().is_empty() => Ok(Some(TelegramChange::BaseUrl(None))),
        Some(url) => BaseUrl::parse(url.trim())
            .map(|url| Some(TelegramChange::BaseUrl(Some(url))))
            .map_err(|refusal| Problem::new("value_error", "base_url", refusal.to_string())),
    });
    let changes: Vec<Option<TelegramChange>> = checked(vec![
        chat_of(&fields).map(|chat| chat.map(TelegramChange::Chat)),
        base_url,
        switch(&fields, "notify_changes").map(|on| on.map(TelegramChange::NotifyChanges)),
        // Turned on last: it needs the chat this very request may set.
        switch(&fields, "is_enabled").map(|on| on.map(TelegramChange::Enabled)),
    ])?;
    let changes: Vec<TelegramChange> = changes.into_iter().flatten().collect();
    let expected = if_match(&headers)?;
    let outcome = app
        .pool
        .change(caller.actor(), move |s| {
            s.change_telegram(&changes, expected)
        })
        .await?;
    Ok(answer(&saved(outcome, expected)?))
}

/// POST .../telegram/test: with no body, the stored bot and chat, and its
/// result recorded; with `{"bot_token", "chat_id"}`, that pair, neither
/// stored nor recorded. A token goes only to the stored or default base URL.
pub async fn test(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fields = body_object(&headers, &body, &["bot_token", "chat_id"])?;
    let typed = if fields.is_empty() {
        None
    } else {
        match token_and_chat(&fields)? {
            (Some(token), Some(chat)) => Some((token, chat)),
            _ => {
                return Err(ApiError::Unprocessable(vec![Problem::new(
                    "missing",
                    "",
                    "both bot_token and chat_id, or neither",
                )]));
            }
        }
    };
    let recorded = typed.is_none();
    let (test, text) = app
        .pool
        .run(caller.actor(), move |s| {
            let test = match typed {
                Some((token, chat)) => {
                    let base_url = s.telegram()?.base_url.map(|url| url.into_string());
                    crate::telegram::TelegramTest::new(
                        base_url.as_deref(),
                        token.as_secret().clone(),
                        chat.as_str(),
                    )
                }
                None => s.telegram_test()?,
            };
            Ok((test, s.telegram_test_text()))
        })
        .await?;
    let result = tokio::task::spawn_blocking(move || test.run(&text))
        .await
        .map_err(|_| ApiError::Failed("the test stopped".into()))?;
    if recorded {
        let result = result.clone();
        app.pool
            .run(caller.actor(), move |s| s.record_telegram_test(&result))
            .await?;
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "success": result.outcome == crate::connection_test::TestOutcome::Ok,
            "message": result.detail,
            "outcome": result.outcome,
        }),
    ))
}

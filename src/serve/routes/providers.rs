//! The providers' routes: their statuses, a key saved (at a revision, with `If-Match`) or deleted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::{App, Caller, body_object, if_match};
use crate::api_key::{ApiKey, KeyRefusal};
use crate::provider::Provider;
use crate::revision::SaveOutcome;
use crate::serve::answer::{ApiError, Problem, json_response, saved, with_etag};
use crate::settings::ProviderChange;
use crate::status::ProviderState;

/// The provider named in the path, or the seed's 400.
fn provider_of(id: &str) -> Result<Provider, ApiError> {
    id.parse::<Provider>()
        .map_err(|invalid| ApiError::BadName(invalid.to_string()))
}

/// The key in `{"api_key": "..."}`, checked as the command line checks it.
fn api_key_of(fields: &Map<String, Value>) -> Result<ApiKey, ApiError> {
    let problem = match fields.get("api_key") {
        None | Some(Value::Null) => Problem::new("missing", "api_key", "Field required"),
        Some(Value::String(text)) => match ApiKey::parse(text) {
            Ok(key) => return Ok(key),
            Err(refusal @ KeyRefusal::Empty) => {
                Problem::new("string_too_short", "api_key", refusal.to_string())
            }
            Err(refusal) => Problem::new("value_error", "api_key", refusal.to_string()),
        },
        Some(_) => Problem::new("string_type", "api_key", "Input should be a valid string"),
    };
    Err(ApiError::Unprocessable(vec![problem]))
}

/// A provider's status as its 200 answer, with its revision as the `ETag`.
fn provider_answer(state: &ProviderState) -> Response {
    with_etag(&state.status, state.revision)
}

pub async fn list_providers(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
) -> Result<Response, ApiError> {
    let statuses = app.pool.run(caller.actor(), |s| s.statuses()).await?;
    Ok(json_response(StatusCode::OK, &statuses))
}

pub async fn save_key(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let provider = provider_of(&provider)?;
    let fields = body_object(&headers, &body, &["api_key"])?;
    let key = api_key_of(&fields)?;
    let expected = if_match(&headers)?;
    let outcome = app
        .pool
        .change(caller.actor(), move |s| match expected {
            Some(revision) => s.save_api_key_at_revision(provider, &key, revision),
            None => s.save_api_key_state(provider, &key).map(SaveOutcome::Saved),
        })
        .await?;
    Ok(provider_answer(&saved(outcome, expected)?))
}

/// DELETE: the key removed (at the revision of `If-Match`, when given).
pub async fn delete_key(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    Path(provider): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let provider = provider_of(&provider)?;
    let expected = if_match(&headers)?;
    let outcome = app
        .pool
        .change(caller.actor(), move |s| {
            s.change_provider(provider, &[ProviderChange::DeleteKey], expected)
        })
        .await?;
    Ok(provider_answer(&saved(outcome, expected)?))
}

/// A provider's status with its base URL override, as PATCH answers it.
fn with_base_url(state: &ProviderState) -> Response {
    let mut body = serde_json::to_value(&state.status).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut body {
        fields.insert(
            "base_url".into(),
            state
                .base_url
                .as_ref()
                .map_or(Value::Null, |url| Value::String(url.to_string())),
        );
    }
    // The seed's order: provider, is_configured, is_active, key_hint, base_url.
    let text = format!(
        "{{\"provider\":{},\"is_configured\":{},\"is_active\":{},\"key_hint\":{},\"base_url\":{}}}",
        body["provider"],
        body["is_configured"],
        body["is_active"],
        body["key_hint"],
        body["base_url"]
    );
    crate::serve::answer::tagged(
        crate::serve::answer::json_text(StatusCode::OK, text),
        state.revision,
    )
}

/// PATCH: `{"is_active": bool, "base_url": "..."}`, either; absent or
/// `null` leaves it as it is, `""` resets the base URL to the default.
/// Both are checked before either is written, and written in one
/// transaction (at the revision of `If-Match`, when given).
pub async fn patch(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let provider = provider_of(&provider)?;
    let fields = body_object(&headers, &body, &["is_active", "base_url"])?;
    let mut problems = Vec::new();
    let active = match fields.get("is_active") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(on)) => Some(*on),
        Some(_) => {
            problems.push(Problem::new(
                "bool_type",
                "is_active",
                "Input should be a valid boolean",
            ));
            None
        }
    };
    let base_url = match fields.get("base_url") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if text.trim().is_empty() => Some(None),
        Some(Value::String(text)) => match crate::base_url::BaseUrl::parse(text.trim()) {
            Ok(url) => Some(Some(url)),
            Err(refusal) => {
                problems.push(Problem::new("value_error", "base_url", refusal.to_string()));
                None
            }
        },
        Some(_) => {
            problems.push(Problem::new(
                "string_type",
                "base_url",
                "Input should be a valid string",
            ));
            None
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    let changes: Vec<ProviderChange> = [
        base_url.map(ProviderChange::BaseUrl),
        active.map(ProviderChange::Active),
    ]
    .into_iter()
    .flatten()
    .collect();
    let expected = if_match(&headers)?;
    let outcome = app
        .pool
        .change(caller.actor(), move |s| {
            s.change_provider(provider, &changes, expected)
        })
        .await?;
    Ok(with_base_url(&saved(outcome, expected)?))
}

/// POST .../test: with no body or `{}`, the stored key; with
/// `{"api_key": "..."}`, that key (not stored). Either goes only to the
/// provider's stored or default base URL, never to one from the request.
pub async fn test(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let provider = provider_of(&provider)?;
    let fields = body_object(&headers, &body, &["api_key"])?;
    let typed = match fields.get("api_key") {
        None | Some(Value::Null) => None,
        Some(_) => Some(api_key_of(&fields)?),
    };
    let target = app
        .pool
        .run(caller.actor(), move |s| match typed {
            Some(key) => Ok(crate::connection_test::TestTarget::new(
                provider,
                s.base_url(provider)?,
                Some(key.as_secret().clone()),
            )),
            None => s.test_target(provider),
        })
        .await?;
    // The request itself runs off the database's handles: a server that
    // never answers holds none of them.
    let result = tokio::task::spawn_blocking(move || target.run())
        .await
        .map_err(|_| ApiError::Failed("the test stopped".into()))?;
    let outcome = serde_json::to_value(result.outcome).unwrap_or(Value::Null);
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({
            "success": result.outcome == crate::connection_test::TestOutcome::Ok,
            "message": result.detail,
            "outcome": outcome,
        }),
    ))
}

/// GET .../models: the model ids the provider offers with its stored key,
/// sorted; 502 when the provider does not list them.
pub async fn models(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    Path(provider): Path<String>,
) -> Result<Response, ApiError> {
    let provider = provider_of(&provider)?;
    let target = app
        .pool
        .run(caller.actor(), move |s| s.test_target(provider))
        .await?;
    let listed = tokio::task::spawn_blocking(move || target.list_models())
        .await
        .map_err(|_| ApiError::Failed("the request stopped".into()))?;
    match listed {
        Ok(models) => Ok(json_response(StatusCode::OK, &models)),
        Err(result) => Err(ApiError::Upstream(format!(
            "cannot list the models of {}: {} ({})",
            provider.display_name(),
            result.outcome.label(),
            result.detail
        ))),
    }
}

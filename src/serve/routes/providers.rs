//! The providers' routes: their statuses, a key saved (at a revision, with `If-Match`) or deleted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::{App, Caller, announce, body_object, if_match};
use crate::api_key::{ApiKey, KeyRefusal};
use crate::provider::Provider;
use crate::revision::SaveOutcome;
use crate::serve::answer::{ApiError, Problem, json_response, with_etag};
use crate::settings::Settings;
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

fn state_now(settings: &mut Settings, provider: Provider) -> Result<ProviderState, crate::Error> {
    let states = settings.states()?;
    states
        .into_iter()
        .find(|state| state.status.provider == provider)
        .ok_or(crate::Error::NotConfigured(provider))
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
        .run(caller.actor(), move |s| {
            let outcome = match expected {
                Some(revision) => s.save_api_key_at_revision(provider, &key, revision)?,
                None => {
                    s.save_api_key(provider, &key)?;
                    SaveOutcome::Saved(state_now(s, provider)?)
                }
            };
            announce(s);
            Ok(outcome)
        })
        .await?;
    match outcome {
        SaveOutcome::Saved(state) => Ok(provider_answer(&state)),
        SaveOutcome::Conflict(state) => Err(ApiError::Stale(crate::revision::StaleWrite::of(
            &state,
            expected.unwrap_or_default(),
        ))),
    }
}

pub async fn delete_key(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    Path(provider): Path<String>,
) -> Result<Response, ApiError> {
    let provider = provider_of(&provider)?;
    let state = app
        .pool
        .run(caller.actor(), move |s| {
            s.delete_key(provider)?;
            announce(s);
            state_now(s, provider)
        })
        .await?;
    Ok(provider_answer(&state))
}

//! The history and `check`, read as the command line reads them.

use std::sync::Arc;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{App, Caller};
use crate::group::Group;
use crate::history::HistoryFilter;
use crate::serve::answer::{ApiError, Problem, json_response};

/// The most entries one answer holds.
pub const MAX_LIMIT: u32 = 1000;

#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    group: Option<String>,
    limit: Option<String>,
    before: Option<String>,
}

fn query_problem(field: &str, message: String) -> ApiError {
    ApiError::Unprocessable(vec![Problem::at(
        "value_error",
        vec![serde_json::json!("query"), serde_json::json!(field)],
        message,
    )])
}

pub async fn history(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, ApiError> {
    let group = query
        .group
        .as_deref()
        .map(str::parse::<Group>)
        .transpose()
        .map_err(|invalid| query_problem("group", invalid.to_string()))?;
    let limit = match query.limit.as_deref() {
        None => 50,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                query_problem(
                    "limit",
                    format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
                )
            })?,
    };
    let before = query
        .before
        .as_deref()
        .map(|text| {
            text.parse::<i64>()
                .map_err(|_| query_problem("before", "before must be an entry's id".into()))
        })
        .transpose()?;
    let filter = HistoryFilter {
        group,
        before,
        limit: usize::try_from(limit).unwrap_or(50),
        ..HistoryFilter::default()
    };
    let entries = app
        .pool
        .run(caller.actor(), move |s| s.history(&filter))
        .await?;
    Ok(json_response(StatusCode::OK, &entries))
}

#[derive(Debug, Deserialize)]
pub struct CheckQuery {
    max_key_age: Option<String>,
}

pub async fn check(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    Query(query): Query<CheckQuery>,
) -> Result<Response, ApiError> {
    let days = match query.max_key_age.as_deref() {
        None => 90,
        Some(text) => crate::cli::key_age_days(text)
            .map_err(|sentence| query_problem("max_key_age", sentence))?,
    };
    let findings = app.pool.run(caller.actor(), move |s| s.check(days)).await?;
    Ok(json_response(StatusCode::OK, &findings))
}

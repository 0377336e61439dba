//! The task assignments: the nine as the seed lists them, and any subset assigned or cleared at once, all checked first and written in one transaction; what GET gave can be posted back and changes nothing.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::connect_info::ConnectInfo;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{App, Caller, body_object};
use crate::provider::Provider;
use crate::serve::answer::{ApiError, Problem, json_response};
use crate::settings::TaskChange;
use crate::task::{ModelName, Task, TaskAssignment};

/// The nine as the seed gives them: `{"task", "provider", "model_name"}`,
/// an unassigned task's provider `""`.
fn listed(tasks: &[TaskAssignment]) -> Vec<Listed<'_>> {
    tasks
        .iter()
        .map(|assignment| Listed {
            task: assignment.task.id(),
            provider: assignment.provider.map_or("", Provider::id),
            model_name: assignment.model_name.as_str(),
        })
        .collect()
}

/// One task as GET gives it, its fields in the seed's order.
#[derive(serde::Serialize)]
struct Listed<'a> {
    task: &'static str,
    provider: &'static str,
    model_name: &'a str,
}

pub async fn list(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
) -> Result<Response, ApiError> {
    let tasks = app.pool.run(caller.actor(), |s| s.tasks()).await?;
    Ok(json_response(StatusCode::OK, &listed(&tasks)))
}

/// One entry of `{"assignments": [...]}`, checked; other fields of what
/// GET gave are accepted and ignored.
fn change_of(index: usize, entry: &Value) -> Result<TaskChange, ApiError> {
    let at = |field: &str| {
        vec![
            json!("body"),
            json!("assignments"),
            json!(index),
            json!(field),
        ]
    };
    let text = |field: &str| match entry.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.as_str())),
        Some(_) => Err(ApiError::Unprocessable(vec![Problem::at(
            "string_type",
            at(field),
            "Input should be a valid string",
        )])),
    };
    let Some(task) = text("task")? else {
        return Err(ApiError::Unprocessable(vec![Problem::at(
            "missing",
            at("task"),
            "Field required",
        )]));
    };
    let task: Task = task
        .parse()
        .map_err(|invalid: crate::task::InvalidTask| ApiError::BadName(invalid.to_string()))?;
    let assignment = match text("provider")? {
        None | Some("") => None,
        Some(provider) => {
            let provider: Provider =
                provider
                    .parse()
                    .map_err(|invalid: crate::provider::InvalidProvider| {
                        ApiError::BadName(invalid.to_string())
                    })?;
            let model = ModelName::parse(text("model_name")?.unwrap_or("")).map_err(|refusal| {
                ApiError::Unprocessable(vec![Problem::at(
                    "value_error",
                    at("model_name"),
                    refusal.to_string(),
                )])
            })?;
            Some((provider, model))
        }
    };
    Ok(TaskChange { task, assignment })
}

pub async fn apply(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fields = body_object(&headers, &body, &["assignments"])?;
    let Some(Value::Array(entries)) = fields.get("assignments") else {
        return Err(ApiError::Unprocessable(vec![Problem::new(
            "list_type",
            "assignments",
            "Input should be a valid list",
        )]));
    };
    let mut seen = BTreeSet::new();
    let mut changes = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let change = change_of(index, entry)?;
        if !seen.insert(change.task) {
            return Err(ApiError::Unprocessable(vec![Problem::at(
                "value_error",
                vec![
                    json!("body"),
                    json!("assignments"),
                    json!(index),
                    json!("task"),
                ],
                format!("{} appears more than once", change.task),
            )]));
        }
        changes.push(change);
    }
    let tasks = app
        .pool
        .change(caller.actor(), move |s| {
            let tasks = s.apply_tasks(&changes)?;
            Ok(tasks)
        })
        .await?;
    Ok(json_response(StatusCode::OK, &listed(&tasks)))
}

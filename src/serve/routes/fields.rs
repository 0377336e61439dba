//! The global settings and the risk rules: each group read as one flat object with its revision as the `ETag`, and changed by any subset of its fields, every value checked against its description before anything is written.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::connect_info::ConnectInfo;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value as Json;

use super::{App, Caller, body_object, if_match};
use crate::fields::{FieldGroup, GroupValues, Kind, Value};
use crate::global::GlobalSettings;
use crate::risk::RiskSettings;
use crate::serve::answer::{ApiError, Problem, json_text, saved, tagged};
use crate::settings::FieldAction;

/// A group's values as its 200 answer: the flat object `show --json`
/// prints, with its revision as the `ETag`.
fn answer(values: &GroupValues) -> Response {
    let text = values.group.to_json(&values.values);
    tagged(json_text(StatusCode::OK, text), values.revision)
}

async fn show(app: &App, caller: Caller, group: &'static FieldGroup) -> Result<Response, ApiError> {
    let values = app
        .pool
        .run(caller.actor(), move |s| s.field_values(group))
        .await?;
    Ok(answer(&values))
}

/// The value a JSON value gives a field, or the problem with it.
fn value_of(field: &crate::fields::Field, json: &Json) -> Result<Value, Problem> {
    let refused = || {
        Problem::new(
            "value_error",
            field.name,
            format!("{} must be {}", field.name, field.allowed()),
        )
    };
    let value = match (field.kind, json) {
        (Kind::Switch, Json::Bool(on)) => Value::Switch(*on),
        (Kind::Switch, _) => {
            return Err(Problem::new(
                "bool_type",
                field.name,
                "Input should be a valid boolean",
            ));
        }
        (Kind::Whole { .. }, Json::Number(number)) => {
            Value::Whole(number.as_i64().ok_or_else(refused)?)
        }
        (Kind::Number { .. }, Json::Number(number)) => {
            Value::Number(number.as_f64().ok_or_else(refused)?)
        }
        (_, _) => {
            return Err(Problem::new(
                "number_type",
                field.name,
                "Input should be a valid number",
            ));
        }
    };
    if field.allows(value) {
        Ok(value)
    } else {
        Err(refused())
    }
}

/// PUT and PATCH: any subset of the fields; absent or `null` leaves a
/// value as it is. One bad field and nothing is written.
async fn set(
    app: &App,
    caller: Caller,
    group: &'static FieldGroup,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let names: Vec<&str> = group.fields.iter().map(|field| field.name).collect();
    let fields = body_object(headers, body, &names)?;
    let mut changes = Vec::new();
    let mut problems = Vec::new();
    for (index, field) in group.fields.iter().enumerate() {
        match fields.get(field.name) {
            None | Some(Json::Null) => {}
            Some(json) => match value_of(field, json) {
                Ok(value) => changes.push((index, value)),
                Err(problem) => problems.push(problem),
            },
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    let expected = if_match(headers)?;
    let outcome = app
        .pool
        .change(caller.actor(), move |s| {
            let outcome = s.change_fields(group, FieldAction::Set, &changes, expected)?;
            Ok(outcome)
        })
        .await?;
    let values = saved(outcome, expected)?;
    Ok(answer(&values))
}

pub async fn show_global(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
) -> Result<Response, ApiError> {
    show(&app, caller, &GlobalSettings::GROUP).await
}

pub async fn show_risk(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
) -> Result<Response, ApiError> {
    show(&app, caller, &RiskSettings::GROUP).await
}

pub async fn set_global(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    set(&app, caller, &GlobalSettings::GROUP, &headers, &body).await
}

pub async fn set_risk(
    State(app): State<Arc<App>>,
    ConnectInfo(caller): ConnectInfo<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    set(&app, caller, &RiskSettings::GROUP, &headers, &body).await
}

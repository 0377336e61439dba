//! The OpenAPI 3.1 description of the settings API, made from the route table, the registries (providers, tasks, groups) and the field descriptions: never kept by hand, so it never disagrees with the server.

use serde_json::{Map, Value, json};

use super::routes::table::{Operation, ROUTES};
use crate::field_groups;
use crate::fields::{FieldGroup, Kind};
use crate::group::Group;
use crate::provider::Provider;
use crate::task::Task;

/// Where the settings routes are.
pub const PREFIX: &str = "/api/v1/settings";

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    paths.insert(
        "/health".into(),
        json!({"get": {"summary": "Alive, without touching the database", "responses": ok("Health")}}),
    );
    paths.insert(
        "/health/ready".into(),
        json!({"get": {"summary": "200 when the database answered within 2 s, else 503", "responses": ok("Health")}}),
    );
    paths.insert(
        "/api/v1/openapi.json".into(),
        json!({"get": {"summary": "This description", "responses": {"200": {"description": "OpenAPI 3.1"}}}}),
    );
    for route in ROUTES {
        let mut methods = Map::new();
        for operation in route.operations {
            methods.insert(operation.method.into(), describe(route.path, operation));
        }
        paths.insert(format!("{PREFIX}{}", route.path), Value::Object(methods));
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "llm-settings", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {"token": {
                "type": "http",
                "scheme": "bearer",
                "description": "Over TCP (serve --listen) only: a token of llm-settings api-tokens add. On the unix socket the socket's permissions decide, and no token is sent.",
            }},
        },
        "security": [{"token": []}, {}],
    })
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn ok(answer: &str) -> Value {
    // The change stream is text, an event a change; every other answer JSON.
    let media = if answer == "EventStream" {
        "text/event-stream"
    } else {
        "application/json"
    };
    json!({"200": {"description": "OK", "content": {media: {"schema": reference(answer)}}}})
}

/// One operation: its parameters, body and answers, the refusals with them.
fn describe(path: &str, operation: &Operation) -> Value {
    let mut parameters = Vec::new();
    if path.contains("{provider}") {
        parameters.push(json!({
            "name": "provider", "in": "path", "required": true,
            "schema": {"type": "string", "enum": Provider::ALL.map(Provider::id)},
        }));
    }
    for (name, what) in operation.query {
        parameters.push(json!({"name": name, "in": "query", "required": false, "description": what, "schema": {"type": "string"}}));
    }
    let mut responses = ok(operation.answer);
    let detail = || json!({"description": "", "content": {"application/json": {"schema": reference("Detail")}}});
    let mut refusals = vec![
        ("422", "a value refused"),
        ("503", "the database is busy or did not answer"),
        ("401", "over TCP: a missing or wrong token"),
        ("403", "a Host this server does not answer to"),
        (
            "429",
            "over TCP: too many failed attempts from this address",
        ),
    ];
    if path.contains("{provider}") || path.contains("assignments") {
        refusals.push(("400", "a provider or task that does not exist"));
    }
    let test = path.ends_with("/test");
    if operation.method != "get" && !test {
        refusals.push(("412", "If-Match named an older revision"));
    }
    if (path.contains("{provider}") || path.contains("telegram")) && operation.method != "delete" {
        refusals.push((
            "409",
            "a provider without a key, or a bot without its token and chat",
        ));
    }
    if operation.body.is_some() {
        refusals.extend([
            ("415", "the body is not JSON"),
            ("413", "the body is over 64 KiB"),
            ("408", "the body did not arrive within 10 s"),
        ]);
    }
    if let Value::Object(map) = &mut responses {
        for (status, what) in refusals {
            let mut answer = detail();
            answer["description"] = json!(what);
            map.insert(status.into(), answer);
        }
    }
    let mut described =
        json!({"summary": operation.summary, "parameters": parameters, "responses": responses});
    if let Some(body) = operation.body {
        described["requestBody"] = json!({"required": false, "content": {"application/json": {"schema": reference(body)}}});
    }
    described
}

/// A group of described fields: every field as its JSON type, range,
/// default and help; for a change, each optional and nullable.
fn field_group(group: &FieldGroup, change: bool) -> Value {
    let mut properties = Map::new();
    for field in group.fields {
        let mut schema = match field.kind {
            Kind::Switch => json!({"type": "boolean"}),
            Kind::Whole { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
            Kind::Number {
                min,
                min_excluded,
                max,
            } => {
                let bound = if min_excluded {
                    "exclusiveMinimum"
                } else {
                    "minimum"
                };
                json!({"type": "number", bound: min, "maximum": max})
            }
        };
        schema["description"] = json!(field.help);
        schema["default"] = serde_json::from_str(&field.default.to_json()).unwrap_or(Value::Null);
        if change {
            schema["type"] = json!([schema["type"].clone(), "null"]);
        }
        properties.insert(field.name.into(), schema);
    }
    let mut object =
        json!({"type": "object", "properties": properties, "additionalProperties": false});
    if !change {
        object["required"] = json!(
            group
                .fields
                .iter()
                .map(|field| field.name)
                .collect::<Vec<_>>()
        );
    }
    object
}

fn schemas() -> Value {
    let providers: Vec<&str> = Provider::ALL.map(Provider::id).to_vec();
    let mut assigned = vec![""];
    assigned.extend(&providers);
    let outcomes =
        json!({"type": "string", "enum": ["ok", "unauthorized", "unreachable", "unexpected"]});
    let status = json!({
        "type": "object",
        "properties": {
            "provider": {"type": "string", "enum": providers},
            "is_configured": {"type": "boolean"},
            "is_active": {"type": "boolean"},
            "key_hint": {"type": ["string", "null"]},
        },
        "required": ["provider", "is_configured", "is_active", "key_hint"],
    });
    let mut with_base_url = status.clone();
    with_base_url["properties"]["base_url"] = json!({"type": ["string", "null"]});
    let key = json!({"type": "object", "properties": {"api_key": {"type": "string", "minLength": 1}}, "additionalProperties": false});
    let mut required_key = key.clone();
    required_key["required"] = json!(["api_key"]);
    let assignment = json!({
        "type": "object",
        "properties": {
            "task": {"type": "string", "enum": Task::ALL.map(Task::id)},
            "provider": {"type": ["string", "null"], "enum": assigned},
            "model_name": {"type": "string", "maxLength": 128},
        },
        "required": ["task"],
    });
    let telegram_set = json!({
        "type": "object",
        "properties": {"bot_token": {"type": "string", "minLength": 1}, "chat_id": {"type": "string"}},
        "additionalProperties": false,
    });
    let mut schemas = json!({
        "Health": {"type": "object", "properties": {"status": {"type": "string"}, "version": {"type": "string"}}},
        "Detail": {"type": "object", "properties": {"detail": {"oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "object", "properties": {
                "type": {"type": "string"}, "loc": {"type": "array"}, "msg": {"type": "string"}}}},
        ]}}},
        "ProviderStatus": status,
        "ProviderStatusList": {"type": "array", "items": reference("ProviderStatus")},
        "ProviderStatusWithBaseUrl": with_base_url,
        "ApiKeyBody": required_key,
        "OptionalApiKeyBody": key,
        "ProviderPatch": {"type": "object", "properties": {
            "is_active": {"type": ["boolean", "null"]}, "base_url": {"type": ["string", "null"]}},
            "additionalProperties": false},
        "TestAnswer": {"type": "object", "properties": {
            "success": {"type": "boolean"}, "message": {"type": "string"}, "outcome": outcomes}},
        "TelegramTestAnswer": {"type": "object", "properties": {
            "success": {"type": "boolean"}, "message": {"type": "string"}, "outcome": outcomes}},
        "ModelList": {"type": "array", "items": {"type": "string"}},
        "TaskAssignment": assignment,
        "TaskAssignmentList": {"type": "array", "items": reference("TaskAssignment")},
        "AssignmentsBody": {"type": "object", "properties": {
            "assignments": {"type": "array", "items": reference("TaskAssignment")}},
            "required": ["assignments"], "additionalProperties": false},
        "TelegramStatus": {"type": "object", "properties": {
            "is_configured": {"type": "boolean"}, "is_enabled": {"type": "boolean"},
            "chat_id": {"type": "string"}, "token_hint": {"type": ["string", "null"]},
            "notify_changes": {"type": "boolean"}, "base_url": {"type": ["string", "null"]},
            "last_test": {"type": ["object", "null"]}}},
        "TelegramSet": telegram_set.clone(),
        "OptionalTelegramSet": telegram_set,
        "TelegramPatch": {"type": "object", "properties": {
            "is_enabled": {"type": ["boolean", "null"]}, "chat_id": {"type": ["string", "null"]},
            "notify_changes": {"type": ["boolean", "null"]}, "base_url": {"type": ["string", "null"]}},
            "additionalProperties": false},
        "HistoryEntry": {"type": "object", "properties": {
            "id": {"type": "integer"}, "at": {"type": "string"}, "actor": {"type": "string"},
            "group": {"type": "string", "enum": Group::ALL.map(Group::id)}, "action": {"type": "string"},
            "subject": {"type": ["string", "null"]}, "old": {"type": ["string", "null"]}, "new": {"type": ["string", "null"]}}},
        "HistoryEntryList": {"type": "array", "items": reference("HistoryEntry")},
        "EventStream": {
            "type": "string",
            "description": "Server-sent events: each committed change as `id: N` and `data:` a HistoryEntry as JSON; send Last-Event-ID: N to resume after N; a `: keep-alive` comment every 15 s",
        },
        "Finding": {"type": "object", "properties": {
            "severity": {"type": "string", "enum": ["error", "warning"]},
            "group": {"type": "string", "enum": Group::ALL.map(Group::id)},
            "subject": {"type": ["string", "null"]}, "message": {"type": "string"}}},
        "FindingList": {"type": "array", "items": reference("Finding")},
    });
    for group in field_groups::ALL {
        let name = format!("{}Settings", group.title);
        schemas[&name] = field_group(group, false);
        schemas[format!("{name}Change")] = field_group(group, true);
    }
    schemas
}

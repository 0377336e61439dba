//! Every route, described once: its path, what each method takes and answers, and its handler. The router and the OpenAPI description are both made from this table, so they cannot disagree.

use std::sync::Arc;

use axum::routing::{MethodRouter, get, post, put};

use super::{App, fields, providers, tasks, telegram, trail};

/// What a method of a route takes and answers, for the OpenAPI description.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    pub method: &'static str,
    pub summary: &'static str,
    /// The request body's schema, if it takes one.
    pub body: Option<&'static str>,
    /// The 200 answer's schema.
    pub answer: &'static str,
    /// Query parameters: name and what it takes.
    pub query: &'static [(&'static str, &'static str)],
}

/// A path under `/api/v1/settings` and its methods.
pub struct Route {
    pub path: &'static str,
    pub operations: &'static [Operation],
    pub handler: fn() -> MethodRouter<Arc<App>>,
}

const fn op(
    method: &'static str,
    summary: &'static str,
    body: Option<&'static str>,
    answer: &'static str,
) -> Operation {
    Operation {
        method,
        summary,
        body,
        answer,
        query: &[],
    }
}

const LIST_PROVIDERS: Operation = op(
    "get",
    "The five providers' statuses, in order",
    None,
    "ProviderStatusList",
);
const SAVE_KEY_POST: Operation = op(
    "post",
    "Save a provider's key (the provider becomes active)",
    Some("ApiKeyBody"),
    "ProviderStatus",
);
const SAVE_KEY_PUT: Operation = op(
    "put",
    "Save a provider's key, as the web page calls it",
    Some("ApiKeyBody"),
    "ProviderStatus",
);
const TEST: Operation = op(
    "post",
    "Test a provider's connection: the stored key, or a typed one not stored",
    Some("OptionalApiKeyBody"),
    "TestAnswer",
);
const MODELS: Operation = op(
    "get",
    "The models the provider offers, sorted",
    None,
    "ModelList",
);
const LIST_TASKS: Operation = op(
    "get",
    "The nine task assignments, in order",
    None,
    "TaskAssignmentList",
);
const APPLY_POST: Operation = op(
    "post",
    "Assign or clear any subset of the tasks, all or nothing",
    Some("AssignmentsBody"),
    "TaskAssignmentList",
);
const APPLY_PUT: Operation = op(
    "put",
    "Assign or clear any subset of the tasks, as the web page calls it",
    Some("AssignmentsBody"),
    "TaskAssignmentList",
);

/// Every route under `/api/v1/settings`.
pub const ROUTES: &[Route] = &[
    Route {
        path: "/providers",
        operations: &[LIST_PROVIDERS],
        handler: || get(providers::list_providers),
    },
    Route {
        path: "/llm/providers",
        operations: &[LIST_PROVIDERS],
        handler: || get(providers::list_providers),
    },
    Route {
        path: "/providers/{provider}",
        operations: &[
            SAVE_KEY_POST,
            op("delete", "Remove a provider's key", None, "ProviderStatus"),
            op(
                "patch",
                "Switch a provider on or off, or change its base URL (\"\" resets it)",
                Some("ProviderPatch"),
                "ProviderStatusWithBaseUrl",
            ),
        ],
        handler: || {
            post(providers::save_key)
                .delete(providers::delete_key)
                .patch(providers::patch)
        },
    },
    Route {
        path: "/llm/providers/{provider}",
        operations: &[SAVE_KEY_PUT],
        handler: || put(providers::save_key),
    },
    Route {
        path: "/providers/{provider}/test",
        operations: &[TEST],
        handler: || post(providers::test),
    },
    Route {
        path: "/llm/providers/{provider}/test",
        operations: &[TEST],
        handler: || post(providers::test),
    },
    Route {
        path: "/providers/{provider}/models",
        operations: &[MODELS],
        handler: || get(providers::models),
    },
    Route {
        path: "/llm/providers/{provider}/models",
        operations: &[MODELS],
        handler: || get(providers::models),
    },
    Route {
        path: "/task-assignments",
        operations: &[LIST_TASKS, APPLY_POST],
        handler: || get(tasks::list).post(tasks::apply),
    },
    Route {
        path: "/llm/assignments",
        operations: &[LIST_TASKS, APPLY_PUT],
        handler: || get(tasks::list).put(tasks::apply),
    },
    Route {
        path: "/global",
        operations: &[
            op(
                "get",
                "The global settings, one flat object",
                None,
                "GlobalSettings",
            ),
            op(
                "put",
                "Change any subset of the global settings",
                Some("GlobalSettingsChange"),
                "GlobalSettings",
            ),
            op(
                "patch",
                "Change any subset of the global settings",
                Some("GlobalSettingsChange"),
                "GlobalSettings",
            ),
        ],
        handler: || {
            get(fields::show_global)
                .put(fields::set_global)
                .patch(fields::set_global)
        },
    },
    Route {
        path: "/risk",
        operations: &[
            op(
                "get",
                "The risk rules, one flat object",
                None,
                "RiskSettings",
            ),
            op(
                "put",
                "Change any subset of the risk rules",
                Some("RiskSettingsChange"),
                "RiskSettings",
            ),
            op(
                "patch",
                "Change any subset of the risk rules",
                Some("RiskSettingsChange"),
                "RiskSettings",
            ),
        ],
        handler: || {
            get(fields::show_risk)
                .put(fields::set_risk)
                .patch(fields::set_risk)
        },
    },
    Route {
        path: "/telegram",
        operations: &[
            op(
                "get",
                "The Telegram bot's status, never its token",
                None,
                "TelegramStatus",
            ),
            op(
                "put",
                "Store the bot's token, with its chat when none is stored; the bot goes on",
                Some("TelegramSet"),
                "TelegramStatus",
            ),
            op(
                "patch",
                "Change the bot's switches, chat or base URL",
                Some("TelegramPatch"),
                "TelegramStatus",
            ),
        ],
        handler: || {
            get(telegram::show)
                .put(telegram::set)
                .patch(telegram::patch)
        },
    },
    Route {
        path: "/telegram/test",
        operations: &[op(
            "post",
            "Test the stored bot (recorded), or a typed token and chat (not stored)",
            Some("OptionalTelegramSet"),
            "TelegramTestAnswer",
        )],
        handler: || post(telegram::test),
    },
    Route {
        path: "/history",
        operations: &[Operation {
            query: &[
                (
                    "group",
                    "providers, tasks, global, risk, telegram or master_key",
                ),
                ("limit", "1 to 1000, default 50"),
                ("before", "an entry's id: older entries only"),
            ],
            ..op("get", "The changes, newest first", None, "HistoryEntryList")
        }],
        handler: || get(trail::history),
    },
    Route {
        path: "/check",
        operations: &[Operation {
            query: &[("max_key_age", "days, a whole number from 1, default 90")],
            ..op(
                "get",
                "What needs an admin, one finding an item",
                None,
                "FindingList",
            )
        }],
        handler: || get(trail::check),
    },
    Route {
        path: "/events",
        operations: &[op(
            "get",
            "Each committed change, as a server-sent event; Last-Event-ID resumes",
            None,
            "EventStream",
        )],
        handler: || get(crate::serve::events::events),
    },
];

//! The pipeline's tasks: the one registry of their ids, names and order, the model name a task runs, and its status.
//!
//! Every front end, the store and every consumer take the tasks from here;
//! no other list of them exists (a test makes sure).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::provider::Provider;
use crate::sanitize::{Printable, printable};
use crate::status::ProviderStatus;

/// A task of the trading system's pipeline, which runs on one provider's model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Task {
    MarketAnalysis,
    Vision,
    ExecutionDecision,
    MaintenanceTechnical,
    MaintenanceSentiment,
    MaintenanceDecision,
    NewsAnalysis,
    PostTradeAnalysis,
    IndicatorAgent,
}

impl Task {
    /// Every task, in the order every front end lists them.
    pub const ALL: [Task; 9] = [
        Task::MarketAnalysis,
        Task::Vision,
        Task::ExecutionDecision,
        Task::MaintenanceTechnical,
        Task::MaintenanceSentiment,
        Task::MaintenanceDecision,
        Task::NewsAnalysis,
        Task::PostTradeAnalysis,
        Task::IndicatorAgent,
    ];

    /// The id used on the command line, in JSON and in `task_llm_assignments.task`.
    pub fn id(self) -> &'static str {
        match self {
            Task::MarketAnalysis => "market_analysis",
            Task::Vision => "vision",
            Task::ExecutionDecision => "execution_decision",
            Task::MaintenanceTechnical => "maintenance_technical",
            Task::MaintenanceSentiment => "maintenance_sentiment",
            Task::MaintenanceDecision => "maintenance_decision",
            Task::NewsAnalysis => "news_analysis",
            Task::PostTradeAnalysis => "post_trade_analysis",
            Task::IndicatorAgent => "indicator_agent",
        }
    }

    /// The name shown to people.
    pub fn display_name(self) -> &'static str {
        match self {
            Task::MarketAnalysis => "Market analysis",
            Task::Vision => "Vision / chart reading",
            Task::ExecutionDecision => "Execution decision",
            Task::MaintenanceTechnical => "Maintenance: technical",
            Task::MaintenanceSentiment => "Maintenance: sentiment",
            Task::MaintenanceDecision => "Maintenance: decision",
            Task::NewsAnalysis => "News analysis",
            Task::PostTradeAnalysis => "Post-trade analysis",
            Task::IndicatorAgent => "Indicator agent",
        }
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A task id that is not one of the nine.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Invalid task: {}", printable(.0))]
pub struct InvalidTask(pub String);

impl FromStr for Task {
    type Err = InvalidTask;

    /// Matches the id exactly, as provider ids are.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Task::ALL
            .into_iter()
            .find(|task| task.id() == text)
            .ok_or_else(|| InvalidTask(text.to_owned()))
    }
}

impl Serialize for Task {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Task {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

/// The longest model name accepted, in characters.
pub const MAX_MODEL_NAME_CHARS: usize = 128;

/// A model name that passed the checks: at most 128 printable ASCII
/// characters without white space (`gpt-4o`, `openai/gpt-4o`,
/// `llama3.1:8b`). Empty means the provider's default model.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ModelName(String);

/// Why a model name was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "model_name must be at most {MAX_MODEL_NAME_CHARS} printable ASCII characters without white space (empty for the provider's default model)"
)]
pub struct InvalidModelName;

impl ModelName {
    /// Checks a model name as typed; surrounding white space is dropped.
    pub fn parse(text: &str) -> Result<Self, InvalidModelName> {
        let name = text.trim();
        if name.chars().count() > MAX_MODEL_NAME_CHARS
            || !name.chars().all(|c| c.is_ascii_graphic())
        {
            return Err(InvalidModelName);
        }
        Ok(ModelName(name.to_owned()))
    }

    /// The provider's default model.
    pub fn default_model() -> Self {
        ModelName(String::new())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the provider's default model.
    pub fn is_default(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a task will run: computed from its provider, never stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Its provider has a key and is active (Ollama, which needs no key,
    /// also when it has none).
    Ready,
    /// Its provider has no key, or one that does not decrypt.
    NoKey,
    /// Its provider has a key but is switched off.
    Inactive,
    /// No provider is assigned: the task does not run (nothing falls back).
    Unassigned,
}

impl TaskStatus {
    /// The status of a task on `provider`, given that provider's status
    /// and whether its stored key opens.
    pub fn of(provider: Option<&ProviderStatus>, key_opens: bool) -> TaskStatus {
        let Some(status) = provider else {
            return TaskStatus::Unassigned;
        };
        if !status.is_configured {
            return if status.provider.key_optional() {
                TaskStatus::Ready
            } else {
                TaskStatus::NoKey
            };
        }
        if !key_opens {
            return TaskStatus::NoKey;
        }
        if status.is_active {
            TaskStatus::Ready
        } else {
            TaskStatus::Inactive
        }
    }

    /// The id, as JSON has it.
    pub fn id(self) -> &'static str {
        match self {
            TaskStatus::Ready => "ready",
            TaskStatus::NoKey => "no_key",
            TaskStatus::Inactive => "inactive",
            TaskStatus::Unassigned => "unassigned",
        }
    }

    /// Why a task with this status does not run, for messages; `None` when ready.
    pub fn reason(self, task: Task, provider: Option<Provider>) -> Option<String> {
        self.blocker(provider)
            .map(|blocker| format!("{task} {blocker}"))
    }

    /// What keeps a task on `provider` from running, as the end of a
    /// sentence: "will not run until OpenAI has a key"; `None` when ready.
    pub fn blocker(self, provider: Option<Provider>) -> Option<String> {
        let name = provider.map_or("its provider", Provider::display_name);
        match self {
            TaskStatus::Ready => None,
            TaskStatus::NoKey => Some(format!("will not run until {name} has a key")),
            TaskStatus::Inactive => Some(format!("will not run until {name} is active")),
            TaskStatus::Unassigned => Some("has no provider assigned, so it does not run".into()),
        }
    }
}

/// A task's assignment and status, exactly as `--json` prints it:
/// `{"task": "vision", "provider": "openai", "model_name": "gpt-4o", "status": "ready"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskAssignment {
    pub task: Task,
    pub provider: Option<Provider>,
    pub model_name: Printable,
    pub status: TaskStatus,
}

/// A task's assignment with what the console and `tasks list` show beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskState {
    pub assignment: TaskAssignment,
    /// When it last changed, UTC; `None` for a task never assigned or cleared.
    pub changed_at: Option<chrono::NaiveDateTime>,
    pub changed_by: Option<Printable>,
    /// The number of changes of this task so far (0: never assigned). It
    /// keeps growing when the task is cleared and assigned again, so an edit
    /// based on an older state can always be told apart.
    pub revision: i64,
}

crate::revision::revisioned!(TaskState, |state| state.assignment.task.id().to_owned());

/// The value of an assignment as the audit trail and history print it:
/// `openai gpt-4o`, `openai` for the provider's default model.
pub fn assignment_text(provider: Provider, model: &str) -> String {
    if model.is_empty() {
        provider.id().to_owned()
    } else {
        format!("{} {model}", provider.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_exactly() {
        for task in Task::ALL {
            assert_eq!(task.id().parse::<Task>(), Ok(task));
        }
        for bad in ["Vision", "vision ", "", "xyz"] {
            assert_eq!(
                bad.parse::<Task>().unwrap_err().to_string(),
                format!("Invalid task: {bad}")
            );
        }
    }

    #[test]
    fn model_names() {
        for good in ["gpt-4o", "openai/gpt-4o", "llama3.1:8b", "", " gpt-4o\n"] {
            assert!(ModelName::parse(good).is_ok(), "{good:?}");
        }
        assert!(ModelName::parse(&"m".repeat(128)).is_ok());
        for bad in ["gpt 4o", "gpt\t4o", "modèle", "a\x1bb", &"m".repeat(129)] {
            assert_eq!(ModelName::parse(bad), Err(InvalidModelName), "{bad:?}");
        }
    }

    #[test]
    fn statuses_follow_the_provider() {
        let status = |provider, configured, active| ProviderStatus {
            provider,
            is_configured: configured,
            is_active: active,
            key_hint: None,
        };
        let of = TaskStatus::of;
        assert_eq!(of(None, true), TaskStatus::Unassigned);
        assert_eq!(
            of(Some(&status(Provider::OpenAi, true, true)), true),
            TaskStatus::Ready
        );
        assert_eq!(
            of(Some(&status(Provider::OpenAi, true, false)), true),
            TaskStatus::Inactive
        );
        assert_eq!(
            of(Some(&status(Provider::OpenAi, false, false)), true),
            TaskStatus::NoKey
        );
        assert_eq!(
            of(Some(&status(Provider::OpenAi, true, true)), false),
            TaskStatus::NoKey
        );
        assert_eq!(
            of(Some(&status(Provider::Ollama, false, false)), true),
            TaskStatus::Ready
        );
        assert_eq!(
            of(Some(&status(Provider::Ollama, true, false)), true),
            TaskStatus::Inactive
        );
    }

    #[test]
    fn json_shape_matches_the_contract() {
        let assigned = TaskAssignment {
            task: Task::Vision,
            provider: Some(Provider::OpenAi),
            model_name: "gpt-4o".into(),
            status: TaskStatus::Ready,
        };
        assert_eq!(
            serde_json::to_string(&assigned).unwrap(),
            r#"{"task":"vision","provider":"openai","model_name":"gpt-4o","status":"ready"}"#
        );
        let unassigned = TaskAssignment {
            task: Task::Vision,
            provider: None,
            model_name: Printable::default(),
            status: TaskStatus::Unassigned,
        };
        assert_eq!(
            serde_json::to_string(&unassigned).unwrap(),
            r#"{"task":"vision","provider":null,"model_name":"","status":"unassigned"}"#
        );
    }
}

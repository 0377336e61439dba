//! The tasks' group: which provider and model each task runs on, its status computed from the providers, and what a consumer needs to run it.

use secrecy::SecretString;

use super::Settings;
use crate::error::Error;
use crate::provider::Provider;
use crate::revision::SaveOutcome;
use crate::sanitize::Printable;
use crate::status::ProviderState;
use crate::store::{TaskOutcome, TaskRow, TaskRows, TaskWrite};
use crate::task::{ModelName, Task, TaskAssignment, TaskState, TaskStatus};

/// A change to one task, checked: assign a provider and model, or clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskChange {
    pub task: Task,
    /// `None` clears the task.
    pub assignment: Option<(Provider, ModelName)>,
}

/// What a consumer needs to run a task that is ready: its provider and
/// model, the provider's key (none for Ollama without one) and base URL.
pub struct TaskRuntime {
    pub task: Task,
    pub provider: Provider,
    /// Empty for the provider's default model.
    pub model_name: String,
    pub key: Option<SecretString>,
    pub base_url: Option<String>,
}

impl std::fmt::Debug for TaskRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskRuntime")
            .field("task", &self.task)
            .field("provider", &self.provider)
            .field("model_name", &self.model_name)
            .field("key", &self.key.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl Settings {
    /// The nine tasks' assignments and statuses, in display order.
    pub fn tasks(&mut self) -> Result<Vec<TaskAssignment>, Error> {
        Ok(self
            .task_states()?
            .into_iter()
            .map(|state| state.assignment)
            .collect())
    }

    /// One task's assignment and status.
    pub fn task(&mut self, task: Task) -> Result<TaskAssignment, Error> {
        let states = self.task_states()?;
        Ok(states
            .into_iter()
            .map(|state| state.assignment)
            .find(|assignment| assignment.task == task)
            .unwrap_or_else(|| unassigned(task)))
    }

    /// One task's state, with who changed it, when, and its revision.
    pub fn task_state(&mut self, task: Task) -> Result<TaskState, Error> {
        let mut states = self.task_states()?;
        // `task_states` lists every task of `Task::ALL`, in its order.
        let index = Task::ALL.iter().position(|t| *t == task).unwrap_or(0);
        Ok(states.swap_remove(index))
    }

    /// The nine tasks with who changed them, when, and their revisions.
    pub fn task_states(&mut self) -> Result<Vec<TaskState>, Error> {
        let providers = self.states()?;
        self.task_states_with(&providers)
    }

    /// The nine tasks' states, their statuses computed from `providers`
    /// (as read by the caller, so that both come from one moment).
    pub fn task_states_with(
        &mut self,
        providers: &[ProviderState],
    ) -> Result<Vec<TaskState>, Error> {
        let TaskRows { rows, revisions } = self.store.task_rows()?;
        Ok(Task::ALL
            .into_iter()
            .map(|task| {
                let row = rows.iter().find(|row| row.task == task.id());
                let revision = revisions
                    .iter()
                    .find(|(id, _)| id == task.id())
                    .map_or(0, |(_, revision)| *revision);
                state_of(task, row, revision, providers)
            })
            .collect())
    }

    /// The tasks assigned to `provider`, in display order: those that stop
    /// running when its key is deleted or it is switched off.
    pub fn tasks_using(&mut self, provider: Provider) -> Result<Vec<Task>, Error> {
        let rows = self.store.task_rows()?.rows;
        Ok(Task::ALL
            .into_iter()
            .filter(|task| {
                rows.iter()
                    .any(|row| row.task == task.id() && row.provider == provider.id())
            })
            .collect())
    }

    /// Assigns `provider` and `model` to `task` (last writer wins).
    /// Assigning what it already has writes nothing.
    pub fn set_task(
        &mut self,
        task: Task,
        provider: Provider,
        model: &ModelName,
    ) -> Result<TaskAssignment, Error> {
        let change = TaskChange {
            task,
            assignment: Some((provider, model.clone())),
        };
        self.change_task(&change, None)
            .map(|outcome| outcome.into_current().assignment)
    }

    /// Unassigns `task` (its row is deleted); it then does not run.
    pub fn clear_task(&mut self, task: Task) -> Result<TaskAssignment, Error> {
        let change = TaskChange {
            task,
            assignment: None,
        };
        self.change_task(&change, None)
            .map(|outcome| outcome.into_current().assignment)
    }

    /// Like [`Settings::set_task`] (or a clear, for `None`), but refuses to
    /// overwrite a change made since the caller read revision
    /// `expected_revision` of the task ([`TaskState::revision`]).
    pub fn change_task_at_revision(
        &mut self,
        change: &TaskChange,
        expected_revision: i64,
    ) -> Result<SaveOutcome<TaskState>, Error> {
        self.change_task(change, Some(expected_revision))
    }

    /// One change, and the task as its transaction left it (its status
    /// from the providers as they are now).
    fn change_task(
        &mut self,
        change: &TaskChange,
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TaskState>, Error> {
        let outcomes = self.write_tasks(std::slice::from_ref(change), expected_revision)?;
        let providers = self.states()?;
        let state = |row: Option<TaskRow>, revision| {
            state_of(change.task, row.as_ref(), revision, &providers)
        };
        Ok(match outcomes.into_iter().next() {
            Some(TaskOutcome::Conflict(row, revision)) => {
                SaveOutcome::Conflict(state(row, revision))
            }
            Some(TaskOutcome::Changed(row, revision) | TaskOutcome::Unchanged(row, revision)) => {
                SaveOutcome::Saved(state(row, revision))
            }
            None => SaveOutcome::Saved(state(None, 0)),
        })
    }

    /// Applies every change in one transaction, or none; changes that
    /// assign what a task already has write nothing. Returns the nine tasks.
    pub fn apply_tasks(&mut self, changes: &[TaskChange]) -> Result<Vec<TaskAssignment>, Error> {
        self.write_tasks(changes, None)?;
        self.tasks()
    }

    fn write_tasks(
        &mut self,
        changes: &[TaskChange],
        expected_revision: Option<i64>,
    ) -> Result<Vec<TaskOutcome>, Error> {
        let writes: Vec<TaskWrite<'_>> = changes
            .iter()
            .map(|change| TaskWrite {
                task: change.task.id(),
                assignment: change
                    .assignment
                    .as_ref()
                    .map(|(provider, model)| (provider.id(), model.as_str())),
                expected_revision,
            })
            .collect();
        Ok(self.store.write_tasks(&writes, self.actor.as_str())?)
    }

    /// What running `task` needs, for a consumer: its provider and model,
    /// the provider's key and base URL. A task that is not ready is an
    /// error that says why; nothing falls back to another provider.
    pub fn task_runtime(&mut self, task: Task) -> Result<TaskRuntime, Error> {
        let assignment = self.task(task)?;
        let (Some(provider), TaskStatus::Ready) = (assignment.provider, assignment.status) else {
            return Err(Error::TaskNotReady {
                task,
                provider: assignment.provider,
                status: assignment.status,
            });
        };
        Ok(TaskRuntime {
            task,
            provider,
            model_name: assignment.model_name.into_string(),
            key: self.read_key(provider)?,
            base_url: self.base_url(provider)?,
        })
    }
}

fn unassigned(task: Task) -> TaskAssignment {
    TaskAssignment {
        task,
        provider: None,
        model_name: Printable::default(),
        status: TaskStatus::Unassigned,
    }
}

/// A task's state from its row (if assigned) and its provider's state.
fn state_of(
    task: Task,
    row: Option<&TaskRow>,
    revision: i64,
    providers: &[ProviderState],
) -> TaskState {
    // A provider id the store holds but llm-settings does not know (the
    // table's check prevents it) leaves the task unassigned: it does not run.
    let provider: Option<Provider> = row.and_then(|row| row.provider.parse().ok());
    let provider_state = provider.and_then(|provider| {
        providers
            .iter()
            .find(|state| state.status.provider == provider)
    });
    let status = TaskStatus::of(
        provider_state.map(|state| &state.status),
        provider_state.is_none_or(|state| state.fault.is_none()),
    );
    TaskState {
        assignment: TaskAssignment {
            task,
            provider,
            model_name: match (provider, row) {
                (Some(_), Some(row)) => Printable::new(&row.model_name),
                _ => Printable::default(),
            },
            status,
        },
        changed_at: row.map(|row| row.updated_at),
        changed_by: row.map(|row| Printable::new(&row.updated_by)),
        revision,
    }
}

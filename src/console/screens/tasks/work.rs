//! The Tasks tab's work, as the worker performs it: assignments, clears, and a provider's list of models.

use crate::console::performed::Performed;
use crate::error::Error;
use crate::provider::Provider;
use crate::revision::SaveOutcome;
use crate::sanitize::one_line;
use crate::settings::{Settings, TaskChange};
use crate::task::{ModelName, Task, TaskState};

/// What the Tasks tab asks of the worker.
#[derive(Debug)]
pub enum Work {
    /// Assign (`Some`) or clear (`None`) a task, unless it changed since
    /// `expected_revision`.
    Assign {
        task: Task,
        assignment: Option<(Provider, ModelName)>,
        expected_revision: i64,
    },
    /// Ask the provider, with its stored key, which models it offers; on a
    /// thread of its own, as a connection test.
    ListModels(Provider),
}

/// What the work did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Done {
    /// The task as it is now.
    Saved(Box<TaskState>),
    /// Another admin changed the task since the dialog opened: nothing was
    /// written; the task as it is now.
    Conflict(Box<TaskState>),
    /// The provider's models, or why it did not list them.
    Models(Provider, Result<Vec<String>, String>),
}

/// Performs `work` on the worker's connection.
pub fn perform(settings: &mut Settings, work: Work) -> Performed<Done> {
    let done = |done| Performed::Done(Ok(done));
    match work {
        Work::Assign {
            task,
            assignment,
            expected_revision,
        } => {
            let change = TaskChange { task, assignment };
            match settings.change_task_at_revision(&change, expected_revision) {
                Ok(SaveOutcome::Saved(state)) => done(Done::Saved(Box::new(state))),
                Ok(SaveOutcome::Conflict(state)) => done(Done::Conflict(Box::new(state))),
                Err(error) => Performed::Done(Err(error)),
            }
        }
        Work::ListModels(provider) => match settings.test_target(provider) {
            Ok(target) => Performed::Background(Box::new(move || {
                let models = target.list_models().map_err(|result| {
                    one_line(&format!("{} ({})", result.outcome.label(), result.detail))
                });
                Done::Models(provider, models)
            })),
            Err(error @ Error::Store(_)) => Performed::Done(Err(error)),
            Err(error) => done(Done::Models(provider, Err(one_line(&error.to_string())))),
        },
    }
}

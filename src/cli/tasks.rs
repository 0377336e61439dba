//! `tasks ...`: which provider and model each task of the pipeline runs on, for scripts.

use std::collections::BTreeSet;
use std::io::Read;

use clap::Subcommand;
use serde::Deserialize;

use super::args;
use super::output::{Table, print_json};
use super::{CliError, Session};
use crate::provider::Provider;
use crate::sanitize::printable;
use crate::settings::TaskChange;
use crate::task::{ModelName, Task, TaskAssignment, TaskState, TaskStatus};

#[derive(Debug, Subcommand)]
pub enum TasksCommand {
    /// Show the nine tasks: provider, model and status
    List {
        /// Print a JSON array of the nine tasks
        #[arg(long)]
        json: bool,
    },
    /// Assign a provider and model to a task
    Set {
        task: Task,
        provider: Provider,
        /// The model (gpt-4o, openai/gpt-4o, llama3.1:8b); omitted or empty
        /// for the provider's default model
        model: Option<String>,
        /// Refuse to overwrite a change made since this revision (the REV
        /// column of `tasks list`)
        #[arg(long, value_name = "REVISION", allow_hyphen_values = true, value_parser = args::revision)]
        expect_revision: Option<i64>,
    },
    /// Unassign a task: it does not run until it is assigned again
    Clear {
        task: Task,
        /// Refuse to clear it if it changed since this revision
        #[arg(long, value_name = "REVISION", allow_hyphen_values = true, value_parser = args::revision)]
        expect_revision: Option<i64>,
    },
    /// Assign several tasks at once from a JSON array on stdin
    ///
    /// [{"task": "vision", "provider": "openai", "model_name": "gpt-4o"}, ...];
    /// a null or "" provider clears the task. Everything is checked first
    /// and written in one transaction, or nothing is.
    Apply,
}

/// Runs one `tasks` command.
pub fn run(session: &mut Session, command: TasksCommand) -> Result<(), CliError> {
    match command {
        TasksCommand::List { json } => {
            let settings = session.settings()?;
            let states = settings.task_states()?;
            if json {
                let tasks: Vec<&TaskAssignment> = states.iter().map(|s| &s.assignment).collect();
                print_json(&tasks);
            } else {
                print_list(&states);
            }
        }
        TasksCommand::Set {
            task,
            provider,
            model,
            expect_revision,
        } => {
            // Everything is checked before the database is opened.
            let model = ModelName::parse(model.as_deref().unwrap_or(""))?;
            let change = TaskChange {
                task,
                assignment: Some((provider, model)),
            };
            let assignment = save(session, &change, expect_revision)?;
            warn_if_not_ready(&assignment);
            print_json(&assignment);
        }
        TasksCommand::Clear {
            task,
            expect_revision,
        } => {
            let change = TaskChange {
                task,
                assignment: None,
            };
            print_json(&save(session, &change, expect_revision)?);
        }
        TasksCommand::Apply => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .map_err(CliError::Input)?;
            let changes = parse_apply(&input)?;
            let settings = session.settings()?;
            let tasks = settings.apply_tasks(&changes)?;
            for change in changes.iter().filter(|change| change.assignment.is_some()) {
                if let Some(assignment) = tasks.iter().find(|a| a.task == change.task) {
                    warn_if_not_ready(assignment);
                }
            }
            print_json(&tasks);
        }
    }
    Ok(())
}

fn save(
    session: &mut Session,
    change: &TaskChange,
    expect_revision: Option<i64>,
) -> Result<TaskAssignment, CliError> {
    let settings = session.settings()?;
    let Some(expected) = expect_revision else {
        return Ok(match &change.assignment {
            Some((provider, model)) => settings.set_task(change.task, *provider, model)?,
            None => settings.clear_task(change.task)?,
        });
    };
    Ok(settings
        .change_task_at_revision(change, expected)?
        .saved(expected)?
        .assignment)
}

/// Says on stderr why a task just assigned will not run.
fn warn_if_not_ready(assignment: &TaskAssignment) {
    if assignment.status == TaskStatus::Ready {
        return;
    }
    if let Some(reason) = assignment
        .status
        .reason(assignment.task, assignment.provider)
    {
        eprintln!("warning: {reason} (status {})", assignment.status.id());
    }
}

/// One entry of `tasks apply`'s input. `status`, which `tasks list --json`
/// prints, is allowed so that its output can be edited and applied back.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplyEntry {
    task: String,
    provider: Option<String>,
    #[serde(default)]
    model_name: String,
    #[serde(default, rename = "status")]
    _status: Option<serde::de::IgnoredAny>,
}

/// Checks all of `tasks apply`'s input before anything is written.
fn parse_apply(input: &str) -> Result<Vec<TaskChange>, CliError> {
    let entries: Vec<ApplyEntry> = serde_json::from_str(input).map_err(|error| {
        CliError::Usage(format!(
            "tasks apply: the input is not a JSON array of {{\"task\", \"provider\", \"model_name\"}}: {}",
            printable(&error.to_string())
        ))
    })?;
    let mut seen = BTreeSet::new();
    let mut changes = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let at = |error: &dyn std::fmt::Display| {
            CliError::Usage(format!("tasks apply: entry {}: {error}", index + 1))
        };
        let task: Task = entry.task.parse().map_err(|error| at(&error))?;
        if !seen.insert(task) {
            return Err(at(&format!("{task} appears more than once")));
        }
        let assignment = match entry.provider.as_deref() {
            None | Some("") => {
                if !entry.model_name.is_empty() {
                    return Err(at(&"a model_name needs a provider"));
                }
                None
            }
            Some(provider) => {
                let provider: Provider = provider.parse().map_err(|error| at(&error))?;
                let model = ModelName::parse(&entry.model_name).map_err(|error| at(&error))?;
                Some((provider, model))
            }
        };
        changes.push(TaskChange { task, assignment });
    }
    Ok(changes)
}

fn print_list(states: &[TaskState]) {
    let mut table = Table::new(&[
        "TASK", "PROVIDER", "MODEL", "STATUS", "REV", "CHANGED", "BY",
    ]);
    for state in states {
        let assignment = &state.assignment;
        table.row(vec![
            assignment.task.id().to_owned(),
            assignment
                .provider
                .map_or("-".to_owned(), |provider| provider.id().to_owned()),
            match (assignment.provider, assignment.model_name.as_str()) {
                (None, _) => "-".to_owned(),
                (Some(_), "") => "default".to_owned(),
                (Some(_), model) => model.to_owned(),
            },
            assignment.status.id().to_owned(),
            state.revision.to_string(),
            state.changed_at.map_or("-".to_owned(), |at| {
                at.format("%Y-%m-%d %H:%M UTC").to_string()
            }),
            state.changed_by.as_deref().unwrap_or("-").to_owned(),
        ]);
    }
    table.print();
}

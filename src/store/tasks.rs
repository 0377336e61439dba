//! The tasks' rows (`task_llm_assignments`): which provider and model each assigned task runs on.
//!
//! A task's revision is the number of its changes in the audit trail, so
//! it keeps counting when the task is cleared (its row deleted) and
//! assigned again; the row's `revision` holds the same number for readers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::Change;
use super::schema::llm_settings_audit as trail;
use super::schema::task_llm_assignments as tasks;
use super::{Store, StoreError, now};
use crate::audit_action::AuditAction;
use crate::group::Group;
use crate::task::{Task, assignment_text};

/// An assigned task's row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = tasks)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TaskRow {
    pub task: String,
    pub provider: String,
    pub model_name: String,
    /// UTC.
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
    pub revision: i64,
}

/// The assigned tasks' rows, and the revision of every task changed at
/// least once (by task id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskRows {
    pub rows: Vec<TaskRow>,
    pub revisions: Vec<(String, i64)>,
}

/// A change to one task: assign it (a provider id and a model name, empty
/// for the provider's default), or clear it (`None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskWrite<'a> {
    pub task: &'a str,
    pub assignment: Option<(&'a str, &'a str)>,
    /// Write only while the task is at this revision.
    pub expected_revision: Option<i64>,
}

/// What a write to a task did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskOutcome {
    /// Written; the row as this transaction left it (`None` once cleared),
    /// and the task's revision.
    Changed(Option<TaskRow>, i64),
    /// It already was so: nothing written, no audit entry.
    Unchanged(Option<TaskRow>, i64),
    /// The task is at another revision than expected: nothing written.
    /// Its row now and its revision.
    Conflict(Option<TaskRow>, i64),
}

for_each_backend! {
    pub fn all_rows(conn: &mut Conn) -> QueryResult<Vec<TaskRow>> {
        tasks::table
            .select(TaskRow::as_select())
            .order(tasks::task)
            .load(conn)
    }

    pub fn row(conn: &mut Conn, task: &str) -> QueryResult<Option<TaskRow>> {
        tasks::table
            .find(task)
            .select(TaskRow::as_select())
            .first(conn)
            .optional()
    }

    /// The revision of every task changed at least once, by task id. Only
    /// the nine tasks' own entries are counted, through the index by
    /// subject, so a long trail of other changes costs nothing here.
    pub fn revisions(conn: &mut Conn) -> QueryResult<Vec<(String, i64)>> {
        let counts: Vec<(Option<String>, i64)> = trail::table
            .filter(trail::group_name.eq(Group::Tasks.id()))
            .filter(trail::subject.eq_any(Task::ALL.map(Task::id)))
            .group_by(trail::subject)
            .select((trail::subject, diesel::dsl::count_star()))
            .load(conn)?;
        Ok(counts
            .into_iter()
            .filter_map(|(task, count)| task.map(|task| (task, count)))
            .collect())
    }

    /// The revision of one task: its number of changes so far.
    pub fn revision(conn: &mut Conn, task: &str) -> QueryResult<i64> {
        trail::table
            .filter(trail::group_name.eq(Group::Tasks.id()))
            .filter(trail::subject.eq(task))
            .count()
            .get_result(conn)
    }

    /// Applies one change in the caller's transaction, with its audit entry.
    pub fn write(conn: &mut Conn, change: &TaskWrite<'_>, actor: &str) -> QueryResult<TaskOutcome> {
        let current = row(conn, change.task)?;
        let revision = revision(conn, change.task)?;
        if change.expected_revision.is_some_and(|expected| expected != revision) {
            return Ok(TaskOutcome::Conflict(current, revision));
        }
        let old = current
            .as_ref()
            .map(|row| assignment_text_of(&row.provider, &row.model_name));
        let at = now();
        let (action, new_row) = match change.assignment {
            Some((provider, model)) => {
                let same = current
                    .as_ref()
                    .is_some_and(|row| row.provider == provider && row.model_name == model);
                if same {
                    return Ok(TaskOutcome::Unchanged(current, revision));
                }
                let new_row = TaskRow {
                    task: change.task.to_owned(),
                    provider: provider.to_owned(),
                    model_name: model.to_owned(),
                    updated_at: at,
                    updated_by: actor.to_owned(),
                    revision: revision + 1,
                };
                diesel::insert_into(tasks::table)
                    .values(&new_row)
                    .on_conflict(tasks::task)
                    .do_update()
                    .set((
                        tasks::provider.eq(&new_row.provider),
                        tasks::model_name.eq(&new_row.model_name),
                        tasks::updated_at.eq(at),
                        tasks::updated_by.eq(actor),
                        tasks::revision.eq(new_row.revision),
                    ))
                    .execute(conn)?;
                (AuditAction::Set, Some(new_row))
            }
            None => {
                if current.is_none() {
                    return Ok(TaskOutcome::Unchanged(None, revision));
                }
                diesel::delete(tasks::table.find(change.task)).execute(conn)?;
                (AuditAction::Clear, None)
            }
        };
        let new = new_row
            .as_ref()
            .map(|row| assignment_text_of(&row.provider, &row.model_name));
        audit::append(
            conn,
            actor,
            at,
            &Change {
                group: Group::Tasks,
                action,
                subject: Some(change.task),
                old: old.as_deref(),
                new: new.as_deref(),
            },
        )?;
        Ok(TaskOutcome::Changed(new_row, revision + 1))
    }
}

/// A stored assignment as the audit trail records it; a provider id the
/// store cannot name (the table's check prevents it) is shown as it is.
fn assignment_text_of(provider: &str, model: &str) -> String {
    match provider.parse() {
        Ok(provider) => assignment_text(provider, model),
        Err(_) => format!("{provider} {model}").trim().to_owned(),
    }
}

impl Store {
    /// Every assigned task's row, and the revision of every task changed at
    /// least once.
    pub fn task_rows(&mut self) -> Result<TaskRows, StoreError> {
        Ok(on_connection!(self, |conn, q| {
            let rows = q::all_rows(conn)?;
            let revisions = q::revisions(conn)?;
            Ok::<_, diesel::result::Error>(TaskRows { rows, revisions })
        })?)
    }

    /// Applies every change in one transaction, or none of them. Returns
    /// each change's outcome, in order; a conflict in any change rolls them
    /// all back and is then the one outcome returned.
    pub fn write_tasks(
        &mut self,
        changes: &[TaskWrite<'_>],
        actor: &str,
    ) -> Result<Vec<TaskOutcome>, StoreError> {
        let result = in_write_transaction!(self, |conn, q| {
            let mut outcomes = Vec::with_capacity(changes.len());
            for change in changes {
                let outcome = q::write(conn, change, actor)?;
                if matches!(outcome, TaskOutcome::Conflict(..)) {
                    return Err(WriteStopped::Conflict(Box::new(outcome)));
                }
                outcomes.push(outcome);
            }
            Ok(outcomes)
        });
        match result {
            Ok(outcomes) => Ok(outcomes),
            Err(WriteStopped::Conflict(outcome)) => Ok(vec![*outcome]),
            Err(WriteStopped::Database(error)) => Err(error.into()),
        }
    }
}

/// Why a transaction of task writes rolled back.
enum WriteStopped {
    Conflict(Box<TaskOutcome>),
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for WriteStopped {
    fn from(error: diesel::result::Error) -> Self {
        WriteStopped::Database(error)
    }
}

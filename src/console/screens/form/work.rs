//! A form tab's work, as the worker performs it: values set or reset, unless the group changed since it was read.

use crate::console::performed::Performed;
use crate::fields::{FieldGroup, GroupValues, Value};
use crate::revision::SaveOutcome;
use crate::settings::{FieldAction, Settings};

/// Set (or reset) fields of a group, each `(index, value)`.
#[derive(Debug)]
pub struct Work {
    pub group: &'static FieldGroup,
    pub action: FieldAction,
    pub changes: Vec<(usize, Value)>,
    /// The revision the values were read at; `None` writes over whatever
    /// is there (a repair of a row that could not be read).
    pub expected_revision: Option<i64>,
}

/// What the work did.
#[derive(Clone, Debug, PartialEq)]
pub enum Done {
    /// Written: the values set.
    Saved { changes: Vec<(usize, Value)> },
    /// The group changed since it was read: nothing was written; the group
    /// as it is now.
    Conflict(Box<GroupValues>),
}

/// Performs `work` on the worker's connection.
pub fn perform(settings: &mut Settings, work: Work) -> Performed<Done> {
    let outcome = settings.change_fields(
        work.group,
        work.action,
        &work.changes,
        work.expected_revision,
    );
    Performed::Done(outcome.map(|outcome| match outcome {
        SaveOutcome::Saved(_) => Done::Saved {
            changes: work.changes,
        },
        SaveOutcome::Conflict(values) => Done::Conflict(Box::new(values)),
    }))
}

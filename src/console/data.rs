//! The settings as the console last read them, shared by every screen: what the first frame needs, and what the worker reads after it.

use std::collections::BTreeMap;

use crate::field_groups;
use crate::fields::{FieldGroup, GroupValues};
use crate::group::Group;
use crate::sanitize::Printable;
use crate::status::ProviderState;
use crate::task::{Task, TaskAssignment, TaskState, TaskStatus};
use crate::telegram::TelegramState;

/// What the worker read from the database after a change: the groups it
/// read, each as it is now. A group left `None` was not read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Refreshed {
    pub providers: Option<Vec<ProviderState>>,
    pub tasks: Option<Vec<TaskState>>,
    /// The groups of described fields read, each or why its row could not be.
    pub fields: BTreeMap<Group, Result<GroupValues, String>>,
    pub telegram: Option<Result<TelegramState, String>>,
}

/// The settings as the console last read them, shared by every screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub providers: Vec<ProviderState>,
    /// The nine tasks, in display order.
    pub tasks: Vec<TaskState>,
    /// Each group of described fields (global, risk), or why its row could
    /// not be read; a group is missing until the worker has read it (just
    /// after the first frame).
    pub fields: BTreeMap<Group, Result<GroupValues, String>>,
    /// The Telegram bot, likewise.
    pub telegram: Option<Result<TelegramState, String>>,
}

impl Data {
    /// Data with these providers and every task unassigned.
    pub fn with_providers(providers: Vec<ProviderState>) -> Self {
        let tasks = Task::ALL
            .into_iter()
            .map(|task| TaskState {
                assignment: TaskAssignment {
                    task,
                    provider: None,
                    model_name: Printable::default(),
                    status: TaskStatus::Unassigned,
                },
                changed_at: None,
                changed_by: None,
                revision: 0,
            })
            .collect();
        Data {
            providers,
            tasks,
            fields: field_groups::ALL
                .into_iter()
                .map(|group| (group.group, Ok(GroupValues::defaults(group))))
                .collect(),
            telegram: Some(Ok(TelegramState::unset())),
        }
    }

    /// What the first frame needs: the providers. The other groups are
    /// read by the worker just after it is drawn; until then their tabs
    /// say so (no task is shown as unassigned that is not).
    pub fn first_frame(providers: Vec<ProviderState>) -> Self {
        Data {
            providers,
            tasks: Vec::new(),
            fields: BTreeMap::new(),
            telegram: None,
        }
    }

    /// The values of a group of described fields, or why not; `None` while
    /// not read yet.
    pub fn fields(&self, group: &FieldGroup) -> Option<&Result<GroupValues, String>> {
        self.fields.get(&group.group)
    }

    /// Takes what the worker read; a group it did not read stays as it was.
    pub fn refresh(&mut self, refreshed: Refreshed) {
        if let Some(providers) = refreshed.providers {
            self.providers = providers;
        }
        if let Some(tasks) = refreshed.tasks {
            self.tasks = tasks;
        }
        self.fields.extend(refreshed.fields);
        if let Some(telegram) = refreshed.telegram {
            self.telegram = Some(telegram);
        }
    }
}

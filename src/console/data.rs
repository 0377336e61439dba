//! The settings as the console last read them, shared by every screen: what the first frame needs, and what the worker reads after it.

use super::request::Refreshed;
use crate::fields::{FieldGroup, GroupValues};
use crate::global::GlobalSettings;
use crate::group::Group;
use crate::risk::RiskSettings;
use crate::status::ProviderState;
use crate::task::{Task, TaskAssignment, TaskState, TaskStatus};
use crate::telegram::TelegramState;

/// The settings as the console last read them, shared by every screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub providers: Vec<ProviderState>,
    /// The nine tasks, in display order.
    pub tasks: Vec<TaskState>,
    /// The global settings, or why their row could not be read; `None`
    /// until the worker has read them (just after the first frame).
    pub global: Option<Result<GroupValues, String>>,
    /// The risk rules, likewise.
    pub risk: Option<Result<GroupValues, String>>,
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
                    model_name: String::new(),
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
            global: Some(Ok(GroupValues::defaults(&GlobalSettings::GROUP))),
            risk: Some(Ok(GroupValues::defaults(&RiskSettings::GROUP))),
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
            global: None,
            risk: None,
            telegram: None,
        }
    }

    /// The values of a group of described fields, or why not; `None` while
    /// not read yet.
    pub fn fields(&self, group: &FieldGroup) -> Option<&Result<GroupValues, String>> {
        if group.group == Group::Risk {
            self.risk.as_ref()
        } else {
            self.global.as_ref()
        }
    }

    /// Takes what the worker read; a group it did not read stays as it was.
    pub fn refresh(&mut self, refreshed: Refreshed) {
        if let Some(providers) = refreshed.providers {
            self.providers = providers;
        }
        if let Some(tasks) = refreshed.tasks {
            self.tasks = tasks;
        }
        if let Some(global) = refreshed.global {
            self.global = Some(global);
        }
        if let Some(risk) = refreshed.risk {
            self.risk = Some(risk);
        }
        if let Some(telegram) = refreshed.telegram {
            self.telegram = Some(telegram);
        }
    }
}

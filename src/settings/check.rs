//! The whole checked at once: every group's state read and turned into the findings `check` reports.

use chrono::{Duration, NaiveDateTime, Utc};

use super::Settings;
use crate::audit_action::AuditAction;
use crate::check::{Finding, Severity};
use crate::connection_test::TestOutcome;
use crate::error::Error;
use crate::field_groups;
use crate::fields::Checks;
use crate::group::Group;

impl Settings {
    /// What needs an admin, most urgent first within each group, the groups
    /// in their order: secrets that do not open, tasks that will not run,
    /// risk checks that are off, a bot that is on but not known to work,
    /// keys set more than `max_key_age_days` ago. Reads only; sends nothing.
    pub fn check(&mut self, max_key_age_days: u32) -> Result<Vec<Finding>, Error> {
        let mut findings = Vec::new();
        let now = Utc::now().naive_utc();

        let providers = self.states()?;
        let max_age = Duration::days(i64::from(max_key_age_days));
        for state in &providers {
            let provider = state.status.provider;
            if let Some(fault) = &state.fault {
                findings.push(Finding::new(
                    Severity::Error,
                    Group::Providers,
                    Some(provider.id()),
                    format!(
                        "the key of {} cannot be read ({fault}); set it again",
                        provider.display_name()
                    ),
                ));
            }
            if state.status.key_hint.is_none() {
                continue;
            }
            // The key's age: its last `set` in the trail, else (a row
            // written around llm-settings) the row's last change.
            let since = self
                .store
                .last_recorded(Group::Providers, provider.id(), AuditAction::Set)?
                .or(state.changed_at);
            if let Some(since) = since.filter(|since| now - *since > max_age) {
                findings.push(Finding::new(
                    Severity::Warning,
                    Group::Providers,
                    Some(provider.id()),
                    format!(
                        "the key of {} was set {} days ago (more than {max_key_age_days}): make a new one with the provider and set it",
                        provider.display_name(),
                        (now - since).num_days()
                    ),
                ));
            }
        }

        for task in self.task_states_with(&providers)? {
            let assignment = &task.assignment;
            if let Some(reason) = assignment.status.blocker(assignment.provider) {
                findings.push(Finding::new(
                    Severity::Error,
                    Group::Tasks,
                    Some(assignment.task.id()),
                    format!("{} {reason}", assignment.task.display_name()),
                ));
            }
        }

        for group in field_groups::ALL {
            match self.field_values(group) {
                Ok(values) if group.checks == Checks::Safeguards => {
                    for field in values.checks_off() {
                        findings.push(Finding::new(
                            Severity::Warning,
                            group.group,
                            Some(field.name),
                            format!(
                                "{} is off (it would {}); {} set {}=on turns it on",
                                field.label, field.help, group.group, field.name
                            ),
                        ));
                    }
                }
                Ok(_) => {}
                Err(error) => findings.push(Finding::new(
                    Severity::Error,
                    group.group,
                    None,
                    error.to_string(),
                )),
            }
        }

        let bot = self.telegram()?;
        if let Some(fault) = &bot.fault {
            findings.push(Finding::new(
                Severity::Error,
                Group::Telegram,
                Some("bot_token"),
                format!("the Telegram bot token cannot be read ({fault}); set it again"),
            ));
        }
        if bot.status.is_enabled {
            match &bot.last_test {
                None => findings.push(Finding::new(
                    Severity::Warning,
                    Group::Telegram,
                    None,
                    "the bot is on but was never tested with its token and chat: telegram test"
                        .to_owned(),
                )),
                Some(test) if test.outcome != TestOutcome::Ok => findings.push(Finding::new(
                    Severity::Error,
                    Group::Telegram,
                    None,
                    format!(
                        "the bot is on but its last test failed at {} UTC: {} ({})",
                        format_at(test.at),
                        test.outcome.label(),
                        test.detail
                    ),
                )),
                Some(_) => {}
            }
        }
        Ok(findings)
    }
}

fn format_at(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

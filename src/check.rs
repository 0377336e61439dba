//! What `check` reports: one finding a line, each with a severity, the group and the subject it is about.

use serde::Serialize;

use crate::group::Group;

/// How urgent a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something does not work: a secret that does not open, a task that
    /// will not run, a bot whose last test failed.
    Error,
    /// Something to look at: a risk check off, an old key, a bot never tested.
    Warning,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One thing that needs an admin, as `check --json` prints it:
/// `{"severity": "warning", "group": "risk", "subject": "drawdown_check_enabled", "message": "..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub group: Group,
    /// The provider, task or field; `None` for the group as a whole.
    pub subject: Option<String>,
    /// One printable sentence that says what is wrong and what to do.
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, group: Group, subject: Option<&str>, message: String) -> Self {
        Finding {
            severity,
            group,
            subject: subject.map(str::to_owned),
            message,
        }
    }

    /// The finding as one line for people:
    /// `warning  risk.drawdown_check_enabled  the drawdown check is off: ...`.
    pub fn line(&self) -> String {
        let what = match &self.subject {
            Some(subject) => format!("{}.{subject}", self.group),
            None => self.group.to_string(),
        };
        format!("{:<7}  {what}  {}", self.severity.id(), self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_line_shapes() {
        let finding = Finding::new(
            Severity::Warning,
            Group::Risk,
            Some("drawdown_check_enabled"),
            "the drawdown check is off".into(),
        );
        assert_eq!(
            serde_json::to_string(&finding).unwrap(),
            r#"{"severity":"warning","group":"risk","subject":"drawdown_check_enabled","message":"the drawdown check is off"}"#
        );
        assert_eq!(
            finding.line(),
            "warning  risk.drawdown_check_enabled  the drawdown check is off"
        );
    }
}

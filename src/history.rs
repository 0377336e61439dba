//! The history of changes: an audit entry as a typed value, and as the phrase people read ("alice set vision to openai gpt-4o").

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::audit_action::AuditAction;
use crate::group::Group;
use crate::provider::Provider;
use crate::sanitize::Printable;
use crate::store::AuditRow;

/// Which part of the history to read: newest first, at most `limit`
/// entries, older than entry `before` (to page on), of one group,
/// holding `text` (in any column, ignoring case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryFilter {
    pub group: Option<Group>,
    pub text: Option<String>,
    pub before: Option<i64>,
    pub limit: usize,
}

impl Default for HistoryFilter {
    /// The newest 50 entries of every group, as `history` prints them.
    fn default() -> Self {
        HistoryFilter {
            group: None,
            text: None,
            before: None,
            limit: 50,
        }
    }
}

/// One change, as the history shows it and `--json` prints it:
/// `{"id": 42, "at": "2026-12-01T06:21:00Z", "actor": "alice from 203.0.113.7",
/// "group": "risk", "action": "set", "subject": "max_drawdown_pct", "old": "10", "new": "5"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub id: i64,
    #[serde(serialize_with = "utc")]
    pub at: NaiveDateTime,
    pub actor: Printable,
    /// The group's id; a row written around llm-settings may hold another.
    pub group: Printable,
    pub action: Printable,
    pub subject: Option<Printable>,
    pub old: Option<Printable>,
    pub new: Option<Printable>,
}

/// A time in JSON, as every answer writes one: `"2026-12-01T06:21:00Z"`.
pub(crate) fn utc<S: serde::Serializer>(
    at: &NaiveDateTime,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// [`utc`], or `null`.
pub(crate) fn utc_or_null<S: serde::Serializer>(
    at: &Option<NaiveDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => utc(at, serializer),
        None => serializer.serialize_none(),
    }
}

impl From<AuditRow> for HistoryEntry {
    /// Text read from the database is untrusted: it is made printable here,
    /// once, for every front end.
    fn from(row: AuditRow) -> Self {
        let clean = |text: Option<String>| text.map(Printable::from);
        HistoryEntry {
            id: row.id,
            at: row.at,
            actor: row.actor.into(),
            group: row.group_name.into(),
            action: row.action.into(),
            subject: clean(row.subject),
            old: clean(row.old_value),
            new: clean(row.new_value),
        }
    }
}

impl HistoryEntry {
    /// The group, when it is one llm-settings knows.
    pub fn group(&self) -> Option<Group> {
        self.group.parse().ok()
    }

    /// The entry as one line for people: when (UTC), who, and what.
    pub fn line(&self) -> String {
        format!(
            "{}  {} {}",
            self.at.format("%Y-%m-%d %H:%M:%S"),
            self.actor,
            self.describe()
        )
    }

    /// What was done, as a phrase after the actor's name: "set the key of
    /// OpenAI: sk-...1111 -> sk-...2222", "changed risk.max_drawdown_pct:
    /// 10 -> 5". A secret shows only as its hint: that is all the trail holds.
    pub fn describe(&self) -> String {
        let action = self.action.parse::<AuditAction>().ok();
        match self.group() {
            Some(Group::Providers) => self.describe_provider(action),
            Some(Group::Tasks) => match action {
                Some(AuditAction::Set) => format!("set {} to {}", self.subject(), self.new_text()),
                Some(AuditAction::Clear) => {
                    format!("cleared {} (it ran on {})", self.subject(), self.old_text())
                }
                Some(
                    AuditAction::Delete
                    | AuditAction::Activate
                    | AuditAction::Deactivate
                    | AuditAction::BaseUrl
                    | AuditAction::BaseUrlReset
                    | AuditAction::Reset
                    | AuditAction::RotateKey,
                )
                | None => self.describe_change(),
            },
            Some(Group::Telegram) => match action {
                Some(AuditAction::Set) if self.subject() == "bot_token" => {
                    format!("set the Telegram bot token: {}", self.change())
                }
                Some(AuditAction::Delete) if self.subject() == "bot_token" => {
                    format!("deleted the Telegram bot token ({})", self.old_text())
                }
                Some(
                    AuditAction::Set
                    | AuditAction::Delete
                    | AuditAction::Activate
                    | AuditAction::Deactivate
                    | AuditAction::BaseUrl
                    | AuditAction::BaseUrlReset
                    | AuditAction::Clear
                    | AuditAction::Reset
                    | AuditAction::RotateKey,
                )
                | None => self.describe_change(),
            },
            Some(Group::Global | Group::Risk) => match action {
                Some(AuditAction::Reset) => format!(
                    "reset {}.{} to its default: {}",
                    self.group,
                    self.subject(),
                    self.change()
                ),
                Some(
                    AuditAction::Set
                    | AuditAction::Delete
                    | AuditAction::Activate
                    | AuditAction::Deactivate
                    | AuditAction::BaseUrl
                    | AuditAction::BaseUrlReset
                    | AuditAction::Clear
                    | AuditAction::RotateKey,
                )
                | None => self.describe_change(),
            },
            Some(Group::ApiTokens) => match action {
                Some(AuditAction::Set) => format!("added the API token {}", self.subject()),
                Some(AuditAction::Delete) => format!("revoked the API token {}", self.subject()),
                Some(
                    AuditAction::Activate
                    | AuditAction::Deactivate
                    | AuditAction::BaseUrl
                    | AuditAction::BaseUrlReset
                    | AuditAction::Clear
                    | AuditAction::Reset
                    | AuditAction::RotateKey,
                )
                | None => self.describe_change(),
            },
            // Whatever its action: the master key has one change.
            Some(Group::MasterKey) => format!("rotated the master key: {}", self.change()),
            None => self.describe_change(),
        }
    }

    /// A provider's entry: its name, and what was done to its key,
    /// switch or base URL.
    fn describe_provider(&self, action: Option<AuditAction>) -> String {
        let subject = self.subject();
        let name = subject
            .parse::<Provider>()
            .map_or(subject, |provider| provider.display_name());
        let change = self.change();
        match action {
            Some(AuditAction::Set) => format!("set the key of {name}: {change}"),
            Some(AuditAction::Delete) => format!("deleted the key of {name} ({})", self.old_text()),
            Some(AuditAction::Activate) => format!("activated {name}"),
            Some(AuditAction::Deactivate) => format!("deactivated {name}"),
            Some(AuditAction::BaseUrl) => format!("changed the base URL of {name}: {change}"),
            Some(AuditAction::BaseUrlReset) => {
                format!("reset the base URL of {name} to the default")
            }
            // A rotation recorded by the first release, with the providers.
            Some(AuditAction::RotateKey) => format!("rotated the master key: {change}"),
            Some(AuditAction::Clear | AuditAction::Reset) | None => {
                format!("changed {name} ({}): {change}", self.action)
            }
        }
    }

    /// An entry no phrase of its group fits: what changed, from what to what.
    fn describe_change(&self) -> String {
        match &self.subject {
            Some(subject) => format!("changed {}.{subject}: {}", self.group, self.change()),
            None => format!(
                "changed {} ({}): {}",
                self.group,
                self.action,
                self.change()
            ),
        }
    }

    fn subject(&self) -> &str {
        self.subject.as_deref().unwrap_or("")
    }

    fn old_text(&self) -> &str {
        self.old.as_deref().unwrap_or("none")
    }

    fn new_text(&self) -> &str {
        self.new.as_deref().unwrap_or("none")
    }

    /// "10 -> 5"; a value that is not there is "none".
    fn change(&self) -> String {
        format!("{} -> {}", self.old_text(), self.new_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        group: &str,
        action: &str,
        subject: Option<&str>,
        old: Option<&str>,
        new: Option<&str>,
    ) -> HistoryEntry {
        HistoryEntry {
            id: 42,
            at: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(6, 21, 0)
                .unwrap(),
            actor: "alice from 203.0.113.7".into(),
            group: group.into(),
            action: action.into(),
            subject: subject.map(Into::into),
            old: old.map(Into::into),
            new: new.map(Into::into),
        }
    }

    #[test]
    fn json_shape_matches_the_contract() {
        let risk = entry(
            "risk",
            "set",
            Some("max_drawdown_pct"),
            Some("10"),
            Some("5"),
        );
        assert_eq!(
            serde_json::to_string(&risk).unwrap(),
            r#"{"id":42,"at":"2026-12-01T06:21:00Z","actor":"alice from 203.0.113.7","group":"risk","action":"set","subject":"max_drawdown_pct","old":"10","new":"5"}"#
        );
    }

    #[test]
    fn phrases() {
        let cases = [
            (
                entry(
                    "risk",
                    "set",
                    Some("max_drawdown_pct"),
                    Some("10"),
                    Some("5"),
                ),
                "changed risk.max_drawdown_pct: 10 -> 5",
            ),
            (
                entry("providers", "set", Some("openai"), None, Some("sk-...2222")),
                "set the key of OpenAI: none -> sk-...2222",
            ),
            (
                entry(
                    "providers",
                    "delete",
                    Some("openai"),
                    Some("sk-...2222"),
                    None,
                ),
                "deleted the key of OpenAI (sk-...2222)",
            ),
            (
                entry(
                    "providers",
                    "deactivate",
                    Some("gemini"),
                    Some("true"),
                    Some("false"),
                ),
                "deactivated Google Gemini",
            ),
            (
                entry("tasks", "set", Some("vision"), None, Some("openai gpt-4o")),
                "set vision to openai gpt-4o",
            ),
            (
                entry(
                    "tasks",
                    "clear",
                    Some("vision"),
                    Some("openai gpt-4o"),
                    None,
                ),
                "cleared vision (it ran on openai gpt-4o)",
            ),
            (
                entry("master_key", "rotate-key", None, Some("0123"), Some("4567")),
                "rotated the master key: 0123 -> 4567",
            ),
        ];
        for (entry, phrase) in cases {
            assert_eq!(entry.describe(), phrase);
        }
    }
}

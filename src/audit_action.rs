//! What an audit entry says was done: one enum for every group's actions, stored as its id.

use std::fmt;
use std::str::FromStr;

/// What a change did, as the audit trail stores it in `action` and
/// `history --json` prints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuditAction {
    /// A value, a key or a token set; a task assigned.
    Set,
    /// A key or the bot token removed.
    Delete,
    /// A provider switched on.
    Activate,
    /// A provider switched off.
    Deactivate,
    /// A provider's base URL override set.
    BaseUrl,
    /// A provider's base URL override removed.
    BaseUrlReset,
    /// A task unassigned.
    Clear,
    /// A described field back to its default.
    Reset,
    /// Every sealed value re-encrypted under a new master key.
    RotateKey,
}

impl AuditAction {
    /// Every action.
    pub const ALL: [AuditAction; 9] = [
        AuditAction::Set,
        AuditAction::Delete,
        AuditAction::Activate,
        AuditAction::Deactivate,
        AuditAction::BaseUrl,
        AuditAction::BaseUrlReset,
        AuditAction::Clear,
        AuditAction::Reset,
        AuditAction::RotateKey,
    ];

    /// The id stored in the trail: `set`, `base-url-reset`, ...
    pub fn id(self) -> &'static str {
        match self {
            AuditAction::Set => "set",
            AuditAction::Delete => "delete",
            AuditAction::Activate => "activate",
            AuditAction::Deactivate => "deactivate",
            AuditAction::BaseUrl => "base-url",
            AuditAction::BaseUrlReset => "base-url-reset",
            AuditAction::Clear => "clear",
            AuditAction::Reset => "reset",
            AuditAction::RotateKey => "rotate-key",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An action id llm-settings does not write (a row written around it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAction;

impl FromStr for AuditAction {
    type Err = UnknownAction;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        AuditAction::ALL
            .into_iter()
            .find(|action| action.id() == text)
            .ok_or(UnknownAction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(action.id().parse(), Ok(action));
        }
        assert_eq!("Set".parse::<AuditAction>(), Err(UnknownAction));
    }
}

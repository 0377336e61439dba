//! The settings groups, as the audit trail, the history and the command line name them.

use std::fmt;
use std::str::FromStr;

use crate::sanitize::printable;

/// A group of settings; every change recorded in the audit trail belongs to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    Providers,
    Tasks,
    Global,
    Risk,
    Telegram,
    /// Changes of the master key itself (a rotation), which belong to no group of values.
    MasterKey,
    /// The tokens of `serve` over TCP, added and revoked (by name, never a token).
    ApiTokens,
}

impl Group {
    /// Every group, in the order the history lists them.
    pub const ALL: [Group; 7] = [
        Group::Providers,
        Group::Tasks,
        Group::Global,
        Group::Risk,
        Group::Telegram,
        Group::MasterKey,
        Group::ApiTokens,
    ];

    /// The id stored in the audit trail and taken by `--group`.
    pub fn id(self) -> &'static str {
        match self {
            Group::Providers => "providers",
            Group::Tasks => "tasks",
            Group::Global => "global",
            Group::Risk => "risk",
            Group::Telegram => "telegram",
            Group::MasterKey => "master_key",
            Group::ApiTokens => "api_tokens",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for Group {
    /// As its id: `"risk"`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// A group id that is not one of the seven.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Invalid group: {} (one of {})", printable(.0), Group::ALL.map(Group::id).join(", "))]
pub struct InvalidGroup(pub String);

impl FromStr for Group {
    type Err = InvalidGroup;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Group::ALL
            .into_iter()
            .find(|group| group.id() == text)
            .ok_or_else(|| InvalidGroup(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_exactly() {
        for group in Group::ALL {
            assert_eq!(group.id().parse::<Group>(), Ok(group));
        }
        assert!("Risk".parse::<Group>().is_err());
        assert!("master-key".parse::<Group>().is_err());
    }
}

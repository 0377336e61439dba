//! The groups of described fields, listed once: the console's tabs and data, the worker, `check`, the command line and the documentation tests all take them from here.

use crate::fields::FieldGroup;
use crate::global::GlobalSettings;
use crate::group::Group;
use crate::risk::RiskSettings;

/// Every group of described fields, in the order of [`Group::ALL`].
pub const ALL: [&FieldGroup; 2] = [&GlobalSettings::GROUP, &RiskSettings::GROUP];

/// The described fields of `group`, if its values are described fields.
/// The match is exhaustive: a new group must say whether it is one.
pub fn of(group: Group) -> Option<&'static FieldGroup> {
    match group {
        Group::Global => Some(&GlobalSettings::GROUP),
        Group::Risk => Some(&RiskSettings::GROUP),
        Group::Providers | Group::Tasks | Group::Telegram | Group::MasterKey | Group::ApiTokens => {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_every_group_that_has_described_fields() {
        let described: Vec<Group> = Group::ALL
            .into_iter()
            .filter(|g| of(*g).is_some())
            .collect();
        let listed: Vec<Group> = ALL.iter().map(|group| group.group).collect();
        assert_eq!(listed, described);
        for group in ALL {
            assert_eq!(of(group.group), Some(group));
        }
    }
}

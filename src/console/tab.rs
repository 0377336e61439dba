//! The console's tabs, one per group of settings, in the order the tab bar shows them.

use crossterm::event::KeyCode;

use crate::field_groups;
use crate::fields::FieldGroup;
use crate::group::Group;

/// A tab of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tab {
    Providers,
    Tasks,
    Global,
    Risk,
    Telegram,
    History,
}

impl Tab {
    /// Every tab, in the order of the tab bar; `1` is the first.
    pub const ALL: [Tab; 6] = [
        Tab::Providers,
        Tab::Tasks,
        Tab::Global,
        Tab::Risk,
        Tab::Telegram,
        Tab::History,
    ];

    /// The digit keys, one per tab of [`Tab::ALL`] in its order: `1` is the first.
    pub const DIGIT_KEYS: [KeyCode; Tab::ALL.len()] = {
        // One digit each: a tenth tab would need another key.
        assert!(Tab::ALL.len() <= 9);
        let mut keys = [KeyCode::Null; Tab::ALL.len()];
        let mut index = 0;
        while index < keys.len() {
            keys[index] = KeyCode::Char((b'1' + index as u8) as char);
            index += 1;
        }
        keys
    };

    /// The tab's name in the tab bar.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Providers => "Providers",
            Tab::Tasks => "Tasks",
            Tab::Global => "Global",
            Tab::Risk => "Risk",
            Tab::Telegram => "Telegram",
            Tab::History => "History",
        }
    }

    /// The group of described fields the tab shows as a form, if it is a form.
    pub fn field_group(self) -> Option<&'static FieldGroup> {
        match self {
            Tab::Global => field_groups::of(Group::Global),
            Tab::Risk => field_groups::of(Group::Risk),
            Tab::Providers | Tab::Tasks | Tab::Telegram | Tab::History => None,
        }
    }

    /// The tab's number: the digit that jumps to it.
    pub fn number(self) -> usize {
        Tab::ALL.iter().position(|tab| *tab == self).unwrap_or(0) + 1
    }

    /// The tab `digit` jumps to, if there is one.
    pub fn numbered(digit: char) -> Option<Tab> {
        let number = digit.to_digit(10)? as usize;
        Tab::ALL.get(number.checked_sub(1)?).copied()
    }

    /// The next tab, after the last the first.
    pub fn next(self) -> Tab {
        Tab::ALL[self.number() % Tab::ALL.len()]
    }

    /// The tab before, before the first the last.
    pub fn previous(self) -> Tab {
        Tab::ALL[(self.number() + Tab::ALL.len() - 2) % Tab::ALL.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_cycling() {
        assert_eq!(Tab::numbered('1'), Some(Tab::Providers));
        assert_eq!(Tab::numbered('2'), Some(Tab::Tasks));
        assert_eq!(Tab::numbered('4'), Some(Tab::Risk));
        assert_eq!(Tab::numbered('0'), None);
        assert_eq!(Tab::numbered('9'), None);
        for tab in Tab::ALL {
            assert_eq!(tab.next().previous(), tab);
            assert_eq!(
                Tab::numbered(char::from(b'0' + tab.number() as u8)),
                Some(tab)
            );
        }
        assert_eq!(Tab::ALL[Tab::ALL.len() - 1].next(), Tab::ALL[0]);
    }

    #[test]
    fn every_group_of_described_fields_has_a_form_tab() {
        let forms: Vec<&FieldGroup> = Tab::ALL.into_iter().filter_map(Tab::field_group).collect();
        assert_eq!(forms, field_groups::ALL);
    }
}

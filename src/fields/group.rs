//! A group of described fields (one row of its own table), and its values as last read with their revision.

use super::{Field, InvalidValue, Value};
use crate::group::Group;
use crate::sanitize::Printable;

/// What the switches that other fields depend on are, in a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checks {
    /// Safeguards (the risk checks): one that is off is reported by
    /// `check` and counted in the console's title.
    Safeguards,
    /// Plain switches (the agent pipeline): off is a choice, not a finding.
    Switches,
}

/// A group of described fields, stored in one row of its own table.
#[derive(Debug)]
pub struct FieldGroup {
    pub group: Group,
    /// The table, with one row (`id` = 1).
    pub table: &'static str,
    /// The tab's and the section's title: "Global", "Risk".
    pub title: &'static str,
    /// What a switch that other fields depend on means when it is off.
    pub checks: Checks,
    pub fields: &'static [Field],
}

impl FieldGroup {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The index of the field named `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|field| field.name == name)
    }

    /// The default of every field, in order.
    pub fn defaults(&self) -> Vec<Value> {
        self.fields.iter().map(|field| field.default).collect()
    }

    /// "Unknown setting: global.xyz".
    pub fn unknown(&self, name: &str) -> InvalidValue {
        InvalidValue(format!(
            "Unknown setting: {}.{}",
            self.group,
            crate::sanitize::printable(name)
        ))
    }

    /// Parses `NAME=VALUE` pairs; every one is checked before any is
    /// used. Returns each field's index and value, in the order given.
    pub fn parse_pairs(&self, pairs: &[String]) -> Result<Vec<(usize, Value)>, InvalidValue> {
        let mut parsed: Vec<(usize, Value)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            let Some((name, text)) = pair.split_once('=') else {
                return Err(InvalidValue(format!(
                    "Invalid setting: {} (use NAME=VALUE)",
                    crate::sanitize::printable(pair)
                )));
            };
            let index = self.position(name).ok_or_else(|| self.unknown(name))?;
            let value = self.fields[index].parse(text)?;
            if parsed.iter().any(|(seen, _)| *seen == index) {
                return Err(InvalidValue(format!("{name} is given more than once")));
            }
            parsed.push((index, value));
        }
        Ok(parsed)
    }

    /// Whether the field at `index` counts: not when the switch it depends
    /// on is off in `values`.
    pub fn counts(&self, index: usize, values: &[Value]) -> bool {
        match self.fields[index].depends_on {
            Some(switch) => self
                .position(switch)
                .and_then(|i| values.get(i))
                .is_none_or(|value| value.is_on()),
            None => true,
        }
    }

    /// The switches other fields depend on: a risk check, the agent pipeline.
    pub fn is_check(&self, index: usize) -> bool {
        let name = self.fields[index].name;
        self.fields
            .iter()
            .any(|field| field.depends_on == Some(name))
    }

    /// The values as one flat JSON object, the fields in their order:
    /// `{"maintenance_task_enabled":true,"maintenance_interval_minutes":60,...}`.
    pub fn to_json(&self, values: &[Value]) -> String {
        let members: Vec<String> = self
            .fields
            .iter()
            .zip(values)
            .map(|(field, value)| format!("\"{}\":{}", field.name, value.to_json()))
            .collect();
        format!("{{{}}}", members.join(","))
    }
}

/// A group's values as last written, with who wrote them and the revision.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupValues {
    pub group: &'static FieldGroup,
    /// One value per field, in the group's order.
    pub values: Vec<Value>,
    /// Grows with every change of the group.
    pub revision: i64,
    /// When and by whom it was last changed (never, for the defaults).
    pub changed_at: Option<chrono::NaiveDateTime>,
    pub changed_by: Option<Printable>,
}

crate::revision::revisioned!(GroupValues, |values| values.group.group.id().to_owned());

impl GroupValues {
    /// The defaults of `group`, never changed.
    pub fn defaults(group: &'static FieldGroup) -> Self {
        GroupValues {
            group,
            values: group.defaults(),
            revision: 0,
            changed_at: None,
            changed_by: None,
        }
    }

    /// The value of the field named `name`.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.group.position(name).map(|index| self.values[index])
    }

    /// The checks (switches others depend on) that are off.
    pub fn checks_off(&self) -> Vec<&'static Field> {
        (0..self.values.len())
            .filter(|&index| self.group.is_check(index) && !self.values[index].is_on())
            .map(|index| &self.group.fields[index])
            .collect()
    }
}

impl PartialEq for FieldGroup {
    fn eq(&self, other: &Self) -> bool {
        self.group == other.group
    }
}

//! The groups of described fields (global settings, risk rules): read, checked against their descriptions, and written with their audit.

use super::Settings;
use crate::audit_action::AuditAction;
use crate::error::Error;
use crate::fields::{FieldGroup, GroupValues, Kind, Value};
use crate::global::GlobalSettings;
use crate::revision::SaveOutcome;
use crate::risk::RiskSettings;
use crate::sanitize::{Printable, printable};
use crate::store::{FieldRow, FieldWrite};

/// A change to a group: set fields to values, or back to their defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldAction {
    Set,
    Reset,
}

impl FieldAction {
    /// What the audit trail records it as.
    fn audit(self) -> AuditAction {
        match self {
            FieldAction::Set => AuditAction::Set,
            FieldAction::Reset => AuditAction::Reset,
        }
    }
}

/// A value read from the database, as its field's kind; `None` when it is
/// not one (a row written around llm-settings).
fn value_of_text(kind: Kind, text: &str) -> Option<Value> {
    match kind {
        Kind::Switch => match text {
            "1" | "true" | "t" => Some(Value::Switch(true)),
            "0" | "false" | "f" => Some(Value::Switch(false)),
            _ => None,
        },
        Kind::Whole { .. } => text.parse().ok().map(Value::Whole),
        Kind::Number { .. } => text
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite())
            .map(Value::Number),
    }
}

/// The group's values from its row, each checked against its field: a
/// value the description does not allow is that group's error.
fn values_of_row(group: &'static FieldGroup, row: Option<&FieldRow>) -> Result<GroupValues, Error> {
    let Some(row) = row else {
        // No row: the defaults, never changed.
        return Ok(GroupValues {
            group,
            values: group.defaults(),
            revision: 0,
            changed_at: None,
            changed_by: None,
        });
    };
    let mut values = Vec::with_capacity(group.fields.len());
    for (field, text) in group.fields.iter().zip(&row.texts) {
        let value = text
            .as_deref()
            .and_then(|text| value_of_text(field.kind, text))
            .filter(|value| field.allows(*value));
        match value {
            Some(value) => values.push(value),
            None => {
                return Err(Error::BadRow {
                    group: group.group,
                    field: field.name,
                    found: text.as_deref().map_or("NULL".to_owned(), printable),
                    allowed: field.allowed(),
                });
            }
        }
    }
    Ok(GroupValues {
        group,
        values,
        revision: row.revision,
        changed_at: (row.revision > 0).then_some(row.updated_at).flatten(),
        changed_by: (row.revision > 0)
            .then(|| row.updated_by.as_deref().map(Printable::new))
            .flatten(),
    })
}

impl Settings {
    /// The values of a group of described fields, each checked against its
    /// description.
    pub fn field_values(&mut self, group: &'static FieldGroup) -> Result<GroupValues, Error> {
        let row = self.store.field_row(group)?;
        values_of_row(group, row.as_ref())
    }

    /// The global settings.
    pub fn global(&mut self) -> Result<GlobalSettings, Error> {
        let values = self.field_values(&GlobalSettings::GROUP)?;
        GlobalSettings::from_values(&values.values).ok_or_else(|| kind_mismatch(&values))
    }

    /// The risk rules.
    pub fn risk(&mut self) -> Result<RiskSettings, Error> {
        let values = self.field_values(&RiskSettings::GROUP)?;
        RiskSettings::from_values(&values.values).ok_or_else(|| kind_mismatch(&values))
    }

    /// Writes `global` (last writer wins): each field that differs, with an
    /// audit entry each. Every value is checked against its field first.
    pub fn set_global(&mut self, global: &GlobalSettings) -> Result<GlobalSettings, Error> {
        self.set_all(&GlobalSettings::GROUP, &global.values())?;
        self.global()
    }

    /// Writes `risk` (last writer wins), as [`Settings::set_global`] does.
    pub fn set_risk(&mut self, risk: &RiskSettings) -> Result<RiskSettings, Error> {
        self.set_all(&RiskSettings::GROUP, &risk.values())?;
        self.risk()
    }

    fn set_all(&mut self, group: &'static FieldGroup, values: &[Value]) -> Result<(), Error> {
        for (field, value) in group.fields.iter().zip(values) {
            if !field.allows(*value) {
                return Err(Error::InvalidValue(crate::fields::InvalidValue(format!(
                    "{} must be {}",
                    field.name,
                    field.allowed()
                ))));
            }
        }
        let changes: Vec<(usize, Value)> = values.iter().copied().enumerate().collect();
        self.change_fields(group, FieldAction::Set, &changes, None)
            .map(drop)
    }

    /// Sets (or resets) the fields of `changes`, checked already (see
    /// `FieldGroup::parse_pairs`), in one transaction; fields that already
    /// hold the value are left alone and recorded nowhere. With
    /// `expected_revision`, nothing is written if the group changed since.
    pub fn change_fields(
        &mut self,
        group: &'static FieldGroup,
        action: FieldAction,
        changes: &[(usize, Value)],
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<GroupValues>, Error> {
        let (row, written) =
            self.store
                .write_fields(group, action.audit(), self.actor.as_str(), |row| {
                    let revision = row.map_or(0, |row| row.revision);
                    if expected_revision.is_some_and(|expected| expected != revision) {
                        return Err(Stop::Stale);
                    }
                    // A row written around llm-settings that breaks a field's
                    // rules takes only a repair of that field: any other write
                    // would leave the group unreadable.
                    if let Err(error) = values_of_row(group, row) {
                        let Error::BadRow { field, .. } = &error else {
                            return Err(Stop::Broken(error));
                        };
                        if !changes
                            .iter()
                            .any(|(index, _)| group.fields[*index].name == *field)
                        {
                            return Err(Stop::Broken(error));
                        }
                    }
                    Ok(changes
                        .iter()
                        .filter_map(|&(index, value)| {
                            let field = &group.fields[index];
                            // What the field holds now: its text in the row (a
                            // value of another kind is recorded as it is), or
                            // its default when there is no row.
                            let (held, old) = match row {
                                None => (Some(field.default), Some(field.default.to_string())),
                                Some(row) => {
                                    let text =
                                        row.texts.get(index).and_then(|text| text.as_deref());
                                    let held = text
                                        .and_then(|text| value_of_text(field.kind, text))
                                        .filter(|value| field.allows(*value));
                                    let old =
                                        text.map(|text| match value_of_text(field.kind, text) {
                                            Some(value) => value.to_string(),
                                            None => printable(text),
                                        });
                                    (held, old)
                                }
                            };
                            (held != Some(value)).then_some(FieldWrite { index, value, old })
                        })
                        .collect())
                })?;
        match written {
            Ok(()) => Ok(SaveOutcome::Saved(values_of_row(group, row.as_ref())?)),
            Err(Stop::Stale) => Ok(SaveOutcome::Conflict(values_of_row(group, row.as_ref())?)),
            Err(Stop::Broken(error)) => Err(error),
        }
    }
}

/// Why a change wrote nothing.
enum Stop {
    /// The group changed since the revision the caller saw.
    Stale,
    /// The group's row breaks a rule in a field the change does not repair.
    Broken(Error),
}

/// The typed struct did not take values of the right kinds (cannot happen:
/// both come from one description).
fn kind_mismatch(values: &GroupValues) -> Error {
    Error::BadRow {
        group: values.group.group,
        field: "?",
        found: "a value of another kind".to_owned(),
        allowed: "the kinds its description gives".to_owned(),
    }
}

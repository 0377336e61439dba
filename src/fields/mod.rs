//! Settings described once per field: name, label, kind and range, default, help, the switch it depends on.
//!
//! The global settings and the risk rules are groups of such fields. The
//! command line's `NAME=VALUE`, the console's form, the JSON, the checks
//! and the audit's wording all come from these descriptions; a group's
//! typed struct comes from the same list (see `define_group!`).

pub(crate) mod define;
mod group;

use std::fmt;

pub use group::{Checks, FieldGroup, GroupValues};

/// What a field holds, and what it allows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// `true` or `false` (also `on`, `off`).
    Switch,
    /// Digits only, from `min` to `max`.
    Whole { min: i64, max: i64 },
    /// A plain decimal, from `min` (or more than `min`, when
    /// `min_excluded`) to `max`.
    Number {
        min: f64,
        min_excluded: bool,
        max: f64,
    },
}

/// A field's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Switch(bool),
    Whole(i64),
    Number(f64),
}

/// A value as `show` prints it and the audit trail records it: `true`,
/// `60`, `0.7` (the shortest decimal that reads back as the same number).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Switch(on) => write!(f, "{on}"),
            Value::Whole(number) => write!(f, "{number}"),
            Value::Number(number) => write!(f, "{number}"),
        }
    }
}

impl Value {
    /// The value as JSON: switches as booleans, numbers as numbers, in
    /// the same shortest form `show` prints (`10`, `0.7`). A value is
    /// always finite: it passed its field's checks.
    pub fn to_json(self) -> String {
        self.to_string()
    }

    /// Whether the switch is on; a number counts as on.
    pub fn is_on(self) -> bool {
        !matches!(self, Value::Switch(false))
    }
}

/// One field, described once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Field {
    /// The name on the command line, in JSON and as the table's column.
    pub name: &'static str,
    /// The name shown to people.
    pub label: &'static str,
    pub kind: Kind,
    pub default: Value,
    /// One line of help: what it does.
    pub help: &'static str,
    /// The switch (of the same group) this field counts only under.
    pub depends_on: Option<&'static str>,
}

/// The most significant digits a number may have: as many as a 64-bit
/// float holds exactly, so that what is read prints back as typed.
pub const MAX_SIGNIFICANT_DIGITS: usize = 15;

/// Why a value was refused: the field and what it allows, in one line:
/// `maintenance_interval_minutes must be a whole number from 1 to 10080`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

impl Field {
    /// What the field allows, as the end of a sentence: "a whole number
    /// from 1 to 10080", "true or false (or on, off)".
    pub fn allowed(&self) -> String {
        match self.kind {
            Kind::Switch => "true or false (or on, off)".to_owned(),
            Kind::Whole { min, max } => format!("a whole number from {min} to {max}"),
            Kind::Number {
                min,
                min_excluded: false,
                max,
            } => format!("a number from {min} to {max}"),
            Kind::Number {
                min,
                min_excluded: true,
                max,
            } => format!("a number more than {min} and at most {max}"),
        }
    }

    /// The kind, as the README's table names it.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Switch => "switch",
            Kind::Whole { .. } => "whole number",
            Kind::Number { .. } => "number",
        }
    }

    /// The range alone: "1 to 10080", "more than 0, at most 100"; empty for
    /// a switch.
    pub fn range(&self) -> String {
        match self.kind {
            Kind::Switch => String::new(),
            Kind::Whole { min, max } => format!("{min} to {max}"),
            Kind::Number {
                min,
                min_excluded: false,
                max,
            } => format!("{min} to {max}"),
            Kind::Number {
                min,
                min_excluded: true,
                max,
            } => format!("more than {min}, at most {max}"),
        }
    }

    fn refuse(&self, extra: &str) -> InvalidValue {
        InvalidValue(format!("{} must be {}{extra}", self.name, self.allowed()))
    }

    /// Parses `text` as this field's value, exactly: a switch takes
    /// `true`/`false`/`on`/`off`; a whole number digits only; a number an
    /// optional `-`, digits, and optionally `.` and digits. Anything else,
    /// or a value out of range, is refused with the field and its rule.
    pub fn parse(&self, text: &str) -> Result<Value, InvalidValue> {
        match self.kind {
            Kind::Switch => match text {
                "true" | "on" => Ok(Value::Switch(true)),
                "false" | "off" => Ok(Value::Switch(false)),
                _ => Err(self.refuse("")),
            },
            Kind::Whole { min, max } => {
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(self.refuse(""));
                }
                // Leading zeros (`007`) are allowed; more digits than any
                // value in range can have are out of range.
                let digits = text.trim_start_matches('0');
                let number: i64 = if digits.is_empty() {
                    0
                } else if digits.len() > 18 {
                    return Err(self.refuse(""));
                } else {
                    digits.parse().map_err(|_| self.refuse(""))?
                };
                if number < min || number > max {
                    return Err(self.refuse(""));
                }
                Ok(Value::Whole(number))
            }
            Kind::Number {
                min,
                min_excluded,
                max,
            } => {
                if !is_plain_decimal(text) {
                    return Err(self.refuse(""));
                }
                if significant_digits(text) > MAX_SIGNIFICANT_DIGITS {
                    return Err(self.refuse(&format!(
                        ", with at most {MAX_SIGNIFICANT_DIGITS} significant digits"
                    )));
                }
                let number: f64 = text.parse().map_err(|_| self.refuse(""))?;
                // `-0` reads as 0.
                let number = if number == 0.0 { 0.0 } else { number };
                let above_min = if min_excluded {
                    number > min
                } else {
                    number >= min
                };
                if !number.is_finite() || !above_min || number > max {
                    return Err(self.refuse(""));
                }
                Ok(Value::Number(number))
            }
        }
    }

    /// Whether `value` is one this field allows (a value read from the
    /// database is checked again: a row may have been written around
    /// llm-settings).
    pub fn allows(&self, value: Value) -> bool {
        match (self.kind, value) {
            (Kind::Switch, Value::Switch(_)) => true,
            (Kind::Whole { min, max }, Value::Whole(number)) => (min..=max).contains(&number),
            (
                Kind::Number {
                    min,
                    min_excluded,
                    max,
                },
                Value::Number(number),
            ) => {
                number.is_finite()
                    && number <= max
                    && if min_excluded {
                        number > min
                    } else {
                        number >= min
                    }
            }
            _ => false,
        }
    }
}

/// An optional `-`, digits, optionally `.` and digits; nothing else.
fn is_plain_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// The significant digits of a plain decimal: without the sign, the
/// leading zeros and the trailing zeros of its fraction.
fn significant_digits(text: &str) -> usize {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let fraction = fraction.trim_end_matches('0');
    let all = format!("{whole}{fraction}");
    let trimmed = all.trim_start_matches('0');
    trimmed.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global::GlobalSettings;
    use crate::risk::RiskSettings;

    fn field(group: &'static FieldGroup, name: &str) -> &'static Field {
        group.field(name).unwrap()
    }

    #[test]
    fn numbers_are_read_exactly_and_printed_shortest() {
        let threshold = field(&GlobalSettings::GROUP, "llm_confidence_threshold");
        for (text, printed) in [
            ("0.65", "0.65"),
            ("0.7", "0.7"),
            ("1", "1"),
            ("0", "0"),
            ("-0", "0"),
            ("0.50", "0.5"),
            ("00.1", "0.1"),
        ] {
            assert_eq!(
                threshold.parse(text).unwrap().to_string(),
                printed,
                "{text}"
            );
        }
        let drawdown = field(&RiskSettings::GROUP, "max_drawdown_pct");
        assert_eq!(drawdown.parse("10").unwrap(), Value::Number(10.0));
        assert_eq!(drawdown.parse("007").unwrap(), Value::Number(7.0));
        assert_eq!(drawdown.parse("100").unwrap(), Value::Number(100.0));
    }

    #[test]
    fn every_bad_input_of_the_contract_is_refused_with_the_field_and_its_rule() {
        let drawdown = field(&RiskSettings::GROUP, "max_drawdown_pct");
        for bad in [
            "NaN", "inf", "10%", "1e-1", "1e999", "+5", ".5", "", "5.", "0", "-1", "100.01", " 5",
            "5 ", "0x10", "١",
        ] {
            assert_eq!(
                drawdown.parse(bad).unwrap_err().0,
                "max_drawdown_pct must be a number more than 0 and at most 100",
                "{bad:?}"
            );
        }
        let interval = field(&GlobalSettings::GROUP, "maintenance_interval_minutes");
        for bad in [
            "0",
            "10081",
            "-5",
            "5.0",
            "1e3",
            "+5",
            "",
            "99999999999999999999999",
        ] {
            assert_eq!(
                interval.parse(bad).unwrap_err().0,
                "maintenance_interval_minutes must be a whole number from 1 to 10080",
                "{bad:?}"
            );
        }
        assert_eq!(interval.parse("007").unwrap(), Value::Whole(7));
        let switch = field(&GlobalSettings::GROUP, "news_enabled");
        for (text, on) in [
            ("true", true),
            ("on", true),
            ("false", false),
            ("off", false),
        ] {
            assert_eq!(switch.parse(text).unwrap(), Value::Switch(on));
        }
        for bad in ["True", "yes", "1", "", "onn"] {
            assert_eq!(
                switch.parse(bad).unwrap_err().0,
                "news_enabled must be true or false (or on, off)"
            );
        }
        let threshold = field(&GlobalSettings::GROUP, "llm_confidence_threshold");
        assert_eq!(
            threshold.parse("0.1234567890123456").unwrap_err().0,
            "llm_confidence_threshold must be a number from 0 to 1, with at most 15 significant digits"
        );
        assert!(threshold.parse("0.123456789012345").is_ok());
    }

    #[test]
    fn pairs_are_all_checked_and_names_exact() {
        let group = &RiskSettings::GROUP;
        let pairs = |list: &[&str]| {
            group.parse_pairs(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(
            pairs(&["max_open_positions=7", "drawdown_check_enabled=on"]).unwrap(),
            [(3, Value::Whole(7)), (0, Value::Switch(true))]
        );
        assert_eq!(
            pairs(&["xyz=1"]).unwrap_err().0,
            "Unknown setting: risk.xyz"
        );
        assert_eq!(
            pairs(&["Max_open_positions=7"]).unwrap_err().0,
            "Unknown setting: risk.Max_open_positions"
        );
        assert_eq!(
            pairs(&["max_open_positions=7", "max_open_positions=0"])
                .unwrap_err()
                .0,
            "max_open_positions must be a whole number from 1 to 1000"
        );
        assert_eq!(
            pairs(&["max_open_positions=7", "max_open_positions=8"])
                .unwrap_err()
                .0,
            "max_open_positions is given more than once"
        );
        assert_eq!(
            pairs(&["hedging"]).unwrap_err().0,
            "Invalid setting: hedging (use NAME=VALUE)"
        );
    }

    #[test]
    fn the_typed_structs_and_the_descriptions_agree() {
        assert_eq!(
            GlobalSettings::default().values(),
            GlobalSettings::GROUP.defaults()
        );
        assert_eq!(
            RiskSettings::default().values(),
            RiskSettings::GROUP.defaults()
        );
        let risk = RiskSettings::from_values(&RiskSettings::GROUP.defaults()).unwrap();
        assert!(!risk.drawdown_check_enabled && risk.hedging_allowed);
        assert_eq!(risk.max_drawdown_pct, 10.0);
        for group in [&GlobalSettings::GROUP, &RiskSettings::GROUP] {
            for field in group.fields {
                assert!(field.allows(field.default), "{}", field.name);
                if let Some(switch) = field.depends_on {
                    assert_eq!(group.field(switch).unwrap().kind, Kind::Switch);
                }
            }
        }
        // Every risk check is off by default: what the system this comes
        // from shipped with, and what the Risk tab makes visible.
        let values = GroupValues {
            group: &RiskSettings::GROUP,
            values: RiskSettings::GROUP.defaults(),
            revision: 0,
            changed_at: None,
            changed_by: None,
        };
        let off: Vec<&str> = values.checks_off().iter().map(|field| field.name).collect();
        assert_eq!(
            off,
            [
                "drawdown_check_enabled",
                "position_limit_enabled",
                "rate_limit_enabled"
            ]
        );
        assert_eq!(
            RiskSettings::GROUP.to_json(&values.values),
            r#"{"drawdown_check_enabled":false,"max_drawdown_pct":10,"position_limit_enabled":false,"max_open_positions":5,"rate_limit_enabled":false,"rate_limit_max_trades":3,"rate_limit_window_hours":4,"hedging_allowed":true}"#
        );
    }
}

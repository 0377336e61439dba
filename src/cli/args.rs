//! The registries as clap arguments: providers, tasks and groups take their values, their help and their completions from `ALL`, and a value that is none of them gets the library's own message (`Invalid provider: xyz`, exit 2).

use clap::ValueEnum;
use clap::builder::PossibleValue;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::CliError;
use crate::error::Error;
use crate::group::{Group, InvalidGroup};
use crate::provider::{InvalidProvider, Provider};
use crate::sanitize::printable;
use crate::task::{InvalidTask, Task};

impl ValueEnum for Provider {
    fn value_variants<'a>() -> &'a [Self] {
        &Provider::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.id()).help(self.display_name()))
    }
}

impl ValueEnum for Task {
    fn value_variants<'a>() -> &'a [Self] {
        &Task::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.id()).help(self.display_name()))
    }
}

impl ValueEnum for Group {
    fn value_variants<'a>() -> &'a [Self] {
        &Group::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.id()))
    }
}

/// A whole number from `min`, or the sentence that refuses `text`.
fn whole_from<T: TryFrom<u64>>(text: &str, min: u64, refusal: &str) -> Result<T, String> {
    text.parse::<u64>()
        .ok()
        .filter(|number| *number >= min)
        .and_then(|number| T::try_from(number).ok())
        .ok_or_else(|| refusal.to_owned())
}

/// `--max-key-age DAYS`.
pub fn key_age_days(text: &str) -> Result<u32, String> {
    whole_from(
        text,
        1,
        "--max-key-age must be a whole number of days from 1",
    )
}

/// `--limit N`.
pub fn limit(text: &str) -> Result<u32, String> {
    whole_from(text, 1, "--limit must be a whole number from 1")
}

/// `--expect-revision REVISION`.
pub fn revision(text: &str) -> Result<i64, String> {
    whole_from(text, 0, "--expect-revision must be a whole number from 0")
}

/// `--timeout SECONDS` (and `$LLM_SETTINGS_TIMEOUT`).
pub fn timeout_seconds(text: &str) -> Result<u64, String> {
    whole_from(
        text,
        0,
        "--timeout must be a whole number of seconds from 0 (0 waits forever)",
    )
}

/// The library's refusal of a value clap found to be no provider, task
/// or group: the same line and exit status as everywhere else; and a
/// number option's refusal, one line naming the option and what it
/// allows. `None` for every other usage error, which clap reports itself.
pub fn refusal(error: &clap::Error) -> Option<CliError> {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.as_str()),
        _ => None,
    };
    if error.kind() == ErrorKind::ValueValidation {
        let value = printable(text(ContextKind::InvalidValue)?);
        let sentence = std::error::Error::source(error)?.to_string();
        return Some(CliError::Usage(format!("{sentence}, not {value}")));
    }
    if error.kind() != ErrorKind::InvalidValue {
        return None;
    }
    let argument = text(ContextKind::InvalidArg)?;
    let value = text(ContextKind::InvalidValue)?.to_owned();
    // The argument as clap names it: `<PROVIDER>`, `--only <PROVIDER>`.
    let refused = if argument.ends_with("<PROVIDER>") {
        Error::from(InvalidProvider(value))
    } else if argument.ends_with("<TASK>") {
        Error::from(InvalidTask(value))
    } else if argument.ends_with("<GROUP>") {
        Error::from(InvalidGroup(value))
    } else {
        return None;
    };
    Some(CliError::Settings(refused))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    fn refused(args: &[&str]) -> Option<String> {
        let error = Cli::try_parse_from(args).err()?;
        refusal(&error).map(|error| error.to_string())
    }

    #[test]
    fn a_value_outside_a_registry_gets_the_librarys_line() {
        let cases: [(&[&str], &str); 5] = [
            (
                &["llm-settings", "providers", "set", "xyz"],
                "Invalid provider: xyz",
            ),
            (
                &["llm-settings", "tasks", "set", "vision", "xyz"],
                "Invalid provider: xyz",
            ),
            (
                &["llm-settings", "tasks", "clear", "xyz"],
                "Invalid task: xyz",
            ),
            (
                &["llm-settings", "exec", "--only", "xyz", "--", "true"],
                "Invalid provider: xyz",
            ),
            (
                &["llm-settings", "history", "--group", "xyz"],
                "Invalid group: xyz (one of providers, tasks, global, risk, telegram, master_key, api_tokens)",
            ),
        ];
        for (args, line) in cases {
            assert_eq!(refused(args).as_deref(), Some(line), "{args:?}");
        }
        // Other usage errors stay clap's.
        assert_eq!(refused(&["llm-settings", "tasks", "frob"]), None);
    }

    #[test]
    fn a_number_option_refuses_in_one_line_negative_numbers_too() {
        let cases: [(&[&str], &str); 5] = [
            (
                &["llm-settings", "check", "--max-key-age", "-1"],
                "--max-key-age must be a whole number of days from 1, not -1",
            ),
            (
                &["llm-settings", "check", "--max-key-age", "0"],
                "--max-key-age must be a whole number of days from 1, not 0",
            ),
            (
                &["llm-settings", "history", "--limit", "x"],
                "--limit must be a whole number from 1, not x",
            ),
            (
                &[
                    "llm-settings",
                    "risk",
                    "set",
                    "--expect-revision",
                    "-3",
                    "a=1",
                ],
                "--expect-revision must be a whole number from 0, not -3",
            ),
            (
                &["llm-settings", "--timeout", "-5", "check"],
                "--timeout must be a whole number of seconds from 0 (0 waits forever), not -5",
            ),
        ];
        for (args, line) in cases {
            assert_eq!(refused(args).as_deref(), Some(line), "{args:?}");
        }
    }
}

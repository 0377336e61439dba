//! `global ...` and `risk ...`: the groups of described fields, shown, set and reset for scripts.

use clap::Subcommand;

use super::args;
use super::output::Table;
use super::{CliError, Session};
use crate::fields::{FieldGroup, GroupValues, Value};
use crate::settings::FieldAction;

#[derive(Debug, Subcommand)]
pub enum FieldsCommand {
    /// Show every value, its default, and what is off
    Show {
        /// Print one flat JSON object of the values
        #[arg(long)]
        json: bool,
    },
    /// Set values: every pair is checked, then all are written in one transaction
    Set {
        /// NAME=VALUE, as many as needed
        #[arg(required = true, value_name = "NAME=VALUE")]
        pairs: Vec<String>,
        /// Refuse to write if the group changed since this revision
        #[arg(long, value_name = "REVISION", allow_hyphen_values = true, value_parser = args::revision)]
        expect_revision: Option<i64>,
    },
    /// Put values back to their defaults
    Reset {
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
        /// Refuse to write if the group changed since this revision
        #[arg(long, value_name = "REVISION", allow_hyphen_values = true, value_parser = args::revision)]
        expect_revision: Option<i64>,
    },
    /// Print the group's revision (for --expect-revision)
    Revision,
}

/// Runs one command on `group`.
pub fn run(
    session: &mut Session,
    group: &'static FieldGroup,
    command: FieldsCommand,
) -> Result<(), CliError> {
    match command {
        FieldsCommand::Show { json } => {
            let values = session.settings()?.field_values(group)?;
            if json {
                println!("{}", group.to_json(&values.values));
            } else {
                print_show(&values);
            }
        }
        FieldsCommand::Revision => {
            println!("{}", session.settings()?.field_values(group)?.revision);
        }
        FieldsCommand::Set {
            pairs,
            expect_revision,
        } => {
            // Every pair is checked before the database is opened.
            let changes = group
                .parse_pairs(&pairs)
                .map_err(crate::error::Error::from)?;
            write(session, group, FieldAction::Set, &changes, expect_revision)?;
        }
        FieldsCommand::Reset {
            names,
            expect_revision,
        } => {
            let mut changes: Vec<(usize, Value)> = Vec::with_capacity(names.len());
            for name in &names {
                let index = group
                    .position(name)
                    .ok_or_else(|| crate::error::Error::from(group.unknown(name)))?;
                if !changes.iter().any(|(seen, _)| *seen == index) {
                    changes.push((index, group.fields[index].default));
                }
            }
            write(
                session,
                group,
                FieldAction::Reset,
                &changes,
                expect_revision,
            )?;
        }
    }
    Ok(())
}

fn write(
    session: &mut Session,
    group: &'static FieldGroup,
    action: FieldAction,
    changes: &[(usize, Value)],
    expect_revision: Option<i64>,
) -> Result<(), CliError> {
    let settings = session.settings()?;
    let values = settings
        .change_fields(group, action, changes, expect_revision)?
        .saved(expect_revision.unwrap_or_default())?;
    println!("{}", group.to_json(&values.values));
    Ok(())
}

/// `show` for people: who changed the group and when, then a line a value
/// with its default; a value that is not its default is marked `*`, and
/// one that does not count (its switch is off) says so.
fn print_show(values: &GroupValues) {
    let group = values.group;
    match (&values.changed_at, &values.changed_by) {
        (Some(at), Some(by)) => println!(
            "{} ({}), revision {}, changed {} by {by}",
            group.title,
            group.table,
            values.revision,
            at.format("%Y-%m-%d %H:%M UTC")
        ),
        _ => println!(
            "{} ({}), revision {}, never changed: the defaults",
            group.title, group.table, values.revision
        ),
    }
    let mut table = Table::new(&["NAME", "VALUE", "DEFAULT", "ALLOWED", "NOTE"]);
    for (index, (field, value)) in group.fields.iter().zip(&values.values).enumerate() {
        let changed = *value != field.default;
        let note = match field.depends_on {
            Some(switch) if !group.counts(index, &values.values) => {
                format!("off: {switch} is off")
            }
            _ => String::new(),
        };
        table.row(vec![
            field.name.to_owned(),
            format!("{value}{}", if changed { " *" } else { "" }),
            field.default.to_string(),
            field.allowed(),
            note,
        ]);
    }
    table.print();
    println!("* not the default");
}

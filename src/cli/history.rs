//! `history`: the changes of every group, newest first, for people or as JSON.

use super::output::{print_json, print_line};
use super::{CliError, Session};
use crate::group::Group;
use crate::history::HistoryFilter;
use crate::settings::Trail;

/// Prints the newest `limit` changes (of `group` alone, when given).
pub fn run(
    session: &mut Session,
    json: bool,
    group: Option<Group>,
    limit: u32,
) -> Result<(), CliError> {
    let filter = HistoryFilter {
        group,
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
        ..HistoryFilter::default()
    };
    // The trail alone: no master key is needed, or looked for.
    let entries = Trail::open(&session.options)?.history(&filter)?;
    if json {
        print_json(&entries);
    } else if entries.is_empty() {
        match group {
            Some(group) => println!("No change of {group} is recorded."),
            None => println!("No change is recorded."),
        }
    } else {
        for entry in &entries {
            print_line(&entry.line());
        }
    }
    Ok(())
}

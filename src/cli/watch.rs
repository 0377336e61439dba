//! `watch`: each change committed after it started, by anyone, printed as it lands, until interrupted; it waits out the database going away.

use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use super::CliError;
use crate::history::HistoryEntry;
use crate::sanitize::one_line;
use crate::settings::{OpenOptions, Trail};

/// How often the trail's newest entries are asked for: a change is printed
/// at most this long after its commit (plus the query), well within the
/// 2 s the contract allows, for the cost of one indexed query.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Prints every change after the newest one at the start, one line (or one
/// JSON object) each, in the order they were committed. Returns when stdout
/// is closed; an interrupt ends the process.
pub fn run(options: &OpenOptions, json: bool) -> Result<(), CliError> {
    // A database that cannot be opened at the start is a mistake to show
    // at once (exit 1), not an outage to wait out.
    // The trail alone: a host that only follows changes holds no master key.
    let mut first = Trail::open(options)?;
    let mut seen = first.change_marker()?;
    let mut settings = Some(first);
    // On stderr, so that stdout holds only changes: a script can start
    // acting once it sees this.
    eprintln!("watch: printing each change from now on, until interrupted");
    let mut down = false;
    loop {
        thread::sleep(POLL_INTERVAL);
        let read = match settings.take() {
            Some(settings) => Ok(settings),
            None => Trail::open(options),
        }
        .and_then(|mut open| {
            let changes = open.changes_since(seen)?;
            Ok((open, changes))
        });
        match read {
            Ok((open, changes)) => {
                settings = Some(open);
                if std::mem::take(&mut down) {
                    eprintln!("watch: the database is back; changes follow");
                }
                for row in changes {
                    seen = seen.max(row.id);
                    let entry = HistoryEntry::from(row);
                    if !print(&entry, json) {
                        return Ok(());
                    }
                }
            }
            Err(error) => {
                if !std::mem::replace(&mut down, true) {
                    eprintln!(
                        "watch: the database cannot be reached ({}); trying again, changes made meanwhile will follow",
                        one_line(&error.to_string())
                    );
                }
            }
        }
    }
}

/// Writes one entry; false when nobody reads stdout any more.
fn print(entry: &HistoryEntry, json: bool) -> bool {
    let line = if json {
        serde_json::to_string(entry).unwrap_or_default()
    } else {
        entry.line()
    };
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .is_ok()
}

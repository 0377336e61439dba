//! `watch`: each change committed after it started, by anyone, printed as it lands, until interrupted; it waits out the database going away.

use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use super::CliError;
use super::deadline::Deadline;
use crate::error::Error;
use crate::history::HistoryEntry;
use crate::sanitize::one_line;
use crate::settings::{OpenOptions, Trail};
use crate::store::AuditRow;

/// How often the trail's newest entries are asked for: a change is printed
/// at most this long after its commit (plus the query), well within the
/// 2 s the contract allows, for the cost of one indexed query.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// How long a poll may go unanswered before `watch` says so once and
/// abandons it for a new connection.
pub const SILENCE: Duration = Duration::from_secs(15);

/// Prints every change after the newest one at the start, one line (or one
/// JSON object) each, in the order they were committed. Returns when stdout
/// is closed; an interrupt ends the process.
pub fn run(options: &OpenOptions, json: bool, deadline: &mut Deadline) -> Result<(), CliError> {
    // A database that cannot be opened at the start is a mistake to show
    // at once (exit 1), not an outage to wait out.
    // The trail alone: a host that only follows changes holds no master key.
    let mut first = Trail::open(options)?;
    let mut seen = first.change_marker()?;
    // From here on waiting is the point: outages are waited out, and said.
    deadline.disarm();
    let mut trail = Some(first);
    // On stderr, so that stdout holds only changes: a script can start
    // acting once it sees this.
    eprintln!("watch: printing each change from now on, until interrupted");
    let mut down = false;
    loop {
        thread::sleep(POLL_INTERVAL);
        // Each poll runs on a thread of its own, so that one the database
        // never answers is abandoned, not waited for.
        let polled = poll(trail.take(), options.clone(), seen);
        match polled.recv_timeout(SILENCE) {
            Ok(Ok((open, changes))) => {
                trail = Some(open);
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
            Ok(Err(error)) => {
                if !std::mem::replace(&mut down, true) {
                    eprintln!(
                        "watch: the database cannot be reached ({}); trying again, changes made meanwhile will follow",
                        one_line(&error.to_string())
                    );
                }
            }
            // The poll (and its connection) is abandoned; the next one
            // connects anew.
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                if !std::mem::replace(&mut down, true) {
                    eprintln!(
                        "watch: the database has not answered for {} s; trying again, changes made meanwhile will follow",
                        SILENCE.as_secs()
                    );
                }
            }
        }
    }
}

/// What one poll found: the trail (to poll again on) and the changes
/// after `seen`, or why not.
type Polled = Result<(Trail, Vec<AuditRow>), Error>;

/// Starts one poll on a thread of its own: on `trail`, or on a new
/// connection when there is none. Its answer comes on the receiver.
fn poll(trail: Option<Trail>, options: OpenOptions, seen: i64) -> Receiver<Polled> {
    let (answer, polled) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name("llm-settings-watch".into())
        .spawn(move || {
            let result = match trail {
                Some(trail) => Ok(trail),
                None => Trail::open(&options),
            }
            .and_then(|mut trail| {
                let changes = trail.changes_since(seen)?;
                Ok((trail, changes))
            });
            let _ = answer.send(result);
        });
    // Without a thread the receiver reports the poll as lost.
    drop(spawned);
    polled
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

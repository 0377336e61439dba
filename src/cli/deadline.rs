//! The command line's deadline: a command that uses the database ends within `--timeout` seconds, whatever the database does, with one line that says what became of its change.
//!
//! libpq has no read time-out, and a server that is paused still has its
//! kernel acknowledge every packet: a query can wait for ever. A watchdog
//! thread ends the process instead (no signal, no `unsafe`); what the line
//! says comes from the phase the write path records (see
//! `store::write_phase`).

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use crate::sanitize::one_line;
use crate::store::{WritePhase, committed_any, write_phase};

/// The default deadline, in seconds.
pub const DEFAULT_SECONDS: u64 = 30;

/// The environment variable `--timeout` falls back to.
pub const TIMEOUT_VAR: &str = "LLM_SETTINGS_TIMEOUT";

/// A running watchdog; dropping or disarming it stops it.
pub struct Deadline {
    disarm: Option<Sender<()>>,
}

impl Deadline {
    /// A deadline that never fires (`--timeout 0`, or a command that does
    /// not use the database).
    pub fn none() -> Self {
        Deadline { disarm: None }
    }

    /// Starts the watchdog: unless disarmed within `seconds`, it prints
    /// the line about `database` (shown without a password) and ends the
    /// process with exit status 1. `0` waits for ever.
    pub fn arm(seconds: u64, database: String) -> Self {
        if seconds == 0 {
            return Deadline::none();
        }
        let (disarm, disarmed) = mpsc::channel::<()>();
        let spawned = thread::Builder::new()
            .name("llm-settings-deadline".into())
            .spawn(move || {
                if let Err(RecvTimeoutError::Timeout) =
                    disarmed.recv_timeout(Duration::from_secs(seconds))
                {
                    let line = line(seconds, &database, write_phase(), committed_any());
                    eprintln!("error: {}", one_line(&line));
                    std::process::exit(1);
                }
            });
        match spawned {
            Ok(_) => Deadline {
                disarm: Some(disarm),
            },
            // Without a thread there is no deadline; the command runs as before.
            Err(_) => Deadline::none(),
        }
    }

    /// From here on the command may wait as long as it must (the console,
    /// `watch`, the command `exec` hands over to).
    pub fn disarm(&mut self) {
        if let Some(disarm) = self.disarm.take() {
            let _ = disarm.send(());
        }
    }
}

/// The one line a command that ran out of time prints: that the database
/// did not answer, which database, and what became of the change.
pub fn line(seconds: u64, database: &str, phase: WritePhase, committed_before: bool) -> String {
    let silent = format!("the database did not answer within {seconds} s ({database})");
    match phase {
        WritePhase::None | WritePhase::Writing if committed_before => format!(
            "{silent}; an earlier change of this command was saved, the last one was not: see llm-settings history"
        ),
        WritePhase::None | WritePhase::Writing => format!("{silent}; nothing was changed"),
        WritePhase::CommitSent => {
            format!("{silent}; the change may or may not have been saved: see llm-settings history")
        }
        WritePhase::Committed => format!("{silent}; the change was saved"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_what_is_known_in_each_phase() {
        let db = "PostgreSQL postgres://alice:***@db.example/settings";
        let line = |phase, before| line(30, db, phase, before);
        assert_eq!(
            line(WritePhase::None, false),
            "the database did not answer within 30 s (PostgreSQL postgres://alice:***@db.example/settings); nothing was changed"
        );
        assert!(line(WritePhase::Writing, false).ends_with("; nothing was changed"));
        assert!(
            line(WritePhase::CommitSent, false)
                .ends_with("; the change may or may not have been saved: see llm-settings history")
        );
        assert!(line(WritePhase::Committed, false).ends_with("; the change was saved"));
        assert!(line(WritePhase::Writing, true).contains("an earlier change"));
    }
}

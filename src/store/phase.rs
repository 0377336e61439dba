//! How far this process's write has gone: recorded by the write path, read by whatever must say what became of a change when the database stopped answering (the command line's deadline, the console's quit).

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// Where this process's latest write transaction stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WritePhase {
    /// No write has begun, or the last one ended without a commit.
    None,
    /// A write transaction is under way; its commit has not been sent, so
    /// if it ends now the database rolls it back: nothing changes.
    Writing,
    /// The commit was sent and its answer has not come: the change may or
    /// may not be saved.
    CommitSent,
    /// The last write was committed.
    Committed,
}

static PHASE: AtomicU8 = AtomicU8::new(0);
static COMMITTED_ANY: AtomicBool = AtomicBool::new(false);

/// The phase of this process's latest write.
pub fn write_phase() -> WritePhase {
    match PHASE.load(Ordering::SeqCst) {
        1 => WritePhase::Writing,
        2 => WritePhase::CommitSent,
        3 => WritePhase::Committed,
        _ => WritePhase::None,
    }
}

/// Whether any write of this process has been committed.
pub fn committed_any() -> bool {
    COMMITTED_ANY.load(Ordering::SeqCst)
}

/// The write path reached `phase`.
pub(crate) fn enter(phase: WritePhase) {
    let value = match phase {
        WritePhase::None => 0,
        WritePhase::Writing => 1,
        WritePhase::CommitSent => 2,
        WritePhase::Committed => {
            COMMITTED_ANY.store(true, Ordering::SeqCst);
            3
        }
    };
    PHASE.store(value, Ordering::SeqCst);
}

/// A write transaction ended: committed, or failed. A failure before the
/// commit was sent rolled everything back; one after it (the connection
/// lost while the commit was on its way) leaves the outcome unknown.
pub(crate) fn ended(committed: bool) {
    if committed {
        enter(WritePhase::Committed);
    } else if write_phase() != WritePhase::CommitSent {
        enter(WritePhase::None);
    }
}

//! How far this process's write has gone: recorded by the write path, read by whatever must say what became of a change when the database stopped answering (the command line's deadline, the console's quit).

use std::cell::RefCell;
use std::sync::Arc;
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

thread_local! {
    /// Where this thread's write phase is also told, for a caller that
    /// must know it about one request among several (the server).
    static WATCHER: RefCell<Option<Arc<PhaseWatch>>> = const { RefCell::new(None) };
}

/// One piece of work's write phase, seen from another thread: the server
/// gives each request's work one, and reads it when the work runs out of
/// time, to answer 503 (nothing changed) or 504 (unknown).
#[derive(Debug, Default)]
pub struct PhaseWatch(AtomicU8);

impl PhaseWatch {
    /// The phase the watched work reached.
    pub fn phase(&self) -> WritePhase {
        decode(self.0.load(Ordering::SeqCst))
    }

    /// Runs `work` on this thread with its write phases told to `watch`.
    pub fn watching<T>(watch: Arc<PhaseWatch>, work: impl FnOnce() -> T) -> T {
        WATCHER.with(|cell| *cell.borrow_mut() = Some(watch));
        let result = work();
        WATCHER.with(|cell| *cell.borrow_mut() = None);
        result
    }
}

fn decode(value: u8) -> WritePhase {
    match value {
        1 => WritePhase::Writing,
        2 => WritePhase::CommitSent,
        3 => WritePhase::Committed,
        _ => WritePhase::None,
    }
}

/// The phase of this process's latest write.
pub fn write_phase() -> WritePhase {
    decode(PHASE.load(Ordering::SeqCst))
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
    WATCHER.with(|cell| {
        if let Some(watch) = cell.borrow().as_ref() {
            watch.0.store(value, Ordering::SeqCst);
        }
    });
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

//! How long the worker has been waiting on the database: kept by the worker, read by the console's loop, so that a database that stopped answering is said on the status line while keys keep working.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// When the worker's current wait on the database began; shared between
/// the worker, which sets and clears it, and the console's loop.
#[derive(Clone, Debug)]
pub struct WaitClock {
    origin: Instant,
    /// Milliseconds after `origin` (plus one) at which the wait began; 0
    /// while the worker waits on nothing.
    since: Arc<AtomicU64>,
}

impl Default for WaitClock {
    fn default() -> Self {
        WaitClock {
            origin: Instant::now(),
            since: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl WaitClock {
    /// The worker starts waiting on the database.
    pub fn start(&self) {
        let now = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX - 1);
        self.since.store(now + 1, Ordering::SeqCst);
    }

    /// The database answered (or the work ended).
    pub fn stop(&self) {
        self.since.store(0, Ordering::SeqCst);
    }

    /// How long the current wait has lasted; `None` when there is none.
    pub fn waited(&self) -> Option<Duration> {
        match self.since.load(Ordering::SeqCst) {
            0 => None,
            since => {
                let began = self.origin + Duration::from_millis(since - 1);
                Some(Instant::now().saturating_duration_since(began))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_measured_from_its_start_until_it_stops() {
        let clock = WaitClock::default();
        assert_eq!(clock.waited(), None);
        clock.start();
        std::thread::sleep(Duration::from_millis(20));
        assert!(
            clock
                .waited()
                .is_some_and(|waited| waited >= Duration::from_millis(20))
        );
        clock.stop();
        assert_eq!(clock.waited(), None);
    }
}

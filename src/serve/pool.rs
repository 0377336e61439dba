//! The database side of `serve`: a few `Settings` handles, each used by one request at a time on a blocking thread, so that the runtime never waits on the database; a request that runs out of time is answered 503 and its handle is replaced.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::answer::ApiError;
use crate::actor::Actor;
use crate::error::Error;
use crate::settings::{OpenOptions, Settings};
use crate::store::{PhaseWatch, WritePhase};

/// How many requests use the database at once: one per core of the
/// machine this runs on is plenty for settings.
pub const HANDLES: usize = 2;

/// The handles, and what opening another needs.
pub struct Pool {
    options: OpenOptions,
    free: Mutex<Vec<Settings>>,
    permits: Semaphore,
    /// The deadline of one request's database work; `None` waits forever.
    deadline: Option<Duration>,
}

impl Pool {
    /// A pool that starts with `first` (opened, its master key checked).
    pub fn new(first: Settings, options: OpenOptions, deadline: Option<Duration>) -> Self {
        Pool {
            options,
            free: Mutex::new(vec![first]),
            permits: Semaphore::new(HANDLES),
            deadline,
        }
    }

    /// Runs `work` on a handle acting for `actor`, on a blocking thread.
    pub async fn run<T: Send + 'static>(
        &self,
        actor: Actor,
        work: impl FnOnce(&mut Settings) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::Unavailable("the server is stopping".into()))?;
        let handle = self.take();
        let options = self.options.clone();
        let watch = Arc::new(PhaseWatch::default());
        let watched = Arc::clone(&watch);
        let job = tokio::task::spawn_blocking(move || {
            PhaseWatch::watching(watched, || {
                let mut settings = match handle {
                    Some(settings) => settings,
                    None => Settings::open(&options)?,
                };
                settings.act_as(actor);
                let result = work(&mut settings);
                if let Err(Error::Store(_)) = &result {
                    // The connection may be broken: the next use connects again.
                    let _ = settings.reconnect();
                }
                Ok::<_, Error>((settings, result))
            })
        });
        let joined = match self.deadline {
            Some(deadline) => tokio::time::timeout(deadline, job).await.map_err(|_| {
                let silent = format!("the database did not answer within {} s", deadline.as_secs());
                // What became of a change is known from how far its write went.
                match watch.phase() {
                    WritePhase::CommitSent => ApiError::Unknown(format!(
                        "{silent}; the change may or may not have been saved: see llm-settings history"
                    )),
                    WritePhase::Committed => ApiError::Unknown(format!(
                        "{silent}; the change was saved"
                    )),
                    WritePhase::None | WritePhase::Writing => {
                        ApiError::Unavailable(format!("{silent}; nothing was changed"))
                    }
                }
            })?,
            None => job.await,
        };
        let (settings, result) = joined
            .map_err(|_| ApiError::Failed("the request's work stopped".into()))?
            .map_err(ApiError::from)?;
        self.give_back(settings);
        result.map_err(ApiError::from)
    }

    /// Runs a change: `work`, then (after its commit, off the runtime) its
    /// announcement to the ops chat, as every front end makes it.
    pub async fn change<T: Send + 'static>(
        &self,
        actor: Actor,
        work: impl FnOnce(&mut Settings) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.run(actor, move |s| {
            let done = work(s)?;
            super::routes::announce(s);
            Ok(done)
        })
        .await
    }

    fn take(&self) -> Option<Settings> {
        self.free.lock().ok()?.pop()
    }

    fn give_back(&self, settings: Settings) {
        if let Ok(mut free) = self.free.lock() {
            free.push(settings);
        }
    }
}

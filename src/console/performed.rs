//! How the worker performed a request: done on its connection, or handed to a thread of its own.

use crate::error::Error;

/// How a request was performed; `D` is what it did, in the words of the
/// screen that asked (the console's request module wraps it).
pub enum Performed<D> {
    /// Done on the worker's connection: what it did, or why it failed.
    Done(Result<D, Error>),
    /// What it needs was read; the rest (a network request) runs on a
    /// thread of its own, so that a server that never answers holds up
    /// nothing else.
    Background(Box<dyn FnOnce() -> D + Send>),
}

impl<D: 'static> Performed<D> {
    /// The same, with what it did wrapped by `wrap`.
    pub fn map<E: 'static>(self, wrap: fn(D) -> E) -> Performed<E> {
        match self {
            Performed::Done(outcome) => Performed::Done(outcome.map(wrap)),
            Performed::Background(job) => Performed::Background(Box::new(move || wrap(job()))),
        }
    }
}

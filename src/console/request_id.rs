//! The id every request to the worker carries, and its answer names.

/// Names one request; its answer carries the same id, so an answer is
/// matched to what asked for it, never by the order answers arrive in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

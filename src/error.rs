//! Every failure a front end reports, and the exit status each one maps to.

use crate::api_key::KeyRefusal;
use crate::base_url::InvalidBaseUrl;
use crate::provider::{InvalidProvider, Provider};
use crate::sanitize::printable;
use crate::secret::{KeyId, KeyOrigin, MasterKeyError, OpenError};
use crate::store::{DatabaseUrlError, StoreError};

/// A failure of llm-settings. Messages never contain a key, a master key or a
/// database password.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    InvalidProvider(#[from] InvalidProvider),
    #[error(transparent)]
    KeyRefused(#[from] KeyRefusal),
    #[error(transparent)]
    InvalidBaseUrl(#[from] InvalidBaseUrl),
    #[error(transparent)]
    DatabaseUrl(#[from] DatabaseUrlError),
    #[error("{} has no key stored; set one first", .0.display_name())]
    NotConfigured(Provider),
    #[error(transparent)]
    MasterKey(#[from] MasterKeyError),
    #[error(
        "sealed: the stored keys were sealed with master key {}, but the master key from {origin} has id {loaded}; load the master key they were sealed with",
        stored.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    Sealed {
        stored: Vec<KeyId>,
        loaded: KeyId,
        origin: KeyOrigin,
    },
    #[error("the key of {} cannot be read: {source}; set it again", .provider.display_name())]
    Undecryptable {
        provider: Provider,
        source: OpenError,
    },
    #[error(
        "rotation stopped: the key of {} does not open under the current master key ({source}); nothing was changed",
        .provider.display_name()
    )]
    RotationStopped {
        provider: Provider,
        source: OpenError,
    },
    #[error("the new master key is the current one (id {0}); nothing was changed")]
    SameMasterKey(KeyId),
    #[error("the database holds a row for an unknown provider {}", printable(.0))]
    UnknownProviderRow(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the key is never taken from the command line (it would stay in the shell history): pipe it in, or type it at the prompt"
    )]
    KeyOnCommandLine,
    #[error("cancelled; nothing was saved")]
    Cancelled,
    #[error("{} is not active with a key, so exec --only cannot export it", .0.display_name())]
    NotExported(Provider),
    #[error("cannot run {}: {source}", printable(.command))]
    Exec {
        command: String,
        source: std::io::Error,
    },
    #[error("the connection test of {} failed: {}", .0.display_name(), .1.label())]
    TestFailed(Provider, crate::connection_test::TestOutcome),
    #[error(
        "{} changed since revision {expected}: it is at revision {} now, changed by {} at {}; nothing was saved",
        .provider.display_name(),
        .state.revision,
        .state.changed_by.as_deref().unwrap_or("nobody"),
        .state.changed_at.map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default()
    )]
    StaleWrite {
        provider: Provider,
        expected: i64,
        state: Box<crate::status::ProviderState>,
    },
    #[error("terminal error: {0}")]
    Terminal(std::io::Error),
    #[error("cannot read the key: {0}")]
    Input(std::io::Error),
}

impl Error {
    /// The process exit status: 2 for invalid input, 1 for any other failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::DatabaseUrl(DatabaseUrlError::NoDefaultLocation) => 1,
            Error::InvalidProvider(_)
            | Error::KeyRefused(_)
            | Error::KeyOnCommandLine
            | Error::InvalidBaseUrl(_)
            | Error::DatabaseUrl(_) => 2,
            _ => 1,
        }
    }
}

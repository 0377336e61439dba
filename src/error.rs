//! Every failure of the library, and the exit status each one maps to.
//!
//! Failures that only a front end has (a cancelled prompt, a key typed on
//! the command line, a failed connection test, a stale write refused) are
//! the front end's own: see `cli::CliError`.

use crate::api_key::KeyRefusal;
use crate::api_token::InvalidTokenName;
use crate::base_url::InvalidBaseUrl;
use crate::fields::InvalidValue;
use crate::group::{Group, InvalidGroup};
use crate::provider::{InvalidProvider, Provider};
use crate::secret::{KeyId, KeyOrigin, MasterKeyError, OpenError, SecretSlot};
use crate::store::{DatabaseUrlError, StoreError};
use crate::task::{InvalidModelName, InvalidTask, Task, TaskStatus};
use crate::telegram::InvalidChatId;

/// A failure of llm-settings. Messages never contain a key, a master key or a
/// database password.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    InvalidProvider(#[from] InvalidProvider),
    #[error(transparent)]
    InvalidGroup(#[from] InvalidGroup),
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
        "rotation stopped: {slot} does not open under the current master key ({source}); nothing was changed"
    )]
    RotationStopped { slot: SecretSlot, source: OpenError },
    #[error("the new master key is the current one (id {0}); nothing was changed")]
    SameMasterKey(KeyId),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{} is not active with a key, so exec --only cannot export it", .0.display_name())]
    NotExported(Provider),
    #[error(transparent)]
    InvalidTask(#[from] InvalidTask),
    #[error(transparent)]
    InvalidValue(#[from] InvalidValue),
    #[error(transparent)]
    InvalidChatId(#[from] InvalidChatId),
    #[error("a chat id is needed: none is stored (give one with --chat-id ID); nothing was saved")]
    TelegramNeedsChat,
    #[error("the Telegram bot needs a token and a chat id first (telegram set --chat-id ID)")]
    TelegramIncomplete,
    #[error("the Telegram bot token cannot be read: {source}; set it again")]
    TelegramTokenUndecryptable { source: OpenError },
    #[error(
        "{group}.{field} holds {found} in the database, which is not {allowed}; set it again or reset it ({group} reset {field})"
    )]
    BadRow {
        group: Group,
        field: &'static str,
        found: String,
        allowed: String,
    },
    #[error(transparent)]
    InvalidModelName(#[from] InvalidModelName),
    #[error(transparent)]
    InvalidTokenName(#[from] InvalidTokenName),
    #[error("an API token named {0} exists; revoke it first (api-tokens revoke {0})")]
    ApiTokenExists(String),
    #[error("no API token is named {0} (api-tokens list shows them)")]
    NoApiToken(String),
    #[error("the operating system gave no random bytes for a token; nothing was saved")]
    NoRandomness,
    #[error("{}", .status.reason(*.task, *.provider).unwrap_or_default())]
    TaskNotReady {
        task: Task,
        provider: Option<Provider>,
        status: TaskStatus,
    },
}

impl Error {
    /// The process exit status: 2 for invalid input, 1 for any other failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::DatabaseUrl(DatabaseUrlError::NoDefaultLocation) => 1,
            Error::InvalidProvider(_)
            | Error::InvalidGroup(_)
            | Error::KeyRefused(_)
            | Error::InvalidBaseUrl(_)
            | Error::InvalidTask(_)
            | Error::InvalidValue(_)
            | Error::InvalidChatId(_)
            | Error::TelegramNeedsChat
            | Error::InvalidModelName(_)
            | Error::InvalidTokenName(_)
            | Error::DatabaseUrl(_) => 2,
            _ => 1,
        }
    }
}

//! The command line's failures: the library's, and those only a command line has.

use crate::connection_test::TestOutcome;
use crate::error::Error;
use crate::provider::Provider;
use crate::sanitize::printable;
use crate::status::ProviderState;

/// A failed command: one line for stderr, and the exit status of PRODUCT.md.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Settings(#[from] Error),
    /// A secret (`"key"`, `"token"`) typed on the command line.
    #[error(
        "the {0} is never taken from the command line (it would stay in the shell history): pipe it in, or type it at the prompt"
    )]
    SecretOnCommandLine(&'static str),
    #[error("cancelled; nothing was saved")]
    Cancelled,
    #[error("cannot read the key: {0}")]
    Input(std::io::Error),
    #[error("the connection test of {} failed: {}", .0.display_name(), .1.label())]
    TestFailed(Provider, TestOutcome),
    #[error("the Telegram test failed: {}", .0.label())]
    TelegramTestFailed(TestOutcome),
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
        state: Box<ProviderState>,
    },
    #[error(
        "{} changed since revision {expected}: it is at revision {} now, changed by {} at {}; nothing was saved",
        .state.assignment.task,
        .state.revision,
        .state.changed_by.as_deref().unwrap_or("nobody"),
        .state.changed_at.map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default()
    )]
    StaleTask {
        expected: i64,
        state: Box<crate::task::TaskState>,
    },
    #[error(
        "{} changed since revision {expected}: it is at revision {} now, changed by {} at {}; nothing was saved",
        .values.group.group,
        .values.revision,
        .values.changed_by.as_deref().unwrap_or("nobody"),
        .values.changed_at.map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default()
    )]
    StaleGroup {
        expected: i64,
        values: Box<crate::fields::GroupValues>,
    },
    /// Input a command refused: one line that names what and why.
    #[error("{0}")]
    Usage(String),
    #[error("cannot list the models of {}: {} ({})", .0.provider.display_name(), .0.outcome.label(), printable(&.0.detail))]
    ModelsFailed(crate::connection_test::TestResult),
    #[error("cannot run {}: {source}", printable(.command))]
    Exec {
        command: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Console(#[from] crate::console::ConsoleError),
    /// `check` found something: the findings are its output, exit 1.
    #[error("{0} findings")]
    Findings(usize),
}

impl CliError {
    /// Whether the command already said everything on stdout, so that
    /// only the exit status is left to give.
    pub fn is_reported(&self) -> bool {
        matches!(self, CliError::Findings(_))
    }

    /// The process exit status: 2 for invalid input, 1 for any other failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            CliError::Settings(error) => error.exit_status(),
            CliError::Console(crate::console::ConsoleError::Settings(error)) => error.exit_status(),
            CliError::SecretOnCommandLine(_) | CliError::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl From<crate::api_key::KeyRefusal> for CliError {
    fn from(refusal: crate::api_key::KeyRefusal) -> Self {
        CliError::Settings(refusal.into())
    }
}

impl From<crate::provider::InvalidProvider> for CliError {
    fn from(invalid: crate::provider::InvalidProvider) -> Self {
        CliError::Settings(invalid.into())
    }
}

impl From<crate::base_url::InvalidBaseUrl> for CliError {
    fn from(invalid: crate::base_url::InvalidBaseUrl) -> Self {
        CliError::Settings(invalid.into())
    }
}

impl From<crate::task::InvalidTask> for CliError {
    fn from(invalid: crate::task::InvalidTask) -> Self {
        CliError::Settings(invalid.into())
    }
}

impl From<crate::task::InvalidModelName> for CliError {
    fn from(invalid: crate::task::InvalidModelName) -> Self {
        CliError::Settings(invalid.into())
    }
}

impl From<crate::telegram::InvalidChatId> for CliError {
    fn from(invalid: crate::telegram::InvalidChatId) -> Self {
        CliError::Settings(invalid.into())
    }
}

impl From<crate::secret::MasterKeyError> for CliError {
    fn from(error: crate::secret::MasterKeyError) -> Self {
        CliError::Settings(error.into())
    }
}

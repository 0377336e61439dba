//! The command line's failures: the library's, and those only a command line has.

use crate::connection_test::TestOutcome;
use crate::error::Error;
use crate::provider::Provider;
use crate::sanitize::printable;

/// A failed command: one line for stderr, and the exit status the README gives (2 for bad input, 1 for any other failure).
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
    /// A write refused because the value changed since `--expect-revision`.
    #[error(transparent)]
    Stale(#[from] crate::revision::StaleWrite),
    /// Input a command refused: one line that names what and why.
    #[error("{0}")]
    Usage(String),
    #[error("cannot list the models of {}: {} ({})", .0.provider.display_name(), .0.outcome.label(), .0.detail)]
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

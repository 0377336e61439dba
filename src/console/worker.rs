//! The worker thread: owns the database connection, runs the console's commands, and answers with events.

use std::sync::mpsc::{Receiver, Sender};
use std::thread;

use secrecy::SecretString;

use crate::error::Error;
use crate::provider::Provider;
use crate::sanitize::one_line;
use crate::settings::{OpenOptions, SaveOutcome, Settings};
use crate::status::ProviderState;

/// Work for the worker. Each command is answered by one [`WorkerEvent`].
pub enum Command {
    Reload,
    SaveKey {
        provider: Provider,
        key: SecretString,
        /// The revision the admin saw when the dialog opened, or the one a
        /// conflict notice showed and the admin confirmed.
        expected_revision: i64,
    },
    DeleteKey(Provider),
    SetActive(Provider, bool),
    SetBaseUrl(Provider, Option<String>),
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Command::Reload => f.write_str("Reload"),
            Command::SaveKey {
                provider,
                expected_revision,
                ..
            } => write!(
                f,
                "SaveKey({provider}, revision {expected_revision}, key redacted)"
            ),
            Command::DeleteKey(provider) => write!(f, "DeleteKey({provider})"),
            Command::SetActive(provider, active) => write!(f, "SetActive({provider}, {active})"),
            Command::SetBaseUrl(provider, url) => write!(f, "SetBaseUrl({provider}, {url:?})"),
        }
    }
}

/// What a command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Reloaded,
    Saved(Provider),
    /// Another admin changed the provider since the dialog opened.
    Conflict(Provider, Box<ProviderState>),
    Deleted(Provider),
    Activated(Provider, bool),
    BaseUrlSet(Provider, Option<String>),
    /// The command failed; the message is one printable line.
    Failed(Option<Provider>, String),
}

/// The worker's answer: the outcome, and the providers as they are now
/// (absent when they could not be read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerEvent {
    pub outcome: Outcome,
    pub providers: Option<Vec<ProviderState>>,
}

/// Starts the worker on `settings`. `reopen` is used to connect again after
/// the database went away. Answers go to `answer` wrapped by `wrap`.
pub fn spawn<M: Send + 'static>(
    settings: Settings,
    reopen: OpenOptions,
    commands: Receiver<Command>,
    answer: Sender<M>,
    wrap: fn(WorkerEvent) -> M,
) -> thread::JoinHandle<()> {
    thread::Builder::new()
        .name("llm-settings-worker".into())
        .spawn(move || {
            let mut worker = Worker {
                settings: Some(settings),
                reopen,
            };
            for command in commands {
                let event = worker.run(command);
                if answer.send(wrap(event)).is_err() {
                    break;
                }
            }
        })
        .expect("the system can start a thread")
}

struct Worker {
    /// `None` after a database failure: the next command connects again.
    settings: Option<Settings>,
    reopen: OpenOptions,
}

impl Worker {
    fn run(&mut self, command: Command) -> WorkerEvent {
        let provider = match &command {
            Command::Reload => None,
            Command::SaveKey { provider, .. }
            | Command::DeleteKey(provider)
            | Command::SetActive(provider, _)
            | Command::SetBaseUrl(provider, _) => Some(*provider),
        };
        match self.try_run(command) {
            Ok(event) => event,
            Err(error) => {
                if matches!(error, Error::Store(_)) {
                    // The connection may be broken; connect again next time.
                    self.settings = None;
                }
                WorkerEvent {
                    outcome: Outcome::Failed(provider, one_line(&error.to_string())),
                    providers: None,
                }
            }
        }
    }

    fn try_run(&mut self, command: Command) -> Result<WorkerEvent, Error> {
        if self.settings.is_none() {
            self.settings = Some(Settings::open(&self.reopen)?);
        }
        let settings = self.settings.as_mut().expect("opened above");
        let outcome = match command {
            Command::Reload => Outcome::Reloaded,
            Command::SaveKey {
                provider,
                key,
                expected_revision,
            } => match settings.save_key_at_revision(provider, &key, expected_revision)? {
                SaveOutcome::Saved(_) => Outcome::Saved(provider),
                SaveOutcome::Conflict(state) => Outcome::Conflict(provider, Box::new(state)),
            },
            Command::DeleteKey(provider) => {
                settings.delete_key(provider)?;
                Outcome::Deleted(provider)
            }
            Command::SetActive(provider, active) => {
                settings.set_active(provider, active)?;
                Outcome::Activated(provider, active)
            }
            Command::SetBaseUrl(provider, url) => {
                settings.set_base_url(provider, url.as_deref())?;
                Outcome::BaseUrlSet(provider, url)
            }
        };
        let providers = settings.states()?;
        Ok(WorkerEvent {
            outcome,
            providers: Some(providers),
        })
    }
}

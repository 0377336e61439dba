//! The worker thread: owns the database connection, runs the console's commands, and answers with events.

use std::sync::mpsc::{Receiver, Sender};
use std::thread;

use chrono::{NaiveDateTime, Utc};
use secrecy::SecretString;

use crate::connection_test::{TestResult, TestTarget};

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
    /// Test the connection; it runs on a thread of its own, so that a
    /// server that never answers holds up nothing else.
    Test(Provider),
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
            Command::Test(provider) => write!(f, "Test({provider})"),
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
    /// A connection test finished, at this time (UTC).
    Tested(TestResult, NaiveDateTime),
    /// A connection test could not start (no key, a database error).
    TestNotRun(Provider, String),
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
                let event = match command {
                    Command::Test(provider) => match worker.test_target(provider) {
                        Ok(target) => {
                            let answer = answer.clone();
                            let spawned = thread::Builder::new()
                                .name("llm-settings-test".into())
                                .spawn(move || {
                                    let result = target.run();
                                    let at = Utc::now().naive_utc();
                                    let _ = answer.send(wrap(WorkerEvent {
                                        outcome: Outcome::Tested(result, at),
                                        providers: None,
                                    }));
                                });
                            match spawned {
                                Ok(_) => continue,
                                Err(error) => WorkerEvent {
                                    outcome: Outcome::TestNotRun(
                                        provider,
                                        one_line(&error.to_string()),
                                    ),
                                    providers: None,
                                },
                            }
                        }
                        Err(event) => event,
                    },
                    command => worker.run(command),
                };
                if answer.send(wrap(event)).is_err() {
                    break;
                }
            }
        })
        .expect("the system can start a thread")
}

fn failure(provider: Option<Provider>, text: &str) -> WorkerEvent {
    WorkerEvent {
        outcome: Outcome::Failed(provider, one_line(text)),
        providers: None,
    }
}

struct Worker {
    /// `None` after a database failure: the next command connects again.
    settings: Option<Settings>,
    reopen: OpenOptions,
}

impl Worker {
    fn settings(&mut self) -> Result<&mut Settings, Error> {
        if self.settings.is_none() {
            self.settings = Some(Settings::open(&self.reopen)?);
        }
        Ok(self.settings.as_mut().expect("opened above"))
    }

    /// Reads what a connection test needs; a failure is the answer.
    fn test_target(&mut self, provider: Provider) -> Result<TestTarget, WorkerEvent> {
        let target = self
            .settings()
            .and_then(|settings| TestTarget::read(settings, provider));
        target.map_err(|error| {
            if matches!(error, Error::Store(_)) {
                self.settings = None;
            }
            WorkerEvent {
                outcome: Outcome::TestNotRun(provider, one_line(&error.to_string())),
                providers: None,
            }
        })
    }

    fn run(&mut self, command: Command) -> WorkerEvent {
        let provider = match &command {
            Command::Reload => None,
            Command::Test(provider)
            | Command::SaveKey { provider, .. }
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
                failure(provider, &error.to_string())
            }
        }
    }

    fn try_run(&mut self, command: Command) -> Result<WorkerEvent, Error> {
        let settings = self.settings()?;
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
            // `spawn` runs tests on threads of their own; run here, a test
            // would only hold up the commands behind it.
            Command::Test(provider) => {
                let result = TestTarget::read(settings, provider)?.run();
                Outcome::Tested(result, Utc::now().naive_utc())
            }
        };
        let providers = settings.states()?;
        Ok(WorkerEvent {
            outcome,
            providers: Some(providers),
        })
    }
}

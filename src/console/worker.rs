//! The worker thread: owns the database connection, runs the console's commands, and answers with events.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

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
    /// Someone else changed the settings; says who and what.
    ChangedElsewhere(String),
    /// The periodic check could not reach the database.
    Unreachable(String),
    /// The database answers again after `Unreachable`.
    Reconnected,
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
                seen: None,
                poll_failed: false,
            };
            worker.seen = worker.marker();
            loop {
                let command = match commands.recv_timeout(POLL_INTERVAL) {
                    Ok(command) => command,
                    Err(RecvTimeoutError::Timeout) => {
                        if let Some(event) = worker.poll()
                            && answer.send(wrap(event)).is_err()
                        {
                            break;
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                };
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
                    command => {
                        let event = worker.run(command);
                        // This session's own change is not news to it.
                        worker.seen = worker.marker().or(worker.seen);
                        event
                    }
                };
                if answer.send(wrap(event)).is_err() {
                    break;
                }
            }
        })
        .expect("the system can start a thread")
}

/// How often the console checks for other admins' changes.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// An audit entry as a phrase: "set the key of OpenAI".
fn describe_change(action: &str, provider: Option<&str>) -> String {
    let name = provider
        .and_then(|id| id.parse::<Provider>().ok())
        .map(Provider::display_name)
        .unwrap_or("every provider");
    match action {
        "set" => format!("set the key of {name}"),
        "delete" => format!("deleted the key of {name}"),
        "activate" => format!("activated {name}"),
        "deactivate" => format!("deactivated {name}"),
        "base-url" | "base-url-reset" => format!("changed the base URL of {name}"),
        "rotate-key" => "rotated the master key".to_owned(),
        other => format!("changed {name} ({other})"),
    }
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
    /// The newest change this session has seen (see `Settings::change_marker`).
    seen: Option<i64>,
    /// The last poll failed: the failure was reported once, and the next
    /// success says the database is back.
    poll_failed: bool,
}

impl Worker {
    fn marker(&mut self) -> Option<i64> {
        self.settings.as_mut()?.change_marker().ok()
    }

    /// The periodic check for other admins' changes: one cheap query, and an
    /// answer (so a redraw) only when something changed or the database came
    /// and went.
    fn poll(&mut self) -> Option<WorkerEvent> {
        match self.try_poll() {
            Ok(event) => {
                if std::mem::take(&mut self.poll_failed) {
                    let providers = self.settings.as_mut().and_then(|s| s.states().ok());
                    return Some(WorkerEvent {
                        outcome: Outcome::Reconnected,
                        providers,
                    });
                }
                event
            }
            Err(error) => {
                self.settings = None;
                if std::mem::replace(&mut self.poll_failed, true) {
                    return None;
                }
                Some(WorkerEvent {
                    outcome: Outcome::Unreachable(one_line(&error.to_string())),
                    providers: None,
                })
            }
        }
    }

    fn try_poll(&mut self) -> Result<Option<WorkerEvent>, Error> {
        let seen = self.seen;
        let settings = self.settings()?;
        let marker = settings.change_marker()?;
        let Some(seen) = seen else {
            self.seen = Some(marker);
            return Ok(None);
        };
        if marker <= seen {
            return Ok(None);
        }
        let changes = settings.changes_since(seen)?;
        let providers = settings.states()?;
        self.seen = Some(marker);
        let Some(last) = changes.last() else {
            return Ok(None);
        };
        let mut text = format!(
            "{} {}",
            last.actor,
            describe_change(&last.action, last.subject.as_deref())
        );
        if changes.len() > 1 {
            text.push_str(&format!(" (and {} more changes)", changes.len() - 1));
        }
        Ok(Some(WorkerEvent {
            outcome: Outcome::ChangedElsewhere(one_line(&text)),
            providers: Some(providers),
        }))
    }

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
            .and_then(|settings| settings.test_target(provider));
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
                let result = settings.test_target(provider)?.run();
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

//! The worker thread: owns the database connection, performs the console's requests, and answers each with its id.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::data::Refreshed;
use super::performed::Performed;
use super::request::{self, Done, Request, RequestId, Work, WorkerEvent};
use super::silence::WaitClock;
use crate::error::Error;
use crate::field_groups;
use crate::history::HistoryEntry;
use crate::sanitize::one_line;
use crate::settings::Settings;
use crate::telegram::Announcement;

/// How often the console checks for other admins' changes.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Starts the worker on `settings`; after the database went away it
/// connects the store again (the master key stays loaded). Answers go to
/// `answer` wrapped by `wrap`.
pub fn spawn<M: Send + 'static>(
    settings: Settings,
    requests: Receiver<Request>,
    answer: Sender<M>,
    wrap: fn(WorkerEvent) -> M,
    clock: WaitClock,
    announcing: Arc<AtomicUsize>,
) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new()
        .name("llm-settings-worker".into())
        .spawn(move || {
            let mut worker = Worker {
                settings,
                connected: true,
                seen: None,
                poll_failed: false,
            };
            clock.start();
            worker.seen = worker.marker();
            // The first frame showed the providers; the other groups now.
            let read = worker.read_all();
            clock.stop();
            if answer.send(wrap(WorkerEvent::Read(read))).is_err() {
                return;
            }
            loop {
                let request = match requests.recv_timeout(POLL_INTERVAL) {
                    Ok(request) => request,
                    Err(RecvTimeoutError::Timeout) => {
                        clock.start();
                        let event = worker.poll();
                        clock.stop();
                        if let Some(event) = event
                            && answer.send(wrap(event)).is_err()
                        {
                            break;
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                let id = request.id;
                clock.start();
                // A page of the history changes nothing: no group to read again.
                let reads_only = matches!(request.work, Work::History(_));
                let event = match worker.perform(request.work) {
                    Performed::Done(outcome) if reads_only => WorkerEvent::Answer {
                        id,
                        outcome: outcome.map_err(|error| one_line(&error.to_string())),
                        refreshed: Refreshed::default(),
                    },
                    Performed::Done(outcome) => worker.answer(id, outcome),
                    Performed::Background(job) => {
                        let answer = answer.clone();
                        let spawned = thread::Builder::new()
                            .name("llm-settings-test".into())
                            .spawn(move || {
                                let done = job();
                                let _ = answer.send(wrap(WorkerEvent::Answer {
                                    id,
                                    outcome: Ok(done),
                                    refreshed: Refreshed::default(),
                                }));
                            });
                        match spawned {
                            Ok(_) => {
                                clock.stop();
                                continue;
                            }
                            Err(error) => WorkerEvent::Answer {
                                id,
                                outcome: Err(one_line(&error.to_string())),
                                refreshed: Refreshed::default(),
                            },
                        }
                    }
                };
                if answer.send(wrap(event)).is_err() {
                    clock.stop();
                    break;
                }
                // After the commit and the answer: the drawing never waits
                // for Telegram, nor does the next request.
                let announcement = worker.take_announcement();
                clock.stop();
                if let Some(announcement) = announcement {
                    let answer = answer.clone();
                    // Counted while it is under way: quitting gives it its
                    // time, and says so, only then.
                    announcing.fetch_add(1, Ordering::SeqCst);
                    let under_way = Arc::clone(&announcing);
                    let spawned = thread::Builder::new()
                        .name("llm-settings-announce".into())
                        .spawn(move || {
                            if let Err(reason) = announcement.and_then(|a| a.send()) {
                                let _ = answer.send(wrap(WorkerEvent::NotAnnounced(reason)));
                            }
                            under_way.fetch_sub(1, Ordering::SeqCst);
                        });
                    if spawned.is_err() {
                        announcing.fetch_sub(1, Ordering::SeqCst);
                    }
                }
            }
        })
}

/// Every group as it is now. A task's status depends on its provider, so
/// both are read together. A group whose row breaks its rules is that
/// group's error; the others are read all the same.
pub fn read_every_group(settings: &mut Settings) -> Result<Refreshed, Error> {
    let providers = settings.states()?;
    let tasks = settings.task_states_with(&providers)?;
    let mut fields = std::collections::BTreeMap::new();
    for group in field_groups::ALL {
        let values = match settings.field_values(group) {
            Ok(values) => Ok(values),
            Err(error @ Error::BadRow { .. }) => Err(one_line(&error.to_string())),
            Err(error) => return Err(error),
        };
        fields.insert(group.group, values);
    }
    let telegram = settings.telegram()?;
    Ok(Refreshed {
        providers: Some(providers),
        tasks: Some(tasks),
        fields,
        telegram: Some(Ok(telegram)),
    })
}

struct Worker {
    settings: Settings,
    /// False after a database failure: the next request connects the
    /// store again.
    connected: bool,
    /// The newest change this session has seen (see `Settings::change_marker`).
    seen: Option<i64>,
    /// The last poll failed: the failure was reported once, and the next
    /// success says the database is back.
    poll_failed: bool,
}

impl Worker {
    /// The announcement of what the last request wrote, if the bot makes
    /// one; or why it cannot be made.
    fn take_announcement(&mut self) -> Option<Result<Announcement, String>> {
        match self.settings.take_announcement() {
            Ok(announcement) => announcement.map(Ok),
            Err(error) => Some(Err(one_line(&error.to_string()))),
        }
    }

    fn marker(&mut self) -> Option<i64> {
        self.settings.change_marker().ok()
    }

    /// The settings, their store connected again first if it failed.
    fn settings(&mut self) -> Result<&mut Settings, Error> {
        if !self.connected {
            self.settings.reconnect()?;
            self.connected = true;
        }
        Ok(&mut self.settings)
    }

    /// Performs one request's work on the connection, by group.
    fn perform(&mut self, work: Work) -> Performed<Done> {
        let settings = match self.settings() {
            Ok(settings) => settings,
            Err(error) => return Performed::Done(Err(error)),
        };
        let performed = request::perform(settings, work);
        if let Performed::Done(Err(Error::Store(_))) = &performed {
            // The connection may be broken; connect again next time.
            self.connected = false;
        }
        performed
    }

    /// The answer to request `id`, with every group read again after it.
    fn answer(&mut self, id: RequestId, outcome: Result<Done, Error>) -> WorkerEvent {
        let refreshed = match &outcome {
            Ok(_) => self.read_all(),
            Err(_) => Refreshed::default(),
        };
        // This session's own change is not news to it.
        self.seen = self.marker().or(self.seen);
        WorkerEvent::Answer {
            id,
            outcome: outcome.map_err(|error| one_line(&error.to_string())),
            refreshed,
        }
    }

    /// Every group as it is now; on a failure, nothing (the connection is
    /// dropped, and the next request or check connects again).
    fn read_all(&mut self) -> Refreshed {
        let read = self.settings().and_then(read_every_group);
        read.unwrap_or_else(|_| {
            self.connected = false;
            Refreshed::default()
        })
    }

    /// The periodic check for other admins' changes: one cheap query, and an
    /// answer (so a redraw) only when something changed or the database came
    /// and went.
    fn poll(&mut self) -> Option<WorkerEvent> {
        match self.try_poll() {
            Ok(event) => {
                if std::mem::take(&mut self.poll_failed) {
                    let refreshed = self.read_all();
                    return Some(WorkerEvent::Reconnected(refreshed));
                }
                event
            }
            Err(error) => {
                self.connected = false;
                if std::mem::replace(&mut self.poll_failed, true) {
                    return None;
                }
                Some(WorkerEvent::Unreachable(one_line(&error.to_string())))
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
        let refreshed = read_every_group(settings)?;
        self.seen = Some(marker);
        let Some(last) = changes.last().cloned().map(HistoryEntry::from) else {
            return Ok(None);
        };
        let mut text = format!("{} {}", last.actor, last.describe());
        if changes.len() > 1 {
            text.push_str(&format!(" (and {} more changes)", changes.len() - 1));
        }
        Ok(Some(WorkerEvent::ChangedElsewhere {
            text: one_line(&text),
            refreshed,
        }))
    }
}

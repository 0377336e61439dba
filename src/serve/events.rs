//! `GET /api/v1/settings/events`: each committed change as a server-sent event, `id: N` and `data:` the entry as `history --json` prints it; `Last-Event-ID` resumes after N with no loss and no duplicate; a keep-alive comment every 15 s.
//!
//! One poll of the trail serves every subscriber: a task reads the entries
//! after the last it saw every 500 ms and broadcasts them, and it runs only
//! while someone listens. Changes made through another server or the
//! command line on the same database are in the trail, so they arrive too.
//! A subscriber that resumes, or falls behind the broadcast, reads what it
//! missed from the trail itself, a page at a time, and then takes the
//! broadcast from the id it reached; entries are committed in id order, so
//! reading "after N" misses none.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::extract::connect_info::ConnectInfo;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;

use super::answer::ApiError;
use super::routes::{App, Caller};
use crate::actor::Actor;
use crate::history::HistoryEntry;

/// How often the trail is read while someone listens.
pub const POLL: Duration = Duration::from_millis(500);
/// How often a comment keeps a quiet stream open through proxies.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// The most entries read at once, catching up or polling.
const PAGE: i64 = 500;

/// One change: its id and its entry as JSON.
type Change = (i64, Arc<str>);

/// The shared poll and its subscribers.
pub struct Feed {
    sender: broadcast::Sender<Arc<Vec<Change>>>,
    polling: Mutex<bool>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed {
            sender: broadcast::channel(256).0,
            polling: Mutex::new(false),
        }
    }
}

/// The entries after `after`, at most a page, as events.
async fn page_after(app: &App, after: i64) -> Result<Vec<Change>, ApiError> {
    let rows = app
        .pool
        .run(Actor::new("serve", None), move |s| {
            s.changes_since_at_most(after, PAGE)
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let json = serde_json::to_string(&HistoryEntry::from(row)).unwrap_or_default();
            (id, Arc::from(json))
        })
        .collect())
}

impl Feed {
    /// A receiver of every change committed from now on; the poll is
    /// started if it is not running.
    fn subscribe(app: &Arc<App>) -> broadcast::Receiver<Arc<Vec<Change>>> {
        let feed = &app.feed;
        let receiver = feed.sender.subscribe();
        let Ok(mut polling) = feed.polling.lock() else {
            return receiver;
        };
        if !*polling {
            *polling = true;
            tokio::spawn(Feed::poll(Arc::clone(app)));
        }
        receiver
    }

    /// Reads the trail every `POLL` and broadcasts what is new, until
    /// nobody listens.
    async fn poll(app: Arc<App>) {
        let feed = &app.feed;
        let mut seen = app
            .pool
            .run(Actor::new("serve", None), |s| s.change_marker())
            .await
            .ok();
        loop {
            tokio::time::sleep(POLL).await;
            if feed.sender.receiver_count() == 0 {
                let Ok(mut polling) = feed.polling.lock() else {
                    return;
                };
                // Checked again under the lock a new subscriber takes.
                if feed.sender.receiver_count() == 0 {
                    *polling = false;
                    return;
                }
            }
            let Some(after) = seen else {
                // The database did not answer at the start: ask again.
                seen = app
                    .pool
                    .run(Actor::new("serve", None), |s| s.change_marker())
                    .await
                    .ok();
                continue;
            };
            // A database that does not answer is asked again next time;
            // subscribers keep their place.
            if let Ok(changes) = page_after(&app, after).await
                && let Some((newest, _)) = changes.last()
            {
                seen = Some(*newest);
                let _ = feed.sender.send(Arc::new(changes));
            }
        }
    }
}

/// A subscriber's place: what it was sent last, and what is queued for it.
struct Subscriber {
    app: Arc<App>,
    receiver: broadcast::Receiver<Arc<Vec<Change>>>,
    queued: VecDeque<Change>,
    last_sent: i64,
    /// Reading the trail from `last_sent` until it is read to its end.
    catching_up: bool,
}

impl Subscriber {
    /// The next event, or `None` when the stream ends (the server stops,
    /// or the database failed while catching up: the client resumes).
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some((id, entry)) = self.queued.pop_front() {
                if id <= self.last_sent {
                    continue;
                }
                self.last_sent = id;
                return Some(Event::default().id(id.to_string()).data(&*entry));
            }
            if self.catching_up {
                let page = page_after(&self.app, self.last_sent).await.ok()?;
                self.catching_up = i64::try_from(page.len()).is_ok_and(|n| n == PAGE);
                self.queued.extend(page);
                continue;
            }
            match self.receiver.recv().await {
                Ok(changes) => self.queued.extend(changes.iter().cloned()),
                // Fell behind the broadcast: what it missed is in the trail.
                Err(broadcast::error::RecvError::Lagged(_)) => self.catching_up = true,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// The id after which a resuming client wants the changes.
fn last_event_id(headers: &HeaderMap) -> Option<i64> {
    headers
        .get("last-event-id")?
        .to_str()
        .ok()?
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id >= 0)
}

/// `GET .../events`: the stream.
pub async fn events(
    State(app): State<Arc<App>>,
    ConnectInfo(_caller): ConnectInfo<Caller>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let receiver = Feed::subscribe(&app);
    let (last_sent, catching_up) = match last_event_id(&headers) {
        Some(id) => (id, true),
        // From now on: what is committed after the newest entry.
        None => {
            let newest = app
                .pool
                .run(Actor::new("serve", None), |s| s.change_marker())
                .await?;
            (newest, false)
        }
    };
    let subscriber = Subscriber {
        app,
        receiver,
        queued: VecDeque::new(),
        last_sent,
        catching_up,
    };
    let stream = futures_util::stream::unfold(subscriber, |mut subscriber| async move {
        let event = subscriber.next().await?;
        Some((Ok::<Event, Infallible>(event), subscriber))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
        .into_response())
}

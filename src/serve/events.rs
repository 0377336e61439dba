//! `GET /api/v1/settings/events`: each committed change as a server-sent event, `id: N` and `data:` the entry as `history --json` prints it; `Last-Event-ID` resumes after N with no loss and no duplicate; a keep-alive comment every 15 s.
//!
//! One poll of the trail serves every subscriber: a task reads the entries
//! after the last it saw every 500 ms and broadcasts them, and it runs only
//! while someone listens. Changes made through another server or the
//! command line on the same database are in the trail, so they arrive too.
//! A subscriber first reads the trail itself after its start (the newest
//! id when it came, or `Last-Event-ID`), a page at a time, and then takes
//! the broadcast from the id it reached, as does one that falls behind;
//! entries are committed in id order, so reading "after N" misses none.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;

use super::answer::ApiError;
use super::routes::App;
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
        .run(Actor::server(), move |s| {
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
    /// A receiver of every change the poll reads from now on; the poll is
    /// started, from `start`, if it is not running. `start` is the newest
    /// id the subscriber read before subscribing: a poll that started
    /// later could have skipped what was committed in between.
    fn subscribe(app: &Arc<App>, start: i64) -> broadcast::Receiver<Arc<Vec<Change>>> {
        let feed = &app.feed;
        let receiver = feed.sender.subscribe();
        let Ok(mut polling) = feed.polling.lock() else {
            return receiver;
        };
        if !*polling {
            *polling = true;
            tokio::spawn(Feed::poll(Arc::clone(app), start));
        }
        receiver
    }

    /// Reads the trail every `POLL` after `seen` and broadcasts what is
    /// new, until nobody listens.
    async fn poll(app: Arc<App>, mut seen: i64) {
        let feed = &app.feed;
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
            // A database that does not answer is asked again next time;
            // subscribers keep their place.
            if let Ok(changes) = page_after(&app, seen).await
                && let Some((newest, _)) = changes.last()
            {
                seen = *newest;
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
pub async fn events(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let newest = app.pool.run(Actor::server(), |s| s.change_marker()).await?;
    let receiver = Feed::subscribe(&app, newest);
    // What was committed after the subscriber's start and before the poll
    // reached it is read from the trail first; the broadcast follows, less
    // what was already sent.
    let subscriber = Subscriber {
        app,
        receiver,
        queued: VecDeque::new(),
        last_sent: last_event_id(&headers).unwrap_or(newest),
        catching_up: true,
    };
    let stream = futures_util::stream::unfold(subscriber, |mut subscriber| async move {
        let event = subscriber.next().await?;
        Some((Ok::<Event, Infallible>(event), subscriber))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
        .into_response())
}

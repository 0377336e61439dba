//! A connection's deadlines: a request's headers within 10 s of its first byte (a new connection's, of its opening), its body within 10 s, and a keep-alive connection idle for 60 s closed.
//!
//! hyper's own header time-out also runs while a kept-alive connection
//! waits for its next request, so that it would close an idle connection
//! after 10 s. Instead the connection's reads are timed here, by what the
//! connection is doing: waiting for a request (60 s), receiving one's
//! headers (10 s), or being answered (no limit here: the database deadline
//! bounds it).

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::answer::json_response;

/// How long a request's headers may take, from their first byte.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request's body may take, from its headers.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a kept-alive connection may wait for its next request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// What a connection is doing, shared by its reads and its requests.
#[derive(Debug)]
pub struct Clock {
    phase: Mutex<Phase>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Answered its last request at `since`; waiting for the next.
    Idle { since: Instant },
    /// The first byte of a request (or the connection) came at `since`.
    Receiving { since: Instant },
    /// A request is being answered.
    Answering,
}

impl Clock {
    /// A new connection: its first request's headers are due.
    pub fn opened() -> Arc<Clock> {
        Arc::new(Clock {
            phase: Mutex::new(Phase::Receiving {
                since: Instant::now(),
            }),
        })
    }

    fn set(&self, phase: Phase) {
        if let Ok(mut now) = self.phase.lock() {
            *now = phase;
        }
    }

    fn phase(&self) -> Option<Phase> {
        self.phase.lock().ok().map(|phase| *phase)
    }

    /// Bytes arrived: on an idle connection, a request's headers begin.
    fn received(&self) {
        if let Ok(mut phase) = self.phase.lock()
            && let Phase::Idle { .. } = *phase
        {
            *phase = Phase::Receiving {
                since: Instant::now(),
            };
        }
    }

    /// When the connection's reads must have given what is due.
    fn deadline(&self) -> Option<Instant> {
        match self.phase()? {
            Phase::Idle { since } => Some(since + IDLE_TIMEOUT),
            Phase::Receiving { since } => Some(since + HEADER_TIMEOUT),
            Phase::Answering => None,
        }
    }
}

/// A connection's stream whose reads fail with `TimedOut` when what is due
/// has not come by its deadline; hyper then closes the connection.
pub struct Timed<S> {
    stream: S,
    clock: Arc<Clock>,
    sleep: Pin<Box<Sleep>>,
}

impl<S> Timed<S> {
    pub fn new(stream: S, clock: Arc<Clock>) -> Self {
        let first = clock.deadline().unwrap_or_else(Instant::now);
        Timed {
            stream,
            clock,
            sleep: Box::pin(tokio::time::sleep_until(first)),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Timed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.clock.received();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => {
                let Some(deadline) = this.clock.deadline() else {
                    return Poll::Pending;
                };
                if this.sleep.deadline() != deadline {
                    this.sleep.as_mut().reset(deadline);
                }
                match this.sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the connection's request did not come in time",
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Timed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Middleware: marks the connection as answering while a request is
/// handled, and reads the request's body within `BODY_TIMEOUT` and the
/// body limit (408 or 413 otherwise, and the connection is closed).
pub async fn timed_request(request: Request, next: Next) -> Response {
    let clock = request.extensions().get::<Arc<Clock>>().cloned();
    if let Some(clock) = &clock {
        clock.set(Phase::Answering);
    }
    let (parts, body) = request.into_parts();
    let limit = super::routes::BODY_LIMIT;
    let response = match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, limit)).await
    {
        Ok(Ok(bytes)) => next.run(Request::from_parts(parts, bytes.into())).await,
        Ok(Err(_)) => closing(json_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            &json!({"detail": "the body is over 64 KiB"}),
        )),
        Err(_) => closing(json_response(
            StatusCode::REQUEST_TIMEOUT,
            &json!({"detail": format!("the body did not arrive within {} s", BODY_TIMEOUT.as_secs())}),
        )),
    };
    // A stream of events is still being answered after its headers: the
    // connection is not idle until it ends.
    let streaming = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"text/event-stream"));
    if let Some(clock) = &clock
        && !streaming
    {
        clock.set(Phase::Idle {
            since: Instant::now(),
        });
    }
    response
}

/// An answer after which the connection is closed: what is left of the
/// request on it cannot be told from the next one.
fn closing(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

    /// Reads until the stream ends or fails; how long that took.
    async fn read_until_cut(
        timed: &mut Timed<tokio::io::DuplexStream>,
    ) -> (io::ErrorKind, Duration) {
        let started = Instant::now();
        let mut buf = [0u8; 64];
        loop {
            match timed.read(&mut buf).await {
                Ok(0) => return (io::ErrorKind::UnexpectedEof, started.elapsed()),
                Ok(_) => continue,
                Err(error) => return (error.kind(), started.elapsed()),
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_connection_that_sends_nothing_is_cut_at_the_header_deadline() {
        let (_client, server) = duplex(64);
        let mut timed = Timed::new(server, Clock::opened());
        assert_eq!(
            read_until_cut(&mut timed).await,
            (io::ErrorKind::TimedOut, HEADER_TIMEOUT)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_waits_60_s_and_a_started_request_10_s() {
        let (mut client, server) = duplex(64);
        let clock = Clock::opened();
        clock.set(Phase::Idle {
            since: Instant::now(),
        });
        let mut timed = Timed::new(server, Arc::clone(&clock));
        // Half a request after 59 s of idleness: its headers have 10 s more.
        let sender = tokio::spawn(async move {
            tokio::time::sleep(IDLE_TIMEOUT - Duration::from_secs(1)).await;
            client.write_all(b"GET / HT").await.unwrap();
            client
        });
        let (kind, after) = read_until_cut(&mut timed).await;
        assert_eq!(kind, io::ErrorKind::TimedOut);
        assert_eq!(
            after,
            IDLE_TIMEOUT - Duration::from_secs(1) + HEADER_TIMEOUT
        );
        drop(sender);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_is_closed_after_60_s() {
        let (_client, server) = duplex(64);
        let clock = Clock::opened();
        clock.set(Phase::Idle {
            since: Instant::now(),
        });
        let mut timed = Timed::new(server, clock);
        assert_eq!(
            read_until_cut(&mut timed).await,
            (io::ErrorKind::TimedOut, IDLE_TIMEOUT)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_being_answered_is_not_cut() {
        let (client, server) = duplex(64);
        let clock = Clock::opened();
        clock.set(Phase::Answering);
        let mut timed = Timed::new(server, Arc::clone(&clock));
        let closer = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(300)).await;
            drop(client);
        });
        assert_eq!(
            read_until_cut(&mut timed).await,
            (io::ErrorKind::UnexpectedEof, Duration::from_secs(300))
        );
        closer.await.unwrap();
    }
}

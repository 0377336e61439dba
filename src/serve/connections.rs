//! The server's connections: HTTP/1 over the unix socket or loopback TCP, at most 64 at once (more get 503), each read within its deadlines (see `deadlines`), and on SIGTERM no new ones while those open finish (5 s at most).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::ConnectInfo;
use axum::http::StatusCode;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::Semaphore;

use super::answer::json_response;
use super::deadlines::{Clock, Timed};
use super::routes::Caller;

/// The most connections served at once.
pub const MAX_CONNECTIONS: usize = 64;

/// A listener, and who is at the other end of what it accepts.
pub trait Accept {
    type Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    fn accept_caller(
        &self,
    ) -> impl std::future::Future<Output = std::io::Result<(Self::Stream, Caller)>> + Send;
}

impl Accept for UnixListener {
    type Stream = UnixStream;
    /// The caller is the user the kernel names.
    async fn accept_caller(&self) -> std::io::Result<(UnixStream, Caller)> {
        let (stream, _) = self.accept().await?;
        let caller = Caller::of_uid(stream.peer_cred().ok().map(|cred| cred.uid()));
        Ok((stream, caller))
    }
}

impl Accept for TcpListener {
    type Stream = TcpStream;
    /// The caller is an address until its token is checked.
    async fn accept_caller(&self) -> std::io::Result<(TcpStream, Caller)> {
        let (stream, peer) = self.accept().await?;
        // Answers are small: sent at once, not held back for more.
        stream.set_nodelay(true)?;
        Ok((stream, Caller::of_address(peer.ip())))
    }
}

/// Serves `router` on `listener` until `stop` resolves, then lets the
/// connections open finish, for at most `drain`.
pub async fn serve<L: Accept>(
    listener: L,
    router: Router,
    stop: impl std::future::Future<Output = ()>,
    drain: Duration,
) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    // The headers' deadline is kept by `deadlines`, which also lets a
    // kept-alive connection wait longer for its next request.
    http.timer(TokioTimer::new()).header_read_timeout(None);
    tokio::pin!(stop);
    loop {
        let (stream, caller) = tokio::select! {
            accepted = listener.accept_caller() => match accepted {
                Ok(accepted) => accepted,
                // A connection that failed before it was accepted: the next one.
                Err(_) => continue,
            },
            () = &mut stop => break,
        };
        let permit = Arc::clone(&permits).try_acquire_owned();
        let app = match &permit {
            Ok(_) => router.clone(),
            // One connection too many: told so, and closed.
            Err(_) => Router::new().fallback(|| async {
                json_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &json!({"detail": "too many connections; try again"}),
                )
            }),
        };
        let clock = Clock::opened();
        let service = TowerToHyperService::new(
            app.layer(axum::Extension(ConnectInfo(caller)))
                .layer(axum::Extension(Arc::clone(&clock))),
        );
        let mut builder = http.clone();
        if permit.is_err() {
            builder.keep_alive(false);
        }
        let connection = graceful
            .watch(builder.serve_connection(TokioIo::new(Timed::new(stream, clock)), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    // No new connection: those that come now are refused by the kernel.
    drop(listener);
    let _ = tokio::time::timeout(drain, graceful.shutdown()).await;
}

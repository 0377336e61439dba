//! `serve`: the settings API over HTTP, from the same store and through the same checks, transaction, audit trail and announcements as the console and the command line, on a unix socket whose permissions are the authentication.
//!
//! It runs as a binary of its own (`llm-settings-serve`, which
//! `llm-settings serve` runs), so that the console and the command line
//! never link the server.

pub mod answer;
pub mod auth;
pub mod browsers;
pub mod connections;
pub mod deadlines;
pub mod events;
pub mod listen;
pub mod openapi;
pub mod pool;
pub mod routes;
pub mod socket;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

use crate::cli::GlobalOptions;
use crate::sanitize::one_line;
use crate::settings::Settings;

/// Serve the settings API on a unix socket
#[derive(Debug, Parser)]
#[command(name = "llm-settings-serve", version)]
pub struct ServeArgs {
    #[command(flatten)]
    pub global: GlobalOptions,
    /// The socket [default: $XDG_RUNTIME_DIR/llm-settings/api.sock, else
    /// ~/.local/state/llm-settings/api.sock]
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Make the socket 0660 for this group (else 0600, its owner alone)
    #[arg(long, value_name = "GROUP")]
    pub socket_group: Option<String>,
    /// Listen on TCP instead, loopback only (127.0.0.1:PORT, [::1]:PORT,
    /// localhost:PORT); every request but GET /health then needs
    /// Authorization: Bearer TOKEN (see llm-settings api-tokens)
    #[arg(long, value_name = "HOST:PORT", conflicts_with_all = ["socket", "socket_group"])]
    pub listen: Option<String>,
    /// Also answer to this host name (a name the server is reached by
    /// through a proxy); else only localhost, 127.0.0.1 and [::1] (repeatable)
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Let web pages of this origin call the API from a browser
    /// (https://trading.example.com); none by default (repeatable)
    #[arg(long, value_name = "URL")]
    pub cors_origin: Vec<String>,
}

/// How long requests in flight get to finish after SIGTERM or SIGINT.
pub const DRAIN: Duration = Duration::from_secs(5);

/// The server's `main`: one line and exit 1 (2 for bad input) when it
/// cannot start; exit 0 after SIGTERM or SIGINT.
pub fn main() -> ExitCode {
    let args = ServeArgs::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((status, line)) => {
            eprintln!("error: {}", one_line(&line));
            ExitCode::from(status)
        }
    }
}

fn run(args: &ServeArgs) -> Result<(), (u8, String)> {
    let failed = |error: &dyn std::fmt::Display| (1, error.to_string());
    let seconds = args
        .global
        .timeout_seconds()
        .map_err(|error| (error.exit_status(), error.to_string()))?;
    // Where to listen is checked before the database is opened.
    let tcp = args
        .listen
        .as_deref()
        .map(listen::parse)
        .transpose()
        .map_err(|refusal| (2, refusal.to_string()))?;
    let browsers = browsers::Browsers::new(&args.allow_host, &args.cors_origin)
        .map_err(|refusal| (2, refusal.to_string()))?;
    let options = args.global.open_options();
    // The master key is checked here, as for every command: a sealed store
    // does not serve.
    let settings =
        Settings::open(&options).map_err(|error| (error.exit_status(), error.to_string()))?;
    let deadline = (seconds > 0).then(|| Duration::from_secs(seconds));
    let app = Arc::new(routes::App {
        pool: pool::Pool::new(settings, options, deadline),
        gate: tcp.map(|_| auth::Gate::default()),
        feed: events::Feed::default(),
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|error| failed(&error))?;
    let router = routes::router(app, Arc::new(browsers));
    match tcp {
        Some(address) => {
            let listener = std::net::TcpListener::bind(address)
                .map_err(|error| (1, format!("cannot listen on {address}: {error}")))?;
            listener
                .set_nonblocking(true)
                .map_err(|error| failed(&error))?;
            // The port the kernel gave, when 0 was asked for.
            let bound = listener.local_addr().map_err(|error| failed(&error))?;
            eprintln!("serving the settings API on http://{bound}");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                connections::serve(listener, router, stop_signal(), DRAIN).await;
                Ok::<(), std::io::Error>(())
            })
        }
        None => {
            let (listener, path) =
                socket::bind(args.socket.as_deref(), args.socket_group.as_deref())
                    .map_err(|error| failed(&error))?;
            listener
                .set_nonblocking(true)
                .map_err(|error| failed(&error))?;
            eprintln!("serving the settings API on {}", path.display());
            let served = runtime.block_on(async move {
                let listener = tokio::net::UnixListener::from_std(listener)?;
                connections::serve(listener, router, stop_signal(), DRAIN).await;
                Ok::<(), std::io::Error>(())
            });
            let _ = std::fs::remove_file(&path);
            served
        }
    }
    .map_err(|error| failed(&error))?;
    // In-flight requests had their time; none is waited for longer.
    runtime.shutdown_timeout(DRAIN);
    Ok(())
}

/// SIGTERM or SIGINT.
async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut interrupt)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = interrupt.recv() => {}
    }
}

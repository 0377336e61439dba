//! `serve`: the settings API over HTTP, from the same store and through the same checks, transaction, audit trail and announcements as the console and the command line, on a unix socket whose permissions are the authentication.
//!
//! It runs as a binary of its own (`llm-settings-serve`, which
//! `llm-settings serve` runs), so that the console and the command line
//! never link the server.

pub mod answer;
pub mod connections;
pub mod deadlines;
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
    let options = args.global.open_options();
    // The master key is checked here, as for every command: a sealed store
    // does not serve.
    let settings =
        Settings::open(&options).map_err(|error| (error.exit_status(), error.to_string()))?;
    let (listener, path) = socket::bind(args.socket.as_deref(), args.socket_group.as_deref())
        .map_err(|error| failed(&error))?;
    listener
        .set_nonblocking(true)
        .map_err(|error| failed(&error))?;
    let deadline = (seconds > 0).then(|| Duration::from_secs(seconds));
    let app = Arc::new(routes::App {
        pool: pool::Pool::new(settings, options, deadline),
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|error| failed(&error))?;
    eprintln!("serving the settings API on {}", path.display());
    let served = runtime.block_on(async move {
        let listener = tokio::net::UnixListener::from_std(listener)?;
        connections::serve(listener, routes::router(app), stop_signal(), DRAIN).await;
        Ok::<(), std::io::Error>(())
    });
    // In-flight requests had their time; none is waited for longer.
    runtime.shutdown_timeout(DRAIN);
    let _ = std::fs::remove_file(&path);
    served.map_err(|error| failed(&error))
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

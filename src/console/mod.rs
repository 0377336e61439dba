//! The console: one tab per group of settings, in which an admin sets, toggles, tests and deletes them.
//!
//! The loop is the Elm architecture: terminal events and the worker's answers
//! arrive on one channel, [`App::update`] turns each into state and maybe a
//! command for the worker, and the screen is drawn again only when `update`
//! says something changed. An idle console writes nothing.

pub mod app;
pub mod data;
pub mod dialog;
pub mod key_field;
pub mod keys;
pub mod message;
pub mod performed;
pub mod request;
pub mod request_id;
pub mod screens;
pub mod tab;
mod terminal;
pub mod ui;
pub mod worker;

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crossterm::event;

use crate::error::Error;
use crate::settings::{OpenOptions, Settings};
pub use app::{App, Event};

/// Why the console stopped or did not start.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// Opening the settings failed (before the terminal was touched).
    #[error(transparent)]
    Settings(#[from] Error),
    #[error("terminal error: {0}")]
    Terminal(std::io::Error),
}

/// Opens the settings, then runs the console until the admin quits. A fault
/// at start (no database, a wrong master key) is returned before the
/// terminal is touched.
pub fn run(options: &OpenOptions) -> Result<(), ConsoleError> {
    let (settings, providers) = Settings::open_with_states(options)?;
    let database = format!(
        "{} {}",
        settings.location().backend_name(),
        settings.location()
    );
    let color = std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let mut app = App::with_data(database, app::Data::first_frame(providers), color);

    let mut terminal = terminal::enter().map_err(ConsoleError::Terminal)?;
    let mut worker = None;
    let result = start_and_loop(&mut app, &mut terminal, settings, &mut worker);
    terminal::restore();
    if let Some(worker) = worker {
        finish(&worker);
    }
    result
}

/// The longest the console waits, after the terminal is restored, for the
/// worker to finish: an announcement under way gets its 5 s.
const FINISH_LIMIT: Duration = Duration::from_secs(6);

/// Waits (bounded) for the worker to end, saying why when it takes a while.
fn finish(worker: &thread::JoinHandle<()>) {
    let started = Instant::now();
    let mut said = false;
    while !worker.is_finished() && started.elapsed() < FINISH_LIMIT {
        if !said && started.elapsed() > Duration::from_millis(200) {
            eprintln!("llm-settings: sending the last change's announcement to Telegram…");
            said = true;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Draws the first frame, then starts the worker and the input thread (the
/// admin sees the table sooner), then runs the loop.
fn start_and_loop(
    app: &mut App,
    terminal: &mut terminal::ConsoleTerminal,
    settings: Settings,
    worker: &mut Option<thread::JoinHandle<()>>,
) -> Result<(), ConsoleError> {
    terminal
        .draw(|frame| ui::render(app, frame))
        .map_err(ConsoleError::Terminal)?;
    app.take_dirty();

    let (events, inbox) = mpsc::channel::<Event>();
    let (commands, worker_inbox) = mpsc::channel();
    *worker = Some(
        worker::spawn(settings, worker_inbox, events.clone(), Event::worker)
            .map_err(ConsoleError::Terminal)?,
    );
    // Terminal input is read on a thread of its own so that the loop below
    // waits on one channel for keys and the worker's answers alike.
    thread::Builder::new()
        .name("llm-settings-input".into())
        .spawn(move || {
            while let Ok(event) = event::read() {
                if events.send(Event::Terminal(event)).is_err() {
                    break;
                }
            }
        })
        .map_err(ConsoleError::Terminal)?;
    event_loop(app, terminal, &inbox, &commands)
}

fn event_loop(
    app: &mut App,
    terminal: &mut terminal::ConsoleTerminal,
    inbox: &mpsc::Receiver<Event>,
    commands: &mpsc::Sender<request::Request>,
) -> Result<(), ConsoleError> {
    while app.is_running() {
        if app.take_dirty() {
            terminal
                .draw(|frame| ui::render(app, frame))
                .map_err(ConsoleError::Terminal)?;
        }
        let Ok(event) = inbox.recv() else {
            break;
        };
        if let Some(command) = app.update(event) {
            // The worker only stops when this loop does.
            let _ = commands.send(command);
        }
    }
    Ok(())
}

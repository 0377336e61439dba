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
pub mod silence;
pub mod tab;
mod terminal;
pub mod ui;
pub mod worker;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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
/// `opened` is called once the settings are open: from there on the
/// console bounds its own waits (the command line's deadline ends).
pub fn run(options: &OpenOptions, opened: impl FnOnce()) -> Result<(), ConsoleError> {
    let (settings, providers) = Settings::open_with_states(options)?;
    opened();
    let database = format!(
        "{} {}",
        settings.location().backend_name(),
        settings.location()
    );
    let color = std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let mut app = App::with_data(database, app::Data::first_frame(providers), color);

    let mut terminal = terminal::enter().map_err(ConsoleError::Terminal)?;
    let announcing = Arc::new(AtomicUsize::new(0));
    let result = start_and_loop(&mut app, &mut terminal, settings, &announcing);
    terminal::restore();
    let quit_at = result.as_ref().ok().and_then(|quit_at| *quit_at);
    for fate in app.fates(crate::store::write_phase()) {
        eprintln!("llm-settings: {fate}");
    }
    finish(&announcing, quit_at.unwrap_or_else(Instant::now));
    result.map(drop)
}

/// The longest quitting takes from the key, an announcement under way
/// included (it has 5 s of its own).
const QUIT_LIMIT: Duration = Duration::from_millis(6500);

/// Gives an announcement under way the rest of its time, saying so; with
/// none, returns at once. The worker is not waited for: it may be waiting
/// on a database that does not answer, and ends with the process.
fn finish(announcing: &AtomicUsize, quit_at: Instant) {
    let mut said = false;
    while announcing.load(Ordering::SeqCst) > 0 && quit_at.elapsed() < QUIT_LIMIT {
        if !said {
            eprintln!("llm-settings: sending the last change's announcement to Telegram…");
            said = true;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Draws the first frame, then starts the worker and the input thread (the
/// admin sees the table sooner), then runs the loop.
fn start_and_loop(
    app: &mut App,
    terminal: &mut terminal::ConsoleTerminal,
    settings: Settings,
    announcing: &Arc<AtomicUsize>,
) -> Result<Option<Instant>, ConsoleError> {
    terminal
        .draw(|frame| ui::render(app, frame))
        .map_err(ConsoleError::Terminal)?;
    app.take_dirty();

    let (events, inbox) = mpsc::channel::<Event>();
    let (commands, worker_inbox) = mpsc::channel();
    let clock = silence::WaitClock::default();
    worker::spawn(
        settings,
        worker_inbox,
        events.clone(),
        Event::worker,
        clock.clone(),
        Arc::clone(announcing),
    )
    .map_err(ConsoleError::Terminal)?;
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
    event_loop(app, terminal, &inbox, &commands, &clock)
}

/// How often the loop looks at how long the worker has waited, when
/// nothing else happens: it draws only if the status line changes.
const TICK: Duration = Duration::from_secs(1);

/// Runs until the admin quits; returns when quit was pressed, if it waited
/// for a change in flight.
fn event_loop(
    app: &mut App,
    terminal: &mut terminal::ConsoleTerminal,
    inbox: &mpsc::Receiver<Event>,
    commands: &mpsc::Sender<request::Request>,
    clock: &silence::WaitClock,
) -> Result<Option<Instant>, ConsoleError> {
    let mut quit_at = None;
    while app.is_running() {
        if app.take_dirty() {
            terminal
                .draw(|frame| ui::render(app, frame))
                .map_err(ConsoleError::Terminal)?;
        }
        let mut wait = TICK;
        if app.quit_requested() {
            let since: &mut Instant = quit_at.get_or_insert_with(Instant::now);
            match app::QUIT_WAIT.checked_sub(since.elapsed()) {
                Some(left) => wait = wait.min(left),
                None => break,
            }
        }
        let event = match inbox.recv_timeout(wait) {
            Ok(event) => event,
            Err(mpsc::RecvTimeoutError::Timeout) => Event::Tick(clock.waited()),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if let Some(command) = app.update(event) {
            // The worker only stops when this loop does.
            let _ = commands.send(command);
        }
    }
    Ok(quit_at)
}

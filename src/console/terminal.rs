//! The terminal's lifecycle in one place: enter, restore on quit, on error and on panic.

use std::io::{self, BufWriter, Stdout, Write};

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Frames are written through one buffer large enough for a whole screen, so
/// that each frame leaves in one write (ratatui flushes after each draw).
pub type ConsoleTerminal = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

const FRAME_BUFFER_BYTES: usize = 64 * 1024;

/// Puts the terminal back as the shell had it: bracketed paste off, the main
/// screen back, the cursor shown, raw mode off. Safe to call more than once.
pub fn restore() {
    let mut stdout = io::stdout();
    let _ = crossterm::execute!(stdout, DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = stdout.flush();
    let _ = disable_raw_mode();
}

/// Enters raw mode and the alternate screen with bracketed paste, after
/// installing a panic hook that restores the terminal before the panic
/// report (color-eyre's, installed first) is printed.
pub fn enter() -> io::Result<ConsoleTerminal> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode()?;
    let entered = crossterm::execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)
        .and_then(|()| {
            Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
                FRAME_BUFFER_BYTES,
                io::stdout(),
            )))
        });
    if entered.is_err() {
        restore();
    }
    entered
}

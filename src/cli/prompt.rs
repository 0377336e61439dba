//! The hidden prompt of `providers set` on a terminal: nothing typed or pasted is echoed.

use std::io::{self, Write};

use crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEventKind, KeyModifiers,
};
use crossterm::terminal;
use zeroize::Zeroizing;

/// What the admin did at the prompt.
pub enum PromptOutcome {
    Entered(Zeroizing<String>),
    Cancelled,
}

/// Puts the terminal back as it was, however the prompt ends (Enter, Ctrl-C,
/// an error or a panic): a shell left without echo is a broken terminal.
struct RawModeGuard;

impl RawModeGuard {
    fn enable() -> io::Result<Self> {
        terminal::enable_raw_mode()?;
        let guard = RawModeGuard;
        crossterm::execute!(io::stderr(), EnableBracketedPaste)?;
        Ok(guard)
    }
}

impl Drop for RawModeGuard {
    fn drop(&mut self) {
        let _ = crossterm::execute!(io::stderr(), DisableBracketedPaste);
        let _ = terminal::disable_raw_mode();
    }
}

/// Shows `prompt` on stderr and reads a line without echoing it. A paste
/// arrives whole (bracketed paste), so a line break inside it does not submit.
/// Enter submits; Ctrl-C, Ctrl-D on an empty line, or Esc cancel.
pub fn read_hidden(prompt: &str) -> io::Result<PromptOutcome> {
    let mut stderr = io::stderr();
    write!(stderr, "{prompt}")?;
    stderr.flush()?;
    let outcome = {
        let _guard = RawModeGuard::enable()?;
        read_until_enter()?
    };
    writeln!(stderr)?;
    Ok(outcome)
}

fn read_until_enter() -> io::Result<PromptOutcome> {
    let mut text = Zeroizing::new(String::new());
    loop {
        match event::read()? {
            Event::Paste(pasted) => {
                let pasted = Zeroizing::new(pasted);
                text.push_str(&pasted);
            }
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                let control = key.modifiers.contains(KeyModifiers::CONTROL);
                match key.code {
                    KeyCode::Enter => return Ok(PromptOutcome::Entered(text)),
                    KeyCode::Esc => return Ok(PromptOutcome::Cancelled),
                    KeyCode::Char('c') if control => return Ok(PromptOutcome::Cancelled),
                    KeyCode::Char('d') if control && text.is_empty() => {
                        return Ok(PromptOutcome::Cancelled);
                    }
                    KeyCode::Char('u') if control => text.clear(),
                    KeyCode::Backspace => {
                        text.pop();
                    }
                    KeyCode::Char(c) if !control => text.push(c),
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

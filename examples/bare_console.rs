//! The floor the console's terminal figures are compared with: a bare
//! ratatui app with a list of five lines and a masked input field, drawn
//! once at start and again only after an event. Esc or Ctrl-C quits.
//! `benches/terminal.rs` measures it beside llm-settings in the same run.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use std::io;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::widgets::{Block, Clear, List, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

const ITEMS: [&str; 5] = ["alpha", "bravo", "charlie", "delta", "echo"];

fn main() -> io::Result<()> {
    let mut terminal = ratatui::init();
    let mut input = Input::default();
    let result = (|| {
        terminal.draw(|frame| render(frame, &input))?;
        loop {
            let event = event::read()?;
            if let Event::Key(key) = &event
                && key.kind == KeyEventKind::Press
            {
                let ctrl_c =
                    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
                if key.code == KeyCode::Esc || ctrl_c {
                    return Ok(());
                }
                input.handle_event(&event);
            }
            terminal.draw(|frame| render(frame, &input))?;
        }
    })();
    ratatui::restore();
    result
}

fn render(frame: &mut Frame, input: &Input) {
    let area = frame.area();
    frame.render_widget(
        List::new(ITEMS).block(Block::bordered().title("Items")),
        area,
    );
    let popup = area.centered(Constraint::Length(50), Constraint::Length(3));
    frame.render_widget(Clear, popup);
    let masked = "•".repeat(input.value().chars().count());
    frame.render_widget(
        Paragraph::new(masked).block(Block::bordered().title("API key")),
        popup,
    );
    let x = u16::try_from(input.visual_cursor()).unwrap_or(0);
    frame.set_cursor_position((popup.x + 1 + x, popup.y + 1));
}

//! Boxes drawn over a screen: where they go, and the help overlay.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::Theme;

/// Draws a cleared, bordered box of `width` x `height` titled `title`, and
/// returns its inside. It goes in the middle of `preferred` (the part of
/// the screen the screen itself leaves free, below its rows) when it fits
/// there, else in the middle of `area`.
pub fn popup(
    frame: &mut Frame,
    preferred: Rect,
    area: Rect,
    size: (u16, u16),
    title: String,
    theme: Theme,
) -> Rect {
    let (width, height) = size;
    let width = width.min(area.width.saturating_sub(2));
    let region = if preferred.height >= height {
        preferred
    } else {
        area
    };
    let height = height.min(region.height);
    let rect = region.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(Span::styled(title, theme.title()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

/// The part of a screen's bordered `body` below its first `rows` rows
/// (counted from the top of the body), inside its bottom border: where a
/// dialog leaves the rows above it in view.
pub fn below(body: Rect, rows: u16) -> Rect {
    let top = body.y.saturating_add(rows).min(body.bottom());
    Rect {
        y: top,
        height: body.bottom().saturating_sub(1).saturating_sub(top),
        ..body
    }
}

/// The help overlay: each section's title and its keys.
pub fn render_help(
    frame: &mut Frame,
    preferred: Rect,
    area: Rect,
    sections: Vec<(&'static str, Vec<(String, &'static str)>)>,
    theme: Theme,
) {
    let mut lines = Vec::new();
    for (title, entries) in sections {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(title.to_owned(), theme.title()));
        for (keys, help) in entries {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<10} "), theme.key()),
                Span::raw(help),
            ]));
        }
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let inner = popup(
        frame,
        preferred,
        area,
        (72, height),
        " Help ".to_owned(),
        theme,
    );
    frame.render_widget(Paragraph::new(lines), inner);
}

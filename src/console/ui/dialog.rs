//! What every dialog draws the same way: the notice of its state, and its fields.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use tui_input::Input;

use super::Theme;
use crate::console::dialog::DialogState;
use crate::sanitize::printable;

/// The notice a dialog's state calls for, if any: saving, another admin's
/// change, a failure, a refusal. `None` while it is being edited, when the
/// dialog says what it has to say itself.
pub fn state_notice(state: &DialogState, theme: Theme) -> Option<Vec<Line<'static>>> {
    match state {
        DialogState::Editing => None,
        DialogState::Saving(_) => Some(vec![Line::styled("Saving…", theme.warning())]),
        DialogState::Conflict(conflict) => {
            let who = conflict.changed_by.as_deref().unwrap_or("another admin");
            let when = conflict.changed_at.map_or_else(String::new, |at| {
                at.format(" at %Y-%m-%d %H:%M UTC").to_string()
            });
            Some(vec![
                Line::styled(
                    format!(
                        "{} was changed by {who}{when} after this dialog opened; {}.",
                        conflict.subject, conflict.now
                    ),
                    theme.warning(),
                ),
                Line::styled(
                    "Press Enter again to replace it, or Esc to keep it.",
                    theme.warning(),
                ),
            ])
        }
        DialogState::Failed(error) => Some(vec![Line::styled(
            format!("Not saved: {}", printable(error)),
            theme.error(),
        )]),
        DialogState::Refused(refusal) => {
            Some(vec![Line::styled(printable(refusal), theme.error())])
        }
    }
}

/// "Enter saves, Esc cancels."
pub fn save_or_cancel(theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled("Enter", theme.key()),
        Span::raw(" saves, "),
        Span::styled("Esc", theme.key()),
        Span::raw(" cancels."),
    ])
}

/// The drawn cursor of the masked field: the terminal's own cursor stays
/// hidden, which spares the two sequences that show and move it on every
/// key typed.
const CURSOR: char = '▏';

/// One `•` per character and the cursor mark at the cursor, scrolled so
/// that the cursor stays in view; without the cursor while saving.
pub fn masked_field(len: usize, cursor: Option<usize>, width: usize) -> String {
    let Some(cursor) = cursor else {
        return "•".repeat(len.min(width));
    };
    let room = width.saturating_sub(1).max(1);
    let visible = len.min(room);
    let first = cursor.saturating_sub(visible).min(len - visible);
    let before = cursor - first;
    let after = visible - before.min(visible);
    let mut text = String::with_capacity((visible + 1) * 3);
    text.extend(std::iter::repeat_n('•', before));
    text.push(CURSOR);
    text.extend(std::iter::repeat_n('•', after));
    text
}

/// A bordered box around one line of text; returns the line's area.
pub fn field_box(frame: &mut Frame, area: Rect) -> Rect {
    let block = Block::bordered();
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// A text field: its visible part, scrolled to the cursor, and the
/// terminal's cursor placed on it while `editing`.
pub fn text_field(frame: &mut Frame, area: Rect, input: &Input, editing: bool) {
    let inner = field_box(frame, area);
    let width = usize::from(inner.width.max(1));
    let scroll = input.visual_scroll(width.saturating_sub(1));
    let visible: String = printable(input.value())
        .chars()
        .skip(scroll)
        .take(width)
        .collect();
    frame.render_widget(Line::from(visible), inner);
    if editing {
        let x = input.visual_cursor().saturating_sub(scroll);
        let x = inner.x + u16::try_from(x).unwrap_or(inner.width);
        frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y));
    }
}

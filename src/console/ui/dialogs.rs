//! The dialogs drawn over the table: the key, the base URL, the delete confirmation and the help.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::Theme;
use crate::console::app::{App, BaseUrlDialog, KeyDialog};
use crate::console::keys;
use crate::provider::Provider;
use crate::sanitize::printable;

/// The rows above this line hold the header and the five providers, which
/// a dialog leaves in view when the terminal is tall enough.
const TABLE_BOTTOM: u16 = 9;

/// A box of `width` x `height`, cleared: below the provider rows when it
/// fits there, else in the middle of `area`.
fn popup(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    height: u16,
    title: String,
    theme: Theme,
) -> Rect {
    let width = width.min(area.width.saturating_sub(2));
    let below_table = Rect {
        y: area.y + TABLE_BOTTOM,
        height: area.height.saturating_sub(TABLE_BOTTOM + 3),
        ..area
    };
    let region = if below_table.height >= height {
        below_table
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

/// The drawn cursor of the key field: the terminal's own cursor stays
/// hidden, which spares the two sequences that show and move it on every
/// key typed.
const CURSOR: char = '▏';

/// One `•` per character and the cursor mark at the cursor, scrolled so
/// that the cursor stays in view.
fn masked_field(len: usize, cursor: usize, width: usize) -> String {
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

pub fn render_key_dialog(dialog: &KeyDialog, frame: &mut Frame, area: Rect, theme: Theme) {
    let provider = dialog.provider;
    let inner = popup(
        frame,
        area,
        72,
        10,
        format!(" Key for {} ", provider.display_name()),
        theme,
    );
    let [intro, field, count, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Line::styled("Type or paste the key. It is never shown.", theme.dim()),
        intro,
    );
    let field_block = Block::bordered();
    let field_inner = field_block.inner(field);
    frame.render_widget(field_block, field);
    let shown = if dialog.saving {
        "•".repeat(dialog.field.len().min(usize::from(field_inner.width)))
    } else {
        masked_field(
            dialog.field.len(),
            dialog.field.cursor(),
            usize::from(field_inner.width),
        )
    };
    frame.render_widget(Line::from(shown), field_inner);
    let characters = match dialog.field.len() {
        1 => "1 character".to_owned(),
        n => format!("{n} characters"),
    };
    // Unstyled: it changes with every key typed, and a colour would be
    // sent again each time.
    frame.render_widget(Line::from(characters), count);
    frame.render_widget(
        Paragraph::new(key_notice(dialog, theme)).wrap(Wrap { trim: true }),
        notice,
    );
}

/// The most important thing to say under the field, first.
fn key_notice(dialog: &KeyDialog, theme: Theme) -> Vec<Line<'static>> {
    let provider = dialog.provider;
    if dialog.saving {
        return vec![Line::styled("Saving…", theme.warning())];
    }
    if let Some(state) = &dialog.conflict {
        let who = printable(state.changed_by.as_deref().unwrap_or("another admin"));
        let when = state.changed_at.map_or_else(String::new, |at| {
            at.format(" at %Y-%m-%d %H:%M UTC").to_string()
        });
        let now = match &state.status.key_hint {
            Some(hint) => format!("its key is now {}", printable(hint)),
            None => "it has no key now".to_owned(),
        };
        return vec![
            Line::styled(
                format!(
                    "{} was changed by {who}{when} after this dialog opened; {now}.",
                    provider.display_name()
                ),
                theme.warning(),
            ),
            Line::styled(
                "Press Enter again to replace it, or Esc to keep it.",
                theme.warning(),
            ),
        ];
    }
    if let Some(error) = &dialog.error {
        return vec![Line::styled(
            format!("Not saved: {}", printable(error)),
            theme.error(),
        )];
    }
    if let Some(refusal) = &dialog.refusal {
        return vec![Line::styled(refusal.clone(), theme.error())];
    }
    let entered = dialog.field.expose().trim();
    if !entered.is_empty() && !provider.key_may_look_right(entered) {
        return vec![Line::styled(
            format!(
                "This does not look like a key of {} ({}…); Enter saves it anyway.",
                provider.display_name(),
                provider.key_prefixes().join("… or ")
            ),
            theme.warning(),
        )];
    }
    vec![Line::from(vec![
        Span::styled("Enter", theme.key()),
        Span::raw(" saves, "),
        Span::styled("Esc", theme.key()),
        Span::raw(" cancels."),
    ])]
}

pub fn render_base_url_dialog(dialog: &BaseUrlDialog, frame: &mut Frame, area: Rect, theme: Theme) {
    let title = format!(" Base URL for {} ", dialog.provider.display_name());
    let inner = popup(frame, area, 72, 7, title, theme);
    let [intro, field, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Line::styled("Empty resets to the provider's default.", theme.dim()),
        intro,
    );
    let field_block = Block::bordered();
    let field_inner = field_block.inner(field);
    frame.render_widget(field_block, field);
    let width = usize::from(field_inner.width.max(1));
    let scroll = dialog.input.visual_scroll(width.saturating_sub(1));
    let visible: String = printable(dialog.input.value())
        .chars()
        .skip(scroll)
        .take(width)
        .collect();
    frame.render_widget(Line::from(visible), field_inner);
    if !dialog.saving {
        let x = dialog.input.visual_cursor().saturating_sub(scroll);
        let x = field_inner.x + u16::try_from(x).unwrap_or(field_inner.width);
        frame.set_cursor_position((x.min(field_inner.right().saturating_sub(1)), field_inner.y));
    }
    let line = match (&dialog.refusal, dialog.saving) {
        (_, true) => Line::styled("Saving…", theme.warning()),
        (Some(refusal), false) => Line::styled(printable(refusal), theme.error()),
        (None, false) => Line::from(vec![
            Span::styled("Enter", theme.key()),
            Span::raw(" saves, "),
            Span::styled("Esc", theme.key()),
            Span::raw(" cancels."),
        ]),
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), notice);
}

pub fn render_confirm_delete(
    app: &App,
    provider: Provider,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let hint = app
        .providers
        .iter()
        .find(|state| state.status.provider == provider)
        .and_then(|state| state.status.key_hint.clone())
        .unwrap_or_default();
    let inner = popup(frame, area, 56, 6, " Delete key ".to_owned(), theme);
    let lines = vec![
        Line::from(format!(
            "Delete the key of {} ({})?",
            provider.display_name(),
            printable(&hint)
        )),
        Line::styled("The provider becomes inactive.", theme.dim()),
        Line::default(),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" delete   "),
            Span::styled("n", theme.key()),
            Span::raw(" keep"),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn render_help(frame: &mut Frame, area: Rect, theme: Theme) {
    let mut lines = Vec::new();
    let mut section = |title: &str, entries: Vec<(String, &'static str)>| {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(title.to_owned(), theme.title()));
        for (keys, help) in entries {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<9}"), theme.key()),
                Span::raw(help),
            ]));
        }
    };
    section("Providers", keys::help_lines(keys::BROWSE));
    section("Key and base URL dialogs", keys::help_lines(keys::DIALOG));
    section("Delete confirmation", keys::help_lines(keys::CONFIRM));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let inner = popup(frame, area, 72, height, " Help ".to_owned(), theme);
    frame.render_widget(Paragraph::new(lines), inner);
}

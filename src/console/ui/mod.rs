//! Drawing: a pure function of the console's state. Nothing here does I/O or changes the state.

mod dialogs;
mod table;
mod theme;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Mode, Severity};
use super::keys::{self, Binding};
use crate::sanitize::printable;
use crate::secret::OpenError;
pub use theme::Theme;

/// The smallest terminal the console draws in.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(app.color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(frame, area, theme);
        return;
    }
    // One line each for the header and the three lines at the bottom; the
    // table takes the rest. Arithmetic, not a `Layout`: the first frame
    // would otherwise wait for the constraint solver.
    let line = |y| Rect {
        y,
        height: 1,
        ..area
    };
    let header = line(area.y);
    let body = Rect {
        y: area.y + 1,
        height: area.height - 4,
        ..area
    };
    let [detail, status, footer] = [3, 2, 1].map(|from_bottom| line(area.bottom() - from_bottom));
    render_header(app, frame, header, theme);
    table::render(app, frame, body, theme);
    render_detail(app, frame, detail, theme);
    render_status(app, frame, status, theme);
    render_footer(app, frame, footer, theme);
    match &app.mode {
        Mode::Browse => {}
        Mode::Help => dialogs::render_help(frame, area, theme),
        Mode::ConfirmDelete(provider) => {
            dialogs::render_confirm_delete(app, *provider, frame, area, theme)
        }
        Mode::EditKey(dialog) => dialogs::render_key_dialog(dialog, frame, area, theme),
        Mode::EditBaseUrl(dialog) => dialogs::render_base_url_dialog(dialog, frame, area, theme),
    }
}

fn render_too_small(frame: &mut Frame, area: Rect, theme: Theme) {
    let text = format!(
        "Terminal too small ({}x{}): llm-settings needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
        area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(text)
            .style(theme.warning())
            .wrap(Wrap { trim: true }),
        area,
    );
}

fn render_header(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let line = Line::from(vec![
        Span::styled(" llm-settings ", theme.title()),
        Span::styled(printable(&app.database), theme.dim()),
    ]);
    frame.render_widget(line, area);
}

/// One line about the selected provider: why its key is unreadable, if it
/// is, else its key's fingerprint, its base URL and its last test.
fn render_detail(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(state) = app.selected_state() else {
        return;
    };
    let name = state.status.provider.display_name();
    let line = if let Some(fault) = &state.fault {
        let reason = match fault {
            OpenError::OtherMasterKey { .. } => "another master key",
            OpenError::UnknownVersion(_) => "unknown format",
            OpenError::Truncated | OpenError::Tampered => "altered or copied",
        };
        Line::styled(
            format!(" {name}: key unreadable ({reason}); Enter sets it again"),
            theme.error(),
        )
    } else {
        // The name is left out (the table marks the selection), so that
        // moving the selection rewrites only what differs.
        let url = match &state.base_url {
            Some(url) => Span::raw(printable(url)),
            None => Span::styled("default", theme.dim()),
        };
        let fingerprint = state.fingerprint.as_deref().unwrap_or("-");
        let mut spans = vec![
            Span::raw(format!(" Fingerprint {fingerprint:<8}  Base URL ")),
            url,
        ];
        if let Some(record) = app.tests.get(&state.status.provider) {
            spans.push(Span::raw(format!(
                "  Tested {}: {}",
                record.at.format("%H:%M"),
                printable(&record.result.detail)
            )));
        }
        Line::from(spans)
    };
    frame.render_widget(line, area);
}

/// The last message, then what is under way.
fn render_status(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let mut spans = Vec::new();
    if let Some(message) = &app.message {
        let style = match message.severity {
            Severity::Info => theme.good(),
            Severity::Error => theme.error(),
        };
        spans.push(Span::styled(
            format!(" {}", printable(&message.text)),
            style,
        ));
    }
    if let Some(busy) = app.busy() {
        spans.push(Span::styled(format!(" … {busy}"), theme.warning()));
    }
    frame.render_widget(Line::from(spans), area);
}

fn render_footer(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let line = match &app.mode {
        Mode::Browse => footer_line(keys::BROWSE, area.width, theme),
        Mode::Help => Line::styled(" any key closes the help", theme.dim()),
        Mode::ConfirmDelete(_) => footer_line(keys::CONFIRM, area.width, theme),
        Mode::EditKey(_) | Mode::EditBaseUrl(_) => footer_line(keys::DIALOG, area.width, theme),
    };
    frame.render_widget(line, area);
}

/// The footer for `table`, with as many entries as fit in `width`. The last
/// two entries (help and quit in the table) are always kept: help lists all
/// the rest.
fn footer_line<A>(table: &[Binding<A>], width: u16, theme: Theme) -> Line<'static> {
    let entries = keys::footer_entries(table);
    let entry_width = |(keys, word): &(String, &str)| 1 + keys.chars().count() + 1 + word.len() + 1;
    let kept_at_end = entries.len().saturating_sub(2);
    let reserved: usize = entries[kept_at_end..].iter().map(entry_width).sum();
    let mut budget = usize::from(width).saturating_sub(reserved);
    let mut shown = Vec::new();
    for entry in &entries[..kept_at_end] {
        if entry_width(entry) > budget {
            break;
        }
        budget -= entry_width(entry);
        shown.push(entry);
    }
    shown.extend(&entries[kept_at_end..]);
    let mut spans = Vec::new();
    for (keys, word) in shown {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(keys.clone(), theme.key()));
        spans.push(Span::raw(format!(" {word} ")));
    }
    Line::from(spans)
}

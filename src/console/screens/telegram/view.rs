//! Drawing the Telegram tab: one line a setting, the last test, and the token, chat and base URL dialogs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Mode, TelegramScreen, TextEntry, TokenEntry};
use crate::connection_test::TestOutcome;
use crate::console::data::Data;
use crate::console::dialog::Dialog;
use crate::console::screens::Areas;
use crate::console::ui::dialog::{
    field_box, masked_field, save_or_cancel, state_notice, text_field,
};
use crate::console::ui::popup::{below, popup};
use crate::console::ui::theme::Theme;
use crate::sanitize::{Printable, printable};
use crate::telegram::{DEFAULT_BASE_URL, TelegramState};

/// The labels' width, before the values.
const LABEL: usize = 16;

pub fn render(screen: &TelegramScreen, data: &Data, frame: &mut Frame, areas: Areas, theme: Theme) {
    let state = match &data.telegram {
        None => {
            let block = Block::bordered().title(" Telegram ");
            let inner = block.inner(areas.body);
            frame.render_widget(block, areas.body);
            frame.render_widget(
                Line::styled(" Reading the bot's settings…", theme.dim()),
                inner,
            );
            return;
        }
        Some(Err(error)) => {
            let block = Block::bordered().title(" Telegram: cannot be read ");
            let inner = block.inner(areas.body);
            frame.render_widget(block, areas.body);
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!(" {}", printable(error)),
                    theme.error(),
                ))
                .wrap(Wrap { trim: true }),
                inner,
            );
            return;
        }
        Some(Ok(state)) => state,
    };
    let mut block = Block::bordered().title(" Telegram ");
    block = block.title_bottom(match (&state.changed_at, &state.changed_by) {
        (Some(at), Some(by)) => format!(
            " revision {}, changed {} UTC by {} ",
            state.revision,
            at.format("%m-%d %H:%M"),
            by
        ),
        _ => " never changed ".to_owned(),
    });
    let inner = block.inner(areas.body);
    frame.render_widget(block, areas.body);
    let settings = lines(screen, state, theme);
    let rows = settings.len() as u16;
    frame.render_widget(Paragraph::new(settings), inner);
    // The last test's detail (Telegram's description and the hint) can be
    // long: it wraps under the values, never cut at the border.
    if let Some(test) = state.last_test.as_ref().filter(|_| !screen.testing()) {
        let indent = (2 + LABEL) as u16;
        let area = Rect {
            x: inner.x + indent.min(inner.width),
            y: inner.y + rows.min(inner.height),
            width: inner.width.saturating_sub(indent + 1),
            height: inner.height.saturating_sub(rows),
        };
        frame.render_widget(
            Paragraph::new(test.detail.to_string()).wrap(Wrap { trim: true }),
            area,
        );
    }
    frame.render_widget(detail(state, theme), areas.detail);

    let free = below(areas.body, 2 + 6 + 1);
    match &screen.mode {
        Mode::Browse => {}
        Mode::ConfirmDelete => render_confirm_delete(state, frame, free, areas.screen, theme),
        Mode::Token(dialog) => render_token_dialog(dialog, frame, free, areas.screen, theme),
        Mode::Chat(dialog) => render_text_dialog(
            dialog,
            " Chat ",
            "A whole number (-1001234567890 for a group) or a public @channelname.",
            frame,
            free,
            areas.screen,
            theme,
        ),
        Mode::BaseUrl(dialog) => render_text_dialog(
            dialog,
            " Bot API base URL ",
            "Empty uses Telegram's own API.",
            frame,
            free,
            areas.screen,
            theme,
        ),
    }
}

fn line(label: &str, value: Vec<Span<'static>>) -> Line<'static> {
    let mut spans = vec![Span::raw(format!("  {label:<LABEL$}"))];
    spans.extend(value);
    Line::from(spans)
}

fn lines(screen: &TelegramScreen, state: &TelegramState, theme: Theme) -> Vec<Line<'static>> {
    let status = &state.status;
    let on_off = |on: bool| {
        if on {
            Span::styled("on", theme.good())
        } else {
            Span::styled("off", theme.dim())
        }
    };
    let or_not_set = |value: &Option<Printable>| match value {
        Some(value) => Span::raw(value.to_string()),
        None => Span::styled("not set", theme.dim()),
    };
    let token = match (&status.token_hint, &state.fault) {
        (Some(hint), Some(_)) => vec![
            Span::raw(hint.to_string()),
            Span::styled("  unreadable: Enter sets it again", theme.error()),
        ],
        _ => vec![or_not_set(&status.token_hint)],
    };
    let base_url = match &state.base_url {
        Some(url) => Span::raw(url.to_string()),
        None => Span::styled(format!("{DEFAULT_BASE_URL} (the default)"), theme.dim()),
    };
    let last_test = if screen.testing() {
        vec![Span::styled("…", theme.warning())]
    } else {
        match &state.last_test {
            None => vec![Span::styled("never", theme.dim())],
            Some(test) => {
                let style = if test.outcome == TestOutcome::Ok {
                    theme.good()
                } else {
                    theme.error()
                };
                vec![
                    Span::styled(test.outcome.label(), style),
                    Span::raw(format!(" at {} UTC", test.at.format("%m-%d %H:%M"))),
                ]
            }
        }
    };
    vec![
        line("Token", token),
        line("Chat", vec![or_not_set(&status.chat_id)]),
        line("Bot", vec![on_off(status.is_enabled)]),
        line("Announcements", vec![on_off(status.notify_changes)]),
        line("Base URL", vec![base_url]),
        line("Last test", last_test),
    ]
}

/// What to do next, as one line.
fn detail(state: &TelegramState, theme: Theme) -> Line<'static> {
    let status = &state.status;
    let text = if !status.is_configured {
        " Enter sets the bot's token (from BotFather) and its chat."
    } else if !status.is_enabled {
        " The bot is off: the system sends no alerts. Space turns it on."
    } else if state
        .last_test
        .as_ref()
        .is_none_or(|test| test.outcome != TestOutcome::Ok)
    {
        " t sends a test message to the chat."
    } else {
        " The bot sends the system's alerts to the chat."
    };
    Line::styled(text, theme.dim())
}

fn render_token_dialog(
    dialog: &Dialog<TokenEntry>,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let entry = &dialog.content;
    let asks_chat = entry.chat.is_some();
    let height = if asks_chat { 14 } else { 10 };
    let inner = popup(
        frame,
        free,
        area,
        (72, height),
        " Telegram bot token ".to_owned(),
        theme,
    );
    let mut constraints = vec![
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(1),
    ];
    if asks_chat {
        constraints.extend([Constraint::Length(1), Constraint::Length(3)]);
    }
    constraints.push(Constraint::Min(1));
    let areas = Layout::vertical(constraints).split(inner);
    frame.render_widget(
        Line::styled(
            "Type or paste the token from BotFather. It is never shown.",
            theme.dim(),
        ),
        areas[0],
    );
    let field_inner = field_box(frame, areas[1]);
    let cursor = (!dialog.is_saving() && !entry.on_chat).then(|| entry.field.cursor());
    frame.render_widget(
        Line::from(masked_field(
            entry.field.len(),
            cursor,
            usize::from(field_inner.width),
        )),
        field_inner,
    );
    let characters = match entry.field.len() {
        1 => "1 character".to_owned(),
        n => format!("{n} characters"),
    };
    frame.render_widget(Line::from(characters), areas[2]);
    let notice = if let Some(chat) = &entry.chat {
        frame.render_widget(
            Line::styled(
                "No chat is set: the chat to send to (Tab moves here).",
                theme.dim(),
            ),
            areas[3],
        );
        text_field(frame, areas[4], chat, entry.on_chat && !dialog.is_saving());
        areas[5]
    } else {
        areas[3]
    };
    let lines = state_notice(&dialog.state, theme).unwrap_or_else(|| {
        let typed = entry.field.expose().trim();
        if !typed.is_empty() && !may_become_a_token(typed) {
            vec![Line::styled(
                "This does not look like a bot token (123456789:ABC…); Enter saves it anyway.",
                theme.warning(),
            )]
        } else {
            vec![save_or_cancel(theme)]
        }
    });
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), notice);
}

/// Whether a token still being typed can become one shaped like
/// BotFather's: digits, then `:`, then letters, digits, `_` or `-`.
fn may_become_a_token(partial: &str) -> bool {
    let (number, rest) = partial.split_once(':').unwrap_or((partial, ""));
    number.bytes().all(|b| b.is_ascii_digit())
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn render_text_dialog(
    dialog: &Dialog<TextEntry>,
    title: &str,
    intro: &str,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let inner = popup(frame, free, area, (72, 7), title.to_owned(), theme);
    let [intro_area, field, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(Line::styled(intro.to_owned(), theme.dim()), intro_area);
    text_field(frame, field, &dialog.content.input, !dialog.is_saving());
    let lines = state_notice(&dialog.state, theme).unwrap_or_else(|| vec![save_or_cancel(theme)]);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), notice);
}

fn render_confirm_delete(
    state: &TelegramState,
    frame: &mut Frame,
    free: Rect,
    area: Rect,
    theme: Theme,
) {
    let inner = popup(
        frame,
        free,
        area,
        (56, 6),
        " Delete the bot token ".to_owned(),
        theme,
    );
    let hint = state.status.token_hint.clone().unwrap_or_default();
    let lines = vec![
        Line::from(format!("Delete the bot token ({hint})?")),
        Line::styled("The bot goes off; the chat stays.", theme.dim()),
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

//! Drawing: a pure function of the console's state. Nothing here does I/O or changes the state.

pub mod dialog;
pub mod popup;
pub mod table;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::App;
use super::keys;
use super::message::Severity;
use super::screens::Areas;
use super::tab::Tab;
use crate::sanitize::printable;
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
    // One line each for the header, the tab bar and the three lines at the
    // bottom; the screen takes the rest. Arithmetic, not a `Layout`: the
    // first frame would otherwise wait for the constraint solver.
    let line = |y| Rect {
        y,
        height: 1,
        ..area
    };
    let header = line(area.y);
    let tabs = line(area.y + 1);
    let body = Rect {
        y: area.y + 2,
        height: area.height - 5,
        ..area
    };
    let [detail, status, footer] = [3, 2, 1].map(|from_bottom| line(area.bottom() - from_bottom));
    render_header(app, frame, header, theme);
    render_tabs(app.tab, frame, tabs, theme);
    let screen = app.screen(app.tab);
    screen.render(
        &app.data,
        frame,
        Areas {
            body,
            detail,
            screen: area,
        },
        theme,
    );
    render_status(app, frame, status, theme);
    render_footer(app, frame, footer, theme);
    if app.help {
        let mut sections = screen.help();
        sections.push(("Everywhere", keys::help_lines(keys::APP)));
        popup::render_help(frame, area, area, sections, theme);
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

/// The tab bar: every tab with its number, the current one in brackets
/// and reverse video (so that it shows without colour too). When the bar
/// is wider than the terminal, the numbers go first, then the tabs before
/// the current one, then those after it, whole, an ellipsis saying so.
fn render_tabs(current: Tab, frame: &mut Frame, area: Rect, theme: Theme) {
    let label = |tab: Tab, numbered: bool| {
        let (open, close) = if tab == current {
            ('[', ']')
        } else {
            (' ', ' ')
        };
        if numbered {
            format!("{open}{} {}{close}", tab.number(), tab.title())
        } else {
            format!("{open}{}{close}", tab.title())
        }
    };
    let width = |tabs: &[Tab], numbered: bool| -> usize {
        tabs.iter()
            .map(|tab| label(*tab, numbered).chars().count())
            .sum()
    };
    let mut tabs: &[Tab] = &Tab::ALL;
    let numbered = width(tabs, true) < usize::from(area.width);
    while width(tabs, numbered) >= usize::from(area.width) && tabs.first() != Some(&current) {
        tabs = &tabs[1..];
    }
    let cut = tabs.len();
    // Room for the ellipsis: one column before it and the bar's margin.
    while width(tabs, numbered) + 3 > usize::from(area.width) && tabs.last() != Some(&current) {
        tabs = &tabs[..tabs.len() - 1];
    }
    let mut spans = vec![Span::raw(" ")];
    for tab in tabs {
        let text = label(*tab, numbered);
        spans.push(if *tab == current {
            Span::styled(text, theme.current_tab())
        } else {
            Span::styled(text, theme.dim())
        });
    }
    if tabs.len() < cut {
        spans.push(Span::styled(" …", theme.dim()));
    }
    frame.render_widget(Line::from(spans), area);
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
    if app.help {
        let line = Line::styled(" any key closes the help", theme.dim());
        frame.render_widget(line, area);
        return;
    }
    let screen = app.screen(app.tab);
    let mut entries = screen.footer();
    // The console's own keys, which a dialog holds back.
    let kept_at_end = if screen.is_modal() {
        entries.len().min(2)
    } else {
        entries.extend(keys::footer_entries(keys::APP));
        2
    };
    frame.render_widget(footer_line(&entries, kept_at_end, area.width, theme), area);
}

/// The footer: as many entries as fit in `width`, the last `kept_at_end`
/// (help and quit) always kept, since help lists all the rest.
fn footer_line(
    entries: &[(String, &'static str)],
    kept_at_end: usize,
    width: u16,
    theme: Theme,
) -> Line<'static> {
    let entry_width = |(keys, word): &(String, &str)| 1 + keys.chars().count() + 1 + word.len() + 1;
    let split = entries.len().saturating_sub(kept_at_end);
    let reserved: usize = entries[split..].iter().map(entry_width).sum();
    let mut budget = usize::from(width).saturating_sub(reserved);
    let mut shown = Vec::new();
    for entry in &entries[..split] {
        if entry_width(entry) > budget {
            break;
        }
        budget -= entry_width(entry);
        shown.push(entry);
    }
    shown.extend(&entries[split..]);
    let mut spans = Vec::new();
    for (keys, word) in shown {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(keys.clone(), theme.key()));
        spans.push(Span::raw(format!(" {word} ")));
    }
    Line::from(spans)
}

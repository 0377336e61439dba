//! Snapshots of the console's screens, drawn into ratatui's TestBackend.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use chrono::NaiveDate;
use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent, KeyModifiers};
use llm_settings::console::app::{App, Event, Pending};
use llm_settings::console::request::{Done, Refreshed, Request, RequestId, WorkerEvent};
use llm_settings::console::screens::Busy;
use llm_settings::console::screens::providers;
use llm_settings::console::tab::Tab;
use llm_settings::console::ui;
use llm_settings::secret::OpenError;
use llm_settings::{Provider, ProviderState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::provider_state as state;

fn empty() -> Vec<ProviderState> {
    Provider::ALL.map(|p| state(p, None, false, 0, "")).to_vec()
}

fn mixed() -> Vec<ProviderState> {
    let mut anthropic = state(Provider::Anthropic, Some("sk-...cdef"), false, 4, "bob");
    anthropic.base_url = Some("https://proxy.example/anthropic".into());
    let mut openai = state(
        Provider::OpenAi,
        Some("sk-...9876"),
        true,
        2,
        "alice from 203.0.113.7",
    );
    openai.fingerprint = Some("3f798e62".into());
    vec![
        openai,
        state(Provider::Gemini, None, false, 0, ""),
        anthropic,
        state(Provider::OpenRouter, Some("sk-...77aa"), true, 1, "carol"),
        state(Provider::Ollama, None, false, 3, "alice"),
    ]
}

fn app(providers: Vec<ProviderState>) -> App {
    App::new(
        "SQLite /var/lib/llm-settings/settings.db".into(),
        providers,
        false,
    )
}

/// Presses a key; returns the id of the request it sent, if any.
fn key(app: &mut App, code: KeyCode) -> Option<RequestId> {
    app.update(Event::Terminal(TerminalEvent::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))))
    .map(|request: Request| request.id)
}

/// The worker's answer to request `id`.
fn answer(app: &mut App, id: RequestId, outcome: Result<providers::Done, &str>) {
    app.update(Event::worker(WorkerEvent::Answer {
        id,
        outcome: outcome.map(Done::Providers).map_err(str::to_owned),
        refreshed: Refreshed::default(),
    }));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::render(app, frame)).unwrap();
    terminal
}

fn snapshot(app: &App, width: u16, height: u16) -> String {
    draw(app, width, height).backend().to_string()
}

#[test]
fn empty_database() {
    insta::assert_snapshot!(snapshot(&app(empty()), 80, 24));
}

#[test]
fn mixed_states() {
    let mut app = app(mixed());
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

#[test]
fn key_dialog_empty() {
    let mut app = app(mixed());
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

#[test]
fn key_dialog_with_typed_characters() {
    let mut app = app(mixed());
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "sk-proj-typed-secret");
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

#[test]
fn key_dialog_with_a_refusal() {
    let mut app = app(mixed());
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "sk-proj with space");
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

#[test]
fn key_dialog_with_the_shape_warning() {
    let mut app = app(mixed());
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "sk-proj-not-anthropic");
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

#[test]
fn key_dialog_with_the_conflict_notice() {
    let mut app = app(mixed());
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "sk-proj-mine-0000");
    let save = key(&mut app, KeyCode::Enter).unwrap();
    let theirs = state(
        Provider::OpenAi,
        Some("sk-...5555"),
        true,
        3,
        "bob from 198.51.100.4",
    );
    answer(
        &mut app,
        save,
        Ok(providers::Done::Conflict(
            Provider::OpenAi,
            Box::new(theirs),
        )),
    );
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

#[test]
fn delete_confirmation() {
    let mut app = app(mixed());
    key(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

#[test]
fn help() {
    let mut app = app(mixed());
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

/// Every tab's help, at 80 columns: no line reaches the box's right edge,
/// so none is cut.
#[test]
fn every_help_line_fits_at_eighty_columns() {
    for tab in Tab::ALL {
        let mut app = app(mixed());
        let digit = char::from_digit(tab.number() as u32, 10).unwrap();
        key(&mut app, KeyCode::Char(digit));
        key(&mut app, KeyCode::Char('?'));
        let terminal = draw(&app, 80, 60);
        let buffer = terminal.backend().buffer();
        let rows: Vec<String> = (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect()
            })
            .collect();
        let top = rows
            .iter()
            .position(|row| row.contains("┌ Help"))
            .unwrap_or_else(|| panic!("{tab:?}: no help box"));
        let right = rows[top].chars().position(|c| c == '┐').unwrap();
        for row in rows[top + 1..].iter().take_while(|row| !row.contains('└')) {
            let inside: Vec<char> = row.chars().collect();
            assert_eq!(
                inside[right - 1],
                ' ',
                "{tab:?}: a help line is cut: {}",
                row.trim_end()
            );
        }
    }
}

#[test]
fn sixty_columns_drop_the_changed_columns() {
    insta::assert_snapshot!(snapshot(&app(mixed()), 60, 20));
}

/// The smallest size drawn: the columns past the right edge are cut, and
/// with the last row selected the table scrolls to keep it in view.
#[test]
fn the_smallest_size_keeps_the_selection_in_view() {
    let mut app = app(mixed());
    for _ in 0..4 {
        key(&mut app, KeyCode::Down);
    }
    insta::assert_snapshot!(snapshot(&app, 40, 10));
}

#[test]
fn too_small() {
    insta::assert_snapshot!(snapshot(&app(mixed()), 39, 9));
}

#[test]
fn an_error_in_the_status_line_and_an_unreadable_key() {
    let mut providers = mixed();
    providers[2].fault = Some(OpenError::Tampered);
    let mut app = app(providers);
    let reload = key(&mut app, KeyCode::Char('r')).unwrap();
    answer(
        &mut app,
        reload,
        Err("cannot open the database postgres://admin:***@db/settings: connection refused"),
    );
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

#[test]
fn base_url_dialog() {
    let mut app = app(mixed());
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('b'));
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

/// Types a known key into the dialog, pastes it, and draws every state the
/// dialog goes through at several sizes: no buffer holds any of it.
#[test]
fn a_typed_or_pasted_key_appears_in_no_rendered_buffer() {
    const KEY: &str = "sk-proj-CANARYcanary0123456789";
    let mut app = app(mixed());
    key(&mut app, KeyCode::Enter);
    let mut screens = Vec::new();
    for c in KEY.chars() {
        key(&mut app, KeyCode::Char(c));
        screens.push(snapshot(&app, 80, 24));
    }
    app.update(Event::Terminal(TerminalEvent::Paste(KEY.to_owned())));
    for (width, height) in [(80, 24), (60, 20), (200, 60), (40, 10)] {
        screens.push(snapshot(&app, width, height));
    }
    key(&mut app, KeyCode::Enter);
    screens.push(snapshot(&app, 80, 24));
    assert!(screens.iter().any(|screen| screen.contains("••••••")));
    for screen in &screens {
        for window in [&KEY[..6], &KEY[8..14], &KEY[14..20], &KEY[KEY.len() - 6..]] {
            assert!(!screen.contains(window), "{window} is on screen:\n{screen}");
        }
    }
}

#[test]
fn connection_test_outcomes_in_the_rows() {
    use llm_settings::connection_test::{TestOutcome, TestResult};
    let mut app = app(mixed());
    let at = NaiveDate::from_ymd_opt(2026, 11, 26)
        .unwrap()
        .and_hms_opt(10, 15, 0)
        .unwrap();
    let outcomes = [
        (
            Provider::OpenAi,
            TestOutcome::Ok,
            Some(200),
            "HTTP 200 in 180 ms",
        ),
        (
            Provider::Anthropic,
            TestOutcome::Unauthorized,
            Some(401),
            "HTTP 401 in 95 ms: invalid x-api-key",
        ),
        (
            Provider::OpenRouter,
            TestOutcome::Unexpected,
            Some(500),
            "HTTP 500 in 40 ms",
        ),
        (
            Provider::Ollama,
            TestOutcome::Unreachable,
            None,
            "connection refused",
        ),
    ];
    // Each test is asked for with t on its row, and answered.
    let mut row = 0;
    for (provider, outcome, http_status, detail) in outcomes {
        let index = Provider::ALL.iter().position(|p| *p == provider).unwrap();
        while row < index {
            key(&mut app, KeyCode::Down);
            row += 1;
        }
        let test = key(&mut app, KeyCode::Char('t')).unwrap();
        let result = TestResult {
            provider,
            outcome,
            http_status,
            latency_ms: 0,
            detail: detail.into(),
        };
        answer(&mut app, test, Ok(providers::Done::Tested(result, at)));
    }
    // One still running.
    let running = RequestId(999);
    app.screens
        .providers
        .testing
        .insert(Provider::Gemini, running);
    app.pending.insert(
        running,
        Pending {
            tab: Tab::Providers,
            busy: Busy::Testing("Google Gemini".into()),
            writes: false,
        },
    );
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    insta::assert_snapshot!(snapshot(&app, 80, 24));
}

/// Escape sequences in text from the database or a provider are drawn as
/// plain characters, never passed to the terminal.
#[test]
fn untrusted_text_is_drawn_without_control_characters() {
    let mut providers = mixed();
    providers[0].base_url = Some("https://x\x1b]0;pwned-title\x07/v1".into());
    providers[0].changed_by = Some("mallory\x1b[2J\u{9b}31m".into());
    let mut app = app(providers);
    let reload = key(&mut app, KeyCode::Char('r')).unwrap();
    answer(&mut app, reload, Err("bad \x1b]52;c;cHduZWQ=\x07 answer"));
    let terminal = draw(&app, 100, 24);
    let screen = terminal.backend().to_string();
    assert!(
        !screen.chars().any(|c| c.is_control() && c != '\n'),
        "{screen:?}"
    );
    insta::assert_snapshot!(screen);
}

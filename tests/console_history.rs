//! The console's History tab: the pages it asks the worker for as the admin scrolls and filters, and its screens in TestBackend.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use chrono::NaiveDate;
use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent, KeyModifiers};
use llm_settings::Provider;
use llm_settings::console::app::{App, Data, Event};
use llm_settings::console::request::{Done, Refreshed, Request, RequestId, Work, WorkerEvent};
use llm_settings::console::screens::history::{self, PAGE};
use llm_settings::console::ui;
use llm_settings::history::{HistoryEntry, HistoryFilter};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod common;

/// Entry `id` of a trail whose newest is `newest`: risk changes by alice
/// and bob in turn, a minute apart.
fn entry(id: i64) -> HistoryEntry {
    HistoryEntry {
        id,
        at: NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(6, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(id),
        actor: if id % 2 == 0 {
            "alice from 203.0.113.7".into()
        } else {
            "bob".into()
        },
        group: "risk".into(),
        action: "set".into(),
        subject: Some("max_drawdown_pct".into()),
        old: Some(format!("{}", id % 50 + 1).into()),
        new: Some(format!("{}", id % 50 + 2).into()),
    }
}

/// The page of a trail of `total` entries that `filter` selects (no text).
fn page_of(total: i64, filter: &HistoryFilter) -> Vec<HistoryEntry> {
    let start = filter.before.map_or(total, |before| before - 1);
    (1..=start).rev().take(filter.limit).map(entry).collect()
}

fn app() -> App {
    let providers = Provider::ALL
        .map(|p| common::provider_state(p, None, false, 0, ""))
        .to_vec();
    App::with_data(
        "SQLite /var/lib/llm-settings/settings.db".into(),
        Data::with_providers(providers),
        false,
    )
}

fn press(app: &mut App, code: KeyCode) -> Option<Request> {
    app.update(Event::Terminal(TerminalEvent::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))))
}

fn asked(request: Option<Request>) -> (RequestId, HistoryFilter) {
    match request {
        Some(Request {
            id,
            work: Work::History(history::Work(filter)),
        }) => (id, filter),
        other => panic!("expected a page of the history, got {other:?}"),
    }
}

fn answer(
    app: &mut App,
    id: RequestId,
    filter: HistoryFilter,
    entries: Vec<HistoryEntry>,
) -> Option<Request> {
    app.update(Event::worker(WorkerEvent::Answer {
        id,
        outcome: Ok(Done::History(history::Done { filter, entries })),
        refreshed: Refreshed::default(),
    }))
}

fn snapshot(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::render(app, frame)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn six_reads_the_newest_page_and_scrolling_reads_the_next_ones() {
    const TOTAL: i64 = 450;
    let mut app = app();
    let (id, filter) = asked(press(&mut app, KeyCode::Char('6')));
    assert_eq!(
        filter,
        HistoryFilter {
            group: None,
            text: None,
            before: None,
            limit: PAGE
        }
    );
    let reading = snapshot(&app, 80, 24);
    assert!(reading.contains("Reading the history…"), "{reading}");
    assert!(answer(&mut app, id, filter.clone(), page_of(TOTAL, &filter)).is_none());
    insta::assert_snapshot!("newest_page", snapshot(&app, 80, 24));
    assert_eq!(app.screens.history.entries.as_ref().unwrap().len(), PAGE);

    // PgDn moves a screenful; at the page's end, the next page is read.
    press(&mut app, KeyCode::PageDown);
    assert_eq!(
        app.screens.history.selected,
        16,
        "{}",
        snapshot(&app, 80, 24)
    );
    for _ in 0..PAGE {
        if let Some(request) = press(&mut app, KeyCode::Down) {
            let (id, filter) = asked(Some(request));
            assert_eq!(filter.before, Some(TOTAL - PAGE as i64 + 1));
            answer(&mut app, id, filter.clone(), page_of(TOTAL, &filter));
            break;
        }
    }
    assert_eq!(app.screens.history.selected, 0);
    assert_eq!(
        app.screens.history.entries.as_ref().unwrap()[0].id,
        TOTAL - PAGE as i64
    );
    assert!(snapshot(&app, 80, 24).contains("History, page 2"));
    // The last page is not full: nothing after it is asked for.
    app.screens.history.selected = PAGE - 1;
    let (id, filter) = asked(press(&mut app, KeyCode::Down));
    answer(&mut app, id, filter.clone(), page_of(TOTAL, &filter));
    assert_eq!(app.screens.history.entries.as_ref().unwrap().len(), 50);
    app.screens.history.selected = 49;
    assert!(press(&mut app, KeyCode::Down).is_none());
    assert!(press(&mut app, KeyCode::PageDown).is_none());

    // Up at the top goes back a page, landing on its last entry.
    app.screens.history.selected = 0;
    let (id, filter) = asked(press(&mut app, KeyCode::Up));
    assert_eq!(filter.before, Some(TOTAL - PAGE as i64 + 1));
    answer(&mut app, id, filter.clone(), page_of(TOTAL, &filter));
    assert_eq!(app.screens.history.selected, PAGE - 1);
    // Home: the newest page again.
    let (id, filter) = asked(press(&mut app, KeyCode::Home));
    assert_eq!(filter.before, None);
    answer(&mut app, id, filter.clone(), page_of(TOTAL, &filter));
    assert_eq!(app.screens.history.page_number(), 1);
    assert!(press(&mut app, KeyCode::Up).is_none(), "nothing is newer");
}

#[test]
fn the_filter_asks_as_it_is_typed_one_query_at_a_time_and_esc_clears_it() {
    let mut app = app();
    let (id, filter) = asked(press(&mut app, KeyCode::Char('6')));
    answer(&mut app, id, filter.clone(), page_of(30, &filter));
    assert!(press(&mut app, KeyCode::Char('/')).is_none());
    // The first letter asks at once; the rest wait for its answer.
    let (first, asked_first) = asked(press(&mut app, KeyCode::Char('b')));
    assert_eq!(asked_first.text.as_deref(), Some("b"));
    assert!(press(&mut app, KeyCode::Char('o')).is_none());
    assert!(press(&mut app, KeyCode::Char('b')).is_none());
    // Digits and q are text here, not tabs or quitting.
    assert!(press(&mut app, KeyCode::Char('q')).is_none());
    assert!(app.is_running());
    press(&mut app, KeyCode::Backspace);
    let bobs: Vec<HistoryEntry> = (1..=30).rev().filter(|id| id % 2 == 1).map(entry).collect();
    // The answer to "b" is overtaken: not shown; "bob" is asked for.
    let (second, asked_second) = asked(answer(&mut app, first, asked_first, bobs.clone()));
    assert_eq!(asked_second.text.as_deref(), Some("bob"));
    assert_eq!(app.screens.history.entries.as_ref().unwrap().len(), 30);
    insta::assert_snapshot!("filter_line", snapshot(&app, 80, 24));
    assert!(answer(&mut app, second, asked_second, bobs).is_none());
    assert_eq!(app.screens.history.entries.as_ref().unwrap().len(), 15);
    // Enter keeps it; the keys browse again.
    press(&mut app, KeyCode::Enter);
    assert!(!app.screens.history.filtering);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.screens.history.selected, 1);
    // No match.
    press(&mut app, KeyCode::Char('/'));
    let (id, filter) = asked(press(&mut app, KeyCode::Char('z')));
    answer(&mut app, id, filter, Vec::new());
    insta::assert_snapshot!("no_match", snapshot(&app, 80, 24));
    // Esc clears the filter and reads the whole newest page.
    let (_, filter) = asked(press(&mut app, KeyCode::Esc));
    assert_eq!(filter.text, None);
    assert!(!app.screens.history.filtering);
}

#[test]
fn another_admins_change_rereads_the_newest_page_and_keeps_the_selection() {
    let mut app = app();
    let (id, filter) = asked(press(&mut app, KeyCode::Char('6')));
    answer(&mut app, id, filter.clone(), page_of(30, &filter));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    let request = app.update(Event::worker(WorkerEvent::ChangedElsewhere {
        text: "bob changed risk.max_drawdown_pct: 5 -> 6".into(),
        refreshed: Refreshed::default(),
    }));
    let (id, filter) = asked(request);
    // The same page (nothing new at its top): the selection stays.
    answer(&mut app, id, filter.clone(), page_of(30, &filter));
    assert_eq!(app.screens.history.selected, 2);
    // Away and back: read again.
    press(&mut app, KeyCode::Char('1'));
    let (id, filter) = asked(press(&mut app, KeyCode::Char('6')));
    answer(&mut app, id, filter.clone(), page_of(31, &filter));
    assert_eq!(app.screens.history.selected, 0, "a newer change is on top");
    // An error says so in the tab.
    let (id, _) = asked(app.update(Event::worker(
        WorkerEvent::Reconnected(Refreshed::default()),
    )));
    app.update(Event::worker(WorkerEvent::Answer {
        id,
        outcome: Err("the database is unreachable".into()),
        refreshed: Refreshed::default(),
    }));
    assert!(
        snapshot(&app, 80, 24).contains("The history cannot be read: the database is unreachable")
    );
}

#[test]
fn the_tab_at_120_columns_and_at_60() {
    let mut app = app();
    let (id, filter) = asked(press(&mut app, KeyCode::Char('6')));
    answer(&mut app, id, filter.clone(), page_of(40, &filter));
    insta::assert_snapshot!("wide", snapshot(&app, 120, 16));
    insta::assert_snapshot!("narrow", snapshot(&app, 60, 16));
}

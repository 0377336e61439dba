//! The console's `update`: every key binding, paste, and the worker's answers, as plain state changes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use chrono::NaiveDate;
use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent, KeyModifiers};
use llm_settings::console::app::{App, Event, Severity};
use llm_settings::console::dialog::DialogState;
use llm_settings::console::request::{Done, Refreshed, Request, RequestId, Work, WorkerEvent};
use llm_settings::console::screens::providers::{self, Mode};
use llm_settings::{Provider, ProviderState};
use secrecy::ExposeSecret;

fn state(provider: Provider, configured: bool, active: bool, revision: i64) -> ProviderState {
    common::provider_state(
        provider,
        configured.then_some("sk-...cdef"),
        active,
        revision,
        "alice",
    )
}

/// OpenAI set and active, Anthropic set and inactive, the rest empty.
fn providers() -> Vec<ProviderState> {
    vec![
        state(Provider::OpenAi, true, true, 3),
        state(Provider::Gemini, false, false, 0),
        state(Provider::Anthropic, true, false, 2),
        state(Provider::OpenRouter, false, false, 0),
        state(Provider::Ollama, false, false, 0),
    ]
}

fn app() -> App {
    let mut app = App::new("SQLite /tmp/settings.db".into(), providers(), true);
    assert!(app.take_dirty(), "the first frame is drawn");
    app
}

fn key(code: KeyCode) -> Event {
    Event::Terminal(TerminalEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(c: char) -> Event {
    Event::Terminal(TerminalEvent::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

fn paste(text: &str) -> Event {
    Event::Terminal(TerminalEvent::Paste(text.to_owned()))
}

/// The worker's answer to request `id`.
fn answer(id: RequestId, done: providers::Done, providers: Option<Vec<ProviderState>>) -> Event {
    Event::worker(WorkerEvent::Answer {
        id,
        outcome: Ok(Done::Providers(done)),
        refreshed: Refreshed {
            providers,
            ..Refreshed::default()
        },
    })
}

/// The worker's report that request `id` failed.
fn failure(id: RequestId, text: &str) -> Event {
    Event::worker(WorkerEvent::Answer {
        id,
        outcome: Err(text.to_owned()),
        refreshed: Refreshed::default(),
    })
}

fn mode(app: &App) -> &Mode {
    &app.screens.providers.mode
}

/// The provider work in a request, and the request's id.
fn work(request: Option<Request>) -> (RequestId, providers::Work) {
    match request {
        Some(Request {
            id,
            work: Work::Providers(work),
        }) => (id, work),
        other => panic!("expected provider work, got {other:?}"),
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(app.update(key(KeyCode::Char(c))).is_none());
    }
}

#[test]
fn up_down_and_j_k_move_the_selection_within_the_table() {
    let mut app = app();
    assert!(app.update(key(KeyCode::Up)).is_none());
    assert_eq!(app.screens.providers.selected, 0);
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char('j')));
    assert_eq!(app.screens.providers.selected, 2);
    assert!(app.take_dirty());
    app.update(key(KeyCode::Char('k')));
    assert_eq!(app.screens.providers.selected, 1);
    for _ in 0..10 {
        app.update(key(KeyCode::Down));
    }
    assert_eq!(app.screens.providers.selected, 4);
}

#[test]
fn unbound_keys_change_nothing_and_draw_nothing() {
    let mut app = app();
    for code in [
        KeyCode::Char('x'),
        KeyCode::F(5),
        KeyCode::Insert,
        KeyCode::Char('9'),
    ] {
        assert!(app.update(key(code)).is_none());
    }
    assert!(!app.take_dirty());
    assert!(app.is_running());
}

#[test]
fn q_esc_and_ctrl_c_quit() {
    for event in [key(KeyCode::Char('q')), key(KeyCode::Esc), ctrl('c')] {
        let mut app = app();
        assert!(app.update(event).is_none());
        assert!(!app.is_running());
    }
    // Ctrl-C quits from inside a dialog too.
    let mut app = app();
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "sk-abc");
    app.update(ctrl('c'));
    assert!(!app.is_running());
}

#[test]
fn enter_or_e_opens_the_key_dialog_and_esc_cancels_it() {
    for open in [KeyCode::Enter, KeyCode::Char('e')] {
        let mut app = app();
        app.update(key(KeyCode::Down));
        app.update(key(open));
        let Mode::EditKey(dialog) = mode(&app) else {
            panic!("no key dialog: {:?}", mode(&app))
        };
        assert_eq!(dialog.content.provider, Provider::Gemini);
        assert!(dialog.content.field.is_empty());
        type_text(&mut app, "AIzaSy-typed");
        app.update(key(KeyCode::Esc));
        assert!(matches!(mode(&app), Mode::Browse));
        assert!(app.is_running(), "Esc in a dialog closes the dialog only");
        assert_eq!(
            app.message.as_ref().unwrap().text,
            "Cancelled; the key of Google Gemini was not changed."
        );
    }
}

#[test]
fn typing_and_saving_a_key_sends_it_with_the_revision_seen() {
    let mut app = app();
    app.update(key(KeyCode::Enter)); // OpenAI, revision 3
    type_text(&mut app, "sk-proj-new");
    app.update(key(KeyCode::Backspace));
    type_text(&mut app, "W");
    let Mode::EditKey(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(dialog.content.field.len(), 11);
    let (id, save) = work(app.update(key(KeyCode::Enter)));
    match save {
        providers::Work::SaveKey {
            provider,
            key,
            expected_revision,
        } => {
            assert_eq!(provider, Provider::OpenAi);
            assert_eq!(key.expose_secret(), "sk-proj-neW");
            assert_eq!(expected_revision, 3);
        }
        other => panic!("expected a save, got {other:?}"),
    }
    assert_eq!(app.busy().as_deref(), Some("saving the key of OpenAI"));
    // Keys while the save is on its way are not lost into the field.
    assert!(app.update(key(KeyCode::Char('x'))).is_none());
    let Mode::EditKey(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(dialog.state, DialogState::Saving(id));
    assert_eq!(dialog.content.field.len(), 11);

    let mut after = providers();
    after[0].status.key_hint = Some("sk-...newW".into());
    after[0].revision = 4;
    app.update(answer(
        id,
        providers::Done::Saved(Provider::OpenAi),
        Some(after),
    ));
    assert!(matches!(mode(&app), Mode::Browse));
    assert_eq!(app.busy(), None);
    assert_eq!(
        app.data.providers[0].status.key_hint.as_deref(),
        Some("sk-...newW")
    );
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Saved the key of OpenAI: sk-...newW"
    );
}

#[test]
fn a_refused_key_keeps_the_dialog_open_with_the_reason() {
    let mut app = app();
    app.update(key(KeyCode::Enter));
    assert!(
        app.update(key(KeyCode::Enter)).is_none(),
        "an empty key is not sent"
    );
    let Mode::EditKey(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(
        dialog.state,
        DialogState::Refused("Key must not be empty".into())
    );
    assert!(app.update(paste("sk-with space")).is_none());
    assert!(app.update(key(KeyCode::Enter)).is_none());
    let Mode::EditKey(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(
        dialog.state,
        DialogState::Refused("Key must not contain white space".into())
    );
    // Editing clears the reason.
    app.update(key(KeyCode::Backspace));
    let Mode::EditKey(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(dialog.state, DialogState::Editing);
}

#[test]
fn a_paste_arrives_whole_and_a_line_break_inside_it_does_not_submit() {
    let mut app = app();
    app.update(key(KeyCode::Enter));
    assert!(app.update(paste("sk-proj-pasted-key-0001\n")).is_none());
    let Mode::EditKey(dialog) = mode(&app) else {
        panic!()
    };
    assert!(!dialog.is_saving(), "the newline of a paste is not Enter");
    assert_eq!(dialog.content.field.len(), 24);
    // Enter then saves it, trimmed.
    let (_, save) = work(app.update(key(KeyCode::Enter)));
    match save {
        providers::Work::SaveKey { key, .. } => {
            assert_eq!(key.expose_secret(), "sk-proj-pasted-key-0001")
        }
        other => panic!("expected a save, got {other:?}"),
    }
}

#[test]
fn a_paste_outside_a_dialog_is_dropped() {
    let mut app = app();
    assert!(app.update(paste("sk-proj-pasted-d-q")).is_none());
    assert!(app.is_running(), "the pasted q is not a key press");
    assert!(matches!(mode(&app), Mode::Browse));
    assert_eq!(app.message.as_ref().unwrap().severity, Severity::Error);
}

#[test]
fn a_conflict_shows_who_changed_it_and_a_second_enter_confirms() {
    let mut app = app();
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "sk-proj-mine");
    let (id, save) = work(app.update(key(KeyCode::Enter)));
    assert!(matches!(
        save,
        providers::Work::SaveKey {
            expected_revision: 3,
            ..
        }
    ));
    let mut theirs = state(Provider::OpenAi, true, true, 5);
    theirs.changed_by = Some("bob from 198.51.100.4".into());
    app.update(answer(
        id,
        providers::Done::Conflict(Provider::OpenAi, Box::new(theirs)),
        None,
    ));
    let Mode::EditKey(dialog) = mode(&app) else {
        panic!()
    };
    let DialogState::Conflict(conflict) = &dialog.state else {
        panic!("no conflict notice: {:?}", dialog.state)
    };
    assert_eq!(
        conflict.changed_by.as_deref(),
        Some("bob from 198.51.100.4")
    );
    assert_eq!(
        dialog.content.field.len(),
        12,
        "the key typed is kept for the confirmation"
    );
    match work(app.update(key(KeyCode::Enter))).1 {
        providers::Work::SaveKey {
            expected_revision, ..
        } => assert_eq!(expected_revision, 5),
        other => panic!("expected a confirmed save, got {other:?}"),
    }
}

#[test]
fn space_toggles_a_configured_provider_and_explains_otherwise() {
    let mut app = app();
    let (id, toggle) = work(app.update(key(KeyCode::Char(' '))));
    assert!(matches!(
        toggle,
        providers::Work::SetActive(Provider::OpenAi, false)
    ));
    assert_eq!(app.busy().as_deref(), Some("deactivating OpenAI"));
    app.update(answer(
        id,
        providers::Done::Activated(Provider::OpenAi, false),
        None,
    ));
    assert_eq!(app.busy(), None);
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "OpenAI is now inactive."
    );

    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    assert!(matches!(
        work(app.update(key(KeyCode::Char(' ')))).1,
        providers::Work::SetActive(Provider::Anthropic, true)
    ));
    app.update(key(KeyCode::Up));
    assert!(app.update(key(KeyCode::Char(' '))).is_none());
    let message = app.message.as_ref().unwrap();
    assert_eq!(message.severity, Severity::Error);
    assert!(message.text.starts_with("Google Gemini has no key"));
}

#[test]
fn d_asks_before_deleting_and_n_or_esc_keep_the_key() {
    for keep in [KeyCode::Char('n'), KeyCode::Esc] {
        let mut app = app();
        assert!(app.update(key(KeyCode::Char('d'))).is_none());
        assert!(matches!(mode(&app), Mode::ConfirmDelete(Provider::OpenAi)));
        assert!(
            app.update(key(KeyCode::Char('x'))).is_none(),
            "other keys wait"
        );
        assert!(matches!(mode(&app), Mode::ConfirmDelete(Provider::OpenAi)));
        assert!(app.update(key(keep)).is_none());
        assert!(matches!(mode(&app), Mode::Browse));
        assert!(app.is_running());
    }
    let mut app = app();
    app.update(key(KeyCode::Char('d')));
    assert!(matches!(
        work(app.update(key(KeyCode::Char('y')))).1,
        providers::Work::DeleteKey(Provider::OpenAi)
    ));
    // Nothing to delete on an empty provider.
    app.update(key(KeyCode::Down));
    assert!(app.update(key(KeyCode::Char('d'))).is_none());
    assert!(matches!(mode(&app), Mode::Browse));
}

#[test]
fn b_edits_the_base_url_and_an_empty_one_resets_it() {
    let mut app = app();
    app.update(key(KeyCode::Char('b')));
    assert!(matches!(mode(&app), Mode::EditBaseUrl(_)));
    type_text(&mut app, "ftp://nope");
    assert!(app.update(key(KeyCode::Enter)).is_none());
    let Mode::EditBaseUrl(dialog) = mode(&app) else {
        panic!()
    };
    assert!(
        matches!(&dialog.state, DialogState::Refused(reason) if reason.starts_with("Invalid base URL")),
        "{:?}",
        dialog.state
    );
    app.update(ctrl('u'));
    app.update(paste("https://proxy.example/v1/\n"));
    let (id, set) = work(app.update(key(KeyCode::Enter)));
    match set {
        providers::Work::SetBaseUrl(Provider::OpenAi, Some(url)) => {
            assert_eq!(url.as_str(), "https://proxy.example/v1")
        }
        other => panic!("{other:?}"),
    }
    app.update(answer(
        id,
        providers::Done::BaseUrlSet(Provider::OpenAi, Some("https://proxy.example/v1".into())),
        None,
    ));
    assert!(matches!(mode(&app), Mode::Browse));

    app.update(key(KeyCode::Char('b')));
    app.update(ctrl('u'));
    assert!(matches!(
        work(app.update(key(KeyCode::Enter))).1,
        providers::Work::SetBaseUrl(Provider::OpenAi, None)
    ));
}

#[test]
fn r_reloads_and_question_mark_toggles_help() {
    let mut app = app();
    assert!(matches!(
        app.update(key(KeyCode::Char('r'))),
        Some(Request {
            work: Work::Reload,
            ..
        })
    ));
    app.update(key(KeyCode::Char('?')));
    assert!(app.help);
    app.update(key(KeyCode::Char('?')));
    assert!(!app.help);
    app.update(key(KeyCode::Char('?')));
    app.update(key(KeyCode::Char('q')));
    assert!(!app.help);
    assert!(app.is_running(), "q closes the help, not the console");
}

#[test]
fn a_failure_is_shown_and_the_console_goes_on() {
    let mut app = app();
    let Some(Request { id, .. }) = app.update(key(KeyCode::Char('r'))) else {
        panic!("r sends nothing")
    };
    app.update(failure(id, "cannot open the database: connection refused"));
    let message = app.message.as_ref().unwrap();
    assert_eq!(message.severity, Severity::Error);
    assert_eq!(
        app.data.providers,
        providers(),
        "the last known table stays"
    );
    assert!(app.is_running());
    // A failed save keeps the dialog and the key for another try.
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "sk-proj-retry");
    let (id, _) = work(app.update(key(KeyCode::Enter)));
    app.update(failure(id, "database busy, try again"));
    let Mode::EditKey(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(
        dialog.state,
        DialogState::Failed("database busy, try again".into())
    );
    assert!(matches!(
        work(app.update(key(KeyCode::Enter))).1,
        providers::Work::SaveKey { .. }
    ));
}

#[test]
fn resize_redraws_and_key_release_events_are_ignored() {
    let mut app = app();
    app.update(Event::Terminal(TerminalEvent::Resize(100, 30)));
    assert!(app.take_dirty());
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = crossterm::event::KeyEventKind::Release;
    app.update(Event::Terminal(TerminalEvent::Key(release)));
    assert!(app.is_running());
}

#[test]
fn t_tests_the_selected_provider_and_keys_work_while_it_runs() {
    use llm_settings::connection_test::{TestOutcome, TestResult};
    let mut app = app();
    let (openai_test, test) = work(app.update(key(KeyCode::Char('t'))));
    assert!(matches!(test, providers::Work::Test(Provider::OpenAi)));
    assert!(
        app.screens
            .providers
            .testing
            .contains_key(&Provider::OpenAi)
    );
    assert_eq!(app.busy().as_deref(), Some("testing OpenAI"));
    // A second t while it runs starts nothing more.
    assert!(app.update(key(KeyCode::Char('t'))).is_none());

    // The console goes on: move, toggle another provider, open and close a dialog.
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    assert_eq!(app.screens.providers.selected, 2);
    let (toggle, work_sent) = work(app.update(key(KeyCode::Char(' '))));
    assert!(matches!(
        work_sent,
        providers::Work::SetActive(Provider::Anthropic, true)
    ));
    app.update(key(KeyCode::Enter));
    assert!(matches!(mode(&app), Mode::EditKey(_)));
    app.update(key(KeyCode::Esc));

    // A provider without a key cannot be tested, except Ollama.
    app.update(key(KeyCode::Up));
    assert!(app.update(key(KeyCode::Char('t'))).is_none());
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    let (ollama_test, test) = work(app.update(key(KeyCode::Char('t'))));
    assert!(matches!(test, providers::Work::Test(Provider::Ollama)));

    let at = NaiveDate::from_ymd_opt(2026, 11, 26)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let result = TestResult {
        provider: Provider::OpenAi,
        outcome: TestOutcome::Unauthorized,
        http_status: Some(401),
        latency_ms: 80,
        detail: "HTTP 401 in 80 ms".into(),
    };
    app.update(answer(
        openai_test,
        providers::Done::Tested(result.clone(), at),
        None,
    ));
    assert!(
        !app.screens
            .providers
            .testing
            .contains_key(&Provider::OpenAi)
    );
    assert_eq!(
        app.screens.providers.tests[&Provider::OpenAi].result,
        result
    );
    assert_eq!(app.screens.providers.tests[&Provider::OpenAi].at, at);
    let message = app.message.as_ref().unwrap();
    assert_eq!(message.severity, Severity::Error);
    assert_eq!(message.text, "OpenAI: refused (HTTP 401 in 80 ms)");
    // The toggle's answer, then Ollama's test: nothing is left under way.
    app.update(answer(
        toggle,
        providers::Done::Activated(Provider::Anthropic, true),
        None,
    ));
    let ollama = TestResult {
        provider: Provider::Ollama,
        ..result.clone()
    };
    app.update(answer(
        ollama_test,
        providers::Done::Tested(ollama, at),
        None,
    ));
    assert_eq!(app.busy(), None, "a finished test still shows as under way");
}

#[test]
fn tab_shift_tab_and_digits_switch_tabs_and_each_keeps_its_state() {
    use llm_settings::console::tab::Tab;
    let mut app = app();
    app.update(key(KeyCode::Down));
    assert!(app.update(key(KeyCode::Tab)).is_none());
    assert_eq!(app.tab, Tab::Tasks);
    assert!(app.take_dirty());
    for next in &Tab::ALL[2..] {
        app.update(key(KeyCode::Tab));
        assert_eq!(app.tab, *next);
    }
    app.update(key(KeyCode::Tab));
    assert_eq!(app.tab, Tab::Providers, "after the last tab, the first");
    app.update(key(KeyCode::BackTab));
    assert_eq!(
        app.tab,
        *Tab::ALL.last().unwrap(),
        "before the first, the last"
    );
    app.update(key(KeyCode::BackTab));
    app.update(key(KeyCode::BackTab));
    assert_eq!(app.tab, Tab::ALL[Tab::ALL.len() - 3]);
    app.update(key(KeyCode::Char('1')));
    assert_eq!(app.tab, Tab::Providers);
    assert_eq!(app.screens.providers.selected, 1, "a tab is as it was left");
    app.update(key(KeyCode::Char('2')));
    assert_eq!(app.tab, Tab::Tasks);
    app.take_dirty();
    // The same digit again, and a digit with no tab, draw nothing.
    app.update(key(KeyCode::Char('2')));
    app.update(key(KeyCode::Char('9')));
    assert!(!app.take_dirty());
    assert_eq!(app.tab, Tab::Tasks);

    // In a dialog, Tab and digits are the dialog's: the key is typed.
    app.update(key(KeyCode::Char('1')));
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "sk-12");
    app.update(key(KeyCode::Tab));
    assert_eq!(app.tab, Tab::Providers);
    let Mode::EditKey(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(dialog.content.field.len(), 5);
}

#[test]
fn the_footer_and_help_come_from_the_current_tab() {
    use llm_settings::console::ui;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let draw = |app: &App| {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal.draw(|frame| ui::render(app, frame)).unwrap();
        terminal.backend().to_string()
    };
    let mut app = app();
    let providers = draw(&app);
    assert!(providers.contains("t test") && !providers.contains("x clear"));
    app.update(key(KeyCode::Tab));
    let tasks = draw(&app);
    assert!(tasks.contains("x clear") && !tasks.contains("t test"));
    app.update(key(KeyCode::Char('?')));
    let help = draw(&app);
    assert!(help.contains("unassign the selected task"), "{help}");
    assert!(!help.contains("test the selected provider"), "{help}");
    assert!(help.contains("Everywhere"));
}

#[test]
fn the_read_after_the_first_frame_draws_only_what_changes_on_the_current_tab() {
    use llm_settings::console::app::Data;
    let mut app = App::with_data("SQLite x".into(), Data::first_frame(providers()), true);
    app.take_dirty();
    let everything = Data::with_providers(providers());
    let read = || {
        Event::worker(WorkerEvent::Read(Refreshed {
            providers: Some(everything.providers.clone()),
            tasks: Some(everything.tasks.clone()),
            fields: everything.fields.clone(),
            telegram: everything.telegram.clone(),
        }))
    };
    app.update(read());
    assert!(
        !app.take_dirty(),
        "the providers did not change: nothing to draw"
    );
    assert_eq!(app.data.tasks.len(), 9);
    // On the Tasks tab, the same read is news.
    let mut app = App::with_data("SQLite x".into(), Data::first_frame(providers()), true);
    app.update(key(KeyCode::Char('2')));
    app.take_dirty();
    app.update(read());
    assert!(app.take_dirty());
}

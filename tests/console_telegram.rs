//! The console's Telegram tab: its keys and the requests they send, the token dialog, and its screens in TestBackend.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use chrono::NaiveDate;
use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent, KeyModifiers};
use llm_settings::Provider;
use llm_settings::connection_test::TestOutcome;
use llm_settings::console::app::{App, Data, Event, Severity};
use llm_settings::console::dialog::DialogState;
use llm_settings::console::request::{Done, Refreshed, Request, RequestId, Work, WorkerEvent};
use llm_settings::console::screens::telegram::{self, Change, Mode};
use llm_settings::console::ui;
use llm_settings::telegram::{RecordedTest, TelegramState, TelegramTestResult};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::ExposeSecret;

const TOKEN: &str = "123456789:AAEhBOweik6ad9r_QpvwYlzP3Lm8xUvKQ1c";

fn at(hour: u32, minute: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(hour, minute, 0)
        .unwrap()
}

/// The bot set up by alice: token, chat, on, tested `outcome`.
fn configured(on: bool, last_test: Option<(TestOutcome, &str)>) -> TelegramState {
    let mut state = TelegramState::unset();
    state.status.is_configured = true;
    state.status.is_enabled = on;
    state.status.chat_id = Some("-1001234567890".into());
    state.status.token_hint = Some("123...KQ1c".into());
    state.revision = 4;
    state.changed_at = Some(at(6, 21));
    state.changed_by = Some("alice from 203.0.113.7".into());
    state.last_test = last_test.map(|(outcome, detail)| RecordedTest {
        at: at(6, 25),
        outcome,
        detail: detail.into(),
    });
    state
}

fn data(telegram: TelegramState) -> Data {
    let providers = Provider::ALL
        .map(|p| common::provider_state(p, None, false, 0, ""))
        .to_vec();
    Data {
        telegram: Some(Ok(telegram)),
        ..Data::with_providers(providers)
    }
}

fn app_with(telegram: TelegramState) -> App {
    let mut app = App::with_data(
        "SQLite /var/lib/llm-settings/settings.db".into(),
        data(telegram),
        false,
    );
    press(&mut app, KeyCode::Char('5'));
    app
}

fn press(app: &mut App, code: KeyCode) -> Option<Request> {
    app.update(Event::Terminal(TerminalEvent::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn paste(app: &mut App, text: &str) {
    app.update(Event::Terminal(TerminalEvent::Paste(text.to_owned())));
}

fn work(request: Option<Request>) -> (RequestId, telegram::Work) {
    match request {
        Some(Request {
            id,
            work: Work::Telegram(work),
        }) => (id, work),
        other => panic!("expected Telegram work, got {other:?}"),
    }
}

fn answer(app: &mut App, id: RequestId, done: telegram::Done) -> Option<Request> {
    app.update(Event::worker(WorkerEvent::Answer {
        id,
        outcome: Ok(Done::Telegram(done)),
        refreshed: Refreshed::default(),
    }))
}

fn snapshot(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| ui::render(app, frame)).unwrap();
    terminal.backend().to_string()
}

fn message(app: &App) -> (Severity, String) {
    let message = app.message.as_ref().expect("a message");
    (message.severity, message.text.clone())
}

#[test]
fn enter_asks_for_the_token_and_the_chat_and_the_token_is_never_drawn() {
    let mut app = app_with(TelegramState::unset());
    press(&mut app, KeyCode::Enter);
    let Mode::Token(dialog) = &app.screens.telegram.mode else {
        panic!("no token dialog")
    };
    assert!(
        dialog.content.chat.is_some(),
        "no chat is stored: it is asked for"
    );
    paste(&mut app, TOKEN);
    // Tab moves to the chat; a token pasted there is refused, unseen.
    press(&mut app, KeyCode::Tab);
    paste(&mut app, TOKEN);
    let screen = snapshot(&app);
    assert!(
        !screen.contains("AAEh") && !screen.contains("KQ1c"),
        "{screen}"
    );
    assert!(screen.contains("Not a chat id"), "{screen}");
    type_text(&mut app, "12:34");
    let Mode::Token(dialog) = &app.screens.telegram.mode else {
        panic!()
    };
    assert_eq!(
        dialog.content.chat.as_ref().unwrap().value(),
        "1234",
        "':' is no chat's"
    );
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    // An empty chat is refused and the dialog stays open.
    assert!(press(&mut app, KeyCode::Enter).is_none());
    let Mode::Token(dialog) = &app.screens.telegram.mode else {
        panic!()
    };
    assert!(
        matches!(&dialog.state, DialogState::Refused(text) if text.contains("Invalid chat id"))
    );
    type_text(&mut app, "-1001234567890");
    let screen = snapshot(&app);
    insta::assert_snapshot!("token_dialog_with_the_chat", screen);
    assert!(!screen.contains("AAEh"));

    let request = press(&mut app, KeyCode::Enter);
    assert!(!format!("{request:?}").contains("AAEh"));
    assert!(!format!("{app:?}").contains("AAEh"));
    let (id, work) = work(request);
    let telegram::Work::Change {
        change: Change::Token(token, Some(chat)),
        expected_revision: 0,
    } = work
    else {
        panic!("{work:?}")
    };
    assert_eq!(token.as_secret().expose_secret(), TOKEN);
    assert_eq!(chat.as_str(), "-1001234567890");
    assert_eq!(app.busy().as_deref(), Some("saving the bot token"));

    answer(
        &mut app,
        id,
        telegram::Done::Saved(Box::new(configured(true, None))),
    );
    assert!(matches!(app.screens.telegram.mode, Mode::Browse));
    assert_eq!(
        message(&app),
        (
            Severity::Info,
            "Saved the bot token: 123...KQ1c; the bot is on, sending to -1001234567890.".into()
        )
    );
}

#[test]
fn a_token_replaced_keeps_the_chat_and_warns_of_another_shape() {
    let mut app = app_with(configured(true, None));
    press(&mut app, KeyCode::Enter);
    let Mode::Token(dialog) = &app.screens.telegram.mode else {
        panic!()
    };
    assert!(dialog.content.chat.is_none(), "the stored chat stays");
    type_text(&mut app, "not-a-bot-token");
    let screen = snapshot(&app);
    insta::assert_snapshot!("token_dialog_with_the_shape_warning", screen);
    let (_, work) = work(press(&mut app, KeyCode::Enter));
    assert!(matches!(
        work,
        telegram::Work::Change {
            change: Change::Token(_, None),
            expected_revision: 4
        }
    ));
}

#[test]
fn space_c_a_and_d_change_the_bot_at_the_revision_read() {
    let mut app = app_with(configured(true, None));
    let (_, toggle) = work(press(&mut app, KeyCode::Char(' ')));
    assert_eq!(format!("{toggle:?}"), "Change(Enabled(false), revision 4)");
    let (_, notify) = work(press(&mut app, KeyCode::Char('a')));
    assert_eq!(format!("{notify:?}"), "Change(Notify(true), revision 4)");

    press(&mut app, KeyCode::Char('c'));
    let Mode::Chat(dialog) = &app.screens.telegram.mode else {
        panic!()
    };
    assert_eq!(dialog.content.input.value(), "-1001234567890");
    app.update(Event::Terminal(TerminalEvent::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    ))));
    type_text(&mut app, "@ale");
    assert!(
        press(&mut app, KeyCode::Enter).is_none(),
        "too short a channel"
    );
    type_text(&mut app, "rts_desk");
    let (id, chat) = work(press(&mut app, KeyCode::Enter));
    assert_eq!(
        format!("{chat:?}"),
        "Change(Chat(@alerts_desk), revision 4)"
    );
    let mut moved = configured(true, None);
    moved.status.chat_id = Some("@alerts_desk".into());
    answer(&mut app, id, telegram::Done::Saved(Box::new(moved)));
    assert!(matches!(app.screens.telegram.mode, Mode::Browse));
    assert_eq!(message(&app).1, "The bot now sends to @alerts_desk.");

    // d asks first; n keeps, y deletes.
    assert!(press(&mut app, KeyCode::Char('d')).is_none());
    assert!(matches!(app.screens.telegram.mode, Mode::ConfirmDelete));
    insta::assert_snapshot!("delete_confirmation", snapshot(&app));
    assert!(press(&mut app, KeyCode::Char('n')).is_none());
    assert_eq!(message(&app).1, "Kept the bot token.");
    press(&mut app, KeyCode::Char('d'));
    let (_, delete) = work(press(&mut app, KeyCode::Char('y')));
    assert_eq!(format!("{delete:?}"), "Change(DeleteToken, revision 4)");
}

#[test]
fn nothing_to_test_or_turn_on_without_a_token_says_so() {
    let mut app = app_with(TelegramState::unset());
    for key in [' ', 't', 'd'] {
        assert!(press(&mut app, KeyCode::Char(key)).is_none(), "{key}");
        assert_eq!(message(&app).0, Severity::Error, "{key}");
    }
    assert!(message(&app).1.contains("no bot token"));
}

#[test]
fn t_tests_in_the_background_shows_the_outcome_and_records_it() {
    let mut app = app_with(configured(true, None));
    let (id, test) = work(press(&mut app, KeyCode::Char('t')));
    assert!(matches!(test, telegram::Work::Test));
    assert!(
        press(&mut app, KeyCode::Char('t')).is_none(),
        "one test at a time"
    );
    assert!(snapshot(&app).contains("Last test       …"));
    let result = TelegramTestResult {
        outcome: TestOutcome::Unexpected,
        http_status: Some(400),
        latency_ms: 80,
        detail: "@alerts_bot: HTTP 400: Bad Request: chat not found: add the bot to the chat, or send it /start".into(),
    };
    let record = answer(&mut app, id, telegram::Done::Tested(result.clone()));
    let (_, record) = work(record);
    assert!(matches!(record, telegram::Work::Record(recorded) if recorded == result));
    let (severity, text) = message(&app);
    assert_eq!(severity, Severity::Error);
    assert!(
        text.starts_with("Telegram: error (@alerts_bot: HTTP 400"),
        "{text}"
    );
}

#[test]
fn the_tab_at_80x24() {
    insta::assert_snapshot!(
        "not_configured",
        snapshot(&app_with(TelegramState::unset()))
    );
    insta::assert_snapshot!(
        "configured_and_on",
        snapshot(&app_with(configured(
            true,
            Some((
                TestOutcome::Ok,
                "sent to -1001234567890 by @alerts_bot in 212 ms"
            ))
        )))
    );
    insta::assert_snapshot!(
        "off",
        snapshot(&app_with(configured(
            false,
            Some((
                TestOutcome::Ok,
                "sent to -1001234567890 by @alerts_bot in 212 ms"
            ))
        )))
    );
    insta::assert_snapshot!(
        "a_failed_test",
        snapshot(&app_with(configured(
            true,
            Some((
                TestOutcome::Unexpected,
                "@alerts_bot: HTTP 400: Bad Request: chat not found: add the bot to the chat, or send it /start"
            ))
        )))
    );
}

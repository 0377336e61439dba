//! The console's Global and Risk tabs: the form's update (toggle, edit, reset, a stale change) and its screens in TestBackend.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use chrono::NaiveDate;
use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent, KeyModifiers};
use llm_settings::console::app::{App, Data, Event, Severity};
use llm_settings::console::dialog::DialogState;
use llm_settings::console::request::{Done, Refreshed, Request, RequestId, Work, WorkerEvent};
use llm_settings::console::screens::form::{self, Mode};
use llm_settings::console::ui;
use llm_settings::fields::{GroupValues, Value};
use llm_settings::settings::FieldAction;
use llm_settings::{GlobalSettings, Group, Provider, RiskSettings};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn changed(mut values: GroupValues, revision: i64, by: &str) -> GroupValues {
    values.revision = revision;
    values.changed_at = NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(6, 21, 0);
    values.changed_by = Some(by.into());
    values
}

/// Global: the interval and threshold changed, the agent pipeline off.
/// Risk: the drawdown check on with a 5 % limit; the other checks off.
fn data() -> Data {
    let providers = Provider::ALL
        .map(|p| common::provider_state(p, None, false, 0, ""))
        .to_vec();
    let mut global = GroupValues::defaults(&GlobalSettings::GROUP);
    global.values[1] = Value::Whole(30);
    global.values[2] = Value::Number(0.65);
    global.values[4] = Value::Switch(false);
    let mut risk = GroupValues::defaults(&RiskSettings::GROUP);
    risk.values[0] = Value::Switch(true);
    risk.values[1] = Value::Number(5.0);
    Data {
        fields: [
            (
                Group::Global,
                Ok(changed(global, 3, "alice from 203.0.113.7")),
            ),
            (Group::Risk, Ok(changed(risk, 2, "bob"))),
        ]
        .into(),
        ..Data::with_providers(providers)
    }
}

fn app_on(tab: char, data: Data) -> App {
    let mut app = App::with_data(
        "SQLite /var/lib/llm-settings/settings.db".into(),
        data,
        false,
    );
    press(&mut app, KeyCode::Char(tab));
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

fn work(request: Option<Request>) -> (RequestId, form::Work) {
    match request {
        Some(Request {
            id,
            work: Work::Form(work),
        }) => (id, work),
        other => panic!("expected form work, got {other:?}"),
    }
}

fn answer(app: &mut App, id: RequestId, done: form::Done) {
    app.update(Event::worker(WorkerEvent::Answer {
        id,
        outcome: Ok(Done::Form(done)),
        refreshed: Refreshed::default(),
    }));
}

fn snapshot(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::render(app, frame)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn space_toggles_a_switch_at_the_revision_read_and_says_so() {
    let mut app = app_on('4', data());
    let (id, toggle) = work(press(&mut app, KeyCode::Char(' ')));
    assert_eq!(toggle.group.group, llm_settings::Group::Risk);
    assert_eq!(toggle.action, FieldAction::Set);
    assert_eq!(toggle.changes, [(0, Value::Switch(false))]);
    assert_eq!(toggle.expected_revision, Some(2));
    assert_eq!(
        app.busy().as_deref(),
        Some("saving risk.drawdown_check_enabled")
    );
    answer(
        &mut app,
        id,
        form::Done::Saved {
            changes: toggle.changes,
        },
    );
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Drawdown check is now off."
    );
    // Space on a number explains; Enter on a switch toggles it too.
    press(&mut app, KeyCode::Down);
    assert!(press(&mut app, KeyCode::Char(' ')).is_none());
    assert_eq!(app.message.as_ref().unwrap().severity, Severity::Error);
    press(&mut app, KeyCode::Down);
    let (_, toggle) = work(press(&mut app, KeyCode::Enter));
    assert_eq!(toggle.changes, [(2, Value::Switch(true))]);
}

#[test]
fn enter_edits_a_number_and_a_refused_value_keeps_the_dialog_open() {
    let mut app = app_on('4', data());
    press(&mut app, KeyCode::Down); // max_drawdown_pct, 5
    press(&mut app, KeyCode::Enter);
    let Mode::EditNumber(dialog) = &app.screens.risk.mode else {
        panic!()
    };
    assert_eq!(dialog.content.input.value(), "5");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "150");
    assert!(press(&mut app, KeyCode::Enter).is_none());
    let Mode::EditNumber(dialog) = &app.screens.risk.mode else {
        panic!()
    };
    assert_eq!(
        dialog.state,
        DialogState::Refused(
            "max_drawdown_pct must be a number more than 0 and at most 100".into()
        )
    );
    insta::assert_snapshot!("risk_number_dialog_with_a_refusal", snapshot(&app, 80, 24));
    // Digits and letters are the dialog's: 4 does not switch tabs.
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "2.5");
    let (id, set) = work(press(&mut app, KeyCode::Enter));
    assert_eq!(set.changes, [(1, Value::Number(12.5))]);
    assert_eq!(set.expected_revision, Some(2));
    answer(
        &mut app,
        id,
        form::Done::Saved {
            changes: set.changes,
        },
    );
    assert!(matches!(app.screens.risk.mode, Mode::Browse));
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Max drawdown (%) is now 12.5."
    );
}

#[test]
fn x_resets_to_the_default_and_says_when_it_is_the_default_already() {
    let mut app = app_on('3', data());
    press(&mut app, KeyCode::Down); // maintenance_interval_minutes, 30
    let (_, reset) = work(press(&mut app, KeyCode::Char('x')));
    assert_eq!(reset.action, FieldAction::Reset);
    assert_eq!(reset.changes, [(1, Value::Whole(60))]);
    press(&mut app, KeyCode::Up);
    assert!(press(&mut app, KeyCode::Char('x')).is_none());
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Maintenance review is at its default (true) already."
    );
}

#[test]
fn another_admins_change_is_shown_and_the_same_key_again_applies_yours() {
    let mut app = app_on('4', data());
    // A toggle: nothing is written, the tab says who and when.
    let (id, _) = work(press(&mut app, KeyCode::Char(' ')));
    let theirs = changed(GroupValues::defaults(&RiskSettings::GROUP), 7, "carol");
    answer(&mut app, id, form::Done::Conflict(Box::new(theirs.clone())));
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Risk was changed by carol at 06:21 UTC after it was read; nothing was saved. The same key again applies yours."
    );
    // The refreshed values come with the answer; Space again toggles from them.
    app.update(Event::worker(WorkerEvent::ChangedElsewhere {
        text: "carol changed risk.drawdown_check_enabled: true -> false".into(),
        refreshed: Refreshed {
            fields: [(Group::Risk, Ok(theirs.clone()))].into(),
            ..Refreshed::default()
        },
    }));
    let (_, again) = work(press(&mut app, KeyCode::Char(' ')));
    assert_eq!(again.changes, [(0, Value::Switch(true))]);
    assert_eq!(again.expected_revision, Some(7));

    // In the number dialog the notice stays, and Enter confirms at the new revision.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "8");
    let (id, set) = work(press(&mut app, KeyCode::Enter));
    assert_eq!(set.expected_revision, Some(7));
    let mut newer = theirs;
    newer.revision = 8;
    newer.values[1] = Value::Number(3.0);
    answer(&mut app, id, form::Done::Conflict(Box::new(newer)));
    let Mode::EditNumber(dialog) = &app.screens.risk.mode else {
        panic!()
    };
    assert!(
        matches!(&dialog.state, DialogState::Conflict(c) if c.now == "Max drawdown (%) is 3 now" && c.revision == 8)
    );
    insta::assert_snapshot!("risk_conflict_notice", snapshot(&app, 80, 24));
    let (_, confirmed) = work(press(&mut app, KeyCode::Enter));
    assert_eq!(confirmed.expected_revision, Some(8));
    assert_eq!(confirmed.changes, [(1, Value::Number(8.0))]);
}

#[test]
fn a_group_that_cannot_be_read_says_why_and_a_reset_repairs_it() {
    let mut data = data();
    data.fields.insert(Group::Risk, Err("risk.max_open_positions holds 0 in the database, which is not a whole number from 1 to 1000; set it again or reset it (risk reset max_open_positions)".into()));
    let mut app = app_on('4', data);
    insta::assert_snapshot!("risk_cannot_be_read", snapshot(&app, 80, 24));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    let (_, reset) = work(press(&mut app, KeyCode::Char('x')));
    assert_eq!(reset.changes, [(3, Value::Whole(5))]);
    assert_eq!(
        reset.expected_revision, None,
        "a repair writes over what is there"
    );
    // The other tabs work.
    press(&mut app, KeyCode::Char('3'));
    assert!(snapshot(&app, 80, 24).contains("Confidence threshold"));
}

#[test]
fn before_the_worker_has_read_them_the_tabs_say_so_and_keys_change_nothing() {
    let providers = Provider::ALL
        .map(|p| common::provider_state(p, None, false, 0, ""))
        .to_vec();
    let mut app = app_on('4', Data::first_frame(providers));
    let screen = snapshot(&app, 80, 24);
    assert!(screen.contains("Reading the values…"), "{screen}");
    assert!(press(&mut app, KeyCode::Char(' ')).is_none());
    assert!(press(&mut app, KeyCode::Char('x')).is_none());
    press(&mut app, KeyCode::Char('2'));
    assert!(snapshot(&app, 80, 24).contains("Reading the tasks…"));
    assert!(press(&mut app, KeyCode::Enter).is_none());
    // The worker's first read arrives: everything is there.
    app.update(Event::worker(WorkerEvent::Read(Refreshed {
        fields: [(Group::Risk, Ok(GroupValues::defaults(&RiskSettings::GROUP)))].into(),
        ..Refreshed::default()
    })));
    press(&mut app, KeyCode::Char('4'));
    assert!(snapshot(&app, 80, 24).contains("Risk: 3 checks off"));
}

#[test]
fn the_forms_at_80x24_and_200x60() {
    let defaults = Data::with_providers(
        Provider::ALL
            .map(|p| common::provider_state(p, None, false, 0, ""))
            .to_vec(),
    );
    insta::assert_snapshot!(
        "risk_defaults_all_checks_off",
        snapshot(&app_on('4', defaults.clone()), 80, 24)
    );
    insta::assert_snapshot!("global_defaults", snapshot(&app_on('3', defaults), 80, 24));
    let mut global = app_on('3', data());
    for _ in 0..5 {
        press(&mut global, KeyCode::Down);
    }
    insta::assert_snapshot!(
        "global_changed_and_agents_dimmed",
        snapshot(&global, 80, 24)
    );
    insta::assert_snapshot!("global_200x60", snapshot(&global, 200, 60));
    let mut risk = app_on('4', data());
    press(&mut risk, KeyCode::Down);
    insta::assert_snapshot!("risk_changed_and_limits_off", snapshot(&risk, 80, 24));
    insta::assert_snapshot!("risk_200x60", snapshot(&risk, 200, 60));
}

//! The console's Tasks tab: its update (every binding and answer) and its screens, drawn into TestBackend.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent, KeyModifiers};
use llm_settings::console::app::{App, Data, Event, Severity};
use llm_settings::console::dialog::DialogState;
use llm_settings::console::request::{Done, Refreshed, Request, RequestId, Work, WorkerEvent};
use llm_settings::console::screens::providers;
use llm_settings::console::screens::tasks::{self, Focus, Mode, ModelList};
use llm_settings::console::ui;
use llm_settings::{Provider, ProviderState, Task, TaskAssignment, TaskState, TaskStatus};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn provider(provider: Provider, hint: Option<&str>, active: bool) -> ProviderState {
    common::provider_state(provider, hint, active, 1, "alice")
}

/// OpenAI ready, Gemini without a key, Anthropic switched off, OpenRouter
/// ready, Ollama without a key (which it does not need).
fn providers() -> Vec<ProviderState> {
    vec![
        provider(Provider::OpenAi, Some("sk-...9876"), true),
        provider(Provider::Gemini, None, false),
        provider(Provider::Anthropic, Some("sk-...cdef"), false),
        provider(Provider::OpenRouter, Some("sk-...77aa"), true),
        provider(Provider::Ollama, None, false),
    ]
}

fn task(task: Task, on: Option<(Provider, &str)>, status: TaskStatus, revision: i64) -> TaskState {
    TaskState {
        assignment: TaskAssignment {
            task,
            provider: on.map(|(provider, _)| provider),
            model_name: on
                .map(|(_, model)| model.to_owned())
                .unwrap_or_default()
                .into(),
            status,
        },
        changed_at: (revision > 0).then(|| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
                .unwrap()
                .and_hms_opt(14, 5, 0)
                .unwrap()
        }),
        changed_by: (revision > 0).then(|| "bob from 198.51.100.4".into()),
        revision,
    }
}

/// Ready, no key, inactive and unassigned tasks.
fn tasks() -> Vec<TaskState> {
    use TaskStatus::*;
    let on = |p, m| Some((p, m));
    vec![
        task(
            Task::MarketAnalysis,
            on(Provider::OpenAi, "gpt-4o"),
            Ready,
            2,
        ),
        task(
            Task::Vision,
            on(Provider::Gemini, "gemini-1.5-pro"),
            NoKey,
            1,
        ),
        task(
            Task::ExecutionDecision,
            on(Provider::Anthropic, "claude-sonnet-4"),
            Inactive,
            3,
        ),
        task(Task::MaintenanceTechnical, None, Unassigned, 0),
        task(Task::MaintenanceSentiment, None, Unassigned, 2),
        task(
            Task::MaintenanceDecision,
            on(Provider::OpenRouter, "openai/gpt-4o"),
            Ready,
            1,
        ),
        task(
            Task::NewsAnalysis,
            on(Provider::Ollama, "llama3.1:8b"),
            Ready,
            1,
        ),
        task(Task::PostTradeAnalysis, on(Provider::OpenAi, ""), Ready, 1),
        task(Task::IndicatorAgent, None, Unassigned, 0),
    ]
}

/// The console on the Tasks tab.
fn app() -> App {
    let data = Data {
        tasks: tasks(),
        ..Data::with_providers(providers())
    };
    let mut app = App::with_data(
        "SQLite /var/lib/llm-settings/settings.db".into(),
        data,
        false,
    );
    press(&mut app, KeyCode::Char('2'));
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

fn answer(app: &mut App, id: RequestId, outcome: Result<tasks::Done, &str>) {
    app.update(Event::worker(WorkerEvent::Answer {
        id,
        outcome: outcome.map(Done::Tasks).map_err(str::to_owned),
        refreshed: Refreshed::default(),
    }));
}

fn work(request: Option<Request>) -> (RequestId, tasks::Work) {
    match request {
        Some(Request {
            id,
            work: Work::Tasks(work),
        }) => (id, work),
        other => panic!("expected tasks work, got {other:?}"),
    }
}

fn mode(app: &App) -> &Mode {
    &app.screens.tasks.mode
}

fn snapshot(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::render(app, frame)).unwrap();
    terminal.backend().to_string()
}

/// Whether `work` assigns `assignment` to `task` at `revision`.
fn assigns(
    work: &tasks::Work,
    task: Task,
    assignment: Option<(Provider, &str)>,
    revision: i64,
) -> bool {
    match work {
        tasks::Work::Assign {
            task: t,
            assignment: a,
            expected_revision,
        } => {
            *t == task
                && a.as_ref().map(|(p, m)| (*p, m.as_str())) == assignment
                && *expected_revision == revision
        }
        tasks::Work::ListModels(_) => false,
    }
}

#[test]
fn enter_edits_the_provider_and_model_and_saves_at_the_revision_seen() {
    let mut app = app();
    press(&mut app, KeyCode::Down); // Vision: Gemini, revision 1
    press(&mut app, KeyCode::Enter);
    let Mode::Edit(dialog) = mode(&app) else {
        panic!("no dialog: {:?}", mode(&app))
    };
    assert_eq!(dialog.content.provider, Provider::Gemini);
    assert_eq!(dialog.content.model.value(), "gemini-1.5-pro");
    assert_eq!(dialog.content.focus, Focus::Provider);

    // Up to OpenAI: the model of another provider is not kept.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    let Mode::Edit(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(dialog.content.provider, Provider::OpenAi);
    assert_eq!(dialog.content.model.value(), "");

    // Tab to the model and type it; letters and digits are the field's.
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "gpt-4o-mini x2");
    assert!(
        press(&mut app, KeyCode::Enter).is_none(),
        "a model with a space is not sent"
    );
    let Mode::Edit(dialog) = mode(&app) else {
        panic!()
    };
    assert!(
        matches!(&dialog.state, DialogState::Refused(reason) if reason.starts_with("model_name must be"))
    );
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    let (id, save) = work(press(&mut app, KeyCode::Enter));
    assert!(
        assigns(
            &save,
            Task::Vision,
            Some((Provider::OpenAi, "gpt-4o-mini")),
            1
        ),
        "{save:?}"
    );
    assert_eq!(app.busy().as_deref(), Some("saving Vision / chart reading"));

    let saved = task(
        Task::Vision,
        Some((Provider::OpenAi, "gpt-4o-mini")),
        TaskStatus::Ready,
        2,
    );
    answer(&mut app, id, Ok(tasks::Done::Saved(Box::new(saved))));
    assert!(matches!(mode(&app), Mode::Browse));
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Vision / chart reading runs on OpenAI gpt-4o-mini."
    );
    assert_eq!(app.busy(), None);
}

#[test]
fn a_task_set_to_a_provider_that_is_not_ready_is_saved_with_a_warning() {
    let mut app = app();
    press(&mut app, KeyCode::Enter); // Market analysis, OpenAI
    press(&mut app, KeyCode::Down); // Gemini: no key
    let (id, save) = work(press(&mut app, KeyCode::Enter));
    assert!(assigns(
        &save,
        Task::MarketAnalysis,
        Some((Provider::Gemini, "")),
        2
    ));
    let saved = task(
        Task::MarketAnalysis,
        Some((Provider::Gemini, "")),
        TaskStatus::NoKey,
        3,
    );
    answer(&mut app, id, Ok(tasks::Done::Saved(Box::new(saved))));
    let message = app.message.as_ref().unwrap();
    assert_eq!(message.severity, Severity::Error);
    assert_eq!(
        message.text,
        "Market analysis is set to Google Gemini (its default model), but will not run until Google Gemini has a key."
    );
}

#[test]
fn another_admins_change_is_shown_and_a_second_enter_overwrites_it() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    type_text(&mut app, "-2024");
    let (id, save) = work(press(&mut app, KeyCode::Enter));
    assert!(assigns(
        &save,
        Task::MarketAnalysis,
        Some((Provider::OpenAi, "gpt-4o-2024")),
        2
    ));
    let theirs = task(
        Task::MarketAnalysis,
        Some((Provider::Anthropic, "claude-sonnet-4")),
        TaskStatus::Inactive,
        3,
    );
    answer(&mut app, id, Ok(tasks::Done::Conflict(Box::new(theirs))));
    let Mode::Edit(dialog) = mode(&app) else {
        panic!()
    };
    let DialogState::Conflict(conflict) = &dialog.state else {
        panic!("{:?}", dialog.state)
    };
    assert_eq!(conflict.now, "it runs on anthropic claude-sonnet-4 now");
    assert_eq!(
        conflict.changed_by.as_deref(),
        Some("bob from 198.51.100.4")
    );
    insta::assert_snapshot!("conflict_notice", snapshot(&app, 80, 24));
    let (_, again) = work(press(&mut app, KeyCode::Enter));
    assert!(assigns(
        &again,
        Task::MarketAnalysis,
        Some((Provider::OpenAi, "gpt-4o-2024")),
        3
    ));
}

#[test]
fn x_asks_before_clearing_and_only_an_assigned_task() {
    let mut app = app();
    press(&mut app, KeyCode::Char('x'));
    assert!(matches!(
        mode(&app),
        Mode::ConfirmClear(Task::MarketAnalysis, 2)
    ));
    insta::assert_snapshot!("clear_confirmation", snapshot(&app, 80, 24));
    assert!(
        press(&mut app, KeyCode::Char('q')).is_none(),
        "other keys wait"
    );
    assert!(app.is_running());
    press(&mut app, KeyCode::Char('n'));
    assert!(matches!(mode(&app), Mode::Browse));
    press(&mut app, KeyCode::Char('x'));
    let (id, clear) = work(press(&mut app, KeyCode::Char('y')));
    assert!(assigns(&clear, Task::MarketAnalysis, None, 2));
    let cleared = task(Task::MarketAnalysis, None, TaskStatus::Unassigned, 3);
    answer(&mut app, id, Ok(tasks::Done::Saved(Box::new(cleared))));
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Cleared Market analysis; it does not run."
    );
    // Maintenance: technical has nothing to clear.
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    assert!(press(&mut app, KeyCode::Char('x')).is_none());
    assert!(matches!(mode(&app), Mode::Browse));
    assert_eq!(app.message.as_ref().unwrap().severity, Severity::Error);
}

#[test]
fn the_providers_models_are_asked_for_once_and_picked_from() {
    let mut app = app();
    press(&mut app, KeyCode::Enter); // Market analysis, OpenAI gpt-4o
    press(&mut app, KeyCode::Tab);
    let (id, list) = work(press(&mut app, KeyCode::Tab));
    assert!(matches!(list, tasks::Work::ListModels(Provider::OpenAi)));
    assert_eq!(app.busy().as_deref(), Some("asking OpenAI for its models"));
    insta::assert_snapshot!("models_loading", snapshot(&app, 80, 24));
    let models: Vec<String> = ["gpt-4.1", "gpt-4o", "gpt-4o-mini", "o3-mini"]
        .map(str::to_owned)
        .to_vec();
    answer(
        &mut app,
        id,
        Ok(tasks::Done::Models(Provider::OpenAi, Ok(models.clone()))),
    );
    assert_eq!(
        app.screens.tasks.models[&Provider::OpenAi],
        ModelList::Loaded(models)
    );
    // The model typed is marked; ↓ picks the next one into the field.
    press(&mut app, KeyCode::Down);
    let Mode::Edit(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(dialog.content.model.value(), "gpt-4o-mini");
    insta::assert_snapshot!("model_list", snapshot(&app, 80, 24));

    // Back on the list later: not asked for again.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert!(press(&mut app, KeyCode::Tab).is_none());
    let (_, save) = work(press(&mut app, KeyCode::Enter));
    assert!(assigns(
        &save,
        Task::MarketAnalysis,
        Some((Provider::OpenAi, "gpt-4o-mini")),
        2
    ));
}

#[test]
fn a_list_that_cannot_be_had_says_why_and_the_model_can_still_be_typed() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    let (id, _) = work(press(&mut app, KeyCode::Tab));
    answer(
        &mut app,
        id,
        Ok(tasks::Done::Models(
            Provider::OpenAi,
            Err("refused (HTTP 401 in 80 ms)".into()),
        )),
    );
    assert!(matches!(
        &app.screens.tasks.models[&Provider::OpenAi],
        ModelList::Failed(reason) if reason == "refused (HTTP 401 in 80 ms)"
    ));
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Char('!'));
    let Mode::Edit(dialog) = mode(&app) else {
        panic!()
    };
    assert_eq!(dialog.content.model.value(), "gpt-4o!");
    // A request that failed outright marks the list failed too.
    let mut app = self::app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    let (id, _) = work(press(&mut app, KeyCode::Tab));
    answer(&mut app, id, Err("database busy, try again"));
    assert!(matches!(
        &app.screens.tasks.models[&Provider::OpenAi],
        ModelList::Failed(_)
    ));
}

#[test]
fn deleting_or_deactivating_a_provider_names_the_tasks_that_stop() {
    let mut app = app();
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('d')); // OpenAI: market analysis, post-trade analysis
    insta::assert_snapshot!("delete_names_the_tasks", snapshot(&app, 80, 24));
    let Some(Request { id, .. }) = press(&mut app, KeyCode::Char('y')) else {
        panic!()
    };
    app.update(Event::worker(WorkerEvent::Answer {
        id,
        outcome: Ok(Done::Providers(providers::Done::Deleted(Provider::OpenAi))),
        refreshed: Refreshed::default(),
    }));
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Deleted the key of OpenAI; 2 tasks will not run: market_analysis, post_trade_analysis."
    );

    // Space on an active provider that tasks use asks first.
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    assert!(press(&mut app, KeyCode::Char(' ')).is_none());
    assert!(matches!(
        app.screens.providers.mode,
        providers::Mode::ConfirmDeactivate(Provider::OpenRouter)
    ));
    insta::assert_snapshot!("deactivate_names_the_tasks", snapshot(&app, 80, 24));
    assert!(matches!(
        press(&mut app, KeyCode::Char('y')),
        Some(Request {
            work: Work::Providers(providers::Work::SetActive(Provider::OpenRouter, false)),
            ..
        })
    ));
    // One that no task uses is switched at once.
    let mut app = self::app();
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert!(matches!(
        press(&mut app, KeyCode::Char(' ')),
        Some(Request {
            work: Work::Providers(providers::Work::SetActive(Provider::Anthropic, true)),
            ..
        })
    ));
}

#[test]
fn the_tab_bar_on_every_tab() {
    let mut app = app();
    press(&mut app, KeyCode::Char('1'));
    insta::assert_snapshot!("tab_bar_on_providers", snapshot(&app, 80, 24));
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!("tab_bar_on_tasks", snapshot(&app, 80, 24));
}

#[test]
fn ready_no_key_inactive_and_unassigned_tasks() {
    let mut app = app();
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!("statuses", snapshot(&app, 80, 24));
    insta::assert_snapshot!("statuses_wide", snapshot(&app, 120, 24));
    insta::assert_snapshot!("sixty_columns", snapshot(&app, 60, 20));
}

#[test]
fn the_edit_dialog() {
    let mut app = app();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter); // Execution decision, Anthropic: switched off
    insta::assert_snapshot!("edit_dialog", snapshot(&app, 80, 24));
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!("edit_dialog_model_focused", snapshot(&app, 80, 24));
}

#[test]
fn text_from_the_database_is_drawn_without_control_characters() {
    let mut data_tasks = tasks();
    data_tasks[0].assignment.model_name = "gpt\x1b]0;owned\x07-4o".into();
    data_tasks[0].changed_by = Some("mallory\x1b[2J".into());
    let data = Data {
        tasks: data_tasks,
        ..Data::with_providers(providers())
    };
    let mut app = App::with_data("SQLite x".into(), data, false);
    press(&mut app, KeyCode::Char('2'));
    let screen = snapshot(&app, 120, 24);
    assert!(
        !screen.chars().any(|c| c.is_control() && c != '\n'),
        "{screen:?}"
    );
    assert!(screen.contains("gpt?]0;owned?-4o"), "{screen}");
    assert!(screen.contains("mallory?[2J"), "{screen}");
}

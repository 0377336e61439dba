//! Drawing each screen of the console into ratatui's TestBackend, at 80x24 and 200x60.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent, KeyModifiers};
use llm_settings::console::app::{App, Event};
use llm_settings::console::ui;
use llm_settings::{Provider, ProviderState, ProviderStatus};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn providers() -> Vec<ProviderState> {
    let at = NaiveDate::from_ymd_opt(2026, 11, 26)
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap();
    Provider::ALL
        .into_iter()
        .enumerate()
        .map(|(i, provider)| ProviderState {
            status: ProviderStatus {
                provider,
                is_configured: i % 2 == 0,
                is_active: i % 2 == 0,
                key_hint: (i % 2 == 0).then(|| "sk-...cdef".into()),
            },
            base_url: None,
            changed_at: Some(at),
            changed_by: Some("alice from 203.0.113.7".into()),
            revision: 1,
            fault: None,
            fingerprint: (i % 2 == 0).then(|| "3f798e62".to_owned()),
        })
        .collect()
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Event::Terminal(TerminalEvent::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))));
}

fn screens() -> Vec<(&'static str, App)> {
    let main = App::new(
        "SQLite /var/lib/llm-settings/settings.db".into(),
        providers(),
        true,
    );
    let mut dialog = App::new(
        "SQLite /var/lib/llm-settings/settings.db".into(),
        providers(),
        true,
    );
    press(&mut dialog, KeyCode::Enter);
    for c in "sk-proj-abcdefghijkl".chars() {
        press(&mut dialog, KeyCode::Char(c));
    }
    let mut help = App::new(
        "SQLite /var/lib/llm-settings/settings.db".into(),
        providers(),
        true,
    );
    press(&mut help, KeyCode::Char('?'));
    let mut tasks = App::new(
        "SQLite /var/lib/llm-settings/settings.db".into(),
        providers(),
        true,
    );
    press(&mut tasks, KeyCode::Tab);
    vec![
        ("main", main),
        ("key dialog", dialog),
        ("help", help),
        ("tasks", tasks),
    ]
}

fn draw(c: &mut Criterion) {
    // The floor for each size: a frame with nothing drawn still costs
    // ratatui a reset of the buffer and a comparison of every cell.
    for (width, height) in [(80, 24), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        c.bench_function(&format!("draw an empty frame {width}x{height}"), |b| {
            b.iter(|| {
                terminal.draw(|_| {}).unwrap();
            })
        });
    }
    for (name, app) in screens() {
        for (width, height) in [(80, 24), (200, 60)] {
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            c.bench_function(&format!("draw {name} {width}x{height}"), |b| {
                b.iter(|| {
                    terminal
                        .draw(|frame| ui::render(black_box(&app), frame))
                        .unwrap();
                })
            });
        }
    }
}

criterion_group!(benches, draw);
criterion_main!(benches);

//! No type that holds a key prints it: `Debug` of each, with a known key inside.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent, KeyModifiers};
use llm_settings::console::app::{App, Event};
use llm_settings::console::key_field::KeyField;
use llm_settings::secret::{KeySource, MasterKey};
use llm_settings::{OpenOptions, Provider, Settings};
use secrecy::SecretString;

const KEY: &str = "sk-ant-api03-DEBUGdebugDEBUG0123456789";

fn assert_hidden(what: &str, debug: String) {
    for part in [KEY, &KEY[13..25], &KEY[KEY.len() - 10..]] {
        assert!(!debug.contains(part), "{what} prints the key: {debug}");
    }
}

#[test]
fn debug_never_shows_a_key() {
    let secret = SecretString::from(KEY.to_owned());
    assert_hidden("SecretString", format!("{secret:?}"));

    let mut field = KeyField::default();
    assert!(field.insert(KEY));
    assert_hidden("KeyField", format!("{field:?}"));

    let paste = Event::Terminal(TerminalEvent::Paste(KEY.to_owned()));
    assert_hidden("a paste event", format!("{paste:?}"));
    let typed = Event::Terminal(TerminalEvent::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::NONE,
    )));
    assert!(!format!("{typed:?}").contains("'s'"));

    // The console with the key pasted into its dialog, and the request
    // that saves it.
    let anthropic = llm_settings::ProviderState {
        status: llm_settings::ProviderStatus::unconfigured(Provider::Anthropic),
        base_url: None,
        changed_at: None,
        changed_by: None,
        revision: 0,
        fault: None,
        fingerprint: None,
    };
    let mut app = App::new("SQLite x".into(), vec![anthropic], false);
    let press = |code| Event::Terminal(TerminalEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    app.update(press(KeyCode::Enter));
    app.update(Event::Terminal(TerminalEvent::Paste(KEY.to_owned())));
    assert_hidden("App with the key dialog", format!("{app:?}"));
    let request = app.update(press(KeyCode::Enter)).unwrap();
    assert_hidden("the save request", format!("{request:?}"));
    assert!(format!("{request:?}").contains("SaveKey"));
    assert_hidden("App saving", format!("{app:?}"));

    let master = MasterKey::generate().unwrap();
    let master_text = master.to_base64().to_string();
    let debug = format!("{master:?}");
    assert!(
        !debug.contains(&master_text[..20]),
        "MasterKey prints its bytes"
    );

    // The key source that holds the master key itself.
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("master.key");
    llm_settings::secret::generate_key_file(&key_file).unwrap();
    let file_text = std::fs::read_to_string(&key_file).unwrap();
    let source = KeySource::Environment(zeroize::Zeroizing::new(file_text.clone()));
    assert!(!format!("{source:?}").contains(file_text.trim()));

    let mut settings = Settings::open(&OpenOptions {
        database_url: Some(dir.path().join("s.db").display().to_string()),
        key_file: Some(key_file),
        actor: None,
    })
    .unwrap();
    settings.save_key(Provider::Anthropic, &secret).unwrap();
    assert_hidden("Settings", format!("{settings:?}"));
    assert!(!format!("{settings:?}").contains(file_text.trim()));
    let read = settings.read_key(Provider::Anthropic).unwrap();
    assert_hidden("the key read back", format!("{read:?}"));
    let target = settings.test_target(Provider::Anthropic).unwrap();
    assert_hidden("TestTarget", format!("{target:?}"));
    let environment = llm_settings::cli::exec::environment(&mut settings, &[]).unwrap();
    assert_hidden("exec's Environment", format!("{environment:?}"));
    assert_hidden("ProviderState", format!("{:?}", settings.states().unwrap()));
}

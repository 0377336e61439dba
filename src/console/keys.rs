//! The console's key bindings, as data: the footer and the help overlay are generated from these tables.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tab::Tab;

/// What a key does wherever no dialog is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppAction {
    NextTab,
    PreviousTab,
    /// Jump to the tab of the digit pressed.
    GoToTab,
    Reload,
    Help,
    Quit,
}

/// One binding: the keys, a short word for the footer (bindings that share
/// it are shown together, as in `↑↓ move`), and a line for the help overlay.
#[derive(Debug)]
pub struct Binding<A: 'static> {
    pub keys: &'static [KeyCode],
    pub action: A,
    pub footer: Option<&'static str>,
    pub help: &'static str,
}

/// The console's own bindings, after the current screen's in the footer and
/// the help.
pub const APP: &[Binding<AppAction>] = &[
    Binding {
        keys: &[KeyCode::Tab],
        action: AppAction::NextTab,
        footer: Some("tabs"),
        help: "the next tab",
    },
    Binding {
        keys: &[KeyCode::BackTab],
        action: AppAction::PreviousTab,
        footer: None,
        help: "the tab before",
    },
    Binding {
        keys: &Tab::DIGIT_KEYS,
        action: AppAction::GoToTab,
        footer: None,
        help: "the tab of that number",
    },
    Binding {
        keys: &[KeyCode::Char('r')],
        action: AppAction::Reload,
        footer: Some("reload"),
        help: "read the settings again from the database",
    },
    Binding {
        keys: &[KeyCode::Char('?')],
        action: AppAction::Help,
        footer: Some("help"),
        help: "show or hide this help",
    },
    Binding {
        keys: &[KeyCode::Char('q'), KeyCode::Esc],
        action: AppAction::Quit,
        footer: Some("quit"),
        help: "quit (Ctrl-C quits from anywhere)",
    },
];

/// What a key does in a dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogAction {
    Submit,
    Cancel,
}

/// The bindings of every dialog; every other key edits the field.
pub const DIALOG: &[Binding<DialogAction>] = &[
    Binding {
        keys: &[KeyCode::Enter],
        action: DialogAction::Submit,
        footer: Some("save"),
        help: "save; after another admin's change is shown, replace it",
    },
    Binding {
        keys: &[KeyCode::Esc],
        action: DialogAction::Cancel,
        footer: Some("cancel"),
        help: "close without saving; the field is wiped",
    },
];

/// What a key does while a confirmation waits for y or n.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfirmAction {
    Yes,
    No,
}

/// The action bound to `key` in `table`. Bindings are plain keys: a key
/// pressed with Ctrl or Alt matches none (Shift is part of the character).
pub fn lookup<A: Copy>(table: &[Binding<A>], key: &KeyEvent) -> Option<A> {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    table
        .iter()
        .find(|binding| binding.keys.contains(&key.code))
        .map(|binding| binding.action)
}

/// Whether `key` is Ctrl-C, which quits from anywhere.
pub fn is_interrupt(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C'))
}

/// How a key is written for people.
pub fn key_label(code: &KeyCode) -> String {
    match code {
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Char(c) => c.to_string(),
        other => format!("{other:?}"),
    }
}

/// The footer's entries for `table`: the first key of each binding, bindings
/// sharing a footer word merged (`↑↓ move`).
pub fn footer_entries<A>(table: &[Binding<A>]) -> Vec<(String, &'static str)> {
    let mut entries: Vec<(String, &'static str)> = Vec::new();
    for binding in table {
        let (Some(word), Some(first)) = (binding.footer, binding.keys.first()) else {
            continue;
        };
        match entries.last_mut() {
            Some((keys, last_word)) if *last_word == word => keys.push_str(&key_label(first)),
            _ => entries.push((key_label(first), word)),
        }
    }
    entries
}

/// The help overlay's lines for `table`: every key of each binding, and what it does.
pub fn help_lines<A>(table: &[Binding<A>]) -> Vec<(String, &'static str)> {
    table
        .iter()
        .map(|binding| {
            let keys = match binding.keys {
                // A run of digits reads as a range.
                [KeyCode::Char(first), .., KeyCode::Char(last)]
                    if first.is_ascii_digit() && last.is_ascii_digit() =>
                {
                    format!("{first}-{last}")
                }
                keys => keys.iter().map(key_label).collect::<Vec<_>>().join(" "),
            };
            (keys, binding.help)
        })
        .collect()
}

/// The footer of a dialog with keys of its own: those, then the keys
/// every dialog shares.
pub fn dialog_footer_entries<A>(own: &[Binding<A>]) -> Vec<(String, &'static str)> {
    let mut entries = footer_entries(own);
    entries.extend(footer_entries(DIALOG));
    entries
}

/// The help of a dialog with keys of its own: those, then the keys every
/// dialog shares.
pub fn dialog_help_lines<A>(own: &[Binding<A>]) -> Vec<(String, &'static str)> {
    let mut lines = help_lines(own);
    lines.extend(help_lines(DIALOG));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn lookup_finds_each_key_of_a_binding() {
        assert_eq!(
            lookup(APP, &press(KeyCode::Char('q'))),
            Some(AppAction::Quit)
        );
        assert_eq!(lookup(APP, &press(KeyCode::Esc)), Some(AppAction::Quit));
        assert_eq!(lookup(APP, &press(KeyCode::Char('x'))), None);
        assert_eq!(
            lookup(
                APP,
                &KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)
            ),
            None
        );
        assert!(is_interrupt(&KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL
        )));
    }

    #[test]
    fn every_tab_has_a_digit_that_jumps_to_it() {
        for tab in Tab::ALL {
            let digit = char::from_digit(tab.number() as u32, 10).unwrap();
            assert_eq!(
                lookup(APP, &press(KeyCode::Char(digit))),
                Some(AppAction::GoToTab),
                "{tab:?}"
            );
            assert_eq!(Tab::numbered(digit), Some(tab));
        }
    }

    #[test]
    fn footer_merges_shared_words() {
        const TABLE: &[Binding<u8>] = &[
            Binding {
                keys: &[KeyCode::Up, KeyCode::Char('k')],
                action: 0,
                footer: Some("move"),
                help: "",
            },
            Binding {
                keys: &[KeyCode::Down],
                action: 1,
                footer: Some("move"),
                help: "",
            },
            Binding {
                keys: &[KeyCode::Enter],
                action: 2,
                footer: Some("set"),
                help: "",
            },
        ];
        assert_eq!(
            footer_entries(TABLE),
            [("↑↓".to_owned(), "move"), ("Enter".to_owned(), "set")]
        );
    }
}

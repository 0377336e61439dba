//! The Telegram tab's work, as the worker performs it: the token, the chat, the switches, the base URL, and the test and its record.

use crate::api_key::ApiKey;
use crate::base_url::BaseUrl;
use crate::console::performed::Performed;
use crate::error::Error;
use crate::revision::SaveOutcome;
use crate::settings::Settings;
use crate::telegram::{ChatId, TelegramState, TelegramTestResult};

/// A change to the bot's settings; each expects the revision the admin saw.
pub enum Change {
    /// A new token, with the chat when none is stored.
    Token(ApiKey, Option<ChatId>),
    Chat(ChatId),
    Enabled(bool),
    Notify(bool),
    BaseUrl(Option<BaseUrl>),
    DeleteToken,
}

/// What the Telegram tab asks of the worker.
pub enum Work {
    Change {
        change: Change,
        expected_revision: i64,
    },
    /// The test: getMe and sendMessage, on a thread of its own.
    Test,
    /// Record a finished test's result, for `check`.
    Record(TelegramTestResult),
}

impl std::fmt::Debug for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Work::Change {
                change,
                expected_revision,
            } => {
                let what = match change {
                    Change::Token(..) => "Token(redacted)".to_owned(),
                    Change::Chat(chat) => format!("Chat({chat})"),
                    Change::Enabled(on) => format!("Enabled({on})"),
                    Change::Notify(on) => format!("Notify({on})"),
                    Change::BaseUrl(url) => format!("BaseUrl({url:?})"),
                    Change::DeleteToken => "DeleteToken".to_owned(),
                };
                write!(f, "Change({what}, revision {expected_revision})")
            }
            Work::Test => f.write_str("Test"),
            Work::Record(result) => write!(f, "Record({:?})", result.outcome),
        }
    }
}

/// What the work did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Done {
    /// The change was written; the bot as it is now.
    Saved(Box<TelegramState>),
    /// Another admin changed the bot's settings since they were read:
    /// nothing was written; as they are now.
    Conflict(Box<TelegramState>),
    /// The test finished.
    Tested(TelegramTestResult),
    /// Its result was recorded.
    Recorded,
}

/// Performs `work` on the worker's connection.
pub fn perform(settings: &mut Settings, work: Work) -> Performed<Done> {
    let done = |done| Performed::Done(Ok(done));
    let saved = |result: Result<SaveOutcome<TelegramState>, Error>| match result {
        Ok(SaveOutcome::Saved(state)) => done(Done::Saved(Box::new(state))),
        Ok(SaveOutcome::Conflict(state)) => done(Done::Conflict(Box::new(state))),
        Err(error) => Performed::Done(Err(error)),
    };
    match work {
        Work::Change {
            change,
            expected_revision,
        } => {
            let expected = Some(expected_revision);
            saved(match change {
                Change::Token(token, chat) => {
                    settings.set_telegram_token(&token, chat.as_ref(), expected)
                }
                Change::Chat(chat) => settings.set_telegram_chat(&chat, expected),
                Change::Enabled(on) => settings.set_telegram_enabled(on, expected),
                Change::Notify(on) => settings.set_telegram_notify(on, expected),
                Change::BaseUrl(url) => settings.set_telegram_base_url(url.as_ref(), expected),
                Change::DeleteToken => settings.delete_telegram_token(expected),
            })
        }
        Work::Test => match settings.telegram_test() {
            Ok(test) => {
                let text = settings.telegram_test_text();
                Performed::Background(Box::new(move || Done::Tested(test.run(&text))))
            }
            Err(error) => Performed::Done(Err(error)),
        },
        Work::Record(result) => match settings.record_telegram_test(&result) {
            Ok(()) => done(Done::Recorded),
            Err(error) => Performed::Done(Err(error)),
        },
    }
}

//! The Telegram bot's group: its token (validated, sealed, stored), its chat, its switches, its base URL and its test.

use secrecy::SecretString;

use super::Settings;
use crate::api_key::ApiKey;
use crate::base_url::BaseUrl;
use crate::connection_test::TestOutcome;
use crate::error::Error;
use crate::group::Group;
use crate::history::HistoryEntry;
use crate::revision::SaveOutcome;
use crate::sanitize::Printable;
use crate::secret::{self, SecretSlot};
use crate::store::{TelegramOutcome, TelegramRow, TelegramWrite};
use crate::telegram::{
    Announcement, ChatId, RecordedTest, TelegramState, TelegramStatus, TelegramTest,
    TelegramTestResult,
};

/// One change of the bot's settings that is not its token, as a PATCH
/// makes several at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TelegramChange {
    Enabled(bool),
    Chat(ChatId),
    NotifyChanges(bool),
    /// `None` resets it to Telegram's.
    BaseUrl(Option<BaseUrl>),
}

impl TelegramChange {
    fn write(&self) -> TelegramWrite<'_> {
        match self {
            TelegramChange::Enabled(on) => TelegramWrite::Enabled(*on),
            TelegramChange::Chat(chat) => TelegramWrite::ChatId(chat.as_str()),
            TelegramChange::NotifyChanges(on) => TelegramWrite::NotifyChanges(*on),
            TelegramChange::BaseUrl(url) => {
                TelegramWrite::BaseUrl(url.as_ref().map(BaseUrl::as_str))
            }
        }
    }
}

fn outcome_of(id: &str) -> Option<TestOutcome> {
    match id {
        "ok" => Some(TestOutcome::Ok),
        "unauthorized" => Some(TestOutcome::Unauthorized),
        "unreachable" => Some(TestOutcome::Unreachable),
        "unexpected" => Some(TestOutcome::Unexpected),
        _ => None,
    }
}

/// The id a test's outcome is recorded as.
fn outcome_id(outcome: TestOutcome) -> &'static str {
    match outcome {
        TestOutcome::Ok => "ok",
        TestOutcome::Unauthorized => "unauthorized",
        TestOutcome::Unreachable => "unreachable",
        TestOutcome::Unexpected => "unexpected",
    }
}

impl Settings {
    /// The bot's settings and their details. A token that does not decrypt
    /// is reported in `fault`.
    pub fn telegram(&mut self) -> Result<TelegramState, Error> {
        let row = self.store.telegram_row()?;
        Ok(self.telegram_state_of(&row))
    }

    /// The bot's status, as `telegram show --json` prints it.
    pub fn telegram_status(&mut self) -> Result<TelegramStatus, Error> {
        Ok(self.telegram()?.status)
    }

    fn telegram_state_of(&self, row: &TelegramRow) -> TelegramState {
        let fault = row.bot_token_encrypted.as_deref().and_then(|bytes| {
            secret::open(&self.master_key, SecretSlot::TelegramToken, bytes).err()
        });
        let clean = |text: &Option<String>| text.as_deref().map(Printable::new);
        TelegramState {
            status: TelegramStatus {
                is_configured: row.bot_token_encrypted.is_some(),
                is_enabled: row.is_enabled,
                chat_id: clean(&row.chat_id),
                token_hint: clean(&row.bot_token_hint),
                notify_changes: row.notify_changes,
            },
            base_url: clean(&row.base_url),
            last_test: match (row.last_test_at, row.last_test_outcome.as_deref()) {
                (Some(at), Some(outcome)) => outcome_of(outcome).map(|outcome| RecordedTest {
                    at,
                    outcome,
                    detail: row
                        .last_test_detail
                        .as_deref()
                        .map(Printable::new)
                        .unwrap_or_default(),
                }),
                _ => None,
            },
            revision: row.revision,
            changed_at: (row.revision > 0).then_some(row.updated_at),
            changed_by: (row.revision > 0).then(|| Printable::new(&row.updated_by)),
            fault,
        }
    }

    /// The bot's token, for the services that send alerts; `None` when no
    /// token is stored. This is the one way it comes out.
    pub fn telegram_token(&mut self) -> Result<Option<SecretString>, Error> {
        let Some(bytes) = self.store.telegram_row()?.bot_token_encrypted else {
            return Ok(None);
        };
        secret::open(&self.master_key, SecretSlot::TelegramToken, &bytes)
            .map(Some)
            .map_err(|source| Error::TelegramTokenUndecryptable { source })
    }

    /// Seals and stores a checked token, with `chat` when given (a chat is
    /// needed when none is stored), and turns the bot on.
    pub fn set_telegram_token(
        &mut self,
        token: &ApiKey,
        chat: Option<&ChatId>,
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TelegramState>, Error> {
        let sealed = secret::seal(
            &self.master_key,
            SecretSlot::TelegramToken,
            token.as_secret(),
        );
        let hint = token.hint();
        self.write_telegram(
            &TelegramWrite::Token {
                sealed: &sealed,
                hint: &hint,
                chat_id: chat.map(ChatId::as_str),
            },
            expected_revision,
        )
    }

    /// Changes the chat the bot sends to; the token stays.
    pub fn set_telegram_chat(
        &mut self,
        chat: &ChatId,
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TelegramState>, Error> {
        self.write_telegram(&TelegramWrite::ChatId(chat.as_str()), expected_revision)
    }

    /// Turns the bot on (it needs a token and a chat) or off.
    pub fn set_telegram_enabled(
        &mut self,
        on: bool,
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TelegramState>, Error> {
        self.write_telegram(&TelegramWrite::Enabled(on), expected_revision)
    }

    /// Removes the token and turns the bot off; the chat stays.
    pub fn delete_telegram_token(
        &mut self,
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TelegramState>, Error> {
        self.write_telegram(&TelegramWrite::DeleteToken, expected_revision)
    }

    /// Sets (`Some`) or clears the base URL of the Bot API.
    pub fn set_telegram_base_url(
        &mut self,
        base_url: Option<&BaseUrl>,
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TelegramState>, Error> {
        self.write_telegram(
            &TelegramWrite::BaseUrl(base_url.map(BaseUrl::as_str)),
            expected_revision,
        )
    }

    /// Whether each change is announced in the chat.
    pub fn set_telegram_notify(
        &mut self,
        on: bool,
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TelegramState>, Error> {
        self.write_telegram(&TelegramWrite::NotifyChanges(on), expected_revision)
    }

    fn write_telegram(
        &mut self,
        write: &TelegramWrite<'_>,
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TelegramState>, Error> {
        self.write_telegram_all(std::slice::from_ref(write), expected_revision)
    }

    /// Makes `changes` in order, in one transaction: all of them, or, when
    /// one cannot be made, none.
    pub fn change_telegram(
        &mut self,
        changes: &[TelegramChange],
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TelegramState>, Error> {
        let writes: Vec<TelegramWrite<'_>> = changes.iter().map(TelegramChange::write).collect();
        self.write_telegram_all(&writes, expected_revision)
    }

    fn write_telegram_all(
        &mut self,
        writes: &[TelegramWrite<'_>],
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<TelegramState>, Error> {
        let outcome = self
            .store
            .write_telegram(writes, expected_revision, self.actor.as_str())?;
        match outcome {
            TelegramOutcome::Changed(row) | TelegramOutcome::Unchanged(row) => {
                Ok(SaveOutcome::Saved(self.telegram_state_of(&row)))
            }
            TelegramOutcome::Conflict(row) => {
                Ok(SaveOutcome::Conflict(self.telegram_state_of(&row)))
            }
            TelegramOutcome::Incomplete(_) => {
                Err(if matches!(writes, [TelegramWrite::Token { .. }]) {
                    Error::TelegramNeedsChat
                } else {
                    Error::TelegramIncomplete
                })
            }
        }
    }

    /// What a test (or an announcement) needs: the token, the chat and the
    /// base URL. Without a token and a chat there is nothing to test.
    pub fn telegram_test(&mut self) -> Result<TelegramTest, Error> {
        let row = self.store.telegram_row()?;
        let (Some(chat), Some(_)) = (&row.chat_id, &row.bot_token_encrypted) else {
            return Err(Error::TelegramIncomplete);
        };
        let token = self.telegram_token()?.ok_or(Error::TelegramIncomplete)?;
        Ok(TelegramTest::new(row.base_url.as_deref(), token, chat))
    }

    /// The text the test sends, naming the admin who asked for it.
    pub fn telegram_test_text(&self) -> String {
        format!(
            "Test message from llm-settings, sent by {}: this chat gets the trading system's alerts.",
            self.actor
        )
    }

    /// The announcement of the changes this handle wrote since the last
    /// call, when the bot is on and announces changes; `None` otherwise
    /// (and for a change of the announcements themselves, which is not
    /// announced). Send it after the commit, off any thread that must not
    /// wait: it takes up to [`crate::telegram::ANNOUNCE_TIMEOUT`].
    pub fn take_announcement(&mut self) -> Result<Option<Announcement>, Error> {
        if !self.store.has_written() {
            return Ok(None);
        }
        // The bot first: when it does not announce, the entries written
        // are not read at all.
        let row = self.store.telegram_row()?;
        if !row.is_enabled || !row.notify_changes {
            self.store.take_written();
            return Ok(None);
        }
        let rows = self.store.take_written_entries()?;
        let entries: Vec<HistoryEntry> = rows
            .into_iter()
            .map(HistoryEntry::from)
            .filter(|entry| {
                !(entry.group() == Some(Group::Telegram)
                    && entry.subject.as_deref() == Some("notify_changes"))
            })
            .collect();
        if entries.is_empty() {
            return Ok(None);
        }
        let sender = self.telegram_test()?;
        Ok(Announcement::of(sender, &entries))
    }

    /// Records a test's result, for the console and `check`: not a change
    /// of the settings (no revision, no audit entry).
    pub fn record_telegram_test(&mut self, result: &TelegramTestResult) -> Result<(), Error> {
        let at = chrono::Utc::now().naive_utc();
        Ok(self
            .store
            .record_telegram_test(outcome_id(result.outcome), &result.detail, at)?)
    }
}

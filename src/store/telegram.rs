//! The Telegram bot's row (`telegram_settings`, `id` = 1): the sealed token and its hint, the chat, the switches, the base URL, the last test.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::Change;
use super::schema::telegram_settings as bot;
use super::{Store, StoreError, now};
use crate::audit_action::AuditAction;
use crate::group::Group;

/// The bot's row. `bot_token_encrypted` is the sealed envelope, never a token.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = bot)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TelegramRow {
    pub bot_token_encrypted: Option<Vec<u8>>,
    pub bot_token_hint: Option<String>,
    pub chat_id: Option<String>,
    pub is_enabled: bool,
    pub base_url: Option<String>,
    pub notify_changes: bool,
    pub last_test_at: Option<NaiveDateTime>,
    pub last_test_outcome: Option<String>,
    pub last_test_detail: Option<String>,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
    pub revision: i64,
}

/// A change to the bot's row. Every change but a test's result is one
/// revision and one audit entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TelegramWrite<'a> {
    /// A new token (sealed, and its hint), with the chat when one is given;
    /// the bot is turned on.
    Token {
        sealed: &'a [u8],
        hint: &'a str,
        chat_id: Option<&'a str>,
    },
    /// Removes the token and turns the bot off; the chat stays.
    DeleteToken,
    ChatId(&'a str),
    Enabled(bool),
    BaseUrl(Option<&'a str>),
    NotifyChanges(bool),
}

/// What a write did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TelegramOutcome {
    /// Written; the row as this transaction left it.
    Changed(TelegramRow),
    /// It already was so: nothing written, no audit entry.
    Unchanged(TelegramRow),
    /// The row is at another revision than expected: nothing written.
    Conflict(TelegramRow),
    /// Turning the bot on needs a token and a chat; a token needs a chat.
    Incomplete(TelegramRow),
}

/// Why a batch of writes was undone: one of them was refused (a conflict,
/// or a bot turned on without its token and chat), or the database failed.
#[derive(Debug)]
pub enum Abort {
    Refused(Box<TelegramOutcome>),
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for Abort {
    fn from(error: diesel::result::Error) -> Self {
        Abort::Database(error)
    }
}

fn text(on: bool) -> &'static str {
    if on { "true" } else { "false" }
}

/// The row a database without one reads as: nothing set, revision 0.
fn empty_row() -> TelegramRow {
    TelegramRow {
        bot_token_encrypted: None,
        bot_token_hint: None,
        chat_id: None,
        is_enabled: false,
        base_url: None,
        notify_changes: false,
        last_test_at: None,
        last_test_outcome: None,
        last_test_detail: None,
        updated_at: NaiveDateTime::default(),
        updated_by: String::new(),
        revision: 0,
    }
}

for_each_backend! {
    pub fn row(conn: &mut Conn) -> QueryResult<Option<TelegramRow>> {
        bot::table
            .find(1)
            .select(TelegramRow::as_select())
            .first(conn)
            .optional()
    }

    /// Makes the row, with nothing set, if it is missing.
    fn ensure_row(conn: &mut Conn, actor: &str, at: NaiveDateTime) -> QueryResult<TelegramRow> {
        if let Some(row) = row(conn)? {
            return Ok(row);
        }
        diesel::insert_into(bot::table)
            .values((
                bot::id.eq(1),
                bot::updated_at.eq(at),
                bot::updated_by.eq(actor),
                bot::revision.eq(0i64),
            ))
            .execute(conn)?;
        Ok(row(conn)?.unwrap_or_else(empty_row))
    }

    /// Applies `writes` in order, all or none, unless the row is at another
    /// revision than `expected`, in the caller's transaction: a write that
    /// cannot be made undoes those before it.
    pub fn write_all(
        conn: &mut Conn,
        writes: &[TelegramWrite<'_>],
        expected: Option<i64>,
        actor: &str,
    ) -> Result<TelegramOutcome, Abort> {
        let mut outcome = TelegramOutcome::Unchanged(ensure_row(conn, actor, now())?);
        // The revision is checked once, before the first write; the rest
        // follow in the same transaction.
        let mut expected = expected;
        for write in writes {
            match (write_one(conn, write, expected.take(), actor)?, outcome) {
                (TelegramOutcome::Unchanged(_), TelegramOutcome::Changed(_)) => {
                    outcome = TelegramOutcome::Changed(row(conn)?.unwrap_or_else(empty_row));
                }
                (done @ (TelegramOutcome::Changed(_) | TelegramOutcome::Unchanged(_)), _) => {
                    outcome = done;
                }
                (refused, _) => return Err(Abort::Refused(Box::new(refused))),
            }
        }
        Ok(outcome)
    }

    /// Applies `write` unless the row is at another revision than
    /// `expected`, with its audit entry, in the caller's transaction.
    fn write_one(
        conn: &mut Conn,
        write: &TelegramWrite<'_>,
        expected: Option<i64>,
        actor: &str,
    ) -> QueryResult<TelegramOutcome> {
        let at = now();
        let current = ensure_row(conn, actor, at)?;
        if expected.is_some_and(|expected| expected != current.revision) {
            return Ok(TelegramOutcome::Conflict(current));
        }
        let target = bot::table.find(1);
        let stamp = (
            bot::revision.eq(bot::revision + 1),
            bot::updated_at.eq(at),
            bot::updated_by.eq(actor),
        );
        // A new token, chat or base URL makes the last test's result one
        // about something else: it is forgotten, so that nothing (the tab,
        // `check`) vouches for a bot that was never tested.
        let untested = (
            bot::last_test_at.eq(None::<NaiveDateTime>),
            bot::last_test_outcome.eq(None::<String>),
            bot::last_test_detail.eq(None::<String>),
        );
        let (field, old, new): (&str, Option<String>, Option<String>) = match *write {
            TelegramWrite::Token { sealed, hint, chat_id } => {
                let chat = chat_id.map(str::to_owned).or_else(|| current.chat_id.clone());
                let Some(chat) = chat else {
                    return Ok(TelegramOutcome::Incomplete(current));
                };
                diesel::update(target)
                    .set((
                        bot::bot_token_encrypted.eq(sealed),
                        bot::bot_token_hint.eq(hint),
                        bot::chat_id.eq(&chat),
                        bot::is_enabled.eq(true),
                        stamp,
                        untested,
                    ))
                    .execute(conn)?;
                if chat_id.is_some() && current.chat_id.as_deref() != chat_id {
                    let entry = Change {
                        group: Group::Telegram,
                        action: AuditAction::Set,
                        subject: Some("chat_id"),
                        old: current.chat_id.as_deref(),
                        new: chat_id,
                    };
                    audit::append(conn, actor, at, &entry)?;
                }
                if !current.is_enabled {
                    let entry = Change {
                        group: Group::Telegram,
                        action: AuditAction::Set,
                        subject: Some("is_enabled"),
                        old: Some("false"),
                        new: Some("true"),
                    };
                    audit::append(conn, actor, at, &entry)?;
                }
                ("bot_token", current.bot_token_hint.clone(), Some(hint.to_owned()))
            }
            TelegramWrite::DeleteToken => {
                if current.bot_token_encrypted.is_none() {
                    return Ok(TelegramOutcome::Unchanged(current));
                }
                diesel::update(target)
                    .set((
                        bot::bot_token_encrypted.eq(None::<Vec<u8>>),
                        bot::bot_token_hint.eq(None::<String>),
                        bot::is_enabled.eq(false),
                        stamp,
                        untested,
                    ))
                    .execute(conn)?;
                ("bot_token", current.bot_token_hint.clone(), None)
            }
            TelegramWrite::ChatId(chat) => {
                if current.chat_id.as_deref() == Some(chat) {
                    return Ok(TelegramOutcome::Unchanged(current));
                }
                diesel::update(target)
                    .set((bot::chat_id.eq(chat), stamp, untested))
                    .execute(conn)?;
                ("chat_id", current.chat_id.clone(), Some(chat.to_owned()))
            }
            TelegramWrite::Enabled(on) => {
                if current.is_enabled == on {
                    return Ok(TelegramOutcome::Unchanged(current));
                }
                if on && (current.bot_token_encrypted.is_none() || current.chat_id.is_none()) {
                    return Ok(TelegramOutcome::Incomplete(current));
                }
                diesel::update(target)
                    .set((bot::is_enabled.eq(on), stamp))
                    .execute(conn)?;
                ("is_enabled", Some(text(!on).to_owned()), Some(text(on).to_owned()))
            }
            TelegramWrite::BaseUrl(url) => {
                if current.base_url.as_deref() == url {
                    return Ok(TelegramOutcome::Unchanged(current));
                }
                diesel::update(target)
                    .set((bot::base_url.eq(url), stamp, untested))
                    .execute(conn)?;
                ("base_url", current.base_url.clone(), url.map(str::to_owned))
            }
            TelegramWrite::NotifyChanges(on) => {
                if current.notify_changes == on {
                    return Ok(TelegramOutcome::Unchanged(current));
                }
                diesel::update(target)
                    .set((bot::notify_changes.eq(on), stamp))
                    .execute(conn)?;
                ("notify_changes", Some(text(!on).to_owned()), Some(text(on).to_owned()))
            }
        };
        let entry = Change {
            group: Group::Telegram,
            action: if new.is_none() && field == "bot_token" {
                AuditAction::Delete
            } else {
                AuditAction::Set
            },
            subject: Some(field),
            old: old.as_deref(),
            new: new.as_deref(),
        };
        audit::append(conn, actor, at, &entry)?;
        Ok(TelegramOutcome::Changed(row(conn)?.unwrap_or_else(empty_row)))
    }

    /// Records the last test's result: not a change of the settings (no
    /// revision, no audit entry).
    pub fn record_test(conn: &mut Conn, outcome: &str, detail: &str, at: NaiveDateTime) -> QueryResult<()> {
        diesel::update(bot::table.find(1))
            .set((
                bot::last_test_at.eq(at),
                bot::last_test_outcome.eq(outcome),
                bot::last_test_detail.eq(detail),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Replaces the sealed token (a change of master key: the token and its
    /// hint stay the same).
    pub fn replace_sealed(conn: &mut Conn, sealed: &[u8], actor: &str) -> QueryResult<()> {
        diesel::update(bot::table.find(1))
            .set((
                bot::bot_token_encrypted.eq(sealed),
                bot::revision.eq(bot::revision + 1),
                bot::updated_at.eq(now()),
                bot::updated_by.eq(actor),
            ))
            .execute(conn)
            .map(drop)
    }

    /// The sealed token, if one is stored.
    pub fn sealed(conn: &mut Conn) -> QueryResult<Option<Vec<u8>>> {
        Ok(row(conn)?.and_then(|row| row.bot_token_encrypted))
    }
}

impl Store {
    /// The bot's row; one with nothing set when the table has none.
    pub fn telegram_row(&mut self) -> Result<TelegramRow, StoreError> {
        Ok(on_connection!(self, |conn, q| q::row(conn))?.unwrap_or_else(empty_row))
    }

    /// Applies the changes in order, all or none, unless the row is at
    /// another revision than `expected` (`None`: last writer wins).
    pub fn write_telegram(
        &mut self,
        writes: &[TelegramWrite<'_>],
        expected: Option<i64>,
        actor: &str,
    ) -> Result<TelegramOutcome, StoreError> {
        match in_write_transaction!(self, |conn, q| q::write_all(conn, writes, expected, actor)) {
            Ok(outcome) => Ok(outcome),
            Err(Abort::Refused(outcome)) => Ok(*outcome),
            Err(Abort::Database(error)) => Err(error.into()),
        }
    }

    /// Records the result of the last test.
    pub fn record_telegram_test(
        &mut self,
        outcome: &str,
        detail: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::record_test(
            conn, outcome, detail, at
        ))?)
    }
}

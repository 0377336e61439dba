//! The API tokens' table (`llm_settings_api_tokens`): a name, the token's SHA-256 and never the token, who made it and when, and when it was last used.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::Change;
use super::schema::llm_settings_api_tokens as tokens;
use super::{Store, StoreError, now};
use crate::audit_action::AuditAction;
use crate::group::Group;

/// A token's row. `token_sha256` is a hash, never a token.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = tokens)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ApiTokenRow {
    pub name: String,
    pub token_sha256: Vec<u8>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub last_used_at: Option<NaiveDateTime>,
}

impl std::fmt::Debug for ApiTokenRow {
    /// Without the hash, which identifies the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiTokenRow")
            .field("name", &self.name)
            .field("created_at", &self.created_at)
            .field("created_by", &self.created_by)
            .field("last_used_at", &self.last_used_at)
            .finish_non_exhaustive()
    }
}

/// How long a token's `last used` stays as it is before a use moves it.
pub const LAST_USED_STEP_SECONDS: i64 = 60;

fn entry(action: AuditAction, name: &str) -> Change<'_> {
    Change {
        group: Group::ApiTokens,
        action,
        subject: Some(name),
        old: None,
        new: None,
    }
}

for_each_backend! {
    pub fn all(conn: &mut Conn) -> QueryResult<Vec<ApiTokenRow>> {
        tokens::table
            .order(tokens::name)
            .select(ApiTokenRow::as_select())
            .load(conn)
    }

    /// Adds a token, audited; `false` when the name is taken (nothing written).
    pub fn insert(conn: &mut Conn, name: &str, hash: &[u8], actor: &str) -> QueryResult<bool> {
        let taken = tokens::table
            .find(name)
            .select(tokens::name)
            .first::<String>(conn)
            .optional()?
            .is_some();
        if taken {
            return Ok(false);
        }
        let at = now();
        diesel::insert_into(tokens::table)
            .values((
                tokens::name.eq(name),
                tokens::token_sha256.eq(hash),
                tokens::created_at.eq(at),
                tokens::created_by.eq(actor),
            ))
            .execute(conn)?;
        audit::append(conn, actor, at, &entry(AuditAction::Set, name))?;
        Ok(true)
    }

    /// Removes a token, audited; `false` when there is none of that name.
    pub fn remove(conn: &mut Conn, name: &str, actor: &str) -> QueryResult<bool> {
        let removed = diesel::delete(tokens::table.find(name)).execute(conn)?;
        if removed == 0 {
            return Ok(false);
        }
        audit::append(conn, actor, now(), &entry(AuditAction::Delete, name))?;
        Ok(true)
    }

    /// The token whose hash is `hash`, if one is.
    pub fn by_hash(conn: &mut Conn, hash: &[u8]) -> QueryResult<Option<ApiTokenRow>> {
        tokens::table
            .filter(tokens::token_sha256.eq(hash))
            .select(ApiTokenRow::as_select())
            .first(conn)
            .optional()
    }

    /// Moves `last used` to `at`, unless it moved less than a minute before.
    pub fn touch(conn: &mut Conn, name: &str, at: NaiveDateTime) -> QueryResult<()> {
        let step = at - chrono::Duration::seconds(LAST_USED_STEP_SECONDS);
        diesel::update(
            tokens::table
                .find(name)
                .filter(tokens::last_used_at.is_null().or(tokens::last_used_at.le(step))),
        )
        .set(tokens::last_used_at.eq(at))
        .execute(conn)
        .map(drop)
    }
}

impl Store {
    /// Every token, by name.
    pub fn api_tokens(&mut self) -> Result<Vec<ApiTokenRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::all(conn))?)
    }

    /// Adds a token by its hash; `false` when the name is taken.
    pub fn add_api_token(
        &mut self,
        name: &str,
        hash: &[u8],
        actor: &str,
    ) -> Result<bool, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::insert(
            conn, name, hash, actor
        ))?)
    }

    /// Revokes a token; `false` when there is none of that name.
    pub fn revoke_api_token(&mut self, name: &str, actor: &str) -> Result<bool, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::remove(
            conn, name, actor
        ))?)
    }

    /// The token whose hash is `hash`, if it exists.
    pub fn api_token_by_hash(&mut self, hash: &[u8]) -> Result<Option<ApiTokenRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::by_hash(conn, hash))?)
    }

    /// Records a use of the token `name` (at most one write a minute).
    pub fn touch_api_token(&mut self, name: &str, at: NaiveDateTime) -> Result<(), StoreError> {
        Ok(on_connection!(self, |conn, q| q::touch(conn, name, at))?)
    }
}

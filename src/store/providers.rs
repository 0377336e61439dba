//! The providers' rows (`llm_provider_configs`): sealed keys, hints, switches and base URLs.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::audit::Change;
use super::schema::llm_provider_configs as configs;
use super::{Store, StoreError, now};
use crate::audit_action::AuditAction;
use crate::group::Group;

/// A provider's row. `encrypted_key` is the sealed envelope, never a key.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = configs)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ConfigRow {
    pub provider: String,
    pub encrypted_key: Option<Vec<u8>>,
    pub key_hint: Option<String>,
    pub is_active: bool,
    pub base_url: Option<String>,
    /// Grows by one with every change, so an edit based on an older state can be told apart.
    pub revision: i64,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Insertable)]
#[diesel(table_name = configs)]
struct NewConfigRow<'a> {
    provider: &'a str,
    encrypted_key: Option<&'a [u8]>,
    key_hint: Option<&'a str>,
    is_active: bool,
    base_url: Option<&'a str>,
    revision: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    updated_by: &'a str,
}

impl<'a> NewConfigRow<'a> {
    /// A provider's first row: no key, no base URL, inactive, revision 1.
    fn first(provider: &'a str, actor: &'a str, at: NaiveDateTime) -> Self {
        NewConfigRow {
            provider,
            encrypted_key: None,
            key_hint: None,
            is_active: false,
            base_url: None,
            revision: 1,
            created_at: at,
            updated_at: at,
            updated_by: actor,
        }
    }
}

/// What a save that checks the revision did.
#[derive(Debug)]
pub enum KeySave {
    /// Written: the row as it is now.
    Saved(ConfigRow),
    /// The revision was another: nothing was written; the row as it is
    /// (`None`: there is none).
    Stale(Option<ConfigRow>),
}

/// What an activate or deactivate did.
#[derive(Debug)]
pub enum ActiveChange {
    Changed(ConfigRow),
    Unchanged(ConfigRow),
    NotConfigured,
}

/// A provider's change as the audit trail records it.
fn change<'a>(
    action: AuditAction,
    provider: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
) -> Change<'a> {
    Change {
        group: Group::Providers,
        action,
        subject: Some(provider),
        old,
        new,
    }
}

fn switch(active: bool) -> &'static str {
    if active { "true" } else { "false" }
}

for_each_backend! {
    pub fn all_rows(conn: &mut Conn) -> QueryResult<Vec<ConfigRow>> {
        configs::table
            .select(ConfigRow::as_select())
            .order(configs::provider)
            .load(conn)
    }

    pub fn row(conn: &mut Conn, provider: &str) -> QueryResult<Option<ConfigRow>> {
        configs::table
            .find(provider)
            .select(ConfigRow::as_select())
            .first(conn)
            .optional()
    }

    fn existing_row(conn: &mut Conn, provider: &str) -> QueryResult<ConfigRow> {
        row(conn, provider)?.ok_or(diesel::result::Error::NotFound)
    }

    /// Inserts or replaces the provider's key in one statement; the
    /// provider becomes active. The audit entry names the hint replaced.
    pub fn upsert_key(
        conn: &mut Conn,
        provider: &str,
        sealed: &[u8],
        hint: &str,
        actor: &str,
    ) -> QueryResult<ConfigRow> {
        let before = row(conn, provider)?;
        let at = now();
        diesel::insert_into(configs::table)
            .values(NewConfigRow {
                encrypted_key: Some(sealed),
                key_hint: Some(hint),
                is_active: true,
                ..NewConfigRow::first(provider, actor, at)
            })
            .on_conflict(configs::provider)
            .do_update()
            .set((
                configs::encrypted_key.eq(excluded(configs::encrypted_key)),
                configs::key_hint.eq(excluded(configs::key_hint)),
                configs::is_active.eq(true),
                configs::revision.eq(configs::revision + 1),
                configs::updated_at.eq(excluded(configs::updated_at)),
                configs::updated_by.eq(excluded(configs::updated_by)),
            ))
            .execute(conn)?;
        let old = before.as_ref().and_then(|row| row.key_hint.as_deref());
        audit::append(conn, actor, at, &change(AuditAction::Set, provider, old, Some(hint)))?;
        existing_row(conn, provider)
    }

    /// Like [`upsert_key`], but only while the provider's revision is still
    /// `expected` (0: no row yet). Otherwise nothing is written and the
    /// current row is returned as the conflict.
    pub fn upsert_key_at_revision(
        conn: &mut Conn,
        provider: &str,
        expected: i64,
        sealed: &[u8],
        hint: &str,
        actor: &str,
    ) -> QueryResult<KeySave> {
        let current = row(conn, provider)?;
        if current.as_ref().map_or(0, |row| row.revision) != expected {
            return Ok(KeySave::Stale(current));
        }
        upsert_key(conn, provider, sealed, hint, actor).map(KeySave::Saved)
    }

    /// Removes the provider's key and deactivates it; `None` when no key was stored.
    pub fn clear_key(
        conn: &mut Conn,
        provider: &str,
        actor: &str,
    ) -> QueryResult<Option<ConfigRow>> {
        let Some(before) = row(conn, provider)?.filter(|row| row.encrypted_key.is_some()) else {
            return Ok(None);
        };
        let at = now();
        diesel::update(configs::table.find(provider))
            .set((
                configs::encrypted_key.eq(None::<Vec<u8>>),
                configs::key_hint.eq(None::<String>),
                configs::is_active.eq(false),
                configs::revision.eq(configs::revision + 1),
                configs::updated_at.eq(at),
                configs::updated_by.eq(actor),
            ))
            .execute(conn)?;
        let old = before.key_hint.as_deref();
        audit::append(conn, actor, at, &change(AuditAction::Delete, provider, old, None))?;
        existing_row(conn, provider).map(Some)
    }

    /// Sets `is_active` of a provider that has a key.
    pub fn set_active(
        conn: &mut Conn,
        provider: &str,
        active: bool,
        actor: &str,
    ) -> QueryResult<ActiveChange> {
        let Some(current) = row(conn, provider)?.filter(|row| row.encrypted_key.is_some()) else {
            return Ok(ActiveChange::NotConfigured);
        };
        if current.is_active == active {
            return Ok(ActiveChange::Unchanged(current));
        }
        let at = now();
        diesel::update(configs::table.find(provider))
            .set((
                configs::is_active.eq(active),
                configs::revision.eq(configs::revision + 1),
                configs::updated_at.eq(at),
                configs::updated_by.eq(actor),
            ))
            .execute(conn)?;
        let action = if active {
            AuditAction::Activate
        } else {
            AuditAction::Deactivate
        };
        let entry = change(action, provider, Some(switch(!active)), Some(switch(active)));
        audit::append(conn, actor, at, &entry)?;
        existing_row(conn, provider).map(ActiveChange::Changed)
    }

    /// Sets or clears the base URL override; a provider without a row gets
    /// one that holds only the URL.
    pub fn set_base_url(
        conn: &mut Conn,
        provider: &str,
        base_url: Option<&str>,
        actor: &str,
    ) -> QueryResult<ConfigRow> {
        let before = row(conn, provider)?;
        let at = now();
        diesel::insert_into(configs::table)
            .values(NewConfigRow {
                base_url,
                ..NewConfigRow::first(provider, actor, at)
            })
            .on_conflict(configs::provider)
            .do_update()
            .set((
                configs::base_url.eq(excluded(configs::base_url)),
                configs::revision.eq(configs::revision + 1),
                configs::updated_at.eq(excluded(configs::updated_at)),
                configs::updated_by.eq(excluded(configs::updated_by)),
            ))
            .execute(conn)?;
        let action = if base_url.is_some() {
            AuditAction::BaseUrl
        } else {
            AuditAction::BaseUrlReset
        };
        let old = before.as_ref().and_then(|row| row.base_url.as_deref());
        audit::append(conn, actor, at, &change(action, provider, old, base_url))?;
        existing_row(conn, provider)
    }

    /// Replaces the sealed value of `provider` (a change of master key:
    /// the key and its hint stay the same).
    pub fn replace_sealed(
        conn: &mut Conn,
        provider: &str,
        sealed: &[u8],
        actor: &str,
    ) -> QueryResult<()> {
        diesel::update(configs::table.find(provider))
            .set((
                configs::encrypted_key.eq(sealed),
                configs::revision.eq(configs::revision + 1),
                configs::updated_at.eq(now()),
                configs::updated_by.eq(actor),
            ))
            .execute(conn)
            .map(drop)
    }
}

impl Store {
    /// Every provider row, ordered by provider id.
    pub fn rows(&mut self) -> Result<Vec<ConfigRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::all_rows(conn))?)
    }

    /// One provider's row, if it has one.
    pub fn row(&mut self, provider: &str) -> Result<Option<ConfigRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::row(conn, provider))?)
    }

    /// Stores a sealed key and its hint, and makes the provider active.
    pub fn save_key(
        &mut self,
        provider: &str,
        sealed: &[u8],
        hint: &str,
        actor: &str,
    ) -> Result<ConfigRow, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::upsert_key(
            conn, provider, sealed, hint, actor
        ))?)
    }

    /// Stores a sealed key only while the provider's revision is `expected`
    /// (0 for a provider without a row); otherwise returns the current row.
    pub fn save_key_at_revision(
        &mut self,
        provider: &str,
        expected: i64,
        sealed: &[u8],
        hint: &str,
        actor: &str,
    ) -> Result<KeySave, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| {
            q::upsert_key_at_revision(conn, provider, expected, sealed, hint, actor)
        })?)
    }

    /// Removes a provider's key; `None` when it had none.
    pub fn delete_key(
        &mut self,
        provider: &str,
        actor: &str,
    ) -> Result<Option<ConfigRow>, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::clear_key(
            conn, provider, actor
        ))?)
    }

    /// Activates or deactivates a provider that has a key.
    pub fn set_active(
        &mut self,
        provider: &str,
        active: bool,
        actor: &str,
    ) -> Result<ActiveChange, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::set_active(
            conn, provider, active, actor
        ))?)
    }

    /// Sets (`Some`) or clears (`None`) a provider's base URL override.
    pub fn set_base_url(
        &mut self,
        provider: &str,
        base_url: Option<&str>,
        actor: &str,
    ) -> Result<ConfigRow, StoreError> {
        Ok(in_write_transaction!(self, |conn, q| q::set_base_url(
            conn, provider, base_url, actor
        ))?)
    }
}

//! Every query the store makes, written once and compiled for each backend.
//!
//! diesel's query types are specific to a backend; rather than write the same
//! queries twice, `queries_for!` expands this one body into a module per
//! connection type. The caller runs them inside the backend's write
//! transaction (`BEGIN IMMEDIATE` on SQLite).

/// What an activate or deactivate did.
#[derive(Debug)]
pub enum ActiveChange {
    Changed(super::ConfigRow),
    Unchanged(super::ConfigRow),
    NotConfigured,
}

/// A change to append to the audit trail.
pub struct AuditEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub provider: &'a str,
    pub key_hint: Option<&'a str>,
    pub detail: Option<&'a str>,
}

macro_rules! queries_for {
    ($connection:ty) => {
        use chrono::{NaiveDateTime, Utc};
        use diesel::prelude::*;
        use diesel::upsert::excluded;

        use super::{ActiveChange, AuditEntry};
        use crate::store::models::{AuditRow, ConfigRow, NewAuditRow, NewConfigRow};
        use crate::store::schema::llm_provider_audit as audit;
        use crate::store::schema::llm_provider_configs as configs;

        type Conn = $connection;

        fn now() -> NaiveDateTime {
            Utc::now().naive_utc()
        }

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

        pub fn audit_entries(conn: &mut Conn) -> QueryResult<Vec<AuditRow>> {
            audit::table
                .select(AuditRow::as_select())
                .order(audit::id)
                .load(conn)
        }

        pub fn newest_audit_id(conn: &mut Conn) -> QueryResult<i64> {
            audit::table
                .select(diesel::dsl::max(audit::id))
                .first::<Option<i64>>(conn)
                .map(|id| id.unwrap_or(0))
        }

        pub fn audit_since(conn: &mut Conn, after: i64) -> QueryResult<Vec<AuditRow>> {
            audit::table
                .filter(audit::id.gt(after))
                .select(AuditRow::as_select())
                .order(audit::id)
                .load(conn)
        }

        fn append_audit(
            conn: &mut Conn,
            entry: &AuditEntry<'_>,
            at: NaiveDateTime,
        ) -> QueryResult<()> {
            diesel::insert_into(audit::table)
                .values(NewAuditRow {
                    at,
                    actor: entry.actor,
                    action: entry.action,
                    provider: entry.provider,
                    key_hint: entry.key_hint,
                    detail: entry.detail,
                })
                .execute(conn)
                .map(drop)
        }

        /// Inserts or replaces the provider's key in one statement, so that two
        /// saves at once cannot both insert; the provider becomes active.
        pub fn upsert_key(
            conn: &mut Conn,
            provider: &str,
            sealed: &[u8],
            hint: &str,
            actor: &str,
        ) -> QueryResult<ConfigRow> {
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
            append_audit(
                conn,
                &AuditEntry {
                    actor,
                    action: "set",
                    provider,
                    key_hint: Some(hint),
                    detail: None,
                },
                at,
            )?;
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
        ) -> QueryResult<Result<ConfigRow, Option<ConfigRow>>> {
            // A no-op update of the expected revision takes the row's lock on
            // PostgreSQL, so a concurrent save waits here and then sees the
            // new revision; SQLite's BEGIN IMMEDIATE already serialises writers.
            let locked = diesel::update(
                configs::table
                    .find(provider)
                    .filter(configs::revision.eq(expected)),
            )
            .set(configs::revision.eq(configs::revision))
            .execute(conn)?;
            if locked == 0 {
                let current = row(conn, provider)?;
                if current.is_some() || expected != 0 {
                    return Ok(Err(current));
                }
            }
            upsert_key(conn, provider, sealed, hint, actor).map(Ok)
        }

        /// Removes the provider's key and deactivates it; `None` when no key was stored.
        pub fn clear_key(
            conn: &mut Conn,
            provider: &str,
            actor: &str,
        ) -> QueryResult<Option<ConfigRow>> {
            // The audit entry names the hint of the key removed. The update only
            // applies to the revision that hint was read from; under
            // PostgreSQL's read committed another writer may slip in between,
            // and then the row is read again.
            loop {
                let Some(before) = row(conn, provider)?.filter(|row| row.encrypted_key.is_some())
                else {
                    return Ok(None);
                };
                let at = now();
                let target = configs::table
                    .find(provider)
                    .filter(configs::revision.eq(before.revision));
                let changed = diesel::update(target)
                    .set((
                        configs::encrypted_key.eq(None::<Vec<u8>>),
                        configs::key_hint.eq(None::<String>),
                        configs::is_active.eq(false),
                        configs::revision.eq(configs::revision + 1),
                        configs::updated_at.eq(at),
                        configs::updated_by.eq(actor),
                    ))
                    .execute(conn)?;
                if changed == 0 {
                    continue;
                }
                append_audit(
                    conn,
                    &AuditEntry {
                        actor,
                        action: "delete",
                        provider,
                        key_hint: before.key_hint.as_deref(),
                        detail: None,
                    },
                    at,
                )?;
                return existing_row(conn, provider).map(Some);
            }
        }

        /// Sets `is_active` of a provider that has a key.
        pub fn set_active(
            conn: &mut Conn,
            provider: &str,
            active: bool,
            actor: &str,
        ) -> QueryResult<ActiveChange> {
            let at = now();
            let changed = diesel::update(
                configs::table
                    .find(provider)
                    .filter(configs::encrypted_key.is_not_null())
                    .filter(configs::is_active.ne(active)),
            )
            .set((
                configs::is_active.eq(active),
                configs::revision.eq(configs::revision + 1),
                configs::updated_at.eq(at),
                configs::updated_by.eq(actor),
            ))
            .execute(conn)?;
            let current = row(conn, provider)?;
            let Some(current) = current.filter(|row| row.encrypted_key.is_some()) else {
                return Ok(ActiveChange::NotConfigured);
            };
            if changed == 0 {
                return Ok(ActiveChange::Unchanged(current));
            }
            append_audit(
                conn,
                &AuditEntry {
                    actor,
                    action: if active { "activate" } else { "deactivate" },
                    provider,
                    key_hint: current.key_hint.as_deref(),
                    detail: None,
                },
                at,
            )?;
            Ok(ActiveChange::Changed(current))
        }

        /// Sets or clears the base URL override; a provider without a row gets
        /// one that holds only the URL.
        pub fn set_base_url(
            conn: &mut Conn,
            provider: &str,
            base_url: Option<&str>,
            actor: &str,
        ) -> QueryResult<ConfigRow> {
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
            let current = existing_row(conn, provider)?;
            append_audit(
                conn,
                &AuditEntry {
                    actor,
                    action: if base_url.is_some() {
                        "base-url"
                    } else {
                        "base-url-reset"
                    },
                    provider,
                    key_hint: current.key_hint.as_deref(),
                    detail: base_url,
                },
                at,
            )?;
            Ok(current)
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

        /// Appends an audit entry that is not tied to one row's change.
        pub fn record(conn: &mut Conn, entry: &AuditEntry<'_>) -> QueryResult<()> {
            append_audit(conn, entry, now())
        }
    };
}

pub mod sqlite {
    queries_for!(diesel::SqliteConnection);
}

pub mod postgres {
    queries_for!(diesel::PgConnection);
}

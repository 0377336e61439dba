//! The audit trail every group writes to: one table, one function that appends to it, and the reads of it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::llm_settings_audit as trail;
use super::{Store, StoreError};
use crate::audit_action::AuditAction;
use crate::group::Group;

/// A change to record beside the write that makes it: the group, what was
/// done (`set`, `delete`, ...) to what (a provider, a task, a field), and
/// the value before and after as the command line prints it. A secret is
/// only ever given as its hint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change<'a> {
    pub group: Group,
    pub action: AuditAction,
    pub subject: Option<&'a str>,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = trail)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AuditRow {
    pub id: i64,
    /// UTC.
    pub at: NaiveDateTime,
    pub actor: String,
    pub group_name: String,
    pub action: String,
    pub subject: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = trail)]
struct NewAuditRow<'a> {
    at: NaiveDateTime,
    actor: &'a str,
    group_name: &'a str,
    action: &'a str,
    subject: Option<&'a str>,
    old_value: Option<&'a str>,
    new_value: Option<&'a str>,
}

/// Which entries a page of the history holds: newest first, at most
/// `limit`, older than `before` (the last id of the page before), of one
/// group, holding a text (in any column, ignoring ASCII case).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HistoryQuery<'a> {
    pub group: Option<&'a str>,
    pub before: Option<i64>,
    pub text: Option<&'a str>,
    pub limit: i64,
}

diesel::define_sql_function! {
    /// SQL's `lower`, for a text filter that ignores case on both backends.
    fn lower(text: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// `text` as a LIKE pattern that matches it anywhere, lower-cased, with
/// `%`, `_` and the escape character taken literally.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

for_each_backend! {
    /// Appends `change`, made by `actor` at `at`. Every write of every
    /// group calls this inside its own transaction, so a change and its
    /// entry are committed together or not at all.
    pub fn append(
        conn: &mut Conn,
        actor: &str,
        at: NaiveDateTime,
        change: &Change<'_>,
    ) -> QueryResult<()> {
        diesel::insert_into(trail::table)
            .values(NewAuditRow {
                at,
                actor,
                group_name: change.group.id(),
                action: change.action.id(),
                subject: change.subject,
                old_value: change.old,
                new_value: change.new,
            })
            .execute(conn)
            .map(drop)
    }

    pub fn all(conn: &mut Conn) -> QueryResult<Vec<AuditRow>> {
        trail::table
            .select(AuditRow::as_select())
            .order(trail::id)
            .load(conn)
    }

    pub fn newest_id(conn: &mut Conn) -> QueryResult<i64> {
        trail::table
            .select(diesel::dsl::max(trail::id))
            .first::<Option<i64>>(conn)
            .map(|id| id.unwrap_or(0))
    }

    /// A page of the history, newest first.
    pub fn page(conn: &mut Conn, query: &HistoryQuery<'_>) -> QueryResult<Vec<AuditRow>> {
        let mut select = trail::table
            .select(AuditRow::as_select())
            .order(trail::id.desc())
            .limit(query.limit)
            .into_boxed();
        if let Some(group) = query.group {
            select = select.filter(trail::group_name.eq(group));
        }
        if let Some(before) = query.before {
            select = select.filter(trail::id.lt(before));
        }
        if let Some(text) = query.text.filter(|text| !text.is_empty()) {
            let pattern = contains_pattern(text);
            macro_rules! like {
                ($column:expr) => {
                    lower($column).like(pattern.clone()).escape('\\')
                };
            }
            select = select.filter(
                like!(trail::actor.nullable())
                    .or(like!(trail::group_name.nullable()))
                    .or(like!(trail::action.nullable()))
                    .or(like!(trail::subject))
                    .or(like!(trail::old_value))
                    .or(like!(trail::new_value)),
            );
        }
        select.load(conn)
    }

    /// When `action` was last recorded for `subject` of `group`: the
    /// index by subject read backwards, stopping at the first match.
    pub fn last_of(conn: &mut Conn, group: &str, subject: &str, action: &str) -> QueryResult<Option<NaiveDateTime>> {
        trail::table
            .filter(trail::group_name.eq(group))
            .filter(trail::subject.eq(subject))
            .filter(trail::action.eq(action))
            .order(trail::id.desc())
            .select(trail::at)
            .first(conn)
            .optional()
    }

    /// The entries after `after` up to `up_to`, oldest first.
    pub fn between(conn: &mut Conn, after: i64, up_to: i64) -> QueryResult<Vec<AuditRow>> {
        trail::table
            .filter(trail::id.gt(after))
            .filter(trail::id.le(up_to))
            .select(AuditRow::as_select())
            .order(trail::id)
            .load(conn)
    }

    pub fn since(conn: &mut Conn, after: i64) -> QueryResult<Vec<AuditRow>> {
        trail::table
            .filter(trail::id.gt(after))
            .select(AuditRow::as_select())
            .order(trail::id)
            .load(conn)
    }

    /// At most `limit` entries after `after`, oldest first.
    pub fn since_at_most(conn: &mut Conn, after: i64, limit: i64) -> QueryResult<Vec<AuditRow>> {
        trail::table
            .filter(trail::id.gt(after))
            .select(AuditRow::as_select())
            .order(trail::id)
            .limit(limit)
            .load(conn)
    }
}

impl Store {
    /// The whole audit trail, oldest first.
    pub fn audit_entries(&mut self) -> Result<Vec<AuditRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::all(conn))?)
    }

    /// The id of the newest audit entry (0 for none): a cheap way to notice
    /// that anyone changed anything.
    pub fn newest_audit_id(&mut self) -> Result<i64, StoreError> {
        Ok(on_connection!(self, |conn, q| q::newest_id(conn))?)
    }

    /// A page of the history, newest first.
    pub fn history_page(&mut self, query: &HistoryQuery<'_>) -> Result<Vec<AuditRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::page(conn, query))?)
    }

    /// When `action` was last recorded for `subject` of `group`.
    pub fn last_recorded(
        &mut self,
        group: Group,
        subject: &str,
        action: AuditAction,
    ) -> Result<Option<NaiveDateTime>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::last_of(
            conn,
            group.id(),
            subject,
            action.id()
        ))?)
    }

    /// The entries this store's writes appended since the last call,
    /// oldest first (see [`Store::take_written`]).
    pub fn take_written_entries(&mut self) -> Result<Vec<AuditRow>, StoreError> {
        let mut rows = Vec::new();
        for (after, up_to) in self.take_written() {
            rows.extend(on_connection!(self, |conn, q| q::between(
                conn, after, up_to
            ))?);
        }
        Ok(rows)
    }

    /// The audit entries after `id`, oldest first.
    pub fn audit_since(&mut self, id: i64) -> Result<Vec<AuditRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::since(conn, id))?)
    }

    /// At most `limit` audit entries after `id`, oldest first.
    pub fn audit_since_at_most(
        &mut self,
        id: i64,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::since_at_most(
            conn, id, limit
        ))?)
    }
}

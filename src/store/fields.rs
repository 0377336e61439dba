//! The rows of the groups of described fields (`global_settings`, `risk_settings`): read and written by their descriptions.
//!
//! The columns are the fields' names, so the queries are built from the
//! descriptions rather than written per field: adding a field is an entry in
//! its group and a migration, and nothing here. Values are read as text in
//! one query and parsed by the caller against each field's kind.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Integer, Nullable, Text, Timestamp};

use super::audit::Change;
use super::{Store, StoreError, now};
use crate::audit_action::AuditAction;
use crate::fields::{FieldGroup, Value};

/// A group's row as stored: each field's value as text (NULL when the
/// column is), and the row's own columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRow {
    /// One entry per field, in the group's order.
    pub texts: Vec<Option<String>>,
    pub revision: i64,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<String>,
}

#[derive(QueryableByName)]
struct Joined {
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
}

/// The unit separator, between the columns joined into one text: no value
/// llm-settings writes holds a control character.
const SEPARATOR: char = '\u{1f}';

/// One statement that reads every column of the group's row as one text,
/// the columns joined by [`SEPARATOR`] (`updated_by`, the one free text,
/// last): one row of one column, which both backends parse quickly. The
/// names come from the descriptions, never from input.
fn select_row(group: &FieldGroup, separator: &str) -> String {
    let columns: Vec<String> = group
        .fields
        .iter()
        .map(|field| field.name)
        .chain(["revision", "updated_at", "updated_by"])
        .map(|name| format!("COALESCE(CAST({name} AS TEXT), '')"))
        .collect();
    format!(
        "SELECT {} AS value FROM {} WHERE id = 1",
        columns.join(&format!(" || {separator} || ")),
        group.table
    )
}

fn row_of(group: &FieldGroup, joined: Option<String>) -> Option<FieldRow> {
    let joined = joined?;
    let count = group.fields.len() + 3;
    let mut parts: Vec<Option<String>> = joined
        .splitn(count, SEPARATOR)
        .map(|part| (!part.is_empty()).then(|| part.to_owned()))
        .collect();
    parts.resize(count, None);
    let updated_by = parts.pop().flatten();
    let updated_at = parts
        .pop()
        .flatten()
        .and_then(|text| NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S%.f").ok());
    let revision = parts
        .pop()
        .flatten()
        .and_then(|text| text.parse().ok())
        .unwrap_or(0);
    Some(FieldRow {
        texts: parts,
        revision,
        updated_at,
        updated_by,
    })
}

/// One change to a group: the field's index and its new value, with the
/// text of the value it replaces (for the audit trail).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldWrite {
    pub index: usize,
    pub value: Value,
    pub old: Option<String>,
}

/// What differs between the backends' SQL here: how the `n`th bind
/// parameter is written, and the expression of the separator.
pub(crate) trait BindMarker {
    fn marker(n: usize) -> String;
    fn separator() -> &'static str;
}

impl BindMarker for diesel::SqliteConnection {
    fn marker(_: usize) -> String {
        "?".to_owned()
    }

    fn separator() -> &'static str {
        "char(31)"
    }
}

impl BindMarker for diesel::PgConnection {
    fn marker(n: usize) -> String {
        format!("${n}")
    }

    fn separator() -> &'static str {
        "chr(31)"
    }
}

for_each_backend! {
    /// The group's row, or `None` when it has none.
    pub fn read(conn: &mut Conn, group: &FieldGroup) -> QueryResult<Option<FieldRow>> {
        let sql = select_row(group, <Conn as BindMarker>::separator());
        let rows: Vec<Joined> = diesel::sql_query(sql).load(conn)?;
        Ok(rows.into_iter().next().and_then(|row| row_of(group, row.value)))
    }

    /// Writes `changes` into the group's row (made first, with the
    /// defaults, when `exists` is false), bumps the revision, and appends
    /// one audit entry per change, in the caller's transaction: one
    /// statement a change (the first carries the revision), one an entry.
    pub fn write(
        conn: &mut Conn,
        group: &FieldGroup,
        exists: bool,
        changes: &[FieldWrite],
        action: AuditAction,
        actor: &str,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        let marker = <Conn as BindMarker>::marker;
        if !exists {
            diesel::sql_query(format!(
                "INSERT INTO {} (id, updated_at, updated_by, revision) VALUES (1, {}, {}, 0)",
                group.table,
                marker(1),
                marker(2)
            ))
            .bind::<Timestamp, _>(at)
            .bind::<Text, _>(actor)
            .execute(conn)?;
        }
        for (number, change) in changes.iter().enumerate() {
            let name = group.fields[change.index].name;
            let sql = if number == 0 {
                format!(
                    "UPDATE {} SET {name} = {}, revision = revision + 1, updated_at = {}, updated_by = {} WHERE id = 1",
                    group.table,
                    marker(1),
                    marker(2),
                    marker(3)
                )
            } else {
                format!("UPDATE {} SET {name} = {} WHERE id = 1", group.table, marker(1))
            };
            let query = diesel::sql_query(sql);
            macro_rules! run {
                ($query:expr) => {
                    if number == 0 {
                        $query
                            .bind::<Timestamp, _>(at)
                            .bind::<Text, _>(actor)
                            .execute(conn)?
                    } else {
                        $query.execute(conn)?
                    }
                };
            }
            match change.value {
                Value::Switch(on) => run!(query.bind::<Bool, _>(on)),
                // Every whole number's range fits 32 bits.
                Value::Whole(number) => {
                    run!(query.bind::<Integer, _>(i32::try_from(number).unwrap_or(i32::MAX)))
                }
                Value::Number(number) => run!(query.bind::<Double, _>(number)),
            };
            let new = change.value.to_string();
            audit::append(
                conn,
                actor,
                at,
                &Change {
                    group: group.group,
                    action,
                    subject: Some(name),
                    old: change.old.as_deref(),
                    new: Some(&new),
                },
            )?;
        }
        Ok(())
    }
}

/// The row as `write` leaves it: `before` (or the defaults) with the
/// changes, the next revision, and who and when.
fn written_row(
    group: &FieldGroup,
    before: Option<&FieldRow>,
    changes: &[FieldWrite],
    actor: &str,
    at: NaiveDateTime,
) -> FieldRow {
    let mut texts: Vec<Option<String>> = match before {
        Some(row) => row.texts.clone(),
        None => group
            .fields
            .iter()
            .map(|field| Some(field.default.to_string()))
            .collect(),
    };
    for change in changes {
        texts[change.index] = Some(change.value.to_string());
    }
    FieldRow {
        texts,
        revision: before.map_or(0, |row| row.revision) + 1,
        updated_at: Some(at),
        updated_by: Some(actor.to_owned()),
    }
}

impl Store {
    /// The row of a group of described fields, or `None` when it has none.
    pub fn field_row(&mut self, group: &FieldGroup) -> Result<Option<FieldRow>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::read(conn, group))?)
    }

    /// Reads the group's row and lets `plan` decide, from it, what to
    /// write; writes that in the same transaction. `plan` returns the
    /// writes (none: nothing is written, no revision, no audit entry), or
    /// an outcome that stops it (a stale revision). Returns the row as this
    /// transaction left it, or as it was when `plan` stopped it: another
    /// writer's later change is not in it.
    pub fn write_fields<T>(
        &mut self,
        group: &FieldGroup,
        action: AuditAction,
        actor: &str,
        plan: impl FnOnce(Option<&FieldRow>) -> Result<Vec<FieldWrite>, T>,
    ) -> Result<(Option<FieldRow>, Result<(), T>), StoreError> {
        let at = now();
        let result = in_write_transaction!(self, |conn, q| {
            let current = q::read(conn, group)?;
            let writes = match plan(current.as_ref()) {
                Ok(writes) => writes,
                Err(stop) => return Ok((current, Err(stop))),
            };
            if writes.is_empty() {
                return Ok((current, Ok(())));
            }
            q::write(conn, group, current.is_some(), &writes, action, actor, at)?;
            // The writers' lock (or SQLite's write lock) is held: the row is
            // exactly what was read, with these writes.
            let written = written_row(group, current.as_ref(), &writes, actor, at);
            Ok::<_, diesel::result::Error>((Some(written), Ok(())))
        });
        Ok(result?)
    }
}

//! Rows as diesel reads and writes them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{llm_provider_audit, llm_provider_configs};

/// A provider's row. `encrypted_key` is the sealed envelope, never a key.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = llm_provider_configs)]
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
#[diesel(table_name = llm_provider_configs)]
pub(super) struct NewConfigRow<'a> {
    pub provider: &'a str,
    pub encrypted_key: Option<&'a [u8]>,
    pub key_hint: Option<&'a str>,
    pub is_active: bool,
    pub base_url: Option<&'a str>,
    pub revision: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub updated_by: &'a str,
}

impl<'a> NewConfigRow<'a> {
    /// A provider's first row: no key, no base URL, inactive, revision 1.
    pub fn first(provider: &'a str, actor: &'a str, at: NaiveDateTime) -> Self {
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

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = llm_provider_audit)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AuditRow {
    pub id: i64,
    /// UTC.
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub provider: String,
    pub key_hint: Option<String>,
    pub detail: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = llm_provider_audit)]
pub(super) struct NewAuditRow<'a> {
    pub at: NaiveDateTime,
    pub actor: &'a str,
    pub action: &'a str,
    pub provider: &'a str,
    pub key_hint: Option<&'a str>,
    pub detail: Option<&'a str>,
}

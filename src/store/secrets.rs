//! Every sealed value of every table, by slot: what the master-key check at start and a rotation walk.

use diesel::prelude::*;

use super::audit::Change;
use super::schema::llm_provider_configs as configs;
use super::{ConfigRow, Store, StoreError, now};
use crate::provider::Provider;
use crate::secret::SecretSlot;

/// A sealed value and the slot it is stored in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedValue {
    pub slot: SecretSlot,
    pub bytes: Vec<u8>,
}

/// A row whose id names no slot llm-settings knows (the tables' checks
/// prevent it; a table altered by hand might not).
fn unknown_row(id: &str) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(
        format!(
            "the database holds a row for an unknown provider {}",
            crate::sanitize::printable(id)
        )
        .into(),
    )
}

for_each_backend! {
    uses(providers, telegram);

    /// Every sealed value, in slot order.
    pub fn all(conn: &mut Conn) -> QueryResult<Vec<SealedValue>> {
        let rows: Vec<(String, Option<Vec<u8>>)> = configs::table
            .select((configs::provider, configs::encrypted_key))
            .filter(configs::encrypted_key.is_not_null())
            .load(conn)?;
        let mut values = Vec::with_capacity(rows.len());
        for (id, bytes) in rows {
            let provider: Provider = id.parse().map_err(|_| unknown_row(&id))?;
            if let Some(bytes) = bytes {
                values.push(SealedValue {
                    slot: SecretSlot::ProviderKey(provider),
                    bytes,
                });
            }
        }
        if let Some(bytes) = telegram::sealed(conn)? {
            values.push(SealedValue {
                slot: SecretSlot::TelegramToken,
                bytes,
            });
        }
        values.sort_by_key(|value| value.slot);
        Ok(values)
    }

    /// Writes `bytes` into `slot` in place of what it held.
    pub fn replace(conn: &mut Conn, slot: SecretSlot, bytes: &[u8], actor: &str) -> QueryResult<()> {
        match slot {
            SecretSlot::ProviderKey(provider) => {
                providers::replace_sealed(conn, provider.id(), bytes, actor)
            }
            SecretSlot::TelegramToken => telegram::replace_sealed(conn, bytes, actor),
        }
    }
}

/// Whether [`Store::reseal_all`] keeps what it did, or only checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResealMode {
    /// Commit the new values.
    Commit,
    /// Reseal every value, then roll back: a check that changes nothing.
    DryRun,
}

/// Why [`Store::reseal_all`] changed nothing.
#[derive(Debug)]
pub enum ResealError<E> {
    Database(StoreError),
    /// `reseal` refused a value.
    Value(E),
}

/// Why the resealing transaction ended without its commit: a failure, or
/// the end of a dry run with what it would have done.
enum Unwound<E> {
    Failed(ResealError<E>),
    DryRun(Vec<SecretSlot>),
}

impl<E> From<diesel::result::Error> for Unwound<E> {
    fn from(error: diesel::result::Error) -> Self {
        Unwound::Failed(ResealError::Database(error.into()))
    }
}

impl Store {
    /// Every sealed value of every table.
    pub fn sealed_values(&mut self) -> Result<Vec<SealedValue>, StoreError> {
        Ok(on_connection!(self, |conn, q| q::all(conn))?)
    }

    /// Every provider row, and every sealed value of every table, the
    /// providers' taken from those rows: what opening needs, in as few
    /// reads as there are tables with secrets.
    pub fn provider_rows_and_sealed_values(
        &mut self,
    ) -> Result<(Vec<ConfigRow>, Vec<SealedValue>), StoreError> {
        let rows = self.rows()?;
        let mut values = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(bytes) = &row.encrypted_key else {
                continue;
            };
            let provider: Provider = row
                .provider
                .parse()
                .map_err(|_| StoreError::from(unknown_row(&row.provider)))?;
            values.push(SealedValue {
                slot: SecretSlot::ProviderKey(provider),
                bytes: bytes.clone(),
            });
        }
        if let Some(bytes) = self.telegram_row()?.bot_token_encrypted {
            values.push(SealedValue {
                slot: SecretSlot::TelegramToken,
                bytes,
            });
        }
        values.sort_by_key(|value| value.slot);
        Ok((rows, values))
    }

    /// Replaces every sealed value in one write transaction: `reseal` gets
    /// each slot and its stored bytes and returns the new bytes, or an
    /// error that rolls everything back. `change` is appended to the audit
    /// trail in the same transaction. In a dry run, `reseal` runs on
    /// every value and the transaction is rolled back. Returns the slots
    /// whose values were (or, in a dry run, would be) resealed.
    pub fn reseal_all<E>(
        &mut self,
        actor: &str,
        change: &Change<'_>,
        mode: ResealMode,
        mut reseal: impl FnMut(SecretSlot, &[u8]) -> Result<Vec<u8>, E>,
    ) -> Result<Vec<SecretSlot>, ResealError<E>> {
        let result = in_write_transaction!(self, |conn, q| {
            let mut done = Vec::new();
            for value in q::all(conn)? {
                let new = reseal(value.slot, &value.bytes)
                    .map_err(|error| Unwound::Failed(ResealError::Value(error)))?;
                q::replace(conn, value.slot, &new, actor)?;
                done.push(value.slot);
            }
            q::audit::append(conn, actor, now(), change)?;
            match mode {
                ResealMode::Commit => Ok(done),
                ResealMode::DryRun => Err(Unwound::DryRun(done)),
            }
        });
        match result {
            Ok(done) | Err(Unwound::DryRun(done)) => Ok(done),
            Err(Unwound::Failed(error)) => Err(error),
        }
    }
}

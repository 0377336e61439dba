//! Changes of one provider made together at the revision the caller saw, in one transaction: its key removed, its switch and base URL set (a PATCH); all of them, or none.

use super::providers::{ActiveChange, ConfigRow};
use super::{Store, StoreError};

/// One change of a provider that is not a new key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderWrite<'a> {
    /// Removes the key; the provider becomes inactive.
    DeleteKey,
    /// Activates or deactivates a provider that has a key.
    Active(bool),
    /// Sets (`Some`) or clears (`None`) the base URL override.
    BaseUrl(Option<&'a str>),
}

/// What a batch of changes did.
#[derive(Debug)]
pub enum ProviderChanged {
    /// Made: the row as it is now (`None`: the provider has none).
    Saved(Option<ConfigRow>),
    /// The revision was another than expected: nothing was written; the row
    /// as it is.
    Stale(Option<ConfigRow>),
    /// A provider without a key cannot be switched on or off: nothing was
    /// written.
    NotConfigured,
}

/// Why a batch was undone.
#[derive(Debug)]
pub enum Abort {
    NotConfigured,
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for Abort {
    fn from(error: diesel::result::Error) -> Self {
        Abort::Database(error)
    }
}

for_each_backend! {
    uses(providers);

    /// Makes `writes` in order unless the provider's revision is not
    /// `expected` (0: no row yet), in the caller's transaction; a write
    /// that cannot be made undoes those before it.
    pub fn apply(
        conn: &mut Conn,
        provider: &str,
        writes: &[ProviderWrite<'_>],
        expected: Option<i64>,
        actor: &str,
    ) -> Result<ProviderChanged, Abort> {
        let current = providers::row(conn, provider)?;
        if expected.is_some_and(|expected| current.as_ref().map_or(0, |row| row.revision) != expected) {
            return Ok(ProviderChanged::Stale(current));
        }
        for write in writes {
            match *write {
                ProviderWrite::DeleteKey => {
                    providers::clear_key(conn, provider, actor)?;
                }
                ProviderWrite::Active(on) => {
                    if let ActiveChange::NotConfigured = providers::set_active(conn, provider, on, actor)? {
                        return Err(Abort::NotConfigured);
                    }
                }
                ProviderWrite::BaseUrl(url) => {
                    providers::set_base_url(conn, provider, url, actor)?;
                }
            }
        }
        Ok(ProviderChanged::Saved(providers::row(conn, provider)?))
    }
}

impl Store {
    /// Makes the changes in order, all or none, unless the provider is at
    /// another revision than `expected` (`None`: last writer wins).
    pub fn change_provider(
        &mut self,
        provider: &str,
        writes: &[ProviderWrite<'_>],
        expected: Option<i64>,
        actor: &str,
    ) -> Result<ProviderChanged, StoreError> {
        match in_write_transaction!(self, |conn, q| q::apply(
            conn, provider, writes, expected, actor
        )) {
            Ok(changed) => Ok(changed),
            Err(Abort::NotConfigured) => Ok(ProviderChanged::NotConfigured),
            Err(Abort::Database(error)) => Err(error.into()),
        }
    }
}

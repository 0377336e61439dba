//! The providers' group: their keys (validated, sealed, stored), switches and base URLs, and a key read back for the services that use it.

use secrecy::SecretString;

use super::Settings;
use crate::api_key::ApiKey;
use crate::base_url::BaseUrl;
use crate::connection_test::TestTarget;
use crate::error::Error;
use crate::provider::Provider;
use crate::revision::SaveOutcome;
use crate::sanitize::{Printable, printable};
use crate::secret;
use crate::status::{ProviderState, ProviderStatus};
use crate::store::{ActiveChange, ConfigRow, KeySave, ProviderChanged, ProviderWrite};

/// One change of a provider that is not a new key, as a PATCH or a DELETE
/// of the API makes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderChange {
    /// Removes the key; the provider becomes inactive.
    DeleteKey,
    /// Activates or deactivates a provider that has a key.
    Active(bool),
    /// Sets (`Some`) or clears (`None`) the base URL override.
    BaseUrl(Option<BaseUrl>),
}

impl ProviderChange {
    fn write(&self) -> ProviderWrite<'_> {
        match self {
            ProviderChange::DeleteKey => ProviderWrite::DeleteKey,
            ProviderChange::Active(on) => ProviderWrite::Active(*on),
            ProviderChange::BaseUrl(url) => {
                ProviderWrite::BaseUrl(url.as_ref().map(BaseUrl::as_str))
            }
        }
    }
}

impl Settings {
    /// The five statuses, in display order. No key is opened: a status
    /// holds only what the row says.
    pub fn statuses(&mut self) -> Result<Vec<ProviderStatus>, Error> {
        let rows = self.store.rows()?;
        Ok(Provider::ALL
            .into_iter()
            .map(|provider| {
                status_of(
                    provider,
                    rows.iter().find(|row| row.provider == provider.id()),
                )
            })
            .collect())
    }

    /// One provider's status.
    pub fn status(&mut self, provider: Provider) -> Result<ProviderStatus, Error> {
        let row = self.store.row(provider.id())?;
        Ok(status_of(provider, row.as_ref()))
    }

    /// The five providers with their details, in display order. A stored key
    /// that does not decrypt is reported in its provider's `fault`.
    pub fn states(&mut self) -> Result<Vec<ProviderState>, Error> {
        let rows = self.store.rows()?;
        Ok(self.states_of_rows(&rows))
    }

    /// The five states from the providers' rows.
    pub(super) fn states_of_rows(&self, rows: &[ConfigRow]) -> Vec<ProviderState> {
        Provider::ALL
            .into_iter()
            .map(|provider| {
                let row = rows.iter().find(|row| row.provider == provider.id());
                self.state_of(provider, row)
            })
            .collect()
    }

    fn state_of(&self, provider: Provider, row: Option<&ConfigRow>) -> ProviderState {
        let opened = row
            .and_then(|row| row.encrypted_key.as_deref())
            .map(|bytes| secret::open(&self.master_key, provider, bytes));
        let (fingerprint, fault) = match opened {
            Some(Ok(key)) => (Some(self.master_key.fingerprint(provider, &key)), None),
            Some(Err(fault)) => (None, Some(fault)),
            None => (None, None),
        };
        ProviderState {
            status: status_of(provider, row),
            base_url: row.and_then(|row| row.base_url.as_deref().map(Printable::new)),
            changed_at: row.map(|row| row.updated_at),
            changed_by: row.map(|row| Printable::new(&row.updated_by)),
            revision: row.map_or(0, |row| row.revision),
            fault,
            fingerprint,
        }
    }

    /// Validates `key` as entered (surrounding white space is trimmed), seals
    /// it and stores it with its hint; the provider becomes active. A refused
    /// key changes nothing.
    pub fn save_key(
        &mut self,
        provider: Provider,
        key: &SecretString,
    ) -> Result<ProviderStatus, Error> {
        use secrecy::ExposeSecret;
        self.save_api_key(provider, &ApiKey::parse(key.expose_secret())?)
    }

    /// Seals and stores a key that was checked already; the provider
    /// becomes active.
    pub fn save_api_key(
        &mut self,
        provider: Provider,
        key: &ApiKey,
    ) -> Result<ProviderStatus, Error> {
        Ok(self.save_api_key_state(provider, key)?.status)
    }

    /// [`Settings::save_api_key`] answering the provider's state as the
    /// save left it (its revision, who, when), read from the row written.
    pub fn save_api_key_state(
        &mut self,
        provider: Provider,
        key: &ApiKey,
    ) -> Result<ProviderState, Error> {
        let sealed = secret::seal(&self.master_key, provider, key.as_secret());
        let row = self
            .store
            .save_key(provider.id(), &sealed, &key.hint(), self.actor.as_str())?;
        Ok(self.state_of(provider, Some(&row)))
    }

    /// Like [`Settings::save_api_key`], but refuses to overwrite a change
    /// made since the caller read revision `expected_revision` of the
    /// provider ([`ProviderState::revision`]); the console uses it so that
    /// another admin's change is never overwritten silently.
    pub fn save_api_key_at_revision(
        &mut self,
        provider: Provider,
        key: &ApiKey,
        expected_revision: i64,
    ) -> Result<SaveOutcome<ProviderState>, Error> {
        let sealed = secret::seal(&self.master_key, provider, key.as_secret());
        let outcome = self.store.save_key_at_revision(
            provider.id(),
            expected_revision,
            &sealed,
            &key.hint(),
            self.actor.as_str(),
        )?;
        Ok(match outcome {
            KeySave::Saved(row) => SaveOutcome::Saved(self.state_of(provider, Some(&row))),
            KeySave::Stale(current) => {
                SaveOutcome::Conflict(self.state_of(provider, current.as_ref()))
            }
        })
    }

    /// [`Settings::save_api_key_at_revision`] for a key as entered.
    pub fn save_key_at_revision(
        &mut self,
        provider: Provider,
        key: &SecretString,
        expected_revision: i64,
    ) -> Result<SaveOutcome<ProviderState>, Error> {
        use secrecy::ExposeSecret;
        let key = ApiKey::parse(key.expose_secret())?;
        self.save_api_key_at_revision(provider, &key, expected_revision)
    }

    /// Makes `changes` to a provider in order, in one transaction: all of
    /// them, or none when one cannot be made; refused as a conflict when
    /// `expected_revision` is given and the provider is at another.
    pub fn change_provider(
        &mut self,
        provider: Provider,
        changes: &[ProviderChange],
        expected_revision: Option<i64>,
    ) -> Result<SaveOutcome<ProviderState>, Error> {
        let writes: Vec<ProviderWrite<'_>> = changes.iter().map(ProviderChange::write).collect();
        match self.store.change_provider(
            provider.id(),
            &writes,
            expected_revision,
            self.actor.as_str(),
        )? {
            ProviderChanged::Saved(row) => {
                Ok(SaveOutcome::Saved(self.state_of(provider, row.as_ref())))
            }
            ProviderChanged::Stale(row) => {
                Ok(SaveOutcome::Conflict(self.state_of(provider, row.as_ref())))
            }
            ProviderChanged::NotConfigured => Err(Error::NotConfigured(provider)),
        }
    }

    /// Removes a provider's key (it becomes inactive). Removing a key that is
    /// not there changes nothing and is not an error.
    pub fn delete_key(&mut self, provider: Provider) -> Result<ProviderStatus, Error> {
        match self.store.delete_key(provider.id(), self.actor.as_str())? {
            Some(row) => Ok(status_of(provider, Some(&row))),
            None => self.status(provider),
        }
    }

    /// Activates or deactivates a provider that has a key.
    pub fn set_active(
        &mut self,
        provider: Provider,
        active: bool,
    ) -> Result<ProviderStatus, Error> {
        match self
            .store
            .set_active(provider.id(), active, self.actor.as_str())?
        {
            ActiveChange::Changed(row) | ActiveChange::Unchanged(row) => {
                Ok(status_of(provider, Some(&row)))
            }
            ActiveChange::NotConfigured => Err(Error::NotConfigured(provider)),
        }
    }

    /// Sets (`Some`, validated first) or clears (`None`) a provider's base URL override.
    pub fn set_base_url(
        &mut self,
        provider: Provider,
        base_url: Option<&str>,
    ) -> Result<ProviderStatus, Error> {
        let base_url = base_url.map(BaseUrl::parse).transpose()?;
        self.set_checked_base_url(provider, base_url.as_ref())
    }

    /// Sets or clears a base URL override that was checked already.
    pub fn set_checked_base_url(
        &mut self,
        provider: Provider,
        base_url: Option<&BaseUrl>,
    ) -> Result<ProviderStatus, Error> {
        let row = self.store.set_base_url(
            provider.id(),
            base_url.map(BaseUrl::as_str),
            self.actor.as_str(),
        )?;
        Ok(status_of(provider, Some(&row)))
    }

    /// The base URL override of a provider, if one is stored.
    pub fn base_url(&mut self, provider: Provider) -> Result<Option<String>, Error> {
        Ok(self
            .store
            .row(provider.id())?
            .and_then(|row| row.base_url.as_deref().map(printable)))
    }

    /// The decrypted key of a provider, for the services that use it; `None`
    /// when no key is stored. This is the one way a key comes out.
    pub fn read_key(&mut self, provider: Provider) -> Result<Option<SecretString>, Error> {
        let Some(bytes) = self
            .store
            .row(provider.id())?
            .and_then(|row| row.encrypted_key)
        else {
            return Ok(None);
        };
        secret::open(&self.master_key, provider, &bytes)
            .map(Some)
            .map_err(|source| Error::Undecryptable { provider, source })
    }

    /// What testing `provider`'s connection needs: its base URL and key. A
    /// provider without a key cannot be tested, except Ollama, which is
    /// tested without one.
    pub fn test_target(&mut self, provider: Provider) -> Result<TestTarget, Error> {
        let key = self.read_key(provider)?;
        if key.is_none() && !provider.key_optional() {
            return Err(Error::NotConfigured(provider));
        }
        Ok(TestTarget::new(provider, self.base_url(provider)?, key))
    }
}

fn status_of(provider: Provider, row: Option<&ConfigRow>) -> ProviderStatus {
    match row {
        Some(row) => ProviderStatus {
            provider,
            is_configured: row.encrypted_key.is_some(),
            is_active: row.is_active && row.encrypted_key.is_some(),
            // Text read from the database is untrusted: a row written by
            // hand could carry escape sequences.
            key_hint: row.key_hint.as_deref().map(Printable::new),
        },
        None => ProviderStatus::unconfigured(provider),
    }
}

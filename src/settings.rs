//! The settings as every front end uses them: validated, sealed and stored keys, in one place.
//!
//! [`Settings`] joins the store and the master key. It is what the command
//! line, the console and other Rust services call.

use std::collections::BTreeSet;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use crate::actor::Actor;
use crate::api_key::{masked_hint, validate_key};
use crate::base_url::validate_base_url;
use crate::error::Error;
use crate::provider::Provider;
use crate::sanitize::printable;
use crate::secret::{self, Envelope, KeyId, KeyOrigin, KeySource, MasterKey, load_master_key};
use crate::status::{ProviderState, ProviderStatus};
use crate::store::{
    ActiveChange, AuditEntry, AuditRow, ConfigRow, DatabaseLocation, ResealError, Store,
};

/// Where to find the database and the master key, and who is acting.
/// Every field left `None` falls back to the environment and the defaults.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// `--database-url`; else `$DATABASE_URL`; else the embedded SQLite default.
    pub database_url: Option<String>,
    /// `--key-file`; else `$LLM_SETTINGS_MASTER_KEY`, `$LLM_SETTINGS_KEY_FILE`, the default file.
    pub key_file: Option<PathBuf>,
    /// Who is recorded with changes; else `$SUDO_USER`/`$USER` and `$SSH_CONNECTION`.
    pub actor: Option<Actor>,
}

/// What a master key rotation did (or, in a dry run, would do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// The providers whose keys were re-encrypted, in display order.
    pub providers: Vec<Provider>,
    pub old_key: KeyId,
    pub new_key: KeyId,
    pub dry_run: bool,
}

/// What a save that checks the revision did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved(ProviderStatus),
    /// The provider changed since the revision the caller saw: nothing was
    /// written; this is its state now, with who changed it and when.
    Conflict(ProviderState),
}

/// An open settings database with its master key loaded and checked.
pub struct Settings {
    store: Store,
    master_key: MasterKey,
    key_origin: KeyOrigin,
    created_master_key: bool,
    actor: Actor,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("store", &self.store)
            .field("master_key", &self.master_key)
            .field("actor", &self.actor)
            .finish()
    }
}

impl Settings {
    /// Opens the database, runs its migrations, loads the master key (creating
    /// the default key file while no value is stored) and refuses a master key
    /// that is not the one the stored values were sealed with.
    pub fn open(options: &OpenOptions) -> Result<Self, Error> {
        Self::open_reading_rows(options).map(|(settings, _)| settings)
    }

    /// [`Settings::open`], with the five statuses from the rows that opening
    /// read anyway: the console's first frame needs both, and one read fewer.
    pub fn open_with_states(options: &OpenOptions) -> Result<(Self, Vec<ProviderState>), Error> {
        let (settings, rows) = Self::open_reading_rows(options)?;
        let states = settings.states_of_rows(&rows);
        Ok((settings, states))
    }

    fn open_reading_rows(options: &OpenOptions) -> Result<(Self, Vec<ConfigRow>), Error> {
        let location = DatabaseLocation::resolve(options.database_url.as_deref())?;
        let source = KeySource::resolve(options.key_file.as_deref())?;
        let mut store = Store::open(&location)?;
        let rows = store.rows()?;
        let values_exist = rows.iter().any(|row| row.encrypted_key.is_some());
        let loaded = load_master_key(source, values_exist)?;
        let stored_ids: BTreeSet<[u8; 8]> = rows
            .iter()
            .filter_map(|row| row.encrypted_key.as_deref())
            .filter_map(|bytes| Envelope::parse(bytes).ok())
            .map(|envelope| envelope.key_id.0)
            .collect();
        // Sealed when the key opens none of the stored values. A single value
        // under another key (a row copied from elsewhere) is that provider's
        // fault alone, and can be set again.
        if !stored_ids.is_empty() && !stored_ids.contains(&loaded.key.id().0) {
            return Err(Error::Sealed {
                stored: stored_ids.into_iter().map(KeyId).collect(),
                loaded: loaded.key.id(),
                origin: loaded.origin,
            });
        }
        let settings = Settings {
            store,
            master_key: loaded.key,
            key_origin: loaded.origin,
            created_master_key: loaded.created,
            actor: options
                .actor
                .clone()
                .unwrap_or_else(Actor::from_environment),
        };
        Ok((settings, rows))
    }

    /// The database in use; its `Display` hides any password.
    pub fn location(&self) -> &DatabaseLocation {
        self.store.location()
    }

    /// The id of the loaded master key.
    pub fn master_key_id(&self) -> KeyId {
        self.master_key.id()
    }

    /// Where the master key was loaded from.
    pub fn master_key_origin(&self) -> &KeyOrigin {
        &self.key_origin
    }

    /// True when opening created the default master key file.
    pub fn created_master_key(&self) -> bool {
        self.created_master_key
    }

    /// Who is recorded with changes made through this handle.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The five statuses, in display order.
    pub fn statuses(&mut self) -> Result<Vec<ProviderStatus>, Error> {
        Ok(self
            .states()?
            .into_iter()
            .map(|state| state.status)
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

    fn states_of_rows(&self, rows: &[ConfigRow]) -> Vec<ProviderState> {
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
            base_url: row.and_then(|row| row.base_url.as_deref().map(printable)),
            changed_at: row.map(|row| row.updated_at),
            changed_by: row.map(|row| printable(&row.updated_by)),
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
        let key = validate_key(key.expose_secret())?;
        let hint = masked_hint(&key);
        let sealed = secret::seal(&self.master_key, provider, &key);
        let row = self
            .store
            .save_key(provider.id(), &sealed, &hint, self.actor.as_str())?;
        Ok(status_of(provider, Some(&row)))
    }

    /// Like [`Settings::save_key`], but refuses to overwrite a change made
    /// since the caller read revision `expected_revision` of the provider
    /// ([`ProviderState::revision`]); the console uses it so that another
    /// admin's change is never overwritten silently.
    pub fn save_key_at_revision(
        &mut self,
        provider: Provider,
        key: &SecretString,
        expected_revision: i64,
    ) -> Result<SaveOutcome, Error> {
        let key = validate_key(key.expose_secret())?;
        let hint = masked_hint(&key);
        let sealed = secret::seal(&self.master_key, provider, &key);
        let outcome = self.store.save_key_at_revision(
            provider.id(),
            expected_revision,
            &sealed,
            &hint,
            self.actor.as_str(),
        )?;
        Ok(match outcome {
            Ok(row) => SaveOutcome::Saved(status_of(provider, Some(&row))),
            Err(current) => SaveOutcome::Conflict(self.state_of(provider, current.as_ref())),
        })
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
        let base_url = base_url.map(validate_base_url).transpose()?;
        let row =
            self.store
                .set_base_url(provider.id(), base_url.as_deref(), self.actor.as_str())?;
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

    /// Re-encrypts every stored key under `new_key` in one transaction. Each
    /// value is opened with the current master key, sealed with the new one,
    /// and opened again before anything is written; a value that does not
    /// open stops the rotation and changes nothing. One audit entry records
    /// it. With `dry_run`, everything is checked and nothing is written.
    /// Afterwards this handle uses the new key.
    pub fn rotate_master_key(
        &mut self,
        new_key: MasterKey,
        dry_run: bool,
    ) -> Result<Rotation, Error> {
        let old_id = self.master_key.id();
        if new_key.id() == old_id {
            return Err(Error::SameMasterKey(old_id));
        }
        let detail = format!("master key {old_id} -> {}", new_key.id());
        let Settings {
            store,
            master_key,
            actor,
            ..
        } = self;
        let audit = AuditEntry {
            actor: actor.as_str(),
            action: "rotate-key",
            provider: "*",
            key_hint: None,
            detail: Some(&detail),
        };
        let resealed = store.reseal_all(actor.as_str(), &audit, dry_run, |id, bytes| {
            let provider: Provider = id
                .parse()
                .map_err(|_| Error::UnknownProviderRow(id.to_owned()))?;
            let stopped = |source| Error::RotationStopped { provider, source };
            let key = secret::open(master_key, provider, bytes).map_err(stopped)?;
            let sealed = secret::seal(&new_key, provider, &key);
            let check = secret::open(&new_key, provider, &sealed).map_err(stopped)?;
            if check.expose_secret() != key.expose_secret() {
                return Err(stopped(secret::OpenError::Tampered));
            }
            Ok(sealed)
        });
        let providers = match resealed {
            Ok(ids) => {
                let mut providers: Vec<Provider> =
                    ids.iter().filter_map(|id| id.parse().ok()).collect();
                providers.sort();
                providers
            }
            Err(ResealError::Value(error)) => return Err(error),
            Err(ResealError::Database(error)) => return Err(error.into()),
            // reseal_all turns its dry run's rollback into Ok.
            Err(ResealError::DryRun(_)) => unreachable!("reseal_all returns a dry run as Ok"),
        };
        let new_id = new_key.id();
        if !dry_run {
            self.master_key = new_key;
        }
        Ok(Rotation {
            providers,
            old_key: old_id,
            new_key: new_id,
            dry_run,
        })
    }

    /// The id of the newest audit entry: it grows with every change anyone
    /// makes, so comparing it tells whether to read the providers again.
    pub fn change_marker(&mut self) -> Result<i64, Error> {
        Ok(self.store.newest_audit_id()?)
    }

    /// The changes recorded after `marker`, oldest first.
    pub fn changes_since(&mut self, marker: i64) -> Result<Vec<AuditRow>, Error> {
        Ok(self.store.audit_since(marker)?)
    }

    /// The audit trail, oldest first.
    pub fn audit_trail(&mut self) -> Result<Vec<AuditRow>, Error> {
        Ok(self.store.audit_entries()?)
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
            key_hint: row.key_hint.as_deref().map(printable),
        },
        None => ProviderStatus::unconfigured(provider),
    }
}

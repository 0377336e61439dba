//! Opening the settings with the master key that sealed them, and rotating that key: what concerns every sealed value of every group.

use std::collections::BTreeSet;

use secrecy::ExposeSecret;

use super::{OpenOptions, Settings};
use crate::actor::Actor;
use crate::audit_action::AuditAction;
use crate::error::Error;
use crate::group::Group;
use crate::secret::{
    self, Envelope, KeyId, KeySource, LoadedKey, MasterKey, OpenError, SecretSlot, load_master_key,
    load_master_key_reporting_mode,
};
use crate::status::ProviderState;
use crate::store::{
    Change, ConfigRow, DatabaseLocation, ResealError, ResealMode, SealedValue, Store,
};

/// What a master key rotation did (or, in a dry run, would do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// The slots whose values were re-encrypted, providers first, in display order.
    pub slots: Vec<SecretSlot>,
    pub old_key: KeyId,
    pub new_key: KeyId,
    /// Whether it was kept, or only checked.
    pub mode: ResealMode,
}

impl Settings {
    /// Opens the database, runs its migrations, loads the master key (creating
    /// the default key file while no value is stored) and refuses a master key
    /// that is not the one the stored values were sealed with.
    pub fn open(options: &OpenOptions) -> Result<Self, Error> {
        Self::open_reading_providers(options).map(|(settings, _)| settings)
    }

    /// [`Settings::open`], with the five providers' states from the rows
    /// that opening read anyway: the console's first frame needs both.
    pub fn open_with_states(options: &OpenOptions) -> Result<(Self, Vec<ProviderState>), Error> {
        let (settings, rows) = Self::open_reading_providers(options)?;
        let states = settings.states_of_rows(&rows);
        Ok((settings, states))
    }

    /// [`Settings::open`] for `check`: a master key file that group or
    /// others may read is used, and its refusal returned to be reported,
    /// where every other command refuses to start.
    pub fn open_for_check(
        options: &OpenOptions,
    ) -> Result<(Self, Option<crate::secret::MasterKeyError>), Error> {
        let mut too_open = None;
        let (settings, _) = Self::open_loading(options, |source, values_exist| {
            let (loaded, refusal) = load_master_key_reporting_mode(source, values_exist)?;
            too_open = refusal;
            Ok(loaded)
        })?;
        Ok((settings, too_open))
    }

    fn open_reading_providers(options: &OpenOptions) -> Result<(Self, Vec<ConfigRow>), Error> {
        Self::open_loading(options, load_master_key)
    }

    fn open_loading(
        options: &OpenOptions,
        load: impl FnOnce(KeySource, bool) -> Result<LoadedKey, crate::secret::MasterKeyError>,
    ) -> Result<(Self, Vec<ConfigRow>), Error> {
        let location = DatabaseLocation::resolve(options.database_url.as_deref())?;
        let source = KeySource::resolve(options.key_file.as_deref())?;
        let mut store = Store::open(&location)?;
        let (rows, sealed) = store.provider_rows_and_sealed_values()?;
        let loaded = load(source, !sealed.is_empty())?;
        check_master_key(&sealed, &loaded.key, &loaded.origin)?;
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

    /// Re-encrypts every sealed value of every group under `new_key` in one
    /// transaction. Each value is opened with the current master key, sealed
    /// with the new one, and opened again before anything is written; a
    /// value that does not open stops the rotation and changes nothing. One
    /// audit entry records it. A dry run checks everything and writes
    /// nothing. Afterwards (not after a dry run) this handle uses the new key.
    pub fn rotate_master_key(
        &mut self,
        new_key: MasterKey,
        mode: ResealMode,
    ) -> Result<Rotation, Error> {
        let old_id = self.master_key.id();
        if new_key.id() == old_id {
            return Err(Error::SameMasterKey(old_id));
        }
        let (old_text, new_text) = (old_id.to_string(), new_key.id().to_string());
        let Settings {
            store,
            master_key,
            actor,
            ..
        } = self;
        let change = Change {
            group: Group::MasterKey,
            action: AuditAction::RotateKey,
            subject: None,
            old: Some(&old_text),
            new: Some(&new_text),
        };
        let resealed = store.reseal_all(actor.as_str(), &change, mode, |slot, bytes| {
            let stopped = |source| Error::RotationStopped { slot, source };
            let value = secret::open(master_key, slot, bytes).map_err(stopped)?;
            let sealed = secret::seal(&new_key, slot, &value);
            let check = secret::open(&new_key, slot, &sealed).map_err(stopped)?;
            if check.expose_secret() != value.expose_secret() {
                return Err(stopped(OpenError::Tampered));
            }
            Ok(sealed)
        });
        let slots = match resealed {
            Ok(slots) => slots,
            Err(ResealError::Value(error)) => return Err(error),
            Err(ResealError::Database(error)) => return Err(error.into()),
        };
        let new_id = new_key.id();
        if mode == ResealMode::Commit {
            self.master_key = new_key;
        }
        Ok(Rotation {
            slots,
            old_key: old_id,
            new_key: new_id,
            mode,
        })
    }
}

/// Refuses a master key that opens none of the stored values ("sealed").
/// A single value under another key (a row copied from elsewhere) is that
/// value's fault alone, and can be set again.
fn check_master_key(
    sealed: &[SealedValue],
    key: &MasterKey,
    origin: &crate::secret::KeyOrigin,
) -> Result<(), Error> {
    let stored_ids: BTreeSet<[u8; 8]> = sealed
        .iter()
        .filter_map(|value| Envelope::parse(&value.bytes).ok())
        .map(|envelope| envelope.key_id.0)
        .collect();
    if !stored_ids.is_empty() && !stored_ids.contains(&key.id().0) {
        return Err(Error::Sealed {
            stored: stored_ids.into_iter().map(KeyId).collect(),
            loaded: key.id(),
            origin: origin.clone(),
        });
    }
    Ok(())
}

//! The settings as every front end uses them: each group validated, sealed where secret, and stored, in one place.
//!
//! [`Settings`] joins the store and the master key. It is what the command
//! line, the console and other Rust services call. Each group's methods
//! are in a file of their own (`providers`, ...); opening, the master-key
//! check and rotation, which concern every sealed value, are in `custody`.

mod api_tokens;
mod check;
mod custody;
mod fields;
mod history;
mod providers;
mod tasks;
mod telegram;
mod trail;

use std::path::PathBuf;

use crate::actor::Actor;
use crate::error::Error;
use crate::secret::{KeyId, KeyOrigin, MasterKey};
use crate::store::{AuditRow, DatabaseLocation, Store};

pub use crate::revision::SaveOutcome;
pub use crate::store::ResealMode;
pub use api_tokens::ApiTokenInfo;
pub use custody::Rotation;
pub use fields::FieldAction;
pub use providers::ProviderChange;
pub use tasks::{TaskChange, TaskRuntime};
pub use telegram::TelegramChange;
pub use trail::Trail;

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

    /// Records the changes made from now on as `actor`'s (a server acts
    /// for each caller in turn).
    pub fn act_as(&mut self, actor: Actor) {
        self.actor = actor;
    }

    /// Connects to the database again, after its connection failed; the
    /// master key stays as it was loaded and checked.
    pub fn reconnect(&mut self) -> Result<(), Error> {
        self.store = Store::open(self.store.location())?;
        Ok(())
    }

    /// The id of the newest audit entry: it grows with every change anyone
    /// makes, so comparing it tells whether to read the settings again.
    pub fn change_marker(&mut self) -> Result<i64, Error> {
        Ok(self.store.newest_audit_id()?)
    }

    /// The changes recorded after `marker`, oldest first.
    pub fn changes_since(&mut self, marker: i64) -> Result<Vec<AuditRow>, Error> {
        Ok(self.store.audit_since(marker)?)
    }

    /// At most `limit` entries recorded after `marker`, oldest first: a
    /// page of a long way behind.
    pub fn changes_since_at_most(
        &mut self,
        marker: i64,
        limit: i64,
    ) -> Result<Vec<AuditRow>, Error> {
        Ok(self.store.audit_since_at_most(marker, limit)?)
    }

    /// The audit trail, oldest first.
    pub fn audit_trail(&mut self) -> Result<Vec<AuditRow>, Error> {
        Ok(self.store.audit_entries()?)
    }
}

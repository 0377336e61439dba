//! Key custody: the master key, where it comes from, the slots secrets live in, and the sealed envelope each is stored in.

mod envelope;
mod key_source;
mod master_key;
mod slot;

pub use envelope::{ENVELOPE_VERSION, Envelope, OpenError, open, seal, seal_with_nonce};
pub use key_source::{
    KEY_FILE_VAR, KeyOrigin, KeySource, LoadedKey, MASTER_KEY_VAR, MasterKeyError,
    default_key_file, generate_key_file, load_key_file, load_master_key,
    load_master_key_reporting_mode,
};
pub use master_key::{KeyId, MasterKey, MasterKeyParseError};
pub use slot::SecretSlot;

//! Key custody: the master key, where it comes from, and the sealed envelope each provider key is stored in.

mod envelope;
mod key_source;
mod master_key;

pub use envelope::{ENVELOPE_VERSION, Envelope, OpenError, open, seal};
pub use key_source::{
    KeyOrigin, KeySource, LoadedKey, MasterKeyError, default_key_file, generate_key_file,
    load_master_key,
};
pub use master_key::{KeyId, MasterKey, MasterKeyParseError};

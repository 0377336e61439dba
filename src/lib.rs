//! llm-settings: the settings of an LLM-driven system, first of all the API
//! keys of its five providers, sealed with AES-256-SIV under a master key and
//! kept in SQLite or PostgreSQL.
//!
//! [`Settings`] is the way in for every front end and for other Rust
//! services: open it, list the providers' statuses, save a key, or read one
//! back as a [`secrecy::SecretString`].
//!
//! ```no_run
//! use llm_settings::{OpenOptions, Provider, Settings};
//! use secrecy::ExposeSecret;
//!
//! # fn main() -> Result<(), llm_settings::Error> {
//! let mut settings = Settings::open(&OpenOptions::default())?;
//! if let Some(key) = settings.read_key(Provider::Anthropic)? {
//!     let header_value = key.expose_secret(); // only where the key is used
//!     # let _ = header_value;
//! }
//! # Ok(())
//! # }
//! ```

pub mod actor;
pub mod api_key;
pub mod base_url;
pub mod cli;
pub mod console;
pub mod error;
pub mod exec;
pub mod hardening;
pub mod paths;
pub mod prompt;
pub mod provider;
pub mod sanitize;
pub mod secret;
pub mod settings;
pub mod status;
pub mod store;

pub use actor::Actor;
pub use error::Error;
pub use provider::Provider;
pub use settings::{OpenOptions, SaveOutcome, Settings};
pub use status::{ProviderState, ProviderStatus};

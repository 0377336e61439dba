//! llm-settings: the settings of an LLM-driven system, first of all the API
//! keys of its five providers, sealed with AES-256-SIV under a master key and
//! kept in SQLite or PostgreSQL.
//!
//! [`Settings`] is the way in for every front end and for other Rust
//! services: open it, list the providers' statuses, save a key, or read one
//! back as a [`secrecy::SecretString`]. A service usually opens it with
//! [`OpenOptions::default()`], which finds the database and the master key
//! the way the command line does (`$DATABASE_URL`, `$LLM_SETTINGS_MASTER_KEY`
//! or `$LLM_SETTINGS_KEY_FILE`, else the defaults).
//!
//! ```
//! use llm_settings::{OpenOptions, Provider, Settings};
//! use secrecy::{ExposeSecret, SecretString};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! # let key_file = dir.path().join("master.key");
//! # llm_settings::secret::generate_key_file(&key_file)?;
//! let options = OpenOptions {
//!     database_url: Some(format!("sqlite://{}", dir.path().join("settings.db").display())),
//!     key_file: Some(key_file),
//!     ..OpenOptions::default()
//! };
//! let mut settings = Settings::open(&options)?;
//!
//! // What an admin does with `llm-settings providers set anthropic`:
//! let typed = SecretString::from("sk-ant-api03-example-key-0001\n".to_owned());
//! let status = settings.save_key(Provider::Anthropic, &typed)?;
//! assert_eq!(status.key_hint.as_deref(), Some("sk-...0001"));
//!
//! // What a service does: the key comes out only as a SecretString.
//! if let Some(key) = settings.read_key(Provider::Anthropic)? {
//!     let header_value = key.expose_secret(); // only where the key is used
//!     assert_eq!(header_value, "sk-ant-api03-example-key-0001");
//! }
//! let active: Vec<Provider> = settings
//!     .statuses()?
//!     .into_iter()
//!     .filter(|status| status.is_active)
//!     .map(|status| status.provider)
//!     .collect();
//! assert_eq!(active, [Provider::Anthropic]);
//! # Ok(())
//! # }
//! ```
//!
//! The byte layout of a stored key, for services in other languages, is in
//! `docs/FORMAT.md`.

pub mod actor;
pub mod api_key;
pub mod api_token;
pub mod audit_action;
pub mod base_url;
pub mod check;
pub mod cli;
pub mod connection_test;
pub mod console;
pub mod error;
pub mod field_groups;
pub mod fields;
pub mod global;
pub mod group;
pub mod hardening;
pub mod history;
pub mod paths;
pub mod provider;
pub mod revision;
pub mod risk;
pub mod sanitize;
pub mod secret;
pub mod serve;
pub mod settings;
pub mod status;
pub mod store;
pub mod task;
pub mod telegram;

pub use actor::Actor;
pub use error::Error;
pub use global::GlobalSettings;
pub use group::Group;
pub use provider::Provider;
pub use revision::{Revisioned, SaveOutcome, StaleWrite};
pub use risk::RiskSettings;
pub use settings::{OpenOptions, Settings};
pub use status::{ProviderState, ProviderStatus};
pub use task::{ModelName, Task, TaskAssignment, TaskState, TaskStatus};

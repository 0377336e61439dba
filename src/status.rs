//! What front ends show of a provider: its status (the JSON shape of the README's `providers list --json`) and the details around it.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::provider::Provider;
use crate::sanitize::Printable;
use crate::secret::OpenError;

/// A provider's status, exactly as `--json` prints it:
/// `{"provider": "anthropic", "is_configured": true, "is_active": true, "key_hint": "sk-...cdef"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderStatus {
    pub provider: Provider,
    pub is_configured: bool,
    pub is_active: bool,
    pub key_hint: Option<Printable>,
}

impl ProviderStatus {
    /// The status of a provider with no row.
    pub fn unconfigured(provider: Provider) -> Self {
        ProviderStatus {
            provider,
            is_configured: false,
            is_active: false,
            key_hint: None,
        }
    }
}

/// A provider's status with what the console and `providers list` show beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderState {
    pub status: ProviderStatus,
    pub base_url: Option<Printable>,
    /// When the row last changed, UTC; `None` for a provider never touched.
    pub changed_at: Option<NaiveDateTime>,
    pub changed_by: Option<Printable>,
    /// Grows with every change of the row; 0 for a provider never touched.
    pub revision: i64,
    /// Why the stored key does not decrypt, when it does not.
    pub fault: Option<OpenError>,
    /// The stored key's keyed fingerprint (see `MasterKey::fingerprint`).
    pub fingerprint: Option<String>,
}

crate::revision::revisioned!(ProviderState, |state| state
    .status
    .provider
    .display_name()
    .to_owned());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_matches_the_contract() {
        let status = ProviderStatus {
            provider: Provider::Anthropic,
            is_configured: true,
            is_active: true,
            key_hint: Some("sk-...cdef".into()),
        };
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            r#"{"provider":"anthropic","is_configured":true,"is_active":true,"key_hint":"sk-...cdef"}"#
        );
        assert_eq!(
            serde_json::to_string(&ProviderStatus::unconfigured(Provider::Ollama)).unwrap(),
            r#"{"provider":"ollama","is_configured":false,"is_active":false,"key_hint":null}"#
        );
    }
}

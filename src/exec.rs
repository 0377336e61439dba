//! `llm-settings exec`: the environment that hands the active providers' keys to a command.

use std::collections::BTreeSet;

use secrecy::SecretString;

use crate::error::Error;
use crate::provider::Provider;
use crate::secret::{KEY_FILE_VAR, MASTER_KEY_VAR};
use crate::settings::Settings;

/// One variable for the command's environment. Keys stay secret until the
/// moment they are handed to the command.
pub enum ExportedValue {
    Key(SecretString),
    BaseUrl(String),
}

/// The variables `exec` sets, and the ones it removes from what the command
/// would otherwise inherit.
pub struct Environment {
    pub set: Vec<(&'static str, ExportedValue)>,
    pub remove: Vec<&'static str>,
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.set.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Environment")
            .field("set", &names)
            .field("remove", &self.remove)
            .finish()
    }
}

/// Builds the command's environment from the stored settings.
///
/// For each provider (all five, or those of `only`): an active provider with
/// a key gets its key and its base URL override; a provider without a key
/// gets its base URL override alone (Ollama needs no key); a deactivated one
/// gets nothing. Every provider variable not set, and the master key
/// variables, are removed, so that nothing stale or more secret is inherited.
/// With `only`, each named provider must be active with a key. A key that
/// does not decrypt stops it all.
pub fn environment(settings: &mut Settings, only: &[Provider]) -> Result<Environment, Error> {
    let selected: BTreeSet<Provider> = if only.is_empty() {
        Provider::ALL.into_iter().collect()
    } else {
        only.iter().copied().collect()
    };
    let states = settings.states()?;
    let mut set = Vec::new();
    for state in states
        .iter()
        .filter(|state| selected.contains(&state.status.provider))
    {
        let provider = state.status.provider;
        let status = &state.status;
        let exportable = status.is_configured && status.is_active;
        if !only.is_empty() && !exportable {
            return Err(Error::NotExported(provider));
        }
        if status.is_configured && !status.is_active {
            continue;
        }
        if status.is_configured {
            let key = settings
                .read_key(provider)?
                .ok_or(Error::NotConfigured(provider))?;
            set.push((provider.key_variable(), ExportedValue::Key(key)));
        }
        if let Some(url) = &state.base_url {
            set.push((
                provider.base_url_variable(),
                ExportedValue::BaseUrl(url.clone()),
            ));
        }
    }
    let mut remove: Vec<&'static str> = Provider::ALL
        .into_iter()
        .flat_map(|provider| [provider.key_variable(), provider.base_url_variable()])
        .filter(|name| !set.iter().any(|(set_name, _)| set_name == name))
        .collect();
    remove.extend([MASTER_KEY_VAR, KEY_FILE_VAR]);
    Ok(Environment { set, remove })
}

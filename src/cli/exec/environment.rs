//! `llm-settings exec`: the environment that hands the active providers' keys, or one task's, to a command.

use std::collections::BTreeSet;

use secrecy::SecretString;

use crate::error::Error;
use crate::provider::Provider;
use crate::secret::{KEY_FILE_VAR, MASTER_KEY_VAR};
use crate::settings::Settings;
use crate::task::Task;

/// One variable for the command's environment. Keys stay secret until the
/// moment they are handed to the command.
pub enum ExportedValue {
    Key(SecretString),
    BaseUrl(String),
    /// Plain text: the task's provider and model.
    Text(String),
}

/// The variable naming the provider `exec --task` runs the task on.
pub const TASK_PROVIDER_VAR: &str = "LLM_TASK_PROVIDER";
/// The variable naming the model (empty for the provider's default).
pub const TASK_MODEL_VAR: &str = "LLM_TASK_MODEL";

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
                ExportedValue::BaseUrl(url.to_string()),
            ));
        }
    }
    Ok(with_removals(set))
}

/// The environment `exec --task` gives a command: only the key and base URL
/// override of the provider `task` runs on, in the variables plain `exec`
/// uses, and the provider and model in `LLM_TASK_PROVIDER` and
/// `LLM_TASK_MODEL`. A task that is not ready is an error: the command
/// does not run, rather than run on something else.
pub fn task_environment(settings: &mut Settings, task: Task) -> Result<Environment, Error> {
    let runtime = settings.task_runtime(task)?;
    let provider = runtime.provider;
    let mut set = Vec::new();
    if let Some(key) = runtime.key {
        set.push((provider.key_variable(), ExportedValue::Key(key)));
    }
    if let Some(url) = runtime.base_url {
        set.push((provider.base_url_variable(), ExportedValue::BaseUrl(url)));
    }
    set.push((
        TASK_PROVIDER_VAR,
        ExportedValue::Text(provider.id().to_owned()),
    ));
    set.push((TASK_MODEL_VAR, ExportedValue::Text(runtime.model_name)));
    Ok(with_removals(set))
}

/// `set`, with every provider variable it does not set and the master key
/// variables removed, so that nothing stale or more secret is inherited.
fn with_removals(set: Vec<(&'static str, ExportedValue)>) -> Environment {
    let mut remove: Vec<&'static str> = Provider::ALL
        .into_iter()
        .flat_map(|provider| [provider.key_variable(), provider.base_url_variable()])
        .chain([TASK_PROVIDER_VAR, TASK_MODEL_VAR])
        .filter(|name| !set.iter().any(|(set_name, _)| set_name == name))
        .collect();
    remove.extend([MASTER_KEY_VAR, KEY_FILE_VAR]);
    Environment { set, remove }
}

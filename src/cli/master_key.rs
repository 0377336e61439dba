//! `rotate-key`: every sealed value re-encrypted under a new master key.

use std::path::Path;

use super::{CliError, Session};
use crate::secret::SecretSlot;
use crate::store::ResealMode;

/// Re-encrypts every stored secret under the master key in `new_key_file`.
pub fn rotate(
    session: &mut Session,
    new_key_file: &Path,
    mode: ResealMode,
) -> Result<(), CliError> {
    let new_key = crate::secret::load_key_file(new_key_file)?;
    let settings = session.settings()?;
    let rotation = settings.rotate_master_key(new_key, mode)?;
    let providers: Vec<&str> = rotation
        .slots
        .iter()
        .filter_map(|slot| match slot {
            SecretSlot::ProviderKey(provider) => Some(provider.display_name()),
            SecretSlot::TelegramToken => None,
        })
        .collect();
    let mut parts = Vec::new();
    if !providers.is_empty() {
        parts.push(format!("the keys of {}", providers.join(", ")));
    }
    if rotation.slots.contains(&SecretSlot::TelegramToken) {
        parts.push("the Telegram bot token".to_owned());
    }
    let which = if parts.is_empty() {
        "no stored keys".to_owned()
    } else {
        parts.join(" and ")
    };
    if rotation.mode == ResealMode::DryRun {
        println!(
            "Would re-encrypt {which} from master key {} to {}; nothing was changed.",
            rotation.old_key, rotation.new_key
        );
    } else {
        println!(
            "Re-encrypted {which} from master key {} to {}.",
            rotation.old_key, rotation.new_key
        );
        println!(
            "From now on load the master key from {} (--key-file, $LLM_SETTINGS_KEY_FILE, or replace {}), and keep the old key until its backups are gone.",
            new_key_file.display(),
            settings.master_key_origin()
        );
    }
    Ok(())
}

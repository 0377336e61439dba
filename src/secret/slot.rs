//! Where a sealed value lives: the slot whose name binds the value to its place.

use std::fmt;

use crate::provider::Provider;

/// A place that holds a sealed secret. Its name is the associated data of
/// the encryption, so a value copied into another slot does not open there.
///
/// Every sealed value of every table is in exactly one slot; the master-key
/// check at start and `rotate-key` walk them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretSlot {
    /// A provider's API key, in `llm_provider_configs.encrypted_key`.
    ProviderKey(Provider),
    /// The Telegram bot's token, in `telegram_settings.bot_token_encrypted`.
    TelegramToken,
}

/// The Telegram token's associated data: not a provider id, so a value
/// copied between the token and a provider's key opens in neither place.
const TELEGRAM_TOKEN: &[u8] = b"telegram:bot_token";

impl SecretSlot {
    /// The associated data that binds a value to this slot. A provider key's
    /// is the provider id (ASCII), as it has been since the first format.
    pub fn associated_data(self) -> &'static [u8] {
        match self {
            SecretSlot::ProviderKey(provider) => provider.id().as_bytes(),
            SecretSlot::TelegramToken => TELEGRAM_TOKEN,
        }
    }
}

impl From<Provider> for SecretSlot {
    fn from(provider: Provider) -> Self {
        SecretSlot::ProviderKey(provider)
    }
}

/// "the key of OpenAI", for messages.
impl fmt::Display for SecretSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSlot::ProviderKey(provider) => {
                write!(f, "the key of {}", provider.display_name())
            }
            SecretSlot::TelegramToken => f.write_str("the Telegram bot token"),
        }
    }
}

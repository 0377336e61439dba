//! The 64-byte master key that seals every secret, and the id that names it without revealing it.

use std::fmt;

use aes_siv::aead::KeyInit;
use aes_siv::siv::Aes256Siv;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretBox};
use zeroize::Zeroizing;

/// Length of the master key: AES-256-SIV takes two 256-bit keys.
pub const MASTER_KEY_BYTES: usize = 64;

/// Length of a key id in bytes (shown as 16 hex digits).
pub const KEY_ID_BYTES: usize = 8;

/// The plaintext whose deterministic AES-SIV tag names a master key. Anyone
/// holding the key can recompute the id; nobody can learn the key from it.
const KEY_ID_LABEL: &[u8] = b"llm-settings key id";

/// The master key. Its bytes are zeroized when it is dropped and never printed.
pub struct MasterKey {
    bytes: SecretBox<[u8; MASTER_KEY_BYTES]>,
    id: KeyId,
}

/// The id of a master key: the first 8 bytes of the AES-SIV tag of a fixed label.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; KEY_ID_BYTES]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// Why text is not a master key. The text itself is never repeated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MasterKeyParseError {
    #[error("is not valid standard base64")]
    NotBase64,
    #[error("decodes to {0} bytes; a master key is exactly {MASTER_KEY_BYTES} bytes")]
    WrongLength(usize),
}

impl MasterKey {
    /// Builds a master key from its raw bytes.
    pub fn from_bytes(bytes: Box<[u8; MASTER_KEY_BYTES]>) -> Self {
        let bytes = SecretBox::new(bytes);
        let id = compute_key_id(bytes.expose_secret());
        MasterKey { bytes, id }
    }

    /// A new random master key from the operating system's generator.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = Box::new([0u8; MASTER_KEY_BYTES]);
        getrandom::fill(bytes.as_mut_slice())?;
        Ok(MasterKey::from_bytes(bytes))
    }

    /// Parses the standard base64 of exactly 64 bytes, as held by a key file or
    /// `$LLM_SETTINGS_MASTER_KEY`; surrounding white space is ignored.
    pub fn from_base64(text: &str) -> Result<Self, MasterKeyParseError> {
        let decoded = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| MasterKeyParseError::NotBase64)?,
        );
        if decoded.len() != MASTER_KEY_BYTES {
            return Err(MasterKeyParseError::WrongLength(decoded.len()));
        }
        let mut bytes = Box::new([0u8; MASTER_KEY_BYTES]);
        bytes.copy_from_slice(&decoded);
        Ok(MasterKey::from_bytes(bytes))
    }

    /// The standard base64 of the key, for writing a key file.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.bytes.expose_secret()))
    }

    /// The id that names this key in every value it seals.
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The raw key bytes, for the cipher alone.
    pub(crate) fn expose_bytes(&self) -> &[u8; MASTER_KEY_BYTES] {
        self.bytes.expose_secret()
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id)
            .field("bytes", &"[redacted]")
            .finish()
    }
}

/// The header that sets fingerprints apart from every other use of the key.
const FINGERPRINT_LABEL: &[u8] = b"llm-settings fingerprint";

impl MasterKey {
    /// A short keyed fingerprint of a provider key: 8 hex digits from the
    /// deterministic AES-SIV tag of the key under this master key. The same
    /// key gives the same fingerprint in the same database, so two admins can
    /// tell whether they hold the same key; without the master key it tells
    /// nothing, and it is not a plain hash that a guess could be checked
    /// against.
    pub fn fingerprint(
        &self,
        slot: impl Into<super::SecretSlot>,
        key: &secrecy::SecretString,
    ) -> String {
        let mut siv = Aes256Siv::new(self.bytes.expose_secret().into());
        let headers: [&[u8]; 2] = [FINGERPRINT_LABEL, slot.into().associated_data()];
        // AES-SIV fails only with more than 126 headers; there are two.
        #[allow(clippy::expect_used)]
        let sealed = Zeroizing::new(
            siv.encrypt(headers, key.expose_secret().as_bytes())
                .expect("AES-SIV encryption of a key of at most 4096 bytes cannot fail"),
        );
        sealed[..4]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

fn compute_key_id(bytes: &[u8; MASTER_KEY_BYTES]) -> KeyId {
    let mut siv = Aes256Siv::new(bytes.into());
    let no_headers: [&[u8]; 0] = [];
    // Deterministic SIV with no headers: the first 16 bytes of the output are
    // the synthetic IV, a pseudo-random function of the key and the label.
    // AES-SIV fails only with more than 126 headers; there are none.
    #[allow(clippy::expect_used)]
    let sealed = siv
        .encrypt(no_headers, KEY_ID_LABEL)
        .expect("AES-SIV encryption of a short label with no headers cannot fail");
    let mut id = [0u8; KEY_ID_BYTES];
    id.copy_from_slice(&sealed[..KEY_ID_BYTES]);
    KeyId(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly_64_bytes_of_base64() {
        let key = MasterKey::generate().unwrap();
        let again = MasterKey::from_base64(&format!("{}\n", key.to_base64().as_str())).unwrap();
        assert_eq!(key.id(), again.id());

        let short = STANDARD.encode([7u8; 32]);
        assert_eq!(
            MasterKey::from_base64(&short).unwrap_err(),
            MasterKeyParseError::WrongLength(32)
        );
        assert_eq!(
            MasterKey::from_base64("not base64!").unwrap_err(),
            MasterKeyParseError::NotBase64
        );
    }

    #[test]
    fn different_keys_have_different_ids_and_debug_hides_the_bytes() {
        let a = MasterKey::from_bytes(Box::new([1u8; 64]));
        let b = MasterKey::from_bytes(Box::new([2u8; 64]));
        assert_ne!(a.id(), b.id());
        let debug = format!("{a:?}");
        assert!(debug.contains("redacted"));
        assert!(!debug.contains(a.to_base64().as_str()));
        assert!(!debug.contains("1, 1, 1"));
    }
}

//! The stored form of a secret (a provider key, a bot token): a versioned, self-describing AES-256-SIV envelope.

use aes_siv::Aes256SivAead;
use aes_siv::aead::{Aead, KeyInit, Payload};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::master_key::{KEY_ID_BYTES, KeyId, MasterKey};
use super::slot::SecretSlot;

/// The format version written today.
pub const ENVELOPE_VERSION: u8 = 1;

const NONCE_BYTES: usize = 16;
const TAG_BYTES: usize = 16;
const HEADER_BYTES: usize = 1 + KEY_ID_BYTES + NONCE_BYTES;

/// A stored value, taken apart but not decrypted.
///
/// Layout (version 1), all lengths in bytes:
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | format version, `0x01` |
/// | 1 | 8 | id of the master key that sealed it |
/// | 9 | 16 | random nonce |
/// | 25 | 16 | AES-SIV synthetic IV (the tag) |
/// | 41 | n | ciphertext, as long as the key |
///
/// The AES-SIV headers are the slot's associated data (for a provider key,
/// the provider id in ASCII) then the nonce, so a value copied into another
/// slot does not decrypt.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    pub version: u8,
    pub key_id: KeyId,
    nonce: &'a [u8],
    sealed: &'a [u8],
}

/// Why a stored value could not be opened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the stored value is too short to be a sealed key")]
    Truncated,
    #[error(
        "the stored value has format version {0}, which this version of llm-settings does not know"
    )]
    UnknownVersion(u8),
    #[error(
        "the stored value was sealed with master key {stored}, not with the loaded key {loaded}"
    )]
    OtherMasterKey { stored: KeyId, loaded: KeyId },
    #[error("the stored value does not decrypt: it was altered, or copied from another provider")]
    Tampered,
}

impl<'a> Envelope<'a> {
    /// Reads the header of a stored value without decrypting it.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, OpenError> {
        if bytes.len() < HEADER_BYTES + TAG_BYTES {
            return Err(OpenError::Truncated);
        }
        let version = bytes[0];
        if version != ENVELOPE_VERSION {
            return Err(OpenError::UnknownVersion(version));
        }
        let mut key_id = [0u8; KEY_ID_BYTES];
        key_id.copy_from_slice(&bytes[1..1 + KEY_ID_BYTES]);
        Ok(Envelope {
            version,
            key_id: KeyId(key_id),
            nonce: &bytes[1 + KEY_ID_BYTES..HEADER_BYTES],
            sealed: &bytes[HEADER_BYTES..],
        })
    }
}

fn cipher(master: &MasterKey) -> Aes256SivAead {
    Aes256SivAead::new(master.expose_bytes().into())
}

/// Encrypts `key` for `slot` under `master`, with a fresh random nonce.
pub fn seal(master: &MasterKey, slot: impl Into<SecretSlot>, key: &SecretString) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_BYTES];
    // A machine whose kernel cannot hand out random bytes cannot keep secrets.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut nonce).expect("the operating system's random number generator failed");
    seal_with_nonce(master, slot, key, nonce)
}

/// [`seal`] with a given nonce. Only for test vectors: a nonce must never be
/// used twice under one master key.
#[doc(hidden)]
pub fn seal_with_nonce(
    master: &MasterKey,
    slot: impl Into<SecretSlot>,
    key: &SecretString,
    nonce: [u8; NONCE_BYTES],
) -> Vec<u8> {
    #[allow(clippy::expect_used)]
    let sealed = cipher(master)
        .encrypt(
            (&nonce).into(),
            Payload {
                msg: key.expose_secret().as_bytes(),
                aad: slot.into().associated_data(),
            },
        )
        .expect("AES-SIV encryption of a key of at most 4096 bytes cannot fail");
    let mut out = Vec::with_capacity(HEADER_BYTES + sealed.len());
    out.push(ENVELOPE_VERSION);
    out.extend_from_slice(&master.id().0);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// Decrypts a value stored in `slot` with `master`.
pub fn open(
    master: &MasterKey,
    slot: impl Into<SecretSlot>,
    bytes: &[u8],
) -> Result<SecretString, OpenError> {
    let envelope = Envelope::parse(bytes)?;
    if envelope.key_id != master.id() {
        return Err(OpenError::OtherMasterKey {
            stored: envelope.key_id,
            loaded: master.id(),
        });
    }
    let nonce: &[u8; NONCE_BYTES] = envelope
        .nonce
        .try_into()
        .map_err(|_| OpenError::Truncated)?;
    let plaintext = Zeroizing::new(
        cipher(master)
            .decrypt(
                nonce.into(),
                Payload {
                    msg: envelope.sealed,
                    aad: slot.into().associated_data(),
                },
            )
            .map_err(|_| OpenError::Tampered)?,
    );
    let text = std::str::from_utf8(&plaintext).map_err(|_| OpenError::Tampered)?;
    Ok(SecretString::from(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Provider;

    fn key(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    #[test]
    fn round_trip_and_layout() {
        let master = MasterKey::generate().unwrap();
        let sealed = seal(&master, Provider::Anthropic, &key("sk-ant-secret"));
        assert_eq!(
            sealed.len(),
            HEADER_BYTES + TAG_BYTES + "sk-ant-secret".len()
        );
        assert_eq!(sealed[0], ENVELOPE_VERSION);
        assert_eq!(&sealed[1..9], &master.id().0);
        let opened = open(&master, Provider::Anthropic, &sealed).unwrap();
        assert_eq!(opened.expose_secret(), "sk-ant-secret");
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let master = MasterKey::generate().unwrap();
        let a = seal(&master, Provider::OpenAi, &key("sk-same"));
        let b = seal(&master, Provider::OpenAi, &key("sk-same"));
        assert_ne!(a, b);
    }

    #[test]
    fn another_provider_a_flipped_bit_or_another_key_do_not_open() {
        let master = MasterKey::generate().unwrap();
        let sealed = seal(&master, Provider::OpenAi, &key("sk-secret"));
        assert_eq!(
            open(&master, Provider::Gemini, &sealed).unwrap_err(),
            OpenError::Tampered
        );
        for position in HEADER_BYTES - NONCE_BYTES..sealed.len() {
            let mut flipped = sealed.clone();
            flipped[position] ^= 0x01;
            assert_eq!(
                open(&master, Provider::OpenAi, &flipped).unwrap_err(),
                OpenError::Tampered
            );
        }
        let other = MasterKey::generate().unwrap();
        assert!(matches!(
            open(&other, Provider::OpenAi, &sealed).unwrap_err(),
            OpenError::OtherMasterKey { .. }
        ));
        assert_eq!(
            open(&master, Provider::OpenAi, &sealed[..20]).unwrap_err(),
            OpenError::Truncated
        );
        let mut future = sealed.clone();
        future[0] = 2;
        assert_eq!(
            open(&master, Provider::OpenAi, &future).unwrap_err(),
            OpenError::UnknownVersion(2)
        );
    }
}

//! The stored format, against test vectors computed with Python's `cryptography` (AESSIV), as docs/FORMAT.md describes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use llm_settings::Provider;
use llm_settings::secret::{
    ENVELOPE_VERSION, Envelope, MasterKey, SecretSlot, open, seal, seal_with_nonce,
};
use secrecy::{ExposeSecret, SecretString};

/// The bytes 0x00 to 0x3f, as a key file holds them.
const MASTER_KEY_BASE64: &str =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
const KEY_ID: &str = "f3cb67d372dd0dcb";
const PROVIDER: Provider = Provider::Anthropic;
/// The bytes 0xa0 to 0xaf.
const NONCE: [u8; 16] = [
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
];
const PLAINTEXT: &str = "sk-ant-api03-test-vector-0001";
const STORED_HEX: &str = "01f3cb67d372dd0dcba0a1a2a3a4a5a6a7a8a9aaabacadaeaf2ec7efb16fdeff65edb5f364a1a597605ce383051d03160ade7da23285a7921ef6244f033547ddbaaef12625a0";

fn from_hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn master() -> MasterKey {
    MasterKey::from_base64(MASTER_KEY_BASE64).unwrap()
}

#[test]
fn the_key_id_matches_the_vector() {
    assert_eq!(master().id().to_string(), KEY_ID);
}

#[test]
fn the_fingerprint_matches_the_vector() {
    let key = SecretString::from(PLAINTEXT.to_owned());
    assert_eq!(master().fingerprint(PROVIDER, &key), "6b954ee9");
}

#[test]
fn the_library_decrypts_the_vector() {
    let stored = from_hex(STORED_HEX);
    let key = open(&master(), PROVIDER, &stored).unwrap();
    assert_eq!(key.expose_secret(), PLAINTEXT);
    // The provider id is bound in: the same bytes are not OpenAI's.
    assert!(open(&master(), Provider::OpenAi, &stored).is_err());
}

#[test]
fn what_the_library_writes_matches_the_documented_layout() {
    let plaintext = SecretString::from(PLAINTEXT.to_owned());
    assert_eq!(
        seal_with_nonce(&master(), PROVIDER, &plaintext, NONCE),
        from_hex(STORED_HEX),
        "sealing with the vector's nonce gives the vector's bytes"
    );
    // With a random nonce: version, key id, nonce, then tag and ciphertext.
    let stored = seal(&master(), PROVIDER, &plaintext);
    assert_eq!(stored.len(), 1 + 8 + 16 + 16 + PLAINTEXT.len());
    assert_eq!(stored[0], ENVELOPE_VERSION);
    assert_eq!(stored[0], 1);
    assert_eq!(stored[1..9], from_hex(KEY_ID)[..]);
    let envelope = Envelope::parse(&stored).unwrap();
    assert_eq!(envelope.key_id.to_string(), KEY_ID);
}

const TOKEN: &str = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
const TOKEN_STORED_HEX: &str = "01f3cb67d372dd0dcba0a1a2a3a4a5a6a7a8a9aaabacadaeafeeea3094fa4d304a50fb479626307fad46709beb305a4b108c749a434c64d86a3870a3a6a189ab4b8a653f95daa1fa6e7c3e57fee33153d9c5";

#[test]
fn the_bot_token_vector_opens_only_as_the_token() {
    let stored = from_hex(TOKEN_STORED_HEX);
    let token = open(&master(), SecretSlot::TelegramToken, &stored).unwrap();
    assert_eq!(token.expose_secret(), TOKEN);
    let plaintext = SecretString::from(TOKEN.to_owned());
    assert_eq!(
        seal_with_nonce(&master(), SecretSlot::TelegramToken, &plaintext, NONCE),
        stored
    );
    for provider in Provider::ALL {
        assert!(open(&master(), provider, &stored).is_err(), "{provider}");
    }
    assert!(open(&master(), SecretSlot::TelegramToken, &from_hex(STORED_HEX)).is_err());
}

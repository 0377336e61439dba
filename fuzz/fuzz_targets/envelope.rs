//! Fuzzes decoding a stored value: arbitrary bytes never panic, and never open.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llm_settings::Provider;
use llm_settings::secret::{Envelope, MasterKey, open};

fuzz_target!(|data: &[u8]| {
    let master = MasterKey::from_bytes(Box::new([0x5a; 64]));
    let _ = Envelope::parse(data);
    for provider in Provider::ALL {
        assert!(open(&master, provider, data).is_err());
    }
});

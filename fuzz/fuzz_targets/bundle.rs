//! The bundle reader never panics: on any bytes (refused at the header or
//! the signature), and on any body sealed with a trusted key, which reaches
//! the manifest, payload and archive readers behind the signature.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_feeds::bundle::{self, SigningKey};
use yata_feeds::source::Limits;

fuzz_target!(|data: &[u8]| {
    let key = SigningKey::from_bytes(&[7; 32]);
    let trusted = [key.verifying_key()];
    let _ = bundle::open(data, &trusted);
    let sealed = bundle::seal(data, &key);
    if let Ok(verified) = bundle::open(&sealed, &trusted) {
        let limits = Limits {
            max_document_bytes: 1 << 20,
            max_entries: 1000,
            max_total_bytes: 8 << 20,
            ..Limits::default()
        };
        let _ = verified.read("fuzz.bundle", &limits, &mut |_| {});
    }
});

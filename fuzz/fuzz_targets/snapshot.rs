//! Snapshot decoding never panics on any bytes, including ones that start
//! with a valid header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_knowledge::snapshot;

fuzz_target!(|data: &[u8]| {
    let _ = snapshot::decode(data);
    let mut framed = b"YATASNAP".to_vec();
    framed.extend_from_slice(&snapshot::FORMAT_VERSION.to_le_bytes());
    framed.extend_from_slice(data);
    if let Ok(s) = snapshot::decode(&framed) {
        for v in s.db.vulnerabilities() {
            let _ = v.to_json();
        }
        let _ = s.db.stats();
    }
});

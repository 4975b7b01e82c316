//! Snapshot decoding never panics on any bytes, including ones that start
//! with a valid header: whole, or selected by keys through its directory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_knowledge::snapshot;

fuzz_target!(|data: &[u8]| {
    let _ = snapshot::decode(data);
    for version in [1u32, snapshot::FORMAT_VERSION] {
        let mut framed = b"YATASNAP".to_vec();
        framed.extend_from_slice(&version.to_le_bytes());
        framed.extend_from_slice(data);
        if let Ok(s) = snapshot::decode(&framed) {
            for v in s.db.vulnerabilities() {
                let _ = v.to_json();
            }
            let _ = s.db.stats();
        }
        // Keys drawn from the input itself, so some are found.
        let keys: Vec<String> = data
            .split(|b| *b == 0)
            .take(8)
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .collect();
        for scheme in [1, data.first().copied().unwrap_or(0) as u32] {
            let _ = snapshot::decode_selected(&framed, scheme, &keys);
        }
    }
});

//! Lockfile parsing never panics, whatever the bytes; a parsed inventory
//! holds each component once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_inventory::{Format, Limits, parse};

fuzz_target!(|data: &[u8]| {
    if let Ok(inv) = parse(Format::NpmLock, data, &Limits::default()) {
        let mut ids: Vec<_> = inv.components.iter().map(|c| c.id.clone()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "components are kept once");
    }
});

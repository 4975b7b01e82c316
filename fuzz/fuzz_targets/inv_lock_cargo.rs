//! Lockfile parsing never panics, whatever the bytes; a parsed inventory
//! holds each component once; and the reader of Cargo's own layout, which
//! `parse` tries first, gives exactly what the TOML parser gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_inventory::lockfile::cargo_lock_via_toml;
use yata_inventory::{Format, Limits, parse};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let parsed = parse(Format::CargoLock, data, &limits);
    assert_eq!(
        parsed,
        cargo_lock_via_toml(data, &limits),
        "the two readers differ"
    );
    if let Ok(inv) = parsed {
        let mut ids: Vec<_> = inv.components.iter().map(|c| c.id.clone()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "components are kept once");
    }
});

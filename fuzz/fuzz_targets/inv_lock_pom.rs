//! The PomXml reader never panics and keeps its limits, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_inventory::{Format, Limits, parse};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_depth: 32,
        max_components: 1000,
        ..Limits::default()
    };
    if let Ok(inv) = parse(Format::PomXml, data, &limits) {
        assert!(inv.components.len() <= 1000);
    }
});

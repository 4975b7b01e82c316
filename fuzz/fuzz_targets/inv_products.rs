//! Asset registers (CSV and XLSX) never panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yata_inventory::{Format, Limits, products};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_bytes: 1 << 20,
        max_components: 10_000,
        ..Limits::default()
    };
    let _ = products::parse(Format::ProductCsv, data, &limits);
    let _ = products::parse(Format::ProductXlsx, data, &limits);
});

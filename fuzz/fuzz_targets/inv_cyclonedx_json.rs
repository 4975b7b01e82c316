//! The CycloneDX JSON reader and validator never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_inventory::Limits;
use yata_inventory::cyclonedx::{parse_json, validate};

fuzz_target!(|data: &[u8]| {
    let _ = parse_json(data, &Limits::default());
    let _ = validate(data);
});

//! The CycloneDX XML reader never panics, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_inventory::Limits;
use yata_inventory::cyclonedx::parse_xml;

fuzz_target!(|data: &[u8]| {
    let _ = parse_xml(data, &Limits::default());
});

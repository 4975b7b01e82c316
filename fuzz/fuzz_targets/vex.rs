//! VEX reading (all three formats, detected) never panics; what it reads
//! writes as CycloneDX VEX that reads back (equal statements written once).
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_vex::{SpecVersion, parse, to_cyclonedx_vex};

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = parse(data) {
        let out = to_cyclonedx_vex(
            &doc.statements,
            SpecVersion::V1_6,
            "3e671687-395b-41f5-a30f-a58921a69b79",
        )
        .expect("valid serial");
        let back = parse(out.as_bytes()).expect("written VEX reads back");
        assert!(back.statements.len() <= doc.statements.len());
        assert_eq!(back.statements.is_empty(), doc.statements.is_empty());
    }
});

//! The KEV parsers (JSON and CSV) never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_feeds::{Parsed, kev};

fuzz_target!(|data: &[u8]| {
    let mut out = Parsed::default();
    kev::parse_json("fuzz.json", data, &mut out);
    kev::parse_csv("fuzz.csv", data, &mut out);
});

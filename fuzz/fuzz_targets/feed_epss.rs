//! The EPSS parser never panics, whatever the bytes (gzip included).
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_feeds::{Format, Parsed, epss};

fuzz_target!(|data: &[u8]| {
    let mut out = Parsed::default();
    epss::parse("fuzz.csv", data, &mut out);
    let _ = Format::detect("fuzz.csv", data);
});

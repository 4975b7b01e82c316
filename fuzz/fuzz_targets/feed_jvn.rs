//! The JVN parsers (JVNRSS and VULDEF) never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_feeds::{Format, Parsed, jvn};

fuzz_target!(|data: &[u8]| {
    let mut out = Parsed::default();
    jvn::parse_rss("fuzz.xml", data, &mut out);
    jvn::parse_vuldef("fuzz.xml", data, &mut out);
    let _ = Format::detect("fuzz.xml", data);
});

//! The CVE JSON 5 reader never panics: any bytes give records or located
//! problems.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_feeds::Parsed;

fuzz_target!(|data: &[u8]| {
    let mut out = Parsed::default();
    yata_feeds::cve5::parse("fuzz.json", data, &mut out);
    assert_eq!(out.records.len() + out.problems.len(), 1);
});

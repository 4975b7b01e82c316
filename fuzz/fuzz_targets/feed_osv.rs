//! OSV parsing (JSON and YAML) never panics, whatever the bytes; every
//! outcome is a record or a located problem.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_feeds::{Parsed, osv};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let mut out = Parsed::default();
    if selector & 1 == 0 {
        osv::parse_json("fuzz.json", bytes, &mut out);
    } else {
        osv::parse_yaml("fuzz.yaml", bytes, &mut out);
    }
    assert!(!out.records.is_empty() || !out.problems.is_empty());
});

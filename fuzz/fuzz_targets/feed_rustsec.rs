//! RustSec advisory parsing (front matter, TOML, requirement ranges) never
//! panics; every outcome is a record or a located problem.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_feeds::{Parsed, rustsec};

fuzz_target!(|data: &[u8]| {
    let mut out = Parsed::default();
    rustsec::parse("fuzz.md", data, &mut out);
    assert!(!out.records.is_empty() || !out.problems.is_empty());
});

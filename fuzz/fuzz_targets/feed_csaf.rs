//! The CSAF importer never panics, whatever the document, and reports
//! problems only with a location inside the document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_feeds::{Parsed, csaf};

fuzz_target!(|data: &[u8]| {
    let mut out = Parsed::default();
    csaf::parse("fuzz.json", data, &mut out);
    for problem in &out.problems {
        assert!(problem.path.starts_with('/'), "{problem}");
    }
});

//! CSAF validation never panics, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = yata_csaf::validate(data) {
        for failure in report.failures() {
            let _ = failure.to_string();
        }
    }
});

//! Reading a benign list never panics, whatever the text; every line that
//! is a plain value (no comment, no wildcard) is then on the list.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_correlate::Benign;
use yata_indicator::Indicator;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(list) = Benign::parse(text) else {
        return;
    };
    for line in text.lines() {
        if line.contains('#') || line.contains('*') {
            continue;
        }
        if let Ok(i) = Indicator::parse(line) {
            assert!(
                list.contains(i.kind(), i.value()),
                "{line:?} not on the list"
            );
        }
    }
    for kind in yata_indicator::Kind::ALL {
        let _ = list.contains(kind, text);
    }
});

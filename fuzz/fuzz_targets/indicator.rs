//! Indicator refanging, type inference and normalisation never panic,
//! whatever the text, and a normalised value normalises to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_indicator::{Indicator, Kind};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(i) = Indicator::parse(text) {
        assert_eq!(Indicator::parse_as(i.kind(), i.value()).as_ref(), Ok(&i));
    }
    for kind in Kind::ALL {
        let _ = Indicator::parse_as(kind, text);
    }
});

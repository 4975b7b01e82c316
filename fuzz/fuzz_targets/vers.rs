//! `vers:` parsing, validation, normalisation and containment never panic; a
//! parsed range prints to a form that parses back to the same range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_version::vers::VersionRange;

fuzz_target!(|text: &str| {
    let (range, version) = text.split_once('\n').unwrap_or((text, "1.0"));
    let _ = VersionRange::validate(range);
    if let Ok(r) = VersionRange::parse(range) {
        let printed = r.to_string();
        let again = VersionRange::parse(&printed).expect("printed range parses");
        assert_eq!(again, r);
        let _ = r.contains(version);
        if let Ok(n) = r.normalize() {
            let _ = n.contains(version);
        }
    }
});

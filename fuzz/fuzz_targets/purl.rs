//! PURL parsing never panics; a parsed PURL prints to a canonical form that
//! parses back to the same PURL and prints identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_purl::Purl;

fuzz_target!(|text: &str| {
    for parsed in [text.parse::<Purl>(), Purl::parse_lenient(text)] {
        if let Ok(p) = parsed {
            let canonical = p.to_string();
            let again: Purl = canonical.parse().expect("canonical form parses");
            assert_eq!(again, p);
            assert_eq!(again.to_string(), canonical);
        }
    }
});

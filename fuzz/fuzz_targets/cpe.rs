//! CPE parsing (both bindings) never panics; parsed names round-trip through
//! both bindings, and comparing never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_cpe::Cpe;

fuzz_target!(|text: &str| {
    let (a, b) = text.split_once('\n').unwrap_or((text, "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*"));
    if let Ok(c) = Cpe::parse(a) {
        assert_eq!(Cpe::parse(c.as_fs()).expect("FS binding parses"), c);
        assert_eq!(Cpe::parse(&c.to_uri()).expect("URI binding parses"), c.to_lowercase());
        let _ = c.compare(&c);
        if let Ok(d) = Cpe::parse(b) {
            let _ = (c.compare(&d), d.compare(&c));
        }
    }
});

//! CVSS parsing never panics; a parsed vector scores within 0–10 and
//! round-trips through its Display form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_cvss::{Cvss, v2, v3, v4};

fuzz_target!(|text: &str| {
    let _ = text.parse::<v2::Vector>();
    let _ = text.parse::<v3::Vector>();
    let _ = text.parse::<v4::Vector>();
    if let Ok(c) = text.parse::<Cvss>() {
        assert_eq!(c.to_string().parse::<Cvss>().as_ref(), Ok(&c));
        let s = c.scores();
        for x in [Some(s.base), s.temporal, s.environmental].into_iter().flatten() {
            assert!((0.0..=10.0).contains(&x), "{c}: score {x}");
        }
        let _ = (c.severity(), c.metric("AV"), c.metric(text));
        match &c {
            Cvss::V2(v) => {
                let _ = (v.temporal_score(), v.environmental_score());
            }
            Cvss::V3(v) => {
                let _ = (v.temporal_score(), v.environmental_score());
            }
            Cvss::V4(v) => {
                let _ = v.nomenclature();
            }
        }
    }
});

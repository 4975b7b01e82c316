//! SPDX tag-value parsing never panics, whatever the bytes; what it reads is
//! consistent: every dependency edge and the subject name components.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_inventory::{Format, Limits, parse};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_components: 10_000,
        ..Limits::default()
    };
    let Ok(inv) = parse(Format::SpdxTagValue, data, &limits) else {
        return;
    };
    let known = |id: &String| inv.components.iter().any(|c| c.id.as_ref() == Some(id));
    for d in &inv.dependencies {
        assert!(known(&d.from));
        assert!(d.to.iter().all(known));
    }
    if let Some(s) = &inv.subject {
        assert!(inv.components.contains(s));
    }
});

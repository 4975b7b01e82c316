//! Python lockfile parsing (poetry.lock, uv.lock, Pipfile.lock,
//! requirements.txt) never panics, whatever the bytes; a parsed inventory
//! holds each component once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_inventory::{Format, Limits, parse};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let format = match selector % 4 {
        0 => Format::PoetryLock,
        1 => Format::UvLock,
        2 => Format::PipfileLock,
        _ => Format::Requirements,
    };
    if let Ok(inv) = parse(format, bytes, &Limits::default()) {
        let mut ids: Vec<_> = inv.components.iter().map(|c| c.id.clone()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "components are kept once");
    }
});

//! The composer.lock, gradle.lockfile, packages.lock.json and pubspec.lock
//! readers never panic and keep their limits, whatever the bytes; the first
//! byte picks the format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_inventory::{Format, Limits, parse};

const FORMATS: [Format; 4] = [
    Format::ComposerLock,
    Format::GradleLockfile,
    Format::NugetLock,
    Format::PubspecLock,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let format = FORMATS[usize::from(selector) % FORMATS.len()];
    let limits = Limits {
        max_depth: 32,
        max_components: 1000,
        ..Limits::default()
    };
    if let Ok(inv) = parse(format, rest, &limits) {
        assert!(inv.components.len() <= 1000);
    }
});

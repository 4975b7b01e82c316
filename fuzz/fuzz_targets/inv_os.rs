//! OS package databases and os-release never panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yata_inventory::{Format, Limits, os};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let distro = os::OsRelease::parse(&String::from_utf8_lossy(data));
    for format in [Format::DpkgStatus, Format::ApkInstalled, Format::RpmList] {
        let _ = os::parse(format, data, &limits);
        let _ = os::parse_with_distro(format, data, &limits, Some(&distro));
    }
});

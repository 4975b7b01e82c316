//! CVE-5 version entries as feeds write them (free text included) never make
//! the product matcher panic: the first line is the installed version, each
//! further line `status|version|lessThan|lessThanOrEqual|versionType|change`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_match::cve::status;
use yata_model::{AffectedProduct, ProductVersion, Status, StatusChange};

fn opt(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

fuzz_target!(|text: &str| {
    let mut lines = text.lines();
    let Some(installed) = lines.next() else {
        return;
    };
    let mut product = AffectedProduct::named("vendor", "product");
    for line in lines.take(32) {
        let mut f = line.split('|');
        let st = match f.next() {
            Some("a") => Status::Affected,
            Some("u") => Status::Unaffected,
            _ => Status::Unknown,
        };
        let version = f.next().unwrap_or_default().to_owned();
        let (lt, le, ty, change) = (opt(f.next()), opt(f.next()), opt(f.next()), opt(f.next()));
        product.versions.push(ProductVersion {
            version,
            status: st,
            version_type: ty,
            less_than: lt,
            less_than_or_equal: le,
            changes: change
                .map(|at| {
                    vec![StatusChange {
                        at,
                        status: Status::Unaffected,
                    }]
                })
                .unwrap_or_default(),
        });
    }
    let _ = status(&product, installed);
});

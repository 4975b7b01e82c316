//! STIX bundles: parsing never panics; what parses extracts, exports with
//! every object kept, and the export parses again. Pattern parsing never
//! panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_model::Tlp;
use yata_stix::{Bundle, Limits, Pattern, ReportExport, export, extract};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Pattern::parse(text);
    }
    let limits = Limits::default();
    let Ok(bundle) = Bundle::parse(data, &limits) else {
        return;
    };
    let e = extract(&bundle);
    let indicators: Vec<_> = e.indicators.iter().map(|i| i.indicator.clone()).collect();
    let created = e.first_seen.unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    for imported in [Some(&bundle), None] {
        let report = ReportExport {
            report_id: bundle.id(),
            title: &e.title,
            description: e.description.as_deref(),
            status: "suspected",
            created,
            modified: e.last_seen.unwrap_or(created),
            tlp: e.tlp.unwrap_or(Tlp::Red),
            author: Some("fuzz"),
            indicators: &indicators,
            vulnerabilities: &e.vulnerabilities,
            imported,
        };
        let out = export(&report);
        let bytes = serde_json::to_vec(&out.to_json()).unwrap();
        let back = Bundle::parse(&bytes, &Limits { max_bytes: usize::MAX, max_objects: usize::MAX, ..limits })
            .unwrap_or_else(|err| panic!("export does not parse: {err}"));
        if imported.is_some() {
            assert_eq!(back.objects()[..bundle.objects().len()], bundle.objects()[..]);
        }
        let again = extract(&back);
        for i in &indicators {
            assert!(again.indicators.iter().any(|x| &x.indicator == i), "{i:?} lost");
        }
    }
});

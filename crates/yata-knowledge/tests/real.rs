//! Alias merging on the real shared corpus, end to end: every source
//! imported, then merged; KEV entries and PyPA / Go / RustSec advisories meet
//! the CVE-5 records of the same CVE.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use yata_feeds::import::{ImportConfig, import};
use yata_knowledge::AdvisoryDb;
use yata_model::{Record, SourceKind, VulnId};

const SOURCES: &[&str] = &[
    "osv/pypa",
    "osv/Go.zip",
    "rustsec/advisory-db",
    "cve5/vulnrichment-2024-10-24.zip",
    "kev/known_exploited_vulnerabilities.json",
    "csaf/examples",
];

/// Every record of the corpus, imported once for all tests.
fn corpus() -> Option<&'static Vec<Record>> {
    static RECORDS: OnceLock<Option<Vec<Record>>> = OnceLock::new();
    RECORDS
        .get_or_init(|| {
            let mut records = Vec::new();
            for s in SOURCES {
                let path = yata_testdata::path(s)?;
                let imported = import(&path, &ImportConfig::default(), &|_| {}).unwrap();
                assert!(
                    imported.problems.is_empty(),
                    "{s}: {:?}",
                    &imported.problems[..1]
                );
                records.extend(imported.records);
            }
            Some(records)
        })
        .as_ref()
}

fn id(s: &str) -> VulnId {
    s.parse().unwrap()
}

/// The CVE ids of the CVE-5 zip, listed from the archive itself.
fn cve5_ids() -> BTreeSet<String> {
    let path = yata_testdata::path("cve5/vulnrichment-2024-10-24.zip").unwrap();
    let zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    zip.file_names()
        .filter_map(Result::ok)
        .filter(|n| n.ends_with(".json"))
        .filter_map(|n| n.rsplit('/').next().map(str::to_owned))
        .filter(|n| n.starts_with("CVE-"))
        .map(|n| n.trim_end_matches(".json").to_owned())
        .collect()
}

fn sources(db: &AdvisoryDb, s: &str) -> BTreeSet<SourceKind> {
    db.get(&id(s))
        .unwrap_or_else(|| panic!("{s} not found"))
        .records()
        .map(|r| r.source)
        .collect()
}

#[test]
fn known_ids_merge_across_sources() {
    let Some(records) = corpus() else {
        return;
    };
    let db = AdvisoryDb::new(records.clone());
    use SourceKind::{Cve5, Kev, Osv, Rustsec};
    for (advisory, cve, expected) in [
        ("PYSEC-2024-97", "CVE-2024-36264", [Osv, Cve5].as_slice()),
        ("GO-2026-4430", "CVE-2023-43630", &[Osv, Cve5]),
        ("RUSTSEC-2024-0439", "CVE-2024-47813", &[Rustsec, Cve5]),
        ("CVE-2024-0769", "CVE-2024-0769", &[Cve5, Kev]),
    ] {
        let v = db.get(&id(advisory)).unwrap();
        assert_eq!(v.id().as_str(), cve, "{advisory}");
        let got = sources(&db, cve);
        for s in expected {
            assert!(got.contains(s), "{advisory}: {got:?}");
        }
        assert_eq!(db.get(&id(cve)).unwrap().id(), v.id());
    }
    // Two PyPA advisories aliasing one CVE are one vulnerability.
    let a = db.get(&id("PYSEC-2024-95")).unwrap();
    let b = db.get(&id("PYSEC-2024-96")).unwrap();
    assert_eq!(a.id(), b.id());
    assert_eq!(a.id().as_str(), "CVE-2024-8946");
    // The KEV catalog's entry wins over CISA ADP's marker.
    let kev = db.get(&id("CVE-2024-0769")).unwrap().kev().unwrap();
    assert_eq!(kev.source, Kev);
    assert!(!kev.value.required_action.is_empty());
}

#[test]
fn every_kev_entry_meets_its_cve5_record() {
    let Some(records) = corpus() else {
        return;
    };
    let db = AdvisoryDb::new(records.clone());
    let cves = cve5_ids();
    let (mut met, mut expected) = (0, 0);
    for r in records.iter().filter(|r| r.source == SourceKind::Kev) {
        let in_zip = cves.contains(r.id.as_str());
        expected += usize::from(in_zip);
        let has_cve5 = sources(&db, r.id.as_str()).contains(&SourceKind::Cve5);
        assert_eq!(has_cve5, in_zip, "{}", r.id);
        met += usize::from(has_cve5);
    }
    eprintln!("{met} KEV entries merged with their CVE-5 record");
    assert_eq!(met, expected);
    assert!(met > 200);
}

#[test]
fn per_source_counts_and_determinism() {
    let Some(records) = corpus() else {
        return;
    };
    let db = AdvisoryDb::new(records.clone());
    let stats = db.stats();
    let by_source: Vec<(&str, usize)> = stats.by_source.iter().map(|(k, v)| (*k, *v)).collect();
    // One record per advisory file / catalog entry / CSAF vulnerability
    // (the importers' own tests count those independently).
    assert_eq!(
        by_source,
        [
            ("csaf", 59),
            ("cve5", 44_130),
            ("kev", 1_404),
            ("osv", 2_661 + 4_291),
            ("rustsec", 1_205)
        ]
    );
    assert!(stats.by_ecosystem.get("PyPI").copied().unwrap_or(0) > 2_000);
    // The same records in reverse order merge identically.
    let mut reversed = records.clone();
    reversed.reverse();
    let again = AdvisoryDb::new(reversed);
    let ids = |db: &AdvisoryDb| -> Vec<(String, Vec<String>)> {
        db.vulnerabilities()
            .map(|v| {
                (
                    v.id().to_string(),
                    v.aliases().iter().map(|a| a.to_string()).collect(),
                )
            })
            .collect()
    };
    assert_eq!(ids(&db), ids(&again));
    assert_eq!(db.stats(), again.stats());
    eprintln!(
        "{} vulnerabilities from {} records",
        db.len(),
        db.records().len()
    );
}

//! Alias merging, updates, stats and snapshots on small hand-made records.

use yata_knowledge::AdvisoryDb;
use yata_knowledge::snapshot::{self, SnapshotError};
use yata_model::{AffectedPackage, Epss, Record, SourceKind, VulnId};

fn id(s: &str) -> VulnId {
    s.parse().unwrap()
}

fn record(source: SourceKind, rid: &str, aliases: &[&str]) -> Record {
    let mut r = Record::new(source, id(rid));
    r.aliases = aliases.iter().map(|a| id(a)).collect();
    r
}

fn package(ecosystem: &str, name: &str) -> AffectedPackage {
    AffectedPackage {
        ecosystem: ecosystem.into(),
        name: name.into(),
        purl: None,
        ranges: Vec::new(),
        versions: Vec::new(),
        severities: Vec::new(),
        ecosystem_specific: None,
    }
}

#[test]
fn aliases_merge_transitively_with_the_cve_as_id() {
    let mut pysec = record(SourceKind::Osv, "PYSEC-2021-1", &["GHSA-aaaa-bbbb-cccc"]);
    pysec.summary = Some("short".into());
    let ghsa = record(SourceKind::Osv, "GHSA-aaaa-bbbb-cccc", &["CVE-2021-1234"]);
    let mut cve = record(SourceKind::Cve5, "CVE-2021-1234", &[]);
    cve.details = Some("long".into());
    let kev = record(SourceKind::Kev, "CVE-2021-1234", &[]);
    let other = record(SourceKind::Cve5, "CVE-2020-9999", &[]);
    // Arrival order must not matter.
    for records in [
        vec![
            pysec.clone(),
            ghsa.clone(),
            cve.clone(),
            kev.clone(),
            other.clone(),
        ],
        vec![
            other.clone(),
            kev.clone(),
            cve.clone(),
            ghsa.clone(),
            pysec.clone(),
        ],
    ] {
        let db = AdvisoryDb::new(records);
        assert_eq!(db.len(), 2);
        let v = db.get(&id("pysec-2021-1")).unwrap();
        assert_eq!(v.id().as_str(), "CVE-2021-1234");
        let aliases: Vec<&str> = v.aliases().iter().map(VulnId::as_str).collect();
        assert_eq!(aliases, ["GHSA-aaaa-bbbb-cccc", "PYSEC-2021-1"]);
        assert_eq!(v.records().count(), 4);
        let summary = v.summary().unwrap();
        assert_eq!((summary.value, summary.source), ("short", SourceKind::Osv));
        assert_eq!(v.details().unwrap().source, SourceKind::Cve5);
        assert_eq!(
            db.get(&id("GHSA-AAAA-BBBB-CCCC")).unwrap().id().as_str(),
            "CVE-2021-1234"
        );
    }
}

#[test]
fn lowest_cve_wins_when_several_meet() {
    let ghsa = record(
        SourceKind::Osv,
        "GHSA-aaaa-bbbb-cccc",
        &["CVE-2021-10000", "CVE-2021-9999"],
    );
    let db = AdvisoryDb::new(vec![ghsa]);
    let v = db.vulnerabilities().next().unwrap();
    // 9999 < 10000 numerically, though not as text.
    assert_eq!(v.id().as_str(), "CVE-2021-9999");
}

#[test]
fn updates_replace_only_what_changed() {
    let mut a = record(SourceKind::Osv, "GO-2022-0001", &[]);
    a.modified = Some("2022-01-01T00:00:00Z".parse().unwrap());
    let b = record(SourceKind::Osv, "GO-2022-0002", &[]);
    let mut db = AdvisoryDb::new(vec![a.clone(), b.clone()]);
    let mut newer = a.clone();
    newer.modified = Some("2023-01-01T00:00:00Z".parse().unwrap());
    newer.summary = Some("now with summary".into());
    let mut older = a.clone();
    older.modified = Some("2021-01-01T00:00:00Z".parse().unwrap());
    let c = record(SourceKind::Osv, "GO-2022-0003", &[]);
    let s = db.update(vec![b.clone(), newer.clone(), c]);
    assert_eq!((s.added, s.updated, s.unchanged, s.stale), (1, 1, 1, 0));
    let s = db.update(vec![older]);
    assert_eq!(s.stale, 1);
    assert_eq!(
        db.get(&id("GO-2022-0001"))
            .unwrap()
            .summary()
            .unwrap()
            .value,
        "now with summary"
    );
}

#[test]
fn withdrawn_only_when_every_describing_record_is() {
    let mut osv = record(SourceKind::Osv, "GHSA-aaaa-bbbb-cccc", &["CVE-2021-1"]);
    osv.withdrawn = Some("2022-01-01T00:00:00Z".parse().unwrap());
    let epss = record(SourceKind::Epss, "CVE-2021-1", &[]);
    let db = AdvisoryDb::new(vec![osv.clone(), epss]);
    assert!(db.get(&id("CVE-2021-1")).unwrap().withdrawn().is_some());
    let cve = record(SourceKind::Cve5, "CVE-2021-1", &[]);
    let db = AdvisoryDb::new(vec![osv, cve]);
    assert!(db.get(&id("CVE-2021-1")).unwrap().withdrawn().is_none());
}

#[test]
fn stats_count_merged_vulnerabilities() {
    let mut a = record(SourceKind::Osv, "PYSEC-1", &["CVE-2021-1"]);
    a.packages = vec![package("PyPI", "x"), package("PyPI", "y")];
    let mut b = record(SourceKind::Epss, "CVE-2021-1", &[]);
    b.epss = Some(Epss {
        score: 0.5,
        percentile: 0.9,
        model_version: "v2025.03.14".into(),
        date: "2025-01-01".parse().unwrap(),
    });
    let mut c = record(SourceKind::Osv, "GO-1", &[]);
    c.packages = vec![package("Go", "m")];
    let stats = AdvisoryDb::new(vec![a, b, c]).stats();
    let json = serde_json::to_value(&stats).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "vulnerabilities": 2,
            "by_source": {"osv": 2, "epss": 1},
            "by_ecosystem": {"PyPI": 1, "Go": 1},
            "kev": 0,
            "with_epss": 1,
            "withdrawn": 0,
        })
    );
}

#[test]
fn snapshots_round_trip_and_refuse_other_versions() {
    let mut a = record(SourceKind::Osv, "PYSEC-1", &["CVE-2021-1"]);
    a.packages = vec![package("PyPI", "x")];
    a.modified = Some("2022-01-01T00:00:00.5Z".parse().unwrap());
    let db = AdvisoryDb::new(vec![a, record(SourceKind::Kev, "CVE-2021-1", &[])]);
    let created = "2026-11-25T00:00:00Z".parse().unwrap();
    let bytes = snapshot::encode(&db, created).unwrap();
    let back = snapshot::decode(&bytes).unwrap();
    assert_eq!(back.created, created);
    assert_eq!(back.db.records(), db.records());

    let mut other = bytes.clone();
    other[8..12].copy_from_slice(&99u32.to_le_bytes());
    let err = snapshot::decode(&other).unwrap_err();
    assert!(matches!(err, SnapshotError::Version { found: 99 }), "{err}");
    assert!(err.to_string().contains("rebuild the snapshot"));
    assert!(matches!(
        snapshot::decode(b"hello"),
        Err(SnapshotError::NotASnapshot)
    ));
    assert!(matches!(
        snapshot::decode(&bytes[..bytes.len() - 3]),
        Err(SnapshotError::Malformed(_))
    ));
}

/// Keys by package name, as a test key scheme.
fn package_keys(r: &Record) -> Vec<String> {
    r.packages
        .iter()
        .map(|p| format!("{}/{}", p.ecosystem, p.name))
        .collect()
}

#[test]
fn a_keyed_snapshot_decodes_whole_vulnerabilities_for_the_keys_asked() {
    // x's advisory and y's share a CVE: one vulnerability, with its KEV
    // entry; z's is another.
    let mut a = record(SourceKind::Osv, "PYSEC-1", &["CVE-2021-1234"]);
    a.packages = vec![package("PyPI", "x")];
    let mut b = record(SourceKind::Osv, "GHSA-aaaa-bbbb-cccc", &["CVE-2021-1234"]);
    b.packages = vec![package("PyPI", "y")];
    let kev = record(SourceKind::Kev, "CVE-2021-1234", &[]);
    let mut c = record(SourceKind::Osv, "PYSEC-2", &[]);
    c.packages = vec![package("PyPI", "z")];
    let db = AdvisoryDb::new(vec![a, b, kev, c]);
    let scheme = snapshot::KeyScheme {
        version: 7,
        keys_of: &package_keys,
    };
    let bytes = snapshot::encode_keyed(&db, jiff::Timestamp::UNIX_EPOCH, &scheme).unwrap();
    let keys = |k: &[&str]| k.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    let x = snapshot::decode_selected(&bytes, 7, &keys(&["PyPI/x", "PyPI/nothing"]))
        .unwrap()
        .unwrap();
    assert_eq!(x.vulnerabilities, 2);
    let part = AdvisoryDb::new(x.records);
    assert_eq!(part.len(), 1);
    let v = part.get(&id("PYSEC-1")).unwrap();
    assert_eq!(v.id().as_str(), "CVE-2021-1234");
    assert_eq!(
        v.records().count(),
        3,
        "y's advisory and the KEV entry come along"
    );
    assert_eq!(
        v.aliases(),
        db.get(&id("PYSEC-1")).unwrap().aliases(),
        "the same aliases as the whole"
    );

    let none = snapshot::decode_selected(&bytes, 7, &keys(&["PyPI/w"]))
        .unwrap()
        .unwrap();
    assert!(none.records.is_empty());
    let both = snapshot::decode_selected(&bytes, 7, &keys(&["PyPI/z", "PyPI/y"]))
        .unwrap()
        .unwrap();
    assert_eq!(AdvisoryDb::new(both.records).records(), db.records());
    // Another scheme, or none: no selection.
    assert!(
        snapshot::decode_selected(&bytes, 8, &keys(&["PyPI/x"]))
            .unwrap()
            .is_none()
    );
    let plain = snapshot::encode(&db, jiff::Timestamp::UNIX_EPOCH).unwrap();
    assert!(
        snapshot::decode_selected(&plain, 7, &keys(&["PyPI/x"]))
            .unwrap()
            .is_none()
    );
    assert_eq!(snapshot::decode(&plain).unwrap().db.records(), db.records());
}

#[test]
fn version_1_snapshots_still_read() {
    // The layout of format version 1: created, then chunks of records.
    let mut a = record(SourceKind::Osv, "PYSEC-1", &["CVE-2021-1"]);
    a.packages = vec![package("PyPI", "x")];
    let db = AdvisoryDb::new(vec![a, record(SourceKind::Kev, "CVE-2021-1", &[])]);
    let chunk = postcard::to_stdvec(db.records()).unwrap();
    let created: jiff::Timestamp = "2025-01-02T03:04:05Z".parse().unwrap();
    let mut bytes = b"YATASNAP".to_vec();
    bytes.extend_from_slice(&1u32.to_le_bytes());
    let bytes = postcard::to_extend(&(created, vec![chunk.as_slice()]), bytes).unwrap();
    let back = snapshot::decode(&bytes).unwrap();
    assert_eq!(back.created, created);
    assert_eq!(back.db.records(), db.records());
    assert!(snapshot::decode_selected(&bytes, 1, &[]).unwrap().is_none());
}

#[test]
fn a_damaged_directory_is_an_error_not_a_panic() {
    let mut a = record(SourceKind::Osv, "PYSEC-1", &[]);
    a.packages = vec![package("PyPI", "x")];
    let db = AdvisoryDb::new(vec![a]);
    let scheme = snapshot::KeyScheme {
        version: 7,
        keys_of: &package_keys,
    };
    let bytes = snapshot::encode_keyed(&db, jiff::Timestamp::UNIX_EPOCH, &scheme).unwrap();
    // Every single-byte change after the header: decoding either works or
    // says the snapshot is corrupt.
    for at in 12..bytes.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[at] ^= flip;
            for result in [
                snapshot::decode(&damaged).map(|_| ()),
                snapshot::decode_selected(&damaged, 7, &["PyPI/x".to_owned()]).map(|_| ()),
            ] {
                if let Err(e) = result {
                    assert!(
                        matches!(e, SnapshotError::Corrupt(_) | SnapshotError::Malformed(_)),
                        "byte {at}: {e}"
                    );
                }
            }
        }
    }
}

#[test]
fn json_view_names_sources() {
    let mut a = record(SourceKind::Osv, "PYSEC-1", &["CVE-2021-1"]);
    a.packages = vec![package("PyPI", "x")];
    a.cwes.insert("CWE-79".into());
    a.modified = Some("2024-05-01T00:00:00Z".parse().unwrap());
    let mut b = record(SourceKind::Cve5, "CVE-2021-1", &[]);
    b.cwes.insert("CWE-79".into());
    let db = AdvisoryDb::new(vec![a, b]);
    let json = db.get(&id("PYSEC-1")).unwrap().to_json();
    assert_eq!(json["id"], "CVE-2021-1");
    assert_eq!(json["packages"][0]["source"], "osv");
    assert_eq!(json["packages"][0]["record"], "PYSEC-1");
    assert_eq!(json["packages"][0]["as_of"], "2024-05-01T00:00:00Z");
    assert_eq!(
        json["cwes"][0],
        serde_json::json!({"id": "CWE-79", "sources": ["cve5", "osv"]})
    );
    assert_eq!(json["records"].as_array().unwrap().len(), 2);
}

#[test]
fn two_documents_on_one_id_are_two_records() {
    let mut a = record(SourceKind::Csaf, "CVE-2021-1", &[]);
    a.document = Some("https://vendor-a.example VA-2021-1".into());
    let mut b = a.clone();
    b.document = Some("https://vendor-b.example VB-77".into());
    let db = AdvisoryDb::new(vec![a, b]);
    assert_eq!(db.records().len(), 2);
    assert_eq!(db.len(), 1);
    assert_eq!(db.get(&id("CVE-2021-1")).unwrap().records().count(), 2);
}

#[test]
fn changed_records_names_what_differs_and_what_went() {
    let a = record(SourceKind::Osv, "GHSA-aaaa-bbbb-cccc", &["CVE-2021-1"]);
    let b = record(SourceKind::Osv, "GHSA-bbbb-cccc-dddd", &[]);
    let c = record(SourceKind::Kev, "CVE-2021-3", &[]);
    let old = AdvisoryDb::new(vec![a.clone(), b.clone(), c.clone()]);
    let mut b2 = b.clone();
    b2.summary = Some("now with a summary".into());
    let d = record(SourceKind::Cve5, "CVE-2021-4", &[]);
    let new = AdvisoryDb::new(vec![a.clone(), b2.clone(), d.clone()]);
    let (changed, removed) = yata_knowledge::advisories::changed_records(&old, &new);
    let ids = |rs: &[&Record]| {
        rs.iter()
            .map(|r| r.id.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    let mut got = ids(&changed);
    got.sort();
    assert_eq!(got, ["CVE-2021-4", "GHSA-bbbb-cccc-dddd"]);
    assert_eq!(ids(&removed), ["CVE-2021-3"]);
    let (same, gone) = yata_knowledge::advisories::changed_records(&new, &new);
    assert!(same.is_empty() && gone.is_empty());
    let empty = AdvisoryDb::default();
    assert_eq!(
        yata_knowledge::advisories::changed_records(&empty, &new)
            .0
            .len(),
        3
    );
}

//! The index on hand-made records: distribution releases, name
//! normalisation, withdrawal, and record-by-record updates.

use yata_knowledge::AdvisoryDb;
use yata_match::{IndexKey, MatchIndex};
use yata_model::inventory::{Component, Inventory, SourceDocument};
use yata_model::{AffectedPackage, RangeEvent, Record, SourceKind, VersionRange};

fn record(id: &str, ecosystem: &str, name: &str, introduced: &str, fixed: &str) -> Record {
    let mut r = Record::new(SourceKind::Osv, id.parse().unwrap());
    r.packages.push(AffectedPackage {
        ecosystem: ecosystem.into(),
        name: name.into(),
        purl: None,
        ranges: vec![VersionRange {
            kind: "ECOSYSTEM".into(),
            repo: None,
            events: vec![
                RangeEvent::Introduced(introduced.into()),
                RangeEvent::Fixed(fixed.into()),
            ],
        }],
        versions: Vec::new(),
        severities: Vec::new(),
        ecosystem_specific: None,
    });
    r
}

fn component(purl: &str) -> Component {
    Component {
        purl: Some(purl.into()),
        ..Component::named("x")
    }
}

fn matched(index: &MatchIndex, db: &AdvisoryDb, purls: &[&str]) -> Vec<String> {
    let inventory = Inventory {
        components: purls.iter().map(|p| component(p)).collect(),
        ..Inventory::new(SourceDocument::new("test", String::new()))
    };
    index
        .match_inventory(db, &inventory)
        .findings
        .iter()
        .map(|f| format!("{} {:?}", f.vulnerability, f.subject))
        .collect()
}

#[test]
fn distribution_releases_must_agree() {
    let db = AdvisoryDb::new(vec![record(
        "DSA-5000-1",
        "Debian:12",
        "openssl",
        "0",
        "3.0.11-1~deb12u2",
    )]);
    let index = MatchIndex::build(&db);
    let found = matched(
        &index,
        &db,
        &[
            "pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=debian-12",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=debian-11",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=bookworm",
        ],
    );
    assert_eq!(
        found,
        ["DSA-5000-1 Component(0)", "DSA-5000-1 Component(3)"]
    );
}

#[test]
fn names_meet_after_normalisation() {
    let db = AdvisoryDb::new(vec![
        record("PYSEC-2000-1", "PyPI", "Django_REST.framework", "0", "3.0"),
        record("RUSTSEC-2000-0001", "crates.io", "tokio_util", "0", "0.7.0"),
    ]);
    let index = MatchIndex::build(&db);
    let found = matched(
        &index,
        &db,
        &[
            "pkg:pypi/django-rest-framework@2.9",
            "pkg:cargo/tokio-util@0.6.0",
            "pkg:cargo/tokio-util@0.7.0",
        ],
    );
    assert_eq!(
        found,
        [
            "PYSEC-2000-1 Component(0)",
            "RUSTSEC-2000-0001 Component(1)"
        ]
    );
}

#[test]
fn upserts_return_the_keys_to_re_evaluate_and_withdrawals_remove_entries() {
    let mut db = AdvisoryDb::new(vec![record(
        "GHSA-aaaa-bbbb-cccc",
        "npm",
        "lodash",
        "0",
        "4.17.21",
    )]);
    let mut index = MatchIndex::build(&db);
    let purls = ["pkg:npm/lodash@4.17.20", "pkg:npm/minimist@1.2.5"];
    assert_eq!(
        matched(&index, &db, &purls),
        ["GHSA-aaaa-bbbb-cccc Component(0)"]
    );

    // A new advisory names only minimist: that is the key to re-evaluate.
    let new = record("GHSA-dddd-eeee-ffff", "npm", "minimist", "0", "1.2.6");
    db.update(vec![new.clone()]);
    let keys = index.upsert(&new);
    assert_eq!(keys.len(), 1);
    assert!(matches!(&keys[0], IndexKey::Package(k) if k.name() == "minimist"));
    assert_eq!(
        matched(&index, &db, &purls),
        [
            "GHSA-aaaa-bbbb-cccc Component(0)",
            "GHSA-dddd-eeee-ffff Component(1)"
        ]
    );
    assert_eq!(index.stats().advisories, 2);

    // The lodash advisory is withdrawn: its entries go.
    let mut withdrawn = record("GHSA-aaaa-bbbb-cccc", "npm", "lodash", "0", "4.17.21");
    withdrawn.withdrawn = Some("2026-01-01T00:00:00Z".parse().unwrap());
    db.update(vec![withdrawn.clone()]);
    let keys = index.upsert(&withdrawn);
    assert!(matches!(&keys[..], [IndexKey::Package(k)] if k.name() == "lodash"));
    assert_eq!(
        matched(&index, &db, &purls),
        ["GHSA-dddd-eeee-ffff Component(1)"]
    );
    assert_eq!(index.stats().advisories, 1);
    assert_eq!(index.stats().package_keys, 1);
}

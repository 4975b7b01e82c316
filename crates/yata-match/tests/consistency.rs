//! Self-consistency over whole advisory corpora (issue 5): for every
//! advisory in the PyPA and Go databases, each version it names as affected
//! (its `versions` list, its `introduced` and `last_affected` events) is
//! matched, and each `fixed` version is not, each checked as an inventory of
//! one component through the public API.
//!
//! Every disagreement must be an upstream data error listed (and explained)
//! here; anything else fails the test.

use std::collections::BTreeSet;

use yata_feeds::import::{ImportConfig, import};
use yata_knowledge::AdvisoryDb;
use yata_match::MatchIndex;
use yata_model::inventory::{Component, Inventory, SourceDocument};
use yata_model::{RangeEvent, Record};

struct Tally {
    affected_checked: usize,
    fixed_checked: usize,
    disagreements: BTreeSet<String>,
}

fn run(source: &str, component: impl Fn(&str, &str) -> Component) -> Option<Tally> {
    let path = yata_testdata::path(source)?;
    let imported = import(&path, &ImportConfig::default(), &|_| {}).unwrap();
    assert!(imported.problems.is_empty());
    let records: Vec<Record> = imported.records;
    let db = AdvisoryDb::new(records.clone());
    let index = MatchIndex::build(&db);
    let mut tally = Tally {
        affected_checked: 0,
        fixed_checked: 0,
        disagreements: BTreeSet::new(),
    };
    for record in records.iter().filter(|r| r.withdrawn.is_none()) {
        for (i, p) in record.packages.iter().enumerate() {
            let mut affected: BTreeSet<&str> = p.versions.iter().map(String::as_str).collect();
            let mut fixed = BTreeSet::new();
            for r in p.ranges.iter().filter(|r| r.kind != "GIT") {
                for e in &r.events {
                    match e {
                        RangeEvent::Introduced(v) if v != "0" => {
                            affected.insert(v);
                        }
                        RangeEvent::LastAffected(v) => {
                            affected.insert(v);
                        }
                        RangeEvent::Fixed(v) => {
                            fixed.insert(v.as_str());
                        }
                        _ => {}
                    }
                }
            }
            for (version, expect) in affected
                .iter()
                .map(|v| (*v, true))
                .chain(fixed.iter().map(|v| (*v, false)))
            {
                let inventory = Inventory {
                    components: vec![component(&p.name, version)],
                    ..Inventory::new(SourceDocument::new("test", String::new()))
                };
                let m = index.match_inventory(&db, &inventory);
                let matched = m
                    .findings
                    .iter()
                    .flat_map(|f| &f.evidence)
                    .any(|e| e.advisory == record.id && e.entry == format!("packages[{i}]"));
                if expect {
                    tally.affected_checked += 1;
                } else {
                    tally.fixed_checked += 1;
                }
                if matched != expect {
                    let what = if expect {
                        "affected not matched"
                    } else {
                        "fixed matched"
                    };
                    tally
                        .disagreements
                        .insert(format!("{} {} {version}: {what}", record.id, p.name));
                }
            }
        }
    }
    eprintln!(
        "{source}: {} affected versions checked, {} fixed versions checked, {} disagreements",
        tally.affected_checked,
        tally.fixed_checked,
        tally.disagreements.len()
    );
    for d in &tally.disagreements {
        eprintln!("  {d}");
    }
    Some(tally)
}

fn purl_component(purl: String) -> Component {
    Component {
        purl: Some(purl),
        ..Component::named("x")
    }
}

#[test]
fn pypa_affected_versions_match_and_fixed_versions_do_not() {
    let Some(tally) = run("osv/pypa", |name, version| {
        purl_component(format!("pkg:pypi/{name}@{}", version.replace('+', "%2B")))
    }) else {
        return;
    };
    assert!(
        tally.affected_checked > 50_000,
        "{}",
        tally.affected_checked
    );
    assert!(tally.fixed_checked > 2_500, "{}", tally.fixed_checked);
    let expected: BTreeSet<String> = PYPA_DATA_ERRORS.iter().map(|s| s.to_string()).collect();
    assert_eq!(tally.disagreements, expected);
}

#[test]
fn go_affected_versions_match_and_fixed_versions_do_not() {
    let Some(tally) = run("osv/Go.zip", |name, version| {
        if name.contains('/') {
            let (ns, n) = name.rsplit_once('/').unwrap();
            purl_component(format!("pkg:golang/{ns}/{n}@v{version}"))
        } else {
            // `stdlib`, `toolchain`: no PURL, the ecosystem and name say it.
            Component {
                ecosystem: Some("Go".into()),
                version: Some(format!("v{version}")),
                ..Component::named(name)
            }
        }
    }) else {
        return;
    };
    assert!(tally.affected_checked > 2_000, "{}", tally.affected_checked);
    assert!(tally.fixed_checked > 4_000, "{}", tally.fixed_checked);
    let expected: BTreeSet<String> = GO_DATA_ERRORS.iter().map(|s| s.to_string()).collect();
    assert_eq!(tally.disagreements, expected);
}

/// Upstream data errors in the PyPA advisory database, each checked by hand.
/// In every case the record contradicts itself and the OSV algorithm (which
/// the matcher follows exactly) settles it one way:
const PYPA_DATA_ERRORS: &[&str] = &[
    // One range holds `introduced 2.11, fixed 2.11.7` and `introduced 0,
    // fixed 2.11.6`, and `versions` lists 2.11.6: the listed version wins.
    "PYSEC-2021-114 wagtail 2.11.6: fixed matched",
    // `introduced 0, fixed 3.1.1` and `introduced 3.1.1, fixed 3.1.3` in one
    // range: at 3.1.1 the later-written introduction reopens it.
    "PYSEC-2022-236 pyspark 3.1.1: fixed matched",
    // `introduced 0.13.0` and `fixed 0.13.0` in one range (two intervals
    // written into one): at the tie the written order closes it.
    "PYSEC-2022-42972 apache-iotdb 0.13.0: affected not matched",
    // The ECOSYSTEM range says fixed in 23.9.0, `versions` lists 23.9.0.
    "PYSEC-2023-177 gevent 23.9.0: fixed matched",
    // `introduced 0, fixed 3.1.1, introduced 3.2.0, fixed 3.2.2, introduced
    // 3.1.1, fixed 3.2.0` in one range: 3.1.1 is both fixed and introduced,
    // 3.2.0 both introduced and fixed; written order settles each tie.
    "PYSEC-2023-72 pyspark 3.1.1: fixed matched",
    "PYSEC-2023-72 pyspark 3.2.0: affected not matched",
];

/// Upstream data errors in the Go vulnerability database.
const GO_DATA_ERRORS: &[&str] = &[];

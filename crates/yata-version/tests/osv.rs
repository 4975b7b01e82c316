//! OSV range evaluation: the schema's own examples, edge cases of the
//! algorithm, and consistency with real advisories (osv.dev expands ranges into
//! `versions` lists with the ecosystems' real orderings; our evaluation of the
//! ranges alone must agree with those lists).

use std::io::Read;

use serde::Deserialize;
use yata_version::Scheme;
use yata_version::osv::{CompiledAffected, Decision, Event, EventKind, Range, RangeKind};

fn range(kind: RangeKind, events: &[(EventKind, &str)]) -> Range {
    Range {
        kind,
        repo: None,
        events: events.iter().map(|(k, v)| Event::new(*k, *v)).collect(),
    }
}

/// `expect` lists `version:affected?` pairs for one compiled entry.
fn check(scheme: Option<Scheme>, ranges: &[Range], versions: &[&str], expect: &[(&str, bool)]) {
    let versions: Vec<String> = versions.iter().map(|s| s.to_string()).collect();
    let compiled = CompiledAffected::new(scheme, ranges, &versions).unwrap();
    for (v, affected) in expect {
        let got = compiled.evaluate(v).unwrap();
        assert_eq!(got.is_some(), *affected, "{v}: {got:?}");
    }
}

use EventKind::{Fixed, Introduced, LastAffected, Limit};
use RangeKind::{Ecosystem, Git, SemVer};

#[test]
fn schema_examples() {
    // "every possible version is affected"
    check(
        None,
        &[range(SemVer, &[(Introduced, "0")])],
        &[],
        &[("0.0.1", true), ("1000.0.0", true)],
    );
    // "everything before 1.0.2"
    check(
        None,
        &[range(SemVer, &[(Introduced, "0"), (Fixed, "1.0.2")])],
        &[],
        &[("1.0.1", true), ("1.0.2", false), ("1.0.2-rc.1", true)],
    );
    // multiple ranges in one events list, written out of order
    check(
        None,
        &[range(
            SemVer,
            &[
                (Introduced, "3.0.0"),
                (Fixed, "3.2.5"),
                (Introduced, "1.0.0"),
                (Fixed, "1.0.2"),
            ],
        )],
        &[],
        &[
            ("0.9.0", false),
            ("1.0.0", true),
            ("1.0.1", true),
            ("1.0.2", false),
            ("2.9.9", false),
            ("3.0.0", true),
            ("3.2.4", true),
            ("3.2.5", false),
        ],
    );
}

#[test]
fn last_affected_is_inclusive() {
    check(
        None,
        &[range(
            SemVer,
            &[(Introduced, "1.0.0"), (LastAffected, "1.4.0")],
        )],
        &[],
        &[("1.4.0", true), ("1.4.1", false), ("0.9.9", false)],
    );
}

#[test]
fn limits_cap_the_range() {
    let r = range(SemVer, &[(Introduced, "1.0.0"), (Limit, "2.0.0")]);
    check(
        None,
        &[r],
        &[],
        &[("1.9.9", true), ("2.0.0", false), ("3.0.0", false)],
    );
    let star = range(SemVer, &[(Introduced, "1.0.0"), (Limit, "*")]);
    check(None, &[star], &[], &[("99.0.0", true), ("0.1.0", false)]);
}

#[test]
fn explicit_versions_and_explanations() {
    let versions = vec!["1.0".to_string(), "not-a-version".to_string()];
    let r = range(Ecosystem, &[(Introduced, "2.0"), (Fixed, "2.5")]);
    let c = CompiledAffected::new(Some(Scheme::Hackage), &[r], &versions).unwrap();
    assert_eq!(
        c.evaluate("1.0.0").unwrap(),
        None,
        "Hackage 1.0.0 is not 1.0 (PVP compares component lists)"
    );
    assert!(matches!(
        c.evaluate("1.0").unwrap(),
        Some(Decision::Listed { .. })
    ));
    assert!(matches!(
        c.evaluate("not-a-version").unwrap(),
        Some(Decision::Listed { .. })
    ));
    assert_eq!(
        c.evaluate("2.1").unwrap(),
        Some(Decision::InRange {
            range: 0,
            kind: Ecosystem,
            introduced: "2.0".into(),
            until: Some(Event::new(Fixed, "2.5")),
        })
    );
    assert_eq!(c.fixed_versions().collect::<Vec<_>>(), ["2.5"]);
    // An installed version the ecosystem rejects is an error, not "unaffected".
    assert!(c.evaluate("x.y").is_err());
}

#[test]
fn git_ranges_match_commits_only() {
    let intro = "a".repeat(40);
    let fix = "b".repeat(40);
    let r = Range {
        kind: Git,
        repo: Some("https://example.org/r.git".into()),
        events: vec![Event::new(Introduced, &intro), Event::new(Fixed, &fix)],
    };
    let c = CompiledAffected::new(None, &[r], &[]).unwrap();
    assert_eq!(c.evaluate("1.0.0").unwrap(), None);
    assert!(c.evaluate_commit(&intro).is_some());
    assert!(c.evaluate_commit(&fix).is_none());
}

#[test]
fn malformed_entries_are_located_errors() {
    let bad = range(SemVer, &[(Introduced, "0"), (Fixed, "not a version")]);
    let err = CompiledAffected::new(None, &[bad], &[]).unwrap_err();
    assert!(
        err.to_string().starts_with("ranges[0].events[1].fixed: "),
        "{err}"
    );
    let no_intro = range(SemVer, &[(Fixed, "1.0.0")]);
    assert_eq!(
        CompiledAffected::new(None, &[no_intro], &[])
            .unwrap_err()
            .to_string(),
        "ranges[0]: no introduced event"
    );
    let eco = range(Ecosystem, &[(Introduced, "0")]);
    assert!(CompiledAffected::new(None, &[eco], &[]).is_err());
}

#[derive(Deserialize)]
struct Advisory {
    id: String,
    #[serde(default)]
    affected: Vec<Affected>,
}

#[derive(Deserialize)]
struct Affected {
    package: Package,
    #[serde(default)]
    ranges: Vec<RawRange>,
    #[serde(default)]
    versions: Vec<String>,
}

#[derive(Deserialize)]
struct Package {
    ecosystem: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<std::collections::BTreeMap<String, String>>,
}

fn convert(raw: &[RawRange]) -> Vec<Range> {
    raw.iter()
        .map(|r| Range {
            kind: RangeKind::from_osv(&r.kind).expect("known range type"),
            repo: None,
            events: r
                .events
                .iter()
                .flat_map(|e| {
                    e.iter().map(|(k, v)| {
                        let kind = match k.as_str() {
                            "introduced" => Introduced,
                            "fixed" => Fixed,
                            "last_affected" => LastAffected,
                            "limit" => Limit,
                            other => panic!("unknown event {other}"),
                        };
                        Event::new(kind, v.clone())
                    })
                })
                .collect(),
        })
        .collect()
}

/// Versions that osv.dev lists as affected although the schema's algorithm
/// puts them outside the entry's `ECOSYSTEM` ranges, each for a reason that
/// is not ours to change:
const PYPA_LISTED_OUTSIDE_RANGES: &[(&str, &str)] = &[
    // osv.dev also enumerates the versions of the GIT range (tags not yet
    // containing the fix commit), which the ECOSYSTEM range excludes.
    ("PYSEC-2023-177", "23.9.0"),
    ("PYSEC-2023-177", "23.9.0.post1"),
    // The events hold overlapping ranges ([0, 2.11.6) and [2.11, 2.11.7));
    // walked in sorted order as the schema says, `fixed: 2.11.6` closes both.
    ("PYSEC-2021-114", "2.11.6"),
    // `introduced: 3.2` / `4.2`: PEP 440 puts 3.2a1 before 3.2, so the
    // pre-releases of the introducing release are outside the range;
    // osv.dev lists them anyway.
    ("PYSEC-2023-61", "3.2a1"),
    ("PYSEC-2023-61", "3.2b1"),
    ("PYSEC-2023-61", "3.2rc1"),
    ("PYSEC-2023-61", "4.2a1"),
    ("PYSEC-2023-61", "4.2b1"),
    ("PYSEC-2023-61", "4.2rc1"),
];

/// Every PyPI advisory of the PyPA database: each version that osv.dev listed
/// as affected must be inside the entry's ranges by our evaluation alone,
/// except the documented cases above (and no others).
#[test]
fn pypa_versions_lists_agree_with_ranges() {
    let Some(dir) = yata_testdata::path("osv/pypa") else {
        return;
    };
    let (mut files, mut checked, mut disagreements) = (0, 0, Vec::new());
    for package in std::fs::read_dir(&dir).unwrap() {
        let package = package.unwrap().path();
        if !package.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&package).unwrap() {
            let file = file.unwrap().path();
            let text = std::fs::read_to_string(&file).unwrap();
            let adv: Advisory =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            files += 1;
            for a in &adv.affected {
                assert_eq!(a.package.ecosystem, "PyPI", "{}", adv.id);
                let ranges = convert(&a.ranges);
                if !ranges.iter().any(|r| r.kind == Ecosystem) {
                    continue; // only a versions list: nothing to compare with
                }
                let by_ranges = CompiledAffected::new(Some(Scheme::PyPI), &ranges, &[])
                    .unwrap_or_else(|e| panic!("{}: {e}", adv.id));
                for v in &a.versions {
                    let Ok(_) = Scheme::PyPI.parse(v) else {
                        continue;
                    };
                    checked += 1;
                    if by_ranges.evaluate(v).unwrap().is_none() {
                        disagreements.push((adv.id.clone(), v.clone()));
                    }
                }
            }
        }
    }
    eprintln!(
        "pypa: {files} advisories, {checked} listed versions checked, {} outside the ranges",
        disagreements.len()
    );
    assert!(files > 2000 && checked > 100_000, "too little data read");
    disagreements.sort();
    let mut expected: Vec<(String, String)> = PYPA_LISTED_OUTSIDE_RANGES
        .iter()
        .map(|(id, v)| (id.to_string(), v.to_string()))
        .collect();
    expected.sort();
    assert_eq!(disagreements, expected);
}

/// Every Go advisory (golang/vulndb): each range compiles, each `fixed`
/// version is itself unaffected by that range and each non-zero `introduced`
/// version is affected (when it precedes its fix).
#[test]
fn go_vulndb_ranges_evaluate() {
    let Some(path) = yata_testdata::path("osv/Go.zip") else {
        return;
    };
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let (mut files, mut checked) = (0, 0);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if !entry.name().is_ok_and(|n| n.ends_with(".json")) {
            continue;
        }
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        let adv: Advisory = serde_json::from_str(&text).unwrap();
        files += 1;
        for a in &adv.affected {
            for r in convert(&a.ranges) {
                let c = CompiledAffected::new(Some(Scheme::Go), std::slice::from_ref(&r), &[])
                    .unwrap_or_else(|e| panic!("{}: {e}", adv.id));
                let events = &r.events;
                for (j, e) in events.iter().enumerate() {
                    let next_fix = events[j + 1..].iter().find(|n| n.kind == Fixed);
                    match e.kind {
                        Fixed => {
                            checked += 1;
                            assert_eq!(c.evaluate(&e.version).unwrap(), None, "{}", adv.id);
                        }
                        Introduced if e.version != "0" => {
                            let precedes = next_fix.is_none_or(|f| {
                                Scheme::SemVer.compare(&e.version, &f.version).unwrap()
                                    == std::cmp::Ordering::Less
                            });
                            if precedes {
                                checked += 1;
                                assert!(
                                    c.evaluate(&e.version).unwrap().is_some(),
                                    "{}: {}",
                                    adv.id,
                                    e.version
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    eprintln!("Go vulndb: {files} advisories, {checked} boundary versions checked");
    assert!(files > 4000 && checked > 4000, "too little data read");
}

//! The STIX examples of `../shared/data/stix/examples` (the OASIS examples
//! and the APT1 and Poison Ivy threat reports): each bundle parses, gives
//! the indicators its JSON holds (values checked by reading the files),
//! and survives export with every object unchanged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::Value;
use yata_indicator::{Indicator, Kind};
use yata_model::Tlp;
use yata_stix::{Bundle, Extracted, Limits, ReportExport, export, extract};

fn examples() -> Option<Vec<PathBuf>> {
    let root = yata_testdata::path("stix/examples")?;
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Some(files)
}

/// The one file of the examples that is a lone campaign, not a bundle.
fn is_not_a_bundle(path: &Path) -> bool {
    path.ends_with("interop-objectmarking-test.json")
}

fn read(relative: &str) -> Option<(Bundle, Extracted)> {
    let path = yata_testdata::path(&format!("stix/examples/{relative}"))?;
    let bundle = Bundle::parse(&std::fs::read(path).unwrap(), &Limits::default())
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    let extracted = extract(&bundle);
    Some((bundle, extracted))
}

fn values(e: &Extracted) -> Vec<(Kind, &str)> {
    e.indicators
        .iter()
        .map(|i| (i.indicator.kind(), i.indicator.value()))
        .collect()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn every_example_bundle_parses_and_the_lone_campaign_is_refused() {
    let Some(files) = examples() else { return };
    assert!(files.len() >= 8, "{files:?}");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let result = Bundle::parse(&bytes, &Limits::default());
        if is_not_a_bundle(&path) {
            assert_eq!(
                result.unwrap_err().to_string(),
                "stix: type: expected \"bundle\", found \"campaign\""
            );
            continue;
        }
        let bundle = result.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            bundle.objects().len(),
            json["objects"].as_array().unwrap().len(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn c2_ip_address() {
    let Some((bundle, e)) = read("indicator-for-c2-ip-address.json") else {
        return;
    };
    assert_eq!(values(&e), [(Kind::Ipv4, "10.0.0.0")]);
    let i = &e.indicators[0];
    assert_eq!(i.source, "indicator--33fe3b22-0201-47cf-85d0-97c02164528d");
    assert_eq!(i.first_seen, Some(ts("2014-05-08T09:00:00Z")));
    assert_eq!(i.last_seen, None);
    assert_eq!(e.title, bundle.id());
    assert_eq!(e.first_seen, Some(ts("2014-05-08T09:00:00Z")));
    assert_eq!(e.tlp, None);
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
}

#[test]
fn c2_with_course_of_action_and_campaign() {
    let Some((_, e)) = read("indicators-for-C2-with-COA.json") else {
        return;
    };
    assert_eq!(
        values(&e),
        [
            (Kind::Ipv4, "10.0.0.0"),
            (
                Kind::Sha256,
                "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"
            ),
        ]
    );
    assert_eq!(
        e.indicators[1].source,
        "indicator--a932fcc6-e032-476c-826f-cb970a5a1ade"
    );
    let Some((_, e)) = read("indicator-to-campaign-relationship.json") else {
        return;
    };
    assert_eq!(values(&e), [(Kind::Ipv4, "10.0.0.0")]);
}

#[test]
fn infrastructure_observables() {
    let Some((_, e)) = read("infrastructure.json") else {
        return;
    };
    assert_eq!(
        values(&e),
        [(Kind::Ipv4, "198.51.100.3"), (Kind::Domain, "example.com")]
    );
    assert_eq!(
        e.indicators[0].source,
        "ipv4-addr--1e4ffad7-0b88-41d4-ba4d-77d27490b956"
    );
    assert_eq!(e.first_seen, None);
}

#[test]
fn malicious_email_has_only_subject_and_attachment_patterns() {
    // Both patterns are MATCHES on email-message properties: nothing an
    // indicator index could hold.
    let Some((bundle, e)) = read("malicious-email-indicator-with-attachment.json") else {
        return;
    };
    assert!(e.indicators.is_empty(), "{:?}", e.indicators);
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
    assert_eq!(bundle.objects().len(), 6);
    assert_eq!(e.first_seen, Some(ts("2014-10-31T15:52:13.127931Z")));
}

#[test]
fn apt1_report() {
    let Some((bundle, e)) = read("threat-reports/apt1.json") else {
        return;
    };
    assert_eq!(bundle.objects().len(), 76);
    assert_eq!(
        e.title,
        "APT1: Exposing One of China's Cyber Espionage Units"
    );
    assert!(
        e.description
            .as_deref()
            .is_some_and(|d| d.starts_with("Since 2004, Mandiant"))
    );
    // 12 indicators: 4 CIDR blocks, 3 domains, 3 MD5 hashes, and two
    // x509-certificate patterns that hold no indicator.
    assert_eq!(e.indicators.len(), 10);
    let v = values(&e);
    for expected in [
        (Kind::Ipv4Cidr, "223.166.0.0/15"),
        (Kind::Ipv4Cidr, "139.226.0.0/15"),
        (Kind::Domain, "hugesoft.org"),
        (Kind::Domain, "msnhome.org"),
        (Kind::Md5, "001dd76872d80801692ff942308c64e6"),
        (Kind::Md5, "00dbb9e1c09dbdafb360f3163ba5a3de"),
    ] {
        assert!(v.contains(&expected), "{expected:?} not in {v:?}");
    }
    assert!(e.vulnerabilities.is_empty());
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
}

#[test]
fn poison_ivy_report() {
    let Some((bundle, e)) = read("threat-reports/poisonivy.json") else {
        return;
    };
    assert_eq!(bundle.objects().len(), 155);
    assert_eq!(
        e.title,
        "Poison Ivy: Assessing Damage and Extracting Intelligence"
    );
    // 43 distinct ipv4-addr and domain-name values under ORs of 25
    // indicators; `domain autuo.xicp.net` (with a space) is no domain.
    assert_eq!(e.indicators.len(), 42);
    let v = values(&e);
    for expected in [
        (Kind::Ipv4, "219.76.208.163"),
        (Kind::Domain, "www.webserver.dynssl.com"),
        (Kind::Ipv4, "101.78.151.179"),
        (Kind::Domain, "3q.wubangtu.info"),
        (Kind::Ipv4, "123.183.210.28"),
    ] {
        assert!(v.contains(&expected), "{expected:?} not in {v:?}");
    }
    assert_eq!(v.iter().filter(|(k, _)| *k == Kind::Ipv4).count(), 18);
    assert_eq!(v.iter().filter(|(k, _)| *k == Kind::Domain).count(), 24);
    assert_eq!(e.warnings.len(), 1, "{:?}", e.warnings);
    assert!(
        e.warnings[0].contains("domain autuo.xicp.net")
            && e.warnings[0].contains("pattern: domain-name:value"),
        "{}",
        e.warnings[0]
    );
    let cves: Vec<&str> = e.vulnerabilities.iter().map(|v| v.as_str()).collect();
    assert_eq!(
        cves,
        [
            "CVE-2012-0158",
            "CVE-2009-4324",
            "CVE-2013-0422",
            "CVE-2013-1347",
            "CVE-2011-3544",
            "CVE-2010-3333"
        ]
    );
}

/// `objects` by (id, modified), as read.
fn by_key(b: &Bundle) -> BTreeMap<(String, Option<String>), Value> {
    b.objects()
        .iter()
        .map(|o| {
            let modified = o.str("modified").map(str::to_owned);
            (
                (o.id().to_owned(), modified),
                Value::Object(o.raw().clone()),
            )
        })
        .collect()
}

#[test]
fn export_keeps_every_object_of_every_example() {
    let Some(files) = examples() else { return };
    let extra = [
        Indicator::parse("203.0.113.66").unwrap(),
        Indicator::parse("CVE-2024-3400").unwrap(),
    ];
    for path in files.iter().filter(|p| !is_not_a_bundle(p)) {
        let original = Bundle::parse(&std::fs::read(path).unwrap(), &Limits::default()).unwrap();
        let e = extract(&original);
        for added in [&[][..], &extra[..]] {
            let mut indicators: Vec<Indicator> =
                e.indicators.iter().map(|i| i.indicator.clone()).collect();
            indicators.extend(added.iter().cloned());
            let report = ReportExport {
                report_id: "report-1",
                title: &e.title,
                description: e.description.as_deref(),
                status: "confirmed",
                created: ts("2026-05-01T00:00:00Z"),
                modified: ts("2026-05-02T00:00:00Z"),
                tlp: Tlp::Amber,
                author: None,
                indicators: &indicators,
                vulnerabilities: &e.vulnerabilities,
                imported: Some(&original),
            };
            let text = serde_json::to_vec(&export(&report).to_json()).unwrap();
            let back = Bundle::parse(&text, &Limits::default())
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            let before = by_key(&original);
            let after = by_key(&back);
            for (key, object) in &before {
                assert_eq!(after.get(key), Some(object), "{}: {key:?}", path.display());
            }
            // In document order, first.
            assert_eq!(
                back.objects()[..original.objects().len()],
                original.objects()[..]
            );
            let again = extract(&back);
            if added.is_empty() {
                assert_eq!(back.objects().len(), original.objects().len());
            } else {
                let v = values(&again);
                assert!(
                    v.contains(&(Kind::Ipv4, "203.0.113.66")),
                    "{}",
                    path.display()
                );
                assert!(
                    again
                        .vulnerabilities
                        .iter()
                        .any(|v| v.as_str() == "CVE-2024-3400")
                );
                assert_eq!(again.indicators.len(), e.indicators.len() + 1);
            }
        }
    }
}

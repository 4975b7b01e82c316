//! RustSec advisory-db: every real advisory reads, known advisories field by
//! field, the computed `SEMVER` ranges evaluated on real versions, and
//! located problems for broken files.

use std::path::Path;

use yata_feeds::source::{self, Limits};
use yata_feeds::{Parsed, Problem, rustsec};
use yata_model::{RangeEvent, Record, SeverityKind, SourceKind};
use yata_version::Scheme;
use yata_version::osv::{CompiledAffected, Event, EventKind, Range, RangeKind};

fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    rustsec::parse("RUSTSEC-0000-0000.md", text.as_bytes(), &mut out);
    out
}

fn only_record(out: Parsed) -> Record {
    assert_eq!(out.problems, [], "unexpected problems");
    assert_eq!(out.records.len(), 1);
    out.records.into_iter().next().unwrap()
}

fn only_problem(out: Parsed) -> (String, String) {
    assert!(out.records.is_empty(), "unexpected record");
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    let Problem { path, message, .. } = out.problems.into_iter().next().unwrap();
    (path, message)
}

/// The advisory `crates/<krate>/<id>.md` of the shared advisory-db.
fn advisory(krate: &str, id: &str) -> Option<Record> {
    let path = yata_testdata::path(&format!("rustsec/advisory-db/crates/{krate}/{id}.md"))?;
    let mut out = Parsed::default();
    rustsec::parse(id, &std::fs::read(path).unwrap(), &mut out);
    Some(only_record(out))
}

fn markdown_files(dir: &Path, count: &mut usize) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_files(&path, count);
        } else if path.extension().is_some_and(|e| e == "md") {
            *count += 1;
        }
    }
}

#[test]
fn every_advisory_reads() {
    let Some(dir) = yata_testdata::path("rustsec/advisory-db/crates") else {
        return;
    };
    let mut files = 0;
    markdown_files(&dir, &mut files);
    let mut out = Parsed::default();
    let mut documents = 0;
    source::read(&dir, &Limits::default(), &mut |doc| {
        if doc.name.ends_with(".md") {
            documents += 1;
            rustsec::parse(&doc.name, &doc.bytes, &mut out);
        }
    })
    .unwrap();
    assert_eq!(documents, files);
    let shown: Vec<String> = out
        .problems
        .iter()
        .take(10)
        .map(|p| p.to_string())
        .collect();
    assert!(out.problems.is_empty(), "{shown:#?}");
    assert_eq!(out.records.len(), files);
    assert!(files > 1_000, "{files} files");
    for r in &out.records {
        assert_eq!(r.source, SourceKind::Rustsec);
        assert!(r.summary.is_some(), "{}", r.id);
        let [p] = &r.packages[..] else {
            panic!("{}: {:?}", r.id, r.packages)
        };
        assert_eq!(p.ecosystem, "crates.io");
        // Every computed range compiles under SemVer ordering.
        let compiled = CompiledAffected::new(Some(Scheme::SemVer), &ranges(p), &[]);
        assert!(compiled.is_ok(), "{}: {compiled:?}", r.id);
    }
    let informational = out
        .records
        .iter()
        .filter(|r| {
            r.packages[0]
                .ecosystem_specific
                .as_deref()
                .is_some_and(|s| !s.contains(r#""informational":null"#))
        })
        .count();
    assert!(informational > 400, "{informational}");
}

/// The record's ranges in `yata_version`'s terms.
fn ranges(p: &yata_model::AffectedPackage) -> Vec<Range> {
    p.ranges
        .iter()
        .map(|r| Range {
            kind: RangeKind::from_osv(&r.kind).unwrap(),
            repo: r.repo.clone(),
            events: r
                .events
                .iter()
                .map(|e| match e {
                    RangeEvent::Introduced(v) => Event::new(EventKind::Introduced, v),
                    RangeEvent::Fixed(v) => Event::new(EventKind::Fixed, v),
                    RangeEvent::LastAffected(v) => Event::new(EventKind::LastAffected, v),
                    RangeEvent::Limit(v) => Event::new(EventKind::Limit, v),
                })
                .collect(),
        })
        .collect()
}

/// Asserts which of `versions` the record's package ranges say are affected.
fn check_affected(r: &Record, affected: &[&str], not_affected: &[&str]) {
    let compiled = CompiledAffected::new(Some(Scheme::SemVer), &ranges(&r.packages[0]), &[])
        .expect("ranges compile");
    for v in affected {
        assert!(
            compiled.evaluate(v).unwrap().is_some(),
            "{}: {v} should be affected",
            r.id
        );
    }
    for v in not_affected {
        assert!(
            compiled.evaluate(v).unwrap().is_none(),
            "{}: {v} should not be affected",
            r.id
        );
    }
}

fn events(r: &Record) -> Vec<String> {
    r.packages[0].ranges[0]
        .events
        .iter()
        .map(|e| match e {
            RangeEvent::Introduced(v) => format!("introduced {v}"),
            RangeEvent::Fixed(v) => format!("fixed {v}"),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn patched_and_unaffected_end_to_end() {
    // patched = [">= 0.10.3"], unaffected = ["< 0.10.0"]
    let Some(r) = advisory("aes-gcm", "RUSTSEC-2023-0096") else {
        return;
    };
    assert_eq!(r.source, SourceKind::Rustsec);
    assert_eq!(r.id.as_str(), "RUSTSEC-2023-0096");
    let aliases: Vec<&str> = r.aliases.iter().map(|a| a.as_str()).collect();
    assert_eq!(aliases, ["CVE-2023-42811", "GHSA-423w-p2w9-r7vq"]);
    assert_eq!(r.published.unwrap().to_string(), "2023-11-22T12:00:00Z");
    assert_eq!(r.modified, None);
    assert_eq!(r.withdrawn, None);
    assert_eq!(
        r.summary.as_deref(),
        Some("Plaintext exposed in decrypt_in_place_detached even on tag verification failure")
    );
    let details = r.details.as_deref().unwrap();
    assert!(details.starts_with("## Summary\n\nIn the AES GCM implementation"));
    assert!(details.ends_with("```"), "{details}");
    assert_eq!(r.severities.len(), 1);
    assert_eq!(r.severities[0].kind, SeverityKind::CvssV3);
    assert_eq!(
        r.severities[0].score,
        "CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:L/I:H/A:N"
    );
    let refs: Vec<(&str, &str)> = r
        .references
        .iter()
        .map(|x| (x.kind.as_deref().unwrap(), x.url.as_str()))
        .collect();
    assert_eq!(
        refs,
        [
            ("package", "https://crates.io/crates/aes-gcm"),
            (
                "advisory",
                "https://rustsec.org/advisories/RUSTSEC-2023-0096.html"
            ),
            (
                "advisory",
                "https://github.com/RustCrypto/AEADs/security/advisories/GHSA-423w-p2w9-r7vq"
            ),
        ]
    );
    let p = &r.packages[0];
    assert_eq!(p.name, "aes-gcm");
    assert_eq!(p.purl.as_deref(), Some("pkg:cargo/aes-gcm"));
    assert_eq!(p.ranges[0].kind, "SEMVER");
    assert_eq!(events(&r), ["introduced 0.10.0", "fixed 0.10.3"]);
    assert_eq!(
        p.ecosystem_specific.as_deref(),
        Some(concat!(
            r#"{"database_specific":{"categories":["crypto-failure"],"#,
            r#""cvss":"CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:L/I:H/A:N","informational":null},"#,
            r#""ecosystem_specific":{"affects":{"arch":[],"functions":["#,
            r#""aes_gcm::AeadInPlace::decrypt_in_place_detached","#,
            r#""aes_gcm::AesGcm::decrypt_in_place_detached"],"os":[]}}}"#
        ))
    );
    check_affected(&r, &["0.10.0", "0.10.2"], &["0.9.4", "0.10.3", "0.11.0"]);
}

#[test]
fn caret_requirements() {
    // patched = [">= 0.15.2", "^0.14.11", "^0.13.7"]
    let Some(r) = advisory("capnp", "RUSTSEC-2022-0068") else {
        return;
    };
    assert_eq!(
        events(&r),
        [
            "introduced 0.0.0-0",
            "fixed 0.13.7",
            "introduced 0.14.0-0",
            "fixed 0.14.11",
            "introduced 0.15.0-0",
            "fixed 0.15.2",
        ]
    );
    check_affected(
        &r,
        &["0.12.0", "0.13.6", "0.14.0", "0.14.10", "0.15.0", "0.15.1"],
        &["0.13.7", "0.13.99", "0.14.11", "0.15.2", "0.16.0", "1.0.0"],
    );
}

#[test]
fn patched_below_and_above() {
    // patched = ["< 0.6.0", "^0.6.2", ">= 0.7.6"]
    let Some(r) = advisory("cookie", "RUSTSEC-2017-0005") else {
        return;
    };
    assert_eq!(
        events(&r),
        [
            "introduced 0.6.0",
            "fixed 0.6.2",
            "introduced 0.7.0-0",
            "fixed 0.7.6"
        ]
    );
    check_affected(
        &r,
        &["0.6.0", "0.6.1", "0.7.0", "0.7.5"],
        &["0.5.9", "0.6.2", "0.6.9", "0.7.6"],
    );
}

#[test]
fn single_affected_version() {
    // unaffected = ["< 1.4.1", "> 1.4.1"]
    let Some(r) = advisory("onering", "RUSTSEC-2026-0175") else {
        return;
    };
    assert_eq!(events(&r), ["introduced 1.4.1", "fixed 1.4.2-0"]);
    check_affected(&r, &["1.4.1"], &["1.4.0", "1.4.2", "2.0.0"]);
}

#[test]
fn informational_unmaintained() {
    let Some(r) = advisory("aes-ctr", "RUSTSEC-2021-0061") else {
        return;
    };
    assert_eq!(
        r.summary.as_deref(),
        Some("`aes-ctr` has been merged into the `aes` crate")
    );
    assert_eq!(events(&r), ["introduced 0.0.0-0"]);
    let specific: serde_json::Value =
        serde_json::from_str(r.packages[0].ecosystem_specific.as_deref().unwrap()).unwrap();
    assert_eq!(
        specific["database_specific"]["informational"],
        "unmaintained"
    );
    check_affected(&r, &["0.0.1", "0.6.0", "99.0.0"], &[]);
}

// Synthetic advisories and located problems.

const GOOD: &str = r#"```toml
[advisory]
id = "RUSTSEC-2099-0001"
package = "example"
date = "2099-01-02"
url = "https://github.com/example/example/issues/1"
aliases = ["CVE-2099-0001"]
related = ["RUSTSEC-2098-0001"]
cvss = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
informational = "unsound"
withdrawn = "2099-02-03"
references = ["https://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2099-0001"]

[affected]
os = ["windows"]
arch = ["x86"]
functions = { "example::f" = ["< 1.0.0"] }

[versions]
patched = [">= 1.2.3, < 1.3.0", ">= 1.3.5"]
unaffected = ["< 0.5"]
```

# Example is unsound

Body line one.

Body line two.
"#;

#[test]
fn synthetic_advisory() {
    let r = only_record(parse(GOOD));
    assert_eq!(
        r.related.iter().next().unwrap().as_str(),
        "RUSTSEC-2098-0001"
    );
    assert_eq!(r.severities[0].kind, SeverityKind::CvssV4);
    assert_eq!(r.withdrawn.unwrap().to_string(), "2099-02-03T12:00:00Z");
    assert_eq!(r.summary.as_deref(), Some("Example is unsound"));
    assert_eq!(
        r.details.as_deref(),
        Some("Body line one.\n\nBody line two.")
    );
    let kinds: Vec<&str> = r
        .references
        .iter()
        .map(|x| x.kind.as_deref().unwrap())
        .collect();
    assert_eq!(kinds, ["package", "advisory", "report", "advisory"]);
    assert_eq!(
        events(&r),
        [
            "introduced 0.5.0",
            "fixed 1.2.3",
            "introduced 1.3.0",
            "fixed 1.3.5"
        ]
    );
    assert_eq!(
        r.packages[0].ecosystem_specific.as_deref(),
        Some(concat!(
            r#"{"database_specific":{"categories":[],"#,
            r#""cvss":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N","#,
            r#""informational":"unsound"},"ecosystem_specific":{"affects":{"arch":["x86"],"#,
            r#""functions":["example::f"],"os":["windows"]}}}"#
        ))
    );
}

#[test]
fn front_matter_without_advisory_header() {
    // The V4 format may leave out `[advisory]`.
    let text = "```toml\nid = \"RUSTSEC-2099-0002\"\npackage = \"x\"\ndate = \"2099-01-01\"\n\n\
                [versions]\npatched = []\n```\n\n# Title\n\nBody\n";
    assert_eq!(only_record(parse(text)).id.as_str(), "RUSTSEC-2099-0002");
    // An error still names the file's own line.
    let text = "```toml\nid = \"RUSTSEC-2099-0002\"\npackage = 7\n```\n\n# Title\n";
    let (path, message) = only_problem(parse(text));
    assert_eq!(path, "advisory.package");
    assert!(message.contains("(line 3)"), "{message}");
}

#[test]
fn bad_toml() {
    let text = GOOD.replace("package = \"example\"", "package = \"example");
    let (path, message) = only_problem(parse(&text));
    assert_eq!(path, "");
    assert!(message.starts_with("TOML: "), "{message}");
    assert!(message.contains("(line 4)"), "{message}");
}

#[test]
fn wrong_types_and_missing_fields() {
    let cases = [
        (
            GOOD.replace(
                r#"aliases = ["CVE-2099-0001"]"#,
                r#"aliases = ["CVE-2099-0001", 5]"#,
            ),
            "advisory.aliases[1]",
            "invalid type: integer `5`",
            "(line 7)",
        ),
        (
            GOOD.replace("id = \"RUSTSEC-2099-0001\"\n", ""),
            "advisory.id",
            "missing field `id`",
            "",
        ),
        (
            GOOD.replace("package = \"example\"\n", ""),
            "advisory",
            "missing field `package`",
            "",
        ),
        (
            GOOD.replace("os = [\"windows\"]", "os = \"windows\""),
            "affected.os",
            "invalid type: string \"windows\"",
            "(line 15)",
        ),
        (
            GOOD.replace(
                r#"unaffected = ["< 0.5"]"#,
                r#"unaffected = ["< 0.5", "<= 1.2.4"]"#,
            ),
            "versions.unaffected[1]",
            "",
            "overlaps versions.unaffected[0]",
        ),
        (
            GOOD.replace(r#"unaffected = ["< 0.5"]"#, r#"unaffected = ["0.4.*"]"#),
            "versions.unaffected[0]",
            "\"0.4.*\": unsupported operator",
            "",
        ),
    ];
    for (text, want_path, want_start, want_contains) in cases {
        let (path, message) = only_problem(parse(&text));
        assert_eq!(path, want_path, "{message}");
        assert!(message.starts_with(want_start), "{message}");
        assert!(message.contains(want_contains), "{message}");
    }
}

#[test]
fn invalid_values_are_dropped_with_a_problem() {
    let text = GOOD
        .replace(
            r#"aliases = ["CVE-2099-0001"]"#,
            r#"aliases = ["CVE-2099-0001", "not an id"]"#,
        )
        .replace("date = \"2099-01-02\"", "date = \"someday\"")
        .replace("cvss = \"CVSS:4.0", "cvss = \"AV:N/CVSS:4.0");
    let out = parse(&text);
    assert_eq!(out.records.len(), 1);
    assert_eq!(out.records[0].aliases.len(), 1);
    assert_eq!(out.records[0].published, None);
    assert!(out.records[0].severities.is_empty());
    let paths: Vec<&str> = out.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["advisory.date", "advisory.aliases[1]", "advisory.cvss"]
    );
}

#[test]
fn not_an_advisory() {
    for text in ["# Just markdown\n", "```toml\n[advisory]\nid = \"X\"\n", ""] {
        let (path, message) = only_problem(parse(text));
        assert_eq!(path, "");
        assert!(message.starts_with("not a RustSec advisory"), "{message}");
    }
    // No heading: the record is kept, without a summary.
    let out = parse(&GOOD.replace("# Example is unsound", "Example is unsound"));
    assert_eq!(out.records.len(), 1);
    assert_eq!(out.records[0].summary, None);
    assert_eq!(out.problems.len(), 1);
}

#[test]
fn not_utf8() {
    let mut bytes = GOOD.as_bytes().to_vec();
    bytes[GOOD.find("Body").unwrap()] = 0xff;
    let mut out = Parsed::default();
    rustsec::parse("x.md", &bytes, &mut out);
    let (path, message) = only_problem(out);
    assert_eq!(path, "");
    assert_eq!(
        message,
        format!("invalid UTF-8 at byte {}", GOOD.find("Body").unwrap())
    );
}

/// The upstream repository's `EXAMPLE_ADVISORY.md`, in its shape: the
/// placeholder id marks a template, skipped with the reason, not imported.
#[test]
fn the_example_advisory_template_is_skipped() {
    let out = parse(
        "```toml\n[advisory]\nid = \"RUSTSEC-0000-0000\"\npackage = \"crate-name\"\ndate = \"2020-01-31\"\nurl = \"https://example.com\"\ninformational = \"unsound\"\n\n[versions]\npatched = [\">= 1.2.3, < 1.3.0\", \">= 1.3.4\"]\nunaffected = [\"<= 0.1.2\"]\n```\n\n# RustSec Advisory Template - Advisory Title Goes Here\n",
    );
    assert!(out.records.is_empty());
    assert!(out.problems.is_empty());
    assert_eq!(out.skipped.len(), 1);
    assert!(
        out.skipped[0].message.contains("template"),
        "{:?}",
        out.skipped
    );
}

//! OSV JSON and YAML: every real advisory of PyPA and the Go vulndb reads,
//! spot checks of known records field by field, and located problems for
//! broken documents.

use std::path::Path;

use yata_feeds::source::{self, Limits};
use yata_feeds::{Parsed, Problem, osv};
use yata_model::{RangeEvent, Record, SeverityKind, SourceKind};

fn parse_json(text: &str) -> Parsed {
    let mut out = Parsed::default();
    osv::parse_json("t.json", text.as_bytes(), &mut out);
    out
}

fn parse_yaml(text: &str) -> Parsed {
    let mut out = Parsed::default();
    osv::parse_yaml("t.yaml", text.as_bytes(), &mut out);
    out
}

/// The one record of a clean parse.
fn only_record(out: Parsed) -> Record {
    assert_eq!(out.problems, [], "unexpected problems");
    assert_eq!(out.records.len(), 1);
    out.records.into_iter().next().unwrap()
}

/// The one problem of a parse that gave no record: (path, message).
fn only_problem(out: Parsed) -> (String, String) {
    assert!(out.records.is_empty(), "unexpected record");
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    let Problem { path, message, .. } = out.problems.into_iter().next().unwrap();
    (path, message)
}

fn ids(set: &std::collections::BTreeSet<yata_model::VulnId>) -> Vec<&str> {
    set.iter().map(|id| id.as_str()).collect()
}

fn files_with_extension(dir: &Path, ext: &str, count: &mut usize) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_with_extension(&path, ext, count);
        } else if path.extension().is_some_and(|e| e == ext) {
            *count += 1;
        }
    }
}

/// Parses every document under `path` whose name ends with `ext`.
fn parse_source(path: &Path, ext: &str, parse: fn(&str, &[u8], &mut Parsed)) -> (Parsed, usize) {
    let mut out = Parsed::default();
    let mut documents = 0;
    source::read(path, &Limits::default(), &mut |doc| {
        if doc.name.ends_with(ext) {
            documents += 1;
            parse(&doc.name, &doc.bytes, &mut out);
        }
    })
    .unwrap();
    (out, documents)
}

fn assert_clean(out: &Parsed) {
    let shown: Vec<String> = out
        .problems
        .iter()
        .take(10)
        .map(|p| p.to_string())
        .collect();
    assert!(
        out.problems.is_empty(),
        "{} problems, first: {shown:#?}",
        out.problems.len()
    );
}

#[test]
fn every_pypa_advisory_reads() {
    let Some(dir) = yata_testdata::path("osv/pypa") else {
        return;
    };
    let mut files = 0;
    files_with_extension(&dir, "yaml", &mut files);
    let (out, documents) = parse_source(&dir, ".yaml", osv::parse_yaml);
    assert_eq!(documents, files);
    assert_clean(&out);
    assert_eq!(out.records.len(), files);
    assert!(files > 2_600, "{files} files");
    assert!(out.records.iter().all(|r| r.source == SourceKind::Osv));
}

#[test]
fn every_go_advisory_reads() {
    let Some(zip_path) = yata_testdata::path("osv/Go.zip") else {
        return;
    };
    let archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let files = archive
        .file_names()
        .filter(|n| n.as_ref().is_ok_and(|n| n.ends_with(".json")))
        .count();
    let (out, documents) = parse_source(&zip_path, ".json", osv::parse_json);
    assert_eq!(documents, files);
    assert_clean(&out);
    assert_eq!(out.records.len(), files);
    assert!(files > 4_200, "{files} files");
}

#[test]
fn pysec_with_cve_alias() {
    let Some(path) = yata_testdata::path("osv/pypa/apache-skywalking/PYSEC-2020-342.yaml") else {
        return;
    };
    let mut out = Parsed::default();
    osv::parse_yaml("x", &std::fs::read(path).unwrap(), &mut out);
    let r = only_record(out);
    assert_eq!(r.source, SourceKind::Osv);
    assert_eq!(r.id.as_str(), "PYSEC-2020-342");
    assert_eq!(ids(&r.aliases), ["CVE-2020-13921"]);
    // An unquoted YAML timestamp is read as the text it is.
    assert_eq!(
        r.modified.unwrap().to_string(),
        "2023-11-07T20:24:23.946863Z"
    );
    assert_eq!(r.published.unwrap().to_string(), "2020-08-05T14:15:00Z");
    assert_eq!(r.summary, None);
    assert!(
        r.details
            .unwrap()
            .starts_with("**Resolved** Only when using H2/MySQL/TiDB")
    );
    assert_eq!(r.severities.len(), 1);
    assert_eq!(r.severities[0].kind, SeverityKind::CvssV3);
    assert_eq!(
        r.severities[0].score,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    );
    assert_eq!(r.references.len(), 4);
    assert_eq!(r.references[1].kind.as_deref(), Some("article"));
    assert_eq!(
        r.references[1].url,
        "http://www.openwall.com/lists/oss-security/2020/08/05/3"
    );
    let [p] = &r.packages[..] else {
        panic!("{:?}", r.packages)
    };
    assert_eq!(p.ecosystem, "PyPI");
    assert_eq!(p.name, "apache-skywalking");
    assert_eq!(p.purl.as_deref(), Some("pkg:pypi/apache-skywalking"));
    assert_eq!(p.ranges.len(), 1);
    assert_eq!(p.ranges[0].kind, "ECOSYSTEM");
    assert_eq!(p.ranges[0].events, [RangeEvent::Introduced("0".into())]);
    // Unquoted `1.0.0`, `0.1.0` stay strings.
    assert_eq!(p.versions.first().map(String::as_str), Some("0.1.0"));
    assert_eq!(p.versions.last().map(String::as_str), Some("1.0.1"));
    assert_eq!(p.versions.len(), 10);
    assert_eq!(p.ecosystem_specific, None);
}

#[test]
fn pysec_withdrawn_with_quoted_number_versions() {
    let Some(path) = yata_testdata::path("osv/pypa/redis/PYSEC-2023-73.yaml") else {
        return;
    };
    let mut out = Parsed::default();
    osv::parse_yaml("x", &std::fs::read(path).unwrap(), &mut out);
    let r = only_record(out);
    assert_eq!(r.withdrawn.unwrap().to_string(), "2023-06-06T10:37:00Z");
    assert!(r.packages[0].versions.contains(&"1.34".to_owned()));
    assert_eq!(r.references[0].kind.as_deref(), Some("evidence"));
}

#[test]
fn go_with_aliases_and_imports() {
    let Some(zip_path) = yata_testdata::path("osv/Go.zip") else {
        return;
    };
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut archive.by_name("GO-2022-0229.json").unwrap(),
        &mut bytes,
    )
    .unwrap();
    let mut out = Parsed::default();
    osv::parse_json("GO-2022-0229.json", &bytes, &mut out);
    let r = only_record(out);
    assert_eq!(r.id.as_str(), "GO-2022-0229");
    assert_eq!(ids(&r.aliases), ["CVE-2020-7919", "GHSA-cjjc-xp8v-855w"]);
    assert_eq!(r.modified.unwrap().to_string(), "0001-01-01T00:00:00Z");
    assert_eq!(r.published.unwrap().to_string(), "2022-07-06T18:23:48Z");
    assert_eq!(
        r.summary.as_deref(),
        Some("Panic in certificate parsing in crypto/x509 and golang.org/x/crypto/cryptobyte")
    );
    assert_eq!(r.packages.len(), 2);
    let std = &r.packages[0];
    assert_eq!(
        (std.ecosystem.as_str(), std.name.as_str()),
        ("Go", "stdlib")
    );
    assert_eq!(std.purl, None);
    assert_eq!(std.ranges[0].kind, "SEMVER");
    assert_eq!(
        std.ranges[0].events,
        [
            RangeEvent::Introduced("0".into()),
            RangeEvent::Fixed("1.12.16".into()),
            RangeEvent::Introduced("1.13.0-0".into()),
            RangeEvent::Fixed("1.13.7".into()),
        ]
    );
    assert_eq!(
        std.ecosystem_specific.as_deref(),
        Some(r#"{"ecosystem_specific":{"imports":[{"path":"crypto/x509"}]}}"#)
    );
    assert_eq!(r.packages[1].name, "golang.org/x/crypto");
    assert_eq!(r.references.len(), 5);
    assert_eq!(r.references[3].kind.as_deref(), Some("report"));
}

const GHSA: &str = r#"{
  "schema_version": "1.4.0",
  "id": "GHSA-jfh8-c2jp-5v3q",
  "modified": "2024-03-15T12:00:00Z",
  "published": "2021-12-10T00:40:56Z",
  "aliases": ["CVE-2021-44228"],
  "related": ["CVE-2021-45046"],
  "upstream": ["CVE-2021-44228"],
  "summary": "Remote code injection in Log4j",
  "details": "Log4j2 JNDI features ...",
  "severity": [
    {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"},
    {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"},
    {"type": "Ubuntu", "score": "high"}
  ],
  "affected": [{
    "package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core",
                "purl": "pkg:maven/org.apache.logging.log4j/log4j-core"},
    "severity": [{"type": "CVSS_V2", "score": "AV:N/AC:M/Au:N/C:C/I:C/A:C"}],
    "ranges": [{"type": "ECOSYSTEM", "events": [
      {"introduced": "2.13.0"}, {"fixed": "2.15.0"}, {"introduced": "2.0-beta9"},
      {"last_affected": "2.12.1"}, {"limit": "2.99"}]}],
    "database_specific": {"last_known_affected_version_range": "<= 2.14.1"}
  }, {
    "ranges": [{"type": "GIT", "repo": "https://github.com/apache/logging-log4j2",
                "events": [{"introduced": "0"}, {"fixed": "c77b3cb39312b83b053d23a2158b99ac7de44dd3"}]}]
  }],
  "references": [
    {"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"},
    {"url": "https://logging.apache.org/log4j/2.x/security.html"}
  ],
  "credits": [{"name": "Chen Zhaojun"}],
  "database_specific": {
    "cwe_ids": ["CWE-20", "cwe-400", "502"],
    "severity": "CRITICAL",
    "github_reviewed": true
  },
  "some_future_field": {"whatever": [1, 2, 3]}
}"#;

#[test]
fn ghsa_osv() {
    let r = only_record(parse_json(GHSA));
    assert_eq!(r.id.as_str(), "GHSA-jfh8-c2jp-5v3q");
    assert_eq!(ids(&r.aliases), ["CVE-2021-44228"]);
    assert_eq!(ids(&r.related), ["CVE-2021-44228", "CVE-2021-45046"]);
    let kinds: Vec<_> = r.severities.iter().map(|s| s.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            SeverityKind::CvssV3,
            SeverityKind::CvssV4,
            SeverityKind::Other("Ubuntu".into())
        ]
    );
    assert_eq!(
        r.cwes.iter().map(String::as_str).collect::<Vec<_>>(),
        ["CWE-20", "CWE-400", "CWE-502"]
    );
    assert_eq!(r.references[0].kind.as_deref(), Some("advisory"));
    assert_eq!(r.references[1].kind, None);
    let maven = &r.packages[0];
    assert_eq!(maven.ecosystem, "Maven");
    assert_eq!(maven.severities[0].kind, SeverityKind::CvssV2);
    assert_eq!(
        maven.ranges[0].events,
        [
            RangeEvent::Introduced("2.13.0".into()),
            RangeEvent::Fixed("2.15.0".into()),
            RangeEvent::Introduced("2.0-beta9".into()),
            RangeEvent::LastAffected("2.12.1".into()),
            RangeEvent::Limit("2.99".into()),
        ]
    );
    assert_eq!(
        maven.ecosystem_specific.as_deref(),
        Some(r#"{"database_specific":{"last_known_affected_version_range":"<= 2.14.1"}}"#)
    );
    let git = &r.packages[1];
    assert_eq!((git.ecosystem.as_str(), git.name.as_str()), ("", ""));
    assert_eq!(git.ranges[0].kind, "GIT");
    assert_eq!(
        git.ranges[0].repo.as_deref(),
        Some("https://github.com/apache/logging-log4j2")
    );
}

/// RustSec's advisories as osv.dev serves them.
const RUSTSEC_OSV: &str = r#"{
  "id": "RUSTSEC-2023-0096",
  "modified": "2023-11-23T17:42:56Z",
  "published": "2023-11-22T12:00:00Z",
  "aliases": ["CVE-2023-42811", "GHSA-423w-p2w9-r7vq"],
  "related": [],
  "summary": "Plaintext exposed in decrypt_in_place_detached even on tag verification failure",
  "details": "In the AES GCM implementation of decrypt_in_place_detached, ...",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:L/I:H/A:N"}],
  "affected": [{
    "package": {"ecosystem": "crates.io", "name": "aes-gcm", "purl": "pkg:cargo/aes-gcm"},
    "ecosystem_specific": {"affects": {"arch": [], "os": [], "functions": ["aes_gcm::AeadInPlace::decrypt_in_place_detached"]}},
    "database_specific": {"categories": ["crypto-failure"], "cvss": "CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:L/I:H/A:N", "informational": null},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.10.0"}, {"fixed": "0.10.3"}]}],
    "versions": []
  }],
  "references": [{"type": "PACKAGE", "url": "https://crates.io/crates/aes-gcm"}],
  "database_specific": {"license": "CC-BY-4.0"}
}"#;

#[test]
fn rustsec_in_osv_form() {
    let r = only_record(parse_json(RUSTSEC_OSV));
    assert_eq!(r.source, SourceKind::Osv);
    assert_eq!(r.id.as_str(), "RUSTSEC-2023-0096");
    assert!(r.related.is_empty());
    let p = &r.packages[0];
    assert_eq!(p.ecosystem, "crates.io");
    assert_eq!(p.purl.as_deref(), Some("pkg:cargo/aes-gcm"));
    let specific: serde_json::Value =
        serde_json::from_str(p.ecosystem_specific.as_deref().unwrap()).unwrap();
    assert_eq!(
        specific["database_specific"]["categories"][0],
        "crypto-failure"
    );
    assert_eq!(
        specific["ecosystem_specific"]["affects"]["functions"][0],
        "aes_gcm::AeadInPlace::decrypt_in_place_detached"
    );
}

#[test]
fn yaml_and_json_agree() {
    let yaml = "id: GO-2099-0001\nmodified: 2024-01-02T03:04:05Z\naliases: [CVE-2099-1234]\n\
                affected:\n- package: {ecosystem: Go, name: example.com/m}\n  ranges:\n  \
                - type: SEMVER\n    events:\n    - introduced: 0\n    - fixed: 1.2\n  \
                ecosystem_specific: {imports: [{path: example.com/m, symbols: [F]}]}\n";
    let json = r#"{"id": "GO-2099-0001", "modified": "2024-01-02T03:04:05Z",
        "aliases": ["CVE-2099-1234"], "affected": [{"package": {"ecosystem": "Go",
        "name": "example.com/m"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"},
        {"fixed": "1.2"}]}], "ecosystem_specific": {"imports": [{"path": "example.com/m",
        "symbols": ["F"]}]}}]}"#;
    assert_eq!(only_record(parse_yaml(yaml)), only_record(parse_json(json)));
}

// Located problems.

#[test]
fn malformed_json() {
    let (path, message) = only_problem(parse_json("{\"id\": \"GO-1\", \"aliases\": [\"x\""));
    assert_eq!(path, "/aliases");
    assert!(message.contains("EOF"), "{message}");
    assert!(message.contains("line 1"), "{message}");
}

#[test]
fn missing_id() {
    assert_eq!(
        only_problem(parse_json(r#"{"modified": "2024-01-01T00:00:00Z"}"#)),
        ("/id".to_owned(), "missing field `id`".to_owned())
    );
    let (path, _) = only_problem(parse_yaml("modified: 2024-01-01T00:00:00Z\n"));
    assert_eq!(path, "/id");
    let (path, message) = only_problem(parse_json(r#"{"id": ""}"#));
    assert_eq!(path, "/id");
    assert_eq!(message, "vulnerability id is empty");
}

#[test]
fn wrong_types() {
    let cases = [
        (r#"{"id": 5}"#, "/id", "invalid type: integer `5`"),
        (
            r#"{"id": "X-1", "aliases": "CVE-1"}"#,
            "/aliases",
            "invalid type: string",
        ),
        (
            r#"{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": 0}]}]}]}"#,
            "/affected/0/ranges/0/events/0/introduced",
            "invalid type: integer `0`",
        ),
        (
            r#"{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI"}}]}"#,
            "/affected/0/package",
            "missing field `name`",
        ),
        (
            r#"{"id": "X-1", "severity": [{"type": "CVSS_V3", "score": 9.8}]}"#,
            "/severity/0/score",
            "invalid type: floating point `9.8`",
        ),
        (r#"["not", "an", "object"]"#, "/", "invalid type: sequence"),
    ];
    for (text, want_path, want_message) in cases {
        let (path, message) = only_problem(parse_json(text));
        assert_eq!(path, want_path, "{text}");
        assert!(message.starts_with(want_message), "{text}: {message}");
    }
}

#[test]
fn wrong_types_in_yaml() {
    let yaml = "id: PYSEC-1\naffected:\n- package:\n    ecosystem: PyPI\n    name: a\n  \
                ranges: {type: ECOSYSTEM}\n";
    let (path, message) = only_problem(parse_yaml(yaml));
    assert_eq!(path, "/affected/0/ranges");
    assert!(message.contains("line 6"), "{message}");
}

#[test]
fn bad_event() {
    let text = r#"{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"introduced": "1", "fixed": "2"}, {}]}]}]}"#;
    let (path, message) = only_problem(parse_json(text));
    assert_eq!(path, "/affected/0/ranges/0/events/1");
    assert_eq!(message, "more than one event kind in one event");
}

#[test]
fn invalid_aliases_and_timestamps_are_dropped_with_a_problem() {
    let out = parse_json(
        r#"{"id": "X-1", "modified": "last tuesday",
            "aliases": ["CVE-2024-1", "not an id", ""], "upstream": ["bad id"]}"#,
    );
    assert_eq!(out.records.len(), 1);
    assert_eq!(ids(&out.records[0].aliases), ["CVE-2024-1"]);
    assert_eq!(out.records[0].modified, None);
    let paths: Vec<&str> = out.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/modified", "/aliases/1", "/aliases/2", "/upstream/0"]
    );
    assert!(out.problems[1].message.contains("invalid character"));
    assert_eq!(out.problems[1].file, "t.json");
}

#[test]
fn not_utf8() {
    let mut out = Parsed::default();
    osv::parse_yaml("t.yaml", b"id: PYSEC-1\nsummary: caf\xe9\n", &mut out);
    assert_eq!(
        only_problem(out),
        (String::new(), "invalid UTF-8 at byte 24".to_owned())
    );
    let mut out = Parsed::default();
    osv::parse_json(
        "t.json",
        b"{\"id\": \"X-1\", \"summary\": \"caf\xe9\"}",
        &mut out,
    );
    let (path, message) = only_problem(out);
    assert_eq!(path, "/summary");
    assert!(message.contains("invalid unicode"), "{message}");
}

#[test]
fn deep_nesting_is_bounded() {
    let deep = |open: &str, close: &str, n: usize| {
        format!(
            "{{\"id\": \"X-1\", \"affected\": [{{\"ecosystem_specific\": {}{}}}]}}",
            open.repeat(n),
            close.repeat(n)
        )
    };
    let (_, message) = only_problem(parse_json(&deep("[", "]", 100_000)));
    assert!(message.contains("recursion limit"), "{message}");
    // JSON is YAML: the same document through the YAML parser.
    let (_, message) = only_problem(parse_yaml(&deep("[", "]", 100_000)));
    assert!(!message.is_empty());
    let (_, message) = only_problem(parse_yaml(&deep("[", "]", osv::MAX_YAML_DEPTH + 1)));
    assert!(message.contains("depth"), "{message}");
    assert_eq!(parse_yaml(&deep("[", "]", 20)).records.len(), 1);
}

#[test]
fn yaml_alias_bombs_are_bounded() {
    let mut text = String::from("id: X-1\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let prev = i - 1;
        text.push_str(&format!(
            "x{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    text.push_str("affected: [{ecosystem_specific: *a11}]\n");
    let out = parse_yaml(&text);
    assert!(out.records.is_empty());
    assert_eq!(out.problems.len(), 1);
}

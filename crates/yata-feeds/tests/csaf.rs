//! CSAF 2.0 import: the OASIS examples, the OASIS validator test files, and
//! located problems.

use std::path::{Path, PathBuf};

use yata_feeds::{Format, Parsed, csaf};
use yata_model::{AffectedProduct, Record, SeverityKind, SourceKind, Status};

fn parse(name: &str, bytes: &[u8]) -> Parsed {
    let mut out = Parsed::default();
    csaf::parse(name, bytes, &mut out);
    out
}

/// Every `.json` file under `dir`, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn example(relative: &str) -> Option<Parsed> {
    let path = yata_testdata::path(&format!("csaf/examples/csaf/{relative}"))?;
    let out = parse(relative, &std::fs::read(path).unwrap());
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    Some(out)
}

fn record<'a>(out: &'a Parsed, id: &str) -> &'a Record {
    out.records
        .iter()
        .find(|r| r.id.as_str() == id)
        .unwrap_or_else(|| panic!("no record {id}"))
}

fn statuses(p: &AffectedProduct) -> Vec<(&str, Status)> {
    p.versions
        .iter()
        .map(|v| (v.version.as_str(), v.status))
        .collect()
}

#[test]
fn every_example_imports_cleanly() {
    let Some(dir) = yata_testdata::path("csaf/examples/csaf") else {
        return;
    };
    let (mut documents, mut vulnerabilities, mut records) = (0, 0, 0);
    for path in json_files(&dir) {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        assert_eq!(Format::detect(&name, &bytes), Some(Format::Csaf), "{name}");
        // Counted independently of the importer.
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        documents += 1;
        let expected = value["vulnerabilities"].as_array().map_or(0, Vec::len);
        vulnerabilities += expected;

        let out = parse(&name, &bytes);
        assert!(out.problems.is_empty(), "{name}: {:#?}", out.problems);
        assert_eq!(out.records.len(), expected, "{name}");
        for r in &out.records {
            assert_eq!(r.source, SourceKind::Csaf);
            assert!(
                r.published.is_some() && r.modified.is_some(),
                "{name}: {}",
                r.id
            );
            assert!(r.summary.is_some(), "{name}: {}", r.id);
        }
        records += out.records.len();
    }
    eprintln!("{documents} CSAF documents, {vulnerabilities} vulnerabilities, {records} records");
    assert!(documents >= 19, "{documents} documents");
    assert_eq!(records, vulnerabilities);
}

#[test]
fn vex_flag_justifies_not_affected() {
    let Some(out) = example("csaf_vex/sec-vex-2022-0001.json") else {
        return;
    };
    assert_eq!(out.records.len(), 3);
    let r = record(&out, "CVE-2021-44228");
    assert_eq!(
        r.related.iter().next().unwrap().as_str(),
        "SEC-VEX-2022-0001"
    );
    assert!(r.aliases.is_empty());
    let [p] = r.products.as_slice() else {
        panic!("{:#?}", r.products)
    };
    assert_eq!(p.vendor.as_deref(), Some("Secvisogram"));
    assert_eq!(p.product.as_deref(), Some("Secvisogram"));
    assert_eq!(statuses(p), [("<=1.14.0", Status::Unaffected)]);
    // Not a `vers:` range: the free-form "vers-like string".
    assert_eq!(p.versions[0].version_type.as_deref(), Some("vls"));
    // The flag wins over the impact statement.
    assert_eq!(p.justification.as_deref(), Some("component_not_present"));
}

#[test]
fn vex_impact_statement_when_no_flag() {
    let Some(out) = example("csaf_vex/2022-evd-uc-01-na-001.json") else {
        return;
    };
    let r = record(&out, "CVE-2021-44228");
    let [p] = r.products.as_slice() else {
        panic!("{:#?}", r.products)
    };
    assert_eq!(p.vendor.as_deref(), Some("Example Company"));
    assert_eq!(p.product.as_deref(), Some("ABC"));
    assert_eq!(statuses(p), [("4.2", Status::Unaffected)]);
    assert_eq!(p.versions[0].version_type.as_deref(), Some("csaf"));
    assert_eq!(
        p.justification.as_deref(),
        Some("Class with vulnerable code was removed before shipping.")
    );
    assert!(r.details.as_deref().unwrap().starts_with("Apache Log4j2"));
    assert_eq!(
        r.summary.as_deref(),
        Some("Example VEX Document Use Case 1 - Not Affected")
    );
}

#[test]
fn vex_with_every_status() {
    let Some(out) = example("csaf_vex/2022-evd-uc-08-001.json") else {
        return;
    };
    let r = record(&out, "CVE-2021-44228");
    let jkl: Vec<&AffectedProduct> = r
        .products
        .iter()
        .filter(|p| p.product.as_deref() == Some("JKL"))
        .collect();
    let got: Vec<_> = jkl.iter().flat_map(|p| statuses(p)).collect();
    assert_eq!(
        got,
        [
            ("vers:generic/>=4.5|<=5.0", Status::Affected),
            ("vers:generic/>=1.0|<=4.4", Status::Unaffected),
            ("5.1", Status::Fixed),
            // Fixed and recommended: one product, two statuses.
            ("5.2", Status::Fixed),
            ("5.2", Status::Recommended),
        ]
    );
    assert_eq!(jkl[0].versions[0].version_type.as_deref(), Some("vers"));
    assert_eq!(jkl[0].remediations.len(), 1);
    assert_eq!(jkl[0].remediations[0].category, "vendor_fix");
    assert_eq!(
        jkl[0].remediations[0].details,
        "Update to the new version 5.2 or later."
    );
    assert_eq!(
        jkl[1].justification.as_deref(),
        Some("Log4j was not included in those versions at all.")
    );
    // Affected products carry no justification.
    assert_eq!(jkl[0].justification, None);
    let [a, b] = r.severities.as_slice() else {
        panic!("{:#?}", r.severities)
    };
    assert_eq!(a.kind, SeverityKind::CvssV3);
    assert_eq!(a.score, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
    assert_eq!(a.base_score, Some(10.0));
    assert_eq!(a.by.as_deref(), Some("https://psirt.example.com"));
    assert!(b.score.ends_with("/MC:N/MI:N/MA:N"));

    let Some(out) = example("csaf_vex/2022-evd-uc-03-ms-001.json") else {
        return;
    };
    let status = |id: &str| statuses(&record(&out, id).products[0])[0].1;
    assert_eq!(status("CVE-2020-11896"), Status::UnderInvestigation);
    assert_eq!(status("CVE-2020-11897"), Status::Unaffected);
    assert_eq!(status("CVE-2020-11898"), Status::Affected);
    assert_eq!(status("CVE-2020-11901"), Status::Fixed);
}

#[test]
fn branches_and_relationships() {
    let Some(out) = example("rhsa-2022_0011.json") else {
        return;
    };
    let r = record(&out, "CVE-2020-10188");
    assert_eq!(r.related.iter().next().unwrap().as_str(), "RHSA-2022:0011");
    assert!(
        r.aliases
            .iter()
            .any(|a| a.as_str() == "https://bugzilla.redhat.com/show_bug.cgi?id=1811673")
    );
    assert_eq!(r.cwes.iter().next().map(String::as_str), Some("CWE-119"));
    assert_eq!(r.published.unwrap().to_string(), "2020-02-28T00:00:00Z");
    assert_eq!(r.products.len(), 15);
    let p = r
        .products
        .iter()
        .find(|p| {
            p.platforms.last().map(String::as_str)
                == Some("Red Hat Enterprise Linux Server E4S (v. 7.6)")
                && p.versions[0].version == "telnet-server-1:0.17-65.el7_6.ppc64le"
        })
        .expect("telnet-server on E4S, ppc64le");
    // The component's identity (vendor and architecture from its branch
    // path), the platform added by the relationship.
    assert_eq!(p.vendor.as_deref(), Some("Red Hat"));
    assert_eq!(
        p.platforms,
        ["ppc64le", "Red Hat Enterprise Linux Server E4S (v. 7.6)"]
    );
    assert_eq!(
        statuses(p),
        [("telnet-server-1:0.17-65.el7_6.ppc64le", Status::Fixed)]
    );
    assert_eq!(p.remediations.len(), 1);
    assert_eq!(p.remediations[0].category, "vendor_fix");
    // The platform's CPE is the platform's, not the component's.
    assert!(p.cpes.is_empty());
}

#[test]
fn nested_version_branches_and_helpers() {
    let Some(out) = example("cisco-sa-20180328-smi2.json") else {
        return;
    };
    let r = record(&out, "CVE-2018-0171");
    assert!(r.aliases.iter().any(|a| a.as_str() == "CSCvg76186"));
    // vendor → product_name → product_version → service_pack: the innermost
    // version wins.
    let p = r
        .products
        .iter()
        .find(|p| p.versions.iter().any(|v| v.version == "12.2(55)SE"))
        .unwrap();
    assert_eq!(p.vendor.as_deref(), Some("Cisco"));
    assert_eq!(p.product.as_deref(), Some("IOS"));
    assert_eq!(statuses(p), [("12.2(55)SE", Status::Affected)]);

    let Some(out) = example("bsi-2022-0001.json") else {
        return;
    };
    let r = record(&out, "CVE-2022-27193");
    let p = r
        .products
        .iter()
        .find(|p| p.versions[0].version == "1.0.0-rc2")
        .unwrap();
    assert_eq!(p.cpes, ["cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2"]);
    // Listed under both `fixed` and `first_fixed`: one entry.
    assert_eq!(statuses(p), [("1.0.0-rc2", Status::Fixed)]);
    assert_eq!(r.products.len(), 6);
    assert!(r.products[..5].iter().all(|p| p.remediations.len() == 1));

    // A product without a version: its status is the default status.
    let Some(out) = example("rhsa-2021_5217.json") else {
        return;
    };
    let p = &record(&out, "CVE-2021-4133").products[0];
    assert_eq!(p.product.as_deref(), Some("Red Hat Single Sign-On"));
    assert!(p.versions.is_empty());
    assert_eq!(p.default_status, Some(Status::Fixed));
}

/// The OASIS validator's mandatory tests: documents with one rule broken
/// (or, `-1x`, kept). They must import without panicking; what the importer
/// reports about them is printed, not asserted.
#[test]
fn validator_test_files_never_panic() {
    let Some(dir) = yata_testdata::path("csaf/validator-tests/mandatory") else {
        return;
    };
    let files = json_files(&dir);
    let (mut clean, mut with_problems, mut records) = (0, 0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        let out = parse(&name, &std::fs::read(path).unwrap());
        records += out.records.len();
        if out.problems.is_empty() {
            clean += 1;
        } else {
            with_problems += 1;
            for p in &out.problems {
                eprintln!("{p}");
            }
        }
    }
    eprintln!(
        "{} files: {clean} imported cleanly, {with_problems} with problems, {records} records",
        files.len()
    );
    assert!(!files.is_empty());
    assert_eq!(clean + with_problems, files.len());
}

// ---- located problems -------------------------------------------------------

/// Parses `json` and checks its problems: each `(path, part of message)`.
fn check(json: &str, problems: &[(&str, &str)]) -> Parsed {
    let out = parse("t.json", json.as_bytes());
    let got: Vec<(&str, &str)> = out
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(got.len(), problems.len(), "{got:#?}");
    for ((path, message), (want_path, want_message)) in got.iter().zip(problems) {
        assert_eq!(path, want_path, "{got:#?}");
        assert!(
            message.contains(want_message),
            "{message:?} lacks {want_message:?}"
        );
    }
    out
}

/// A minimal document around `tree` and `vulns`.
fn doc(tree: &str, vulns: &str) -> String {
    format!(
        r#"{{"document": {{"category": "csaf_base", "csaf_version": "2.0", "title": "T",
            "publisher": {{"category": "vendor", "name": "ACME", "namespace": "https://acme.example"}},
            "tracking": {{"id": "ACME-1", "initial_release_date": "2024-01-01T00:00:00Z",
                         "current_release_date": "2024-02-01T00:00:00Z", "status": "final", "version": "1",
                         "revision_history": []}}}},
          "product_tree": {tree}, "vulnerabilities": {vulns}}}"#
    )
}

const TREE: &str = r#"{
    "full_product_names": [
        {"product_id": "A", "name": "Product A", "product_identification_helper": {
            "purl": "pkg:generic/a@1", "hashes": [{"file_hashes": [{"algorithm": "sha256", "value": "00"}], "filename": "a"}],
            "sbom_urls": ["https://acme.example/sbom"], "x_generic_uris": [{"namespace": "https://x", "uri": "https://x/1"}]}},
        {"product_id": "B", "name": "Product B"}
    ],
    "product_groups": [{"group_id": "G", "product_ids": ["A", "B"]}]
}"#;

#[test]
fn unknown_product_ids_are_located_and_the_rest_imports() {
    let out = check(
        &doc(
            TREE,
            r#"[{"cve": "CVE-2024-0001",
                 "product_status": {"known_affected": ["A", "NOPE"]},
                 "remediations": [{"category": "workaround", "details": "w", "group_ids": ["G", "H"]}],
                 "flags": [{"label": "component_not_present", "product_ids": ["X"]}]},
                {"cve": "CVE-2024-0002", "product_status": {"fixed": ["B"]}}]"#,
        ),
        &[
            (
                "/vulnerabilities/0/product_status/known_affected/1",
                "unknown product id \"NOPE\"",
            ),
            ("/vulnerabilities/0/flags/0/product_ids/0", "\"X\""),
            (
                "/vulnerabilities/0/remediations/0/group_ids/1",
                "unknown product group id \"H\"",
            ),
        ],
    );
    assert_eq!(out.records.len(), 2);
    let r = &out.records[0];
    // A has a status and the remediation; B only the remediation.
    assert_eq!(r.products.len(), 2);
    assert_eq!(r.products[0].purl.as_deref(), Some("pkg:generic/a@1"));
    assert_eq!(r.products[0].default_status, Some(Status::Affected));
    assert_eq!(r.products[1].default_status, None);
    assert!(r.products.iter().all(|p| p.remediations.len() == 1));
    assert_eq!(
        out.records[1].products[0].default_status,
        Some(Status::Fixed)
    );
}

#[test]
fn a_malformed_vulnerability_costs_only_its_record() {
    let out = check(
        &doc(
            TREE,
            r#"[{"cve": 7}, {"cve": "CVE-2024-0002", "cwe": {"id": "CWE-079x", "name": "x"},
                              "release_date": "soon"}]"#,
        ),
        &[
            ("/vulnerabilities/0/cve", "invalid type"),
            ("/vulnerabilities/1/release_date", "invalid timestamp"),
            ("/vulnerabilities/1/cwe/id", "not a CWE id"),
        ],
    );
    let [r] = out.records.as_slice() else {
        panic!()
    };
    assert_eq!(r.id.as_str(), "CVE-2024-0002");
    // No release date: the document's.
    assert_eq!(r.published.unwrap().to_string(), "2024-01-01T00:00:00Z");
    assert_eq!(r.modified.unwrap().to_string(), "2024-02-01T00:00:00Z");
}

#[test]
fn whole_document_problems() {
    check("not json", &[("/", "line 1 column 2")]);
    check(
        r#"{"document": {}}"#,
        &[("/document", "missing field `tracking`")],
    );
    let out = check(
        &doc(
            r#"{"branches": 3}"#,
            r#"[{"cve": "CVE-2024-0001", "product_status": {"fixed": ["A"]}}]"#,
        ),
        &[("/product_tree/branches", "invalid type")],
    );
    // The vulnerability still imports, without products (and without a
    // problem per unresolvable reference).
    assert_eq!(out.records.len(), 1);
    assert!(out.records[0].products.is_empty());
}

#[test]
fn ids_aliases_and_related() {
    let out = check(
        &doc(
            "{}",
            r#"[{"ids": [{"system_name": "Tracker", "text": "Bug 12"},
                         {"system_name": "GHSA", "text": "GHSA-AAAA-BBBB-CCCC"}]},
                {"title": "no ids"},
                {"cve": "CVE-2024-0003", "ids": [{"system_name": "JVN", "text": "JVNDB-2024-000001"}]}]"#,
        ),
        &[],
    );
    let ids: Vec<&str> = out.records.iter().map(|r| r.id.as_str()).collect();
    // "Bug 12" is not an id; the fallback is the tracking id and the index.
    assert_eq!(ids, ["GHSA-aaaa-bbbb-cccc", "ACME-1#1", "CVE-2024-0003"]);
    let r = &out.records[2];
    assert_eq!(
        r.aliases.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        ["JVNDB-2024-000001"]
    );
    assert!(
        out.records
            .iter()
            .all(|r| r.related.iter().map(|a| a.as_str()).eq(["ACME-1"]))
    );
    assert_eq!(out.records[0].summary.as_deref(), Some("T"));
    assert_eq!(out.records[1].summary.as_deref(), Some("no ids"));
}

#[test]
fn relationship_problems() {
    let tree = r#"{
        "full_product_names": [{"product_id": "C", "name": "Component"}],
        "relationships": [
            {"category": "installed_on", "product_reference": "L2", "relates_to_product_reference": "C",
             "full_product_name": {"product_id": "L1", "name": "loop 1"}},
            {"category": "installed_on", "product_reference": "L1", "relates_to_product_reference": "C",
             "full_product_name": {"product_id": "L2", "name": "loop 2"}},
            {"category": "installed_on", "product_reference": "C", "relates_to_product_reference": "P?",
             "full_product_name": {"product_id": "C", "name": "again"}}
        ]}"#;
    let out = check(
        &doc(
            tree,
            r#"[{"cve": "CVE-2024-0001", "product_status": {"known_affected": ["L1", "L2"]}}]"#,
        ),
        &[
            ("/product_tree/relationships/0/product_reference", "loop"),
            (
                "/product_tree/relationships/2/relates_to_product_reference",
                "\"P?\"",
            ),
            (
                "/product_tree/relationships/2/full_product_name/product_id",
                "already defined",
            ),
        ],
    );
    let products = &out.records[0].products;
    assert_eq!(products.len(), 2);
    assert!(products.iter().all(|p| p.platforms == ["Component"]));
}

#[test]
fn remediation_without_products_and_conflicting_flags() {
    let out = check(
        &doc(
            TREE,
            r#"[{"cve": "CVE-2024-0001",
                 "product_status": {"known_not_affected": ["A", "B"]},
                 "flags": [{"label": "component_not_present", "group_ids": ["G"]},
                           {"label": "vulnerable_code_not_present", "product_ids": ["A"]}],
                 "threats": [{"category": "impact", "details": "no", "product_ids": ["B"]}],
                 "remediations": [{"category": "no_fix_planned", "details": "eol"}]}]"#,
        ),
        &[
            (
                "/vulnerabilities/0/flags/1",
                "already has the flag \"component_not_present\"",
            ),
            ("/vulnerabilities/0/remediations/0", "names no product"),
        ],
    );
    let products = &out.records[0].products;
    assert!(
        products
            .iter()
            .all(|p| p.justification.as_deref() == Some("component_not_present"))
    );
}

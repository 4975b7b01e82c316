//! CVE JSON 5 records: the whole CISA vulnrichment snapshot, known records
//! end to end, and located problems for broken ones.

use std::fs::File;

use jiff::Timestamp;
use yata_feeds::{Format, Parsed, Record, source};
use yata_model::{
    AffectedProduct, Kev, ProductVersion, Reference, Severity, SeverityKind, Ssvc, Status,
    StatusChange,
};

fn parse(json: &str) -> Parsed {
    let mut out = Parsed::default();
    yata_feeds::cve5::parse("test.json", json.as_bytes(), &mut out);
    out
}

fn parse_one(json: &str) -> Record {
    let mut out = parse(json);
    assert_eq!(out.problems, [], "{json}");
    assert_eq!(out.records.len(), 1);
    out.records.pop().unwrap()
}

fn ts(s: &str) -> Option<Timestamp> {
    Some(s.parse().unwrap())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The vulnrichment snapshot, parsed once for all the tests below.
fn vulnrichment() -> Option<&'static (Parsed, usize)> {
    static PARSED: std::sync::OnceLock<Option<(Parsed, usize)>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            let path = yata_testdata::path("cve5/vulnrichment-2024-10-24.zip")?;
            // Count the records independently of `source::read`.
            let archive = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
            let entries = archive
                .file_names()
                .map(|n| n.unwrap())
                .filter(|n| {
                    n.ends_with(".json") && n.rsplit('/').next().unwrap().starts_with("CVE-")
                })
                .count();
            let mut parsed = Parsed::default();
            source::read(
                &path,
                &source::Limits::default(),
                &mut |doc| match Format::detect(&doc.name, &doc.bytes) {
                    Some(format) => {
                        assert_eq!(format, Format::Cve5, "{}", doc.name);
                        format.parse(&doc.name, &doc.bytes, &mut parsed);
                    }
                    None => parsed.skip(&doc.name, "not a CVE record"),
                },
            )
            .unwrap();
            Some((parsed, entries))
        })
        .as_ref()
}

fn record(id: &str) -> Option<&'static Record> {
    let (parsed, _) = vulnrichment()?;
    Some(
        parsed
            .records
            .iter()
            .find(|r| r.id.as_str() == id)
            .unwrap_or_else(|| panic!("{id} not in the snapshot")),
    )
}

#[test]
fn vulnrichment_parses_without_problems() {
    let Some((parsed, entries)) = vulnrichment() else {
        return;
    };
    let shown: Vec<String> = parsed
        .problems
        .iter()
        .take(20)
        .map(|p| p.to_string())
        .collect();
    assert!(
        parsed.problems.is_empty(),
        "{} problems, first ones:\n{}",
        parsed.problems.len(),
        shown.join("\n")
    );
    assert_eq!(parsed.records.len(), *entries);
    assert!(*entries > 44_000, "{entries}");
    // Only the licence file is not a record.
    let skipped: Vec<&str> = parsed.skipped.iter().map(|p| p.file.as_str()).collect();
    assert!(
        skipped.len() == 1 && skipped[0].ends_with("!LICENSE"),
        "{skipped:?}"
    );

    let mut ids: Vec<&str> = parsed.records.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), parsed.records.len(), "duplicate ids");

    let count = |f: &dyn Fn(&Record) -> bool| parsed.records.iter().filter(|r| f(r)).count();
    let ssvc = count(&|r| r.ssvc.is_some());
    let kev = count(&|r| r.kev.is_some());
    let cvss = count(&|r| !r.severities.is_empty());
    let cpes = count(&|r| r.products.iter().any(|p| !p.cpes.is_empty()));
    let rejected = count(&|r| r.withdrawn.is_some());
    let changes = count(&|r| {
        r.products
            .iter()
            .any(|p| p.versions.iter().any(|v| !v.changes.is_empty()))
    });
    eprintln!(
        "cve5 vulnrichment: {} records ({entries} entries): {ssvc} with SSVC, {kev} with KEV \
         marker, {cvss} with CVSS, {cpes} with CPEs, {rejected} rejected, {changes} with changes",
        parsed.records.len()
    );
    // What the snapshot holds (counted independently with a JSON tool): every
    // published record has CISA's SSVC; 224 carry the KEV marker.
    assert_eq!(ssvc + rejected, parsed.records.len());
    assert_eq!(kev, 224);
    assert_eq!(rejected, 104);
    assert!(cvss > 30_000 && cpes > 15_000 && changes > 2_000);
}

#[test]
fn known_exploited_record() {
    let Some(r) = record("CVE-2024-3400") else {
        return;
    };
    assert_eq!(r.published, ts("2024-04-12T07:20:00.707Z"));
    assert_eq!(r.modified, ts("2024-08-01T20:12:06.667Z"));
    assert_eq!(r.withdrawn, None);
    assert_eq!(
        r.summary.as_deref(),
        Some(
            "PAN-OS: Arbitrary File Creation Leads to OS Command Injection Vulnerability in \
             GlobalProtect"
        )
    );
    assert!(
        r.details
            .as_deref()
            .unwrap()
            .starts_with("A command injection as a result of arbitrary file creation")
    );
    assert_eq!(
        r.cwes.iter().map(String::as_str).collect::<Vec<_>>(),
        ["CWE-20", "CWE-77"]
    );
    assert_eq!(
        r.severities,
        [Severity {
            kind: SeverityKind::CvssV3,
            score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H".into(),
            base_score: Some(10.0),
            by: Some("cna".into()),
        }]
    );
    // The CVE Program container repeats the CNA's references.
    assert_eq!(
        r.references,
        [
            ("vendor-advisory", "https://security.paloaltonetworks.com/CVE-2024-3400"),
            ("technical-description", "https://unit42.paloaltonetworks.com/cve-2024-3400/"),
            (
                "technical-description",
                "https://www.volexity.com/blog/2024/04/12/zero-day-exploitation-of-unauthenticated-remote-code-execution-vulnerability-in-globalprotect-cve-2024-3400/"
            ),
            (
                "technical-description",
                "https://www.paloaltonetworks.com/blog/2024/04/more-on-the-pan-os-cve/"
            ),
        ]
        .map(|(kind, url)| Reference {
            kind: Some(kind.into()),
            url: url.into()
        })
    );
    assert_eq!(
        r.ssvc,
        Some(Ssvc {
            exploitation: "active".into(),
            automatable: "yes".into(),
            technical_impact: "total".into(),
            timestamp: ts("2024-04-17T04:00:13.543064Z"),
            by: "CISA-ADP".into(),
            version: Some("2.0.3".into()),
        })
    );
    assert_eq!(
        r.kev,
        Some(Kev {
            vendor_project: "Palo Alto Networks".into(),
            product: "PAN-OS".into(),
            vulnerability_name: String::new(),
            date_added: "2024-04-12".parse().unwrap(),
            due_date: None,
            known_ransomware_campaign_use: String::new(),
            required_action: String::new(),
            short_description: String::new(),
            notes: "https://www.cisa.gov/known-exploited-vulnerabilities-catalog?search_api_fulltext=CVE-2024-3400".into(),
            catalog_version: None,
        })
    );
    // Three CNA products, then three from CISA's ADP with CPEs.
    assert_eq!(r.products.len(), 6);
    let pan_os = &r.products[0];
    assert_eq!(pan_os.vendor.as_deref(), Some("Palo Alto Networks"));
    assert_eq!(pan_os.default_status, Some(Status::Unaffected));
    assert_eq!(pan_os.versions.len(), 7);
    assert_eq!(
        pan_os.versions[4],
        ProductVersion {
            version: "10.2.0".into(),
            status: Status::Affected,
            version_type: Some("custom".into()),
            less_than: Some("10.2.9-h1".into()),
            less_than_or_equal: None,
            changes: vec![StatusChange {
                at: "10.2.9-h1".into(),
                status: Status::Unaffected
            }],
        }
    );
    let adp = &r.products[3];
    assert_eq!(
        adp.cpes,
        ["cpe:2.3:o:paloaltonetworks:pan-os:10.2.0:*:*:*:*:*:*:*"]
    );
    assert_eq!(adp.vendor.as_deref(), Some("paloaltonetworks"));
    assert_eq!(adp.default_status, Some(Status::Unknown));
    // Kept as written, trailing space and all.
    assert_eq!(adp.versions[0].less_than.as_deref(), Some("10.2.9-h1 "));
}

#[test]
fn rejected_record() {
    let Some(r) = record("CVE-2019-25161") else {
        return;
    };
    assert_eq!(r.published, ts("2024-02-26T17:20:20.190Z"));
    assert_eq!(r.modified, ts("2024-02-27T09:57:13.593Z"));
    assert_eq!(r.withdrawn, ts("2024-02-27T09:57:13.593Z"));
    assert_eq!(
        r.details.as_deref(),
        Some("This CVE ID has been rejected or withdrawn by its CVE Numbering Authority.")
    );
    assert_eq!(r.summary, None);
    assert!(r.products.is_empty() && r.severities.is_empty() && r.references.is_empty());
    assert_eq!((&r.ssvc, &r.kev), (&None, &None));
}

#[test]
fn record_with_changes_and_package_fields() {
    let Some(r) = record("CVE-2021-33630") else {
        return;
    };
    assert_eq!(
        r.summary.as_deref(),
        Some("NULL-ptr-deref in network sched")
    );
    assert_eq!(r.cwes.iter().collect::<Vec<_>>(), ["CWE-476"]);
    assert_eq!(r.references.len(), 15);
    assert!(r.references.iter().all(|r| r.kind.is_none()));
    assert_eq!(
        r.products,
        [AffectedProduct {
            package_name: Some("kernel".into()),
            collection_url: Some("https://gitee.com/src-openeuler".into()),
            platforms: strings(&["Linux"]),
            default_status: Some(Status::Unaffected),
            versions: vec![ProductVersion {
                version: "4.19.90".into(),
                status: Status::Affected,
                version_type: Some("git".into()),
                less_than: Some("4.19.90-2401.3".into()),
                less_than_or_equal: None,
                changes: vec![StatusChange {
                    at: "b2239f607df25fc401179e6dd4b7406f942a7632 net/sched: cbs: Fix not adding \
                         cbs instance to list"
                        .into(),
                    status: Status::Unaffected,
                }],
            }],
            ..AffectedProduct::named("openEuler", "kernel")
        }]
    );
    assert_eq!(
        r.ssvc
            .as_ref()
            .map(|s| (&*s.exploitation, &*s.automatable, &*s.technical_impact)),
        Some(("none", "no", "partial"))
    );
}

#[test]
fn record_enriched_by_cisa() {
    // MITRE-assigned: `n/a` vendor and product, dates without offset; CISA's
    // ADP adds the CVSS, the CWE and a product with a CPE.
    let Some(r) = record("CVE-2024-24328") else {
        return;
    };
    assert_eq!(r.published, ts("2024-01-30T00:00:00Z"));
    assert_eq!(r.modified, ts("2024-08-28T15:22:42.345Z"));
    assert_eq!(r.summary, None);
    assert_eq!(r.cwes.iter().collect::<Vec<_>>(), ["CWE-78"]);
    assert_eq!(
        r.severities,
        [Severity {
            kind: SeverityKind::CvssV3,
            score: "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
            base_score: Some(8.8),
            by: Some("adp:CISA-ADP".into()),
        }]
    );
    assert_eq!(r.products.len(), 2);
    assert_eq!(
        (&r.products[0].vendor, &r.products[0].product),
        (&None, &None)
    );
    assert_eq!(r.products[0].versions[0].version, "n/a");
    assert_eq!(
        r.products[1].cpes,
        ["cpe:2.3:o:totolink:a3300r_firmware:17.0.0cu.557_b20221024:*:*:*:*:*:*:*"]
    );
    assert_eq!(r.ssvc.as_ref().unwrap().exploitation, "poc");
    assert_eq!(r.kev, None);
}

// ---------------------------------------------------------------------------
// Hand-written records: variations and problems.

/// A minimal record with `cna` as the CNA container and `adp` as the ADPs.
fn cve(cna: &str, adp: &str) -> String {
    format!(
        r#"{{"dataType": "CVE_RECORD", "dataVersion": "5.1",
            "cveMetadata": {{"cveId": "CVE-2024-0001", "state": "PUBLISHED",
                             "datePublished": "2024-01-02T03:04:05Z"}},
            "containers": {{"cna": {cna}, "adp": [{adp}]}}}}"#
    )
}

#[test]
fn variations_are_tolerated() {
    let r = parse_one(&cve(
        r#"{
            "descriptions": [
                {"lang": "de", "value": "Eine Schwachstelle"},
                {"lang": "en-US", "value": "A \"quoted\" flaw"}
            ],
            "affected": [{"vendor": "N/A", "product": "", "versions": [
                {"status": "Affected", "lessThan": "2.0", "versionType": "semver"},
                {"version": "*", "status": "unknown"}
            ]}],
            "references": [{"url": "https://a.example", "tags": ["x_transferred", "Patch"]}]
        }"#,
        r#"{"providerMetadata": {"orgId": "x", "shortName": "CISA-ADP"},
            "references": [{"url": "https://a.example"}],
            "metrics": [{"other": {"type": "ssvc", "content": {"options": [
                {"Exploitation": "PoC"}, {"Automatable": "No"}, {"Technical Impact": "Total"}
            ]}}}, {"other": {"type": "Textual description", "content": {"version": 3}}}]}"#,
    ));
    assert_eq!(r.details.as_deref(), Some("A \"quoted\" flaw"));
    let p = &r.products[0];
    assert_eq!((&p.vendor, &p.product), (&None, &None));
    assert_eq!(p.versions[0].version, "");
    assert_eq!(p.versions[0].status, Status::Affected);
    assert_eq!(p.versions[0].less_than.as_deref(), Some("2.0"));
    assert_eq!(p.versions[1].version, "*");
    assert_eq!(
        r.references,
        [Reference {
            kind: Some("patch".into()),
            url: "https://a.example".into()
        }]
    );
    let ssvc = r.ssvc.unwrap();
    assert_eq!(
        (
            &*ssvc.exploitation,
            &*ssvc.automatable,
            &*ssvc.technical_impact,
            &*ssvc.by
        ),
        ("poc", "no", "total", "CISA-ADP")
    );

    // No containers at all, and a rejected record with only `dateUpdated`.
    let r = parse_one(
        r#"{"cveMetadata": {"cveId": "cve-2024-0002", "state": "REJECTED",
                            "dateUpdated": "2024-05-06"}}"#,
    );
    assert_eq!(r.id.as_str(), "CVE-2024-0002");
    assert_eq!(r.withdrawn, ts("2024-05-06T00:00:00Z"));
    assert_eq!(r.details, None);
}

#[track_caller]
fn check_problem(json: &str, pointer: &str, message: &str) {
    let out = parse(json);
    assert!(out.records.is_empty(), "{json}");
    assert_eq!(out.problems.len(), 1, "{json}");
    let p = &out.problems[0];
    assert_eq!(p.file, "test.json");
    assert_eq!(p.path, pointer, "{p}");
    assert!(p.message.contains(message), "{p}");
}

#[test]
fn problems_are_located() {
    check_problem(
        "{\"cveMetadata\": {\"cveId\": ",
        "/cveMetadata/cveId",
        "EOF",
    );
    check_problem("<cve/>", "/", "expected value");
    check_problem("\"CVE-2024-1\"", "/", "expected a CVE JSON 5 record");
    check_problem(&(cve("{}", "{}") + " trailing"), "/", "trailing characters");
    check_problem(
        r#"{"cveMetadata": {"state": "PUBLISHED"}}"#,
        "/cveMetadata",
        "missing field `cveId`",
    );
    check_problem(
        r#"{"cveMetadata": {"cveId": "CVE 1", "state": "PUBLISHED"}}"#,
        "/cveMetadata/cveId",
        "invalid character",
    );
    check_problem(
        r#"{"cveMetadata": {"cveId": "CVE-2024-1", "state": "RESERVED"}}"#,
        "/cveMetadata/state",
        "expected PUBLISHED or REJECTED",
    );
    check_problem(
        r#"{"cveMetadata": {"cveId": "CVE-2024-1", "state": "PUBLISHED", "dateUpdated": "soon"}}"#,
        "/cveMetadata/dateUpdated",
        "invalid timestamp",
    );
    check_problem(
        &cve(r#"{"affected": [{}, {"versions": "1.0"}]}"#, "{}"),
        "/containers/cna/affected/1/versions",
        "invalid type: string \"1.0\", expected a sequence",
    );
    check_problem(
        &cve(
            r#"{"affected": [{"versions": [{"version": "1", "status": "vulnerable"}]}]}"#,
            "{}",
        ),
        "/containers/cna/affected/0/versions/0/status",
        "expected affected, unaffected or unknown",
    );
    check_problem(
        &cve(
            "{}",
            r#"{}, {"metrics": [{"cvssV3_1": {"baseScore": "high"}}]}"#,
        ),
        "/containers/adp/1/metrics/0/cvssV3_1/baseScore",
        "invalid type: string \"high\", expected f64",
    );
    check_problem(
        &cve(
            "{}",
            r#"{"metrics": [{}, {"other": {"type": "kev", "content": {"dateAdded": 20240412}}}]}"#,
        ),
        "/containers/adp/0/metrics/1/other/content/dateAdded",
        "expected a string",
    );
    check_problem(
        &cve(
            "{}",
            r#"{"metrics": [{"other": {"type": "ssvc", "content": {"options": {"Exploitation": "none"}}}}]}"#,
        ),
        "/containers/adp/0/metrics/0/other/content/options",
        "expected a sequence",
    );
    check_problem(
        &cve("true", ""),
        "/containers/cna",
        "invalid type: boolean `true`, expected a CNA or ADP container",
    );
}

#[test]
fn never_panics_on_truncations() {
    let json = cve(
        r#"{"title": "t\u00e9", "affected": [{"versions": [{"version": "1", "status": "affected",
            "changes": [{"at": "2", "status": "unaffected"}]}]}]}"#,
        r#"{"metrics": [{"other": {"type": "kev", "content": {"dateAdded": "2024-01-01"}}}]}"#,
    );
    assert_eq!(parse(&json).records.len(), 1);
    for end in 0..json.len() {
        let out = parse(&json[..end]);
        assert_eq!(out.problems.len(), 1, "{}", &json[..end]);
    }
}

//! The CISA KEV catalog, JSON and CSV: the shared real catalog, and located
//! problems for bad entries.

use yata_feeds::{Parsed, kev};
use yata_model::{AffectedProduct, SourceKind};

fn parse(f: fn(&str, &[u8], &mut Parsed), text: &str) -> Parsed {
    let mut out = Parsed::default();
    f("kev", text.as_bytes(), &mut out);
    out
}

/// Parses `text` and compares the problems, as `path: message` lines (only
/// the start of each message), and the ids read.
fn check(f: fn(&str, &[u8], &mut Parsed), text: &str, problems: &[&str], ids: &[&str]) {
    let out = parse(f, text);
    let got: Vec<String> = out
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect();
    assert_eq!(got.len(), problems.len(), "{got:#?}");
    for (g, want) in got.iter().zip(problems) {
        assert!(g.starts_with(want), "{g:?} does not start with {want:?}");
    }
    let got: Vec<&str> = out.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(got, ids);
}

#[test]
fn shared_catalog_json_and_csv_agree() {
    let Some(dir) = yata_testdata::path("kev") else {
        return;
    };
    let json = std::fs::read(dir.join("known_exploited_vulnerabilities.json")).unwrap();
    let csv = std::fs::read(dir.join("known_exploited_vulnerabilities.csv")).unwrap();

    // The count, found without the parser: the header's `count`, the
    // `"cveID": "` keys, and the CSV lines that start a row with a CVE id.
    let header: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let count = header["count"].as_u64().unwrap() as usize;
    let text = String::from_utf8(json.clone()).unwrap();
    let keys = text.matches("\"cveID\": \"").count();
    let lines = String::from_utf8(csv.clone())
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("CVE-"))
        .count();
    assert_eq!((count, keys, lines), (1404, 1404, 1404));

    let mut from_json = Parsed::default();
    kev::parse_json("kev.json", &json, &mut from_json);
    let mut from_csv = Parsed::default();
    kev::parse_csv("kev.csv", &csv, &mut from_csv);
    assert_eq!(from_json.problems, vec![]);
    assert_eq!(from_csv.problems, vec![]);
    assert_eq!(from_json.records.len(), 1404);
    assert_eq!(from_csv.records.len(), 1404);

    for (j, c) in from_json.records.iter().zip(&from_csv.records) {
        assert_eq!(j.source, SourceKind::Kev);
        let mut j = j.clone();
        let kev = j.kev.as_mut().unwrap();
        assert_eq!(kev.catalog_version.as_deref(), Some("2025.08.25"));
        assert_eq!(c.kev.as_ref().unwrap().catalog_version, None);
        kev.catalog_version = None;
        assert_eq!(&j, c, "{}", c.id);
    }

    let first = &from_json.records[0];
    assert_eq!(first.id.as_str(), "CVE-2025-48384");
    assert_eq!(
        first.summary.as_deref(),
        Some("Git Link Following Vulnerability")
    );
    assert!(
        first
            .details
            .as_deref()
            .unwrap()
            .contains("Git’s inconsistent handling")
    );
    assert_eq!(first.products, vec![AffectedProduct::named("Git", "Git")]);
    assert_eq!(
        first.cwes.iter().map(String::as_str).collect::<Vec<_>>(),
        ["CWE-436", "CWE-59"]
    );
    let kev = first.kev.as_ref().unwrap();
    assert_eq!(kev.date_added.to_string(), "2025-08-25");
    assert_eq!(kev.due_date.unwrap().to_string(), "2025-09-15");
    assert_eq!(kev.known_ransomware_campaign_use, "Unknown");
    assert!(kev.notes.starts_with("This vulnerability affects a common"));
    let known = from_json
        .records
        .iter()
        .filter(|r| r.kev.as_ref().unwrap().known_ransomware_campaign_use == "Known")
        .count();
    assert_eq!(known, 293);
    assert_eq!(
        from_json
            .records
            .iter()
            .filter(|r| r.cwes.is_empty())
            .count(),
        152
    );
}

const ENTRY: &str = r#"{"cveID": "CVE-2021-44228", "vendorProject": "Apache",
  "product": "Log4j2", "vulnerabilityName": "Apache Log4j2 RCE",
  "dateAdded": "2021-12-10", "shortDescription": "JNDI features.",
  "requiredAction": "Apply updates.", "dueDate": "2021-12-24",
  "knownRansomwareCampaignUse": "Known", "notes": "", "cwes": ["CWE-917"]}"#;

fn catalog(entries: &[&str]) -> String {
    format!(
        r#"{{"catalogVersion": "2025.01.01", "dateReleased": "2025-01-01T00:00:00.000Z",
            "count": {}, "vulnerabilities": [{}]}}"#,
        entries.len(),
        entries.join(",")
    )
}

#[test]
fn json_problems_are_located() {
    let bad_date = ENTRY.replace("2021-12-10", "10/12/2021");
    let not_cve = ENTRY.replace("CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q");
    let bad_cwe = ENTRY.replace("CWE-917", "Log4Shell");
    let no_product = ENTRY.replace(r#""product": "Log4j2","#, "");
    let text = catalog(&[ENTRY, &bad_date, &not_cve, &bad_cwe, &no_product]);
    check(
        kev::parse_json,
        &text,
        &[
            "/vulnerabilities/1/dateAdded: kev: ",
            "/vulnerabilities/2/cveID: kev: \"GHSA-jfh8-c2jp-5v3q\" is not a CVE id",
            "/vulnerabilities/3/cwes: kev: \"Log4Shell\" is not a CWE id",
            "/vulnerabilities/4: kev: missing field `product`",
        ],
        &["CVE-2021-44228"],
    );
    // An empty or absent due date is none.
    let no_due = ENTRY.replace(r#""dueDate": "2021-12-24""#, r#""dueDate": """#);
    let out = parse(kev::parse_json, &catalog(&[&no_due]));
    assert_eq!(out.records[0].kev.as_ref().unwrap().due_date, None);
}

#[test]
fn json_document_problems() {
    // Before any key, the path is unknown (`/?`); the message has line and column.
    check(
        kev::parse_json,
        "{",
        &["/?: kev: EOF while parsing an object at line 1"],
        &[],
    );
    check(
        kev::parse_json,
        "1",
        &["/: kev: invalid type: integer"],
        &[],
    );
    check(
        kev::parse_json,
        "{}",
        &["/: kev: missing field `vulnerabilities`"],
        &[],
    );
    check(
        kev::parse_json,
        r#"{"catalogVersion": "1", "vulnerabilities": {}}"#,
        &["/vulnerabilities: kev: invalid type"],
        &[],
    );
    let wrong_count = catalog(&[ENTRY]).replace("\"count\": 1", "\"count\": 2");
    check(
        kev::parse_json,
        &wrong_count,
        &["/count: kev: the catalog says 2 entries but has 1"],
        &["CVE-2021-44228"],
    );
}

const CSV_HEADER: &str = "cveID,vendorProject,product,vulnerabilityName,dateAdded,\
    shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n";

#[test]
fn csv_problems_are_located() {
    let text = format!(
        "{CSV_HEADER}\
         CVE-2021-44228,Apache,Log4j2,\"Apache Log4j2 RCE\",2021-12-10,\"JNDI, features.\",\"Apply updates.\",2021-12-24,Known,,\"CWE-917, CWE-20\"\n\
         CVE-2021-0001,Apache,Log4j2,x,2021-13-10,x,x,,Unknown,,\n\
         CVE-2021-0002,Apache,Log4j2,x,2021-12-10,x,x,soon,Unknown,,\n\
         CVE-2021-0003,Apache,Log4j2\n\
         JVN#1234,Apache,Log4j2,x,2021-12-10,x,x,,Unknown,,\n\
         CVE-2021-0004,Apache,Log4j2,x,2021-12-10,x,x,,Unknown,,CWE-x\n\
         CVE-2021-0005,Apache,Log4j2,x,,x,x,,Unknown,,\n\
         CVE-2021-0006,Apache,Log4j2,x,2021-12-10,x,x,,Unknown,,\n"
    );
    check(
        kev::parse_csv,
        &text,
        &[
            "row 2, column dateAdded: kev: invalid date \"2021-13-10\"",
            "row 3, column dueDate: kev: invalid date \"soon\"",
            "row 4: kev: CSV error: record 4 (line: 5, byte: ",
            "row 5, column cveID: kev: \"JVN#1234\" is not a CVE id (line 6)",
            "row 6, column cwes: kev: \"CWE-x\" is not a CWE id (line 7)",
            "row 7, column dateAdded: kev: missing date (line 8)",
        ],
        &["CVE-2021-44228", "CVE-2021-0006"],
    );
    let out = parse(kev::parse_csv, &text);
    let first = &out.records[0];
    assert_eq!(first.details.as_deref(), Some("JNDI, features."));
    assert_eq!(first.cwes.len(), 2);
    assert_eq!(first.kev.as_ref().unwrap().notes, "");

    check(
        kev::parse_csv,
        "cveID,vendorProject\nCVE-2021-0001,x\n",
        &["row 0: kev: the header line has no `product` column"],
        &[],
    );
    check(
        kev::parse_csv,
        "",
        &["row 0: kev: the header line has no `cveID` column"],
        &[],
    );
}

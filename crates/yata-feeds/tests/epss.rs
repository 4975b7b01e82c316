//! FIRST EPSS CSV: a fixture in the real format (plain and gzipped, values
//! made up around real CVE ids), and located problems.

use std::path::Path;

use yata_feeds::{Format, Parsed, epss, source};
use yata_model::SourceKind;

const FIXTURE: &str = "tests/data/epss/epss_scores-2025-08-25.csv";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

fn parse(bytes: &[u8]) -> Parsed {
    let mut out = Parsed::default();
    epss::parse("epss.csv", bytes, &mut out);
    out
}

/// Parses `text` and compares the problems, as `path: message` lines (only
/// the start of each message), and the ids read.
fn check(text: &str, problems: &[&str], ids: &[&str]) {
    let out = parse(text.as_bytes());
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
fn fixture_has_one_record_per_row() {
    let bytes = fixture(FIXTURE);
    assert_eq!(Format::detect(FIXTURE, &bytes), Some(Format::Epss));
    let out = parse(&bytes);
    assert_eq!(out.problems, vec![]);
    let rows = String::from_utf8(bytes)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("CVE-"))
        .count();
    assert_eq!((rows, out.records.len()), (50, 50));

    let score = |id: &str| {
        let r = out.records.iter().find(|r| r.id.as_str() == id).unwrap();
        assert_eq!(r.source, SourceKind::Epss);
        let e = r.epss.as_ref().unwrap();
        assert_eq!(e.model_version, "v2025.03.14");
        assert_eq!(e.date.to_string(), "2025-08-25");
        (e.score, e.percentile)
    };
    assert_eq!(score("CVE-1999-0002"), (0.00043, 0.12345));
    assert_eq!(score("CVE-2021-44228"), (0.94358, 0.99986));
    assert_eq!(score("CVE-2014-0160"), (0.94469, 1.0));
    assert_eq!(score("CVE-2017-0144"), (1.0, 1.0));
    assert_eq!(score("CVE-2025-1000001"), (0.0, 0.0));
}

#[test]
fn gzip_is_read_directly_and_through_the_source() {
    let plain = parse(&fixture(FIXTURE)).records;

    let direct = parse(&fixture(&format!("{FIXTURE}.gz")));
    assert_eq!(direct.problems, vec![]);
    assert_eq!(direct.records, plain);

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("{FIXTURE}.gz"));
    let mut through = Parsed::default();
    source::read(&path, &source::Limits::default(), &mut |doc| {
        let format = Format::detect(&doc.name, &doc.bytes).unwrap();
        assert_eq!(format, Format::Epss);
        format.parse(&doc.name, &doc.bytes, &mut through);
    })
    .unwrap();
    assert_eq!(through.records, plain);

    // Gzip bytes are recognised whatever the name.
    let gz = fixture(&format!("{FIXTURE}.gz"));
    assert_eq!(Format::detect("scores.csv.gz", &gz), Some(Format::Epss));

    // A damaged stream is a problem of the document.
    let mut damaged = gz.clone();
    damaged.truncate(gz.len() / 2);
    let out = parse(&damaged);
    assert_eq!(out.records.len(), 0);
    assert_eq!(out.problems.len(), 1);
    assert!(
        out.problems[0].message.starts_with("epss: "),
        "{:?}",
        out.problems
    );
}

const HEADER: &str = "#model_version:v2023.03.01,score_date:2023-03-09T00:00:00+0000\n";

#[test]
fn row_problems_are_located() {
    let text = format!(
        "{HEADER}cve,epss,percentile\n\
         CVE-2021-44228,0.97565,0.99996\n\
         CVE-2021-0001,1.5,0.5\n\
         CVE-2021-0002,0.1,high\n\
         GHSA-jfh8-c2jp-5v3q,0.1,0.1\n\
         CVE-2021-0003,0.1\n\
         CVE-2021-0004,NaN,0.1\n\
         CVE-2021-0005,-0.0001,0.1\n\
         CVE-2021-0006,0.00043,0.1\n"
    );
    check(
        &text,
        &[
            "row 2, column epss: epss: \"1.5\" is not between 0 and 1",
            "row 3, column percentile: epss: \"high\" is not a number",
            "row 4, column cve: epss: \"GHSA-jfh8-c2jp-5v3q\" is not a CVE id",
            "row 5: epss: CSV error: record 5 (line: 6, byte: ",
            "row 6, column epss: epss: \"NaN\" is not between 0 and 1",
            "row 7, column epss: epss: \"-0.0001\" is not between 0 and 1",
        ],
        &["CVE-2021-44228", "CVE-2021-0006"],
    );
}

#[test]
fn the_date_comes_from_the_header_or_a_date_column() {
    // No header line and nothing else to date the rows with.
    check(
        "cve,epss,percentile\nCVE-2021-44228,0.97565,0.99996\n",
        &[": epss: no `#model_version:…,score_date:…` line and no `date` column"],
        &[],
    );
    // A `date` column dates each row; the model version is then unknown.
    let out = parse(b"cve,epss,percentile,date\nCVE-2021-44228,0.97565,0.99996,2024-02-01\n");
    assert_eq!(out.problems, vec![]);
    let e = out.records[0].epss.as_ref().unwrap();
    assert_eq!(
        (e.model_version.as_str(), e.date.to_string()),
        ("", "2024-02-01".into())
    );
    check(
        "cve,epss,percentile,date\nCVE-2021-44228,0.97565,0.99996,yesterday\n",
        &["row 1, column date: epss: invalid date \"yesterday\""],
        &[],
    );
    // CRLF line ends and a byte order mark are fine.
    let crlf = format!("\u{feff}{HEADER}cve,epss,percentile\r\nCVE-2021-44228,0.97565,0.99996\r\n")
        .replace('\n', "\r\n")
        .replace("\r\r", "\r");
    let out = parse(crlf.as_bytes());
    assert_eq!(out.problems, vec![]);
    assert_eq!(
        out.records[0].epss.as_ref().unwrap().date.to_string(),
        "2023-03-09"
    );
}

#[test]
fn header_problems() {
    check(
        "#model_version:v2023.03.01\ncve,epss,percentile\n",
        &["line 1: epss: the header line has no score_date"],
        &[],
    );
    check(
        "#score_date:2023-03-09T00:00:00+0000\ncve,epss,percentile\n",
        &["line 1: epss: the header line has no model_version"],
        &[],
    );
    check(
        "#model_version:v1,score_date:March\ncve,epss,percentile\n",
        &["line 1: epss: invalid score_date \"March\""],
        &[],
    );
    check(
        &format!("{HEADER}cve,epss\nCVE-2021-44228,0.97565\n"),
        &["row 0: epss: the column header line must name `cve`, `epss` and `percentile`"],
        &[],
    );
    check("", &["row 0: epss: the column header line must name"], &[]);
}

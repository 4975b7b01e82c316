//! JVN: JVNRSS 3.2 (`getVulnOverviewList`) and VULDEF 3.2
//! (`getVulnDetailInfo`) test files written after the MyJVN API
//! documentation, located problems, and hostile XML (entities are never
//! expanded).

use std::path::Path;
use std::time::{Duration, Instant};

use yata_feeds::{Format, Parsed, jvn};
use yata_model::{Record, Reference, SeverityKind, SourceKind, Status};

const RSS: &str = "tests/data/jvn/getVulnOverviewList.xml";
const VULDEF: &str = "tests/data/jvn/getVulnDetailInfo.xml";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

fn parse(f: fn(&str, &[u8], &mut Parsed), text: &str) -> Parsed {
    let mut out = Parsed::default();
    f("jvn.xml", text.as_bytes(), &mut out);
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

fn ids<'a>(set: impl IntoIterator<Item = &'a yata_model::VulnId>) -> Vec<&'a str> {
    set.into_iter().map(|i| i.as_str()).collect()
}

fn strings(set: &std::collections::BTreeSet<String>) -> Vec<&str> {
    set.iter().map(String::as_str).collect()
}

fn reference(kind: &str, url: &str) -> Reference {
    Reference {
        kind: Some(kind.to_owned()),
        url: url.to_owned(),
    }
}

#[test]
fn overview_list() {
    let text = fixture(RSS);
    assert_eq!(Format::detect(RSS, text.as_bytes()), Some(Format::JvnRss));
    let out = parse(jvn::parse_rss, &text);
    assert_eq!(out.problems, vec![]);
    let r = &out.records;
    assert_eq!(
        ids(r.iter().map(|r| &r.id)),
        [
            "JVNDB-2025-004211",
            "JVNDB-2025-000045",
            "JVNDB-2016-000012"
        ]
    );

    let first = &r[0];
    assert_eq!(first.source, SourceKind::Jvn);
    assert_eq!(
        first.summary.as_deref(),
        Some(
            "複数の Example Networks 製 VPN ゲートウェイにおける OS コマンドインジェクションの脆弱性"
        )
    );
    assert_eq!(
        first.details.as_deref(),
        Some(
            "Example Networks が提供する VPN ゲートウェイには、OS コマンドインジェクション（CWE-78）の脆弱性が存在します。\
             <br>遠隔の第三者によって、任意の OS コマンドを実行される可能性があります。"
        )
    );
    assert_eq!(ids(&first.aliases), ["CVE-2025-41001", "JVNVU#91234567"]);
    assert_eq!(strings(&first.cwes), ["CWE-78"]);
    assert_eq!(
        first.references,
        [
            reference(
                "advisory",
                "https://jvndb.jvn.jp/ja/contents/2025/JVNDB-2025-004211.html"
            ),
            reference("cve", "https://www.cve.org/CVERecord?id=CVE-2025-41001"),
            reference("nvd", "https://nvd.nist.gov/vuln/detail/CVE-2025-41001"),
            reference("jvn", "https://jvn.jp/vu/JVNVU91234567/index.html"),
            reference(
                "ics-cert advisory",
                "https://www.cisa.gov/news-events/ics-advisories/icsa-25-140-02"
            ),
        ]
    );
    let products: Vec<_> = first
        .products
        .iter()
        .map(|p| {
            (
                p.vendor.as_deref().unwrap(),
                p.product.as_deref().unwrap(),
                p.cpes.clone(),
            )
        })
        .collect();
    assert_eq!(
        products,
        [
            (
                "Example Networks",
                "SecureGate VPN",
                vec![
                    "cpe:/h:examplenetworks:securegate_vpn".to_owned(),
                    "cpe:/o:examplenetworks:securegate_os".to_owned()
                ]
            ),
            (
                "Example Networks",
                "EdgeGate",
                vec!["cpe:/h:examplenetworks:edgegate".to_owned()]
            ),
        ]
    );
    assert_eq!(first.severities.len(), 1);
    let s = &first.severities[0];
    assert_eq!(s.kind, SeverityKind::CvssV3);
    assert_eq!(s.score, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(s.base_score, Some(9.8));
    assert_eq!(first.published.unwrap().to_string(), "2025-05-30T06:02:10Z");
    assert_eq!(first.modified.unwrap().to_string(), "2025-06-02T00:12:44Z");

    let second = &r[1];
    assert_eq!(ids(&second.aliases), ["CVE-2025-30012", "JVN#12345678"]);
    assert_eq!(
        second.products[0].vendor.as_deref(),
        Some("株式会社サンプル")
    );
    assert_eq!(
        second.products[0].product.as_deref(),
        Some("サンプル文書管理システム")
    );
    let kinds: Vec<_> = second
        .severities
        .iter()
        .map(|s| (s.kind.clone(), s.base_score))
        .collect();
    assert_eq!(
        kinds,
        [
            (SeverityKind::CvssV2, Some(4.3)),
            (SeverityKind::CvssV3, Some(5.4))
        ]
    );
    assert_eq!(second.severities[0].score, "AV:N/AC:M/Au:N/C:N/I:P/A:N");

    // The data feeds' times have minutes but no seconds.
    let third = &r[2];
    assert_eq!(third.published.unwrap().to_string(), "2016-01-26T04:36:00Z");
    assert_eq!(ids(&third.aliases), ["CVE-2016-1001", "JVN#87654321"]);
    assert_eq!(strings(&third.cwes), ["CWE-22"]);
}

#[test]
fn detail_info() {
    let text = fixture(VULDEF);
    assert_eq!(
        Format::detect(VULDEF, text.as_bytes()),
        Some(Format::JvnVuldef)
    );
    let out = parse(jvn::parse_vuldef, &text);
    assert_eq!(out.problems, vec![]);
    assert_eq!(
        ids(out.records.iter().map(|r| &r.id)),
        ["JVNDB-2025-000045", "JVNDB-2024-012345"]
    );

    let first: &Record = &out.records[0];
    assert_eq!(first.source, SourceKind::Jvn);
    assert_eq!(
        first.summary.as_deref(),
        Some("サンプル文書管理システムにおける複数の脆弱性")
    );
    assert!(first.details.as_deref().unwrap().starts_with(
        "株式会社サンプルが提供するサンプル文書管理システムには、次の複数の脆弱性が存在します。<ul><li>格納型"
    ));
    // Two CVEs in one entry: related, not aliases, so they do not merge.
    assert_eq!(ids(&first.aliases), ["JVN#12345678"]);
    assert_eq!(ids(&first.related), ["CVE-2025-30012", "CVE-2025-30013"]);
    assert_eq!(strings(&first.cwes), ["CWE-22", "CWE-79"]);
    assert_eq!(first.products.len(), 2);
    let p = &first.products[0];
    assert_eq!(p.vendor.as_deref(), Some("株式会社サンプル"));
    assert_eq!(p.cpes, ["cpe:/a:sample:document_management_system"]);
    let versions: Vec<_> = p
        .versions
        .iter()
        .map(|v| (v.version.as_str(), v.status))
        .collect();
    assert_eq!(
        versions,
        [
            ("バージョン 3.2.1 およびそれ以前", Status::Affected),
            ("バージョン 4.0.0 から 4.0.3 まで", Status::Affected),
        ]
    );
    let cloud = &first.products[1];
    assert_eq!(
        cloud.product.as_deref(),
        Some("サンプル文書管理システム クラウド版")
    );
    assert!(cloud.cpes.is_empty());
    assert_eq!(
        cloud.versions[0].version,
        "2025年5月20日以前に提供されていたもの"
    );
    let sev: Vec<_> = first
        .severities
        .iter()
        .map(|s| (s.kind.clone(), s.score.as_str(), s.base_score))
        .collect();
    assert_eq!(
        sev,
        [
            (
                SeverityKind::CvssV2,
                "AV:N/AC:M/Au:N/C:N/I:P/A:N",
                Some(4.3)
            ),
            (
                SeverityKind::CvssV3,
                "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N",
                Some(5.4)
            ),
        ]
    );
    assert_eq!(
        first.references[0],
        reference(
            "vendor",
            "https://www.example.co.jp/support/security/20250528.html?lang=ja&ref=jvn"
        )
    );
    assert_eq!(first.references.len(), 5);
    assert_eq!(first.published.unwrap().to_string(), "2025-05-28T05:00:00Z");
    assert_eq!(first.modified.unwrap().to_string(), "2025-06-03T01:15:30Z");

    // One affected item, two CPEs: one product; JVN's `CWE-Other` is no CWE.
    let second = &out.records[1];
    assert_eq!(second.products.len(), 1);
    assert_eq!(
        second.products[0].cpes,
        ["cpe:/o:example:rx-100_firmware", "cpe:/h:example:rx-100"]
    );
    assert_eq!(second.products[0].versions.len(), 1);
    assert!(second.cwes.is_empty());
    assert!(second.severities.is_empty());
    assert_eq!(ids(&second.aliases), ["CVE-2024-55001", "JVNVU#90000001"]);
}

#[test]
fn rss_problems_are_located() {
    let text = fixture(RSS);
    let no_id = text.replacen("<sec:identifier>JVNDB-2025-000045</sec:identifier>", "", 1);
    check(
        jvn::parse_rss,
        &no_id,
        &["/rdf:RDF/item[2]: jvn: no sec:identifier"],
        &["JVNDB-2025-004211", "JVNDB-2016-000012"],
    );
    let bad_id = text.replacen(
        "JVNDB-2025-000045</sec:identifier>",
        "JVNDB 2025 000045</sec:identifier>",
        1,
    );
    check(
        jvn::parse_rss,
        &bad_id,
        &[
            "/rdf:RDF/item[2]/sec:identifier: jvn: vulnerability id \"JVNDB 2025 000045\": invalid character",
        ],
        &["JVNDB-2025-004211", "JVNDB-2016-000012"],
    );
    let bad_score = text.replacen("score=\"5.4\"", "score=\"high\"", 1);
    check(
        jvn::parse_rss,
        &bad_score,
        &["/rdf:RDF/item[2]/sec:cvss[2]/@score: jvn: \"high\" is not a CVSS score from 0 to 10"],
        &["JVNDB-2025-004211", "JVNDB-2016-000012"],
    );
    let bad_time = text.replacen(
        "<dcterms:issued>2016-01-26T13:36+09:00</dcterms:issued>",
        "<dcterms:issued>26 January 2016</dcterms:issued>",
        1,
    );
    check(
        jvn::parse_rss,
        &bad_time,
        &["/rdf:RDF/item[3]/dcterms:issued: jvn: invalid timestamp \"26 January 2016\""],
        &["JVNDB-2025-004211", "JVNDB-2025-000045"],
    );
    let error = text.replacen("retCd=\"0\"", "retCd=\"1\"", 1).replacen(
        "errMsg=\"\"",
        "errMsg=\"パラメタ不正\"",
        1,
    );
    let out = parse(jvn::parse_rss, &error);
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].path, "/rdf:RDF/status:Status");
    assert!(
        out.problems[0].message.ends_with(": パラメタ不正"),
        "{}",
        out.problems[0]
    );
    check(
        jvn::parse_rss,
        &fixture(VULDEF),
        &["/VULDEF-Document: jvn: the root element is not rdf:RDF (JVNRSS)"],
        &[],
    );
}

#[test]
fn vuldef_problems_are_located() {
    let text = fixture(VULDEF);
    let bad_base = text.replacen("<Base>5.4</Base>", "<Base>11</Base>", 1);
    check(
        jvn::parse_vuldef,
        &bad_base,
        &[
            "/VULDEF-Document/Vulinfo[1]/VulinfoData/Impact/Cvss[2]/Base: jvn: \"11\" is not a CVSS score",
        ],
        &["JVNDB-2024-012345"],
    );
    let no_id = text.replacen("<VulinfoID>JVNDB-2024-012345</VulinfoID>", "", 1);
    check(
        jvn::parse_vuldef,
        &no_id,
        &["/VULDEF-Document/Vulinfo[2]: jvn: no VulinfoID"],
        &["JVNDB-2025-000045"],
    );
    let bad_time = text.replacen(
        "<DateLastUpdated>2024-12-20T11:00:00+09:00",
        "<DateLastUpdated>2024-12-32",
        1,
    );
    check(
        jvn::parse_vuldef,
        &bad_time,
        &["/VULDEF-Document/Vulinfo[2]/VulinfoData/DateLastUpdated: jvn: invalid timestamp"],
        &["JVNDB-2025-000045"],
    );
    // A MyJVN error: a document with only the status.
    let error = r#"<?xml version="1.0" encoding="UTF-8"?>
        <VULDEF-Document version="3.2" xmlns="http://jvn.jp/vuldef/"
          xmlns:status="http://jvndb.jvn.jp/myjvn/Status">
          <status:Status version="3.3" method="getVulnDetailInfo" lang="ja" retCd="1"
            errCd="1000" errMsg="vulnId is invalid" feed="hnd" />
        </VULDEF-Document>"#;
    check(
        jvn::parse_vuldef,
        error,
        &[
            "/VULDEF-Document/status:Status: jvn: MyJVN answered with an error (retCd 1, errCd \"1000\"): vulnId is invalid",
        ],
        &[],
    );
    // The namespace the documentation shows (https) reads the same.
    let https = text.replace("\"http://jvn.jp/vuldef/\"", "\"https://jvn.jp/vuldef/\"");
    assert_eq!(
        parse(jvn::parse_vuldef, &https).records,
        parse(jvn::parse_vuldef, &text).records
    );
    check(
        jvn::parse_vuldef,
        &fixture(RSS),
        &["/rdf:RDF: jvn: the root element is not VULDEF-Document (VULDEF)"],
        &[],
    );
}

#[test]
fn malformed_documents() {
    let text = fixture(RSS);
    let cut = &text[..text.find("<sec:cvss score=\"9.8\"").unwrap() + 8];
    check(
        jvn::parse_rss,
        cut,
        &["/rdf:RDF/item: jvn: not well-formed XML at byte "],
        &[],
    );
    let mismatched = text.replacen("</title>", "</titel>", 2);
    check(
        jvn::parse_rss,
        &mismatched,
        &["/rdf:RDF/channel/title: jvn: not well-formed XML at byte "],
        &[],
    );
    check(jvn::parse_rss, "", &[": jvn: no root element"], &[]);
    check(
        jvn::parse_rss,
        "<a/><b/>",
        &[": jvn: a second root element <b>"],
        &[],
    );
    let mut latin1 = b"<rdf:RDF><item><title>caf".to_vec();
    latin1.extend_from_slice(b"\xe9</title></item></rdf:RDF>");
    let mut out = Parsed::default();
    jvn::parse_rss("jvn.xml", &latin1, &mut out);
    assert_eq!(out.problems.len(), 1);
    assert!(
        out.problems[0]
            .message
            .starts_with("jvn: not UTF-8 (invalid byte at 25)")
    );
    let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    check(
        jvn::parse_rss,
        &deep,
        &[
            "/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a: jvn: elements nest deeper than 64",
        ],
        &[],
    );
}

/// The billion laughs: ten levels of ten references, 10⁹ "lol"s if expanded.
const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:sec="http://jvn.jp/rss/mod_sec/3.0/">
  <item><sec:identifier>JVNDB-2025-000001</sec:identifier><title>&lol9;</title></item>
</rdf:RDF>"#;

#[test]
fn entities_are_never_expanded() {
    let started = Instant::now();
    check(
        jvn::parse_rss,
        BILLION_LAUGHS,
        &[": jvn: the DOCTYPE declares entities: refused, entities are never expanded"],
        &[],
    );
    assert!(started.elapsed() < Duration::from_secs(1));

    let external = r#"<?xml version="1.0"?>
        <!DOCTYPE VULDEF-Document [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
        <VULDEF-Document xmlns="http://jvn.jp/vuldef/"><Vulinfo>
          <VulinfoID>JVNDB-2025-000001</VulinfoID>
          <VulinfoData><Title>&xxe;</Title></VulinfoData>
        </Vulinfo></VULDEF-Document>"#;
    check(
        jvn::parse_vuldef,
        external,
        &[": jvn: the DOCTYPE declares entities: refused"],
        &[],
    );
    let parameter =
        r#"<!DOCTYPE r [ <!ENTITY % ext SYSTEM "http://example.invalid/x.dtd"> %ext; ]><r/>"#;
    check(
        jvn::parse_rss,
        parameter,
        &[": jvn: the DOCTYPE declares entities: refused"],
        &[],
    );

    // Without a declaration, a reference is an error, never a lookup.
    let undeclared =
        fixture(VULDEF).replacen("<Title>Example Router", "<Title>&xxe;Example Router", 1);
    check(
        jvn::parse_vuldef,
        &undeclared,
        &[
            "/VULDEF-Document/Vulinfo/VulinfoData/Title: jvn: reference to the undeclared entity &xxe;",
        ],
        &[],
    );
    let in_attribute = fixture(RSS).replacen("score=\"9.8\"", "score=\"&xxe;\"", 1);
    check(
        jvn::parse_rss,
        &in_attribute,
        &["/rdf:RDF/item: jvn: <sec:cvss> attribute score: "],
        &[],
    );

    // A DOCTYPE naming an external DTD, declaring nothing, is read (the DTD
    // is never fetched); character references are resolved.
    let plain = fixture(RSS)
        .replacen(
            "<rdf:RDF",
            "<!DOCTYPE rdf:RDF SYSTEM \"http://example.invalid/jvnrss.dtd\">\n<rdf:RDF",
            1,
        )
        .replacen("<title>サンプル", "<title>&#x30B5;&#12531;プル", 1);
    let out = parse(jvn::parse_rss, &plain);
    assert_eq!(out.problems, vec![]);
    assert_eq!(out.records.len(), 3);
    assert!(
        out.records[1]
            .summary
            .as_deref()
            .unwrap()
            .starts_with("サンプル文書管理システム")
    );
}

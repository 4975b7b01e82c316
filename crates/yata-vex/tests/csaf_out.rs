//! The CSAF VEX writer: grouping, merging and deduplication, products,
//! metadata, located errors, and a property test over random statement
//! lists (valid, order-independent, reads back as documented).

mod csaf_model;

use csaf_model::{Outcome, meta};
use proptest::prelude::*;
use serde_json::Value;
use yata_purl::Purl;
use yata_vex::{
    CsafMeta, Format, Justification, JustificationKind, ProductRef, Statement, Status, to_csaf_vex,
};

fn purl(s: &str) -> ProductRef {
    ProductRef::Purl(s.parse::<Purl>().unwrap())
}

fn name(vendor: Option<&str>, product: &str, version: Option<&str>) -> ProductRef {
    ProductRef::Name {
        vendor: vendor.map(Into::into),
        product: product.into(),
        version: version.map(Into::into),
    }
}

fn statement(vulnerability: &str, products: Vec<ProductRef>, status: Status) -> Statement {
    Statement {
        vulnerability: vulnerability.into(),
        aliases: Vec::new(),
        products,
        subcomponents: Vec::new(),
        status,
        justification: None,
        impact_statement: None,
        action_statement: None,
        timestamp: None,
        source: Format::OpenVex,
    }
}

fn justified(mut s: Statement, kind: JustificationKind) -> Statement {
    s.justification = Some(Justification {
        kind,
        as_written: kind.as_str().into(),
    });
    s
}

/// One line per product and per vulnerability of a written document:
/// `CSAFPID-0001 <name> [purl …] [cpe …]` and `<cve or ids>: <status>=<ids>
/// flag:<label>=<ids> threat:<details>=<ids> remediation:<category>:<details>=<ids>`
/// (product ids by number).
fn render(written: &str) -> String {
    let doc: Value = serde_json::from_str(written).unwrap();
    let mut out = Vec::new();
    let mut products = Vec::new();
    fn walk(branches: &Value, path: String, out: &mut Vec<(String, String)>) {
        for b in branches.as_array().into_iter().flatten() {
            let here = format!("{path}{}:{}/", b["category"].as_str().unwrap(), b["name"]);
            if let Some(p) = b.get("product") {
                out.push((
                    p["product_id"].as_str().unwrap().to_owned(),
                    format!("{here} {}", p["name"]),
                ));
            }
            walk(&b["branches"], here, out);
        }
    }
    walk(
        &doc["product_tree"]["branches"],
        String::new(),
        &mut products,
    );
    for p in doc["product_tree"]["full_product_names"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let mut line = p["name"].to_string();
        for key in ["purl", "cpe"] {
            if let Some(v) = p["product_identification_helper"][key].as_str() {
                line.push_str(&format!(" {key} {v}"));
            }
        }
        products.push((p["product_id"].as_str().unwrap().to_owned(), line));
    }
    products.sort();
    for (id, line) in products {
        out.push(format!("{id} {line}"));
    }
    let number = |ids: &Value| -> String {
        let n: Vec<&str> = ids
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().trim_start_matches("CSAFPID-"))
            .collect();
        n.join(",")
    };
    for v in doc["vulnerabilities"].as_array().unwrap() {
        let mut line = String::new();
        if let Some(cve) = v["cve"].as_str() {
            line.push_str(cve);
        }
        for id in v["ids"].as_array().into_iter().flatten() {
            line.push_str(&format!(
                " {}:{}",
                id["system_name"].as_str().unwrap(),
                id["text"].as_str().unwrap()
            ));
        }
        line.push(':');
        for (status, ids) in v["product_status"].as_object().unwrap() {
            line.push_str(&format!(" {status}={}", number(ids)));
        }
        for f in v["flags"].as_array().into_iter().flatten() {
            line.push_str(&format!(
                " flag:{}={}",
                f["label"].as_str().unwrap(),
                number(&f["product_ids"])
            ));
        }
        for t in v["threats"].as_array().into_iter().flatten() {
            line.push_str(&format!(
                " threat:{:?}={}",
                t["details"].as_str().unwrap(),
                number(&t["product_ids"])
            ));
        }
        for r in v["remediations"].as_array().into_iter().flatten() {
            line.push_str(&format!(
                " remediation:{}:{:?}={}",
                r["category"].as_str().unwrap(),
                r["details"].as_str().unwrap(),
                number(&r["product_ids"])
            ));
        }
        out.push(line);
    }
    out.join("\n")
}

/// Writes `statements`, checks the result as the corpus tests do, and
/// compares its rendering.
#[track_caller]
fn check(statements: &[Statement], expect: &str) {
    let outcome = csaf_model::check(statements);
    assert!(matches!(outcome, Outcome::Written(_)), "{outcome:?}");
    let got = render(&to_csaf_vex(statements, &meta()).unwrap());
    assert_eq!(got.trim(), expect.trim(), "\n{got}");
}

#[track_caller]
fn error(statements: &[Statement], meta: &CsafMeta) -> String {
    to_csaf_vex(statements, meta).unwrap_err().to_string()
}

/// Statements naming a CVE by an alias join the CVE's entry; other ids
/// keep theirs, first in `ids`; products are numbered in product order.
#[test]
fn grouped_by_cve_else_by_id() {
    let lodash = purl("pkg:npm/lodash@4.17.20");
    let mut ghsa = statement(
        "GHSA-35jh-r3h4-6jhm",
        vec![lodash.clone()],
        Status::Affected,
    );
    ghsa.aliases = vec!["CVE-2021-23337".into(), "OSV-1".into()];
    let cve = statement(
        "CVE-2021-23337",
        vec![purl("pkg:npm/lodash@4.17.21")],
        Status::Fixed,
    );
    let mut rustsec = statement(
        "RUSTSEC-2024-0001",
        vec![purl("pkg:cargo/a@1.0.0")],
        Status::UnderInvestigation,
    );
    rustsec.aliases = vec!["GHSA-aaaa-bbbb-cccc".into()];
    check(
        &[rustsec, ghsa, cve],
        r#"
CSAFPID-0001 "pkg:cargo/a@1.0.0" purl pkg:cargo/a@1.0.0
CSAFPID-0002 "pkg:npm/lodash@4.17.20" purl pkg:npm/lodash@4.17.20
CSAFPID-0003 "pkg:npm/lodash@4.17.21" purl pkg:npm/lodash@4.17.21
CVE-2021-23337 GHSA:GHSA-35jh-r3h4-6jhm OSV:OSV-1: fixed=0003 known_affected=0002 remediation:none_available:"No remediation has been stated for this product yet."=0002
 RUSTSEC:RUSTSEC-2024-0001 GHSA:GHSA-aaaa-bbbb-cccc: under_investigation=0001 remediation:none_available:"The product is under investigation; no remediation is known yet."=0001
"#,
    );
}

/// Equal statements are written once; statements that agree about a
/// product merge their texts; flags, threats and remediations name every
/// product they apply to.
#[test]
fn merged_and_deduplicated() {
    let a = purl("pkg:pypi/a@1.0");
    let b = purl("pkg:pypi/b@2.0");
    let cpe = ProductRef::Cpe("cpe:2.3:a:acme:b:2.0:*:*:*:*:*:*:*".into());
    let mut one = justified(
        statement("CVE-2024-0001", vec![a.clone()], Status::NotAffected),
        JustificationKind::VulnerableCodeNotPresent,
    );
    one.impact_statement = Some("The parser is not built.".into());
    // Another statement about `a`, agreeing, with another text.
    let mut two = one.clone();
    two.impact_statement = Some("Checked by the vendor.".into());
    // One product named by a purl and a CPE, not affected without
    // justification and without impact statement: the generic text.
    let three = statement("CVE-2024-0001", vec![b, cpe], Status::NotAffected);
    let mut four = statement(
        "CVE-2024-0002",
        vec![a.clone(), name(Some("Acme"), "Suite", Some("5"))],
        Status::Affected,
    );
    four.action_statement =
        Some("vendor_fix: Update to 5.1.\nworkaround: Disable the parser.".into());
    let mut five = statement(
        "CVE-2024-0002",
        vec![name(None, "Gadget", None)],
        Status::Affected,
    );
    five.action_statement = Some("Restrict access: to admins.".into());
    let statements = [
        one.clone(),
        two,
        three.clone(),
        one.clone(),
        four,
        five,
        three,
    ];
    check(
        &statements,
        r#"
CSAFPID-0001 "pkg:pypi/a@1.0" purl pkg:pypi/a@1.0
CSAFPID-0002 "pkg:pypi/b@2.0" purl pkg:pypi/b@2.0 cpe cpe:2.3:a:acme:b:2.0:*:*:*:*:*:*:*
CSAFPID-0003 "Gadget"
CSAFPID-0004 vendor:"Acme"/product_name:"Suite"/product_version:"5"/ "Acme Suite 5"
CVE-2024-0001: known_not_affected=0001,0002 flag:vulnerable_code_not_present=0001 threat:"Checked by the vendor."=0001 threat:"The parser is not built."=0001 threat:"The publisher states that this product is not affected; no justification was given."=0002
CVE-2024-0002: known_affected=0001,0003,0004 remediation:mitigation:"Restrict access: to admins."=0003 remediation:vendor_fix:"Update to 5.1."=0001,0004 remediation:workaround:"Disable the parser."=0001,0004
"#,
    );
    // Duplicates add nothing.
    let once = to_csaf_vex(&statements[..], &meta()).unwrap();
    let mut twice = statements.to_vec();
    twice.extend_from_slice(&statements);
    assert_eq!(to_csaf_vex(&twice, &meta()).unwrap(), once);
}

/// Names with vendor or version become branches (a version that reads as
/// a range as `product_version_range`); bom-refs and other identifiers
/// become names; subcomponents are not written.
#[test]
fn products() {
    let mut s = statement(
        "CVE-2024-0003",
        vec![
            name(Some("Acme"), "Suite", None),
            name(Some("Acme"), "Suite", Some("5")),
            name(Some("Acme"), "Suite", Some("all versions before 5")),
            name(None, "Tool", Some("vers:semver/<2.0")),
            ProductRef::BomRef("urn:cdx:x/1#a".into()),
            ProductRef::Other("https://example.com/p".into()),
        ],
        Status::Fixed,
    );
    s.subcomponents = vec![purl("pkg:npm/inner@1")];
    check(
        &[s],
        r#"
CSAFPID-0001 vendor:"Acme"/product_name:"Suite"/ "Acme Suite"
CSAFPID-0002 vendor:"Acme"/product_name:"Suite"/product_version:"5"/ "Acme Suite 5"
CSAFPID-0003 vendor:"Acme"/product_name:"Suite"/product_version_range:"all versions before 5"/ "Acme Suite all versions before 5"
CSAFPID-0004 product_name:"Tool"/product_version_range:"vers:semver/<2.0"/ "Tool vers:semver/<2.0"
CSAFPID-0005 "https://example.com/p"
CSAFPID-0006 "urn:cdx:x/1#a"
CVE-2024-0003: fixed=0001,0002,0003,0004,0005,0006
"#,
    );
}

/// A CPE the schema's pattern does not describe is written, and read back,
/// as a name; it no longer pairs with the purl before it.
#[test]
fn malformed_cpe_is_a_name() {
    let s = statement(
        "CVE-2024-0003",
        vec![
            purl("pkg:npm/a@1"),
            ProductRef::Cpe("cpe:2.3:a:acme".into()),
        ],
        Status::Fixed,
    );
    let written = to_csaf_vex(std::slice::from_ref(&s), &meta()).unwrap();
    assert_eq!(
        render(&written),
        r#"CSAFPID-0001 "pkg:npm/a@1" purl pkg:npm/a@1
CSAFPID-0002 "cpe:2.3:a:acme"
CVE-2024-0003: fixed=0001,0002"#
    );
    assert!(yata_csaf::validate(written.as_bytes()).unwrap().is_valid());
    let back = yata_vex::parse(written.as_bytes()).unwrap();
    let products: Vec<&[ProductRef]> = back.statements.iter().map(|s| &s.products[..]).collect();
    assert_eq!(
        products,
        [
            &[purl("pkg:npm/a@1")][..],
            &[name(None, "cpe:2.3:a:acme", None)][..]
        ]
    );
}

#[test]
fn metadata() {
    let statements = [statement(
        "CVE-2024-0004",
        vec![purl("pkg:npm/a@1")],
        Status::Fixed,
    )];
    let written = |tlp: Option<&str>| -> Value {
        let meta = CsafMeta {
            tlp: tlp.map(Into::into),
            ..meta()
        };
        serde_json::from_str(&to_csaf_vex(&statements, &meta).unwrap()).unwrap()
    };
    let doc = written(Some("CLEAR"));
    let document = &doc["document"];
    assert_eq!(document["category"], "csaf_vex");
    assert_eq!(document["csaf_version"], "2.0");
    assert_eq!(document["title"], "Example organisation: VEX");
    assert_eq!(
        document["publisher"],
        serde_json::json!({"category": "user", "name": "Example organisation", "namespace": "https://example.org"})
    );
    let tracking = &document["tracking"];
    assert_eq!(tracking["id"], "YATA-VEX-2024-0001");
    assert_eq!(tracking["status"], "final");
    assert_eq!(tracking["version"], "1");
    for date in [
        &tracking["initial_release_date"],
        &tracking["current_release_date"],
        &tracking["revision_history"][0]["date"],
    ] {
        assert_eq!(date, "2024-06-01T09:30:00Z");
    }
    assert_eq!(tracking["revision_history"].as_array().unwrap().len(), 1);
    // TLP 2.0 in CSAF 2.0's TLP 1.0 labels.
    for (given, label) in [
        ("CLEAR", "WHITE"),
        ("tlp:clear", "WHITE"),
        ("GREEN", "GREEN"),
        ("AMBER", "AMBER"),
        ("RED", "RED"),
    ] {
        assert_eq!(
            written(Some(given))["document"]["distribution"],
            serde_json::json!({"tlp": {"label": label}}),
            "{given}"
        );
    }
    let strict = written(Some("AMBER+STRICT"));
    assert_eq!(strict["document"]["distribution"]["tlp"]["label"], "AMBER");
    assert!(
        strict["document"]["distribution"]["text"]
            .as_str()
            .unwrap()
            .starts_with("TLP:AMBER+STRICT")
    );
    // Without TLP there is no distribution, and only optional test 6.2.10
    // more fails.
    let none = written(None);
    assert!(none["document"].get("distribution").is_none());
    let report = yata_csaf::validate(none.to_string().as_bytes()).unwrap();
    assert!(report.is_valid() && report.failed("6.2.10"));
}

/// Located errors, never a panic, and never a document the validator
/// would reject.
#[test]
fn errors() {
    let ok = statement("CVE-2024-0005", vec![purl("pkg:npm/a@1")], Status::Affected);
    let m = meta();
    let bad = |f: fn(&mut Statement)| {
        let mut s = ok.clone();
        f(&mut s);
        error(&[ok.clone(), s], &m)
    };
    assert_eq!(
        error(&[], &m),
        "csaf: statements: empty: a CSAF VEX document needs at least one vulnerability"
    );
    assert_eq!(
        bad(|s| s.products.clear()),
        "csaf: statements[1].products: none: a CSAF product status names at least one product"
    );
    assert_eq!(
        bad(|s| s.vulnerability = " ".into()),
        "csaf: statements[1].vulnerability: empty"
    );
    assert_eq!(
        bad(|s| s.aliases = vec!["GHSA-1".into(), "".into()]),
        "csaf: statements[1].aliases[1]: empty"
    );
    assert_eq!(
        bad(|s| s.products.push(name(Some(""), "x", None))),
        "csaf: statements[1].products[1]: empty identifier, vendor, product or version"
    );
    assert_eq!(
        bad(|s| s.products.push(ProductRef::Other(String::new()))),
        "csaf: statements[1].products[1]: empty identifier, vendor, product or version"
    );
    assert_eq!(
        bad(|s| s.status = Status::Fixed),
        "csaf: statements[1]: CVE-2024-0005: pkg:npm/a@1 is fixed here but affected in \
         statements[0]; a CSAF document gives a product one status per vulnerability"
    );
    // Through an alias: the same CVE.
    assert_eq!(
        bad(|s| {
            s.vulnerability = "GHSA-1".into();
            s.aliases = vec!["CVE-2024-0005".into()];
            s.status = Status::UnderInvestigation;
        }),
        "csaf: statements[1]: CVE-2024-0005: pkg:npm/a@1 is under_investigation here but \
         affected in statements[0]; a CSAF document gives a product one status per vulnerability"
    );
    let na = |kind| {
        justified(
            statement(
                "CVE-2024-0006",
                vec![purl("pkg:npm/a@1")],
                Status::NotAffected,
            ),
            kind,
        )
    };
    assert_eq!(
        error(
            &[
                na(JustificationKind::ComponentNotPresent),
                na(JustificationKind::InlineMitigationsAlreadyExist)
            ],
            &m
        ),
        "csaf: statements[1]: CVE-2024-0006: pkg:npm/a@1 is not affected with \
         inline_mitigations_already_exist here but component_not_present in statements[0]; \
         a CSAF document gives a product one justification per vulnerability"
    );
    // A justification on another status is not written, so it cannot
    // conflict.
    let fixed = |kind| {
        justified(
            statement("CVE-2024-0006", vec![purl("pkg:npm/b@1")], Status::Fixed),
            kind,
        )
    };
    let outcome = csaf_model::check(&[
        fixed(JustificationKind::ComponentNotPresent),
        fixed(JustificationKind::InlineMitigationsAlreadyExist),
    ]);
    assert!(matches!(outcome, Outcome::Written(_)), "{outcome:?}");

    let with = |f: fn(&mut CsafMeta)| {
        let mut m = meta();
        f(&mut m);
        error(std::slice::from_ref(&ok), &m)
    };
    assert_eq!(
        with(|m| m.id = " X".into()),
        r#"csaf: meta.id: " X": empty, or white space at either end or a line break"#
    );
    assert_eq!(with(|m| m.title = "".into()), "csaf: meta.title: empty");
    assert_eq!(
        with(|m| m.publisher_name = " ".into()),
        "csaf: meta.publisher_name: empty"
    );
    assert_eq!(
        with(|m| m.publisher_category = "Vendor".into()),
        r#"csaf: meta.publisher_category: "Vendor" is not one of coordinator, discoverer, other, translator, user, vendor"#
    );
    assert_eq!(
        with(|m| m.publisher_namespace = "example.org".into()),
        r#"csaf: meta.publisher_namespace: "example.org" is not an http(s) URL"#
    );
    assert_eq!(
        with(|m| m.tlp = Some("PURPLE".into())),
        r#"csaf: meta.tlp: "PURPLE" is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED"#
    );
}

/// Product ids sort by number past 9999 (`CSAFPID-10000` after
/// `CSAFPID-9999`), and the document stays valid.
#[test]
fn many_products() {
    let products: Vec<ProductRef> = (0..10_001)
        .map(|i| purl(&format!("pkg:npm/p{i:05}@1")))
        .collect();
    let written = to_csaf_vex(
        &[statement("CVE-2024-0007", products, Status::Fixed)],
        &meta(),
    )
    .unwrap();
    let doc: Value = serde_json::from_str(&written).unwrap();
    let fixed = doc["vulnerabilities"][0]["product_status"]["fixed"]
        .as_array()
        .unwrap();
    assert_eq!(fixed.len(), 10_001);
    assert_eq!(fixed[9998], "CSAFPID-9999");
    assert_eq!(fixed[10_000], "CSAFPID-10001");
    assert!(yata_csaf::validate(written.as_bytes()).unwrap().is_valid());
}

const VULNS: [&str; 6] = [
    "CVE-2024-0001",
    "CVE-2024-0002",
    "GHSA-aaaa-bbbb-cccc",
    "RUSTSEC-2024-0001",
    "JVNDB-2024-000001",
    "other-id",
];

fn product_pool() -> Vec<ProductRef> {
    vec![
        purl("pkg:npm/a@1.0.0"),
        purl("pkg:pypi/b@2.0"),
        purl("pkg:deb/debian/c@1.2-3?arch=amd64"),
        ProductRef::Cpe("cpe:2.3:a:acme:widget:1.0:*:*:*:*:*:*:*".into()),
        ProductRef::Cpe("cpe:/a:acme:gadget:2".into()),
        name(Some("Acme"), "Widget", Some("1.0")),
        name(Some("Acme"), "Widget", None),
        name(None, "Tool", Some("< 2.0")),
        name(None, "Gadget", None),
        ProductRef::Other("https://example.com/p".into()),
        ProductRef::BomRef("ref-1".into()),
    ]
}

const TEXTS: [Option<&str>; 5] = [
    None,
    Some("Not reachable."),
    Some("vendor_fix: Update to 2.0.\nworkaround: Disable X."),
    Some("Restrict access."),
    Some("  "),
];

fn any_statement() -> impl Strategy<Value = Statement> {
    let pool = product_pool();
    (
        0..VULNS.len(),
        prop::collection::vec(0..VULNS.len(), 0..3),
        prop::collection::vec(0..pool.len(), 1..4),
        0..4usize,
        prop::option::of(0..JustificationKind::ALL.len()),
        0..TEXTS.len(),
        0..TEXTS.len(),
    )
        .prop_map(
            move |(v, aliases, products, status, justification, impact, action)| Statement {
                vulnerability: VULNS[v].into(),
                aliases: aliases.into_iter().map(|a| VULNS[a].into()).collect(),
                products: products.into_iter().map(|p| pool[p].clone()).collect(),
                subcomponents: Vec::new(),
                status: [
                    Status::NotAffected,
                    Status::Affected,
                    Status::Fixed,
                    Status::UnderInvestigation,
                ][status],
                justification: justification.map(|j| {
                    let kind = JustificationKind::ALL[j];
                    Justification {
                        kind,
                        as_written: "as written".into(),
                    }
                }),
                impact_statement: TEXTS[impact].map(Into::into),
                action_statement: TEXTS[action].map(Into::into),
                timestamp: None,
                source: Format::OpenVex,
            },
        )
}

proptest! {
    /// Any statement list is written valid and reads back as documented, or
    /// is refused for a conflict the model sees too; duplicates and order
    /// do not change the bytes.
    #[test]
    fn any_statements(
        statements in prop::collection::vec(any_statement(), 1..8),
        rotate in 0..8usize,
    ) {
        match csaf_model::check(&statements) {
            Outcome::Written(_) => {
                let written = to_csaf_vex(&statements, &meta()).unwrap();
                let mut again = statements.clone();
                again.rotate_left(rotate % statements.len());
                again.push(statements[rotate % statements.len()].clone());
                prop_assert_eq!(to_csaf_vex(&again, &meta()).unwrap(), written);
            }
            Outcome::Conflict(_) => {}
            Outcome::Empty => unreachable!("at least one statement"),
        }
    }
}

//! The three readers on fixtures and on the shared real data, the writers
//! against the bundled CycloneDX schema and the CSAF validator, and the
//! round trips.

mod csaf_model;

use std::path::{Path, PathBuf};

use csaf_model::{Outcome, Tally};
use serde_json::Value;
use yata_vex::{
    Document, Format, JustificationKind, Limits, ProductRef, SpecVersion, Statement, Status,
    VexError, from_cyclonedx_statements, parse, parse_with, to_cyclonedx_vex,
};

const SERIAL: &str = "3e671687-395b-41f5-a30f-a58921a69b79";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One line per statement: `id [aliases] status justification: products /
/// subcomponents | impact | action | timestamp`.
fn render(doc: &Document) -> String {
    let mut out = String::new();
    for s in &doc.statements {
        out.push_str(&line(s));
        out.push('\n');
    }
    for w in &doc.warnings {
        out.push_str(&format!("warning {w}\n"));
    }
    out
}

fn line(s: &Statement) -> String {
    let refs = |list: &[ProductRef]| {
        list.iter()
            .map(|p| match p {
                ProductRef::Purl(p) => format!("purl {p}"),
                ProductRef::Cpe(c) => format!("cpe {c}"),
                ProductRef::BomRef(r) => format!("ref {r}"),
                ProductRef::Other(o) => format!("other {o}"),
                name @ ProductRef::Name { .. } => format!("name {name}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut line = format!("{} {:?} {}", s.vulnerability, s.aliases, s.status.as_str());
    if let Some(j) = &s.justification {
        line.push_str(&format!(" {}({})", j.kind.as_str(), j.as_written));
    }
    line.push_str(&format!(": {}", refs(&s.products)));
    if !s.subcomponents.is_empty() {
        line.push_str(&format!(" / {}", refs(&s.subcomponents)));
    }
    for t in [&s.impact_statement, &s.action_statement]
        .into_iter()
        .flatten()
    {
        line.push_str(&format!(" | {t}"));
    }
    if let Some(t) = &s.timestamp {
        line.push_str(&format!(" @ {t}"));
    }
    line
}

fn check(bytes: &[u8], format: Format, expect: &str) {
    let doc = parse(bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.format, format);
    let got = render(&doc);
    assert_eq!(got.trim(), expect.trim(), "\n{got}");
    let outcome = round_trip(&doc);
    assert!(matches!(outcome, Outcome::Written(_)), "{outcome:?}");
}

/// The statements as the writer keeps them: the format, the original
/// justification label and the product/subcomponent split are not kept,
/// and `Other` refs come back as bom-refs.
fn comparable(s: &Statement) -> String {
    let mut s = s.clone();
    s.source = Format::CycloneDx;
    if let Some(j) = &mut s.justification {
        j.as_written.clear();
    }
    s.products.append(&mut s.subcomponents);
    for p in &mut s.products {
        if let ProductRef::Other(o) = p {
            *p = ProductRef::BomRef(std::mem::take(o));
        }
    }
    let mut seen = Vec::new();
    s.products.retain(|p| {
        let new = !seen.contains(p);
        seen.push(p.clone());
        new
    });
    format!("{s:?}")
}

/// parse → write → parse keeps the statements, and what is written is
/// valid CycloneDX 1.6; and the same as CSAF ([`csaf_model::check`]).
fn round_trip(doc: &Document) -> Outcome {
    let written =
        to_cyclonedx_vex(&doc.statements, SpecVersion::V1_6, SERIAL).expect("valid serial");
    let violations = yata_inventory::cyclonedx::validate(written.as_bytes()).expect("checkable");
    assert!(
        violations.is_empty(),
        "{violations:#?}\n{}",
        &written[..written.len().min(4000)]
    );
    let back = parse(written.as_bytes()).expect("reads back");
    assert_eq!(back.format, Format::CycloneDx);
    // Equal statements are written once (CSAF relationships that differ by
    // platform only resolve to equal statements).
    let mut expect: Vec<String> = Vec::new();
    for s in doc.statements.iter().map(comparable) {
        if !expect.contains(&s) {
            expect.push(s);
        }
    }
    let got: Vec<String> = back.statements.iter().map(comparable).collect();
    assert_eq!(got, expect);
    // BomRef and Other refs name nothing in the written BOM.
    let unresolved = doc
        .statements
        .iter()
        .flat_map(|s| s.products.iter().chain(&s.subcomponents))
        .any(|p| matches!(p, ProductRef::BomRef(_) | ProductRef::Other(_)));
    if !unresolved {
        assert_eq!(back.warnings, [], "{written}");
    }
    assert_eq!(
        to_cyclonedx_vex(&doc.statements, SpecVersion::V1_6, SERIAL).unwrap(),
        written,
        "deterministic"
    );
    csaf_model::check(&doc.statements)
}

#[test]
fn openvex_v0_2_0() {
    check(
        &fixture("openvex-v0.2.0.json"),
        Format::OpenVex,
        r#"
CVE-2014-123456 [] fixed: purl pkg:apk/distro/git@2.39.0-r1?arch=armv7, purl pkg:apk/distro/git@2.39.0-r1?arch=x86_64 @ 2023-01-09T10:00:00Z
CVE-2019-17571 ["GHSA-2qrg-x229-3v8q"] not_affected vulnerable_code_not_in_execute_path(vulnerable_code_not_in_execute_path): purl pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3, cpe cpe:2.3:a:pivotal:spring_boot:2.6.0:m3:*:*:*:*:*:* / purl pkg:maven/log4j/log4j@1.2.17 | Spring Boot users are only affected by this vulnerability if they have switched the default logging system to Log4J. @ 2023-01-09T00:02:03.647787998Z
CVE-2023-1255 [] affected: purl pkg:oci/example@sha256:47fed8868b46b060efb8699dc40e981a0c785650223e03602d8c4493fc75b68c | Upgrade to version 3.1.0 or later. @ 2023-01-09T00:02:03.647787998Z
CVE-2023-2650 [] under_investigation: other https://example.com/products/widget @ 2023-01-09T00:02:03.647787998Z
"#,
    );
}

#[test]
fn openvex_v0_0_1_strings() {
    check(
        &fixture("openvex-v0.0.1.json"),
        Format::OpenVex,
        r#"
CVE-2022-3028 [] not_affected component_not_present(component_not_present): purl pkg:apk/wolfi/git@2.38.1-r0?arch=x86_64 / purl pkg:apk/wolfi/linux@5.10 | The vulnerable kernel module is not shipped. @ 2023-02-03T12:00:00Z
CVE-2022-39253 [] fixed: purl pkg:apk/wolfi/git@2.38.1-r0?arch=x86_64 @ 2023-02-03T12:00:00Z
"#,
    );
}

#[test]
fn openvex_bent_documents_give_located_warnings() {
    let doc = parse(&fixture("openvex-bent.json")).unwrap();
    let got = render(&doc);
    let expect = r#"
CVE-2024-0001 [] not_affected: other pkg:npm/%zz@1, purl pkg:npm/left-pad@1.3.0
warning timestamp: invalid timestamp "not a time": "#;
    assert!(got.trim().starts_with(expect.trim()), "{got}");
    let paths: Vec<&str> = doc.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "timestamp",
            "statements[0].justification",
            "statements[0].products[0].@id",
            "statements[1].status",
            "statements[2].vulnerability",
            "statements[3].products",
            "statements[4]",
        ]
    );
    assert!(doc.warnings[2].message.starts_with("invalid purl: "));
    let outcome = round_trip(&doc);
    assert!(matches!(outcome, Outcome::Written(_)), "{outcome:?}");
}

#[test]
fn errors_and_limits() {
    let err = |bytes: &[u8], limits: &Limits| parse_with(bytes, limits).unwrap_err().to_string();
    let limits = Limits::default();
    assert_eq!(
        err(b"{}", &limits),
        "not a VEX document: no OpenVEX @context, CycloneDX bomFormat or CSAF document.category"
    );
    assert!(err(b"[1,", &limits).starts_with("not JSON: line 1 column 3"));
    assert_eq!(
        err(br#"{"@context": "https://openvex.dev/ns/v0.2.0"}"#, &limits),
        "openvex: statements: missing"
    );
    let small = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    assert_eq!(
        err(&fixture("openvex-v0.0.1.json"), &small),
        format!(
            "document of {} bytes is larger than the limit of 10",
            fixture("openvex-v0.0.1.json").len()
        )
    );
    let one = Limits {
        max_statements: 1,
        ..Limits::default()
    };
    assert_eq!(
        err(&fixture("openvex-v0.0.1.json"), &one),
        "openvex: more than 1 statements"
    );
    // Nesting deeper than serde_json's recursion limit is an error, not a
    // stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(err(deep.as_bytes(), &limits).contains("recursion limit exceeded"));
    assert_eq!(
        to_cyclonedx_vex(&[], SpecVersion::V1_6, "not-a-uuid").unwrap_err(),
        VexError::InvalidSerial("not-a-uuid".into())
    );
}

#[test]
fn justification_mappings() {
    use JustificationKind::*;
    let cdx = [
        ("code_not_present", VulnerableCodeNotPresent),
        ("code_not_reachable", VulnerableCodeNotInExecutePath),
        (
            "requires_configuration",
            VulnerableCodeCannotBeControlledByAdversary,
        ),
        ("requires_dependency", ComponentNotPresent),
        (
            "requires_environment",
            VulnerableCodeCannotBeControlledByAdversary,
        ),
        ("protected_by_compiler", InlineMitigationsAlreadyExist),
        ("protected_at_runtime", InlineMitigationsAlreadyExist),
        ("protected_at_perimeter", InlineMitigationsAlreadyExist),
        (
            "protected_by_mitigating_control",
            InlineMitigationsAlreadyExist,
        ),
    ];
    for (text, kind) in cdx {
        assert_eq!(
            JustificationKind::from_cyclonedx(text),
            Some(kind),
            "{text}"
        );
    }
    for kind in JustificationKind::ALL {
        assert_eq!(JustificationKind::from_openvex(kind.as_str()), Some(kind));
        assert_eq!(
            JustificationKind::from_cyclonedx(kind.to_cyclonedx()),
            Some(kind)
        );
    }
}

fn shared(relative: &str) -> Option<PathBuf> {
    yata_testdata::path(relative)
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every CSAF example with category `csaf_vex`: as many statements as the
/// documents list (vulnerability, status group, distinct product id),
/// counted here from the JSON.
#[test]
fn csaf_vex_examples() {
    let Some(dir) = shared("csaf/examples") else {
        return;
    };
    let (mut documents, mut statements) = (0, 0);
    let mut by_status = [0usize; 4];
    let mut tally = Tally::default();
    for path in json_files(&dir) {
        let bytes = std::fs::read(&path).unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        if value["document"]["category"] != "csaf_vex" {
            continue;
        }
        documents += 1;
        let mut expect = 0;
        for v in value["vulnerabilities"].as_array().unwrap() {
            let mut pairs = Vec::new();
            for (key, class) in [
                ("known_not_affected", 0),
                ("known_affected", 1),
                ("first_affected", 1),
                ("last_affected", 1),
                ("fixed", 2),
                ("first_fixed", 2),
                ("under_investigation", 3),
            ] {
                for id in v["product_status"][key].as_array().into_iter().flatten() {
                    pairs.push((class, id.as_str().unwrap()));
                }
            }
            pairs.sort_unstable();
            pairs.dedup();
            expect += pairs.len();
        }
        let doc = parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(doc.format, Format::Csaf);
        assert_eq!(doc.statements.len(), expect, "{}", path.display());
        assert_eq!(doc.warnings, [], "{}", path.display());
        for s in &doc.statements {
            by_status[s.status as usize] += 1;
            // A not-affected statement carries why (CISA minimum
            // requirements); the examples all do.
            if s.status == Status::NotAffected {
                assert!(
                    s.justification.is_some() || s.impact_statement.is_some(),
                    "{}: {}",
                    path.display(),
                    line(s)
                );
            }
        }
        statements += doc.statements.len();
        tally.add(round_trip(&doc));
    }
    eprintln!(
        "csaf_vex: {documents} documents, {statements} statements \
         (not affected, affected, fixed, under investigation: {by_status:?})\n{tally}"
    );
    assert_eq!(documents, 13);
}

/// One CSAF example in full: flags, impact threats and remediations land on
/// their products.
#[test]
fn csaf_use_case_3() {
    let Some(path) = shared("csaf/examples/csaf/csaf_vex/2022-evd-uc-03-ms-001.json") else {
        return;
    };
    let doc = parse(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(doc.statements.len(), 19);
    let got = render(&doc);
    assert!(
        got.starts_with(
            r#"CVE-2020-11896 [] under_investigation: name Example Company GHI 17.4 @ 2022-03-03T11:00:00Z
CVE-2020-11897 [] not_affected: name Example Company GHI 17.4 | IPv6 is not supported and code is not present. @ 2022-03-03T11:00:00Z
CVE-2020-11898 [] affected: name Example Company GHI 17.4 | none_available: We are working to integrate the upstream patches in our code. @ 2022-03-03T11:00:00Z
CVE-2020-11899 [] not_affected: name Example Company GHI 17.4 | IPv6 is not supported and code is not present. @ 2022-03-03T11:00:00Z
"#
        ),
        "{got}"
    );
    let outcome = round_trip(&doc);
    assert!(matches!(outcome, Outcome::Written(_)), "{outcome:?}");
}

/// The CSAF security advisories (not VEX) read too, as far as they give
/// product statuses.
#[test]
fn csaf_security_advisories() {
    let Some(dir) = shared("csaf/examples/csaf") else {
        return;
    };
    let mut counts = Vec::new();
    let mut tally = Tally::default();
    for path in json_files(&dir) {
        let bytes = std::fs::read(&path).unwrap();
        let doc = parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if path.parent() == Some(&dir) {
            counts.push(format!(
                "{}: {} statements, {} warnings",
                path.file_name().unwrap().to_string_lossy(),
                doc.statements.len(),
                doc.warnings.len()
            ));
            tally.add(round_trip(&doc));
        }
    }
    eprintln!("{counts:#?}\n{tally}");
}

/// CycloneDX spec tests with vulnerabilities: the standalone reader and the
/// inventory reader's embedded statements agree.
#[test]
fn cyclonedx_spec_tests() {
    let Some(dir) = shared("cyclonedx/spec-tests") else {
        return;
    };
    let mut files = 0;
    for version in ["1.4", "1.5", "1.6"] {
        let path = dir
            .join(version)
            .join(format!("valid-vulnerability-{version}.json"));
        let bytes = std::fs::read(&path).unwrap();
        let expect_timestamp = if version == "1.4" {
            "@ 2021-01-01T00:00:00Z"
        } else {
            "@ 2022-02-01T00:00:00Z"
        };
        check(
            &bytes,
            Format::CycloneDx,
            &format!(
                r#"SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111 ["CVE-2018-7489"] not_affected vulnerable_code_not_in_execute_path(code_not_reachable): purl pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4 | An optional explanation of why the application is not affected by the vulnerable component. | Upgrade com.fasterxml.jackson.core:jackson-databind to version 2.6.7.5, 2.8.11.1, 2.9.5 or higher. {expect_timestamp}"#
            ),
        );
        let inventory = yata_inventory::parse(
            yata_inventory::Format::CycloneDxJson,
            &bytes,
            &yata_inventory::Limits::default(),
        )
        .unwrap();
        let embedded = from_cyclonedx_statements(&inventory.vex, &inventory);
        let standalone = parse(&bytes).unwrap();
        assert_eq!(embedded.warnings, []);
        assert_eq!(embedded.statements.len(), standalone.statements.len());
        for (e, s) in embedded.statements.iter().zip(&standalone.statements) {
            assert_eq!(
                (
                    &e.vulnerability,
                    &e.products,
                    e.status,
                    &e.justification,
                    &e.impact_statement
                ),
                (
                    &s.vulnerability,
                    &s.products,
                    s.status,
                    &s.justification,
                    &s.impact_statement
                )
            );
            assert_eq!(
                e.action_statement.as_deref(),
                Some("response: will_not_fix, update")
            );
        }
        files += 1;
    }
    // Every other spec test and example: whatever vulnerabilities they
    // carry, reading never fails on a valid BOM.
    let mut others = 0;
    let mut tally = Tally::default();
    for root in ["cyclonedx/spec-tests", "cyclonedx/examples"] {
        let Some(dir) = shared(root) else { return };
        for path in json_files(&dir) {
            let name = path.file_name().unwrap().to_string_lossy();
            if !name.starts_with("valid-") && root.ends_with("spec-tests") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            if let Ok(doc) = parse(&bytes) {
                others += 1;
                tally.add(round_trip(&doc));
            }
        }
    }
    eprintln!("cyclonedx: {files} VEX spec tests, {others} other valid BOMs read\n{tally}");
}

#[test]
fn embedded_refs_resolve_through_inventory_components() {
    let bom = br#"{
      "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
      "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "shop", "version": "2.0", "publisher": "Acme"}},
      "components": [
        {"type": "library", "bom-ref": "c1", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20",
         "components": [{"type": "library", "bom-ref": "c2", "name": "nested", "cpe": "cpe:2.3:a:x:nested:1:*:*:*:*:*:*:*"}]}
      ],
      "vulnerabilities": [
        {"id": "CVE-2021-23337", "analysis": {"state": "resolved_with_pedigree"}, "affects": [{"ref": "c1"}, {"ref": "c2"}]},
        {"id": "CVE-2020-0001", "analysis": {"state": "false_positive", "justification": "protected_at_runtime"}, "affects": [{"ref": "app"}, {"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#x"}]},
        {"id": "CVE-2020-0002", "analysis": {"state": "in_triage"}, "affects": [{"ref": "missing"}]},
        {"id": "CVE-2020-0003", "analysis": {"state": "exploitable"}, "affects": [{"ref": "pkg:npm/other@1"}]},
        {"id": "CVE-2020-0004", "ratings": [], "affects": [{"ref": "c1"}]}
      ]
    }"#;
    let expect = r#"
CVE-2021-23337 [] fixed: purl pkg:npm/lodash@4.17.20, cpe cpe:2.3:a:x:nested:1:*:*:*:*:*:*:*
CVE-2020-0001 [] not_affected inline_mitigations_already_exist(protected_at_runtime): name Acme shop 2.0, ref urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#x
CVE-2020-0002 [] under_investigation: ref missing
CVE-2020-0003 [] affected: purl pkg:npm/other@1
warning vulnerabilities[2].affects[0].ref: "missing" names no component of this BOM
"#;
    check(bom, Format::CycloneDx, expect);
    let inventory = yata_inventory::parse(
        yata_inventory::Format::CycloneDxJson,
        bom,
        &yata_inventory::Limits::default(),
    )
    .unwrap();
    let embedded = from_cyclonedx_statements(&inventory.vex, &inventory);
    let got: Vec<String> = embedded.statements.iter().map(line).collect();
    let want: Vec<String> = expect
        .trim()
        .lines()
        .filter(|l| !l.starts_with("warning"))
        .map(|l| l.replace("name Acme shop", "name shop"))
        .collect();
    // The inventory model keeps a component's supplier, not its publisher.
    assert_eq!(got, want);
    assert_eq!(
        embedded
            .warnings
            .iter()
            .map(|w| w.to_string())
            .collect::<Vec<_>>(),
        [r#"vex[2].affects[0]: "missing" names no component of this BOM"#]
    );
}

/// Groups carry flags to their products; relationships take their
/// component's identity; helpers give purls and CPEs; unknown ids are
/// located.
#[test]
fn csaf_groups_relationships_and_helpers() {
    let doc = br#"{
      "document": {"category": "csaf_vex", "csaf_version": "2.0",
        "tracking": {"id": "X-1", "current_release_date": "2024-05-01T00:00:00Z"}},
      "product_tree": {
        "branches": [{"category": "vendor", "name": "Acme", "branches": [
          {"category": "product_name", "name": "Lib", "branches": [
            {"category": "product_version", "name": "1.0",
             "product": {"name": "Acme Lib 1.0", "product_id": "LIB-1",
               "product_identification_helper": {"purl": "pkg:npm/acme-lib@1.0", "cpe": "cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:*"}}}]},
          {"category": "product_name", "name": "OS", "branches": [
            {"category": "product_version", "name": "9", "product": {"name": "Acme OS 9", "product_id": "OS-9"}}]}]}],
        "relationships": [
          {"category": "installed_on", "product_reference": "LIB-1", "relates_to_product_reference": "OS-9",
           "full_product_name": {"name": "Acme Lib 1.0 on Acme OS 9", "product_id": "LIB-1-ON-OS-9"}},
          {"category": "installed_on", "product_reference": "NOPE", "relates_to_product_reference": "OS-9",
           "full_product_name": {"name": "?", "product_id": "BAD"}}],
        "product_groups": [{"group_id": "G", "product_ids": ["LIB-1-ON-OS-9", "OS-9"]}]
      },
      "vulnerabilities": [{
        "cve": "CVE-2024-1111",
        "ids": [{"system_name": "Acme", "text": "ACME-7"}],
        "product_status": {"known_not_affected": ["LIB-1-ON-OS-9", "OS-9", "GONE"], "fixed": ["LIB-1"]},
        "flags": [{"label": "vulnerable_code_not_in_execute_path", "group_ids": ["G"]}],
        "remediations": [{"category": "vendor_fix", "details": "Update.", "product_ids": ["LIB-1"]}]
      }]
    }"#;
    let parsed = parse(doc).unwrap();
    let got = render(&parsed);
    let expect = r#"
CVE-2024-1111 ["ACME-7"] not_affected vulnerable_code_not_in_execute_path(vulnerable_code_not_in_execute_path): purl pkg:npm/acme-lib@1.0, cpe cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:* @ 2024-05-01T00:00:00Z
CVE-2024-1111 ["ACME-7"] not_affected vulnerable_code_not_in_execute_path(vulnerable_code_not_in_execute_path): name Acme OS 9 @ 2024-05-01T00:00:00Z
CVE-2024-1111 ["ACME-7"] fixed: purl pkg:npm/acme-lib@1.0, cpe cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:* | vendor_fix: Update. @ 2024-05-01T00:00:00Z
warning product_tree.relationships[1].product_reference: unknown product id "NOPE" (or relationships loop or nest more than 32 deep)
warning vulnerabilities[0].product_status.known_not_affected[2]: unknown product id "GONE"
"#;
    assert_eq!(got.trim(), expect.trim(), "\n{got}");
    // Read, the relationship is its component, so one product is both not
    // affected and fixed: a CSAF document cannot say that.
    match round_trip(&parsed) {
        Outcome::Conflict(e) => assert_eq!(
            e,
            "csaf: statements[2]: CVE-2024-1111: pkg:npm/acme-lib@1.0 / \
             cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:* is fixed here but not_affected in \
             statements[0]; a CSAF document gives a product one status per vulnerability"
        ),
        other => panic!("{other:?}"),
    }
}

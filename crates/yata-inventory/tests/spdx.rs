//! SPDX: every document of the shared SPDX examples, and the tricky parts of
//! each serialisation through `check`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use yata_inventory::{Format, Inventory, Limits, detect, parse};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The package count of a document, counted without the parser.
fn own_package_count(format: Format, bytes: &[u8]) -> usize {
    match format {
        Format::SpdxJson => {
            let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            v["packages"].as_array().map_or(0, Vec::len)
        }
        Format::SpdxTagValue => String::from_utf8_lossy(bytes)
            .lines()
            .filter(|l| l.starts_with("PackageName:"))
            .count(),
        Format::Spdx3 => {
            let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            v["@graph"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["type"] == "software_Package")
                .count()
        }
        other => panic!("not SPDX: {other}"),
    }
}

/// What the same example should give in any serialisation.
fn essence(inv: &Inventory) -> BTreeSet<String> {
    inv.components
        .iter()
        .map(|c| format!("{} {:?} {:?} {:?}", c.name, c.version, c.purl, c.ecosystem))
        .collect()
}

/// Dependency edges by component name, for comparing documents whose ids
/// differ (SPDX 2 `SPDXRef-…` against SPDX 3 IRIs).
fn named_edges(inv: &Inventory) -> BTreeSet<(String, String)> {
    let name = |id: &str| {
        inv.components
            .iter()
            .find(|c| c.id.as_deref() == Some(id))
            .map(|c| c.name.clone())
            .unwrap()
    };
    inv.dependencies
        .iter()
        .flat_map(|d| d.to.iter().map(|t| (name(&d.from), name(t))))
        .collect()
}

fn undirected(edges: BTreeSet<(String, String)>) -> BTreeSet<(String, String)> {
    edges
        .into_iter()
        .map(|(a, b)| if a <= b { (a, b) } else { (b, a) })
        .collect()
}

#[test]
fn every_shared_spdx_document() {
    let Some(root) = yata_testdata::path("spdx") else {
        return;
    };
    let mut all = Vec::new();
    files(&root, &mut all);
    let mut read = Vec::new();
    let (mut tv, mut json, mut v3, mut packages) = (0, 0, 0, 0);
    for path in &all {
        let bytes = std::fs::read(path).unwrap();
        let name = path.to_string_lossy();
        let format = if name.ends_with(".spdx") {
            Format::SpdxTagValue
        } else if !name.ends_with(".json") {
            continue; // checksums, the licence
        } else if name.contains("/spdx3.0/") {
            Format::Spdx3
        } else {
            Format::SpdxJson
        };
        assert_eq!(detect(&name, &bytes), Some(format), "{name}");
        let inv = parse(format, &bytes, &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let expected = own_package_count(format, &bytes);
        assert_eq!(inv.components.len(), expected, "{}", path.display());
        assert_eq!(inv.document.format, format.name());
        assert!(inv.document.spec_version.is_some(), "{}", path.display());
        assert!(inv.document.created.is_some(), "{}", path.display());
        assert!(
            inv.warnings.is_empty(),
            "{}: {:?}",
            path.display(),
            inv.warnings
        );
        // Every edge is between components.
        for d in &inv.dependencies {
            for id in std::iter::once(&d.from).chain(&d.to) {
                assert!(inv.components.iter().any(|c| c.id.as_ref() == Some(id)));
            }
        }
        match format {
            Format::SpdxTagValue => tv += 1,
            Format::SpdxJson => json += 1,
            _ => v3 += 1,
        }
        packages += expected;
        read.push((path.clone(), inv));
    }
    eprintln!(
        "spdx: {} of {} files read: {tv} tag-value, {json} SPDX 2 JSON, {v3} SPDX 3; {packages} packages",
        read.len(),
        all.len()
    );
    assert!(tv > 0 && json > 0 && v3 > 0);

    // The same example in two serialisations: `exampleN/spdx2.x/x.spdx`,
    // `x.spdx.json`, and `exampleN/spdx3.0/x.json` or `x.spdx3.json`.
    let stem = |p: &Path| {
        let f = p.file_name().unwrap().to_string_lossy();
        let f = ["spdx3.json", ".spdx.json", ".spdx", ".json"]
            .iter()
            .find_map(|s| f.strip_suffix(s))
            .unwrap_or(&f)
            .trim_end_matches('.')
            .to_owned();
        let example = p.parent().unwrap().parent().unwrap().to_path_buf();
        (example, f)
    };
    let (mut v2_pairs, mut v3_pairs) = (0, 0);
    for (a, ia) in &read {
        for (b, ib) in &read {
            if a >= b || stem(a) != stem(b) {
                continue;
            }
            let fa = ia.document.format.as_str();
            let fb = ib.document.format.as_str();
            if fa != "spdx3-jsonld" && fb != "spdx3-jsonld" {
                // SPDX 2 JSON against tag-value: the very same inventory.
                v2_pairs += 1;
                let mut ib = ib.clone();
                ib.document.format = ia.document.format.clone();
                ib.document.digest = ia.document.digest.clone();
                assert_eq!(ia, &ib, "{} against {}", a.display(), b.display());
            } else if fa != fb && ia.components.len() != ib.components.len() {
                // The converter made some packages files (example7-bin).
                eprintln!(
                    "spdx: not compared, the conversion has other packages: {}",
                    b.display()
                );
            } else if fa != fb {
                // SPDX 2 against its SPDX 3 conversion: the same packages and
                // the same dependency edges.
                v3_pairs += 1;
                assert_eq!(
                    essence(ia),
                    essence(ib),
                    "{} against {}",
                    a.display(),
                    b.display()
                );
                // Undirected: the converter behind the examples turns
                // `A DYNAMIC_LINK B` (A links B, SPDX 2.3 clause 11.1) into
                // `B hasDynamicLink A` (SPDX 3: from links each to), so a
                // faithful reading of each gives opposite link directions.
                assert_eq!(
                    undirected(named_edges(ia)),
                    undirected(named_edges(ib)),
                    "{} against {}",
                    a.display(),
                    b.display()
                );
                assert_eq!(
                    ia.subject.as_ref().map(|s| &s.name),
                    ib.subject.as_ref().map(|s| &s.name),
                    "{} against {}",
                    a.display(),
                    b.display()
                );
            }
        }
    }
    eprintln!("spdx: {v2_pairs} JSON/tag-value pairs, {v3_pairs} SPDX 2/SPDX 3 pairs compared");
    assert!(v3_pairs > 0);
}

/// A compact, stable rendering of what a parser read.
fn render(inv: &Inventory) -> String {
    let mut out = String::new();
    let d = &inv.document;
    writeln!(
        out,
        "document {} {:?} name={:?} created={:?} tools={:?}",
        d.format,
        d.spec_version,
        d.name,
        d.created.map(|t| t.to_string()),
        d.tools
    )
    .unwrap();
    for (k, v) in &d.metadata {
        writeln!(out, "  {k}={v}").unwrap();
    }
    if let Some(s) = &inv.subject {
        writeln!(out, "subject {:?}", s.id).unwrap();
    }
    for c in &inv.components {
        writeln!(out, "component {:?} {:?} {:?}", c.id, c.name, c.version).unwrap();
        for (k, v) in [
            ("purl", &c.purl),
            ("cpe", &c.cpe),
            ("ecosystem", &c.ecosystem),
            ("group", &c.group),
            ("kind", &c.kind),
            ("supplier", &c.supplier),
        ] {
            if let Some(v) = v {
                writeln!(out, "  {k}={v}").unwrap();
            }
        }
        if !c.licenses.is_empty() {
            writeln!(out, "  licenses={:?}", c.licenses).unwrap();
        }
        for h in &c.hashes {
            writeln!(out, "  {}={}", h.alg, h.value).unwrap();
        }
    }
    for dep in &inv.dependencies {
        writeln!(out, "{} -> {}", dep.from, dep.to.join(" ")).unwrap();
    }
    for w in &inv.warnings {
        writeln!(out, "warning {}: {}", w.path, w.message).unwrap();
    }
    out
}

fn check(format: Format, input: &str, expect: &str) {
    let inv = parse(format, input.as_bytes(), &Limits::default()).unwrap();
    let got = render(&inv);
    let expect = unindent(expect);
    assert_eq!(got, expect, "\ngot:\n{got}\nexpected:\n{expect}");
}

fn check_err(format: Format, input: &str, expect: &str) {
    let err = parse(format, input.as_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), expect);
}

fn unindent(s: &str) -> String {
    let s = s.strip_prefix('\n').unwrap_or(s);
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    s.trim_end()
        .lines()
        .map(|l| format!("{}\n", l.get(indent..).unwrap_or("")))
        .collect()
}

const TAG_VALUE: &str = r#"
# A comment before the header.
SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: demo
DocumentNamespace: https://example.com/demo-1
DocumentComment: <text>Two lines,
PackageName: not-a-package</text>
Creator: Tool: demo-tool-1.0
Creator: Organization: ACME
Created: 2024-01-02T03:04:05Z

##### The application
PackageName: app
SPDXID: SPDXRef-app
PackageVersion: 1.0
PackageSupplier: Organization: ACME (ops@acme.example)
PackageDownloadLocation: NOASSERTION
PrimaryPackagePurpose: APPLICATION
PackageLicenseConcluded: NOASSERTION
PackageLicenseDeclared: Apache-2.0
PackageChecksum: SHA256: ABCDEF
PackageComment: <text>
  A comment of three lines
  Relationship: SPDXRef-app DEPENDS_ON SPDXRef-x
</text>
ExternalRef: SECURITY cpe23Type cpe:2.3:a:acme:app:1.0:*:*:*:*:*:*:*
ExternalRefComment: <text>one line</text>

PackageName: left-pad
SPDXID: SPDXRef-left-pad
PackageVersion: NONE
PackageLicenseConcluded: MIT
PackageLicenseDeclared: MIT
ExternalRef: PACKAGE-MANAGER purl pkg:NPM/%40scope/left-pad@1.3.0
ExternalRef: PACKAGE-MANAGER purl pkg:npm/other@2

PackageName: bash
SPDXID: SPDXRef-bash
PackageVersion: 5.2-1
ExternalRef: PACKAGE-MANAGER purl pkg:deb/debian/bash@5.2-1?distro=debian-12
ExternalRef: SECURITY cpe22Type cpe:/a:gnu:bash:5.2

PackageName: broken
SPDXID: SPDXRef-broken
ExternalRef: PACKAGE-MANAGER purl not-a-purl

FileName: ./main.c
SPDXID: SPDXRef-main
FileChecksum: SHA1: 0000000000000000000000000000000000000000
LicenseConcluded: MIT

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-app
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-bash
Relationship: SPDXRef-app DEPENDS_ON SPDXRef-left-pad
Relationship: SPDXRef-bash DEPENDENCY_OF SPDXRef-app
RelationshipComment: <text>reversed
over two lines</text>
Relationship: SPDXRef-app CONTAINS SPDXRef-main
Relationship: SPDXRef-app DEPENDS_ON SPDXRef-left-pad
Relationship: SPDXRef-broken TEST_DEPENDENCY_OF SPDXRef-left-pad
Relationship: SPDXRef-app GENERATED_FROM SPDXRef-bash
Relationship: SPDXRef-app DEPENDS_ON NONE
Relationship: SPDXRef-app DEPENDS_ON DocumentRef-other:SPDXRef-x
"#;

#[test]
fn tag_value() {
    check(
        Format::SpdxTagValue,
        TAG_VALUE,
        r#"
        document spdx-tag-value Some("SPDX-2.3") name=Some("demo") created=Some("2024-01-02T03:04:05Z") tools=["demo-tool-1.0"]
          creators=Organization: ACME
          dependency_edges=3
          describes=SPDXRef-app SPDXRef-bash
          files=1
          namespace=https://example.com/demo-1
          packages=4
          relationships=10
        subject Some("SPDXRef-app")
        component Some("SPDXRef-app") "app" Some("1.0")
          cpe=cpe:2.3:a:acme:app:1.0:*:*:*:*:*:*:*
          kind=application
          supplier=ACME (ops@acme.example)
          licenses=["Apache-2.0"]
          SHA256=abcdef
        component Some("SPDXRef-left-pad") "left-pad" None
          purl=pkg:npm/%40scope/left-pad@1.3.0
          ecosystem=npm
          group=@scope
          licenses=["MIT"]
        component Some("SPDXRef-bash") "bash" Some("5.2-1")
          purl=pkg:deb/debian/bash@5.2-1?distro=debian-12
          cpe=cpe:/a:gnu:bash:5.2
          ecosystem=Debian:12
          group=debian
        component Some("SPDXRef-broken") "broken" None
        SPDXRef-app -> SPDXRef-left-pad SPDXRef-bash
        SPDXRef-left-pad -> SPDXRef-broken
        warning line 47: invalid purl "not-a-purl": purl: missing required scheme "pkg:"
        "#,
    );
}

/// `TAG_VALUE` as JSON.
const JSON: &str = r#"{
  "spdxVersion": "SPDX-2.3",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "demo",
  "documentNamespace": "https://example.com/demo-1",
  "comment": "Two lines,\nPackageName: not-a-package",
  "creationInfo": {
    "creators": ["Tool: demo-tool-1.0", "Organization: ACME"],
    "created": "2024-01-02T03:04:05Z"
  },
  "packages": [
    {
      "name": "app", "SPDXID": "SPDXRef-app", "versionInfo": "1.0",
      "supplier": "Organization: ACME (ops@acme.example)",
      "downloadLocation": "NOASSERTION", "primaryPackagePurpose": "APPLICATION",
      "licenseConcluded": "NOASSERTION", "licenseDeclared": "Apache-2.0",
      "checksums": [{"algorithm": "SHA256", "checksumValue": "ABCDEF"}],
      "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
        "referenceLocator": "cpe:2.3:a:acme:app:1.0:*:*:*:*:*:*:*"}]
    },
    {
      "name": "left-pad", "SPDXID": "SPDXRef-left-pad", "versionInfo": "NONE",
      "licenseConcluded": "MIT", "licenseDeclared": "MIT",
      "externalRefs": [
        {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
         "referenceLocator": "pkg:NPM/%40scope/left-pad@1.3.0"},
        {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
         "referenceLocator": "pkg:npm/other@2"}
      ]
    },
    {
      "name": "bash", "SPDXID": "SPDXRef-bash", "versionInfo": "5.2-1",
      "externalRefs": [
        {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
         "referenceLocator": "pkg:deb/debian/bash@5.2-1?distro=debian-12"},
        {"referenceCategory": "SECURITY", "referenceType": "cpe22Type",
         "referenceLocator": "cpe:/a:gnu:bash:5.2"}
      ]
    },
    {
      "name": "broken", "SPDXID": "SPDXRef-broken",
      "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
        "referenceLocator": "not-a-purl"}]
    }
  ],
  "files": [{"fileName": "./main.c", "SPDXID": "SPDXRef-main"}],
  "documentDescribes": ["SPDXRef-app"],
  "relationships": [
    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-bash"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-left-pad"},
    {"spdxElementId": "SPDXRef-bash", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-app",
     "comment": "reversed\nover two lines"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-main"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-left-pad"},
    {"spdxElementId": "SPDXRef-broken", "relationshipType": "TEST_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-left-pad"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "GENERATED_FROM", "relatedSpdxElement": "SPDXRef-bash"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NONE"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "DocumentRef-other:SPDXRef-x"}
  ]
}"#;

#[test]
fn json_and_tag_value_agree() {
    let limits = Limits::default();
    let mut tv = parse(Format::SpdxTagValue, TAG_VALUE.as_bytes(), &limits).unwrap();
    let mut json = parse(Format::SpdxJson, JSON.as_bytes(), &limits).unwrap();
    assert_eq!(
        json.warnings,
        [yata_model::inventory::Warning {
            path: "/packages/3/externalRefs/0/referenceLocator".to_owned(),
            message: r#"invalid purl "not-a-purl": purl: missing required scheme "pkg:""#
                .to_owned()
        }]
    );
    assert_eq!(json.document.format, "spdx-json");
    // `documentDescribes` stands for the first DESCRIBES; JSON has one
    // relationship less.
    assert_eq!(
        json.document.metadata.remove("relationships").as_deref(),
        Some("9")
    );
    tv.document.metadata.remove("relationships");
    for inv in [&mut tv, &mut json] {
        inv.warnings.clear();
        inv.document.format.clear();
        inv.document.digest.clear();
    }
    assert_eq!(tv, json);
}

#[test]
fn tag_value_edge_cases() {
    // A one-line <text>, a package-less document, DESCRIBED_BY, lower-case
    // relationship types, a bad line and a package tag outside a package.
    check(
        Format::SpdxTagValue,
        "SPDXVersion: SPDX-2.2\nDocumentName: <text>one line</text>\nthis is no tag\n\
         PackageVersion: 1\nPackageName: a\nSPDXID: SPDXRef-a\nPackageVersion: NOASSERTION\n\
         PackageLicenseDeclared: NONE\nPackageSupplier: NOASSERTION\n\
         PackageName: b\nSPDXID: SPDXRef-b\nRelationship: SPDXRef-b described_by SPDXRef-DOCUMENT\n\
         Relationship: SPDXRef-b depends_on SPDXRef-a\nRelationship: SPDXRef-a\nCreated: yesterday\n",
        r#"
        document spdx-tag-value Some("SPDX-2.2") name=Some("one line") created=None tools=[]
          dependency_edges=1
          describes=SPDXRef-b
          files=0
          packages=2
          relationships=2
        subject Some("SPDXRef-b")
        component Some("SPDXRef-a") "a" None
        component Some("SPDXRef-b") "b" None
        SPDXRef-b -> SPDXRef-a
        warning line 3: expected `Tag: value`
        warning line 4: PackageVersion outside a package; ignored
        warning line 14: expected `Relationship: <id> <TYPE> <id>`
        warning line 15: invalid created time "yesterday": failed to parse four digit integer as year: invalid digit, expected 0-9 but got y
        "#,
    );
}

#[test]
fn errors_are_located() {
    check_err(
        Format::SpdxTagValue,
        "SPDXVersion: SPDX-2.3\nPackageName: a\nPackageComment: <text>never\nclosed\n",
        "spdx-tag-value: line 3: PackageComment: <text> without </text>",
    );
    check_err(
        Format::SpdxTagValue,
        "PackageName: a\n",
        "spdx-tag-value: no SPDXVersion: not an SPDX tag-value document",
    );
    check_err(
        Format::SpdxJson,
        r#"{"packages": []}"#,
        "spdx-json: /spdxVersion: missing: not an SPDX 2 document",
    );
    check_err(Format::SpdxJson, "[1]", "spdx-json: expected a JSON object");
    check_err(
        Format::SpdxJson,
        "{\"spdxVersion\": ",
        "spdx-json: EOF while parsing a value at line 1 column 16",
    );
    check_err(
        Format::Spdx3,
        r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}"#,
        "spdx3-jsonld: /@graph: missing: not an SPDX 3 JSON-LD document",
    );
    let limits = Limits {
        max_components: 1,
        ..Limits::default()
    };
    let two = "SPDXVersion: SPDX-2.3\nPackageName: a\nPackageName: b\n";
    let err = parse(Format::SpdxTagValue, two.as_bytes(), &limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        "spdx-tag-value: line 3: more packages than the limit of 1"
    );
}

#[test]
fn json_type_errors_are_warnings() {
    check(
        Format::SpdxJson,
        r#"{"spdxVersion": "SPDX-2.3", "name": 7, "creationInfo": {"created": "2024-01-02T03:04:05Z"},
            "packages": [3, {"SPDXID": "SPDXRef-x", "versionInfo": ["1"],
              "checksums": [{"algorithm": "SHA1"}], "externalRefs": {}}],
            "relationships": [{"spdxElementId": "SPDXRef-x"}]}"#,
        r#"
        document spdx-json Some("SPDX-2.3") name=None created=Some("2024-01-02T03:04:05Z") tools=[]
          dependency_edges=0
          files=0
          packages=1
          relationships=0
        component Some("SPDXRef-x") "" None
        warning /name: expected a string
        warning /packages/0: expected an object
        warning /packages/1/versionInfo: expected a string
        warning /packages/1/checksums/0: checksum lacks algorithm or checksumValue
        warning /packages/1/externalRefs: expected an array
        warning /relationships/0: relationship lacks an element, a type or a related element
        warning /packages/1: package has no name
        "#,
    );
}

#[test]
fn spdx3() {
    check(
        Format::Spdx3,
        r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
          {"@id": "_:ci", "type": "CreationInfo", "specVersion": "3.0.1",
           "created": "2024-05-06T07:08:09Z", "createdBy": ["urn:acme"], "createdUsing": ["urn:tool"]},
          {"spdxId": "urn:acme", "type": "Organization", "name": "ACME", "creationInfo": "_:ci"},
          {"spdxId": "urn:tool", "type": "Tool", "name": "maker-2", "creationInfo": "_:ci"},
          {"spdxId": "urn:doc", "type": "SpdxDocument", "name": "demo3", "creationInfo": "_:ci",
           "rootElement": ["urn:sbom"]},
          {"spdxId": "urn:sbom", "type": "software_Sbom", "creationInfo": "_:ci", "rootElement": ["urn:app"]},
          {"spdxId": "urn:app", "type": "software_Package", "name": "app", "software_packageVersion": "2.0",
           "software_primaryPurpose": "operatingSystem", "suppliedBy": "urn:acme",
           "externalIdentifier": [
             {"type": "ExternalIdentifier", "externalIdentifierType": "cpe22", "identifier": "cpe:/a:acme:app:2.0"},
             {"type": "ExternalIdentifier", "externalIdentifierType": "cpe23", "identifier": "cpe:2.3:a:acme:app:2.0:*:*:*:*:*:*:*"}],
           "verifiedUsing": [{"type": "Hash", "algorithm": "sha256", "hashValue": "AB12"},
                             {"type": "PackageVerificationCode", "algorithm": "sha1", "hashValue": "ff"}]},
          {"spdxId": "urn:lib", "type": "software_Package", "name": "serde",
           "software_packageUrl": "pkg:cargo/serde@1.0.0",
           "externalIdentifier": [{"type": "ExternalIdentifier", "externalIdentifierType": "packageUrl",
             "identifier": "pkg:cargo/ignored@9"}]},
          {"spdxId": "urn:bad", "type": "software_Package", "name": "bad",
           "externalIdentifier": [{"type": "ExternalIdentifier", "externalIdentifierType": "packageUrl",
             "identifier": "pkg:"}]},
          {"spdxId": "urn:file", "type": "software_File", "name": "main.rs"},
          {"spdxId": "urn:lic", "type": "simplelicensing_LicenseExpression",
           "simplelicensing_licenseExpression": "MIT OR Apache-2.0"},
          {"spdxId": "urn:r1", "type": "Relationship", "relationshipType": "hasDeclaredLicense",
           "from": "urn:lib", "to": ["urn:lic"]},
          {"spdxId": "urn:r2", "type": "Relationship", "relationshipType": "hasConcludedLicense",
           "from": "urn:lib", "to": ["https://spdx.org/rdf/3.0.1/terms/Expanded/NoAssertionLicense"]},
          {"spdxId": "urn:r3", "type": "LifecycleScopedRelationship", "relationshipType": "dependsOn",
           "scope": "runtime", "from": "urn:app", "to": ["urn:lib", "urn:bad", "urn:file"]},
          {"spdxId": "urn:r4", "type": "Relationship", "relationshipType": "contains",
           "from": "urn:lib", "to": ["urn:file"]},
          {"spdxId": "urn:r5", "type": "Relationship", "relationshipType": "describes",
           "from": "urn:doc", "to": ["urn:bad"]},
          {"spdxId": "urn:r6", "type": "Relationship", "relationshipType": "generates",
           "from": "urn:bad", "to": ["urn:app"]},
          {"type": "Relationship", "relationshipType": "dependsOn", "to": ["urn:app"]}
        ]}"#,
        r#"
        document spdx3-jsonld Some("3.0.1") name=Some("demo3") created=Some("2024-05-06T07:08:09Z") tools=["maker-2"]
          creators=ACME
          dependency_edges=2
          describes=urn:app urn:bad
          document_id=urn:doc
          files=1
          packages=3
          relationships=7
        subject Some("urn:app")
        component Some("urn:app") "app" Some("2.0")
          cpe=cpe:2.3:a:acme:app:2.0:*:*:*:*:*:*:*
          kind=operating-system
          supplier=ACME
          sha256=ab12
        component Some("urn:lib") "serde" None
          purl=pkg:cargo/serde@1.0.0
          ecosystem=crates.io
          licenses=["MIT OR Apache-2.0"]
        component Some("urn:bad") "bad" None
        urn:app -> urn:lib urn:bad
        warning /@graph/16/from: relationship without from
        warning /@graph/7/externalIdentifier/0/identifier: invalid purl "pkg:": purl: type: missing
        "#,
    );
}

#[test]
fn detects_spdx() {
    assert_eq!(
        detect("x.spdx", TAG_VALUE.as_bytes()),
        Some(Format::SpdxTagValue)
    );
    assert_eq!(detect("x.json", JSON.as_bytes()), Some(Format::SpdxJson));
    let sorted = br#"{"SPDXID": "SPDXRef-DOCUMENT", "files": []}"#;
    assert_eq!(detect("x.json", sorted), Some(Format::SpdxJson));
    let v3 = br#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}"#;
    assert_eq!(detect("x.json", v3), Some(Format::Spdx3));
}

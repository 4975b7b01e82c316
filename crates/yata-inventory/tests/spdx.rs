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

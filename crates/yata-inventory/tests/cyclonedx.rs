//! CycloneDX reader behaviour on small documents: tolerance, warnings,
//! limits and hostile XML.

use yata_inventory::cyclonedx::{parse_json, parse_xml, validate};
use yata_inventory::{Inventory, InventoryError, Limits};

fn json(doc: &str) -> Result<Inventory, InventoryError> {
    parse_json(doc.as_bytes(), &Limits::default())
}

fn xml(doc: &str) -> Result<Inventory, InventoryError> {
    parse_xml(doc.as_bytes(), &Limits::default())
}

fn warnings(inv: &Inventory) -> Vec<String> {
    inv.warnings
        .iter()
        .map(|w| format!("{}: {}", w.path, w.message))
        .collect()
}

const JSON: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": "urn:uuid:1",
  "metadata": {"timestamp": "2024-01-02T03:04:05Z",
               "tools": {"components": [{"name": "syft", "version": "1.0"}]},
               "component": {"type": "application", "name": "app"}},
  "components": [
    {"type": "library", "bom-ref": "a", "name": "lodash", "version": "4.17.20",
     "purl": "pkg:npm/lodash@4.17.20", "scope": "required",
     "hashes": [{"alg": "SHA-256", "content": "ABCDEF"}],
     "licenses": [{"license": {"id": "MIT"}}, {"expression": "MIT OR Apache-2.0"}],
     "supplier": {"name": "OpenJS"},
     "components": [{"type": "library", "bom-ref": "b", "name": "inner",
                     "purl": "pkg:deb/debian/openssl@3.0.11-1?distro=debian-12"}]},
    {"type": "library", "bom-ref": "c", "name": "broken", "purl": "not a purl"}
  ],
  "dependencies": [{"ref": "a", "dependsOn": ["b"]}, {"dependsOn": []}],
  "vulnerabilities": [{"id": "CVE-2021-23337", "affects": [{"ref": "a"}],
    "analysis": {"state": "not_affected", "justification": "code_not_reachable",
                 "response": ["will_not_fix"], "detail": "unused"}}]
}"#;

#[test]
fn json_document() {
    let inv = json(JSON).unwrap();
    assert_eq!(inv.document.format, "cyclonedx-json");
    assert_eq!(inv.document.spec_version.as_deref(), Some("1.6"));
    assert_eq!(inv.document.name.as_deref(), Some("urn:uuid:1"));
    assert_eq!(inv.document.tools, ["syft 1.0"]);
    assert!(inv.document.created.is_some());
    assert_eq!(inv.subject.as_ref().unwrap().name, "app");
    let names: Vec<&str> = inv.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["lodash", "inner", "broken"]);
    let lodash = &inv.components[0];
    assert_eq!(lodash.id.as_deref(), Some("a"));
    assert_eq!(lodash.ecosystem.as_deref(), Some("npm"));
    assert_eq!(lodash.hashes[0].value, "abcdef");
    assert_eq!(lodash.licenses, ["MIT", "MIT OR Apache-2.0"]);
    assert_eq!(lodash.supplier.as_deref(), Some("OpenJS"));
    assert_eq!(inv.components[1].ecosystem.as_deref(), Some("Debian:12"));
    assert_eq!(inv.components[2].purl, None);
    assert_eq!(inv.dependencies.len(), 1);
    assert_eq!(inv.vex[0].state, "not_affected");
    assert_eq!(inv.vex[0].affects, ["a"]);
    assert_eq!(inv.vex[0].responses, ["will_not_fix"]);
    let w = warnings(&inv);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].starts_with("components[1].purl: "), "{w:?}");
    assert_eq!(w[1], "dependencies[1]: dependency without ref; ignored");
}

#[test]
fn xml_document_matches_json() {
    let doc = r#"<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" xmlns:x="urn:other" serialNumber="urn:uuid:1">
  <metadata><timestamp>2024-01-02T03:04:05Z</timestamp>
    <tools><components><component type="application"><name>syft</name><version>1.0</version></component></components></tools>
    <component type="application"><name>app</name></component></metadata>
  <components>
    <component type="library" bom-ref="a"><supplier><name>OpenJS</name></supplier>
      <name>lodash</name><version>4.17.20</version><scope>required</scope>
      <hashes><hash alg="SHA-256">ABCDEF</hash></hashes>
      <licenses><license><id>MIT</id></license><expression>MIT OR Apache-2.0</expression></licenses>
      <purl>pkg:npm/lodash@4.17.20</purl>
      <x:ext><component type="library"><name>not read</name></component></x:ext>
      <components><component type="library" bom-ref="b"><name>inner</name>
        <purl>pkg:deb/debian/openssl@3.0.11-1?distro=debian-12</purl></component></components>
    </component>
    <component type="library" bom-ref="c"><name>broken</name><purl>not a purl</purl></component>
  </components>
  <dependencies><dependency ref="a"><dependency ref="b"/></dependency><dependency/></dependencies>
  <vulnerabilities><vulnerability><id>CVE-2021-23337</id>
    <analysis><state>not_affected</state><justification>code_not_reachable</justification>
      <responses><response>will_not_fix</response></responses><detail>unused</detail></analysis>
    <affects><target><ref>a</ref></target></affects></vulnerability></vulnerabilities>
</bom>"#;
    let x = xml(doc).unwrap();
    let j = json(JSON).unwrap();
    assert_eq!(x.document.format, "cyclonedx-xml");
    assert_eq!(x.document.spec_version.as_deref(), Some("1.6"));
    assert_eq!(x.subject, j.subject);
    assert_eq!(x.components, j.components);
    assert_eq!(x.dependencies, j.dependencies);
    assert_eq!(x.vex, j.vex);
    assert_eq!(x.document.tools, j.document.tools);
    assert_eq!(warnings(&x), warnings(&j));
}

#[test]
fn xml_entities_are_never_expanded() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library"><name>&b;</name></component></components></bom>"#;
    let e = xml(bomb).unwrap_err();
    assert!(e.to_string().contains("entities are never expanded"), "{e}");

    let undeclared = r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library"><name>a&amp;b&#x41;&foo;</name></component></components></bom>"#;
    let inv = xml(undeclared).unwrap();
    assert_eq!(inv.components[0].name, "a&bA&foo;");
    assert!(warnings(&inv)[0].contains("&foo; is not expanded"));
}

/// Issue 4: "XML external entities never resolved". External (SYSTEM and
/// PUBLIC), parameter and nested internal entities are refused with the
/// DOCTYPE that declares them, before any of them is read; an external DTD
/// is never fetched, so its entities stay unexpanded references.
#[test]
fn xml_external_entities_are_never_resolved() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "secret-file-contents").unwrap();
    let url = format!("file://{}", secret.path().display());
    let body = r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library"><name>&xxe;</name></component></components></bom>"#;
    let lol = (1..10)
        .map(|i| {
            format!(
                r#"<!ENTITY lol{i} "{}">"#,
                format!("&lol{};", i - 1).repeat(10)
            )
        })
        .collect::<String>();
    for doctype in [
        format!(r#"<!DOCTYPE bom [<!ENTITY xxe SYSTEM "{url}">]>"#),
        format!(r#"<!DOCTYPE bom [<!ENTITY xxe PUBLIC "-//X//Y" "{url}">]>"#),
        format!(r#"<!DOCTYPE bom [<!ENTITY % ext SYSTEM "{url}"> %ext;]>"#),
        format!(r#"<!DOCTYPE bom [<!ENTITY lol0 "lol">{lol}<!ENTITY xxe "&lol9;">]>"#),
    ] {
        let doc = format!("<?xml version=\"1.0\"?>\n{doctype}\n{body}");
        let e = xml(&doc).unwrap_err();
        assert!(
            e.to_string().contains("entities are never expanded"),
            "{doctype}: {e}"
        );
    }

    // An external DTD is not fetched: its entities are references kept as written.
    let doc = format!(r#"<!DOCTYPE bom SYSTEM "{url}">{body}"#);
    let inv = xml(&doc).unwrap();
    assert_eq!(inv.components[0].name, "&xxe;");
    let w = warnings(&inv);
    assert!(w.iter().any(|w| w.ends_with("DOCTYPE ignored")), "{w:?}");
    assert!(
        w.iter().any(|w| w.contains("&xxe; is not expanded")),
        "{w:?}"
    );
}

#[test]
fn limits_are_errors() {
    let limits = Limits {
        max_depth: 4,
        ..Limits::default()
    };
    let deep = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.4","x":{}{}}}"#,
        "[".repeat(10),
        "]".repeat(10)
    );
    assert!(parse_json(deep.as_bytes(), &limits).is_err());
    let deep_xml = format!(
        r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.4">{}{}</bom>"#,
        "<a>".repeat(10),
        "</a>".repeat(10)
    );
    assert!(parse_xml(deep_xml.as_bytes(), &limits).is_err());
    let few = Limits {
        max_components: 2,
        ..Limits::default()
    };
    let e = parse_json(JSON.as_bytes(), &few).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cyclonedx-json: components[1]: more than 2 components"
    );
}

#[test]
fn tolerant_reading_and_rejections() {
    let odd = r#"{"bomFormat":"CycloneDX","specVersion":"1.4","components":[
        {"type":"library","name":"x","version":3,"purl":"pkg:PyPI/Django@1.0?Arch=x"}, 7]}"#;
    let inv = json(odd).unwrap();
    assert_eq!(inv.components.len(), 1);
    assert_eq!(inv.components[0].version.as_deref(), Some("3"));
    assert_eq!(inv.components[0].ecosystem.as_deref(), Some("PyPI"));
    assert_eq!(inv.warnings.len(), 3, "{:?}", warnings(&inv));

    assert!(json(r#"{"bomFormat":"SPDX"}"#).is_err());
    assert!(json("[]").is_err());
    assert!(json("{").is_err());
    assert!(xml("<bom>").is_err());
    assert!(xml(r#"<project xmlns="http://maven.apache.org/POM/4.0.0"/>"#).is_err());
}

#[test]
fn validate_reports_pointers() {
    let doc = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"nonsense","name":"x"}]}"#;
    let v = validate(doc.as_bytes()).unwrap();
    assert!(v.iter().any(|v| v.pointer == "/components/0/type"), "{v:?}");
    let ok = r#"{"bomFormat":"CycloneDX","specVersion":"1.7","components":[{"type":"library","name":"x"}]}"#;
    assert_eq!(validate(ok.as_bytes()).unwrap(), []);
    assert!(validate(br#"{"bomFormat":"CycloneDX","specVersion":"1.1"}"#).is_err());
    assert!(validate(b"nope").is_err());
}

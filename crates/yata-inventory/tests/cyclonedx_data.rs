//! CycloneDX against upstream data: the specification's test BOMs
//! (`cyclonedx/spec-tests/1.2…1.6`) and real SBOMs (`cyclonedx/examples`).
//!
//! JSON and XML forms of one BOM are compared through [`View`], which keeps
//! what matching uses (components' purl, name, version, group, kind, scope,
//! hashes, licences; dependencies; VEX) and normalises only what the two
//! serialisations or their generators disagree on: VEX `detail` is
//! whitespace-trimmed (XML text is trimmed by the reader, JSON strings are
//! kept as written), and a missing `scope` reads as `required`, the spec's
//! default (the CycloneDX Maven plugin writes `<scope>required</scope>` in
//! XML and omits it in JSON).
//!
//! In the 1.2–1.5 spec tests some `valid-*` XML/JSON pairs are not the same
//! BOM upstream (other PURLs, an extra nested component, other licence
//! fields): [`UPSTREAM_TWINS_DIFFER`] names them; any other pair must agree.

use std::path::{Path, PathBuf};

use yata_inventory::cyclonedx::{parse_json, parse_xml, validate};
use yata_inventory::{Inventory, Limits};
use yata_model::inventory::{Dependency, Hash, VexStatement};

#[derive(Debug, PartialEq)]
struct ComponentView {
    purl: Option<String>,
    name: String,
    version: Option<String>,
    group: Option<String>,
    kind: Option<String>,
    scope: Option<String>,
    hashes: Vec<Hash>,
    licenses: Vec<String>,
}

#[derive(Debug, PartialEq)]
struct View {
    subject: Option<ComponentView>,
    components: Vec<ComponentView>,
    dependencies: Vec<Dependency>,
    vex: Vec<VexStatement>,
}

fn view(inv: &Inventory) -> View {
    let component = |c: &yata_model::inventory::Component| ComponentView {
        purl: c.purl.clone(),
        name: c.name.clone(),
        version: c.version.clone(),
        group: c.group.clone(),
        kind: c.kind.clone(),
        scope: Some(c.scope.as_deref().unwrap_or("required").to_owned()),
        hashes: c.hashes.clone(),
        licenses: c.licenses.clone(),
    };
    View {
        subject: inv.subject.as_ref().map(component),
        components: inv.components.iter().map(component).collect(),
        dependencies: inv.dependencies.clone(),
        vex: inv
            .vex
            .iter()
            .map(|v| VexStatement {
                detail: v.detail.as_deref().map(|d| d.trim().to_owned()),
                ..v.clone()
            })
            .collect(),
    }
}

/// `valid-<name>-<version>.xml` pairs whose upstream XML and JSON describe
/// different BOMs, for versions before 1.6 (checked by hand: e.g.
/// `valid-bom-1.2` has a Maven PURL in XML and an npm one in JSON;
/// `valid-compositions-1.3` nests a component only in XML).
const UPSTREAM_TWINS_DIFFER: &[&str] = &[
    "bom",
    "component-ref",
    "compositions",
    "dependency",
    "license-expression",
    "license-id",
    "license-name",
];

/// Asserts that the JSON and XML forms of a real SBOM agree on what
/// identifies components (purl, name, version, group, hashes), on
/// dependencies and VEX, and returns how many components differ in kind,
/// scope or licences: the generators of these examples wrote those
/// differently in the two forms (Keycloak's subject is `application` in JSON
/// and `library` in XML; Dropwizard's `osgi-resource-locator` has a licence
/// only in JSON).
fn assert_same(a: &View, b: &View, path: &Path) -> usize {
    let p = path.display();
    let id = |c: &ComponentView| {
        (
            c.purl.clone(),
            c.name.clone(),
            c.version.clone(),
            c.group.clone(),
            c.hashes.clone(),
        )
    };
    assert_eq!(
        a.subject.as_ref().map(id),
        b.subject.as_ref().map(id),
        "{p}: subject"
    );
    assert_eq!(
        a.components.len(),
        b.components.len(),
        "{p}: component count"
    );
    let mut differ = 0;
    for (i, (x, y)) in a.components.iter().zip(&b.components).enumerate() {
        assert_eq!(id(x), id(y), "{p}: components[{i}]");
        if x != y {
            differ += 1;
        }
    }
    assert_eq!(a.dependencies, b.dependencies, "{p}: dependencies");
    assert_eq!(a.vex, b.vex, "{p}: vex");
    differ
}

fn files(dir: &Path, prefix: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with(prefix) && name.ends_with(ext)
        })
        .collect();
    out.sort();
    out
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn spec_tests_json_validate() {
    let Some(root) = yata_testdata::path("cyclonedx/spec-tests") else {
        return;
    };
    let mut failures = Vec::new();
    for version in ["1.2", "1.3", "1.4", "1.5", "1.6"] {
        let dir = root.join(version);
        let (mut valid, mut invalid) = (0, 0);
        for path in files(&dir, "valid-", ".json") {
            match validate(&read(&path)) {
                Ok(v) if v.is_empty() => valid += 1,
                Ok(v) => failures.push(format!("{}: {:?}", path.display(), v)),
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
        let invalid_files = files(&dir, "invalid-", ".json");
        for path in &invalid_files {
            match validate(&read(path)) {
                Ok(v) if v.is_empty() => {
                    failures.push(format!("{}: accepted", path.display()));
                }
                _ => invalid += 1,
            }
        }
        let valid_total = files(&dir, "valid-", ".json").len();
        println!(
            "{version}: valid accepted {valid}/{valid_total}, invalid rejected {invalid}/{}",
            invalid_files.len()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn spec_tests_xml_parse_and_match_json() {
    let Some(root) = yata_testdata::path("cyclonedx/spec-tests") else {
        return;
    };
    let limits = Limits::default();
    let mut failures = Vec::new();
    for version in ["1.2", "1.3", "1.4", "1.5", "1.6"] {
        let dir = root.join(version);
        let (mut parsed, mut twins, mut equal, mut upstream, mut rejected) = (0, 0, 0, 0, 0);
        let valid = files(&dir, "valid-", ".xml");
        for path in &valid {
            let xml = match parse_xml(&read(path), &limits) {
                Ok(inv) => inv,
                Err(e) => {
                    failures.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            parsed += 1;
            let twin = path.with_extension("json");
            if !twin.exists() {
                continue;
            }
            twins += 1;
            let json = parse_json(&read(&twin), &limits).unwrap();
            let stem = path.file_stem().unwrap().to_str().unwrap();
            let name = stem
                .strip_prefix("valid-")
                .and_then(|s| s.strip_suffix(&format!("-{version}")))
                .unwrap_or(stem);
            if view(&xml) == view(&json) {
                equal += 1;
            } else if version != "1.6" && UPSTREAM_TWINS_DIFFER.contains(&name) {
                upstream += 1;
            } else {
                failures.push(format!(
                    "{}: XML and JSON differ\nxml:  {:?}\njson: {:?}",
                    path.display(),
                    view(&xml),
                    view(&json)
                ));
            }
        }
        let invalid = files(&dir, "invalid-", ".xml");
        for path in &invalid {
            if parse_xml(&read(path), &limits).is_err() {
                rejected += 1;
            }
        }
        println!(
            "{version}: valid XML parsed {parsed}/{}, JSON twins equal {equal}/{twins} \
             ({upstream} differ upstream), invalid XML rejected by the tolerant reader {rejected}/{}",
            valid.len(),
            invalid.len()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Components the document holds, counted without our reader: every object
/// in `components` arrays, nested ones included, outside `metadata.tools`.
fn json_component_count(doc: &serde_json::Value) -> usize {
    fn count(list: Option<&serde_json::Value>) -> usize {
        list.and_then(|l| l.as_array()).map_or(0, |l| {
            l.iter().map(|c| 1 + count(c.get("components"))).sum()
        })
    }
    count(doc.get("components")) + count(doc.pointer("/metadata/component/components"))
}

/// `<component …>` start tags after `</metadata>`, plus those nested in the
/// metadata component (none of the examples has any).
fn xml_component_count(text: &str) -> usize {
    let body = text.split_once("</metadata>").map_or(text, |(_, b)| b);
    body.matches("<component ").count() + body.matches("<component>").count()
}

#[test]
fn real_sboms() {
    let Some(root) = yata_testdata::path("cyclonedx/examples") else {
        return;
    };
    let limits = Limits::default();
    let mut stack = vec![root];
    let mut paths = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "xml")) {
                paths.push(p);
            }
        }
    }
    paths.sort();
    let (mut json_n, mut xml_n, mut pairs) = (0, 0, 0);
    for path in &paths {
        let bytes = read(path);
        let is_json = path.extension().unwrap() == "json";
        let inv = if is_json {
            parse_json(&bytes, &limits)
        } else {
            parse_xml(&bytes, &limits)
        }
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let expected = if is_json {
            json_component_count(&serde_json::from_slice(&bytes).unwrap())
        } else {
            xml_component_count(std::str::from_utf8(&bytes).unwrap())
        };
        assert_eq!(inv.components.len(), expected, "{}", path.display());
        println!(
            "{}: {} components, {} dependencies, {} warnings",
            path.display(),
            inv.components.len(),
            inv.dependencies.len(),
            inv.warnings.len()
        );
        if is_json {
            json_n += 1;
            let twin = path.with_extension("xml");
            if twin.exists() {
                let xml = parse_xml(&read(&twin), &limits).unwrap();
                let differ = assert_same(&view(&xml), &view(&inv), &twin);
                println!("  XML twin equal; components differing in kind/scope/licences: {differ}");
                pairs += 1;
            }
        } else {
            xml_n += 1;
        }
    }
    println!("examples: {json_n} JSON, {xml_n} XML parsed; {pairs} JSON/XML pairs equal");
    assert!(json_n >= 13 && xml_n >= 14 && pairs >= 13);
}

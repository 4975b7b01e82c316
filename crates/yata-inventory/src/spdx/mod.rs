//! SPDX: 2.2 and 2.3 as JSON ([`parse_json`]) and tag-value
//! ([`parse_tag_value`]), 3.0 as JSON-LD ([`parse_v3`]).
//!
//! Both SPDX 2 serialisations are first read into one [`Doc2`], which one
//! function turns into an [`Inventory`]: the same document written as JSON
//! and as tag-value gives the same inventory (but for the format name, the
//! digest and the paths of warnings).
//!
//! What becomes what:
//! - Every package is a component, in document order; the packages the
//!   document DESCRIBES (SPDX 2 `DESCRIBES`/`DESCRIBED_BY` from
//!   `SPDXRef-DOCUMENT` and JSON `documentDescribes`; SPDX 3 `rootElement`
//!   of the `SpdxDocument`, through an `software_Sbom` root, and `describes`
//!   relationships) are the subject: the first is [`Inventory::subject`]
//!   (and stays among the components), all are listed in the `describes`
//!   metadata. Files and snippets are not components; they are counted in
//!   the `files` metadata.
//! - Relationships between two packages become dependency edges, `from`
//!   depending on `to` ([`EDGES_V2`], [`EDGES_V3`]): the dependency kinds,
//!   containment (a package depends on what it contains, as a CycloneDX
//!   component on its nested ones), linking and prerequisites. Reversed
//!   SPDX 2 types (`DEPENDENCY_OF`, `CONTAINED_BY`, …) are turned around.
//!   Other relationships (`GENERATED_FROM`, `DESCRIBES`, licensing, …) and
//!   relationships with a file, another document or `NONE` at either end
//!   are no edges.
//! - `NOASSERTION` and `NONE` mean "no value": they never reach a field.

mod json;
mod tagvalue;
mod v3;

use std::collections::{HashMap, HashSet};

use yata_model::inventory::{Component, Dependency, Hash, SourceDocument};
use yata_purl::Purl;
use yata_version::ecosystem::Ecosystem;

use crate::{Format, Inventory, InventoryError, Limits};

/// Reads an SPDX 2.2 or 2.3 JSON document.
pub fn parse_json(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let (doc, warnings) = json::read(bytes, limits)?;
    Ok(build_v2(Format::SpdxJson, bytes, doc, warnings))
}

/// Reads an SPDX 2.2 or 2.3 tag-value document.
pub fn parse_tag_value(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let (doc, warnings) = tagvalue::read(bytes, limits)?;
    Ok(build_v2(Format::SpdxTagValue, bytes, doc, warnings))
}

/// Reads an SPDX 3.0 JSON-LD document.
pub fn parse_v3(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    v3::read(bytes, limits)
}

/// SPDX 2 relationship types that become dependency edges, and whether the
/// edge runs the other way (`A DEPENDENCY_OF B`: B depends on A).
pub const EDGES_V2: &[(&str, bool)] = &[
    ("DEPENDS_ON", false),
    ("CONTAINS", false),
    ("STATIC_LINK", false),
    ("DYNAMIC_LINK", false),
    ("HAS_PREREQUISITE", false),
    ("DEPENDENCY_OF", true),
    ("CONTAINED_BY", true),
    ("PREREQUISITE_FOR", true),
    ("BUILD_DEPENDENCY_OF", true),
    ("DEV_DEPENDENCY_OF", true),
    ("OPTIONAL_DEPENDENCY_OF", true),
    ("PROVIDED_DEPENDENCY_OF", true),
    ("RUNTIME_DEPENDENCY_OF", true),
    ("TEST_DEPENDENCY_OF", true),
];

/// SPDX 3 relationship types that become dependency edges, `from` depending
/// on each `to` (SPDX 3 has no reversed types).
pub const EDGES_V3: &[&str] = &[
    "dependsOn",
    "contains",
    "hasStaticLink",
    "hasDynamicLink",
    "hasPrerequisite",
    "hasOptionalDependency",
    "hasProvidedDependency",
];

/// An SPDX 2 document as read from either serialisation, values as written.
#[derive(Debug, Default)]
struct Doc2 {
    spdx_version: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
    /// `Created`, and where it was written (for a warning).
    created: Option<(String, String)>,
    creators: Vec<String>,
    packages: Vec<Package2>,
    files: usize,
    snippets: usize,
    /// `documentDescribes` (JSON only), ids.
    describes: Vec<String>,
    relationships: Vec<Relationship2>,
}

#[derive(Debug, Default)]
struct Package2 {
    /// Where the package is written (`/packages/3`, `line 12`).
    path: String,
    id: Option<String>,
    name: Option<String>,
    version: Option<String>,
    supplier: Option<String>,
    license_concluded: Option<String>,
    license_declared: Option<String>,
    purpose: Option<String>,
    /// Algorithm and value.
    checksums: Vec<(String, String)>,
    external_refs: Vec<ExternalRef>,
}

#[derive(Debug)]
struct ExternalRef {
    path: String,
    ty: String,
    locator: String,
}

#[derive(Debug)]
struct Relationship2 {
    from: String,
    ty: String,
    to: String,
}

/// `NOASSERTION` and `NONE` (any case) and empty values are no value.
fn value(v: &str) -> Option<&str> {
    let v = v.trim();
    if v.is_empty() || v.eq_ignore_ascii_case("NOASSERTION") || v.eq_ignore_ascii_case("NONE") {
        None
    } else {
        Some(v)
    }
}

fn owned(v: Option<&str>) -> Option<String> {
    v.and_then(value).map(str::to_owned)
}

/// `Organization: ACME (x@acme.org)` → `ACME (x@acme.org)`.
fn actor(v: &str) -> Option<String> {
    let v = value(v)?;
    let name = ["Organization:", "Person:", "Tool:"]
        .iter()
        .find_map(|p| v.strip_prefix(p))
        .unwrap_or(v);
    value(name).map(str::to_owned)
}

/// `APPLICATION`, `OPERATING-SYSTEM`, `operatingSystem` → `application`,
/// `operating-system`.
fn kind(v: &str) -> Option<String> {
    let v = value(v)?;
    let mut out = String::with_capacity(v.len() + 4);
    for (i, c) in v.chars().enumerate() {
        if c == '_' {
            out.push('-');
        } else if c.is_ascii_uppercase() && i > 0 && v.bytes().any(|b| b.is_ascii_lowercase()) {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    Some(out)
}

/// Sets the component's purl, group and ecosystem from a written PURL, or
/// warns at `path`.
fn set_purl(c: &mut Component, written: &str, path: &str, warnings: &mut Vec<(String, String)>) {
    match Purl::parse_lenient(written.trim()) {
        Ok(p) => {
            let distro = p.qualifiers().get("distro");
            if let Some((eco, _)) = Ecosystem::from_purl(p.ty(), p.namespace(), p.name(), distro) {
                c.ecosystem = Some(eco.to_string());
            }
            if c.group.is_none() {
                c.group = p.namespace().map(str::to_owned);
            }
            c.purl = Some(p.to_string());
        }
        Err(e) => warnings.push((path.to_owned(), format!("invalid purl {written:?}: {e}"))),
    }
}

fn push_license(c: &mut Component, l: Option<&str>) {
    if let Some(l) = l.and_then(value)
        && !c.licenses.iter().any(|x| x == l)
    {
        c.licenses.push(l.to_owned());
    }
}

/// Collects edges `from → to` in first-seen order, each target once.
#[derive(Debug, Default)]
struct Edges {
    order: Vec<String>,
    to: HashMap<String, Vec<String>>,
    seen: HashSet<(String, String)>,
}

impl Edges {
    fn add(&mut self, from: &str, to: &str) {
        if !self.seen.insert((from.to_owned(), to.to_owned())) {
            return;
        }
        let targets = self.to.entry(from.to_owned()).or_insert_with(|| {
            self.order.push(from.to_owned());
            Vec::new()
        });
        targets.push(to.to_owned());
    }

    fn count(&self) -> usize {
        self.to.values().map(Vec::len).sum()
    }

    fn into_dependencies(mut self) -> Vec<Dependency> {
        self.order
            .into_iter()
            .map(|from| {
                let to = self.to.remove(&from).unwrap_or_default();
                Dependency { from, to }
            })
            .collect()
    }
}

/// Sets the subject from the described component ids and notes them all.
fn set_subject(inv: &mut Inventory, described: &[String]) {
    let mut seen = HashSet::new();
    let all: Vec<&str> = described
        .iter()
        .map(String::as_str)
        .filter(|d| seen.insert(*d))
        .collect();
    let by_id: HashMap<&str, &Component> = inv
        .components
        .iter()
        .filter_map(|c| Some((c.id.as_deref()?, c)))
        .collect();
    inv.subject = all.iter().find_map(|d| by_id.get(d)).map(|c| (*c).clone());
    if !all.is_empty() {
        let all = all.join(" ");
        inv.document.metadata.insert("describes".to_owned(), all);
    }
}

fn parse_created(
    inv: &mut Inventory,
    created: Option<(String, String)>,
    warnings: &mut Vec<(String, String)>,
) {
    if let Some((text, path)) = created
        && let Some(text) = value(&text)
    {
        match text.parse::<jiff::Timestamp>() {
            Ok(t) => inv.document.created = Some(t),
            Err(e) => warnings.push((path, format!("invalid created time {text:?}: {e}"))),
        }
    }
}

/// Turns an SPDX 2 document into an inventory.
fn build_v2(
    format: Format,
    bytes: &[u8],
    doc: Doc2,
    mut warnings: Vec<(String, String)>,
) -> Inventory {
    let mut document = SourceDocument::new(format.name(), crate::digest(bytes));
    document.spec_version = doc.spdx_version.clone();
    document.name = owned(doc.name.as_deref());
    let mut inv = Inventory::new(document);
    parse_created(&mut inv, doc.created, &mut warnings);
    let mut others = Vec::new();
    for creator in &doc.creators {
        match creator.trim().strip_prefix("Tool:") {
            Some(tool) => inv.document.tools.extend(owned(Some(tool))),
            None => others.extend(owned(Some(creator))),
        }
    }
    let meta = &mut inv.document.metadata;
    if !others.is_empty() {
        meta.insert("creators".to_owned(), others.join("; "));
    }
    if let Some(ns) = owned(doc.namespace.as_deref()) {
        meta.insert("namespace".to_owned(), ns);
    }
    meta.insert("packages".to_owned(), doc.packages.len().to_string());
    meta.insert("files".to_owned(), doc.files.to_string());
    if doc.snippets > 0 {
        meta.insert("snippets".to_owned(), doc.snippets.to_string());
    }

    for p in doc.packages {
        inv.components.push(component_v2(p, &mut warnings));
    }

    let ids: HashSet<&str> = inv
        .components
        .iter()
        .filter_map(|c| c.id.as_deref())
        .collect();
    let is_package = |id: &str| ids.contains(id);
    let mut described = doc.describes;
    let mut edges = Edges::default();
    for r in &doc.relationships {
        match r.ty.as_str() {
            "DESCRIBES" if r.from == "SPDXRef-DOCUMENT" => described.push(r.to.clone()),
            "DESCRIBED_BY" if r.to == "SPDXRef-DOCUMENT" => described.push(r.from.clone()),
            ty => {
                if let Some((_, reversed)) = EDGES_V2.iter().find(|(t, _)| *t == ty) {
                    let (from, to) = if *reversed {
                        (&r.to, &r.from)
                    } else {
                        (&r.from, &r.to)
                    };
                    if from != to && is_package(from) && is_package(to) {
                        edges.add(from, to);
                    }
                }
            }
        }
    }
    drop(ids);
    let meta = &mut inv.document.metadata;
    meta.insert(
        "relationships".to_owned(),
        doc.relationships.len().to_string(),
    );
    meta.insert("dependency_edges".to_owned(), edges.count().to_string());
    inv.dependencies = edges.into_dependencies();
    set_subject(&mut inv, &described);
    for (path, message) in warnings {
        inv.warn(path, message);
    }
    inv
}

fn component_v2(p: Package2, warnings: &mut Vec<(String, String)>) -> Component {
    let name = match p.name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => n,
        _ => {
            warnings.push((p.path.clone(), "package has no name".to_owned()));
            ""
        }
    };
    let mut c = Component::named(name);
    c.id = p.id.map(|i| i.trim().to_owned());
    c.version = owned(p.version.as_deref());
    c.supplier = p.supplier.as_deref().and_then(actor);
    c.kind = p.purpose.as_deref().and_then(kind);
    push_license(&mut c, p.license_concluded.as_deref());
    push_license(&mut c, p.license_declared.as_deref());
    for (alg, v) in p.checksums {
        c.hashes.push(Hash {
            alg: alg.trim().to_owned(),
            value: v.trim().to_ascii_lowercase(),
        });
    }
    let mut cpe22 = None;
    for r in p.external_refs {
        match r.ty.trim() {
            "purl" if c.purl.is_none() => set_purl(&mut c, &r.locator, &r.path, warnings),
            "cpe23Type" if c.cpe.is_none() => c.cpe = owned(Some(&r.locator)),
            "cpe22Type" if cpe22.is_none() => cpe22 = owned(Some(&r.locator)),
            _ => {}
        }
    }
    if c.cpe.is_none() {
        c.cpe = cpe22;
    }
    c
}

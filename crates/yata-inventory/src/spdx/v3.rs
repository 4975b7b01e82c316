//! SPDX 3.0 JSON-LD: a `@graph` of elements referring to each other by
//! `spdxId` (blank nodes such as `CreationInfo` by `@id`). Locations are
//! JSON Pointers into the graph.
//!
//! Read as compacted with the SPDX 3 context (`software_Package`,
//! `software_packageVersion`, …), which is what the specification's
//! serialisation uses; other JSON-LD shapes are not expanded.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};
use yata_model::inventory::{Component, Hash, SourceDocument};

use super::{EDGES_V3, Edges, kind, push_license, set_purl, set_subject, value};
use crate::{Format, Inventory, InventoryError, Limit, Limits};

type Object = Map<String, Value>;
type Warnings = Vec<(String, String)>;

fn ty(e: &Object) -> &str {
    e.get("type")
        .or_else(|| e.get("@type"))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn id(e: &Object) -> Option<&str> {
    e.get("spdxId")
        .or_else(|| e.get("@id"))
        .and_then(Value::as_str)
}

fn str_of<'a>(e: &'a Object, key: &str) -> Option<&'a str> {
    e.get(key).and_then(Value::as_str)
}

/// A reference or list of references, as strings.
fn refs<'a>(e: &'a Object, key: &str) -> Vec<&'a str> {
    match e.get(key) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let err = |path: &str, msg: String| InventoryError::new(Format::Spdx3, path, msg);
    let root: Value = serde_json::from_slice(bytes).map_err(|e| err("", e.to_string()))?;
    let Some(root) = root.as_object() else {
        return Err(err("", "expected a JSON object".to_owned()));
    };
    let single;
    let graph: &[Value] = match root.get("@graph") {
        Some(Value::Array(g)) => g,
        Some(_) => return Err(err("/@graph", "expected an array".to_owned())),
        // A document of one element.
        None if root.contains_key("type") || root.contains_key("@type") => {
            single = [Value::Object(root.clone())];
            &single
        }
        None => {
            return Err(err(
                "/@graph",
                "missing: not an SPDX 3 JSON-LD document".to_owned(),
            ));
        }
    };
    let mut w = Warnings::new();
    let mut elements: Vec<(usize, &Object)> = Vec::with_capacity(graph.len());
    for (i, e) in graph.iter().enumerate() {
        match e.as_object() {
            Some(o) => elements.push((i, o)),
            None => w.push((format!("/@graph/{i}"), "expected an object".to_owned())),
        }
    }
    let by_id: HashMap<&str, &Object> = elements
        .iter()
        .filter_map(|(_, e)| Some((id(e)?, *e)))
        .collect();
    let is_package = |t: &str| t == "software_Package" || t.ends_with("/Software/Package");
    let packages = elements.iter().filter(|(_, e)| is_package(ty(e))).count();
    if packages > limits.max_components {
        return Err(err(
            "/@graph",
            format!(
                "{packages} packages exceed the limit of {}",
                limits.max_components
            ),
        )
        .with_limit(Limit::Components));
    }

    let name_of = |r: &str| -> String {
        by_id
            .get(r)
            .and_then(|e| str_of(e, "name"))
            .unwrap_or(r)
            .to_owned()
    };
    let mut document = SourceDocument::new(Format::Spdx3.name(), crate::digest(bytes));
    let spdx_doc = elements.iter().find(|(_, e)| ty(e) == "SpdxDocument");
    let creation: Option<(String, &Object)> = match spdx_doc {
        Some((i, d)) => match d.get("creationInfo") {
            Some(Value::Object(ci)) => Some((format!("/@graph/{i}/creationInfo"), ci)),
            Some(Value::String(r)) => by_id.get(r.as_str()).map(|ci| {
                let at = elements
                    .iter()
                    .find(|(_, e)| std::ptr::eq(*e, *ci))
                    .map_or(0, |(j, _)| *j);
                (format!("/@graph/{at}"), *ci)
            }),
            _ => None,
        },
        None => {
            w.push(("/@graph".to_owned(), "no SpdxDocument element".to_owned()));
            elements
                .iter()
                .find(|(_, e)| ty(e) == "CreationInfo")
                .map(|(i, ci)| (format!("/@graph/{i}"), *ci))
        }
    };
    if let Some((at, ci)) = &creation {
        document.spec_version = str_of(ci, "specVersion").map(str::to_owned);
        if let Some(c) = str_of(ci, "created").and_then(value) {
            match c.parse::<jiff::Timestamp>() {
                Ok(t) => document.created = Some(t),
                Err(e) => w.push((
                    format!("{at}/created"),
                    format!("invalid created time {c:?}: {e}"),
                )),
            }
        }
        document.tools = refs(ci, "createdUsing").into_iter().map(name_of).collect();
        let by: Vec<String> = refs(ci, "createdBy").into_iter().map(name_of).collect();
        if !by.is_empty() {
            document
                .metadata
                .insert("creators".to_owned(), by.join("; "));
        }
    }
    if let Some((_, d)) = spdx_doc {
        document.name = str_of(d, "name").map(str::to_owned);
        if let Some(i) = id(d) {
            document
                .metadata
                .insert("document_id".to_owned(), i.to_owned());
        }
    }
    let count = |f: &dyn Fn(&str) -> bool| elements.iter().filter(|(_, e)| f(ty(e))).count();
    let meta = &mut document.metadata;
    meta.insert("packages".to_owned(), packages.to_string());
    meta.insert(
        "files".to_owned(),
        count(&|t| t == "software_File").to_string(),
    );
    let snippets = count(&|t| t == "software_Snippet");
    if snippets > 0 {
        meta.insert("snippets".to_owned(), snippets.to_string());
    }
    let mut inv = Inventory::new(document);

    // Licences and edges come from relationships.
    let relationships: Vec<(usize, &Object)> = elements
        .iter()
        .filter(|(_, e)| matches!(ty(e), "Relationship" | "LifecycleScopedRelationship"))
        .copied()
        .collect();
    let mut concluded: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut declared: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (i, r) in &relationships {
        let Some(from) = str_of(r, "from") else {
            w.push((
                format!("/@graph/{i}/from"),
                "relationship without from".to_owned(),
            ));
            continue;
        };
        let target = match str_of(r, "relationshipType") {
            Some("hasConcludedLicense") => &mut concluded,
            Some("hasDeclaredLicense") => &mut declared,
            _ => continue,
        };
        for to in refs(r, "to") {
            if let Some(l) = license(to, by_id.get(to).copied()) {
                target.entry(from).or_default().push(l);
            }
        }
    }

    for (i, e) in &elements {
        if !is_package(ty(e)) {
            continue;
        }
        let path = format!("/@graph/{i}");
        let c = component(e, &path, &by_id, &mut w);
        let mut c = c;
        if let Some(pid) = id(e) {
            for l in concluded
                .get(pid)
                .into_iter()
                .chain(declared.get(pid))
                .flatten()
            {
                push_license(&mut c, Some(l));
            }
        }
        inv.components.push(c);
    }

    let ids: HashSet<&str> = inv
        .components
        .iter()
        .filter_map(|c| c.id.as_deref())
        .collect();
    let is_component = |r: &str| ids.contains(r);
    let mut described: Vec<String> = Vec::new();
    let mut roots: Vec<&str> = spdx_doc
        .map(|(_, d)| refs(d, "rootElement"))
        .unwrap_or_default();
    // A root that is an SBOM (a collection) stands for its own roots.
    let mut k = 0;
    while k < roots.len() && roots.len() < 10_000 {
        if let Some(e) = by_id.get(roots[k])
            && matches!(ty(e), "software_Sbom" | "Bom" | "Bundle")
        {
            roots.extend(refs(e, "rootElement"));
        }
        k += 1;
    }
    described.extend(
        roots
            .iter()
            .filter(|r| is_component(r))
            .map(|r| (*r).to_owned()),
    );
    let mut edges = Edges::default();
    for (_, r) in &relationships {
        let (Some(from), Some(rt)) = (str_of(r, "from"), str_of(r, "relationshipType")) else {
            continue;
        };
        if rt == "describes" {
            described.extend(
                refs(r, "to")
                    .into_iter()
                    .filter(|t| is_component(t))
                    .map(str::to_owned),
            );
        } else if EDGES_V3.contains(&rt) && is_component(from) {
            for to in refs(r, "to") {
                if to != from && is_component(to) {
                    edges.add(from, to);
                }
            }
        }
    }
    drop(ids);
    let meta = &mut inv.document.metadata;
    meta.insert("relationships".to_owned(), relationships.len().to_string());
    meta.insert("dependency_edges".to_owned(), edges.count().to_string());
    inv.dependencies = edges.into_dependencies();
    set_subject(&mut inv, &described);
    for (path, message) in w {
        inv.warn(path, message);
    }
    Ok(inv)
}

/// A licence element as an expression or identifier; `None` for the
/// NoAssertion/None individuals.
fn license(to: &str, element: Option<&Object>) -> Option<String> {
    if let Some(e) = element {
        if let Some(x) = str_of(e, "simplelicensing_licenseExpression") {
            return value(x).map(str::to_owned);
        }
        if let Some(n) = str_of(e, "name") {
            return value(n).map(str::to_owned);
        }
    }
    if to.starts_with("https://spdx.org/rdf/") {
        return None;
    }
    let short = to.strip_prefix("https://spdx.org/licenses/").unwrap_or(to);
    value(short).map(str::to_owned)
}

fn component(
    e: &Object,
    path: &str,
    by_id: &HashMap<&str, &Object>,
    w: &mut Warnings,
) -> Component {
    let name = match str_of(e, "name").map(str::trim) {
        Some(n) if !n.is_empty() => n,
        _ => {
            w.push((path.to_owned(), "package has no name".to_owned()));
            ""
        }
    };
    let mut c = Component::named(name);
    c.id = id(e).map(str::to_owned);
    c.version = str_of(e, "software_packageVersion")
        .and_then(value)
        .map(str::to_owned);
    c.kind = str_of(e, "software_primaryPurpose").and_then(kind);
    c.supplier = refs(e, "suppliedBy").first().and_then(|s| {
        let name = by_id.get(s).and_then(|a| str_of(a, "name")).unwrap_or(s);
        value(name).map(str::to_owned)
    });
    if let Some(p) = str_of(e, "software_packageUrl").and_then(value) {
        set_purl(&mut c, p, &format!("{path}/software_packageUrl"), w);
    }
    let mut cpe22 = None;
    if let Some(Value::Array(ids)) = e.get("externalIdentifier") {
        for (j, x) in ids.iter().enumerate() {
            let Some(x) = x.as_object() else { continue };
            let (Some(t), Some(v)) = (str_of(x, "externalIdentifierType"), str_of(x, "identifier"))
            else {
                continue;
            };
            match t {
                "packageUrl" if c.purl.is_none() => set_purl(
                    &mut c,
                    v,
                    &format!("{path}/externalIdentifier/{j}/identifier"),
                    w,
                ),
                "cpe23" if c.cpe.is_none() => c.cpe = value(v).map(str::to_owned),
                "cpe22" if cpe22.is_none() => cpe22 = value(v).map(str::to_owned),
                _ => {}
            }
        }
    }
    if c.cpe.is_none() {
        c.cpe = cpe22;
    }
    if let Some(Value::Array(hashes)) = e.get("verifiedUsing") {
        for h in hashes.iter().filter_map(Value::as_object) {
            if ty(h) != "Hash" {
                continue;
            }
            if let (Some(alg), Some(v)) = (str_of(h, "algorithm"), str_of(h, "hashValue")) {
                c.hashes.push(Hash {
                    alg: alg.trim().to_owned(),
                    value: v.trim().to_ascii_lowercase(),
                });
            }
        }
    }
    c
}

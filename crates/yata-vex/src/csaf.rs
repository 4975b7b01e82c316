//! CSAF 2.0: one statement per vulnerability, product status and product
//! id, so that each product keeps its own justification, impact and action.
//!
//! * **status** from `product_status`: `known_not_affected` → not affected;
//!   `known_affected`, `first_affected`, `last_affected` → affected (each
//!   names an affected version); `fixed`, `first_fixed` → fixed;
//!   `under_investigation`. `recommended` is not read: it recommends a
//!   version, it says nothing about the vulnerability (the version is
//!   normally also listed as fixed or not affected).
//! * **vulnerability**: `cve`, else the first `ids[].text`; the others are
//!   aliases.
//! * **justification**: the `flags` label for the product; **impact
//!   statement**: the `impact` `threats`' details; **action statement**: the
//!   `remediations` as `category: details` lines. One of these naming no
//!   product or group applies to every product of the vulnerability.
//! * **products**: product ids resolved through the product tree (branches,
//!   full product names, relationships, groups) to the
//!   `product_identification_helper`'s purl and CPE, else vendor, product
//!   and version from the branch path (else the full product name). A
//!   relationship's product (X `installed_on` Y) is X's identity: the
//!   platform Y is not kept.
//! * **timestamp**: `document.tracking.current_release_date`.
//!
//! A product listed under two groups of one status (`fixed` and
//! `first_fixed`) makes one statement.
//!
//! Flags, threats and remediations are attached to at most
//! [`Limits::max_links`] products per document: product groups make that
//! number grow as the product of two lists.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::{
    Document, Format, Justification, JustificationKind, Limits, Out, ProductRef, Statement, Status,
    VexError,
};

/// How many times relationships over relationships are followed.
const MAX_CHAIN: usize = 32;

/// How many times [`Limits::max_links`] the aliases and products copied
/// into statements may number.
const COPIES: usize = 16;

/// The `product_status` groups read, in the order statements are made.
const STATUSES: [(&str, Status); 7] = [
    ("known_not_affected", Status::NotAffected),
    ("known_affected", Status::Affected),
    ("first_affected", Status::Affected),
    ("last_affected", Status::Affected),
    ("fixed", Status::Fixed),
    ("first_fixed", Status::Fixed),
    ("under_investigation", Status::UnderInvestigation),
];

/// Reads a CSAF 2.0 document's product statuses as VEX statements.
pub fn parse_csaf(bytes: &[u8], limits: &Limits) -> Result<Document, VexError> {
    from_value(&crate::json(bytes, limits)?, limits)
}

pub(crate) fn from_value(value: &Value, limits: &Limits) -> Result<Document, VexError> {
    let mut out = Out::new(Format::Csaf, limits);
    let Some(doc) = value.as_object() else {
        return Err(out.invalid("", "not a JSON object"));
    };
    let Some(document) = doc.get("document").and_then(Value::as_object) else {
        return Err(out.invalid("document", "missing or not an object"));
    };
    match document.get("category").and_then(Value::as_str) {
        Some("csaf_vex" | "csaf_security_advisory") => {}
        Some(other) => out.warn(
            "document.category",
            format!("{other:?} is not a VEX profile; its product statuses are read anyway"),
        ),
        None => out.warn("document.category", "missing"),
    }
    let timestamp = match document.get("tracking").and_then(Value::as_object) {
        Some(t) => out.timestamp(t, "current_release_date", "document.tracking"),
        None => None,
    };
    let tree = match doc.get("product_tree") {
        Some(Value::Object(t)) => Tree::build(&mut out, t),
        None | Some(Value::Null) => Tree::default(),
        Some(_) => {
            out.warn("product_tree", "not an object; ignored");
            Tree::default()
        }
    };
    let mut links = 0usize;
    for (i, v) in out.array(doc, "vulnerabilities", "").iter().enumerate() {
        let at = format!("vulnerabilities[{i}]");
        let Some(v) = v.as_object() else {
            out.warn(at, "not an object; ignored");
            continue;
        };
        vulnerability(&mut out, v, &at, &tree, timestamp, &mut links)?;
    }
    Ok(out.finish())
}

/// Per product id (or `None`: every product), what flags, threats and
/// remediations say.
#[derive(Debug, Default)]
struct Notes {
    justification: HashMap<Option<String>, Justification>,
    impact: HashMap<Option<String>, Vec<String>>,
    action: HashMap<Option<String>, Vec<String>>,
}

fn vulnerability(
    out: &mut Out,
    v: &Map<String, Value>,
    at: &str,
    tree: &Tree,
    timestamp: Option<jiff::Timestamp>,
    links: &mut usize,
) -> Result<(), VexError> {
    let mut ids = Vec::new();
    if let Some(cve) = out.text(v, "cve", at) {
        ids.push(cve);
    }
    for (j, id) in out.array(v, "ids", at).iter().enumerate() {
        match id
            .as_object()
            .and_then(|id| id.get("text"))
            .and_then(Value::as_str)
            .and_then(crate::non_blank)
        {
            Some(text) => ids.push(text),
            None => out.warn(format!("{at}.ids[{j}]"), "without text; ignored"),
        }
    }
    let Some(status) = v.get("product_status") else {
        return Ok(());
    };
    let Some(status) = status.as_object() else {
        out.warn(format!("{at}.product_status"), "not an object; ignored");
        return Ok(());
    };
    if ids.is_empty() {
        out.warn(at, "neither cve nor ids; vulnerability ignored");
        return Ok(());
    }
    let vulnerability = ids.remove(0);

    let mut notes = Notes::default();
    let mut attach =
        |out: &mut Out, item: &Map<String, Value>, here: &str| -> Vec<Option<String>> {
            if !item.contains_key("product_ids") && !item.contains_key("group_ids") {
                return vec![None];
            }
            let room = out.limits.max_links.saturating_sub(*links);
            let targets = tree.targets(out, item, here, room);
            if targets.len() > room {
                out.warn(
                    here,
                    format!(
                        "more than {} product links in the document; the rest are not attached",
                        out.limits.max_links
                    ),
                );
            }
            *links += targets.len().min(room);
            targets.into_iter().take(room).map(Some).collect()
        };
    for (j, flag) in out.array(v, "flags", at).iter().enumerate() {
        let here = format!("{at}.flags[{j}]");
        let Some(flag) = flag.as_object() else {
            out.warn(here, "not an object; ignored");
            continue;
        };
        let Some(label) = out.text(flag, "label", &here) else {
            out.warn(here, "flag without label; ignored");
            continue;
        };
        let Some(kind) = JustificationKind::from_openvex(&label) else {
            out.warn(
                format!("{here}.label"),
                format!("unknown label {label:?}; ignored"),
            );
            continue;
        };
        for target in attach(out, flag, &here) {
            notes.justification.entry(target).or_insert(Justification {
                kind,
                as_written: label.clone(),
            });
        }
    }
    for (j, threat) in out.array(v, "threats", at).iter().enumerate() {
        let here = format!("{at}.threats[{j}]");
        let Some(threat) = threat.as_object() else {
            out.warn(here, "not an object; ignored");
            continue;
        };
        if threat.get("category").and_then(Value::as_str) != Some("impact") {
            continue;
        }
        let Some(details) = out.text(threat, "details", &here) else {
            continue;
        };
        for target in attach(out, threat, &here) {
            notes
                .impact
                .entry(target)
                .or_default()
                .push(details.clone());
        }
    }
    for (j, rem) in out.array(v, "remediations", at).iter().enumerate() {
        let here = format!("{at}.remediations[{j}]");
        let Some(rem) = rem.as_object() else {
            out.warn(here, "not an object; ignored");
            continue;
        };
        let line = match (
            out.text(rem, "category", &here),
            out.text(rem, "details", &here),
        ) {
            (Some(c), Some(d)) => format!("{c}: {d}"),
            (Some(c), None) => c,
            (None, Some(d)) => d,
            (None, None) => continue,
        };
        for target in attach(out, rem, &here) {
            notes.action.entry(target).or_default().push(line.clone());
        }
    }

    let join = |map: &HashMap<Option<String>, Vec<String>>, id: &str| -> Option<String> {
        let mut lines: Vec<&str> = Vec::new();
        for key in [Some(id.to_owned()), None] {
            if let Some(list) = map.get(&key) {
                for l in list {
                    if !lines.contains(&l.as_str()) {
                        lines.push(l);
                    }
                }
            }
        }
        (!lines.is_empty()).then(|| lines.join("\n"))
    };
    // A product listed twice under one status (`fixed` and `first_fixed`)
    // makes one statement.
    let mut seen = HashSet::new();
    for (key, st) in STATUSES {
        let here = format!("{at}.product_status.{key}");
        let ids_here = match status.get(key) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(list)) => list,
            Some(_) => {
                out.warn(here, "not an array; ignored");
                continue;
            }
        };
        for (j, id) in ids_here.iter().enumerate() {
            let Some(id) = id.as_str() else {
                out.warn(format!("{here}[{j}]"), "not a string; ignored");
                continue;
            };
            if !seen.insert((st, id)) {
                continue;
            }
            let Some(products) = tree.products.get(id) else {
                out.warn(format!("{here}[{j}]"), format!("unknown product id {id:?}"));
                continue;
            };
            // Every statement copies the aliases and products: bound what
            // a document with long lists of both may cost.
            *links = links.saturating_add(ids.len() + products.len());
            if *links > out.limits.max_links.saturating_mul(COPIES) {
                return Err(out.invalid(
                    format!("{here}[{j}]"),
                    format!(
                        "statements would copy more than {} aliases and products",
                        out.limits.max_links.saturating_mul(COPIES)
                    ),
                ));
            }
            let justification = notes
                .justification
                .get(&Some(id.to_owned()))
                .or_else(|| notes.justification.get(&None))
                .cloned();
            out.push(Statement {
                vulnerability: vulnerability.clone(),
                aliases: ids.clone(),
                products: products.clone(),
                subcomponents: Vec::new(),
                status: st,
                justification,
                impact_statement: join(&notes.impact, id),
                action_statement: join(&notes.action, id),
                timestamp,
                source: Format::Csaf,
            })?;
        }
    }
    Ok(())
}

/// The product tree resolved: product id → refs; group id → product ids.
#[derive(Debug, Default)]
struct Tree {
    products: HashMap<String, Vec<ProductRef>>,
    groups: HashMap<String, Vec<String>>,
}

/// The branch categories above a product, innermost winning.
#[derive(Debug, Clone, Default)]
struct Path {
    vendor: Option<String>,
    product: Option<String>,
    family: Option<String>,
    version: Option<String>,
}

impl Tree {
    fn build(out: &mut Out, t: &Map<String, Value>) -> Tree {
        let mut tree = Tree::default();
        let branches = out.array(t, "branches", "product_tree");
        tree.branches(out, branches, "product_tree.branches", &Path::default());
        for (i, fpn) in out
            .array(t, "full_product_names", "product_tree")
            .iter()
            .enumerate()
        {
            tree.define(
                out,
                fpn,
                &format!("product_tree.full_product_names[{i}]"),
                |name| ProductRef::Name {
                    vendor: None,
                    product: name,
                    version: None,
                },
            );
        }
        let relationships = out.array(t, "relationships", "product_tree");
        tree.relationships(out, relationships);
        for (i, g) in out
            .array(t, "product_groups", "product_tree")
            .iter()
            .enumerate()
        {
            let at = format!("product_tree.product_groups[{i}]");
            let Some(g) = g.as_object() else {
                out.warn(at, "not an object; ignored");
                continue;
            };
            let Some(id) = out.text(g, "group_id", &at) else {
                out.warn(at, "without group_id; ignored");
                continue;
            };
            let mut ids = Vec::new();
            for (j, p) in out.array(g, "product_ids", &at).iter().enumerate() {
                match p.as_str() {
                    Some(p) if tree.products.contains_key(p) => ids.push(p.to_owned()),
                    _ => out.warn(
                        format!("{at}.product_ids[{j}]"),
                        format!("unknown product id {p}"),
                    ),
                }
            }
            ids.sort_unstable();
            ids.dedup();
            tree.groups.entry(id).or_insert(ids);
        }
        tree
    }

    fn branches(&mut self, out: &mut Out, branches: &[Value], at: &str, above: &Path) {
        for (i, b) in branches.iter().enumerate() {
            let at = format!("{at}[{i}]");
            let Some(b) = b.as_object() else {
                out.warn(at, "not an object; ignored");
                continue;
            };
            let mut path = above.clone();
            if let Some(name) = out.text(b, "name", &at) {
                match b.get("category").and_then(Value::as_str) {
                    Some("vendor") => path.vendor = Some(name),
                    Some("product_name") => path.product = Some(name),
                    Some("product_family") => path.family = Some(name),
                    Some(
                        "product_version"
                        | "product_version_range"
                        | "service_pack"
                        | "patch_level",
                    ) => path.version = Some(name),
                    _ => {}
                }
            }
            if let Some(fpn) = b.get("product") {
                let p = path.clone();
                self.define(out, fpn, &format!("{at}.product"), |name| {
                    ProductRef::Name {
                        vendor: p.vendor.clone(),
                        product: p.product.clone().or(p.family.clone()).unwrap_or(name),
                        version: p.version.clone(),
                    }
                });
            }
            let children = out.array(b, "branches", &at);
            self.branches(out, children, &format!("{at}.branches"), &path);
        }
    }

    /// Defines a full product name: the helper's purl and CPE, else
    /// `by_name(name)` (the name, else the product id).
    fn define(
        &mut self,
        out: &mut Out,
        fpn: &Value,
        at: &str,
        by_name: impl FnOnce(String) -> ProductRef,
    ) -> Option<String> {
        let Some(fpn) = fpn.as_object() else {
            out.warn(at, "not an object; ignored");
            return None;
        };
        let Some(id) = out.text(fpn, "product_id", at) else {
            out.warn(at, "without product_id; ignored");
            return None;
        };
        let refs = match helper(out, fpn, at) {
            refs if !refs.is_empty() => refs,
            _ => vec![by_name(
                out.text(fpn, "name", at).unwrap_or_else(|| id.clone()),
            )],
        };
        self.insert(out, id.clone(), refs, at);
        Some(id)
    }

    fn insert(&mut self, out: &mut Out, id: String, refs: Vec<ProductRef>, at: &str) {
        match self.products.entry(id) {
            Entry::Occupied(e) => out.warn(
                format!("{at}.product_id"),
                format!(
                    "product id {:?} is defined more than once; the first is used",
                    e.key()
                ),
            ),
            Entry::Vacant(e) => {
                e.insert(refs);
            }
        }
    }

    /// Relationships define products with their component's identity;
    /// one over another is resolved in up to [`MAX_CHAIN`] passes.
    fn relationships(&mut self, out: &mut Out, rels: &[Value]) {
        let mut todo: Vec<(usize, &Map<String, Value>)> = Vec::new();
        for (i, r) in rels.iter().enumerate() {
            match r.as_object() {
                Some(r) => todo.push((i, r)),
                None => out.warn(format!("product_tree.relationships[{i}]"), "not an object"),
            }
        }
        for _ in 0..MAX_CHAIN {
            let before = todo.len();
            todo.retain(|&(i, r)| {
                let at = format!("product_tree.relationships[{i}]");
                let Some(component) = r.get("product_reference").and_then(Value::as_str) else {
                    out.warn(format!("{at}.product_reference"), "missing; ignored");
                    return false;
                };
                let Some(refs) = self.products.get(component).cloned() else {
                    return true;
                };
                let fpn_at = format!("{at}.full_product_name");
                let Some(fpn) = r.get("full_product_name").and_then(Value::as_object) else {
                    out.warn(fpn_at, "missing or not an object; ignored");
                    return false;
                };
                let Some(id) = out.text(fpn, "product_id", &fpn_at) else {
                    out.warn(fpn_at, "without product_id; ignored");
                    return false;
                };
                let own = helper(out, fpn, &fpn_at);
                self.insert(out, id, if own.is_empty() { refs } else { own }, &fpn_at);
                false
            });
            if todo.len() == before {
                break;
            }
        }
        for (i, r) in todo {
            let component = r
                .get("product_reference")
                .and_then(Value::as_str)
                .unwrap_or("");
            out.warn(
                format!("product_tree.relationships[{i}].product_reference"),
                format!(
                    "unknown product id {component:?} (or relationships loop or nest more than {MAX_CHAIN} deep)"
                ),
            );
        }
    }

    /// The product ids an item (flag, threat, remediation) names through
    /// `product_ids` and `group_ids`, each once; unknown ids are reported.
    /// Stops collecting past `cap` ids (then more than `cap` are returned).
    fn targets(
        &self,
        out: &mut Out,
        item: &Map<String, Value>,
        at: &str,
        cap: usize,
    ) -> Vec<String> {
        let mut ids = HashSet::new();
        for (j, p) in out.array(item, "product_ids", at).iter().enumerate() {
            match p.as_str() {
                Some(p) if self.products.contains_key(p) => {
                    ids.insert(p.to_owned());
                }
                _ => out.warn(
                    format!("{at}.product_ids[{j}]"),
                    format!("unknown product id {p}"),
                ),
            }
        }
        'groups: for (j, g) in out.array(item, "group_ids", at).iter().enumerate() {
            match g.as_str().and_then(|g| self.groups.get(g)) {
                Some(members) => {
                    for m in members {
                        if ids.len() > cap {
                            break 'groups;
                        }
                        ids.insert(m.clone());
                    }
                }
                None => out.warn(
                    format!("{at}.group_ids[{j}]"),
                    format!("unknown group id {g}"),
                ),
            }
        }
        let mut ids: Vec<String> = ids.into_iter().collect();
        ids.sort_unstable();
        ids
    }
}

/// The `product_identification_helper`'s purl and CPE.
fn helper(out: &mut Out, fpn: &Map<String, Value>, at: &str) -> Vec<ProductRef> {
    let mut refs = Vec::new();
    let at = format!("{at}.product_identification_helper");
    match fpn.get("product_identification_helper") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            if let Some(purl) = out.text(h, "purl", &at) {
                refs.push(out.purl(&purl, &format!("{at}.purl")));
            }
            if let Some(cpe) = out.text(h, "cpe", &at) {
                refs.push(ProductRef::Cpe(cpe));
            }
        }
        Some(_) => out.warn(at, "not an object; ignored"),
    }
    refs
}

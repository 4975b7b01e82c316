//! CSAF 2.0 VEX out: a `csaf_vex` document with one `vulnerabilities[]`
//! entry per vulnerability and one product per purl, CPE or named product,
//! shaped to pass the schema and every mandatory test of CSAF 2.0 section
//! 6.1, including the VEX profile's (section 4.5, tests 6.1.27.x).
//!
//! * **Vulnerabilities.** Statements are grouped by their CVE (the
//!   vulnerability id if it is one, else the first alias that is), else by
//!   their vulnerability id: test 6.1.23 allows one entry per CVE. The entry
//!   has that `cve`; every other id of its statements goes to `ids`, with
//!   the id's prefix as `system_name` (`GHSA`, `RUSTSEC`, `OSV`, `JVNDB`;
//!   `other` when it has none). Without a CVE the group's own id comes first
//!   in `ids`, so that readers take it as the vulnerability. Each entry has
//!   a `general` note, which the profile requires (6.1.27.5).
//! * **Products.** Each ref of a statement is its own product, except a
//!   statement naming exactly one purl and then one CPE, which name one
//!   product (as CSAF's identification helper and OpenVEX's identifiers
//!   do). Purls and CPEs go in `full_product_names` with their
//!   `product_identification_helper`; a CPE that is not a whole CPE 2.3
//!   name or 2.2 URI as the schema's pattern describes them, a bom-ref or
//!   another identifier becomes a product known by name; named products with a vendor or version become branches
//!   (vendor → product name → version, or `product_version_range` when the
//!   version reads as a range, which test 6.1.31 forbids in a version).
//!   Product ids are `CSAFPID-0001` onwards, in product order (purls,
//!   CPEs, then names, each by text).
//! * **Statuses.** `known_not_affected`, `known_affected`, `fixed`,
//!   `under_investigation`. A not-affected product gets a `flags` entry
//!   labelled with its justification, or without one an `impact` threat
//!   (its impact statement, else a generic one: 6.1.27.9). A justification
//!   on another status is not written: CISA's minimum elements justify
//!   "not affected" only, and the flag would contradict the status. Every
//!   impact statement is an `impact` threat. An affected product gets a
//!   remediation (6.1.27.10): its action statement, else `none_available`
//!   with a default text; so does a product under investigation, for
//!   optional test 6.2.2. Action statements that are `category: details`
//!   lines (as [`crate::parse`] reads CSAF remediations) become one
//!   remediation per line; other text becomes one `vendor_fix` for fixed
//!   products and one `mitigation` otherwise.
//! * **Subcomponents** are not written: the status is about the products,
//!   and a CSAF relationship (component of product) would read back as the
//!   component alone.
//!
//! A document states one status and at most one justification per product
//! and vulnerability (tests 6.1.6 and 6.1.33): statements that disagree on
//! those are an error naming both. Statements that agree are merged, their
//! impact and action texts kept side by side; equal statements are written
//! once. Other errors: no statements, a statement without products, an
//! empty id or product name, and metadata the schema rejects; each names its
//! place (`statements[3].products`, `meta.tlp`).
//!
//! The output depends only on the set of statements and the metadata, not
//! on their order: vulnerabilities, products and the texts of each are
//! sorted, and object keys are written in sorted order.
//!
//! Read back with [`crate::parse`], the statements come back as one per
//! vulnerability, status and product, the same except for: `source` (now
//! CSAF); `vulnerability` (the group's CVE, else its id) and `aliases`
//! (every other id of the group, sorted); `products` (split as above,
//! name-only refs as names); `subcomponents` (gone); the justification (its
//! `as_written` is now the CSAF label; gone unless not affected); the
//! generic impact and default action texts where there were none; action
//! text that was not in `category: details` lines (now prefixed with its
//! category); several texts for one product (joined by lines, sorted);
//! blank texts (absent); and `timestamp` (now [`CsafMeta::generated`]).
//!
//! A writer, not a parser: it reads no untrusted bytes, so it has no fuzz
//! target (the readers do).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::{Format, JustificationKind, ProductRef, Statement, Status, VexError};

/// Who publishes the document and how it is identified.
#[derive(Debug, Clone)]
pub struct CsafMeta {
    /// `document.tracking.id`: no leading or trailing white space.
    pub id: String,
    /// `document.title`.
    pub title: String,
    /// `document.publisher.name`.
    pub publisher_name: String,
    /// `document.publisher.namespace`: an https URL the publisher controls.
    pub publisher_namespace: String,
    /// `document.publisher.category`: `coordinator`, `discoverer`, `other`,
    /// `translator`, `user` or `vendor`.
    pub publisher_category: String,
    /// The initial and current release date, and the date of the one
    /// revision.
    pub generated: jiff::Timestamp,
    /// The TLP 2.0 label (`CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT`, `RED`;
    /// case and a `TLP:` prefix do not matter) for
    /// `document.distribution.tlp.label`. CSAF 2.0 knows TLP 1.0 only:
    /// `CLEAR` is written as `WHITE`, and `AMBER+STRICT` as `AMBER` with the
    /// stricter rule in `distribution.text`.
    pub tlp: Option<String>,
}

/// Writes `statements` as a CSAF 2.0 VEX document, pretty-printed JSON.
/// The output depends on nothing else: same statements (in any order) and
/// metadata, same bytes.
///
/// # Errors
/// [`VexError::Invalid`] (format CSAF) naming the statement or metadata
/// field: see the module documentation.
pub fn to_csaf_vex(statements: &[Statement], meta: &CsafMeta) -> Result<String, VexError> {
    let document = document(meta)?;
    if statements.is_empty() {
        return Err(invalid(
            "statements",
            "empty: a CSAF VEX document needs at least one vulnerability",
        ));
    }
    let mut vulns: BTreeMap<String, Vuln> = BTreeMap::new();
    let mut products: BTreeMap<Key, Vec<ProductRef>> = BTreeMap::new();
    for (i, s) in statements.iter().enumerate() {
        let (group, ids) = ids(s, i)?;
        let vuln = vulns.entry(group.clone()).or_default();
        vuln.ids.extend(ids);
        for product in split(s, i)? {
            let key = key(&product);
            vuln.decide(&group, key.clone(), &product, s, i)?;
            products.entry(key).or_insert(product);
        }
    }
    let numbers: BTreeMap<&Key, usize> = products.keys().zip(1..).collect();
    let vulnerabilities: Vec<Value> = vulns
        .iter()
        .map(|(group, v)| v.to_json(group, &numbers, meta))
        .collect();
    let mut root = json!({
        "document": document,
        "product_tree": product_tree(&products),
        "vulnerabilities": vulnerabilities,
    });
    // Sorted keys whether or not serde_json keeps insertion order (its
    // `preserve_order` feature may be switched on by another crate).
    root.sort_all_objects();
    // Serialising a `Value` of strings, numbers, arrays and objects cannot
    // fail.
    Ok(serde_json::to_string_pretty(&root).unwrap_or_default())
}

/// Texts written where a statement gives none.
const NOT_AFFECTED_IMPACT: &str =
    "The publisher states that this product is not affected; no justification was given.";
const AFFECTED_ACTION: &str = "No remediation has been stated for this product yet.";
const UNDER_INVESTIGATION_ACTION: &str =
    "The product is under investigation; no remediation is known yet.";

/// CSAF's remediation categories.
const REMEDIATIONS: [&str; 5] = [
    "mitigation",
    "no_fix_planned",
    "none_available",
    "vendor_fix",
    "workaround",
];

fn invalid(path: impl Into<String>, message: impl Into<String>) -> VexError {
    VexError::Invalid {
        format: Format::Csaf,
        path: path.into(),
        message: message.into(),
    }
}

/// The `document` object, after checking the metadata against the schema.
fn document(meta: &CsafMeta) -> Result<Value, VexError> {
    let id = &meta.id;
    if id.is_empty()
        || id.starts_with(char::is_whitespace)
        || id.ends_with(char::is_whitespace)
        || id.contains(['\n', '\r', '\u{2028}', '\u{2029}'])
    {
        return Err(invalid(
            "meta.id",
            format!("{id:?}: empty, or white space at either end or a line break"),
        ));
    }
    for (field, text) in [
        ("meta.title", &meta.title),
        ("meta.publisher_name", &meta.publisher_name),
    ] {
        if text.trim().is_empty() {
            return Err(invalid(field, "empty"));
        }
    }
    const CATEGORIES: [&str; 6] = [
        "coordinator",
        "discoverer",
        "other",
        "translator",
        "user",
        "vendor",
    ];
    if !CATEGORIES.contains(&meta.publisher_category.as_str()) {
        return Err(invalid(
            "meta.publisher_category",
            format!(
                "{:?} is not one of {}",
                meta.publisher_category,
                CATEGORIES.join(", ")
            ),
        ));
    }
    let ns = &meta.publisher_namespace;
    let host = ns
        .strip_prefix("https://")
        .or_else(|| ns.strip_prefix("http://"));
    if host.is_none_or(|h| h.is_empty() || h.starts_with('/')) || ns.contains(char::is_whitespace) {
        return Err(invalid(
            "meta.publisher_namespace",
            format!("{ns:?} is not an http(s) URL"),
        ));
    }
    let date = meta.generated.to_string();
    let mut document = json!({
        "category": "csaf_vex",
        "csaf_version": "2.0",
        "publisher": {
            "category": meta.publisher_category,
            "name": meta.publisher_name,
            "namespace": meta.publisher_namespace,
        },
        "title": meta.title,
        "tracking": {
            "current_release_date": date,
            "generator": { "date": date, "engine": { "name": "YATA-Shield" } },
            "id": meta.id,
            "initial_release_date": date,
            "revision_history": [
                { "date": date, "number": "1", "summary": "Initial version." }
            ],
            "status": "final",
            "version": "1",
        },
    });
    if let Some(tlp) = &meta.tlp {
        document["distribution"] = distribution(tlp)?;
    }
    Ok(document)
}

/// `distribution` for a TLP 2.0 label, in CSAF 2.0's TLP 1.0 terms.
fn distribution(tlp: &str) -> Result<Value, VexError> {
    let upper = tlp.trim().to_ascii_uppercase();
    let label = upper.strip_prefix("TLP:").unwrap_or(&upper);
    Ok(match label {
        "CLEAR" | "WHITE" => json!({ "tlp": { "label": "WHITE" } }),
        "GREEN" | "AMBER" | "RED" => json!({ "tlp": { "label": label } }),
        "AMBER+STRICT" => json!({
            "tlp": { "label": "AMBER" },
            "text": "TLP:AMBER+STRICT: recipients may share this information only within their own organisation.",
        }),
        _ => {
            return Err(invalid(
                "meta.tlp",
                format!("{tlp:?} is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED"),
            ));
        }
    })
}

/// Whether `id` is a CVE id as the schema's `cve` pattern has it.
fn is_cve(id: &str) -> bool {
    let mut parts = id.splitn(3, '-');
    parts.next() == Some("CVE")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The group a statement belongs to (its CVE, else its vulnerability id)
/// and its ids.
fn ids(s: &Statement, i: usize) -> Result<(String, Vec<String>), VexError> {
    if s.vulnerability.trim().is_empty() {
        return Err(invalid(format!("statements[{i}].vulnerability"), "empty"));
    }
    if let Some(j) = s.aliases.iter().position(|a| a.trim().is_empty()) {
        return Err(invalid(format!("statements[{i}].aliases[{j}]"), "empty"));
    }
    let all: Vec<String> = std::iter::once(&s.vulnerability)
        .chain(&s.aliases)
        .cloned()
        .collect();
    let group = all
        .iter()
        .find(|id| is_cve(id))
        .unwrap_or(&s.vulnerability)
        .clone();
    Ok((group, all))
}

/// The products of a statement: one purl followed by one CPE is one
/// product, else each ref is one. Refs the document can only name become
/// names.
fn split(s: &Statement, i: usize) -> Result<Vec<Vec<ProductRef>>, VexError> {
    let named = |text: &str| ProductRef::Name {
        vendor: None,
        product: text.to_owned(),
        version: None,
    };
    if s.products.is_empty() {
        return Err(invalid(
            format!("statements[{i}].products"),
            "none: a CSAF product status names at least one product",
        ));
    }
    let mut out = Vec::with_capacity(s.products.len());
    for (j, p) in s.products.iter().enumerate() {
        let texts: Vec<&String> = match p {
            ProductRef::Purl(_) => Vec::new(),
            ProductRef::Cpe(t) | ProductRef::BomRef(t) | ProductRef::Other(t) => vec![t],
            ProductRef::Name {
                vendor,
                product,
                version,
            } => [vendor.as_ref(), Some(product), version.as_ref()]
                .into_iter()
                .flatten()
                .collect(),
        };
        if texts.iter().any(|t| t.trim().is_empty()) {
            return Err(invalid(
                format!("statements[{i}].products[{j}]"),
                "empty identifier, vendor, product or version",
            ));
        }
        let p = match p {
            ProductRef::Cpe(c) if !cpe_fits_schema(c) => named(c),
            ProductRef::BomRef(t) | ProductRef::Other(t) => named(t),
            _ => p.clone(),
        };
        out.push(vec![p]);
    }
    if let [purl, cpe] = out.as_slice()
        && matches!(purl[..], [ProductRef::Purl(_)])
        && matches!(cpe[..], [ProductRef::Cpe(_)])
    {
        out = vec![out.concat()];
    }
    Ok(out)
}

/// A product's sort key: purls, then CPEs, then names, each by text.
type Key = Vec<(u8, String, Option<String>, Option<String>)>;

fn key(product: &[ProductRef]) -> Key {
    product
        .iter()
        .map(|p| match p {
            ProductRef::Purl(purl) => (0, purl.to_string(), None, None),
            ProductRef::Cpe(cpe) => (1, cpe.clone(), None, None),
            ProductRef::Name {
                vendor,
                product,
                version,
            } => (2, product.clone(), vendor.clone(), version.clone()),
            // `split` turns these into names.
            ProductRef::BomRef(t) | ProductRef::Other(t) => (3, t.clone(), None, None),
        })
        .collect()
}

/// What the statements say about one product for one vulnerability.
#[derive(Debug)]
struct Decision {
    status: Status,
    justification: Option<JustificationKind>,
    impacts: BTreeSet<String>,
    actions: BTreeSet<String>,
    /// The first statement saying it, for errors.
    statement: usize,
}

/// One vulnerability: its ids and a decision per product.
#[derive(Debug, Default)]
struct Vuln {
    ids: BTreeSet<String>,
    decisions: BTreeMap<Key, Decision>,
}

fn text(t: &Option<String>) -> Option<String> {
    t.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

impl Vuln {
    /// Records what statement `i` says about `product`; an error if an
    /// earlier statement gave it another status or justification.
    fn decide(
        &mut self,
        group: &str,
        key: Key,
        product: &[ProductRef],
        s: &Statement,
        i: usize,
    ) -> Result<(), VexError> {
        // CISA's minimum elements justify "not affected" only; a flag on a
        // product of another status would read as a contradiction.
        let justification = s
            .justification
            .as_ref()
            .filter(|_| s.status == Status::NotAffected)
            .map(|j| j.kind);
        let d = self.decisions.entry(key).or_insert_with(|| Decision {
            status: s.status,
            justification,
            impacts: BTreeSet::new(),
            actions: BTreeSet::new(),
            statement: i,
        });
        let name = |p: &[ProductRef]| {
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" / ")
        };
        if d.status != s.status {
            return Err(invalid(
                format!("statements[{i}]"),
                format!(
                    "{group}: {} is {} here but {} in statements[{}]; a CSAF document gives a product one status per vulnerability",
                    name(product),
                    s.status.as_str(),
                    d.status.as_str(),
                    d.statement
                ),
            ));
        }
        if d.justification != justification {
            let label = |j: Option<JustificationKind>| j.map_or("no justification", |j| j.as_str());
            return Err(invalid(
                format!("statements[{i}]"),
                format!(
                    "{group}: {} is not affected with {} here but {} in statements[{}]; a CSAF document gives a product one justification per vulnerability",
                    name(product),
                    label(justification),
                    label(d.justification),
                    d.statement
                ),
            ));
        }
        d.impacts.extend(text(&s.impact_statement));
        d.actions.extend(text(&s.action_statement));
        Ok(())
    }

    fn to_json(&self, group: &str, numbers: &BTreeMap<&Key, usize>, meta: &CsafMeta) -> Value {
        // Product ids are sorted by number, not as text (`CSAFPID-10000`).
        let mut status: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
        let mut flags: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
        let mut threats: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
        let mut remediations: BTreeMap<(&str, &str), BTreeSet<usize>> = BTreeMap::new();
        for (key, d) in &self.decisions {
            let n = numbers[key];
            let bucket = match d.status {
                Status::NotAffected => "known_not_affected",
                Status::Affected => "known_affected",
                Status::Fixed => "fixed",
                Status::UnderInvestigation => "under_investigation",
            };
            status.entry(bucket).or_default().insert(n);
            if let Some(j) = d.justification {
                flags.entry(j.as_str()).or_default().insert(n);
            }
            for impact in &d.impacts {
                threats.entry(impact).or_default().insert(n);
            }
            if d.status == Status::NotAffected && d.justification.is_none() && d.impacts.is_empty()
            {
                threats.entry(NOT_AFFECTED_IMPACT).or_default().insert(n);
            }
            for action in &d.actions {
                for line in remediation_lines(action, d.status) {
                    remediations.entry(line).or_default().insert(n);
                }
            }
            if d.actions.is_empty() {
                let default = match d.status {
                    Status::Affected => Some(AFFECTED_ACTION),
                    Status::UnderInvestigation => Some(UNDER_INVESTIGATION_ACTION),
                    Status::NotAffected | Status::Fixed => None,
                };
                if let Some(details) = default {
                    remediations
                        .entry(("none_available", details))
                        .or_default()
                        .insert(n);
                }
            }
        }
        let ids_json = |set: &BTreeSet<usize>| -> Value {
            set.iter()
                .map(|n| Value::String(format!("CSAFPID-{n:04}")))
                .collect()
        };
        let mut v = Map::new();
        let cve = is_cve(group).then_some(group);
        if let Some(cve) = cve {
            v.insert("cve".into(), cve.into());
        }
        // Without a CVE the group's id comes first: readers take the first
        // id as the vulnerability.
        let others = self.ids.iter().filter(|id| Some(id.as_str()) != cve);
        let ids: Vec<Value> = cve
            .is_none()
            .then_some(group)
            .into_iter()
            .chain(others.map(String::as_str).filter(|id| *id != group))
            .map(|id| json!({ "system_name": system_name(id), "text": id }))
            .collect();
        if !ids.is_empty() {
            v.insert("ids".into(), ids.into());
        }
        v.insert(
            "notes".into(),
            json!([{
                "category": "general",
                "title": "VEX",
                "text": format!(
                    "The status of the listed products with respect to {group}, as stated by {}.",
                    meta.publisher_name.trim()
                ),
            }]),
        );
        let product_status: Map<String, Value> = status
            .iter()
            .map(|(bucket, set)| ((*bucket).to_owned(), ids_json(set)))
            .collect();
        v.insert("product_status".into(), product_status.into());
        if !flags.is_empty() {
            let flags: Vec<Value> = flags
                .iter()
                .map(|(label, set)| json!({ "label": label, "product_ids": ids_json(set) }))
                .collect();
            v.insert("flags".into(), flags.into());
        }
        if !threats.is_empty() {
            let threats: Vec<Value> = threats
                .iter()
                .map(|(details, set)| {
                    json!({ "category": "impact", "details": details, "product_ids": ids_json(set) })
                })
                .collect();
            v.insert("threats".into(), threats.into());
        }
        if !remediations.is_empty() {
            let remediations: Vec<Value> = remediations
                .iter()
                .map(|((category, details), set)| {
                    json!({ "category": category, "details": details, "product_ids": ids_json(set) })
                })
                .collect();
            v.insert("remediations".into(), remediations.into());
        }
        Value::Object(v)
    }
}

/// An action statement as remediations: `category: details` lines each as
/// one, other text as one `vendor_fix` (fixed) or `mitigation`.
fn remediation_lines(action: &str, status: Status) -> Vec<(&str, &str)> {
    let lines: Option<Vec<(&str, &str)>> = action
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (category, details) = l.split_once(':')?;
            let details = details.trim();
            (REMEDIATIONS.contains(&category) && !details.is_empty()).then_some((category, details))
        })
        .collect();
    match lines {
        Some(lines) if !lines.is_empty() => lines,
        _ => {
            let category = if status == Status::Fixed {
                "vendor_fix"
            } else {
                "mitigation"
            };
            vec![(category, action)]
        }
    }
}

/// The numbering system of a vulnerability id: its prefix (`GHSA`,
/// `RUSTSEC`), else `other`.
fn system_name(id: &str) -> &str {
    match id.split_once('-') {
        Some((prefix, _))
            if prefix.bytes().all(|b| b.is_ascii_alphanumeric())
                && prefix.bytes().any(|b| b.is_ascii_alphabetic()) =>
        {
            prefix
        }
        _ => "other",
    }
}

/// The product tree: purls, CPEs and plain names as full product names;
/// names with a vendor or version as branches.
fn product_tree(products: &BTreeMap<Key, Vec<ProductRef>>) -> Value {
    /// Product name → (version, full product name), for one vendor.
    type Named = BTreeMap<String, Vec<(Option<String>, Value)>>;
    let mut full = Vec::new();
    let mut tree: BTreeMap<Option<String>, Named> = BTreeMap::new();
    for (n, refs) in (1..).zip(products.values()) {
        let id = format!("CSAFPID-{n:04}");
        let mut helper = Map::new();
        for r in refs {
            match r {
                ProductRef::Purl(p) => {
                    helper.insert("purl".into(), p.to_string().into());
                }
                ProductRef::Cpe(c) => {
                    helper.insert("cpe".into(), c.as_str().into());
                }
                _ => {}
            }
        }
        let name = refs
            .first()
            .map(ToString::to_string)
            .unwrap_or_else(|| id.clone());
        let mut fpn = json!({ "name": name, "product_id": id });
        if !helper.is_empty() {
            fpn["product_identification_helper"] = helper.into();
        }
        match refs.as_slice() {
            [
                ProductRef::Name {
                    vendor,
                    product,
                    version,
                },
            ] if vendor.is_some() || version.is_some() => {
                tree.entry(vendor.clone())
                    .or_default()
                    .entry(product.clone())
                    .or_default()
                    .push((version.clone(), fpn));
            }
            _ => full.push(fpn),
        }
    }
    let mut branches = Vec::new();
    for (vendor, names) in tree {
        let mut under = Vec::new();
        for (product, versions) in names {
            let mut ranged = Vec::new();
            for (version, fpn) in versions {
                match version {
                    // A vendor's product without version.
                    None => under.push(json!({
                        "category": "product_name", "name": product, "product": fpn,
                    })),
                    Some(v) => {
                        let category = if looks_like_range(&v) {
                            "product_version_range"
                        } else {
                            "product_version"
                        };
                        ranged.push(json!({ "category": category, "name": v, "product": fpn }));
                    }
                }
            }
            if !ranged.is_empty() {
                under.push(json!({
                    "category": "product_name", "name": product, "branches": ranged,
                }));
            }
        }
        match vendor {
            Some(vendor) => {
                branches.push(json!({ "category": "vendor", "name": vendor, "branches": under }))
            }
            None => branches.extend(under),
        }
    }
    let mut tree = Map::new();
    if !branches.is_empty() {
        tree.insert("branches".into(), branches.into());
    }
    if !full.is_empty() {
        tree.insert("full_product_names".into(), full.into());
    }
    Value::Object(tree)
}

/// Whether a version reads as a range: a `vers:` specifier, or what test
/// 6.1.31 forbids in a `product_version` (`<`, `>`, or one of the words
/// after, all, before, earlier, later, prior, versions).
fn looks_like_range(version: &str) -> bool {
    const WORDS: [&str; 7] = [
        "after", "all", "before", "earlier", "later", "prior", "versions",
    ];
    let lower = version.to_lowercase();
    lower.starts_with("vers:")
        || lower.contains(['<', '>'])
        || lower.split_whitespace().any(|w| WORDS.contains(&w))
}

/// Whether `cpe` is what the CSAF 2.0 schema's `cpe` pattern describes: a
/// CPE 2.3 formatted string (13 colon-separated parts, quoted characters
/// allowed, `*` and `?` only at either end of a value) or a CPE 2.2 URI.
/// The pattern itself is looser (its `^` binds only the 2.3 alternative and
/// its `$` only the 2.2 one, so it also takes a 2.3 name followed by
/// anything); this check takes whole names only.
pub(crate) fn cpe_fits_schema(cpe: &str) -> bool {
    if let Some(rest) = cpe.strip_prefix("cpe:2.3:") {
        return cpe23_fits(rest);
    }
    // `[c][pP][eE]:/[AHOaho]?(:[A-Za-z0-9\._\-~%]*){0,6}`
    let b = cpe.as_bytes();
    if b.len() < 5 || b[0] != b'c' || !b[1..3].eq_ignore_ascii_case(b"pe") || &b[3..5] != b":/" {
        return false;
    }
    let mut rest = &cpe[5..];
    if let Some(c) = rest.chars().next()
        && "AHOaho".contains(c)
    {
        rest = &rest[1..];
    }
    if rest.is_empty() {
        return true;
    }
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let parts: Vec<&str> = rest.split(':').collect();
    parts.len() <= 6
        && parts.iter().all(|p| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-~%".contains(&b))
        })
}

/// One character of a CPE 2.3 value: plain, or quoted with a backslash.
#[derive(Clone, Copy)]
enum Unit {
    Plain(u8),
    Quoted,
}

/// The part after `cpe:2.3:`: part, five values, language, four values.
fn cpe23_fits(rest: &str) -> bool {
    const QUOTABLE: &[u8] = b"\\*?!\"#$%&'()+,/:;<=>@[]^`{|}~";
    let mut fields: Vec<Vec<Unit>> = vec![Vec::new()];
    let mut bytes = rest.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' => match bytes.next() {
                Some(q) if QUOTABLE.contains(&q) => fields.last_mut().unwrap().push(Unit::Quoted),
                _ => return false,
            },
            b':' => fields.push(Vec::new()),
            _ => fields.last_mut().unwrap().push(Unit::Plain(b)),
        }
    }
    let [part, values @ ..] = fields.as_slice() else {
        return false;
    };
    if values.len() != 10 || !matches!(part[..], [Unit::Plain(b'a' | b'h' | b'o' | b'*' | b'-')]) {
        return false;
    }
    values.iter().enumerate().all(|(i, v)| {
        if i == 5 {
            language_fits(v)
        } else {
            value_fits(v)
        }
    })
}

/// `[a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?` or `*` or `-`.
fn language_fits(units: &[Unit]) -> bool {
    let mut text = Vec::with_capacity(units.len());
    for u in units {
        match u {
            Unit::Plain(b) => text.push(*b),
            Unit::Quoted => return false,
        }
    }
    let (lang, region) = match text.iter().position(|&b| b == b'-') {
        _ if text == b"*" || text == b"-" => return true,
        Some(dash) => (&text[..dash], Some(&text[dash + 1..])),
        None => (&text[..], None),
    };
    (2..=3).contains(&lang.len())
        && lang.iter().all(u8::is_ascii_alphabetic)
        && region.is_none_or(|r| {
            (r.len() == 2 && r.iter().all(u8::is_ascii_alphabetic))
                || (r.len() == 3 && r.iter().all(u8::is_ascii_digit))
        })
}

/// `*` or `-`, or `(\?*|\*?)` then one or more of `[a-zA-Z0-9\-._]` or a
/// quoted character, then `(\?*|\*?)`.
fn value_fits(units: &[Unit]) -> bool {
    let plain = |u: &Unit, c: u8| matches!(u, Unit::Plain(b) if *b == c);
    if let [u] = units
        && (plain(u, b'*') || plain(u, b'-'))
    {
        return true;
    }
    let mut body = units;
    if body.first().is_some_and(|u| plain(u, b'*')) {
        body = &body[1..];
    } else {
        while body.first().is_some_and(|u| plain(u, b'?')) {
            body = &body[1..];
        }
    }
    if body.last().is_some_and(|u| plain(u, b'*')) {
        body = &body[..body.len() - 1];
    } else {
        while body.last().is_some_and(|u| plain(u, b'?')) {
            body = &body[..body.len() - 1];
        }
    }
    !body.is_empty()
        && body.iter().all(|u| match u {
            Unit::Quoted => true,
            Unit::Plain(b) => b.is_ascii_alphanumeric() || b"-._".contains(b),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the CSAF schema accepts `cpe` in a product identification
    /// helper, asked of the validator.
    fn schema_accepts(cpe: &str) -> bool {
        let doc = json!({"product_tree": {"full_product_names": [{
            "name": "x", "product_id": "X",
            "product_identification_helper": {"cpe": cpe}
        }]}});
        let report = yata_csaf::validate_value(&doc, &yata_csaf::Config::default());
        !report
            .failures()
            .iter()
            .any(|f| f.test() == "schema" && f.path().ends_with("/cpe"))
    }

    #[test]
    fn cpes_as_the_schema_has_them() {
        let ok = [
            "cpe:2.3:a:pivotal:spring_boot:2.6.0:m3:*:*:*:*:*:*",
            "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:x64:*",
            "cpe:2.3:a:acme:lib\\:x:1.0:*:*:en-us:*:*:*:*",
            "cpe:2.3:a:acme:lib:1.*:?beta??:*:fr-150:*:*:*:*",
            "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*",
            "cpe:/a:acme:lib:1.0",
            "cpe:/",
            "cPE:/o",
            "cpe:/a:::::~",
        ];
        let bad = [
            "cpe:2.3:a:acme:lib:1.0",
            "cpe:2.3:x:acme:lib:1.0:*:*:*:*:*:*:*",
            "cpe:2.3:a:acme:lib 2:1.0:*:*:*:*:*:*:*",
            "cpe:2.3:a:acme:l*b:1.0:*:*:*:*:*:*:*",
            "cpe:2.3:a:acme:lib:?:*:*:*:*:*:*:*",
            "cpe:2.3:a:acme:lib:*?1:*:*:*:*:*:*:*",
            "cpe:2.3:a:acme:lib:1.0:*:*:english:*:*:*:*",
            "cpe:2.3:a:acme:lib\\q:1.0:*:*:*:*:*:*:*",
            "cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:",
            "Cpe:/a",
            "cpe:/a:b:c:d:e:f:g:h",
            "cpe:/a:b c",
            "cpe",
        ];
        for (cpe, fits) in ok
            .iter()
            .map(|c| (c, true))
            .chain(bad.iter().map(|c| (c, false)))
        {
            assert_eq!(cpe_fits_schema(cpe), fits, "{cpe}");
            assert_eq!(schema_accepts(cpe), fits, "validator: {cpe}");
        }
        // The schema's `^` and `$` each bind one alternative of its
        // pattern: it also takes a valid 2.3 name followed by anything, and
        // anything followed by a 2.2 URI. Not CPEs; written as names.
        for loose in [
            "cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:*:*",
            "cpe:2.3:*:0:a:a:-:a:-:aa:0:_:a%",
            "x cpe:/a:acme",
        ] {
            assert!(!cpe_fits_schema(loose), "{loose}");
            assert!(schema_accepts(loose), "validator: {loose}");
        }
    }

    /// Strings made of CPE pieces, mostly well-formed: 2.3 names of ten
    /// values (sometimes eleven), and 2.2 URIs.
    fn cpe_like() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let value = concat!(
            r"[a-z0-9._-]{1,4}|\*|-|\?{1,2}[a-z0-9]{1,3}\*?|[a-z0-9]{1,3}\\[:*?q]|",
            r"[a-z]{2,3}(-[a-z]{2}|-[0-9]{3})?|[a-z0-9*?~%]{0,3}",
        );
        let v23 = ("cpe:2\\.3:[aho*x-]", prop::collection::vec(value, 10..12))
            .prop_map(|(head, values)| format!("{head}:{}", values.join(":")));
        let v22 = (
            "[cC][pP][eE]:/[ahoAx]?",
            prop::collection::vec("[A-Za-z0-9._~%-]{0,3}|[ :*]", 0..8),
        )
            .prop_map(|(head, parts)| parts.iter().fold(head, |cpe, p| format!("{cpe}:{p}")));
        prop_oneof![v23, v22]
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(512))]

        /// The hand-written check is the schema's pattern: read with its
        /// loose anchors, the pattern takes a string when a prefix is a
        /// 2.3 name or a suffix a 2.2 URI by the check.
        #[test]
        fn cpe_check_agrees_with_the_schema(cpe in cpe_like()) {
            let loose = (0..=cpe.len()).any(|i| {
                let (head, tail) = cpe.split_at(i);
                (head.starts_with("cpe:2.3:") && cpe_fits_schema(head))
                    || (!tail.starts_with("cpe:2.3:") && cpe_fits_schema(tail))
            });
            proptest::prop_assert_eq!(loose, schema_accepts(&cpe), "{}", cpe);
        }
    }

    #[test]
    fn remediation_text() {
        assert_eq!(
            remediation_lines(
                "vendor_fix: Update.\nnone_available: Later.",
                Status::Affected
            ),
            [("vendor_fix", "Update."), ("none_available", "Later.")]
        );
        assert_eq!(
            remediation_lines("Upgrade: now", Status::Affected),
            [("mitigation", "Upgrade: now")]
        );
        assert_eq!(
            remediation_lines("Update to 2.0.", Status::Fixed),
            [("vendor_fix", "Update to 2.0.")]
        );
        assert_eq!(system_name("GHSA-2qrg-x229-3v8q"), "GHSA");
        assert_eq!(system_name("2023-1"), "other");
        assert_eq!(system_name("ACME7"), "other");
        assert!(looks_like_range("< 2.0") && looks_like_range("all versions"));
        assert!(!looks_like_range("2.0-rc1"));
    }
}

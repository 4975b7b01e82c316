//! Tolerant access to a CSAF document held as a JSON value: every accessor
//! yields nothing where the document has the wrong shape.

use serde_json::Value;

/// The value at `keys` below `v`.
pub(crate) fn at<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |v, k| v.get(k))
}

/// The string at `keys` below `v`.
pub(crate) fn str_at<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    at(v, keys)?.as_str()
}

/// The elements of an array with their indices; nothing if `v` is not one.
pub(crate) fn items(v: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

/// The string elements of an array with their indices.
pub(crate) fn strings(v: Option<&Value>) -> impl Iterator<Item = (usize, &str)> {
    items(v).filter_map(|(i, v)| Some((i, v.as_str()?)))
}

/// `/vulnerabilities[]`.
pub(crate) fn vulnerabilities(doc: &Value) -> impl Iterator<Item = (usize, &Value)> {
    items(doc.get("vulnerabilities"))
}

/// The product status groups of CSAF 2.0 (`/vulnerabilities[]/product_status/*`).
pub(crate) const STATUSES: [&str; 8] = [
    "first_affected",
    "first_fixed",
    "fixed",
    "known_affected",
    "known_not_affected",
    "last_affected",
    "recommended",
    "under_investigation",
];

/// A string found in the document and where.
#[derive(Debug)]
pub(crate) struct Located<'a> {
    pub value: &'a str,
    pub path: String,
}

/// Every branch object of the product tree with its path, in document order.
pub(crate) fn branches(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    // An explicit stack: a caller of `validate_value` may hand in any depth.
    let mut stack: Vec<(String, &Value)> = Vec::new();
    push_branches(
        &mut stack,
        "/product_tree".to_owned(),
        doc.get("product_tree"),
    );
    while let Some((path, branch)) = stack.pop() {
        push_branches(&mut stack, path.clone(), Some(branch));
        out.push((path, branch));
    }
    out
}

fn push_branches<'a>(stack: &mut Vec<(String, &'a Value)>, parent: String, v: Option<&'a Value>) {
    let children: Vec<_> = items(v.and_then(|v| v.get("branches"))).collect();
    // Reversed, so that popping visits them in document order.
    for (i, branch) in children.into_iter().rev() {
        stack.push((format!("{parent}/branches/{i}"), branch));
    }
}

/// Every Full Product Name object (type `full_product_name_t`) with its path:
/// in branches, in `full_product_names` and in relationships.
pub(crate) fn full_product_names(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (path, branch) in branches(doc) {
        if let Some(p) = branch.get("product") {
            out.push((format!("{path}/product"), p));
        }
    }
    let tree = doc.get("product_tree");
    for (i, p) in items(tree.and_then(|t| t.get("full_product_names"))) {
        out.push((format!("/product_tree/full_product_names/{i}"), p));
    }
    for (i, r) in items(tree.and_then(|t| t.get("relationships"))) {
        if let Some(p) = r.get("full_product_name") {
            out.push((
                format!("/product_tree/relationships/{i}/full_product_name"),
                p,
            ));
        }
    }
    out
}

/// Every definition of a Product ID.
pub(crate) fn product_definitions(doc: &Value) -> Vec<Located<'_>> {
    full_product_names(doc)
        .into_iter()
        .filter_map(|(path, p)| {
            Some(Located {
                value: p.get("product_id")?.as_str()?,
                path: format!("{path}/product_id"),
            })
        })
        .collect()
}

/// Every reference to a Product ID (every `product_id_t` outside a Full
/// Product Name).
pub(crate) fn product_references(doc: &Value) -> Vec<Located<'_>> {
    let mut out = Vec::new();
    let tree = doc.get("product_tree");
    for (i, g) in items(tree.and_then(|t| t.get("product_groups"))) {
        push_all(
            &mut out,
            format!("/product_tree/product_groups/{i}/product_ids"),
            g.get("product_ids"),
        );
    }
    for (i, r) in items(tree.and_then(|t| t.get("relationships"))) {
        for key in ["product_reference", "relates_to_product_reference"] {
            if let Some(s) = r.get(key).and_then(Value::as_str) {
                out.push(Located {
                    value: s,
                    path: format!("/product_tree/relationships/{i}/{key}"),
                });
            }
        }
    }
    for (v, vuln) in vulnerabilities(doc) {
        for status in STATUSES {
            push_all(
                &mut out,
                format!("/vulnerabilities/{v}/product_status/{status}"),
                at(vuln, &["product_status", status]),
            );
        }
        for (list, key) in [
            ("remediations", "product_ids"),
            ("scores", "products"),
            ("threats", "product_ids"),
            ("flags", "product_ids"),
        ] {
            for (i, item) in items(vuln.get(list)) {
                push_all(
                    &mut out,
                    format!("/vulnerabilities/{v}/{list}/{i}/{key}"),
                    item.get(key),
                );
            }
        }
    }
    out
}

fn push_all<'a>(out: &mut Vec<Located<'a>>, base: String, v: Option<&'a Value>) {
    for (i, s) in strings(v) {
        out.push(Located {
            value: s,
            path: format!("{base}/{i}"),
        });
    }
}

/// Every definition of a Product Group ID.
pub(crate) fn group_definitions(doc: &Value) -> Vec<Located<'_>> {
    items(at(doc, &["product_tree", "product_groups"]))
        .filter_map(|(i, g)| {
            Some(Located {
                value: g.get("group_id")?.as_str()?,
                path: format!("/product_tree/product_groups/{i}/group_id"),
            })
        })
        .collect()
}

/// Every reference to a Product Group ID.
pub(crate) fn group_references(doc: &Value) -> Vec<Located<'_>> {
    let mut out = Vec::new();
    for (v, vuln) in vulnerabilities(doc) {
        for list in ["flags", "remediations", "threats"] {
            for (i, item) in items(vuln.get(list)) {
                for (j, s) in strings(item.get("group_ids")) {
                    out.push(Located {
                        value: s,
                        path: format!("/vulnerabilities/{v}/{list}/{i}/group_ids/{j}"),
                    });
                }
            }
        }
    }
    out
}

/// The Product IDs of the product group `group_id`.
pub(crate) fn group_members<'a>(doc: &'a Value, group_id: &str) -> Vec<&'a str> {
    items(at(doc, &["product_tree", "product_groups"]))
        .find(|(_, g)| g.get("group_id").and_then(Value::as_str) == Some(group_id))
        .map(|(_, g)| strings(g.get("product_ids")).map(|(_, s)| s).collect())
        .unwrap_or_default()
}

/// The Product IDs an item (flag, remediation, threat) names directly or
/// through its product groups.
pub(crate) fn products_of<'a>(doc: &'a Value, item: &'a Value) -> Vec<&'a str> {
    let mut ids: Vec<&str> = strings(item.get("product_ids")).map(|(_, s)| s).collect();
    for (_, g) in strings(item.get("group_ids")) {
        ids.extend(group_members(doc, g));
    }
    ids
}

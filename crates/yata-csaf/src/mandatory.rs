//! The mandatory tests of CSAF 2.0, section 6.1. Where the standard leaves a
//! detail open, the rules follow the BSI reference validator
//! (`secvisogram/csaf-validator-lib`), against which the OASIS test files
//! were written.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::Out;
use crate::cvss::{self, V3};
use crate::date::{self, Instant};
use crate::doc::{
    self, Located, at, full_product_names, group_definitions, group_members, group_references,
    items, product_definitions, product_references, str_at, strings, vulnerabilities,
};
use crate::schema;

type Test = fn(&Value, &mut Out);

pub(crate) static TESTS: &[(&str, Test)] = &[
    ("6.1.1", t_6_1_1),
    ("6.1.2", t_6_1_2),
    ("6.1.3", t_6_1_3),
    ("6.1.4", t_6_1_4),
    ("6.1.5", t_6_1_5),
    ("6.1.6", t_6_1_6),
    ("6.1.7", t_6_1_7),
    ("6.1.8", t_6_1_8),
    ("6.1.9", t_6_1_9),
    ("6.1.10", t_6_1_10),
    ("6.1.11", t_6_1_11),
    ("6.1.12", t_6_1_12),
    ("6.1.13", t_6_1_13),
    ("6.1.14", t_6_1_14),
    ("6.1.15", t_6_1_15),
    ("6.1.16", t_6_1_16),
    ("6.1.17", t_6_1_17),
    ("6.1.18", t_6_1_18),
    ("6.1.19", t_6_1_19),
    ("6.1.20", t_6_1_20),
    ("6.1.21", t_6_1_21),
    ("6.1.22", t_6_1_22),
    ("6.1.23", t_6_1_23),
    ("6.1.24", t_6_1_24),
    ("6.1.25", t_6_1_25),
    ("6.1.26", t_6_1_26),
    ("6.1.27.1", t_6_1_27_1),
    ("6.1.27.2", t_6_1_27_2),
    ("6.1.27.3", t_6_1_27_3),
    ("6.1.27.4", t_6_1_27_4),
    ("6.1.27.5", t_6_1_27_5),
    ("6.1.27.6", t_6_1_27_6),
    ("6.1.27.7", t_6_1_27_7),
    ("6.1.27.8", t_6_1_27_8),
    ("6.1.27.9", t_6_1_27_9),
    ("6.1.27.10", t_6_1_27_10),
    ("6.1.27.11", t_6_1_27_11),
    ("6.1.28", t_6_1_28),
    ("6.1.29", t_6_1_29),
    ("6.1.30", t_6_1_30),
    ("6.1.31", t_6_1_31),
    ("6.1.32", t_6_1_32),
    ("6.1.33", t_6_1_33),
];

/// Reports every element of `refs` whose value is not in `defs`.
fn missing(out: &mut Out, defs: &[Located<'_>], refs: &[Located<'_>], what: &str) {
    let defined: HashSet<&str> = defs.iter().map(|d| d.value).collect();
    for r in refs {
        if !defined.contains(r.value) {
            out.fail(&r.path, format!("{what} {:?} is not defined", r.value));
        }
    }
}

/// Reports every definition whose value was defined before.
fn duplicates(out: &mut Out, defs: &[Located<'_>], what: &str) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for d in defs {
        if let Some(earlier) = first.get(d.value) {
            out.fail(
                &d.path,
                format!("{what} {:?} is already defined at {earlier}", d.value),
            );
        } else {
            first.insert(d.value, &d.path);
        }
    }
}

/// 6.1.1 Missing Definition of Product ID.
fn t_6_1_1(doc: &Value, out: &mut Out) {
    missing(
        out,
        &product_definitions(doc),
        &product_references(doc),
        "product id",
    );
}

/// 6.1.2 Multiple Definition of Product ID.
fn t_6_1_2(doc: &Value, out: &mut Out) {
    duplicates(out, &product_definitions(doc), "product id");
}

/// 6.1.3 Circular Definition of Product ID: a relationship defines a product
/// that its references lead back to, directly or through other relationships.
fn t_6_1_3(doc: &Value, out: &mut Out) {
    let relationships: Vec<_> = items(at(doc, &["product_tree", "relationships"])).collect();
    let defined = defined_product;
    // The relationship that defines each product id (the first one, as the
    // reference validator looks it up).
    let mut defining: HashMap<&str, usize> = HashMap::new();
    for (i, r) in &relationships {
        if let Some(id) = defined(r) {
            defining.entry(id).or_insert(*i);
        }
    }
    let refs = relationship_refs;
    for (start, r) in &relationships {
        if defined(r).is_none() {
            continue;
        }
        for (key, target) in refs(r) {
            // Depth-first search for a path back to `start`.
            let mut seen = HashSet::new();
            let mut stack: Vec<&str> = vec![target];
            let mut cyclic = false;
            while let Some(id) = stack.pop() {
                let Some(&i) = defining.get(id) else { continue };
                if i == *start {
                    cyclic = true;
                    break;
                }
                if seen.insert(i) {
                    stack.extend(refs(relationships[i].1).into_iter().map(|(_, t)| t));
                }
            }
            if cyclic {
                out.fail(
                    format!("/product_tree/relationships/{start}/{key}"),
                    format!("circular definition: {target:?} leads back to the product this relationship defines"),
                );
            }
        }
    }
}

fn defined_product(relationship: &Value) -> Option<&str> {
    str_at(relationship, &["full_product_name", "product_id"])
}

fn relationship_refs(relationship: &Value) -> Vec<(&'static str, &str)> {
    ["product_reference", "relates_to_product_reference"]
        .into_iter()
        .filter_map(|k| Some((k, relationship.get(k)?.as_str()?)))
        .collect()
}

/// 6.1.4 Missing Definition of Product Group ID.
fn t_6_1_4(doc: &Value, out: &mut Out) {
    missing(
        out,
        &group_definitions(doc),
        &group_references(doc),
        "product group id",
    );
}

/// 6.1.5 Multiple Definition of Product Group ID.
fn t_6_1_5(doc: &Value, out: &mut Out) {
    duplicates(out, &group_definitions(doc), "product group id");
}

/// 6.1.6 Contradicting Product Status: a product is in at most one of the
/// groups affected, not affected, fixed and under investigation.
fn t_6_1_6(doc: &Value, out: &mut Out) {
    const GROUPS: [(&str, &[&str]); 4] = [
        (
            "affected",
            &["first_affected", "known_affected", "last_affected"],
        ),
        ("not affected", &["known_not_affected"]),
        ("fixed", &["first_fixed", "fixed"]),
        ("under investigation", &["under_investigation"]),
    ];
    for (v, vuln) in vulnerabilities(doc) {
        let mut group_of: HashMap<&str, &str> = HashMap::new();
        for (group, statuses) in GROUPS {
            for status in statuses {
                for (i, id) in strings(at(vuln, &["product_status", status])) {
                    match group_of.get(id) {
                        Some(other) if *other != group => out.fail(
                            format!("/vulnerabilities/{v}/product_status/{status}/{i}"),
                            format!("product {id:?} is both {other} and {group}"),
                        ),
                        Some(_) => {}
                        None => {
                            group_of.insert(id, group);
                        }
                    }
                }
            }
        }
    }
}

/// 6.1.7 Multiple Scores with same Version per Product.
fn t_6_1_7(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        let mut versions: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for (s, score) in items(vuln.get("scores")) {
            let these: Vec<&str> = ["cvss_v2", "cvss_v3"]
                .into_iter()
                .filter_map(|k| str_at(score, &[k, "version"]))
                .collect();
            for (p, product) in strings(score.get("products")) {
                let seen = versions.entry(product).or_default();
                for version in &these {
                    if !seen.insert(version) {
                        out.fail(
                            format!("/vulnerabilities/{v}/scores/{s}/products/{p}"),
                            format!("product {product:?} already has a CVSS v{version} score"),
                        );
                    }
                }
            }
        }
    }
}

/// The `cvss_v2` and `cvss_v3` objects of every score, with their paths.
fn cvss_objects(doc: &Value) -> Vec<(String, &'static str, &Value)> {
    let mut out = Vec::new();
    for (v, vuln) in vulnerabilities(doc) {
        for (s, score) in items(vuln.get("scores")) {
            for key in ["cvss_v2", "cvss_v3"] {
                if let Some(obj) = score.get(key) {
                    out.push((format!("/vulnerabilities/{v}/scores/{s}/{key}"), key, obj));
                }
            }
        }
    }
    out
}

/// 6.1.8 Invalid CVSS: each CVSS object is valid against its FIRST schema.
fn t_6_1_8(doc: &Value, out: &mut Out) {
    for (path, key, obj) in cvss_objects(doc) {
        schema::check_cvss(key, obj, &path, out);
    }
}

/// Whether a JSON number equals a computed score (scores have one decimal).
fn same_score(given: f64, computed: f64) -> bool {
    (given - computed).abs() < 1e-9
}

/// 6.1.9 Invalid CVSS computation: given scores and severities match the
/// vector string.
fn t_6_1_9(doc: &Value, out: &mut Out) {
    for (path, key, obj) in cvss_objects(doc) {
        let Some(vector) = obj.get("vectorString").and_then(Value::as_str) else {
            continue;
        };
        let scores = if key == "cvss_v2" {
            cvss::v2_scores(vector)
        } else {
            match obj.get("version").and_then(Value::as_str) {
                Some("3.0") => cvss::v3_scores(vector, V3::V30),
                Some("3.1") => cvss::v3_scores(vector, V3::V31),
                _ => None,
            }
        };
        let Some(scores) = scores else { continue };
        for (name, expected) in [
            ("baseScore", scores.base),
            ("temporalScore", scores.temporal),
            ("environmentalScore", scores.environmental),
        ] {
            if let Some(given) = obj.get(name).and_then(Value::as_f64)
                && !same_score(given, expected)
            {
                out.fail(
                    format!("{path}/{name}"),
                    format!("{name} is {given}, the vector string gives {expected:.1}"),
                );
            }
        }
        if key == "cvss_v3" {
            for (name, score) in [
                ("baseSeverity", scores.base),
                ("temporalSeverity", scores.temporal),
                ("environmentalSeverity", scores.environmental),
            ] {
                let expected = cvss::v3_severity(score);
                if let Some(given) = obj.get(name).and_then(Value::as_str)
                    && given != expected
                {
                    out.fail(
                        format!("{path}/{name}"),
                        format!("{name} is {given}, the vector string gives {expected}"),
                    );
                }
            }
        }
    }
}

/// 6.1.10 Inconsistent CVSS: properties agree with the vector string.
fn t_6_1_10(doc: &Value, out: &mut Out) {
    for (path, key, obj) in cvss_objects(doc) {
        let Some(vector) = obj.get("vectorString").and_then(Value::as_str) else {
            continue;
        };
        let (parts, mapping) = if key == "cvss_v2" {
            (vector, cvss::V2_MAPPING)
        } else {
            if !matches!(
                obj.get("version").and_then(Value::as_str),
                Some("3.0" | "3.1")
            ) {
                continue;
            }
            // Drop the `CVSS:3.x` prefix.
            (
                vector.split_once('/').map_or("", |(_, rest)| rest),
                cvss::V3_MAPPING,
            )
        };
        for part in parts.split('/') {
            let Some((metric, value)) = part.split_once(':') else {
                continue;
            };
            let Some((_, property, values)) = mapping.iter().find(|(m, _, _)| *m == metric) else {
                continue;
            };
            let Some(given) = obj.get(*property).and_then(Value::as_str) else {
                continue;
            };
            let Some((_, expected)) = values.iter().find(|(v, _)| *v == value) else {
                continue;
            };
            if given != *expected {
                out.fail(
                    format!("{path}/{property}"),
                    format!(
                        "{property} is {given}, the vector string has {metric}:{value} ({expected})"
                    ),
                );
            }
        }
    }
}

/// 6.1.11 CWE: the id exists and the name is the catalogue's.
fn t_6_1_11(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        let (Some(id), Some(name)) = (str_at(vuln, &["cwe", "id"]), str_at(vuln, &["cwe", "name"]))
        else {
            continue;
        };
        match crate::cwe::name(id) {
            None => out.fail(
                format!("/vulnerabilities/{v}/cwe/id"),
                format!("{id} is not a weakness in CWE {}", crate::cwe::VERSION),
            ),
            Some(expected) if expected != name => out.fail(
                format!("/vulnerabilities/{v}/cwe/name"),
                format!("the name of {id} is {expected:?}"),
            ),
            Some(_) => {}
        }
    }
}

/// Whether a language tag is well formed and its subtags are registered.
pub(crate) fn valid_language(tag: &str) -> bool {
    language_tags::LanguageTag::parse(tag).is_ok_and(|t| t.validate().is_ok())
}

/// 6.1.12 Language: `lang` and `source_lang` are valid language tags.
fn t_6_1_12(doc: &Value, out: &mut Out) {
    for key in ["lang", "source_lang"] {
        if let Some(tag) = str_at(doc, &["document", key])
            && !valid_language(tag)
        {
            out.fail(
                format!("/document/{key}"),
                format!("{tag:?} is not a valid language tag (RFC 5646 with registered subtags)"),
            );
        }
    }
}

/// 6.1.13 PURL: every package URL is valid.
fn t_6_1_13(doc: &Value, out: &mut Out) {
    for (path, product) in full_product_names(doc) {
        let Some(purl) = str_at(product, &["product_identification_helper", "purl"]) else {
            continue;
        };
        if let Err(e) = yata_purl::Purl::parse_lenient(purl) {
            out.fail(
                format!("{path}/product_identification_helper/purl"),
                format!("invalid package url: {e}"),
            );
        }
    }
}

/// `parseInt` of JavaScript: an optional sign and the leading digits.
fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim_start();
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let n: i64 = digits[..end].parse().ok()?;
    Some(if negative { -n } else { n })
}

fn semver(s: &str) -> Option<semver::Version> {
    semver::Version::parse(s).ok()
}

/// Whether a version is `0` or a semantic version with major version 0.
fn is_zero_version(s: &str) -> bool {
    s == "0" || semver(s).is_some_and(|v| v.major == 0)
}

fn is_prerelease(s: &str) -> bool {
    semver(s).is_some_and(|v| !v.pre.is_empty())
}

/// A revision history item that has a string number and date.
struct Revision<'a> {
    index: usize,
    number: &'a str,
    date: Option<Instant>,
}

/// The revision history, if every item has a string `number` and `date`
/// (the precondition of the revision history tests).
fn revisions(doc: &Value) -> Option<Vec<Revision<'_>>> {
    let history = at(doc, &["document", "tracking", "revision_history"])?.as_array()?;
    history
        .iter()
        .enumerate()
        .map(|(index, r)| {
            Some(Revision {
                index,
                number: r.get("number")?.as_str()?,
                date: date::parse(r.get("date")?.as_str()?),
            })
        })
        .collect()
}

/// A total order on version numbers: by the integer `parseInt` reads, then
/// by semantic version precedence.
fn cmp_versions(a: &str, b: &str) -> Ordering {
    parse_int(a)
        .cmp(&parse_int(b))
        .then_with(|| semver(a).cmp(&semver(b)))
}

/// Revisions sorted by date, then by version number, both ascending.
fn sorted_by_date<'a>(mut revisions: Vec<Revision<'a>>) -> Vec<Revision<'a>> {
    revisions.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| cmp_versions(a.number, b.number))
    });
    revisions
}

/// 6.1.14 Sorted Revision History: sorted by date, the version numbers ascend.
fn t_6_1_14(doc: &Value, out: &mut Out) {
    let Some(revisions) = revisions(doc) else {
        return;
    };
    let mut numbers: Vec<semver::Version> = Vec::new();
    for r in sorted_by_date(revisions) {
        let v = semver(r.number).or_else(|| semver(&format!("{}.0.0", r.number)));
        if let Some(v) = v
            && !numbers.contains(&v)
        {
            numbers.push(v);
        }
    }
    if numbers.windows(2).any(|w| w[1] <= w[0]) {
        out.fail(
            "/document/tracking/revision_history",
            "sorted by date, the revision numbers do not ascend",
        );
    }
}

/// 6.1.15 Translator: a translator's document has a source language.
fn t_6_1_15(doc: &Value, out: &mut Out) {
    if str_at(doc, &["document", "publisher", "category"]) == Some("translator")
        && at(doc, &["document", "source_lang"]).is_none()
    {
        out.fail(
            "/document/source_lang",
            "the publisher is a translator, but source_lang is missing",
        );
    }
}

/// 6.1.16 Latest Document Version: the version is the latest revision's number.
fn t_6_1_16(doc: &Value, out: &mut Out) {
    let (Some(version), Some(status), Some(revisions)) = (
        str_at(doc, &["document", "tracking", "version"]),
        str_at(doc, &["document", "tracking", "status"]),
        revisions(doc),
    ) else {
        return;
    };
    let Some(latest) = sorted_by_date(revisions).pop() else {
        return;
    };
    // Build metadata never counts; a draft may also differ in its pre-release.
    let cut = |v: &str| -> String {
        let end = if status == "draft" {
            v.find(['+', '-'])
        } else {
            v.find('+')
        };
        v[..end.unwrap_or(v.len())].to_owned()
    };
    if cut(latest.number) != cut(version) {
        out.fail(
            "/document/tracking/version",
            format!(
                "version is {version:?}, but the latest revision is {:?}",
                latest.number
            ),
        );
    }
}

/// 6.1.17 Document Status Draft: versions 0, 0.y.z and pre-releases are drafts.
fn t_6_1_17(doc: &Value, out: &mut Out) {
    let (Some(version), Some(status)) = (
        str_at(doc, &["document", "tracking", "version"]),
        str_at(doc, &["document", "tracking", "status"]),
    ) else {
        return;
    };
    if status != "draft" && (is_zero_version(version) || is_prerelease(version)) {
        out.fail(
            "/document/tracking/status",
            format!("version {version:?} requires the status draft, not {status}"),
        );
    }
}

fn is_released(doc: &Value) -> bool {
    matches!(
        str_at(doc, &["document", "tracking", "status"]),
        Some("final" | "interim")
    )
}

/// 6.1.18 Released Revision History: a final or interim document has no
/// revision 0 or 0.y.z.
fn t_6_1_18(doc: &Value, out: &mut Out) {
    if !is_released(doc) || str_at(doc, &["document", "tracking", "version"]).is_none() {
        return;
    }
    let Some(revisions) = revisions(doc) else {
        return;
    };
    for r in revisions {
        if is_zero_version(r.number) {
            out.fail(
                format!("/document/tracking/revision_history/{}/number", r.index),
                format!(
                    "revision {:?} is not allowed in a final or interim document",
                    r.number
                ),
            );
        }
    }
}

/// 6.1.19 Revision History Entries for Pre-release Versions.
fn t_6_1_19(doc: &Value, out: &mut Out) {
    for (i, r) in items(at(doc, &["document", "tracking", "revision_history"])) {
        if let Some(number) = r.get("number").and_then(Value::as_str)
            && is_prerelease(number)
        {
            out.fail(
                format!("/document/tracking/revision_history/{i}/number"),
                format!("revision {number:?} is a pre-release"),
            );
        }
    }
}

/// 6.1.20 Non-draft Document Version: a final or interim version is no pre-release.
fn t_6_1_20(doc: &Value, out: &mut Out) {
    if let Some(version) = str_at(doc, &["document", "tracking", "version"])
        && is_released(doc)
        && is_prerelease(version)
    {
        out.fail(
            "/document/tracking/version",
            format!("version {version:?} is a pre-release, but the status is not draft"),
        );
    }
}

/// 6.1.21 Missing Item in Revision History: sorted by date, the (major)
/// version numbers start at 0 or 1 and have no gaps.
fn t_6_1_21(doc: &Value, out: &mut Out) {
    let Some(revisions) = revisions(doc) else {
        return;
    };
    let mut numbers: Vec<i64> = Vec::new();
    // Items of the same date are taken in version order (as in 6.1.14).
    for r in &sorted_by_date(revisions) {
        if let Some(n) = parse_int(r.number)
            && !numbers.contains(&n)
        {
            numbers.push(n);
        }
    }
    let Some(&first) = numbers.first() else {
        return;
    };
    if first != 0 && first != 1 {
        out.fail(
            "/document/tracking/revision_history",
            format!("sorted by date, the revision history starts with version {first}, not 0 or 1"),
        );
    }
    for (i, &n) in numbers.iter().enumerate() {
        let expected = first.saturating_add(i64::try_from(i).unwrap_or(i64::MAX));
        if n > expected {
            out.fail(
                "/document/tracking/revision_history",
                format!("major version {expected} is missing"),
            );
        }
    }
}

/// 6.1.22 Multiple Definition in Revision History.
fn t_6_1_22(doc: &Value, out: &mut Out) {
    let mut seen = HashSet::new();
    for (i, r) in items(at(doc, &["document", "tracking", "revision_history"])) {
        if let Some(number) = r.get("number").and_then(Value::as_str)
            && !seen.insert(number)
        {
            out.fail(
                format!("/document/tracking/revision_history/{i}/number"),
                format!("revision {number:?} appears more than once"),
            );
        }
    }
}

/// 6.1.23 Multiple Use of Same CVE.
fn t_6_1_23(doc: &Value, out: &mut Out) {
    let mut seen = HashSet::new();
    for (v, vuln) in vulnerabilities(doc) {
        if let Some(cve) = vuln.get("cve").and_then(Value::as_str)
            && !seen.insert(cve)
        {
            out.fail(
                format!("/vulnerabilities/{v}/cve"),
                format!("{cve} is used by more than one vulnerability"),
            );
        }
    }
}

/// 6.1.24 Multiple Definition in Involvements: one involvement per party and date.
fn t_6_1_24(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        let mut seen = HashSet::new();
        for (i, inv) in items(vuln.get("involvements")) {
            let (Some(date), Some(party)) = (str_at(inv, &["date"]), str_at(inv, &["party"]))
            else {
                continue;
            };
            if !seen.insert((date, party)) {
                out.fail(
                    format!("/vulnerabilities/{v}/involvements/{i}"),
                    format!("party {party} has more than one involvement at {date}"),
                );
            }
        }
    }
}

/// 6.1.25 Multiple Use of Same Hash Algorithm within one file's hashes.
fn t_6_1_25(doc: &Value, out: &mut Out) {
    for (path, product) in full_product_names(doc) {
        for (h, hash) in items(at(product, &["product_identification_helper", "hashes"])) {
            let mut seen = HashSet::new();
            for (f, file_hash) in items(hash.get("file_hashes")) {
                if let Some(algorithm) = file_hash.get("algorithm").and_then(Value::as_str)
                    && !seen.insert(algorithm)
                {
                    out.fail(
                        format!("{path}/product_identification_helper/hashes/{h}/file_hashes/{f}/algorithm"),
                        format!("hash algorithm {algorithm} is used more than once for this file"),
                    );
                }
            }
        }
    }
}

const PROFILES: [&str; 5] = [
    "csaf_base",
    "csaf_security_incident_response",
    "csaf_informational_advisory",
    "csaf_security_advisory",
    "csaf_vex",
];

/// 6.1.26 Prohibited Document Category Name.
fn t_6_1_26(doc: &Value, out: &mut Out) {
    let Some(category) = str_at(doc, &["document", "category"]) else {
        return;
    };
    if PROFILES.contains(&category) {
        return;
    }
    if category.to_lowercase().starts_with("csaf_") {
        out.fail(
            "/document/category",
            format!("{category:?} uses the reserved prefix csaf_"),
        );
        return;
    }
    let normalized: String = category
        .chars()
        .filter(|c| *c != '_' && *c != '-' && !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    // The names of the profiles other than CSAF Base, with and without the
    // `csaf` of their full names (`CSAF Security Advisory`).
    let name = normalized.strip_prefix("csaf").unwrap_or(&normalized);
    if [
        "securityincidentresponse",
        "informationaladvisory",
        "securityadvisory",
        "vex",
    ]
    .contains(&name)
    {
        out.fail(
            "/document/category",
            format!("{category:?} is too close to the name of a profile"),
        );
    }
}

fn category(doc: &Value) -> Option<&str> {
    str_at(doc, &["document", "category"])
}

/// 6.1.27.1 Document Notes (informational advisory, security incident response).
fn t_6_1_27_1(doc: &Value, out: &mut Out) {
    if !matches!(
        category(doc),
        Some("csaf_informational_advisory" | "csaf_security_incident_response")
    ) {
        return;
    }
    let ok = items(at(doc, &["document", "notes"])).any(|(_, n)| {
        matches!(
            n.get("category").and_then(Value::as_str),
            Some("description" | "details" | "general" | "summary")
        )
    });
    if !ok {
        out.fail(
            "/document/notes",
            "needs a note of category description, details, general or summary",
        );
    }
}

/// 6.1.27.2 Document References (informational advisory, security incident response).
fn t_6_1_27_2(doc: &Value, out: &mut Out) {
    if !matches!(
        category(doc),
        Some("csaf_informational_advisory" | "csaf_security_incident_response")
    ) {
        return;
    }
    let ok = items(at(doc, &["document", "references"]))
        .any(|(_, r)| r.get("category").and_then(Value::as_str) == Some("external"));
    if !ok {
        out.fail(
            "/document/references",
            "needs a reference of category external",
        );
    }
}

/// 6.1.27.3 Vulnerabilities: an informational advisory has none.
fn t_6_1_27_3(doc: &Value, out: &mut Out) {
    if category(doc) == Some("csaf_informational_advisory") && doc.get("vulnerabilities").is_some()
    {
        out.fail(
            "/vulnerabilities",
            "an informational advisory must not have vulnerabilities",
        );
    }
}

fn is_advisory_or_vex(doc: &Value) -> bool {
    matches!(category(doc), Some("csaf_security_advisory" | "csaf_vex"))
}

/// 6.1.27.4 Product Tree (security advisory, VEX).
fn t_6_1_27_4(doc: &Value, out: &mut Out) {
    if is_advisory_or_vex(doc) && doc.get("product_tree").is_none() {
        out.fail(
            "/product_tree",
            "a security advisory or VEX document needs a product tree",
        );
    }
}

/// 6.1.27.5 Vulnerability Notes (security advisory, VEX).
fn t_6_1_27_5(doc: &Value, out: &mut Out) {
    if !is_advisory_or_vex(doc) {
        return;
    }
    for (v, vuln) in vulnerabilities(doc) {
        if vuln.get("notes").is_none() {
            out.fail(
                format!("/vulnerabilities/{v}/notes"),
                "each vulnerability needs notes",
            );
        }
    }
}

/// 6.1.27.6 Product Status (security advisory).
fn t_6_1_27_6(doc: &Value, out: &mut Out) {
    if category(doc) != Some("csaf_security_advisory") {
        return;
    }
    for (v, vuln) in vulnerabilities(doc) {
        if vuln.get("product_status").is_none() {
            out.fail(
                format!("/vulnerabilities/{v}/product_status"),
                "each vulnerability needs a product status",
            );
        }
    }
}

/// 6.1.27.7 VEX Product Status.
fn t_6_1_27_7(doc: &Value, out: &mut Out) {
    if category(doc) != Some("csaf_vex") {
        return;
    }
    for (v, vuln) in vulnerabilities(doc) {
        let ok = [
            "fixed",
            "known_affected",
            "known_not_affected",
            "under_investigation",
        ]
        .into_iter()
        .any(|s| at(vuln, &["product_status", s]).is_some());
        if !ok {
            out.fail(
                format!("/vulnerabilities/{v}/product_status"),
                "needs one of fixed, known_affected, known_not_affected or under_investigation",
            );
        }
    }
}

/// 6.1.27.8 Vulnerability ID (VEX): a CVE or an id.
fn t_6_1_27_8(doc: &Value, out: &mut Out) {
    if category(doc) != Some("csaf_vex") {
        return;
    }
    for (v, vuln) in vulnerabilities(doc) {
        if vuln.get("cve").is_none() && vuln.get("ids").is_none() {
            out.fail(format!("/vulnerabilities/{v}"), "needs a cve or ids");
        }
    }
}

/// Whether `item` names `product` directly or through one of its groups.
fn names_product(doc: &Value, item: &Value, product: &str) -> bool {
    strings(item.get("product_ids")).any(|(_, p)| p == product)
        || strings(item.get("group_ids")).any(|(_, g)| group_members(doc, g).contains(&product))
}

/// 6.1.27.9 Impact Statement (VEX): each product known not to be affected
/// has a flag or an impact threat.
fn t_6_1_27_9(doc: &Value, out: &mut Out) {
    if category(doc) != Some("csaf_vex") {
        return;
    }
    for (v, vuln) in vulnerabilities(doc) {
        for (i, product) in strings(at(vuln, &["product_status", "known_not_affected"])) {
            let threat = items(vuln.get("threats")).any(|(_, t)| {
                t.get("category").and_then(Value::as_str) == Some("impact")
                    && names_product(doc, t, product)
            });
            let flag = items(vuln.get("flags")).any(|(_, f)| names_product(doc, f, product));
            if !threat && !flag {
                out.fail(
                    format!("/vulnerabilities/{v}/product_status/known_not_affected/{i}"),
                    format!(
                        "product {product:?} is not affected, but has no flag or impact statement"
                    ),
                );
            }
        }
    }
}

/// 6.1.27.10 Action Statement (VEX): each affected product has a remediation.
fn t_6_1_27_10(doc: &Value, out: &mut Out) {
    if category(doc) != Some("csaf_vex") {
        return;
    }
    for (v, vuln) in vulnerabilities(doc) {
        for (i, product) in strings(at(vuln, &["product_status", "known_affected"])) {
            if !items(vuln.get("remediations")).any(|(_, r)| names_product(doc, r, product)) {
                out.fail(
                    format!("/vulnerabilities/{v}/product_status/known_affected/{i}"),
                    format!("product {product:?} is affected, but has no remediation"),
                );
            }
        }
    }
}

/// 6.1.27.11 Vulnerabilities (security advisory, VEX).
fn t_6_1_27_11(doc: &Value, out: &mut Out) {
    if is_advisory_or_vex(doc) && doc.get("vulnerabilities").is_none() {
        out.fail(
            "/vulnerabilities",
            "a security advisory or VEX document needs vulnerabilities",
        );
    }
}

/// 6.1.28 Translation: the source language differs from the language.
fn t_6_1_28(doc: &Value, out: &mut Out) {
    if let (Some(lang), Some(source)) = (
        str_at(doc, &["document", "lang"]),
        str_at(doc, &["document", "source_lang"]),
    ) && lang == source
    {
        out.fail(
            "/document/source_lang",
            format!("source_lang is the same as lang ({lang})"),
        );
    }
}

/// Reports items of `list` in each vulnerability with neither product_ids nor group_ids.
fn without_products(doc: &Value, out: &mut Out, list: &str, what: &str) {
    for (v, vuln) in vulnerabilities(doc) {
        for (i, item) in items(vuln.get(list)) {
            if item.get("product_ids").is_none() && item.get("group_ids").is_none() {
                out.fail(
                    format!("/vulnerabilities/{v}/{list}/{i}"),
                    format!("the {what} names no product_ids or group_ids"),
                );
            }
        }
    }
}

/// 6.1.29 Remediation without Product Reference.
fn t_6_1_29(doc: &Value, out: &mut Out) {
    without_products(doc, out, "remediations", "remediation");
}

/// Whether a version is an integer (as JavaScript prints it back).
fn is_integer_version(s: &str) -> bool {
    parse_int(s).is_some_and(|n| n.to_string() == s)
}

/// 6.1.30 Mixed Integer and Semantic Versioning.
fn t_6_1_30(doc: &Value, out: &mut Out) {
    let mut scheme: Option<bool> = None;
    for (i, r) in items(at(doc, &["document", "tracking", "revision_history"])) {
        let Some(number) = r.get("number").and_then(Value::as_str) else {
            continue;
        };
        let integer = is_integer_version(number);
        match scheme {
            None => scheme = Some(integer),
            Some(s) if s != integer => out.fail(
                format!("/document/tracking/revision_history/{i}/number"),
                "integer and semantic versioning are mixed",
            ),
            Some(_) => {}
        }
    }
    if let (Some(s), Some(version)) = (scheme, str_at(doc, &["document", "tracking", "version"]))
        && is_integer_version(version) != s
    {
        out.fail(
            "/document/tracking/version",
            "integer and semantic versioning are mixed",
        );
    }
}

/// 6.1.31 Version Range in Product Version.
fn t_6_1_31(doc: &Value, out: &mut Out) {
    const WORDS: [&str; 7] = [
        "after", "all", "before", "earlier", "later", "prior", "versions",
    ];
    for (path, branch) in doc::branches(doc) {
        if branch.get("category").and_then(Value::as_str) != Some("product_version") {
            continue;
        }
        let Some(name) = branch.get("name").and_then(Value::as_str) else {
            continue;
        };
        let lower = name.to_lowercase();
        if lower.contains(['<', '>']) || lower.split_whitespace().any(|w| WORDS.contains(&w)) {
            out.fail(
                format!("{path}/name"),
                format!("product_version {name:?} looks like a version range (use product_version_range)"),
            );
        }
    }
}

/// 6.1.32 Flag without Product Reference.
fn t_6_1_32(doc: &Value, out: &mut Out) {
    without_products(doc, out, "flags", "flag");
}

/// 6.1.33 Multiple Flags with VEX Justification Codes per Product.
fn t_6_1_33(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        let mut flagged: BTreeMap<&str, usize> = BTreeMap::new();
        for (f, flag) in items(vuln.get("flags")) {
            let mut reported = false;
            for product in doc::products_of(doc, flag) {
                if let Some(earlier) = flagged.insert(product, f)
                    && !reported
                {
                    reported = true;
                    out.fail(
                        format!("/vulnerabilities/{v}/flags/{f}"),
                        format!("product {product:?} already has a flag (flags/{earlier})"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Runs test `id` on `doc` and compares `path: message` lines.
    #[track_caller]
    fn check(id: &str, doc: Value, expect: &[&str]) {
        let (id, test) = TESTS.iter().find(|(i, _)| *i == id).expect("known test");
        let mut out = Out::default();
        out.run(id, |out| test(&doc, out));
        let got: Vec<String> = out
            .failures
            .iter()
            .map(|f| format!("{}: {}", f.path(), f.message()))
            .collect();
        assert_eq!(got, expect, "{id}");
    }

    fn tracking(version: &str, status: &str, revisions: &[(&str, &str)]) -> Value {
        let history: Vec<Value> = revisions
            .iter()
            .map(|(n, d)| json!({"number": n, "date": d, "summary": "x"}))
            .collect();
        json!({"document": {"tracking": {"version": version, "status": status, "revision_history": history}}})
    }

    #[test]
    fn circular_relationships() {
        let rel = |id: &str, a: &str, b: &str| {
            json!({"category": "installed_on", "product_reference": a, "relates_to_product_reference": b,
                   "full_product_name": {"name": id, "product_id": id}})
        };
        check(
            "6.1.3",
            json!({"product_tree": {"relationships": [rel("X", "X", "B")]}}),
            &[
                "/product_tree/relationships/0/product_reference: circular definition: \"X\" leads back to the product this relationship defines",
            ],
        );
        // A cycle through two relationships is reported at both.
        let got =
            json!({"product_tree": {"relationships": [rel("X", "Y", "A"), rel("Y", "X", "B")]}});
        check(
            "6.1.3",
            got,
            &[
                "/product_tree/relationships/0/product_reference: circular definition: \"Y\" leads back to the product this relationship defines",
                "/product_tree/relationships/1/product_reference: circular definition: \"X\" leads back to the product this relationship defines",
            ],
        );
        check(
            "6.1.3",
            json!({"product_tree": {"relationships": [rel("X", "A", "B"), rel("Y", "X", "A")]}}),
            &[],
        );
    }

    #[test]
    fn revision_history_rules() {
        let d = |day: u8| format!("2024-01-{day:02}T00:00:00Z");
        let (d1, d2, d3) = (d(1), d(2), d(3));
        // 6.1.14: by date the numbers must ascend; same-date items never fail.
        check(
            "6.1.14",
            tracking("2", "final", &[("1", &d1), ("2", &d2)]),
            &[],
        );
        check(
            "6.1.14",
            tracking("2", "final", &[("2", &d1), ("1", &d2)]),
            &[
                "/document/tracking/revision_history: sorted by date, the revision numbers do not ascend",
            ],
        );
        check(
            "6.1.14",
            tracking("2", "final", &[("2", &d1), ("1", &d1)]),
            &[],
        );
        // 6.1.16: a draft may differ in its pre-release part, never in build metadata.
        check(
            "6.1.16",
            tracking("1.0.0-rc.1", "draft", &[("1.0.0", &d1)]),
            &[],
        );
        check(
            "6.1.16",
            tracking("1.0.0-rc.1", "final", &[("1.0.0", &d1)]),
            &[
                "/document/tracking/version: version is \"1.0.0-rc.1\", but the latest revision is \"1.0.0\"",
            ],
        );
        check(
            "6.1.16",
            tracking("2.0.0+b1", "final", &[("1.0.0", &d1), ("2.0.0", &d2)]),
            &[],
        );
        // 6.1.21: major versions without gaps, from 0 or 1.
        check(
            "6.1.21",
            tracking("3", "final", &[("1", &d1), ("2", &d2), ("3", &d3)]),
            &[],
        );
        check(
            "6.1.21",
            tracking("3", "final", &[("1", &d1), ("3", &d3)]),
            &["/document/tracking/revision_history: major version 2 is missing"],
        );
        check(
            "6.1.21",
            tracking("1.1.0", "final", &[("1.0.0", &d1), ("1.1.0", &d2)]),
            &[],
        );
        check(
            "6.1.21",
            tracking("2", "final", &[("2", &d1)]),
            &[
                "/document/tracking/revision_history: sorted by date, the revision history starts with version 2, not 0 or 1",
            ],
        );
        // 6.1.30: the version counts too.
        check(
            "6.1.30",
            tracking("2.0.0", "final", &[("1", &d1), ("2", &d2)]),
            &["/document/tracking/version: integer and semantic versioning are mixed"],
        );
        check(
            "6.1.17",
            tracking("0.9.0", "final", &[]),
            &["/document/tracking/status: version \"0.9.0\" requires the status draft, not final"],
        );
    }

    #[test]
    fn category_names() {
        let doc = |c: &str| json!({"document": {"category": c}});
        check("6.1.26", doc("csaf_vex"), &[]);
        check(
            "6.1.26",
            doc("Security_Advisory"),
            &["/document/category: \"Security_Advisory\" is too close to the name of a profile"],
        );
        check(
            "6.1.26",
            doc("CSAF_special"),
            &["/document/category: \"CSAF_special\" uses the reserved prefix csaf_"],
        );
        check("6.1.26", doc("Vex Report"), &[]);
        check(
            "6.1.26",
            doc("csafvex"),
            &["/document/category: \"csafvex\" is too close to the name of a profile"],
        );
        check("6.1.26", doc("csaf base"), &[]);
    }

    #[test]
    fn version_ranges_in_product_version() {
        let doc = |name: &str| {
            json!({"product_tree": {"branches": [{"category": "vendor", "name": "V", "branches": [
                {"category": "product_version", "name": name, "product": {"name": "p", "product_id": "P"}}]}]}})
        };
        check("6.1.31", doc("4.2"), &[]);
        check("6.1.31", doc("Version 4.2 and Alliance"), &[]);
        check(
            "6.1.31",
            doc("prior to 4.2"),
            &[
                "/product_tree/branches/0/branches/0/name: product_version \"prior to 4.2\" looks like a version range (use product_version_range)",
            ],
        );
        check(
            "6.1.31",
            doc("<=4.2"),
            &[
                "/product_tree/branches/0/branches/0/name: product_version \"<=4.2\" looks like a version range (use product_version_range)",
            ],
        );
    }

    #[test]
    fn parse_int_like_javascript() {
        assert_eq!(parse_int("12abc"), Some(12));
        assert_eq!(parse_int("1.2.3"), Some(1));
        assert_eq!(parse_int("v1"), None);
        assert_eq!(parse_int(" -3"), Some(-3));
        assert_eq!(parse_int("99999999999999999999999"), None);
        assert!(is_integer_version("10"));
        assert!(!is_integer_version("010"));
    }
}

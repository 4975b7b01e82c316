//! The optional tests of CSAF 2.0, section 6.2: failures are warnings.
//!
//! Not implemented: 6.2.13 (Sorting) and 6.2.20 (Additional Properties).

use std::collections::HashSet;

use serde_json::Value;

use crate::Out;
use crate::cvss::{self, V3};
use crate::date;
use crate::doc::{
    at, branches, full_product_names, items, product_definitions, product_references, products_of,
    str_at, strings, vulnerabilities,
};

type Test = fn(&Value, &mut Out);

pub(crate) static TESTS: &[(&str, Test)] = &[
    ("6.2.1", t_6_2_1),
    ("6.2.2", t_6_2_2),
    ("6.2.3", t_6_2_3),
    ("6.2.4", t_6_2_4),
    ("6.2.5", t_6_2_5),
    ("6.2.6", t_6_2_6),
    ("6.2.7", t_6_2_7),
    ("6.2.8", t_6_2_8),
    ("6.2.9", t_6_2_9),
    ("6.2.10", t_6_2_10),
    ("6.2.11", t_6_2_11),
    ("6.2.12", t_6_2_12),
    ("6.2.14", t_6_2_14),
    ("6.2.15", t_6_2_15),
    ("6.2.16", t_6_2_16),
    ("6.2.17", t_6_2_17),
    ("6.2.18", t_6_2_18),
    ("6.2.19", t_6_2_19),
];

/// 6.2.1 Unused Definition of Product ID (skipped for informational advisories).
fn t_6_2_1(doc: &Value, out: &mut Out) {
    if str_at(doc, &["document", "category"]) == Some("csaf_informational_advisory") {
        return;
    }
    let used: HashSet<&str> = product_references(doc).iter().map(|r| r.value).collect();
    for d in product_definitions(doc) {
        if !used.contains(d.value) {
            out.fail(
                d.path,
                format!("product {:?} is defined but never used", d.value),
            );
        }
    }
}

/// For each product in the given statuses of each vulnerability, whether an
/// item of `list` names it (directly or through a group); reports the others.
fn each_status_product_needs(
    doc: &Value,
    out: &mut Out,
    statuses: &[&str],
    list: &str,
    covers: fn(&Value, &Value, &str) -> bool,
    what: &str,
) {
    for (v, vuln) in vulnerabilities(doc) {
        for status in statuses {
            for (i, product) in strings(at(vuln, &["product_status", status])) {
                if !items(vuln.get(list)).any(|(_, item)| covers(doc, item, product)) {
                    out.fail(
                        format!("/vulnerabilities/{v}/product_status/{status}/{i}"),
                        format!("product {product:?} has no {what}"),
                    );
                }
            }
        }
    }
}

fn names(doc: &Value, item: &Value, product: &str) -> bool {
    products_of(doc, item).contains(&product)
}

fn scores(_: &Value, score: &Value, product: &str) -> bool {
    strings(score.get("products")).any(|(_, p)| p == product)
}

/// 6.2.2 Missing Remediation for affected products and those under investigation.
fn t_6_2_2(doc: &Value, out: &mut Out) {
    let statuses = [
        "first_affected",
        "known_affected",
        "last_affected",
        "under_investigation",
    ];
    each_status_product_needs(doc, out, &statuses, "remediations", names, "remediation");
}

/// 6.2.3 Missing Score for affected products.
fn t_6_2_3(doc: &Value, out: &mut Out) {
    let statuses = ["first_affected", "known_affected", "last_affected"];
    each_status_product_needs(doc, out, &statuses, "scores", scores, "score");
}

fn revision_history(doc: &Value) -> impl Iterator<Item = (usize, &Value)> {
    items(at(doc, &["document", "tracking", "revision_history"]))
}

/// 6.2.4 Build Metadata in Revision History.
fn t_6_2_4(doc: &Value, out: &mut Out) {
    for (i, r) in revision_history(doc) {
        if let Some(n) = r.get("number").and_then(Value::as_str)
            && semver::Version::parse(n).is_ok_and(|v| !v.build.is_empty())
        {
            out.fail(
                format!("/document/tracking/revision_history/{i}/number"),
                format!("revision {n:?} has build metadata"),
            );
        }
    }
}

fn revision_dates(doc: &Value) -> Vec<date::Instant> {
    revision_history(doc)
        .filter_map(|(_, r)| date::parse(r.get("date")?.as_str()?))
        .collect()
}

/// 6.2.5 Older Initial Release Date than Revision History.
fn t_6_2_5(doc: &Value, out: &mut Out) {
    let Some(initial) =
        str_at(doc, &["document", "tracking", "initial_release_date"]).and_then(date::parse)
    else {
        return;
    };
    if revision_dates(doc)
        .iter()
        .min()
        .is_some_and(|oldest| initial < *oldest)
    {
        out.fail(
            "/document/tracking/initial_release_date",
            "the initial release date is older than the oldest revision",
        );
    }
}

/// 6.2.6 Older Current Release Date than Revision History.
fn t_6_2_6(doc: &Value, out: &mut Out) {
    let Some(current) =
        str_at(doc, &["document", "tracking", "current_release_date"]).and_then(date::parse)
    else {
        return;
    };
    if revision_dates(doc)
        .iter()
        .max()
        .is_some_and(|newest| current < *newest)
    {
        out.fail(
            "/document/tracking/current_release_date",
            "the current release date is older than the newest revision",
        );
    }
}

/// 6.2.7 Missing Date in Involvements.
fn t_6_2_7(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        for (i, inv) in items(vuln.get("involvements")) {
            if inv.get("date").is_none() {
                out.fail(
                    format!("/vulnerabilities/{v}/involvements/{i}"),
                    "the involvement has no date",
                );
            }
        }
    }
}

/// Reports file hashes whose only algorithm is `algorithm`.
fn only_algorithm(doc: &Value, out: &mut Out, algorithm: &str) {
    for (path, product) in full_product_names(doc) {
        for (h, hash) in items(at(product, &["product_identification_helper", "hashes"])) {
            let algorithms: Vec<&str> = items(hash.get("file_hashes"))
                .filter_map(|(_, f)| f.get("algorithm")?.as_str())
                .collect();
            if !algorithms.is_empty()
                && algorithms.iter().all(|a| a.eq_ignore_ascii_case(algorithm))
            {
                out.fail(
                    format!("{path}/product_identification_helper/hashes/{h}"),
                    format!("{algorithm} is the only hash algorithm"),
                );
            }
        }
    }
}

/// 6.2.8 Use of MD5 as the only Hash Algorithm.
fn t_6_2_8(doc: &Value, out: &mut Out) {
    only_algorithm(doc, out, "md5");
}

/// 6.2.9 Use of SHA-1 as the only Hash Algorithm.
fn t_6_2_9(doc: &Value, out: &mut Out) {
    only_algorithm(doc, out, "sha1");
}

/// 6.2.10 Missing TLP label.
fn t_6_2_10(doc: &Value, out: &mut Out) {
    if at(doc, &["document", "distribution", "tlp", "label"]).is_none() {
        out.fail(
            "/document/distribution/tlp/label",
            "the document has no TLP label",
        );
    }
}

/// The file name of a CSAF document (section 5.1) without `.json`.
pub(crate) fn file_stem(tracking_id: &str) -> String {
    let mut stem = String::new();
    let mut in_run = false;
    for c in tracking_id.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '-' {
            stem.push(c);
            in_run = false;
        } else if !in_run {
            stem.push('_');
            in_run = true;
        }
    }
    stem
}

/// 6.2.11 Missing Canonical URL: a `self` reference with an https URL that
/// ends in the document's file name.
fn t_6_2_11(doc: &Value, out: &mut Out) {
    let file =
        str_at(doc, &["document", "tracking", "id"]).map(|id| format!("{}.json", file_stem(id)));
    let ok = file.is_some_and(|file| {
        items(at(doc, &["document", "references"])).any(|(_, r)| {
            r.get("category").and_then(Value::as_str) == Some("self")
                && r.get("url")
                    .and_then(Value::as_str)
                    .is_some_and(|u| u.starts_with("https://") && u.ends_with(&file))
        })
    });
    if !ok {
        out.fail(
            "/document/references",
            "no self reference gives the canonical URL",
        );
    }
}

/// 6.2.12 Missing Document Language.
fn t_6_2_12(doc: &Value, out: &mut Out) {
    if at(doc, &["document", "lang"]).is_none() {
        out.fail("/document/lang", "the document has no language");
    }
}

/// Whether a language tag uses a private-use subtag: languages qaa–qtz,
/// scripts Qaaa–Qabx, regions AA, QM–QZ, XA–XZ, ZZ, or a private-use part.
pub(crate) fn is_private_language(tag: &str) -> bool {
    let Ok(t) = language_tags::LanguageTag::parse(tag) else {
        return false;
    };
    let in_range = |s: &str, lo: &str, hi: &str| {
        let s = s.to_ascii_lowercase();
        s.len() == lo.len() && s.as_str() >= lo && s.as_str() <= hi
    };
    in_range(t.primary_language(), "qaa", "qtz")
        || t.script().is_some_and(|s| in_range(s, "qaaa", "qabx"))
        || t.region().is_some_and(|r| {
            in_range(r, "aa", "aa")
                || in_range(r, "qm", "qz")
                || in_range(r, "xa", "xz")
                || in_range(r, "zz", "zz")
        })
        || t.private_use().is_some()
        || tag.len() > 1 && tag[..2].eq_ignore_ascii_case("x-")
}

fn languages(doc: &Value) -> impl Iterator<Item = (&'static str, &str)> {
    ["lang", "source_lang"]
        .into_iter()
        .filter_map(|k| Some((k, str_at(doc, &["document", k])?)))
}

/// 6.2.14 Use of Private Language.
fn t_6_2_14(doc: &Value, out: &mut Out) {
    for (key, tag) in languages(doc) {
        if is_private_language(tag) {
            out.fail(
                format!("/document/{key}"),
                format!("{tag:?} uses a private-use subtag"),
            );
        }
    }
}

/// 6.2.15 Use of Default Language (`i-default`).
fn t_6_2_15(doc: &Value, out: &mut Out) {
    for (key, tag) in languages(doc) {
        if tag.eq_ignore_ascii_case("i-default") {
            out.fail(format!("/document/{key}"), "i-default is not a language");
        }
    }
}

/// 6.2.16 Missing Product Identification Helper.
fn t_6_2_16(doc: &Value, out: &mut Out) {
    for (path, product) in full_product_names(doc) {
        if product.get("product_identification_helper").is_none() {
            out.fail(path, "the product has no product identification helper");
        }
    }
}

/// Whether `s` is a CVE id: `CVE-YYYY-NNNN…`.
fn is_cve(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    parts.next() == Some("CVE")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// 6.2.17 CVE in field IDs.
fn t_6_2_17(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        for (i, id) in items(vuln.get("ids")) {
            if let Some(text) = id.get("text").and_then(Value::as_str)
                && is_cve(text)
            {
                out.fail(
                    format!("/vulnerabilities/{v}/ids/{i}/text"),
                    format!("{text} belongs in the cve field"),
                );
            }
        }
    }
}

/// 6.2.18 Product Version Range without vers.
fn t_6_2_18(doc: &Value, out: &mut Out) {
    for (path, branch) in branches(doc) {
        if branch.get("category").and_then(Value::as_str) == Some("product_version_range")
            && let Some(name) = branch.get("name").and_then(Value::as_str)
            && !name.starts_with("vers:")
        {
            out.fail(
                format!("{path}/name"),
                format!("version range {name:?} is not in vers syntax"),
            );
        }
    }
}

/// The vector string with the metrics that the object's properties set
/// (such as `modifiedIntegrityImpact`) put in or replaced, as the reference
/// validator computes 6.2.19.
fn with_properties(vector: &str, cvss: &Value, mapping: &[cvss::Mapping]) -> String {
    let (prefix, body) = match vector.split_once('/') {
        Some((p, rest)) if p.starts_with("CVSS:") => (Some(p), rest),
        _ => (None, vector),
    };
    let mut metrics: Vec<(&str, &str)> =
        body.split('/').filter_map(|m| m.split_once(':')).collect();
    for (metric, property, values) in mapping {
        let Some(given) = cvss.get(*property).and_then(Value::as_str) else {
            continue;
        };
        let Some((code, _)) = values.iter().find(|(_, name)| *name == given) else {
            continue;
        };
        match metrics.iter_mut().find(|(m, _)| m == metric) {
            Some(entry) => entry.1 = code,
            None => metrics.push((metric, code)),
        }
    }
    let body: Vec<String> = metrics.iter().map(|(m, v)| format!("{m}:{v}")).collect();
    match prefix {
        Some(p) => format!("{p}/{}", body.join("/")),
        None => body.join("/"),
    }
}

/// The environmental score of a CVSS object: the one given if positive,
/// else the one its vector string gives (`None` if the vector is unusable).
fn environmental(key: &str, cvss: &Value) -> Option<f64> {
    if let Some(given) = cvss.get("environmentalScore").and_then(Value::as_f64)
        && given > 0.0
    {
        return Some(given);
    }
    let vector = cvss
        .get("vectorString")
        .and_then(Value::as_str)
        .unwrap_or("");
    let version = cvss.get("version").and_then(Value::as_str);
    let scores = match (key, version) {
        ("cvss_v2", _) => cvss::v2_scores(&with_properties(vector, cvss, cvss::V2_MAPPING)),
        (_, Some("3.0")) => {
            cvss::v3_scores(&with_properties(vector, cvss, cvss::V3_MAPPING), V3::V30)
        }
        (_, Some("3.1")) => {
            cvss::v3_scores(&with_properties(vector, cvss, cvss::V3_MAPPING), V3::V31)
        }
        _ => None,
    };
    Some(scores?.environmental)
}

/// 6.2.19 CVSS for Fixed Products: a score of a fixed product has an
/// environmental score of 0 (the fix is reflected in the modified metrics).
fn t_6_2_19(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        let fixed: HashSet<&str> = ["first_fixed", "fixed"]
            .into_iter()
            .flat_map(|s| strings(at(vuln, &["product_status", s])).map(|(_, p)| p))
            .collect();
        for (s, score) in items(vuln.get("scores")) {
            let Some(product) = strings(score.get("products"))
                .map(|(_, p)| p)
                .find(|p| fixed.contains(p))
            else {
                continue;
            };
            for key in ["cvss_v3", "cvss_v2"] {
                let Some(cvss) = score.get(key) else { continue };
                if environmental(key, cvss).is_none_or(|e| e > 0.0) {
                    out.fail(
                        format!("/vulnerabilities/{v}/scores/{s}/{key}"),
                        format!(
                            "product {product:?} is fixed, so the environmental score should be 0"
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            file_stem("Example Company - 2019-YH3234"),
            "example_company_-_2019-yh3234"
        );
        assert_eq!(file_stem("RHBA-2019:0024"), "rhba-2019_0024");
        assert_eq!(
            file_stem("cisco-sa-20190513-secureboot"),
            "cisco-sa-20190513-secureboot"
        );
    }

    #[test]
    fn private_languages() {
        for tag in [
            "qtx",
            "en-QM",
            "en-Qabc",
            "en-XP",
            "fr-ZZ",
            "en-AA",
            "x-private",
            "de-x-foo",
        ] {
            assert!(is_private_language(tag), "{tag}");
        }
        for tag in ["en", "de-DE", "en-GB", "i-default", "qzz"] {
            assert!(!is_private_language(tag), "{tag}");
        }
        assert!(is_cve("CVE-2021-44228"));
        assert!(!is_cve("CVE-21-4422"));
    }
}

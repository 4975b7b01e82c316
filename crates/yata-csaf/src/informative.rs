//! The informative tests of CSAF 2.0, section 6.3: failures are hints.
//!
//! Not implemented: 6.3.6 and 6.3.7 (they resolve URLs, and this crate does
//! no network access), 6.3.8 (Spell check) and 6.3.9 (Branch Categories).

use serde_json::Value;

use crate::Out;
use crate::doc::{at, branches, full_product_names, items, vulnerabilities};

type Test = fn(&Value, &mut Out);

pub(crate) static TESTS: &[(&str, Test)] = &[
    ("6.3.1", t_6_3_1),
    ("6.3.2", t_6_3_2),
    ("6.3.3", t_6_3_3),
    ("6.3.4", t_6_3_4),
    ("6.3.5", t_6_3_5),
    ("6.3.10", t_6_3_10),
    ("6.3.11", t_6_3_11),
];

/// 6.3.1 Use of CVSS v2 as the only Scoring System.
fn t_6_3_1(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        for (s, score) in items(vuln.get("scores")) {
            if score.get("cvss_v2").is_some() && score.get("cvss_v3").is_none() {
                out.fail(
                    format!("/vulnerabilities/{v}/scores/{s}"),
                    "CVSS v2 is the only score",
                );
            }
        }
    }
}

/// 6.3.2 Use of CVSS v3.0.
fn t_6_3_2(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        for (s, score) in items(vuln.get("scores")) {
            let version = at(score, &["cvss_v3", "version"]).and_then(Value::as_str);
            let vector = at(score, &["cvss_v3", "vectorString"]).and_then(Value::as_str);
            if version == Some("3.0") || vector.is_some_and(|v| v.starts_with("CVSS:3.0/")) {
                out.fail(
                    format!("/vulnerabilities/{v}/scores/{s}/cvss_v3"),
                    "CVSS v3.0 is used, prefer v3.1",
                );
            }
        }
    }
}

/// 6.3.3 Missing CVE.
fn t_6_3_3(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        if vuln.get("cve").is_none() {
            out.fail(
                format!("/vulnerabilities/{v}/cve"),
                "the vulnerability has no CVE",
            );
        }
    }
}

/// 6.3.4 Missing CWE.
fn t_6_3_4(doc: &Value, out: &mut Out) {
    for (v, vuln) in vulnerabilities(doc) {
        if vuln.get("cwe").is_none() {
            out.fail(
                format!("/vulnerabilities/{v}/cwe"),
                "the vulnerability has no CWE",
            );
        }
    }
}

/// 6.3.5 Use of Short Hash: fewer than 64 hexadecimal digits.
fn t_6_3_5(doc: &Value, out: &mut Out) {
    for (path, product) in full_product_names(doc) {
        for (h, hash) in items(at(product, &["product_identification_helper", "hashes"])) {
            for (f, file_hash) in items(hash.get("file_hashes")) {
                if let Some(value) = file_hash.get("value").and_then(Value::as_str)
                    && value.len() < 64
                {
                    out.fail(
                        format!(
                            "{path}/product_identification_helper/hashes/{h}/file_hashes/{f}/value"
                        ),
                        format!("the hash has {} digits, fewer than 64", value.len()),
                    );
                }
            }
        }
    }
}

/// 6.3.10 Usage of Product Version Range.
fn t_6_3_10(doc: &Value, out: &mut Out) {
    for (path, branch) in branches(doc) {
        if branch.get("category").and_then(Value::as_str) == Some("product_version_range") {
            out.fail(format!("{path}/category"), "product_version_range is used");
        }
    }
}

/// 6.3.11 Usage of V as Version Indicator.
fn t_6_3_11(doc: &Value, out: &mut Out) {
    for (path, branch) in branches(doc) {
        if branch.get("category").and_then(Value::as_str) == Some("product_version")
            && let Some(name) = branch.get("name").and_then(Value::as_str)
            && let [b'v' | b'V', d, ..] = name.as_bytes()
            && d.is_ascii_digit()
        {
            out.fail(
                format!("{path}/name"),
                format!("version {name:?} starts with a v"),
            );
        }
    }
}

//! Arbitrary input never panics: random bytes, and random JSON built from the
//! CSAF vocabulary so that the tests reach deep into their rules.

use proptest::prelude::*;
use serde_json::{Map, Value};

/// Keys and strings that CSAF tests look at.
const WORDS: &[&str] = &[
    "document",
    "category",
    "csaf_version",
    "lang",
    "source_lang",
    "publisher",
    "tracking",
    "version",
    "status",
    "revision_history",
    "number",
    "date",
    "notes",
    "references",
    "product_tree",
    "branches",
    "name",
    "product",
    "product_id",
    "full_product_names",
    "relationships",
    "product_reference",
    "relates_to_product_reference",
    "full_product_name",
    "product_groups",
    "group_id",
    "product_ids",
    "group_ids",
    "product_identification_helper",
    "purl",
    "hashes",
    "file_hashes",
    "algorithm",
    "vulnerabilities",
    "cve",
    "ids",
    "cwe",
    "id",
    "product_status",
    "known_affected",
    "known_not_affected",
    "fixed",
    "first_fixed",
    "under_investigation",
    "recommended",
    "remediations",
    "threats",
    "flags",
    "scores",
    "products",
    "cvss_v2",
    "cvss_v3",
    "vectorString",
    "baseScore",
    "baseSeverity",
    "temporalScore",
    "environmentalScore",
    "attackVector",
    "involvements",
    "party",
    "csaf_vex",
    "csaf_security_advisory",
    "csaf_informational_advisory",
    "final",
    "draft",
    "interim",
    "translator",
    "product_version",
    "impact",
    "external",
    "summary",
    "P1",
    "P2",
    "G1",
    "1",
    "2",
    "0.1.0",
    "1.0.0-rc.1",
    "2024-01-01T00:00:00Z",
    "2023-13-99T99:99:99Z",
    "en",
    "EZ",
    "3.0",
    "3.1",
    "2.0",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "AV:N/AC:L/Au:N/C:C/I:C/A:C",
    "CVSS:3.0/AV:N/MAV:X/E:P",
    "pkg:npm/x@1",
    "pkg:",
    "CWE-79",
    "< 2",
    "all versions",
    "",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(WORDS).prop_map(str::to_owned),
        1 => ".{0,12}",
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-20.0f64..20.0).prop_map(Value::from),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(8, 200, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = yata_csaf::validate(&bytes);
    }

    #[test]
    fn json_never_panics(value in json()) {
        // Wrap in the top-level shape so that every test has something to read.
        let doc = serde_json::json!({"document": value.clone(), "product_tree": value.clone(), "vulnerabilities": [value.clone()]});
        let report = yata_csaf::validate_value(&doc, &yata_csaf::Config::default());
        for failure in report.failures() {
            let _ = failure.to_string();
        }
        let _ = yata_csaf::validate(value.to_string().as_bytes());
    }
}

/// Nesting at the default limit validates (no stack overflow in the tests'
/// recursion); beyond it, the input is refused with its location.
#[test]
fn deep_nesting() {
    let depth = yata_csaf::DEFAULT_MAX_DEPTH;
    // product_tree + branches levels: each branch level is an array and an object.
    let levels = (depth - 3) / 2;
    let mut branch = String::from(r#"{"category": "vendor", "name": "v"}"#);
    for _ in 1..levels {
        branch = format!(r#"{{"category": "vendor", "name": "v", "branches": [{branch}]}}"#);
    }
    let doc = format!(r#"{{"product_tree": {{"branches": [{branch}]}}}}"#);
    let report = yata_csaf::validate(doc.as_bytes()).expect("within the limit");
    assert!(!report.is_valid());

    let too_deep = "[".repeat(depth + 1);
    let err = yata_csaf::validate(too_deep.as_bytes()).expect_err("too deep");
    assert_eq!(
        err.to_string(),
        format!(
            "csaf: line 1, column {}: nesting deeper than the limit of {depth}",
            depth + 1
        )
    );
}

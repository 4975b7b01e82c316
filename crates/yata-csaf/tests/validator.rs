//! Conformance with the OASIS CSAF 2.0 validator test data
//! (`csaf/validator-tests/testcases.json`) and the OASIS example documents.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use yata_csaf::{Group, Report, all_tests};

fn validate_file(path: &Path) -> Report {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yata_csaf::validate(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn names(list: Option<&Value>) -> Vec<&str> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("name")?.as_str())
        .collect()
}

/// Every mandatory test file behaves exactly as listed: a file under
/// `failures` fails with that test id, a file under `valid` is a valid
/// document. The optional and informative tests this crate implements are
/// held to the same standard (a `valid` file must not fail that test); the
/// counts are printed.
#[test]
fn oasis_testcases() {
    let Some(dir) = yata_testdata::path("csaf/validator-tests") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("testcases.json")).expect("testcases.json");
    let cases: Value = serde_json::from_str(&text).expect("testcases.json is JSON");
    let implemented: BTreeMap<&str, bool> = all_tests()
        .iter()
        .map(|t| (t.id(), t.implemented()))
        .collect();

    let mut mismatches = Vec::new();
    // Per group: (files as expected, files checked).
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut per_test: Vec<String> = Vec::new();
    for case in cases["tests"].as_array().expect("tests") {
        let id = case["id"].as_str().expect("id");
        let group = case["group"].as_str().expect("group");
        if !implemented.get(id).copied().unwrap_or(false) {
            assert_ne!(group, "mandatory", "mandatory test {id} is not implemented");
            continue;
        }
        let (mut ok, mut total) = (0, 0);
        for (name, must_fail) in names(case.get("failures"))
            .into_iter()
            .map(|n| (n, true))
            .chain(names(case.get("valid")).into_iter().map(|n| (n, false)))
        {
            let report = validate_file(&dir.join(name));
            let as_expected = if must_fail {
                report.failed(id)
            } else if group == "mandatory" {
                report.is_valid()
            } else {
                !report.failed(id)
            };
            total += 1;
            if as_expected {
                ok += 1;
            } else {
                let got: Vec<String> = report.failures().iter().map(ToString::to_string).collect();
                let expected = if must_fail { "fail" } else { "pass" };
                mismatches.push(format!("{id} {name}: expected to {expected}, got {got:#?}"));
            }
        }
        let entry = counts.entry(group).or_default();
        entry.0 += ok;
        entry.1 += total;
        if group != "mandatory" {
            per_test.push(format!("{id} {ok}/{total}"));
        }
    }
    for (group, (ok, total)) in &counts {
        println!("{group}: {ok}/{total} files behave as expected");
    }
    println!(
        "optional and informative, per implemented test: {}",
        per_test.join(", ")
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{mismatches:#?}",
        mismatches.len()
    );
    assert!(
        counts
            .get("mandatory")
            .is_some_and(|(_, total)| *total > 100)
    );
}

/// The OASIS example advisories and VEX documents are valid.
#[test]
fn oasis_examples_are_valid() {
    let Some(dir) = yata_testdata::path("csaf/examples/csaf") else {
        return;
    };
    let mut files = Vec::new();
    for sub in [dir.clone(), dir.join("csaf_vex")] {
        for entry in std::fs::read_dir(&sub).expect("examples") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 19, "found only {} examples", files.len());
    let mut invalid = Vec::new();
    for path in &files {
        let report = validate_file(path);
        let failures: Vec<String> = report
            .failures()
            .iter()
            .filter(|f| matches!(f.group(), Group::Schema | Group::Mandatory))
            .map(ToString::to_string)
            .collect();
        if !failures.is_empty() {
            invalid.push(format!("{}: {failures:#?}", path.display()));
        }
    }
    assert!(
        invalid.is_empty(),
        "invalid examples:\n{}",
        invalid.join("\n")
    );
}

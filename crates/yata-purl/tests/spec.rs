//! The purl-spec conformance suite (`../shared/data/purl-spec`): every test in
//! `spec/specification-test.json` and `types/*-test.json`, run as one test
//! that reports all failures at once.
//!
//! "required" tests run against the strict parser (`FromStr`, ECMA-427);
//! "recommended" tests, which show how to repair common mistakes, run against
//! `Purl::parse_lenient`.

use std::path::Path;

use serde_json::Value;
use yata_purl::Purl;

/// Upstream cases that contradict other upstream cases, with the reason we
/// side as we do. Each is still run, and must behave as stated here.
const CONTRADICTIONS: &[(&str, &str, &str, &str)] = &[(
    "types/maven-test.json",
    "parse",
    "pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=pom&repositorY_url=repo.spring.io/release",
    "a \"required\" parse test that accepts a non-lowercase qualifier key, which ECMA-427 \
     forbids and which the required gem and rpm tests reject (purl-spec#942, #951); \
     we reject it in strict parsing and repair it in lenient parsing",
)];

struct Outcome {
    passed: usize,
    contradictions: usize,
    failures: Vec<String>,
}

#[test]
fn purl_spec_conformance() {
    let Some(root) = yata_testdata::path("purl-spec") else {
        return;
    };
    let mut files = vec![root.join("spec/specification-test.json")];
    let mut types: Vec<_> = std::fs::read_dir(root.join("types"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    types.sort();
    files.extend(types);

    let mut outcome = Outcome {
        passed: 0,
        contradictions: 0,
        failures: Vec::new(),
    };
    let mut total = 0;
    for file in &files {
        let rel = file.strip_prefix(&root).unwrap().display().to_string();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for (i, case) in doc["tests"].as_array().unwrap().iter().enumerate() {
            total += 1;
            run_case(&rel, i, case, &mut outcome);
        }
    }
    eprintln!(
        "purl-spec: {} files, {total} tests: {} passed, {} known upstream contradictions, {} failed",
        files.len(),
        outcome.passed,
        outcome.contradictions,
        outcome.failures.len()
    );
    assert!(total > 500, "expected the full suite, found {total} tests");
    assert!(
        outcome.failures.is_empty(),
        "{} of {total} purl-spec tests failed:\n{}",
        outcome.failures.len(),
        outcome.failures.join("\n")
    );
}

fn run_case(file: &str, index: usize, case: &Value, outcome: &mut Outcome) {
    let test_type = case["test_type"].as_str().unwrap();
    let lenient = case["test_group"] == "recommended";
    let expect_failure = case["expected_failure"].as_bool().unwrap_or(false);
    let input = &case["input"];
    let result: Result<Purl, String> = match test_type {
        "parse" | "validate" => {
            let s = input.as_str().unwrap();
            if lenient {
                Purl::parse_lenient(s)
            } else {
                s.parse()
            }
            .map_err(|e| e.to_string())
        }
        "build" => build(input),
        other => panic!("{file}: unknown test_type {other:?}"),
    };
    let verdict = match (&result, expect_failure) {
        (Err(_), true) => Ok(()),
        (Ok(p), true) => Err(format!("expected failure, got {p}")),
        (Err(e), false) => Err(format!("unexpected error: {e}")),
        (Ok(p), false) => match test_type {
            "parse" => compare_components(p, &case["expected_output"]),
            _ => {
                let expected = case["expected_output"].as_str().unwrap();
                if p.to_string() == expected {
                    Ok(())
                } else {
                    Err(format!("got {p}, expected {expected}"))
                }
            }
        },
    };
    let contradiction = CONTRADICTIONS
        .iter()
        .find(|(f, t, i, _)| *f == file && *t == test_type && input.as_str() == Some(i));
    match (verdict, contradiction) {
        (Ok(()), None) => outcome.passed += 1,
        (Err(_), Some(_)) => outcome.contradictions += 1,
        (Ok(()), Some((.., why))) => outcome.failures.push(format!(
            "{file}[{index}] now passes; remove it from CONTRADICTIONS ({why})"
        )),
        (Err(why), None) => outcome
            .failures
            .push(format!("{file}[{index}] {test_type} {}: {why}", input)),
    }
}

fn build(input: &Value) -> Result<Purl, String> {
    let text = |k: &str| input[k].as_str();
    let mut builder = Purl::builder(text("type").unwrap_or(""), text("name").unwrap_or(""));
    if let Some(ns) = text("namespace") {
        builder = builder.namespace(ns);
    }
    if let Some(v) = text("version") {
        builder = builder.version(v);
    }
    if let Some(q) = input["qualifiers"].as_object() {
        for (k, v) in q {
            builder = builder.qualifier(k, v.as_str().unwrap());
        }
    }
    if let Some(s) = text("subpath") {
        builder = builder.subpath(s);
    }
    builder.build().map_err(|e| e.to_string())
}

fn compare_components(p: &Purl, expected: &Value) -> Result<(), String> {
    let qualifiers: Vec<(String, String)> = p
        .qualifiers()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let mut want_qualifiers: Vec<(String, String)> = expected["qualifiers"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    want_qualifiers.sort();
    let got = (
        Some(p.ty()),
        p.namespace(),
        Some(p.name()),
        p.version(),
        p.subpath(),
    );
    let want = (
        expected["type"].as_str(),
        expected["namespace"].as_str(),
        expected["name"].as_str(),
        expected["version"].as_str(),
        expected["subpath"].as_str(),
    );
    if got == want && qualifiers == want_qualifiers {
        Ok(())
    } else {
        Err(format!(
            "got {got:?} {qualifiers:?}, expected {want:?} {want_qualifiers:?}"
        ))
    }
}

#[test]
fn data_location_is_the_shared_folder() {
    // Guards against the suite silently reading an empty folder.
    if let Some(root) = yata_testdata::path("purl-spec/spec/specification-test.json") {
        assert!(Path::new(&root).is_file());
    }
}

//! The version-ordering conformance cases in `../shared/data/versions`
//! (from google/osv-scalibr's `semantic/testdata`): every line must hold.

use std::cmp::Ordering;

use yata_version::Scheme;

/// One `a OP b` line per case; `#` and `//` start comments.
fn check_file(file: &str, scheme: Scheme) {
    let Some(path) = yata_testdata::path(&format!("versions/{file}")) else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [a, op, b] = parts[..] else {
            panic!("{file}:{}: malformed case {line:?}", n + 1)
        };
        let expected = match op {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            _ => panic!("{file}:{}: unknown operator {op:?}", n + 1),
        };
        cases += 1;
        match scheme.compare(a, b) {
            Ok(got) if got == expected => {}
            Ok(got) => failures.push(format!("{file}:{}: {line}: got {got:?}", n + 1)),
            Err(e) => failures.push(format!("{file}:{}: {line}: {e}", n + 1)),
        }
    }
    assert!(cases > 0, "{file} holds no cases");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{file}: {cases} of {cases} cases pass");
}

#[test]
fn alpine() {
    check_file("alpine-versions.txt", Scheme::Alpine);
}

#[test]
fn cran() {
    check_file("cran-versions.txt", Scheme::Cran);
}

#[test]
fn debian() {
    check_file("debian-versions.txt", Scheme::Debian);
}

#[test]
fn hackage() {
    check_file("hackage-versions.txt", Scheme::Hackage);
}

#[test]
fn maven() {
    check_file("maven-versions.txt", Scheme::Maven);
}

#[test]
fn nuget() {
    check_file("nuget-versions.txt", Scheme::NuGet);
}

#[test]
fn packagist() {
    check_file("packagist-versions.txt", Scheme::Packagist);
}

#[test]
fn pub_() {
    check_file("pub-versions.txt", Scheme::Pub);
}

#[test]
fn pypi() {
    check_file("pypi-versions.txt", Scheme::PyPI);
}

#[test]
fn redhat() {
    check_file("redhat-versions.txt", Scheme::Rpm);
}

#[test]
fn rubygems() {
    check_file("rubygems-versions.txt", Scheme::RubyGems);
}

#[test]
fn semver() {
    check_file("semver-versions.txt", Scheme::SemVer);
}

//! Every version found in the PURLs of the real CycloneDX and SPDX documents
//! in `../shared/data/cyclonedx/examples` and `../shared/data/spdx` parses with its ecosystem's scheme
//! (Maven, Composer, NuGet, RubyGems, Pub, Hex), and the parsed versions of
//! each scheme sort consistently.

use std::collections::BTreeMap;
use std::path::Path;

use yata_version::{Scheme, Version};

/// The PURL types whose versions this test checks, with their scheme.
const TYPES: &[(&str, Scheme)] = &[
    ("maven", Scheme::Maven),
    ("composer", Scheme::Packagist),
    ("nuget", Scheme::NuGet),
    ("gem", Scheme::RubyGems),
    ("pub", Scheme::Pub),
    ("hex", Scheme::Hex),
];

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json" || e == "xml") {
            out.push(path);
        }
    }
}

/// The PURLs in a document: from `pkg:` to the next quote, `<` or space.
fn purls(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("pkg:").map(move |(at, _)| {
        let rest = &text[at..];
        let end = rest
            .find(|c: char| c == '"' || c == '<' || c.is_whitespace())
            .unwrap_or(rest.len());
        &rest[..end]
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// `(type, version)` of a PURL that has a version.
fn type_and_version(purl: &str) -> Option<(&str, String)> {
    let purl = purl.strip_prefix("pkg:")?.trim_start_matches('/');
    let purl = purl.split(['?', '#']).next()?;
    let (ty, _) = purl.split_once('/')?;
    let (_, version) = purl.rsplit_once('@')?;
    Some((ty, percent_decode(version)))
}

#[test]
fn sbom_versions_parse() {
    let mut paths = Vec::new();
    // Real documents only: the PURL spec's test files hold synthetic
    // versions such as Hex `2.3.` and Maven `1.0.0 Final`, which we reject.
    for dir in ["cyclonedx/examples", "spdx"] {
        let Some(dir) = yata_testdata::path(dir) else {
            return;
        };
        files(&dir, &mut paths);
    }
    paths.sort();

    let mut parsed: BTreeMap<Scheme, Vec<Version>> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        for purl in purls(&text) {
            let Some((ty, version)) = type_and_version(purl) else {
                continue;
            };
            let Some(&(_, scheme)) = TYPES.iter().find(|(t, _)| ty.eq_ignore_ascii_case(t)) else {
                continue;
            };
            match scheme.parse(&version) {
                Ok(v) => parsed.entry(scheme).or_default().push(v),
                Err(e) => failures.push(format!("{}: {purl}: {e}", path.display())),
            }
        }
    }
    for (scheme, versions) in &mut parsed {
        versions.sort_by(|a, b| a.try_cmp(b).unwrap());
        assert!(
            versions.windows(2).all(|w| w[0] <= w[1]),
            "{scheme}: sort is inconsistent"
        );
        let distinct: std::collections::BTreeSet<String> =
            versions.iter().map(ToString::to_string).collect();
        eprintln!(
            "{scheme}: {} versions parse ({} distinct)",
            versions.len(),
            distinct.len()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        parsed.get(&Scheme::Maven).is_some_and(|v| v.len() > 1000),
        "expected the Maven SBOMs' versions"
    );
    assert!(
        parsed
            .get(&Scheme::Packagist)
            .is_some_and(|v| v.len() > 100),
        "expected the Composer SBOMs' versions"
    );
}

//! Differential test of the PyPI scheme against Python's `packaging.version`.
//!
//! Real version strings are mined from the PyPI advisories in
//! `../shared/data/osv/pypa` (the `versions:` lists and the `ECOSYSTEM` range
//! events), then mutated deterministically (digits, pre/post/dev suffixes,
//! local versions, epochs, case, separators, whitespace). One `python3`
//! process parses every string with `packaging.version.Version` and compares
//! a few thousand pairs; we require:
//!
//! * our PEP 440 parser accepts exactly what `packaging` accepts, with the
//!   same normalised form (`str(Version(s))`);
//! * what `packaging` rejects is either our `Legacy` variant or an error;
//! * every pair that `packaging` can compare orders the same way.
//!
//! Without `python3` or `packaging` the test is skipped with a message, or
//! fails when `CI` is set (`pip install packaging`).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use yata_version::scheme::pypi::PypiVersion;

const PYTHON: &str = r#"
import json, sys
from packaging.version import Version, InvalidVersion
request = json.load(sys.stdin)
parsed = []
for s in request["versions"]:
    try:
        parsed.append(Version(s))
    except InvalidVersion:
        parsed.append(None)
cmp = []
for i, j in request["pairs"]:
    a, b = parsed[i], parsed[j]
    cmp.append(None if a is None or b is None else (a > b) - (a < b))
json.dump({"normalized": [None if v is None else str(v) for v in parsed], "cmp": cmp}, sys.stdout)
"#;

/// Whether `python3` can import `packaging`; a skip or (in CI) a failure
/// otherwise.
fn python_ready() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import packaging.version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        let msg = "python3 with `packaging` is not available (pip install packaging)";
        assert!(!yata_testdata::in_ci(), "{msg}; CI must run this test");
        eprintln!("skipping: {msg}");
    }
    ok
}

/// The scalar after `- ` or `key: `, unquoted; `None` for escapes we do not
/// interpret.
fn scalar(value: &str) -> Option<String> {
    let value = value.trim();
    let unquoted = if let Some(v) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        if v.contains('\\') {
            return None;
        }
        v.to_owned()
    } else if let Some(v) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        v.replace("''", "'")
    } else {
        value.to_owned()
    };
    (!unquoted.is_empty()).then_some(unquoted)
}

/// Version strings of one advisory: its `versions:` items and the events of
/// its `ECOSYSTEM` ranges, in file order.
fn mine(yaml: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut versions_indent: Option<usize> = None;
    let mut range_type = "";
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        if let Some(key_indent) = versions_indent {
            match text.strip_prefix("- ") {
                Some(item) if indent >= key_indent => {
                    found.extend(scalar(item));
                    continue;
                }
                _ => versions_indent = None,
            }
        }
        if text == "versions:" {
            versions_indent = Some(indent);
            continue;
        }
        let text = text.strip_prefix("- ").unwrap_or(text);
        if let Some(t) = text.strip_prefix("type: ") {
            range_type = if t.trim() == "ECOSYSTEM" {
                "ECOSYSTEM"
            } else {
                ""
            };
        }
        for key in ["introduced: ", "fixed: ", "last_affected: "] {
            if let Some(v) = text.strip_prefix(key)
                && range_type == "ECOSYSTEM"
            {
                found.extend(scalar(v).filter(|v| v != "0"));
            }
        }
    }
    found
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn mutate(s: &str, rng: &mut Rng) -> String {
    const SUFFIXES: &[&str] = &[
        "rc1",
        "a2",
        "b3",
        ".post2",
        ".dev3",
        "-1",
        "+local.7",
        "+Ubuntu-1_2",
        "alpha",
        "Beta4",
        "c5",
        "pre",
        "-preview.6",
        "_rev7",
        ".r",
        "post",
        ".DEV",
        "-dev-8",
        ".post.dev",
        "a.",
        "+",
        "+a..b",
        ".",
        "-",
        "rc1.post2.dev3+abc.4",
        "x",
        ".*",
        "+00.1",
        "-final",
        "_1",
    ];
    const INSERTS: &[&str] = &[
        "a", "b", "c", "r", "v", ".", "-", "_", "+", "!", "0", "9", "!1", "V", "1.",
    ];
    let mut out = s.to_owned();
    for _ in 0..=rng.below(2) {
        match rng.below(11) {
            0 => out.push_str(rng.pick(SUFFIXES)),
            1 => out = format!("{}!{out}", rng.below(3)),
            2 => out = out.to_uppercase(),
            3 => out = out.replacen('.', rng.pick(&["-", "_", "..", ""]), 1),
            4 => {
                out = format!(
                    "{}{out}{}",
                    rng.pick(&["v", " ", "\t", ""]),
                    rng.pick(&[" ", "\n", ""])
                )
            }
            5 => {
                // Change one digit.
                let digits: Vec<usize> = out
                    .char_indices()
                    .filter(|(_, c)| c.is_ascii_digit())
                    .map(|(i, _)| i)
                    .collect();
                if !digits.is_empty() {
                    let i = digits[rng.below(digits.len())];
                    let d = char::from(b'0' + rng.below(10) as u8);
                    out.replace_range(i..i + 1, &d.to_string());
                }
            }
            6 => {
                if !out.is_empty() {
                    let i = rng.below(out.len());
                    if out.is_char_boundary(i) && out.is_char_boundary(i + 1) {
                        out.remove(i);
                    }
                }
            }
            7 => {
                let i = rng.below(out.len() + 1);
                if out.is_char_boundary(i) {
                    out.insert_str(i, rng.pick(INSERTS));
                }
            }
            8 => out.push_str(&format!(".{}", rng.next() % 100_000)),
            9 => out.push_str(rng.pick(&["0", ".0", ".0.0", "00", "12345678901234567890123"])),
            _ => out = format!("{}{out}", rng.pick(&["0", "00", "1.", "v1!"])),
        }
    }
    out
}

#[test]
fn pypi_matches_packaging() {
    let Some(dir) = yata_testdata::path("osv/pypa") else {
        return;
    };
    if !python_ready() {
        return;
    }

    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    let mut per_file: Vec<Vec<String>> = Vec::new();
    let mut mined = BTreeSet::new();
    for file in &files {
        let found = mine(&std::fs::read_to_string(file).unwrap());
        mined.extend(found.iter().cloned());
        per_file.push(found);
    }
    assert!(mined.len() > 1000, "only {} versions mined", mined.len());

    let mut rng = Rng(0x5EED_0440);
    let mut all: BTreeSet<String> = mined.clone();
    let bases: Vec<&String> = mined.iter().collect();
    for _ in 0..6000 {
        let base = bases[rng.below(bases.len())];
        all.insert(mutate(base, &mut rng));
    }
    // Fixed oddities worth keeping in every run.
    for s in [
        "",
        " ",
        "1.0 ",
        "\u{2003}1.0",
        "1.0\u{1F}",
        "1.0\u{85}",
        "١.٠",
        "1.0+ü",
        "v",
        "1!",
        "!1",
        "1..0",
        ".1",
        "1.",
        "1.0.",
        "1.0a.",
        "1.0-",
        "1.0+",
        "1.0+a.",
        "1.0++a",
        "0.9.pre",
        "1.0.post.",
        "1.0a..dev1",
        "1.0.dev.+x",
        "1.0-1-1",
        "1.0-r",
    ] {
        all.insert(s.to_owned());
    }
    let versions: Vec<String> = all.into_iter().collect();
    let index = |s: &str| versions.binary_search_by(|v| v.as_str().cmp(s)).unwrap();

    // Pairs: neighbours within each advisory (similar versions), then random.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for found in &per_file {
        for w in found.windows(2).step_by(3) {
            pairs.push((index(&w[0]), index(&w[1])));
        }
    }
    pairs.truncate(4000);
    for _ in 0..4000 {
        pairs.push((rng.below(versions.len()), rng.below(versions.len())));
    }

    let request = serde_json::json!({ "versions": versions, "pairs": pairs });
    let mut child = Command::new("python3")
        .args(["-c", PYTHON])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let mut stdin = child.stdin.take().unwrap();
    let body = serde_json::to_vec(&request).unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "python3 failed");
    let response: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let normalized = response["normalized"].as_array().unwrap();
    let cmps = response["cmp"].as_array().unwrap();

    let ours: Vec<Option<PypiVersion>> = versions.iter().map(|s| s.parse().ok()).collect();
    let mut failures = Vec::new();
    let (mut accepted, mut legacy, mut rejected) = (0, 0, 0);
    let mut rejected_examples = Vec::new();
    for ((s, theirs), mine) in versions.iter().zip(normalized).zip(&ours) {
        match (theirs.as_str(), mine) {
            (Some(n), Some(PypiVersion::Pep440(v))) => {
                accepted += 1;
                if v.normalized() != n {
                    failures.push(format!(
                        "{s:?}: normalised {:?}, packaging {n:?}",
                        v.normalized()
                    ));
                }
            }
            (Some(n), _) => {
                failures.push(format!("{s:?}: packaging accepts it as {n:?}, we do not"))
            }
            (None, Some(PypiVersion::Pep440(v))) => failures.push(format!(
                "{s:?}: packaging rejects it, we accept it as {:?}",
                v.normalized()
            )),
            (None, Some(_)) => legacy += 1,
            (None, None) => {
                rejected += 1;
                if rejected_examples.len() < 8 {
                    rejected_examples.push(s.as_str());
                }
            }
        }
    }
    let mut compared = 0;
    for (&(i, j), expected) in pairs.iter().zip(cmps) {
        let Some(expected) = expected.as_i64() else {
            continue;
        };
        let (Some(a), Some(b)) = (&ours[i], &ours[j]) else {
            continue; // already reported above
        };
        compared += 1;
        let expected = expected.cmp(&0);
        let got = a.cmp(b);
        if got != expected {
            failures.push(format!(
                "{:?} vs {:?}: we say {got:?}, packaging {expected:?}",
                versions[i], versions[j]
            ));
        }
    }
    eprintln!(
        "pypi differential: {} strings ({} mined from {} advisories, rest mutated): \
         {accepted} PEP 440 in both, {legacy} legacy, {rejected} rejected (e.g. {rejected_examples:?}); \
         {compared} of {} pairs compared",
        versions.len(),
        mined.len(),
        files.len(),
        pairs.len(),
    );
    assert!(compared > 4000, "only {compared} pairs compared");
    assert!(
        failures.is_empty(),
        "{} disagreements with packaging:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

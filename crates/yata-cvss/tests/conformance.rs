//! Every vector of `../shared/data/cvss` parses and scores exactly as its
//! line says. Lines are `VECTOR - (base, temporal, environmental)` (v2, v3;
//! `None` where the reference gives no score), `VECTOR - (score,)` or
//! `VECTOR - score` (v4, the score of the vector as given).

use std::path::Path;

use yata_cvss::{Cvss, Version};

/// Each file, the version of its vectors and how many lines it has.
const FILES: &[(&str, Version, usize)] = &[
    ("vectors_simple2", Version::V2_0, 729),
    ("vectors_calculator2", Version::V2_0, 5),
    ("vectors_cvsslib2", Version::V2_0, 24),
    ("vectors_simple3", Version::V3_0, 2592),
    ("vectors_calculator3", Version::V3_0, 2),
    ("vectors_cvsslib3", Version::V3_0, 29),
    ("vectors_simple31", Version::V3_1, 2592),
    ("vectors_simple4", Version::V4_0, 1058),
    ("vectors_base4", Version::V4_0, 0),
    ("vectors_threat4", Version::V4_0, 6),
];

fn expected(text: &str) -> Vec<Option<f64>> {
    text.trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s {
            "None" => None,
            s => Some(s.parse().unwrap_or_else(|_| panic!("bad score {s:?}"))),
        })
        .collect()
}

/// The scores the crate computes, in the file's layout: v2 and v3 always
/// compute temporal and environmental scores (the reference tools do), v4
/// one score.
fn computed(cvss: &Cvss) -> Vec<f64> {
    match cvss {
        Cvss::V2(v) => vec![v.base_score(), v.temporal_score(), v.environmental_score()],
        Cvss::V3(v) => vec![v.base_score(), v.temporal_score(), v.environmental_score()],
        Cvss::V4(v) => vec![v.score()],
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn check_file(dir: &Path, name: &str, version: Version, lines: usize) -> usize {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    // Counted independently of the parsing below: every non-empty line.
    let count = text.split('\n').filter(|l| !l.trim().is_empty()).count();
    assert_eq!(count, lines, "{name}: number of vectors");
    let mut passed = 0;
    let mut failures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (vector, scores) = line
            .split_once(" - ")
            .unwrap_or_else(|| panic!("{name}:{}: no ' - '", n + 1));
        let cvss: Cvss = match vector.parse() {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}:{}: {vector}: {e}", n + 1));
                continue;
            }
        };
        assert_eq!(cvss.version(), version, "{name}:{}", n + 1);
        assert_eq!(
            cvss.to_string().parse::<Cvss>().as_ref(),
            Ok(&cvss),
            "{name}:{}: round trip",
            n + 1
        );
        let want = expected(scores);
        let got = computed(&cvss);
        assert!(want.len() <= got.len(), "{name}:{}: layout", n + 1);
        let same = want.iter().zip(&got).all(|(w, g)| match w {
            Some(w) => (round1(*w) - round1(*g)).abs() < 1e-9,
            None => true,
        });
        if same {
            passed += 1;
        } else {
            failures.push(format!(
                "{name}:{}: {vector}: want {want:?}, got {got:?}",
                n + 1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    passed
}

#[test]
fn shared_vectors() {
    let Some(dir) = yata_testdata::path("cvss") else {
        return;
    };
    let mut total = 0;
    for &(name, version, lines) in FILES {
        let passed = check_file(&dir, name, version, lines);
        eprintln!("{name}: {passed}/{lines} pass");
        total += passed;
    }
    // Every file of the directory is listed above.
    let on_disk = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(on_disk, FILES.len(), "files in {}", dir.display());
    assert_eq!(total, 7037);
}

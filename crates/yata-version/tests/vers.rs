//! `vers:` ranges, driven by a plain numeric dotted-version order so that
//! they do not depend on any ecosystem's version parser.

use std::cmp::Ordering;
use std::num::ParseIntError;

use proptest::prelude::*;
use yata_version::vers::{Comparator, VersRangeError, VersionRange};

/// `1.2` = `1.2.0` < `1.10`; every segment must be a number.
fn numeric(a: &str, b: &str) -> Result<Ordering, ParseIntError> {
    let parse = |s: &str| {
        s.split('.')
            .map(str::parse::<u64>)
            .collect::<Result<Vec<_>, _>>()
    };
    let (a, b) = (parse(a)?, parse(b)?);
    let len = a.len().max(b.len());
    let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    Ok((0..len)
        .map(|i| at(&a, i).cmp(&at(&b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal))
}

#[track_caller]
fn check_contains(range: &str, inside: &[&str], outside: &[&str]) {
    let r = VersionRange::parse(range).unwrap_or_else(|e| panic!("{range}: {e}"));
    for v in inside {
        assert!(
            r.contains_by(v, numeric).unwrap(),
            "{v} should be in {range}"
        );
    }
    for v in outside {
        assert!(
            !r.contains_by(v, numeric).unwrap(),
            "{v} should not be in {range}"
        );
    }
}

#[track_caller]
fn check_canonical(input: &str, canonical: &str) {
    let r = VersionRange::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(r.to_string(), canonical);
    assert_eq!(VersionRange::parse(canonical).unwrap(), r);
}

#[track_caller]
fn check_err(input: &str, message: &str) {
    let e = VersionRange::parse(input).unwrap_err();
    assert_eq!(e.to_string(), message, "{input}");
}

#[track_caller]
fn check_invalid(input: &str, message: &str) {
    let e = VersionRange::validate_by(input, numeric).unwrap_err();
    assert_eq!(e.to_string(), message, "{input}");
}

#[test]
fn parse_and_print() {
    check_canonical(
        "vers:npm/1.2.3|>=2.0.0|<5.0.0",
        "vers:npm/1.2.3|>=2.0.0|<5.0.0",
    );
    check_canonical(" VERS : NPM / >= 1.0 | < 2 . 0 ", "vers:npm/>=1.0|<2.0");
    check_canonical("vers:npm/=1.0|!=1.1", "vers:npm/1.0|!=1.1");
    check_canonical("vers:npm/||1.0|||2.0|", "vers:npm/1.0|2.0");
    check_canonical("vers:npm/1%7C2|>=3%3C", "vers:npm/1%7C2|>=3%3C");
    check_canonical("vers:deb/*", "vers:deb/*");
    check_canonical("vers:all/*", "vers:all/*");
    check_canonical("vers:apk/1.0", "vers:apk/1.0");

    let r = VersionRange::parse("vers:gem/>=2.2.0|!= 2.2.1|<2.3.0").unwrap();
    assert_eq!(r.scheme_name(), "gem");
    assert_eq!(r.scheme(), Some(yata_version::Scheme::RubyGems));
    let got: Vec<_> = r
        .constraints()
        .iter()
        .map(|c| (c.comparator(), c.version()))
        .collect();
    assert_eq!(
        got,
        [
            (Comparator::Ge, "2.2.0"),
            (Comparator::Ne, "2.2.1"),
            (Comparator::Lt, "2.3.0")
        ]
    );
}

#[test]
fn parse_errors() {
    check_err("npm/1.0", "vers: missing required scheme \"vers:\"");
    check_err(
        "vers:npm",
        "vers: missing versioning scheme and '/' after \"vers:\"",
    );
    check_err(
        "vers:tomee/1.0",
        "vers: unknown versioning scheme \"tomee\"",
    );
    check_err(
        "vers:npm/",
        "vers: no constraints after the versioning scheme",
    );
    check_err(
        "vers:npm/|||",
        "vers: no constraints after the versioning scheme",
    );
    check_err(
        "vers:npm/1.0|*",
        "vers: constraint 2: '*' must be the only constraint",
    );
    check_err("vers:npm/1.0|>=", "vers: constraint 2: empty version");
    check_err(
        "vers:npm/1.0|<2%G0",
        "vers: constraint 2: invalid percent-encoding at byte 1 of the version",
    );
    check_err(
        "vers:npm/1.0é",
        "vers: invalid character 'é' at byte 12: only printable ASCII is allowed",
    );
    check_err(
        "vers:none/1.0",
        "vers: versioning scheme \"none\" only allows the constraint '*'",
    );
}

#[test]
fn strict_validation() {
    assert!(VersionRange::validate_by("vers:npm/<1.0|>=2.0|<3.0|4.0", numeric).is_ok());
    assert!(VersionRange::validate_by("vers:npm/>=1.0|!=1.5|<2.0", numeric).is_ok());
    assert!(VersionRange::validate_by("vers:npm/1.0|1.1|>=2.0", numeric).is_ok());
    check_invalid(
        "VERS:npm/1.0",
        "vers: scheme \"VERS\" must be lowercase \"vers\"",
    );
    check_invalid(
        "vers:NPM/1.0",
        "vers: versioning scheme \"NPM\" must be lowercase",
    );
    check_invalid(
        "vers:npm/2.0|1.0",
        "vers: constraint 2: not sorted by version",
    );
    check_invalid(
        "vers:npm/1.0|>=1.0.0",
        "vers: constraint 2: version \"1.0.0\" occurs more than once",
    );
    check_invalid(
        "vers:npm/>=1.0|>=2.0",
        "vers: constraint 2: Ge may not follow Ge \
         (bounds must alternate, and '=' is followed only by '=', '>' or '>=')",
    );
    check_invalid(
        "vers:npm/1.0|<2.0",
        "vers: constraint 2: Lt may not follow Eq \
         (bounds must alternate, and '=' is followed only by '=', '>' or '>=')",
    );
    // '!=' may be followed by anything, and is ignored for the other rules.
    assert!(VersionRange::validate_by("vers:npm/>=1.0|!=1.5|!=1.6|<2.0", numeric).is_ok());
    // A comparator error is reported, not swallowed.
    assert!(matches!(
        VersionRange::validate_by("vers:npm/1.x|2.0", numeric),
        Err(VersRangeError::Compare(_))
    ));
}

#[test]
fn normalization_sorts_and_dedups() {
    let r = VersionRange::parse("vers:npm/<5.0|>=2.0|1.2|>=2.0")
        .unwrap()
        .normalize_by(numeric)
        .unwrap();
    assert_eq!(r.to_string(), "vers:npm/1.2|>=2.0|<5.0");
    assert!(VersionRange::validate_by(&r.to_string(), numeric).is_ok());
    let conflict = VersionRange::parse("vers:npm/>=2.0|<2.0.0")
        .unwrap()
        .normalize_by(numeric)
        .unwrap_err();
    assert!(matches!(conflict, VersRangeError::DuplicateVersion { .. }));
}

#[test]
fn containment() {
    check_contains("vers:npm/1.2.3", &["1.2.3", "1.2.3.0"], &["1.2.4", "1.2"]);
    check_contains(
        "vers:npm/>=1.0.0|<2.0.0",
        &["1.0.0", "1.5"],
        &["0.9", "2.0.0", "3"],
    );
    check_contains("vers:npm/>1.0|<=2.0", &["1.1", "2.0"], &["1.0", "2.1"]);
    check_contains("vers:npm/<1.0|>=2.0", &["0.5", "2.0", "9"], &["1.0", "1.5"]);
    check_contains("vers:npm/<2.0.0|>=1.0.0", &["1.5"], &["2.1"]); // unsorted input
    check_contains("vers:npm/<2", &["1", "1.9"], &["2", "3"]);
    check_contains("vers:npm/>=2", &["2", "3"], &["1"]);
    check_contains(
        "vers:npm/>=1.0|!=1.5|<2.0",
        &["1.4", "1.6"],
        &["1.5", "2.0"],
    );
    check_contains(
        "vers:npm/1.0|1.2|>=3.0",
        &["1.0", "1.2", "3.1"],
        &["1.1", "2.0"],
    );
    // The spec's TomEE example: four disjoint branches.
    check_contains(
        "vers:maven/>=1.0.0|<=1.7.5|>=7.0.0|<=7.0.7|>=7.1.0|<=7.1.2|>=8.0.0|<=8.0.1",
        &["1.0.0", "1.7.5", "7.0.3", "7.1.2", "8.0.0"],
        &["0.9", "2.0", "7.0.8", "7.2", "8.0.2"],
    );
    // As the spec's algorithm reads: with only '!=' constraints nothing matches.
    check_contains("vers:npm/!=1.0", &[], &["1.0", "2.0"]);
    check_contains("vers:npm/*", &["0", "99.1"], &[]);
    check_contains("vers:all/*", &["1"], &[]);
    check_contains("vers:none/*", &[], &["1"]);
}

#[test]
fn containment_errors() {
    let dup = VersionRange::parse("vers:npm/1.0|>=1.0.0").unwrap();
    assert!(matches!(
        dup.contains_by("1.0", numeric),
        Err(VersRangeError::DuplicateVersion { .. })
    ));
    let r = VersionRange::parse("vers:npm/>=1.0").unwrap();
    let e = r.contains_by("one", numeric).unwrap_err();
    assert_eq!(
        e.to_string(),
        "vers: comparing versions: invalid digit found in string"
    );
}

#[test]
fn scheme_backed_containment_needs_no_parse_for_star() {
    // Scheme-backed checks only parse when they must compare.
    assert!(
        VersionRange::parse("vers:npm/*")
            .unwrap()
            .contains("anything")
            .unwrap()
    );
    assert!(
        VersionRange::parse("vers:all/*")
            .unwrap()
            .contains("x")
            .unwrap()
    );
    assert!(
        !VersionRange::parse("vers:none/*")
            .unwrap()
            .contains("x")
            .unwrap()
    );
}

fn constraint() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["", "=", "!=", "<", "<=", ">", ">="][..]),
        prop::collection::vec(0u8..20, 1..4),
    )
        .prop_map(|(op, v)| {
            let v: Vec<String> = v.iter().map(u8::to_string).collect();
            format!("{op}{}", v.join("."))
        })
}

proptest! {
    #[test]
    fn print_parse_round_trip(cs in prop::collection::vec(constraint(), 1..6)) {
        let r = VersionRange::parse(&format!("vers:pypi/{}", cs.join("|"))).unwrap();
        prop_assert_eq!(VersionRange::parse(&r.to_string()).unwrap(), r);
    }

    #[test]
    fn interval_matches_its_definition(a in 0u32..50, b in 0u32..50, v in 0u32..60) {
        prop_assume!(a < b);
        let r = VersionRange::parse(&format!("vers:npm/>={a}|<{b}")).unwrap();
        prop_assert_eq!(r.contains_by(&v.to_string(), numeric).unwrap(), a <= v && v < b);
    }

    #[test]
    fn normalized_ranges_validate(cs in prop::collection::vec(constraint(), 1..6)) {
        let r = VersionRange::parse(&format!("vers:npm/{}", cs.join("|"))).unwrap();
        if let Ok(n) = r.normalize_by(numeric) {
            // Sorted and unique now; only comparator sequences may still be invalid.
            match VersionRange::validate_by(&n.to_string(), numeric) {
                Ok(_) | Err(VersRangeError::InvalidSequence { .. }) => {}
                Err(e) => prop_assert!(false, "{n}: {e}"),
            }
        }
    }

    #[test]
    fn parse_never_panics(s in "vers:[a-z]{0,6}/[<>=!*|%0-9a-f. ]{0,20}|\\PC{0,20}") {
        let _ = VersionRange::parse(&s);
        let _ = VersionRange::validate_by(&s, numeric);
    }
}

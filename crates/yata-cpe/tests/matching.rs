//! Name matching (NISTIR 7696): table 6-2 row by row, the name-comparison
//! rules, and cases ported from knqyf263/go-cpe (MIT;
//! `matching/cpe_name_matcher_test.go`).

use yata_cpe::{Cpe, Relation, Value};

#[track_caller]
fn check(source: &str, target: &str, expect: Relation) {
    let s = Cpe::parse(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let t = Cpe::parse(target).unwrap_or_else(|e| panic!("{target}: {e}"));
    assert_eq!(s.compare(&t), expect, "{source} vs {target}");
    // The predicates are NISTIR 7696's CPE_EQUAL, CPE_SUBSET, CPE_SUPERSET
    // and CPE_DISJOINT.
    assert_eq!(s.is_equal(&t), expect == Relation::Equal);
    assert_eq!(
        s.is_subset(&t),
        matches!(expect, Relation::Equal | Relation::Subset)
    );
    assert_eq!(
        s.is_superset(&t),
        matches!(expect, Relation::Equal | Relation::Superset)
    );
    assert_eq!(s.is_disjoint(&t), expect == Relation::Disjoint);
}

/// Compares one vendor value with another, everything else ANY.
#[track_caller]
fn check_value(source: &str, target: &str, expect: Relation) {
    let name = |v: &str| {
        let fs = format!("cpe:2.3:a:{v}:*:*:*:*:*:*:*:*:*");
        Cpe::parse(&fs).unwrap_or_else(|e| panic!("{fs}: {e}"))
    };
    let (s, t) = (name(source), name(target));
    assert_eq!(
        s.vendor().compare(t.vendor()),
        expect,
        "{source} vs {target}"
    );
    assert_eq!(s.compare(&t), expect, "names {source} vs {target}");
}

#[test]
fn table_6_2() {
    use Relation::*;
    // Rows 1-17 of NISTIR 7696 table 6-2: ANY, NA, i and k (strings without
    // wildcards), m + wild (a string with wildcards).
    for (n, source, target, expect) in [
        (1, "*", "*", Equal),
        (2, "*", "-", Superset),
        (3, "*", "i", Superset),
        (4, "*", "m*", Undefined),
        (5, "-", "*", Subset),
        (6, "-", "-", Equal),
        (7, "-", "i", Disjoint),
        (8, "-", "m*", Undefined),
        (9, "i", "*", Subset),
        (10, "i", "-", Disjoint),
        (11, "i", "i", Equal),
        (12, "i", "k", Disjoint),
        (13, "i", "m\\+?", Undefined),
        (14, "m*", "*", Subset),
        (15, "m*", "-", Disjoint),
        (16, "m*", "mw", Superset),
        (17, "m*", "m*", Undefined),
    ] {
        let name = |v: &str| Cpe::parse(&format!("cpe:2.3:a:{v}:*:*:*:*:*:*:*:*:*")).unwrap();
        let (s, t) = (name(source), name(target));
        assert_eq!(
            s.vendor().compare(t.vendor()),
            expect,
            "row {n}: {source} vs {target}"
        );
    }
}

#[test]
fn case_insensitive() {
    check_value("Microsoft", "microsoft", Relation::Equal);
    check_value("MICRO*", "microsoft", Relation::Superset);
    check_value(r"A\+\+", r"a\+\+", Relation::Equal);
}

#[test]
fn wildcards_in_source() {
    use Relation::*;
    check_value("*soft", "microsoft", Superset);
    check_value("micro*", "microsoft", Superset);
    check_value("*cro*", "microsoft", Superset);
    check_value("*cro*", "cro", Superset);
    check_value("*xyz*", "microsoft", Disjoint);
    check_value("**", "x", Superset);
    check_value("?*", "x", Superset);
    // A run of n `?` at an end matches up to n characters.
    check_value("?icrosoft", "microsoft", Superset);
    check_value("?icrosoft", "icrosoft", Superset);
    check_value("?crosoft", "microsoft", Disjoint);
    check_value("micro??", "micro", Superset);
    check_value("micro??", "microso", Superset);
    check_value("micro??", "microsof", Disjoint);
    // Quoted characters are literal and count as one character.
    check_value("??icrosoft", r"\!\#icrosoft", Superset);
    check_value("microso??", r"microso\!\#", Superset);
    check_value("microso??", r"microso\!\#ft", Disjoint);
    check_value(r"\*soft", "microsoft", Disjoint);
    check_value(r"\*soft", r"\*soft", Equal);
    check_value(r"a\\*", r"a\\b", Superset);
    check_value(r"a\\*", r"ab", Disjoint);
    // A quoted wildcard in the target is a literal, so no longer undefined.
    check_value("micro*", r"micro\*", Superset);
    check_value("?", "a", Superset);
    check_value("???", "ab", Superset);
    check_value("?", "ab", Disjoint);
}

#[test]
fn go_cpe_matcher() {
    use Relation::*;
    check(
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:sp2:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:*:beta:*:*:*:*:*:*",
        Subset,
    );
    check(
        "cpe:2.3:a:adobe:*:9.*:*:PalmOS:*:*:*:*:*",
        "cpe:2.3:a:*:reader:9.3.2:-:-:*:*:*:*:*",
        Disjoint,
    );
    check(
        "cpe:2.3:a:adobe:reader:9.*:-:-:*:*:*:*:*",
        "cpe:2.3:a:adobe:reader:8.3.2:-:-:*:*:*:*:*",
        Disjoint,
    );
    check(
        "cpe:2.3:o:microsoft:windows_?:*:*:*:en-us:home*:-:x64:-",
        "cpe:2.3:o:microsoft:windows_7:6.1:sp1:*:en-us:home_basic:-:x32:*",
        Disjoint,
    );
    check(
        "cpe:2.3:o:microsoft:windows_?:*:*:*:en-us:home*:-:x64:-",
        "cpe:2.3:o:microsoft:windows_7:6.1:sp1:*:en-us:home_basic:-:x64:-",
        Superset,
    );
    check(
        "cpe:2.3:o:microsoft:windows_7:*:*:*:en-us:home_basic:-:x64:-",
        "cpe:2.3:o:microsoft:windows_7:*:*:*:en-us:home_basic:-:x64:-",
        Equal,
    );
    check(
        "cpe:2.3:o:microsoft:*:*:*:*:*:*:*:*:*",
        "cpe:2.3:o:microsoft*:*:*:*:*:*:*:*:*:*",
        Undefined,
    );
    check(
        "cpe:2.3:o:-:*:*:*:*:*:*:*:*:*",
        "cpe:2.3:o:microsoft:*:*:*:*:*:*:*:*:*",
        Disjoint,
    );
    check(
        "cpe:2.3:a:*:*:3:*:*:*:*:*:*:*",
        "cpe:2.3:a:*:*:33.0.1750.126:*:*:*:*:*:*:*",
        Disjoint,
    );
}

#[test]
fn name_comparison_rules() {
    use Relation::*;
    // Mixed SUBSET and SUPERSET: none of 7696's four relations.
    check(
        "cpe:2.3:a:vendor:*:1.0:*:*:*:*:*:*:*",
        "cpe:2.3:a:vendor:product:*:*:*:*:*:*:*:*",
        Overlap,
    );
    // DISJOINT wins over UNDEFINED (CPE_DISJOINT holds).
    check(
        "cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*",
        "cpe:2.3:a:other:product:1.*:*:*:*:*:*:*:*",
        Disjoint,
    );
    // The usual vulnerability question: does the configuration pattern
    // cover the installed product?
    let pattern: Cpe = "cpe:2.3:a:apache:log4j:2.1?:*:*:*:*:*:*:*".parse().unwrap();
    let installed: Cpe = "cpe:/a:apache:log4j:2.14".parse().unwrap();
    assert!(pattern.is_superset(&installed));
    assert_eq!(installed.compare(&pattern), Undefined);
    // Every attribute, for explanations.
    let relations = pattern.compare_attributes(&installed);
    assert_eq!(relations[3], Superset);
    assert!(
        relations
            .iter()
            .enumerate()
            .all(|(i, r)| i == 3 || *r == Equal)
    );
}

#[test]
fn relation_names() {
    for (r, name) in [
        (Relation::Equal, "equal"),
        (Relation::Subset, "subset"),
        (Relation::Superset, "superset"),
        (Relation::Disjoint, "disjoint"),
        (Relation::Overlap, "overlap"),
        (Relation::Undefined, "undefined"),
    ] {
        assert_eq!(r.to_string(), name);
        assert_eq!(r.reverse().reverse(), r);
    }
    assert_eq!(Relation::Subset.reverse(), Relation::Superset);
    assert_eq!(Value::Any.compare(Value::Na), Relation::Superset);
}

//! Property tests: round-trips through both bindings, no panics on any input,
//! and the laws of name comparison.

use proptest::prelude::*;
use proptest::sample::select;
use yata_cpe::{Cpe, Relation};

/// One character of a value, as the formatted string writes it.
fn literal() -> impl Strategy<Value = &'static str> {
    select(vec![
        "a", "B", "z", "0", "9", "_", ".", "-", "\\!", "\\:", "\\\\", "\\*", "\\?", "\\~", "\\%",
        "\\$", "\\/", "\\\"",
    ])
}

/// A valid string value, wildcards at its ends or not.
fn string_value() -> impl Strategy<Value = String> {
    let run = || select(vec!["", "", "", "*", "?", "??"]);
    (run(), prop::collection::vec(literal(), 1..6), run()).prop_map(|(lead, body, trail)| {
        let mut body = body.concat();
        if lead.is_empty() && body == "-" {
            body.push('x'); // a lone hyphen is NA, not a string
        }
        format!("{lead}{body}{trail}")
    })
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just("*".to_owned()),
        1 => Just("-".to_owned()),
        4 => string_value(),
    ]
}

/// A valid formatted string.
fn name() -> impl Strategy<Value = String> {
    (
        select(vec!["a", "o", "h", "*"]),
        prop::collection::vec(value(), 10),
    )
        .prop_map(|(part, values)| format!("cpe:2.3:{part}:{}", values.join(":")))
}

/// A wildcard-free name over a tiny alphabet, so that comparisons of two
/// random names hit every relation.
fn plain_name() -> impl Strategy<Value = Cpe> {
    (
        select(vec!["a", "o"]),
        prop::collection::vec(select(vec!["*", "-", "x", "X", "y"]), 10),
    )
        .prop_map(|(part, values)| {
            Cpe::parse(&format!("cpe:2.3:{part}:{}", values.join(":"))).unwrap()
        })
}

fn check_round_trip(cpe: &Cpe) {
    assert_eq!(&Cpe::parse(&cpe.to_fs()).unwrap(), cpe);
    let uri = cpe.to_uri();
    let back = Cpe::parse(&uri).unwrap_or_else(|e| panic!("{cpe} -> {uri}: {e}"));
    assert_eq!(back, cpe.to_lowercase(), "{cpe} -> {uri}");
    assert_eq!(back.has_wildcards(), cpe.has_wildcards());
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn valid_names_round_trip(fs in name()) {
        let cpe = Cpe::parse(&fs).unwrap_or_else(|e| panic!("{fs}: {e}"));
        check_round_trip(&cpe);
        let expect = if cpe.has_wildcards() {
            Relation::Undefined
        } else {
            Relation::Equal
        };
        prop_assert_eq!(cpe.compare(&cpe), expect);
    }

    #[test]
    fn any_string_never_panics(s in any::<String>()) {
        if let Ok(cpe) = Cpe::parse(&s) {
            check_round_trip(&cpe);
        }
    }

    #[test]
    fn fs_like_strings_never_panic(s in "[a-zA-Z0-9*?\\\\:._~%!é -]{0,40}") {
        if let Ok(cpe) = Cpe::parse(&format!("cpe:2.3:{s}")) {
            check_round_trip(&cpe);
            let _ = cpe.compare(&cpe);
        }
    }

    #[test]
    fn uri_like_strings_never_panic(s in "[a-zA-Z0-9*?:._~%!é -]{0,40}|([aoh]:[a-z%0-9~]{0,8}){1,9}") {
        if let Ok(cpe) = Cpe::parse(&format!("cpe:/{s}")) {
            check_round_trip(&cpe);
            let _ = cpe.compare(&cpe);
        }
    }

    #[test]
    fn comparing_never_panics(a in name(), b in name()) {
        let (a, b) = (Cpe::parse(&a).unwrap(), Cpe::parse(&b).unwrap());
        let r = a.compare(&b);
        // Wildcards only in the source never make the result undefined.
        if !b.has_wildcards() {
            prop_assert_ne!(r, Relation::Undefined);
        }
        prop_assert_eq!(r, a.to_lowercase().compare(&b.to_ascii_case_swapped()));
    }

    #[test]
    fn comparison_laws(a in plain_name(), b in plain_name(), c in plain_name()) {
        let ab = a.compare(&b);
        // Equal iff equal the other way; SUBSET and SUPERSET swap.
        prop_assert_eq!(ab == Relation::Equal, b.compare(&a) == Relation::Equal);
        prop_assert_eq!(b.compare(&a), ab.reverse());
        prop_assert_eq!(a.compare(&a), Relation::Equal);
        prop_assert_ne!(ab, Relation::Undefined);
        // Equal names are equal ignoring case only.
        if ab == Relation::Equal {
            prop_assert_eq!(a.to_lowercase(), b.to_lowercase());
        }
        // SUPERSET (or EQUAL) is transitive.
        if a.is_superset(&b) && b.is_superset(&c) {
            prop_assert!(a.is_superset(&c), "{a} ⊇ {b} ⊇ {c}");
        }
        if a.is_disjoint(&b) {
            prop_assert!(b.is_disjoint(&a));
        }
    }
}

/// Case-swapping helper for the case-insensitivity property.
trait SwapCase {
    fn to_ascii_case_swapped(&self) -> Cpe;
}

impl SwapCase for Cpe {
    fn to_ascii_case_swapped(&self) -> Cpe {
        let swapped: String = self
            .as_fs()
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        // The prefix and part are fixed lower case.
        let (prefix, rest) = swapped.split_at(10);
        Cpe::parse(&format!("{}{rest}", prefix.to_ascii_lowercase())).unwrap()
    }
}

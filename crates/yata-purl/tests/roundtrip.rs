//! Property tests: printing then parsing gives the same PURL back, the
//! canonical form is a fixed point, and parsing never panics.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use yata_purl::Purl;

const TYPES: &[&str] = &[
    "npm",
    "maven",
    "pypi",
    "git",
    "github",
    "golang",
    "deb",
    "rpm",
    "generic",
    "cpan",
    "swift",
    "mlflow",
    "huggingface",
    "brew",
    "composer",
    "cargo",
    "vscode-extension",
    "docker",
];

fn ty() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(TYPES).prop_map(str::to_owned),
        "[a-zA-Z][a-zA-Z0-9.+-]{0,8}",
    ]
}

/// Text with the characters that matter to PURL syntax, plus any Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9@/:?#&=%+ ._~-]{0,10}",
        any::<String>().prop_map(|s| s.chars().take(10).collect()),
    ]
}

fn segments() -> impl Strategy<Value = String> {
    vec(text(), 0..4).prop_map(|s| s.join("/"))
}

proptest! {
    #[test]
    fn build_print_parse(
        ty in ty(),
        namespace in prop::option::of(segments()),
        name in text(),
        version in prop::option::of(text()),
        qualifiers in btree_map("[a-z][a-z0-9._-]{0,6}", text(), 0..4),
        subpath in prop::option::of(segments()),
    ) {
        let mut b = Purl::builder(&ty, &name);
        if let Some(ns) = &namespace { b = b.namespace(ns); }
        if let Some(v) = &version { b = b.version(v); }
        for (k, v) in &qualifiers { b = b.qualifier(k, v); }
        if let Some(s) = &subpath { b = b.subpath(s); }
        // Type rules reject some combinations (a namespace where none is
        // allowed, ...): those must fail cleanly, the rest round-trip.
        if let Ok(purl) = b.build() {
            let printed = purl.to_string();
            let parsed: Purl = printed.parse().unwrap_or_else(|e| panic!("{printed}: {e}"));
            prop_assert_eq!(&parsed, &purl);
            prop_assert_eq!(parsed.to_string(), printed);
        }
    }

    #[test]
    fn parse_never_panics(input in prop_oneof![
        any::<String>(),
        "pkg:[a-zA-Z0-9@/:?#&=%+ ._~-]{0,30}",
        "pkg:(npm|git|pypi|maven)/[a-zA-Z0-9@/:?#&=%+ ._~-]{0,30}",
    ]) {
        for purl in [input.parse::<Purl>(), Purl::parse_lenient(&input)].into_iter().flatten() {
            let printed = purl.to_string();
            let again: Purl = printed.parse().unwrap_or_else(|e| panic!("{input:?} -> {printed}: {e}"));
            prop_assert_eq!(&again, &purl);
            prop_assert_eq!(again.to_string(), printed);
        }
    }
}

//! Generated valid vectors, metrics in any order: they parse, `Display`
//! prints them in specification order and parses back to the same value,
//! every metric reads back as written, and scores stay within 0–10.

use proptest::prelude::*;
use yata_cvss::{Cvss, Group, Metric, v2, v3, v4};

/// A vector of `metrics` in random order, with every base metric and any
/// others, as `(text, [(metric, value)])`.
fn vector(
    prefix: &'static str,
    metrics: &'static [Metric],
) -> impl Strategy<Value = (String, Vec<(&'static str, &'static str)>)> {
    let parts: Vec<BoxedStrategy<Option<(&'static str, &'static str)>>> = metrics
        .iter()
        .map(|m| {
            let name = m.name();
            let pick = proptest::sample::select(m.values()).prop_map(move |v| (name, v));
            if m.group() == Group::Base {
                pick.prop_map(Some).boxed()
            } else {
                proptest::option::of(pick).boxed()
            }
        })
        .collect();
    parts
        .prop_flat_map(|parts| Just(parts.into_iter().flatten().collect::<Vec<_>>()).prop_shuffle())
        .prop_map(move |parts| {
            let body: Vec<String> = parts.iter().map(|(m, v)| format!("{m}:{v}")).collect();
            (format!("{prefix}{}", body.join("/")), parts)
        })
}

fn any_vector() -> impl Strategy<Value = (String, Vec<(&'static str, &'static str)>)> {
    prop_oneof![
        vector("", v2::metrics()),
        vector("CVSS:3.0/", v3::metrics()),
        vector("CVSS:3.1/", v3::metrics()),
        vector("CVSS:4.0/", v4::metrics()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn round_trip((text, parts) in any_vector()) {
        let v: Cvss = text.parse().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        let shown = v.to_string();
        let again = shown.parse::<Cvss>();
        prop_assert_eq!(again.as_ref(), Ok(&v));
        prop_assert_eq!(again.unwrap().to_string(), shown.clone());
        for (m, value) in &parts {
            prop_assert_eq!(v.metric(m), Some(*value), "{}", m);
        }
        let s = v.scores();
        for x in [Some(s.base), s.temporal, s.environmental].into_iter().flatten() {
            prop_assert!((0.0..=10.0).contains(&x), "{}: {}", text, x);
            prop_assert_eq!((x * 10.0).round() / 10.0, x);
        }
    }
}

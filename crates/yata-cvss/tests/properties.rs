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

/// Every v2 base vector under every combination of security requirements,
/// with and without collateral damage: the environmental score stays within
/// 0–10. Found by `round_trip`: `AR:L` on a partial-availability-only vector
/// drove the adjusted base below zero.
#[test]
fn v2_environmental_never_negative() {
    let values = |name: &str| {
        v2::metrics()
            .iter()
            .find(|m| m.name() == name)
            .map(|m| m.values().to_vec())
            .unwrap()
    };
    let base: Vec<Vec<String>> = ["AV", "AC", "Au", "C", "I", "A"]
        .iter()
        .map(|m| values(m).iter().map(|v| format!("{m}:{v}")).collect())
        .collect();
    let mut vectors = vec![String::new()];
    for choices in &base {
        vectors = vectors
            .iter()
            .flat_map(|prefix| {
                choices.iter().map(move |c| {
                    if prefix.is_empty() {
                        c.clone()
                    } else {
                        format!("{prefix}/{c}")
                    }
                })
            })
            .collect();
    }
    assert_eq!(vectors.len(), 729);
    let requirements = ["L", "M", "H"];
    let mut checked = 0;
    for vector in &vectors {
        for cr in requirements {
            for ir in requirements {
                for ar in requirements {
                    for cdp in ["N", "H"] {
                        let text =
                            format!("{vector}/E:U/RL:OF/RC:UC/CDP:{cdp}/CR:{cr}/IR:{ir}/AR:{ar}");
                        let env = text
                            .parse::<Cvss>()
                            .unwrap()
                            .scores()
                            .environmental
                            .unwrap();
                        assert!((0.0..=10.0).contains(&env), "{text}: {env}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 729 * 27 * 2);
    // The vector proptest found: the adjusted base stops at 0, so the score
    // is collateral damage alone.
    let found = |extra: &str| {
        format!("AV:L/AC:H/Au:M/C:N/I:N/A:P/AR:L{extra}")
            .parse::<Cvss>()
            .unwrap()
            .scores()
            .environmental
    };
    assert_eq!(found(""), Some(0.0));
    assert_eq!(found("/CDP:H"), Some(5.0));
    assert_eq!(found("/CDP:H/TD:M"), Some(3.8));
}

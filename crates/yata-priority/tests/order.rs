//! `cmp_work` is a total order (property tests) and sorts as documented.

use std::cmp::Ordering;

use proptest::prelude::*;
use yata_priority::{
    CoordinatorDecision, Decisions, DeployerPriority, Timeline, WorkKey, cmp_work,
};

fn decisions(t: Timeline, d: DeployerPriority, c: CoordinatorDecision) -> Decisions {
    Decisions {
        bod_26_04: t,
        deployer: d,
        coordinator: c,
        forensics: t == Timeline::Days3Forensic,
    }
}

fn score() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(f64::NAN)),
        Just(Some(-0.0)),
        Just(Some(0.0)),
        Just(Some(1.0)),
        (0.0..=10.0f64).prop_map(Some),
    ]
}

fn key() -> impl Strategy<Value = WorkKey> {
    (
        prop_oneof![Just(None), (0u32..4).prop_map(Some)],
        prop::sample::select(Timeline::ALL),
        prop::sample::select(DeployerPriority::ALL),
        prop::sample::select(CoordinatorDecision::ALL),
        score(),
        score(),
        prop::sample::select(&["CVE-1", "CVE-2", "GHSA-x"][..]),
    )
        .prop_map(|(deadline_days, t, d, c, epss, cvss, id)| WorkKey {
            deadline_days,
            decisions: decisions(t, d, c),
            epss,
            cvss,
            id: id.to_owned(),
        })
}

proptest! {
    #[test]
    fn total_order(a in key(), b in key(), c in key()) {
        // Reflexive, antisymmetric, transitive; Eq agrees with Ord.
        prop_assert_eq!(cmp_work(&a, &a), Ordering::Equal);
        prop_assert_eq!(cmp_work(&a, &b), cmp_work(&b, &a).reverse());
        prop_assert_eq!(a == b, cmp_work(&a, &b) == Ordering::Equal);
        if cmp_work(&a, &b) != Ordering::Greater && cmp_work(&b, &c) != Ordering::Greater {
            prop_assert_ne!(cmp_work(&a, &c), Ordering::Greater);
        }
    }
}

fn work(
    deadline: Option<u32>,
    t: Timeline,
    epss: Option<f64>,
    cvss: Option<f64>,
    id: &str,
) -> WorkKey {
    WorkKey {
        deadline_days: deadline,
        decisions: decisions(t, DeployerPriority::Scheduled, CoordinatorDecision::Track),
        epss,
        cvss,
        id: id.to_owned(),
    }
}

#[test]
fn sorts_as_documented() {
    use Timeline::*;
    let mut list = [
        work(None, FixOnSystemUpgrade, Some(0.9), Some(9.8), "CVE-9"),
        work(Some(14), Days14, None, Some(5.0), "CVE-8"),
        work(Some(14), Days14, Some(f64::NAN), Some(9.0), "CVE-7"),
        work(Some(14), Days14, Some(0.2), None, "CVE-6"),
        work(Some(14), Days14, Some(0.2), Some(7.5), "CVE-5"),
        work(Some(3), Days3, Some(0.1), Some(5.0), "CVE-4"),
        work(Some(3), Days3Forensic, Some(0.1), Some(5.0), "CVE-3"),
        work(Some(14), Days14, Some(0.2), Some(7.5), "CVE-2"),
    ];
    list.sort_by(cmp_work);
    let ids: Vec<_> = list.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "CVE-3", "CVE-4", "CVE-2", "CVE-5", "CVE-6", "CVE-7", "CVE-8", "CVE-9"
        ]
    );
}

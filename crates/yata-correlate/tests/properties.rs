//! `related`, `clusters`, `cluster_of` and first/last seen against brute
//! force over every pair of reports, after random upserts and removals.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use yata_correlate::{Benign, ClusterQuery, Config, Correlator, ReportId, Sighting};
use yata_indicator::Kind;

const COMMON_LIMIT: usize = 4;

/// Value `n` as a domain; values 0 and 1 are on the benign list.
fn value(n: u8) -> String {
    format!("v{n}.example")
}

fn benign() -> Benign {
    Benign::parse("v0.example\n*.v1.example\n").unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    Upsert(ReportId, u32, Vec<(u8, i64, i64)>),
    Remove(ReportId),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u64..12, 0u32..4, prop::collection::vec((0u8..14, 0i64..10, 0i64..10), 0..5))
            .prop_map(|(r, g, v)| Op::Upsert(r, g, v)),
        1 => (0u64..12).prop_map(Op::Remove),
    ]
}

/// What brute force sees: report → (group, distinct values).
type Model = BTreeMap<ReportId, (u32, BTreeSet<u8>)>;
/// And when: (report, value) → [first, last].
type Seen = BTreeMap<(ReportId, u8), [i64; 2]>;

fn links(model: &Model, v: u8) -> bool {
    v > 1 && model.values().filter(|(_, vs)| vs.contains(&v)).count() <= COMMON_LIMIT
}

fn shared(model: &Model, a: ReportId, b: ReportId) -> Vec<String> {
    let mut values: Vec<String> = model[&a]
        .1
        .intersection(&model[&b].1)
        .filter(|&&v| links(model, v))
        .map(|&v| value(v))
        .collect();
    values.sort();
    values
}

/// Connected components of visible reports by pairwise sharing.
fn components(model: &Model, visible: &dyn Fn(ReportId) -> bool) -> Vec<BTreeSet<ReportId>> {
    let ids: Vec<ReportId> = model.keys().copied().filter(|&r| visible(r)).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for &start in &ids {
        if !seen.insert(start) {
            continue;
        }
        let mut component = BTreeSet::from([start]);
        let mut stack = vec![start];
        while let Some(a) = stack.pop() {
            for &b in &ids {
                if !seen.contains(&b) && !shared(model, a, b).is_empty() {
                    seen.insert(b);
                    component.insert(b);
                    stack.push(b);
                }
            }
        }
        out.push(component);
    }
    out
}

fn apply(index: &mut Correlator, model: &mut Model, seen: &mut Seen, op: &Op) {
    match op {
        Op::Upsert(r, g, vs) => {
            let texts: Vec<String> = vs.iter().map(|&(v, ..)| value(v)).collect();
            index
                .upsert(
                    *r,
                    *g,
                    texts.iter().zip(vs).map(|(t, &(_, a, b))| Sighting {
                        kind: Kind::Domain,
                        value: t,
                        first_seen: a,
                        last_seen: b,
                    }),
                )
                .unwrap();
            model.insert(*r, (*g, vs.iter().map(|v| v.0).collect()));
            seen.retain(|k, _| k.0 != *r);
            for &(v, a, b) in vs {
                let e = seen.entry((*r, v)).or_insert([i64::MAX, i64::MIN]);
                *e = [e[0].min(a.min(b)), e[1].max(a.max(b))];
            }
        }
        Op::Remove(r) => {
            assert_eq!(index.remove(*r), model.remove(r).is_some());
            seen.retain(|k, _| k.0 != *r);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn the_index_agrees_with_brute_force(ops in prop::collection::vec(op(), 0..40), hidden in 0u64..13) {
        let mut index = Correlator::new(Config { benign: benign(), common_limit: COMMON_LIMIT });
        let mut model = Model::new();
        let mut seen = Seen::new();
        for op in &ops {
            apply(&mut index, &mut model, &mut seen, op);
        }
        let visible = |r: ReportId| r != hidden;

        // Counts.
        prop_assert_eq!(index.len(), model.len());
        let distinct: BTreeSet<u8> = model.values().flat_map(|(_, vs)| vs.iter().copied()).collect();
        prop_assert_eq!(index.indicator_count(), distinct.len());
        prop_assert_eq!(index.posting_count(), model.values().map(|(_, vs)| vs.len()).sum::<usize>());
        for v in 0..14u8 {
            let carriers: Vec<ReportId> =
                model.iter().filter(|(_, (_, vs))| vs.contains(&v)).map(|(r, _)| *r).collect();
            prop_assert_eq!(index.reports_with(Kind::Domain, &value(v)), carriers);
            let expect = seen
                .iter()
                .filter(|(k, _)| k.1 == v)
                .fold(None, |acc: Option<(usize, i64, i64)>, (_, s)| {
                    let (n, a, b) = acc.unwrap_or((0, i64::MAX, i64::MIN));
                    Some((n + 1, a.min(s[0]), b.max(s[1])))
                });
            let got = index
                .indicator(Kind::Domain, &value(v))
                .map(|s| (s.reports, s.first_seen, s.last_seen));
            prop_assert_eq!(got, expect);
        }

        // related: every visible other report sharing a linking value.
        for &r in model.keys() {
            let mut expect: Vec<(usize, ReportId, Vec<String>)> = model
                .keys()
                .filter(|&&o| o != r && visible(o))
                .map(|&o| (shared(&model, r, o), o))
                .filter(|(s, _)| !s.is_empty())
                .map(|(s, o)| (s.len(), o, s))
                .collect();
            expect.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let got: Vec<(usize, ReportId, Vec<String>)> = index
                .related(r, visible, usize::MAX)
                .into_iter()
                .map(|x| (x.shared.len(), x.report, x.shared.iter().map(|i| i.value.to_owned()).collect()))
                .collect();
            prop_assert_eq!(got, expect);
        }

        // clusters, with singletons, against brute-force components.
        let query = ClusterQuery { min_size: 1, min_groups: 1, max_indicators: usize::MAX };
        let clusters = index.clusters(&query, visible);
        let got: BTreeSet<BTreeSet<ReportId>> =
            clusters.iter().map(|c| c.reports.iter().copied().collect()).collect();
        let expect: BTreeSet<BTreeSet<ReportId>> = components(&model, &visible).into_iter().collect();
        prop_assert_eq!(&got, &expect);
        for c in &clusters {
            let groups: BTreeSet<u32> = c.reports.iter().map(|r| model[r].0).collect();
            prop_assert_eq!(c.groups.iter().copied().collect::<BTreeSet<_>>(), groups);
            // Linking indicators: carried by two or more of its reports.
            let mut links: Vec<(String, usize)> = (0..14u8)
                .filter(|&v| links(&model, v))
                .map(|v| (value(v), c.reports.iter().filter(|r| model[r].1.contains(&v)).count()))
                .filter(|(_, n)| *n >= 2)
                .collect();
            links.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let got: Vec<(String, usize)> =
                c.indicators.iter().map(|l| (l.indicator.value.to_owned(), l.reports)).collect();
            prop_assert_eq!(c.indicator_count, links.len());
            prop_assert_eq!(got, links);
            // cluster_of any member is the same cluster.
            for &r in &c.reports {
                let of = index.cluster_of(r, usize::MAX, visible);
                prop_assert_eq!(of.as_ref(), Some(c));
            }
        }
        // Ordered: largest first.
        prop_assert!(clusters.windows(2).all(|w| w[0].reports.len() >= w[1].reports.len()));

        // The same state built afresh answers the same.
        let mut fresh = Correlator::new(Config { benign: benign(), common_limit: COMMON_LIMIT });
        let (mut fresh_model, mut fresh_seen) = (Model::new(), Seen::new());
        for (r, (g, vs)) in &model {
            let vs = vs.iter().map(|&v| (v, seen[&(*r, v)][0], seen[&(*r, v)][1])).collect();
            apply(&mut fresh, &mut fresh_model, &mut fresh_seen, &Op::Upsert(*r, *g, vs));
        }
        prop_assert_eq!(fresh.clusters(&query, visible), clusters);
    }
}

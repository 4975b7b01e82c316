//! The index through its public API: `related`, `clusters`, `cluster_of`,
//! upserts and removals, first and last seen, the benign list.

use yata_correlate::{
    Benign, ClusterQuery, Config, Correlator, Error, IndicatorRef, ReportId, Sighting,
};
use yata_indicator::{Indicator, Kind};

/// A report: id, group, indicators as written (parsed and normalised here).
type Spec<'a> = (ReportId, u32, &'a [&'a str]);

fn parsed(values: &[&str]) -> Vec<Indicator> {
    values
        .iter()
        .map(|v| Indicator::parse(v).unwrap())
        .collect()
}

fn index_with(config: Config, reports: &[Spec<'_>]) -> Correlator {
    let mut index = Correlator::new(config);
    for &(id, group, values) in reports {
        let indicators = parsed(values);
        index
            .upsert(id, group, indicators.iter().map(|i| Sighting::new(i, 0, 0)))
            .unwrap();
    }
    index
}

fn no_benign() -> Config {
    Config {
        benign: Benign::none(),
        common_limit: 10_000,
    }
}

/// `related(ask)` with every report visible, as `id: value value…` lines.
fn check_related(index: &Correlator, ask: ReportId, expect: &[&str]) {
    check_related_visible(index, ask, |_| true, expect);
}

fn check_related_visible(
    index: &Correlator,
    ask: ReportId,
    visible: impl Fn(ReportId) -> bool,
    expect: &[&str],
) {
    let got: Vec<String> = index
        .related(ask, visible, 100)
        .iter()
        .map(|r| {
            let shared: Vec<&str> = r.shared.iter().map(|i| i.value).collect();
            format!("{}: {}", r.report, shared.join(" "))
        })
        .collect();
    assert_eq!(got, expect, "related({ask})");
}

/// `clusters(query)` as `reports | groups | indicators (count)` lines.
fn check_clusters(index: &Correlator, query: ClusterQuery, expect: &[&str]) {
    let got: Vec<String> = index
        .clusters(&query, |_| true)
        .iter()
        .map(|c| {
            let links: Vec<String> = c
                .indicators
                .iter()
                .map(|l| format!("{}×{}", l.indicator.value, l.reports))
                .collect();
            format!(
                "{:?} | {:?} | {} ({})",
                c.reports,
                c.groups,
                links.join(" "),
                c.indicator_count
            )
        })
        .collect();
    assert_eq!(got, expect);
}

#[test]
fn related_orders_by_shared_count_then_id() {
    let index = index_with(
        no_benign(),
        &[
            (1, 0, &["evil.example", "10.9.8.7", "cve-2024-3400"]),
            (2, 1, &["evil.example"]),
            (3, 2, &["evil.example", "10.9.8.7"]),
            (4, 3, &["10.9.8.7", "evil.example", "CVE-2024-3400"]),
            (5, 4, &["other.example"]),
        ],
    );
    check_related(
        &index,
        1,
        &[
            "4: 10.9.8.7 evil.example CVE-2024-3400",
            "3: 10.9.8.7 evil.example",
            "2: evil.example",
        ],
    );
    check_related(&index, 5, &[]);
    check_related(&index, 99, &[]);
    let limited = index.related(1, |_| true, 2);
    assert_eq!(limited.iter().map(|r| r.report).collect::<Vec<_>>(), [4, 3]);
    assert_eq!(limited[0].group, 3);
}

#[test]
fn related_returns_only_visible_reports() {
    let index = index_with(
        no_benign(),
        &[
            (1, 0, &["evil.example", "1.2.3.4"]),
            (2, 1, &["evil.example", "1.2.3.4"]),
            (3, 2, &["evil.example"]),
        ],
    );
    check_related_visible(&index, 1, |r| r != 2, &["3: evil.example"]);
}

#[test]
fn benign_values_never_link() {
    let benign = Benign::parse("*.windowsupdate.com\n8.8.8.8\n192.168.0.0/16\n").unwrap();
    let index = index_with(
        Config {
            benign,
            common_limit: 10_000,
        },
        &[
            (
                1,
                0,
                &[
                    "8.8.8.8",
                    "dl.windowsupdate.com",
                    "192.168.1.10",
                    "evil.example",
                ],
            ),
            (2, 1, &["8.8.8.8", "dl.windowsupdate.com", "192.168.1.10"]),
            (3, 2, &["evil.example", "8.8.8.8"]),
        ],
    );
    check_related(&index, 1, &["3: evil.example"]);
    check_related(&index, 2, &[]);
    // Still indexed and counted.
    let stats = index.indicator(Kind::Ipv4, "8.8.8.8").unwrap();
    assert_eq!((stats.reports, stats.benign), (3, true));
}

#[test]
fn the_built_in_list_covers_resolvers_and_private_addresses() {
    let index = index_with(
        Config::default(),
        &[
            (
                1,
                0,
                &[
                    "1.1.1.1",
                    "10.0.0.5",
                    "time.windows.microsoft.com",
                    "evil.example",
                ],
            ),
            (2, 1, &["1.1.1.1", "10.0.0.5", "time.windows.microsoft.com"]),
            (3, 1, &["evil.example"]),
        ],
    );
    check_related(&index, 1, &["3: evil.example"]);
}

#[test]
fn common_values_stop_linking_above_the_limit() {
    let config = Config {
        benign: Benign::none(),
        common_limit: 3,
    };
    let mut index = index_with(
        config,
        &[
            (1, 0, &["popular.example", "rare.example"]),
            (2, 1, &["popular.example", "rare.example"]),
            (3, 2, &["popular.example"]),
        ],
    );
    check_related(
        &index,
        1,
        &["2: popular.example rare.example", "3: popular.example"],
    );
    let fourth = parsed(&["popular.example"]);
    index
        .upsert(4, 3, fourth.iter().map(|i| Sighting::new(i, 0, 0)))
        .unwrap();
    check_related(&index, 1, &["2: rare.example"]);
    assert!(
        index
            .indicator(Kind::Domain, "popular.example")
            .unwrap()
            .common
    );
    check_clusters(
        &index,
        ClusterQuery::default(),
        &["[1, 2] | [0, 1] | rare.example×2 (1)"],
    );
    // Back under the limit, it links again.
    index.remove(4);
    check_related(
        &index,
        1,
        &["2: popular.example rare.example", "3: popular.example"],
    );
}

#[test]
fn clusters_are_transitive() {
    // 1 and 3 share nothing; 2 joins them. 4–5 are another cluster; 6 alone.
    let index = index_with(
        no_benign(),
        &[
            (1, 0, &["a.example", "x.example"]),
            (2, 1, &["a.example", "b.example"]),
            (3, 0, &["b.example"]),
            (4, 2, &["c.example", "d.example"]),
            (5, 2, &["d.example", "c.example"]),
            (6, 3, &["a-lone.example"]),
        ],
    );
    check_clusters(
        &index,
        ClusterQuery::default(),
        &[
            "[1, 2, 3] | [0, 1] | a.example×2 b.example×2 (2)",
            "[4, 5] | [2] | c.example×2 d.example×2 (2)",
        ],
    );
    check_clusters(
        &index,
        ClusterQuery {
            min_groups: 2,
            ..ClusterQuery::default()
        },
        &["[1, 2, 3] | [0, 1] | a.example×2 b.example×2 (2)"],
    );
    check_clusters(
        &index,
        ClusterQuery {
            min_size: 3,
            max_indicators: 1,
            ..ClusterQuery::default()
        },
        &["[1, 2, 3] | [0, 1] | a.example×2 (2)"],
    );
    let with_singles = index.clusters(
        &ClusterQuery {
            min_size: 1,
            ..ClusterQuery::default()
        },
        |_| true,
    );
    assert_eq!(with_singles.len(), 3);
    assert_eq!(with_singles[2].reports, [6]);

    let of_3 = index.cluster_of(3, 20, |_| true).unwrap();
    assert_eq!(of_3, index.clusters(&ClusterQuery::default(), |_| true)[0]);
    assert_eq!(index.cluster_of(6, 20, |_| true).unwrap().reports, [6]);
    assert_eq!(index.cluster_of(7, 20, |_| true), None);
}

#[test]
fn invisible_reports_neither_appear_in_nor_join_clusters() {
    let index = index_with(
        no_benign(),
        &[
            (1, 0, &["a.example"]),
            (2, 1, &["a.example", "b.example"]),
            (3, 2, &["b.example"]),
            (4, 2, &["b.example"]),
        ],
    );
    let visible = |r: ReportId| r != 2;
    let clusters = index.clusters(&ClusterQuery::default(), visible);
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].reports, [3, 4]);
    assert_eq!(index.cluster_of(1, 20, visible).unwrap().reports, [1]);
    assert_eq!(index.cluster_of(2, 20, visible), None);
}

#[test]
fn upsert_replaces_a_reports_indicators() {
    let mut index = index_with(
        no_benign(),
        &[
            (1, 0, &["a.example", "b.example"]),
            (2, 1, &["a.example"]),
            (3, 2, &["b.example"]),
        ],
    );
    assert_eq!(index.posting_count(), 4);
    let now = parsed(&["b.example", "c.example"]);
    index
        .upsert(2, 1, now.iter().map(|i| Sighting::new(i, 0, 0)))
        .unwrap();
    check_related(&index, 1, &["2: b.example", "3: b.example"]);
    assert_eq!(index.reports_with(Kind::Domain, "a.example"), [1]);
    assert_eq!(index.reports_with(Kind::Domain, "b.example"), [1, 2, 3]);
    assert_eq!(index.reports_with(Kind::Domain, "c.example"), [2]);
    assert_eq!(
        (index.len(), index.indicator_count(), index.posting_count()),
        (3, 3, 5)
    );
    // Emptied: the report stays, linked to nothing; its values are freed.
    index.upsert(1, 0, []).unwrap();
    check_related(&index, 1, &[]);
    assert_eq!(
        index.reports_with(Kind::Domain, "a.example"),
        Vec::<ReportId>::new()
    );
    assert_eq!(index.indicator(Kind::Domain, "a.example"), None);
    assert_eq!(
        (index.len(), index.indicator_count(), index.posting_count()),
        (3, 2, 3)
    );
}

#[test]
fn remove_deletes_a_report_and_its_links() {
    let mut index = index_with(
        no_benign(),
        &[
            (1, 0, &["a.example", "only-1.example"]),
            (2, 1, &["a.example"]),
            (3, 2, &["a.example"]),
        ],
    );
    assert!(index.remove(1));
    assert!(!index.remove(1));
    assert!(!index.contains(1));
    check_related(&index, 2, &["3: a.example"]);
    check_related(&index, 1, &[]);
    assert_eq!(index.indicator(Kind::Domain, "only-1.example"), None);
    assert_eq!(
        (index.len(), index.indicator_count(), index.posting_count()),
        (2, 1, 2)
    );
    // The freed slot and value ids are reused.
    let again = parsed(&["only-1.example", "a.example"]);
    index
        .upsert(7, 0, again.iter().map(|i| Sighting::new(i, 0, 0)))
        .unwrap();
    check_related(&index, 7, &["2: a.example", "3: a.example"]);
    assert_eq!(index.reports_with(Kind::Domain, "only-1.example"), [7]);
}

#[test]
fn first_and_last_seen_follow_the_reports() {
    let evil = Indicator::parse("evil[.]example").unwrap();
    let mut index = Correlator::new(no_benign());
    index
        .upsert(1, 0, [Sighting::new(&evil, 100, 200)])
        .unwrap();
    index.upsert(2, 0, [Sighting::new(&evil, 50, 150)]).unwrap();
    // Given backwards: swapped. The same value twice: one, widened.
    index
        .upsert(
            3,
            0,
            [
                Sighting::new(&evil, 400, 300),
                Sighting::new(&evil, 250, 260),
            ],
        )
        .unwrap();
    let stats = |index: &Correlator| {
        let s = index.indicator(Kind::Domain, "evil.example").unwrap();
        (s.reports, s.first_seen, s.last_seen)
    };
    assert_eq!(stats(&index), (3, 50, 400));
    index.remove(2);
    assert_eq!(stats(&index), (2, 100, 400));
    index
        .upsert(3, 0, [Sighting::new(&evil, 120, 130)])
        .unwrap();
    assert_eq!(stats(&index), (2, 100, 200));
    assert_eq!(index.posting_count(), 2);
}

#[test]
fn kinds_are_part_of_the_key() {
    let mut index = Correlator::new(no_benign());
    let value = "d41d8cd98f00b204e9800998ecf8427e";
    let s = |kind| Sighting {
        kind,
        value,
        first_seen: 0,
        last_seen: 0,
    };
    index.upsert(1, 0, [s(Kind::Md5)]).unwrap();
    index.upsert(2, 0, [s(Kind::Domain)]).unwrap();
    assert!(index.related(1, |_| true, 10).is_empty());
    assert_eq!(index.indicator_count(), 2);
    index.upsert(3, 0, [s(Kind::Md5)]).unwrap();
    let related = index.related(1, |_| true, 10);
    assert_eq!(
        related[0].shared,
        [IndicatorRef {
            kind: Kind::Md5,
            value
        }]
    );
}

#[test]
fn bad_values_are_refused_and_change_nothing() {
    let mut index = Correlator::new(no_benign());
    let ok = Sighting {
        kind: Kind::Domain,
        value: "a.example",
        first_seen: 0,
        last_seen: 0,
    };
    let long = "a".repeat(yata_correlate::MAX_VALUE_LEN + 1);
    let err = index
        .upsert(5, 0, [ok, Sighting { value: &long, ..ok }])
        .unwrap_err();
    assert_eq!(
        err,
        Error::ValueTooLong {
            report: 5,
            index: 1
        }
    );
    assert_eq!(
        err.to_string(),
        "report 5: indicators[1]: value longer than 8192 bytes"
    );
    let err = index
        .upsert(5, 0, [Sighting { value: "", ..ok }])
        .unwrap_err();
    assert_eq!(err.to_string(), "report 5: indicators[0]: empty value");
    assert!(index.is_empty());
    assert_eq!(index.indicator_count(), 0);
}

#[test]
fn the_arena_is_compacted_under_churn() {
    let mut index = Correlator::new(no_benign());
    for round in 0..200u64 {
        let values: Vec<String> = (0..50).map(|i| format!("v{round}-{i}.example")).collect();
        index
            .upsert(
                1,
                0,
                values.iter().map(|v| Sighting {
                    kind: Kind::Domain,
                    value: v,
                    first_seen: 0,
                    last_seen: 0,
                }),
            )
            .unwrap();
        assert_eq!(index.indicator_count(), 50);
    }
    // 200 rounds of ~17 bytes × 50 values: far more than is kept.
    assert!(index.heap_bytes() < 32 * 1024, "{}", index.heap_bytes());
    assert_eq!(index.reports_with(Kind::Domain, "v199-7.example"), [1]);
    assert_eq!(
        index.reports_with(Kind::Domain, "v198-7.example"),
        Vec::<ReportId>::new()
    );
}

// The benign list.

fn check_benign(list: &str, benign: &[&str], not: &[&str]) {
    let list = Benign::parse(list).unwrap();
    for v in benign {
        let i = Indicator::parse(v).unwrap();
        assert!(list.contains(i.kind(), i.value()), "{v} should be benign");
    }
    for v in not {
        let i = Indicator::parse(v).unwrap();
        assert!(
            !list.contains(i.kind(), i.value()),
            "{v} should not be benign"
        );
    }
}

fn check_benign_error(list: &str, expect: &str) {
    assert_eq!(Benign::parse(list).unwrap_err().to_string(), expect);
}

#[test]
fn benign_suffixes_cover_the_domain_and_below_only() {
    check_benign(
        "# comment\n\n*.example.com   # trailing comment\nexact.example.org\n",
        &[
            "example.com",
            "www.example.com",
            "a.b.example.com",
            "EXACT.example.org",
        ],
        &[
            "badexample.com",
            "example.com.evil.net",
            "www.exact.example.org",
            "https://www.example.com/payload.exe",
            "someone@example.com",
        ],
    );
}

#[test]
fn benign_blocks_cover_addresses_and_smaller_blocks() {
    check_benign(
        "10.0.0.0/8\n8.8.8.8/32\n1.1.1.1\nfc00::/7\n2001:4860:4860::8888\n0.0.0.0/0\n",
        &[
            "10.1.2.3",
            "10.0.0.0/16",
            "8.8.8.8",
            "1.1.1.1",
            "fd12::1",
            "fc00::/8",
            "2001:4860:4860::8888",
            "203.0.113.9",
        ],
        &["2001:4860:4860::8844", "2001:db8::1", "fe80::/9"],
    );
    check_benign(
        "10.0.0.0/8\n8.8.8.8\n",
        &["10.255.0.1"],
        &["11.0.0.1", "8.8.8.0/24", "10.0.0.0/7", "8.8.4.4"],
    );
}

#[test]
fn benign_exact_values_of_other_kinds() {
    check_benign(
        "https://www.example.com/\nnoreply@example.com\nd41d8cd98f00b204e9800998ecf8427e\n",
        &[
            "hxxps://www[.]example[.]com",
            "NoReply@Example.com",
            "D41D8CD98F00B204E9800998ECF8427E",
        ],
        &[
            "https://www.example.com/x",
            "example.com",
            "other@example.com",
        ],
    );
}

#[test]
fn benign_list_errors_name_their_line() {
    check_benign_error(
        "8.8.8.8\n# fine\nnot a value\n",
        "benign list: line 3: \"not a value\": not an IP address, CIDR block, domain, URL, e-mail address, MD5/SHA-1/SHA-256/SHA-512 hash or CVE id",
    );
    check_benign_error(
        "ok.example\n*.com\n",
        "benign list: line 2: \"com\" is not a valid domain indicator: a single label is not a domain name",
    );
    check_benign_error(
        "\n\nwww.*.example.com\n",
        "benign list: line 3: \"www.*.example.com\": a wildcard is allowed only as a leading `*.` of a domain",
    );
}

#[test]
fn the_built_in_list_parses_and_says_what_it_covers() {
    let list = Benign::default();
    assert!(list.len() > 50);
    check_benign(
        yata_correlate::DEFAULT_LIST,
        &[
            "8.8.8.8",
            "9.9.9.9",
            "208.67.222.222",
            "2606:4700:4700::1111",
            "dns.google",
            "download.windowsupdate.com",
            "www.msftconnecttest.com",
            "e1234.a.akamaiedge.net",
            "amazonaws.com",
            "172.20.1.1",
        ],
        &[
            "evil-bucket.s3.amazonaws.com",
            "d111111abcdef8.cloudfront.net",
            "http://download.windowsupdate.com/evil.exe",
            "8.8.8.9",
        ],
    );
    assert!(Benign::none().is_empty());
}

//! Properties: the pattern parser never panics; the pattern generated for
//! any normalised indicator parses and gives the indicator back, alone and
//! through a whole exported bundle.

use std::net::{Ipv4Addr, Ipv6Addr};

use jiff::Timestamp;
use proptest::prelude::*;
use yata_indicator::{Indicator, Kind};
use yata_model::Tlp;
use yata_stix::{Bundle, Limits, Pattern, ReportExport, export, extract, pattern_for};

fn pattern_like() -> impl Strategy<Value = String> {
    // Pieces of the grammar, so that random strings get past the first
    // token often.
    let piece = prop_oneof![
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("ipv4-addr:value".to_owned()),
        Just("file:hashes.'SHA-256'".to_owned()),
        Just("a:b[*].c[-1]".to_owned()),
        Just(" = ".to_owned()),
        Just(" != ".to_owned()),
        Just(" <= ".to_owned()),
        Just(" IN ".to_owned()),
        Just(" NOT ".to_owned()),
        Just(" AND ".to_owned()),
        Just(" OR ".to_owned()),
        Just(" FOLLOWEDBY ".to_owned()),
        Just(" WITHIN 5 SECONDS".to_owned()),
        Just(" REPEATS 2 TIMES".to_owned()),
        Just(" START t'2024-01-01T00:00:00Z' STOP ".to_owned()),
        Just("t'2024-01-01T00:00:00.5Z'".to_owned()),
        Just("h'0a'".to_owned()),
        Just("b'AA=='".to_owned()),
        Just("EXISTS ".to_owned()),
        Just(",".to_owned()),
        Just("'x\\'y'".to_owned()),
        Just("'".to_owned()),
        Just("\\".to_owned()),
        Just("-1.5".to_owned()),
        Just("+07".to_owned()),
        Just("true".to_owned()),
        Just("/*".to_owned()),
        Just("//".to_owned()),
        "\\PC{0,3}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn the_pattern_parser_never_panics(text in "\\PC*", built in pattern_like()) {
        let _ = Pattern::parse(&text);
        if let Ok(p) = Pattern::parse(&built) {
            let _ = p.equalities();
        }
    }
}

fn indicator() -> impl Strategy<Value = Indicator> {
    let label = "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?";
    let domain = (prop::collection::vec(label, 1..4), "[a-z]{2,6}")
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")));
    prop_oneof![
        any::<u32>().prop_map(|a| Ipv4Addr::from(a).to_string()),
        any::<u128>().prop_map(|a| Ipv6Addr::from(a).to_string()),
        (any::<u32>(), 1u8..32).prop_map(|(a, n)| format!("{}/{n}", Ipv4Addr::from(a))),
        (any::<u128>(), 1u8..128).prop_map(|(a, n)| format!("{}/{n}", Ipv6Addr::from(a))),
        domain.clone(),
        (
            prop_oneof![Just("http"), Just("https"), Just("ftp")],
            domain.clone(),
            "[a-zA-Z0-9'\\\\%._~!$&()*+,;=:@/-]{0,20}"
        )
            .prop_map(|(s, d, path)| format!("{s}://{d}/{path}")),
        ("[a-z0-9._+'-]{1,12}", domain).prop_map(|(l, d)| format!("{l}@{d}")),
        "[0-9a-f]{32}",
        "[0-9a-f]{40}",
        "[0-9a-f]{64}",
        "[0-9a-f]{128}",
    ]
    .prop_filter_map("normalises", |s| Indicator::parse(&s).ok())
    .prop_filter("not a CVE", |i| i.kind() != Kind::Cve)
}

proptest! {
    #[test]
    fn generated_patterns_parse_and_give_the_indicator_back(i in indicator()) {
        let text = pattern_for(&i).unwrap();
        let pattern = Pattern::parse(&text).unwrap();
        let eq = pattern.equalities();
        prop_assert_eq!(eq.len(), 1);
        prop_assert_eq!(eq[0].1, i.value());
    }

    #[test]
    fn exported_indicators_come_back(indicators in prop::collection::vec(indicator(), 0..8)) {
        let created: Timestamp = "2026-05-01T00:00:00Z".parse().unwrap();
        let report = ReportExport {
            report_id: "r",
            title: "t",
            description: None,
            status: "suspected",
            created,
            modified: created,
            tlp: Tlp::Green,
            author: None,
            indicators: &indicators,
            vulnerabilities: &[],
            imported: None,
        };
        let json = serde_json::to_vec(&export(&report).to_json()).unwrap();
        let back = Bundle::parse(&json, &Limits::default()).unwrap();
        let e = extract(&back);
        let mut unique = Vec::new();
        for i in indicators {
            if !unique.contains(&i) {
                unique.push(i);
            }
        }
        let got: Vec<Indicator> = e.indicators.into_iter().map(|x| x.indicator).collect();
        prop_assert_eq!(got, unique);
        prop_assert!(e.warnings.is_empty(), "{:?}", e.warnings);
    }
}

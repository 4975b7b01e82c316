//! Products matched against the real CVE-5 and KEV data, and prioritised
//! under the default policy (CISA BOD 26-04): issue 5's acceptance cases.

use std::sync::OnceLock;

use yata_feeds::import::{ImportConfig, import};
use yata_knowledge::AdvisoryDb;
use yata_match::{AssetContext, Confidence, MatchIndex, assess};
use yata_model::inventory::{Inventory, Product, SourceDocument};
use yata_priority::{Asset, Policy, Source};

struct Corpus {
    db: AdvisoryDb,
    index: MatchIndex,
}

fn corpus() -> Option<&'static Corpus> {
    static CORPUS: OnceLock<Option<Corpus>> = OnceLock::new();
    CORPUS
        .get_or_init(|| {
            let mut records = Vec::new();
            for s in [
                "cve5/vulnrichment-2024-10-24.zip",
                "kev/known_exploited_vulnerabilities.json",
            ] {
                let path = yata_testdata::path(s)?;
                let imported = import(&path, &ImportConfig::default(), &|_| {}).unwrap();
                records.extend(imported.records);
            }
            let db = AdvisoryDb::new(records);
            let index = MatchIndex::build(&db);
            Some(Corpus { db, index })
        })
        .as_ref()
}

fn product(vendor: &str, name: &str, version: &str, cpe: Option<&str>) -> Product {
    Product {
        vendor: Some(vendor.into()),
        version: Some(version.into()),
        cpe: cpe.map(Into::into),
        ..Product::named(name)
    }
}

fn inventory(products: Vec<Product>) -> Inventory {
    Inventory {
        products,
        ..Inventory::new(SourceDocument::new("test", String::new()))
    }
}

/// The finding for `cve` on the single product, if any.
fn finding(c: &Corpus, p: Product, cve: &str) -> Option<yata_match::Finding> {
    let m = c.index.match_inventory(&c.db, &inventory(vec![p]));
    m.findings
        .into_iter()
        .find(|f| f.vulnerability.as_str() == cve)
}

#[test]
fn pan_os_10_2_4_has_cve_2024_3400_with_forensics_and_10_2_10_does_not() {
    let Some(c) = corpus() else { return };
    let f = finding(
        c,
        product("Palo Alto Networks", "PAN-OS", "10.2.4", None),
        "CVE-2024-3400",
    )
    .expect("PAN-OS 10.2.4 is affected by CVE-2024-3400");
    assert_eq!(f.confidence, Confidence::ProductVersion);
    assert!(
        f.explanation().contains("10.2.4 is in versions["),
        "{}",
        f.explanation()
    );
    assert!(
        f.fixed_versions().contains(&"10.2.9-h1".to_owned()),
        "{:?}",
        f.fixed_versions()
    );

    let view = c.db.get(&f.vulnerability).unwrap();
    let a = assess(&view, &AssetContext::default(), &Policy::default());
    assert!(a.kev);
    assert_eq!(a.inputs.automatable.source, Source::CisaAdp);
    assert_eq!(a.inputs.technical_impact.source, Source::CisaAdp);
    assert_eq!(
        a.decisions.bod_26_04.as_str(),
        "3 days & forensic investigation"
    );
    assert!(a.decisions.forensics);
    assert_eq!(a.deadline_days, Some(3));
    assert_eq!(a.cvss.as_ref().map(|c| c.base), Some(10.0));

    assert!(
        finding(
            c,
            product("Palo Alto Networks", "PAN-OS", "10.2.10", None),
            "CVE-2024-3400"
        )
        .is_none()
    );
    // The CPE spelling of the same product meets the same entries.
    assert!(
        finding(
            c,
            product(
                "paloaltonetworks",
                "pan-os",
                "11.1.2-h2",
                Some("cpe:2.3:o:paloaltonetworks:pan-os:11.1.2-h2:*:*:*:*:*:*:*")
            ),
            "CVE-2024-3400"
        )
        .is_some()
    );
}

/// A KEV entry names only vendor and product: without CVE-5 version data
/// for that product, the match is a possible finding to verify.
#[test]
fn a_kev_entry_without_versions_gives_a_possible_finding() {
    let Some(c) = corpus() else { return };
    // CitrixBleed 2: in KEV ("Citrix", "NetScaler ADC and Gateway"), not in
    // the CVE-5 data of October 2024.
    let f = finding(
        c,
        product("Citrix", "NetScaler ADC", "14.1-43.50", None),
        "CVE-2025-5777",
    )
    .expect("KEV names Citrix NetScaler ADC for CVE-2025-5777");
    assert_eq!(f.confidence, Confidence::ProductOnly);
    assert!(
        f.explanation().contains("verify the version"),
        "{}",
        f.explanation()
    );
    let view = c.db.get(&f.vulnerability).unwrap();
    let a = assess(&view, &AssetContext::default(), &Policy::default());
    assert!(a.kev);
    // No CVSS or ADP values: automatable and technical impact take the
    // conservative defaults, and say so.
    assert_eq!(a.inputs.automatable.source, Source::Default);
    assert_eq!(
        a.decisions.bod_26_04.as_str(),
        "3 days & forensic investigation"
    );

    // Older CVE records write version lists in words; FortiOS 6.0.2 is named
    // in "FortiOS 6.0.2, 5.6.7 and before, FortiADC 6.1.0, ...".
    let f = finding(
        c,
        product("Fortinet", "FortiOS", "5.6.3", None),
        "CVE-2018-13374",
    )
    .unwrap();
    assert_eq!(f.confidence, Confidence::ProductVersion);
    assert!(
        finding(
            c,
            product("Fortinet", "FortiOS", "6.0.3", None),
            "CVE-2018-13374"
        )
        .is_none()
    );
}

/// Every row of the BOD 26-04 table, walked with real vulnerabilities: one
/// per combination of KEV, Automatable and Technical Impact (CISA ADP's
/// values in the CVE-5 data), each on an exposed and an unexposed asset.
#[test]
fn every_row_of_bod_26_04_from_real_data() {
    let Some(c) = corpus() else { return };
    #[rustfmt::skip]
    let cases: &[(&str, Product, bool, bool, bool, &str, &str)] = &[
        // cve, product, KEV, automatable, total impact, not exposed, exposed
        ("CVE-2005-10003", product("mikexstudios", "Xcomic", "0.8.1", None),
            false, false, false, "fix on system upgrade", "60 days"),
        ("CVE-2018-13374", product("Fortinet", "FortiOS", "6.0.2", None),
            true, false, false, "14 days", "14 days"),
        ("CVE-2016-6817", product("Apache Software Foundation", "Apache Tomcat", "8.5.6", None),
            false, true, false, "60 days", "14 days"),
        ("CVE-2016-8315", product("Oracle", "FLEXCUBE Investor Servicing", "12.0.4", None),
            false, false, true, "fix on system upgrade", "14 days"),
        ("CVE-2018-13379", product("Fortinet", "FortiOS", "6.0.3", None),
            true, true, false, "14 days", "3 days"),
        ("CVE-2019-1069", product("Microsoft", "Windows Server", "2019", None),
            true, false, true, "14 days", "3 days & forensic investigation"),
        ("CVE-2017-3632", product("Oracle Corporation", "Solaris Operating System", "11", None),
            false, true, true, "60 days", "3 days"),
        ("CVE-2024-3400", product("Palo Alto Networks", "PAN-OS", "10.2.4", None),
            true, true, true, "3 days & forensic investigation", "3 days & forensic investigation"),
    ];
    let mut rows = 0;
    for (cve, p, kev, automatable, total, unexposed, exposed) in cases {
        let f = finding(c, p.clone(), cve).unwrap_or_else(|| panic!("{cve}: no finding for {p:?}"));
        let view = c.db.get(&f.vulnerability).unwrap();
        for (internet_exposed, expect) in [(false, unexposed), (true, exposed)] {
            let context = AssetContext {
                asset: Asset {
                    internet_exposed: Some(internet_exposed),
                    criticality: None,
                },
                org_kind: None,
            };
            let a = assess(&view, &context, &Policy::default());
            assert_eq!(a.kev, *kev, "{cve}");
            assert_eq!(
                a.inputs.automatable.value.as_str() == "yes",
                *automatable,
                "{cve}"
            );
            assert_eq!(
                a.inputs.technical_impact.value.as_str() == "total",
                *total,
                "{cve}"
            );
            assert_eq!(a.inputs.automatable.source, Source::CisaAdp, "{cve}");
            assert_eq!(a.inputs.publicly_exposed.source, Source::Asset, "{cve}");
            assert_eq!(
                a.decisions.bod_26_04.as_str(),
                *expect,
                "{cve} exposed={internet_exposed}"
            );
            assert_eq!(a.decisions.forensics, expect.contains("forensic"), "{cve}");
            rows += 1;
        }
    }
    assert_eq!(rows, 16);
}

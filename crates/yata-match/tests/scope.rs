//! Reading a snapshot only for an inventory's keys gives exactly the work
//! list of the whole snapshot: on the real feeds (RustSec, PyPA, Go, CVE-5
//! with CISA's ADP, KEV) and inventories drawn from them and from real
//! SBOMs and lockfiles.

use std::collections::BTreeMap;
use std::path::Path;

use yata_feeds::import::{ImportConfig, import};
use yata_knowledge::AdvisoryDb;
use yata_knowledge::snapshot::{self, decode_selected};
use yata_match::key::{PackageKey, ProductKey};
use yata_match::{
    AssetContext, IndexKey, KEY_SCHEME, MatchIndex, WorkConfig, report, snapshot_keys, work_list,
};
use yata_model::inventory::{Component, Inventory, Product, SourceDocument};
use yata_priority::Policy;
use yata_version::ecosystem::Ecosystem;

/// The key texts are what snapshots on disk are keyed by: a change here
/// without a new [`KEY_SCHEME`] would make old snapshots miss records.
/// If this test fails because normalisation changed on purpose, bump
/// `KEY_SCHEME` and update the expectations.
#[test]
fn key_texts_are_pinned_to_the_key_scheme() {
    assert_eq!(KEY_SCHEME, 1);
    let package = |eco: &str, name: &str| {
        IndexKey::Package(PackageKey::new(&eco.parse::<Ecosystem>().unwrap(), name)).encode()
    };
    assert_eq!(package("PyPI", "Foo_Bar.baz"), "p\tPyPI\tfoo-bar-baz");
    assert_eq!(
        package("crates.io", "Serde_JSON"),
        "p\tcrates.io\tserde-json"
    );
    assert_eq!(
        package("Go", "github.com/BurntSushi/toml"),
        "p\tGo\tgithub.com/burntsushi/toml"
    );
    assert_eq!(package("Debian:12", "openssl"), "p\tDebian\topenssl");
    let product = |v: &str, p: &str| IndexKey::Product(ProductKey::new(v, p).unwrap()).encode();
    assert_eq!(
        product("Palo Alto Networks", "PAN-OS"),
        "v\tpaloaltonetworks\tpanos"
    );
    assert_eq!(product("Fortinet, Inc.", "FortiOS"), "v\tfortinet\tfortios");
}

fn corpus() -> Option<AdvisoryDb> {
    let mut records = Vec::new();
    for s in [
        "rustsec/advisory-db",
        "osv/pypa",
        "osv/Go.zip",
        "cve5/vulnrichment-2024-10-24.zip",
        "kev/known_exploited_vulnerabilities.json",
    ] {
        let path = yata_testdata::path(s)?;
        records.extend(
            import(&path, &ImportConfig::default(), &|_| {})
                .unwrap()
                .records,
        );
    }
    Some(AdvisoryDb::new(records))
}

fn inventory(components: Vec<Component>, products: Vec<Product>) -> Inventory {
    Inventory {
        components,
        products,
        ..Inventory::new(SourceDocument::new("test", String::new()))
    }
}

/// Inventories drawn from the advisories themselves: one component per
/// affected package at a version it lists or introduces (by PURL, or by
/// ecosystem and name when it has none), one product per distinct affected
/// product at a version it names, and one component per distinct CPE that
/// names a version.
fn drawn_from(db: &AdvisoryDb) -> Vec<Inventory> {
    let mut components = Vec::new();
    let mut products: BTreeMap<(String, String, String), Product> = BTreeMap::new();
    let mut by_cpe: BTreeMap<String, Component> = BTreeMap::new();
    let concrete = |v: &str| !v.is_empty() && !v.contains(['*', ' ']) && v != "0" && v != "-";
    for (n, r) in db.records().iter().enumerate() {
        for p in &r.packages {
            let version = p.versions.first().cloned().or_else(|| {
                p.ranges
                    .iter()
                    .flat_map(|r| &r.events)
                    .find_map(|e| match e {
                        yata_model::RangeEvent::Introduced(v) if v != "0" => Some(v.clone()),
                        _ => None,
                    })
            });
            let mut c = Component::named(&p.name);
            c.version = version;
            if n % 2 == 0 && p.purl.is_some() {
                c.purl = p.purl.clone();
            } else {
                c.ecosystem = Some(p.ecosystem.clone());
            }
            components.push(c);
        }
        for p in &r.products {
            if let (Some(vendor), Some(name), Some(v)) = (
                &p.vendor,
                &p.product,
                p.versions
                    .iter()
                    .map(|v| v.version.as_str())
                    .find(|v| concrete(v)),
            ) {
                products
                    .entry((vendor.clone(), name.clone(), v.to_owned()))
                    .or_insert_with(|| Product {
                        vendor: Some(vendor.clone()),
                        version: Some(v.to_owned()),
                        ..Product::named(name)
                    });
            }
            for cpe in &p.cpes {
                let version = cpe.split(':').nth(5).unwrap_or("");
                if concrete(version) {
                    by_cpe.entry(cpe.clone()).or_insert_with(|| {
                        let mut c = Component::named(p.product.as_deref().unwrap_or("x"));
                        c.cpe = Some(cpe.clone());
                        c
                    });
                }
            }
        }
    }
    // A spread of each, in inventories of a few hundred, as a site would
    // upload (every record's, at debug speed, would take minutes).
    let products: Vec<Product> = products.into_values().collect();
    let by_cpe: Vec<Component> = by_cpe.into_values().collect();
    let mut out = Vec::new();
    for chunk in spread(&components, 1600).chunks(400) {
        out.push(inventory(chunk.to_vec(), Vec::new()));
    }
    for chunk in spread(&products, 400).chunks(200) {
        out.push(inventory(Vec::new(), chunk.to_vec()));
    }
    for chunk in spread(&by_cpe, 400).chunks(200) {
        out.push(inventory(chunk.to_vec(), Vec::new()));
    }
    out
}

/// About `n` items evenly spread over `all`.
fn spread<T: Clone>(all: &[T], n: usize) -> Vec<T> {
    let step = all.len().div_ceil(n).max(1);
    all.iter().step_by(step).cloned().collect()
}

/// Real inventories: the repository's own lockfiles and the shared SBOMs.
fn real_inventories() -> Vec<Inventory> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("Cargo.lock"), root.join("fuzz/Cargo.lock")];
    for s in [
        "cyclonedx/examples/juice-shop/v11.1.2/bom.json",
        "cyclonedx/examples/keycloak-10.0.2/bom.json",
        "cyclonedx/examples/laravel-7.12.0/bom.1.4.json",
        "cyclonedx/examples/dropwizard-1.3.15/bom.json",
    ] {
        files.extend(yata_testdata::path(s));
    }
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap();
            let name = f.file_name().unwrap().to_str().unwrap();
            let format = yata_inventory::detect(name, &bytes)
                .unwrap_or_else(|| panic!("{}: format not detected", f.display()));
            yata_inventory::parse(format, &bytes, &yata_inventory::Limits::default()).unwrap()
        })
        .collect()
}

fn work_json(db: &AdvisoryDb, index: &MatchIndex, inventory: &Inventory) -> Vec<serde_json::Value> {
    let policy = Policy::default();
    let config = WorkConfig {
        policy: &policy,
        context: AssetContext::default(),
        statements: &[],
    };
    let list = work_list(db, index, inventory, &config);
    list.items
        .iter()
        .map(|item| report::finding_json(item, inventory))
        .collect()
}

#[test]
fn a_selected_read_gives_the_whole_snapshots_work_list() {
    let Some(db) = corpus() else { return };
    let bytes = snapshot::encode_keyed(&db, jiff::Timestamp::UNIX_EPOCH, &snapshot_keys()).unwrap();
    // The whole snapshot reads back as it was written.
    let whole = snapshot::decode(&bytes).unwrap().db;
    assert_eq!(whole.records(), db.records());
    let whole_index = MatchIndex::build(&whole);

    let mut inventories = real_inventories();
    let real = inventories.len();
    inventories.extend(drawn_from(&db));
    let (mut findings, mut selected_total) = (0, 0);
    for (n, inventory) in inventories.iter().enumerate() {
        let keys: Vec<String> = MatchIndex::keys_of_inventory(inventory)
            .iter()
            .map(IndexKey::encode)
            .collect();
        let selection = decode_selected(&bytes, KEY_SCHEME, &keys)
            .unwrap()
            .expect("a keyed snapshot is read in part");
        assert_eq!(selection.vulnerabilities, db.len());
        selected_total += selection.records.len();
        let part = AdvisoryDb::new(selection.records);
        let expected = work_json(&whole, &whole_index, inventory);
        assert_eq!(
            work_json(&part, &MatchIndex::build(&part), inventory),
            expected,
            "inventory {n}: the selected read differs"
        );
        findings += expected.len();
        eprintln!(
            "inventory {n}: {} records read, {} findings",
            part.records().len(),
            expected.len()
        );
        if n < real {
            // A real inventory needs a small part of the feeds.
            assert!(
                part.records().len() * 10 < db.records().len(),
                "inventory {n}: {} of {} records read",
                part.records().len(),
                db.records().len()
            );
        }
    }
    eprintln!(
        "{} inventories, {findings} findings alike; {selected_total} records decoded in all of {} in the snapshot",
        inventories.len(),
        db.records().len()
    );
    assert!(
        findings > 10_000,
        "the comparison must cover many findings: {findings}"
    );

    // Another key scheme, or no directory: no selection, read it whole.
    assert!(
        decode_selected(&bytes, KEY_SCHEME + 1, &[])
            .unwrap()
            .is_none()
    );
    let plain = snapshot::encode(&db, jiff::Timestamp::UNIX_EPOCH).unwrap();
    assert!(decode_selected(&plain, KEY_SCHEME, &[]).unwrap().is_none());
}

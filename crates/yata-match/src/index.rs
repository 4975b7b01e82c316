//! The match index: every advisory's affected entries, compiled once and
//! filed under the keys an installed thing is looked up by.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use yata_cpe::Cpe;
use yata_knowledge::AdvisoryDb;
use yata_knowledge::snapshot::KeyScheme;
use yata_model::{
    AffectedPackage, AffectedProduct, RangeEvent, Record, SourceKind, Status, VulnId,
};
use yata_version::Scheme;
use yata_version::ecosystem::Ecosystem;
use yata_version::osv::{CompiledAffected, Event, EventKind, Range, RangeKind};

use crate::key::{PackageKey, ProductKey};

/// The advisory (one source's record) an index entry came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Advisory {
    pub source: SourceKind,
    pub document: Option<Box<str>>,
    /// The record's own id; the vulnerability it belongs to is looked up in
    /// the [`AdvisoryDb`] at match time, so merges never leave stale ids here.
    pub id: VulnId,
}

impl Advisory {
    fn of(record: &Record) -> Advisory {
        Advisory {
            source: record.source,
            document: record.document.as_deref().map(Into::into),
            id: record.id.clone(),
        }
    }
}

/// Where an entry is filed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexKey {
    Package(PackageKey),
    Product(ProductKey),
}

/// The version of the rules that make keys: [`PackageKey`] and
/// [`ProductKey`] normalisation, [`MatchIndex::keys_of`] and
/// [`MatchIndex::keys_of_inventory`]. Snapshots record it with their
/// directory; one keyed by other rules is read whole, never in part. Bump it
/// with any change to those rules (`tests/scope.rs` pins examples).
pub const KEY_SCHEME: u32 = 1;

impl IndexKey {
    /// The key as text, for a snapshot's directory: `p` or `v`, then the
    /// ecosystem kind and name or the vendor and product, tab-separated.
    pub fn encode(&self) -> String {
        match self {
            IndexKey::Package(k) => format!("p\t{}\t{}", k.kind(), k.name()),
            IndexKey::Product(k) => format!("v\t{}\t{}", k.vendor(), k.product()),
        }
    }
}

/// The match index's keys for a snapshot's directory, so that a scan can
/// decode only the vulnerabilities of its inventory's keys.
pub fn snapshot_keys() -> KeyScheme<'static> {
    KeyScheme {
        version: KEY_SCHEME,
        keys_of: &encoded_keys_of,
    }
}

fn encoded_keys_of(record: &Record) -> Vec<String> {
    MatchIndex::keys_of(record)
        .iter()
        .map(IndexKey::encode)
        .collect()
}

/// One affected package entry of one advisory.
#[derive(Debug, Clone)]
pub(crate) struct PackageEntry {
    pub advisory: Arc<Advisory>,
    /// Index into the record's `packages` (or `products`, for `Exact`).
    pub entry: u32,
    /// The ecosystem as the advisory names it (with its release, if any).
    pub ecosystem: Ecosystem,
    pub rule: PackageRule,
    /// RustSec's informational kind (`unmaintained`, `unsound`, `notice`):
    /// a warning about the package, not a vulnerability.
    pub informational: Option<Box<str>>,
}

#[derive(Debug, Clone)]
pub(crate) enum PackageRule {
    /// OSV ranges and versions.
    Osv(Box<CompiledAffected>),
    /// A product identified by a versioned PURL (CSAF, CVE-5 `packageURL`):
    /// that version has that status.
    Exact {
        version: Box<str>,
        status: Status,
        scheme: Option<Scheme>,
    },
}

/// One affected product entry of one advisory.
#[derive(Debug, Clone)]
pub(crate) struct ProductEntry {
    pub advisory: Arc<Advisory>,
    /// Index into the record's `products`.
    pub entry: u32,
    pub product: Arc<AffectedProduct>,
    /// The entry's CPE names that parse.
    pub cpes: Arc<[Cpe]>,
}

/// Counts about what was indexed and what could not be.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    pub advisories: usize,
    pub package_entries: usize,
    pub product_entries: usize,
    pub package_keys: usize,
    pub product_keys: usize,
    /// Affected packages whose ecosystem is not an OSV ecosystem.
    pub unknown_ecosystems: usize,
    /// Affected packages whose ranges could not be compiled (a bound the
    /// ecosystem's ordering rejects).
    pub uncompilable: usize,
    /// Withdrawn records, left out.
    pub withdrawn: usize,
}

/// Every advisory's affected entries, by package and by product.
///
/// Built once from an [`AdvisoryDb`] and kept current record by record
/// ([`MatchIndex::upsert`], [`MatchIndex::remove`]); matching reads the db
/// only to name each record's vulnerability.
#[derive(Debug, Default)]
pub struct MatchIndex {
    pub(crate) packages: FxHashMap<PackageKey, Vec<PackageEntry>>,
    pub(crate) products: FxHashMap<ProductKey, Vec<ProductEntry>>,
    /// The keys each record's entries are filed under, to remove them.
    by_record: FxHashMap<Arc<Advisory>, Vec<IndexKey>>,
    stats: IndexStats,
}

impl MatchIndex {
    /// Indexes every record of `db`.
    pub fn build(db: &AdvisoryDb) -> MatchIndex {
        let mut index = MatchIndex::default();
        for record in db.records() {
            index.insert(record);
        }
        index
    }

    /// Adds `record`, replacing the entries of an earlier copy (same source,
    /// document and id). Returns every key whose entries changed: the
    /// installed packages and products to re-evaluate.
    pub fn upsert(&mut self, record: &Record) -> Vec<IndexKey> {
        let mut keys = self.remove(record.source, record.document.as_deref(), &record.id);
        keys.extend(self.insert(record));
        keys.sort();
        keys.dedup();
        keys
    }

    /// Removes a record's entries; returns the keys they were filed under.
    pub fn remove(
        &mut self,
        source: SourceKind,
        document: Option<&str>,
        id: &VulnId,
    ) -> Vec<IndexKey> {
        let advisory = Advisory {
            source,
            document: document.map(Into::into),
            id: id.clone(),
        };
        let Some(keys) = self.by_record.remove(&advisory) else {
            return Vec::new();
        };
        self.stats.advisories -= 1;
        for key in &keys {
            match key {
                IndexKey::Package(k) => {
                    if let Some(list) = self.packages.get_mut(k) {
                        let before = list.len();
                        list.retain(|e| *e.advisory != advisory);
                        self.stats.package_entries -= before - list.len();
                        if list.is_empty() {
                            self.packages.remove(k);
                        }
                    }
                }
                IndexKey::Product(k) => {
                    if let Some(list) = self.products.get_mut(k) {
                        let before = list.len();
                        list.retain(|e| *e.advisory != advisory);
                        self.stats.product_entries -= before - list.len();
                        if list.is_empty() {
                            self.products.remove(k);
                        }
                    }
                }
            }
        }
        self.refresh_key_counts();
        keys
    }

    /// What was indexed.
    pub fn stats(&self) -> &IndexStats {
        &self.stats
    }

    /// The keys `record` files entries under (what a new advisory names).
    pub fn keys_of(record: &Record) -> Vec<IndexKey> {
        let mut keys = Vec::new();
        for p in &record.packages {
            if let Ok(eco) = p.ecosystem.parse::<Ecosystem>() {
                keys.push(IndexKey::Package(PackageKey::new(&eco, &p.name)));
            }
        }
        for p in &record.products {
            if let Some((eco, name, _)) = p.purl.as_deref().and_then(purl_package) {
                keys.push(IndexKey::Package(PackageKey::new(&eco, &name)));
            }
            keys.extend(
                product_keys(p, &parse_cpes(&p.cpes))
                    .into_iter()
                    .map(IndexKey::Product),
            );
        }
        keys.sort();
        keys.dedup();
        keys
    }

    fn insert(&mut self, record: &Record) -> Vec<IndexKey> {
        if record.withdrawn.is_some() {
            self.stats.withdrawn += 1;
            return Vec::new();
        }
        let advisory = Arc::new(Advisory::of(record));
        let mut keys = Vec::new();
        for (i, p) in record.packages.iter().enumerate() {
            if let Some((key, entry)) = self.package_entry(&advisory, i, p) {
                self.packages.entry(key.clone()).or_default().push(entry);
                self.stats.package_entries += 1;
                keys.push(IndexKey::Package(key));
            }
        }
        for (i, p) in record.products.iter().enumerate() {
            let product = Arc::new(p.clone());
            if let Some((eco, name, version)) = p.purl.as_deref().and_then(purl_package)
                && let Some(version) = version
            {
                let key = PackageKey::new(&eco, &name);
                let status = p.default_status.unwrap_or(Status::Affected);
                let scheme = eco.scheme();
                self.packages
                    .entry(key.clone())
                    .or_default()
                    .push(PackageEntry {
                        advisory: advisory.clone(),
                        entry: i as u32,
                        ecosystem: eco,
                        rule: PackageRule::Exact {
                            version: version.into(),
                            status,
                            scheme,
                        },
                        informational: None,
                    });
                self.stats.package_entries += 1;
                keys.push(IndexKey::Package(key));
            }
            let cpes: Arc<[Cpe]> = parse_cpes(&p.cpes).into();
            for key in product_keys(p, &cpes) {
                self.products
                    .entry(key.clone())
                    .or_default()
                    .push(ProductEntry {
                        advisory: advisory.clone(),
                        entry: i as u32,
                        product: product.clone(),
                        cpes: cpes.clone(),
                    });
                self.stats.product_entries += 1;
                keys.push(IndexKey::Product(key));
            }
        }
        keys.sort();
        keys.dedup();
        if !keys.is_empty() {
            self.stats.advisories += 1;
            self.by_record.insert(advisory, keys.clone());
        }
        self.refresh_key_counts();
        keys
    }

    fn package_entry(
        &mut self,
        advisory: &Arc<Advisory>,
        i: usize,
        p: &AffectedPackage,
    ) -> Option<(PackageKey, PackageEntry)> {
        let Ok(ecosystem) = p.ecosystem.parse::<Ecosystem>() else {
            self.stats.unknown_ecosystems += 1;
            return None;
        };
        let ranges: Option<Vec<Range>> = p.ranges.iter().map(to_range).collect();
        let compiled =
            ranges.and_then(|r| CompiledAffected::new(ecosystem.scheme(), &r, &p.versions).ok());
        let Some(compiled) = compiled else {
            self.stats.uncompilable += 1;
            return None;
        };
        let key = PackageKey::new(&ecosystem, &p.name);
        Some((
            key,
            PackageEntry {
                advisory: advisory.clone(),
                entry: i as u32,
                ecosystem,
                rule: PackageRule::Osv(Box::new(compiled)),
                informational: informational(p.ecosystem_specific.as_deref()),
            },
        ))
    }

    /// The package entries `record` files, compiled exactly as the index
    /// compiles them, without filing them anywhere: what a new or changed
    /// advisory says about packages, before (or without) an upsert.
    pub(crate) fn compile_packages(record: &Record) -> Vec<(PackageKey, Vec<PackageEntry>)> {
        let mut scratch = MatchIndex::default();
        scratch.insert(record);
        scratch.packages.into_iter().collect()
    }

    fn refresh_key_counts(&mut self) {
        self.stats.package_keys = self.packages.len();
        self.stats.product_keys = self.products.len();
    }
}

/// The `informational` kind in an affected package's free-form data
/// (`{"database_specific": {"informational": "unmaintained"}}`, as RustSec
/// and its OSV export write it).
fn informational(specific: Option<&str>) -> Option<Box<str>> {
    let specific = specific.filter(|s| s.contains("\"informational\""))?;
    let v: serde_json::Value = serde_json::from_str(specific).ok()?;
    v.pointer("/database_specific/informational")
        .and_then(|i| i.as_str())
        .filter(|i| !i.is_empty())
        .map(Into::into)
}

fn to_range(r: &yata_model::VersionRange) -> Option<Range> {
    Some(Range {
        kind: RangeKind::from_osv(&r.kind)?,
        repo: r.repo.clone(),
        events: r
            .events
            .iter()
            .map(|e| match e {
                RangeEvent::Introduced(v) => Event::new(EventKind::Introduced, v.as_str()),
                RangeEvent::Fixed(v) => Event::new(EventKind::Fixed, v.as_str()),
                RangeEvent::LastAffected(v) => Event::new(EventKind::LastAffected, v.as_str()),
                RangeEvent::Limit(v) => Event::new(EventKind::Limit, v.as_str()),
            })
            .collect(),
    })
}

pub(crate) fn parse_cpes(cpes: &[String]) -> Vec<Cpe> {
    cpes.iter()
        .filter_map(|c| Cpe::parse(c.trim()).ok())
        .collect()
}

/// The product keys of an affected product: its vendor/product names and
/// each CPE's vendor/product.
fn product_keys(p: &AffectedProduct, cpes: &[Cpe]) -> Vec<ProductKey> {
    let mut keys: Vec<ProductKey> = cpes.iter().filter_map(ProductKey::from_cpe).collect();
    if let (Some(v), Some(p)) = (&p.vendor, &p.product) {
        keys.extend(ProductKey::variants(v, p));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The ecosystem, package name and version a PURL names, when an OSV
/// ecosystem covers its type.
pub(crate) fn purl_package(purl: &str) -> Option<(Ecosystem, String, Option<String>)> {
    let purl: yata_purl::Purl = purl.parse().ok()?;
    let (eco, name) = Ecosystem::from_purl(
        purl.ty(),
        purl.namespace(),
        purl.name(),
        purl.qualifiers().get("distro"),
    )?;
    Some((eco, name, purl.version().map(str::to_owned)))
}

/// The vulnerability a record belongs to, by canonical id.
pub(crate) fn vulnerability_of(db: &AdvisoryDb, advisory: &Advisory) -> VulnId {
    db.get(&advisory.id)
        .map(|v| v.id().clone())
        .unwrap_or_else(|| advisory.id.clone())
}

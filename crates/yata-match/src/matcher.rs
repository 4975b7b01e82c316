//! Matching installed things against the index: findings with their
//! confidence and the evidence that decided each.

use std::collections::BTreeMap;

use serde::Serialize;
use yata_cpe::{Cpe, Relation};
use yata_knowledge::AdvisoryDb;
use yata_model::inventory::{Component, Inventory, Product};
use yata_model::{SourceKind, Status, VulnId};
use yata_version::ecosystem::{Ecosystem, EcosystemKind};
use yata_version::osv::{Decision, EventKind};

use crate::cve::{self, CveReason};
use crate::index::{
    IndexKey, MatchIndex, PackageEntry, PackageRule, ProductEntry, purl_package, vulnerability_of,
};
use crate::key::{PackageKey, ProductKey};

/// What in an inventory a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "index")]
pub enum Subject {
    /// `inventory.components[i]`.
    Component(usize),
    /// `inventory.products[i]`.
    Product(usize),
}

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Vendor and product match, but no version could be compared: the KEV
    /// catalog names only the product, or the installed version is unknown.
    /// A possible finding: verify the version.
    ProductOnly,
    /// Vendor and product names match and the version lies in an affected
    /// range of a CVE record.
    ProductVersion,
    /// The package (ecosystem, name, version) or the full CPE name matches.
    Exact,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::ProductOnly => "product-only",
            Confidence::ProductVersion => "product-version",
            Confidence::Exact => "exact",
        }
    }
}

/// One advisory's reason for a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub source: SourceKind,
    /// The record's own id (`GHSA-…`, `PYSEC-…`, `CVE-…`).
    pub advisory: VulnId,
    /// Which entry of the record: `packages[i]` or `products[i]`.
    pub entry: String,
    /// What decided, in words: the range and event, the version entry, the
    /// CPE name.
    pub reason: String,
    /// Versions the advisory names as fixing it, in its order.
    pub fixed_versions: Vec<String>,
    pub confidence: Confidence,
    /// Set when the advisory is informational (RustSec `unmaintained`,
    /// `unsound`, `notice`): a warning, not a vulnerability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
}

/// An installed thing inside a vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The vulnerability's canonical id.
    pub vulnerability: VulnId,
    pub subject: Subject,
    /// The best confidence of the evidence.
    pub confidence: Confidence,
    /// Every advisory entry that says so, by (source, advisory).
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// Every fixed version any evidence names, once each, in the order the
    /// advisories give them (which is their ranges' order).
    pub fn fixed_versions(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for v in self.evidence.iter().flat_map(|e| &e.fixed_versions) {
            if !all.contains(v) {
                all.push(v.clone());
            }
        }
        all
    }

    /// The informational kind (`unmaintained`, …) when every advisory behind
    /// the finding is informational: then it is a warning, not a
    /// vulnerability (as `cargo audit` reports it).
    pub fn informational(&self) -> Option<&str> {
        let mut kind = None;
        for e in &self.evidence {
            kind = Some(e.informational.as_deref()?);
        }
        kind
    }

    /// The evidence in one sentence per advisory.
    pub fn explanation(&self) -> String {
        self.evidence
            .iter()
            .map(|e| {
                format!(
                    "{} {} {}: {}",
                    e.source.as_str(),
                    e.advisory,
                    e.entry,
                    e.reason
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Something about the inventory that limited matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub subject: Subject,
    pub message: String,
}

/// The result of matching one inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Matches {
    /// Sorted by subject, then vulnerability id.
    pub findings: Vec<Finding>,
    /// Components with neither a usable PURL, nor a CPE, nor a known
    /// ecosystem: they cannot be matched.
    pub unidentifiable: Vec<Subject>,
    /// Versions an advisory's ordering could not read, and the like.
    pub notes: Vec<Note>,
}

/// An installed package as the matcher looks it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledPackage {
    pub ecosystem: Ecosystem,
    /// The name as installed (for Debian-like distributions: the source
    /// package, which distribution advisories are keyed by).
    pub name: String,
    pub version: Option<String>,
}

impl InstalledPackage {
    /// The packages a component stands for: by PURL, else by its ecosystem
    /// and name; a distribution package also by its source package.
    pub fn of(c: &Component) -> Vec<InstalledPackage> {
        let mut out = Vec::new();
        let (ecosystem, name, version) = if let Some((eco, name, v)) =
            c.purl.as_deref().and_then(purl_package)
        {
            (eco, name, v.or_else(|| c.version.clone()))
        } else if let Some(eco) = c
            .ecosystem
            .as_deref()
            .and_then(|e| e.parse::<Ecosystem>().ok())
        {
            let name = match (eco.kind(), &c.group) {
                (EcosystemKind::Maven, Some(g)) => format!("{g}:{}", c.name),
                (EcosystemKind::Npm | EcosystemKind::Go | EcosystemKind::Packagist, Some(g)) => {
                    format!("{g}/{}", c.name)
                }
                _ => c.name.clone(),
            };
            (eco, name, c.version.clone())
        } else {
            return out;
        };
        let source_keyed = matches!(
            ecosystem.kind(),
            EcosystemKind::Debian | EcosystemKind::Ubuntu | EcosystemKind::Alpine
        );
        if let Some(source) = c.source_package.as_deref().filter(|s| *s != name) {
            out.push(InstalledPackage {
                ecosystem: ecosystem.clone(),
                name: source.to_owned(),
                version: c.source_version.clone().or_else(|| version.clone()),
            });
            if source_keyed {
                return out;
            }
        }
        out.push(InstalledPackage {
            ecosystem,
            name,
            version,
        });
        out
    }
}

impl InstalledPackage {
    /// The index key this package is looked up by.
    pub fn key(&self) -> PackageKey {
        PackageKey::new(&self.ecosystem, &self.name)
    }
}

/// A component known only by its CPE, as the product it is matched as.
fn component_product(c: &Component) -> Product {
    Product {
        version: c.version.clone(),
        ..Product::named(&c.name)
    }
}

/// The keys a product is looked up by: its vendor's product name variants
/// and its CPE's vendor and product.
fn product_lookup_keys(product: &Product, cpe: Option<&Cpe>) -> Vec<ProductKey> {
    let mut keys: Vec<ProductKey> = Vec::new();
    if let Some(v) = product.vendor.as_deref() {
        keys.extend(ProductKey::variants(v, &product.product));
    }
    if let Some(k) = cpe.and_then(ProductKey::from_cpe) {
        keys.push(k);
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Collects evidence per vulnerability for one subject.
#[derive(Default)]
struct Collector {
    by_vuln: BTreeMap<VulnId, Vec<Evidence>>,
}

impl Collector {
    fn add(&mut self, vuln: VulnId, evidence: Evidence) {
        let list = self.by_vuln.entry(vuln).or_default();
        if !list.contains(&evidence) {
            list.push(evidence);
        }
    }

    fn finish(self, subject: Subject, out: &mut Vec<Finding>) {
        for (vulnerability, mut evidence) in self.by_vuln {
            evidence.sort_by(|a, b| {
                (a.source, &a.advisory, &a.entry).cmp(&(b.source, &b.advisory, &b.entry))
            });
            let confidence = evidence
                .iter()
                .map(|e| e.confidence)
                .max()
                .unwrap_or(Confidence::ProductOnly);
            out.push(Finding {
                vulnerability,
                subject,
                confidence,
                evidence,
            });
        }
    }
}

impl MatchIndex {
    /// Every key matching `inventory` looks up: the entries filed under
    /// other keys cannot concern it, so the advisories filed under none of
    /// these can be left unread (see `yata_knowledge::snapshot::decode_selected`).
    pub fn keys_of_inventory(inventory: &Inventory) -> Vec<IndexKey> {
        let mut keys = Vec::new();
        for c in &inventory.components {
            let packages = InstalledPackage::of(c);
            keys.extend(packages.iter().map(|p| IndexKey::Package(p.key())));
            if packages.is_empty()
                && let Some(cpe) = c.cpe.as_deref().and_then(|s| Cpe::parse(s).ok())
            {
                let product = component_product(c);
                keys.extend(
                    product_lookup_keys(&product, Some(&cpe))
                        .into_iter()
                        .map(IndexKey::Product),
                );
            }
        }
        for p in &inventory.products {
            let cpe = p.cpe.as_deref().and_then(|s| Cpe::parse(s).ok());
            keys.extend(
                product_lookup_keys(p, cpe.as_ref())
                    .into_iter()
                    .map(IndexKey::Product),
            );
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// Matches every component and product of `inventory`.
    pub fn match_inventory(&self, db: &AdvisoryDb, inventory: &Inventory) -> Matches {
        let mut m = Matches::default();
        for (i, c) in inventory.components.iter().enumerate() {
            let subject = Subject::Component(i);
            let packages = InstalledPackage::of(c);
            let cpe = c.cpe.as_deref().and_then(|s| Cpe::parse(s).ok());
            if packages.is_empty() && cpe.is_none() {
                m.unidentifiable.push(subject);
                continue;
            }
            let mut collect = Collector::default();
            for p in &packages {
                self.collect_package(db, p, subject, &mut collect, &mut m.notes);
            }
            if packages.is_empty()
                && let Some(cpe) = cpe
            {
                let product = component_product(c);
                self.collect_product(db, &product, Some(&cpe), &mut collect);
            }
            collect.finish(subject, &mut m.findings);
        }
        for (i, p) in inventory.products.iter().enumerate() {
            let subject = Subject::Product(i);
            let cpe = p.cpe.as_deref().and_then(|s| Cpe::parse(s).ok());
            let mut collect = Collector::default();
            if !self.collect_product(db, p, cpe.as_ref(), &mut collect) {
                m.unidentifiable.push(subject);
            }
            collect.finish(subject, &mut m.findings);
        }
        m
    }

    /// The findings for one installed package.
    pub fn match_package(&self, db: &AdvisoryDb, package: &InstalledPackage) -> Vec<Finding> {
        let subject = Subject::Component(0);
        let mut collect = Collector::default();
        let mut notes = Vec::new();
        self.collect_package(db, package, subject, &mut collect, &mut notes);
        let mut out = Vec::new();
        collect.finish(subject, &mut out);
        out
    }

    /// The findings for one product (its [`Subject`] is `Product(0)`).
    pub fn match_product(&self, db: &AdvisoryDb, product: &Product) -> Vec<Finding> {
        let cpe = product.cpe.as_deref().and_then(|s| Cpe::parse(s).ok());
        let mut collect = Collector::default();
        self.collect_product(db, product, cpe.as_ref(), &mut collect);
        let mut out = Vec::new();
        collect.finish(Subject::Product(0), &mut out);
        out
    }

    fn collect_package(
        &self,
        db: &AdvisoryDb,
        package: &InstalledPackage,
        subject: Subject,
        collect: &mut Collector,
        notes: &mut Vec<Note>,
    ) {
        let key = package.key();
        let Some(entries) = self.packages.get(&key) else {
            return;
        };
        let Some(version) = package.version.as_deref() else {
            notes.push(Note {
                subject,
                message: format!("{key}: no version, not matched"),
            });
            return;
        };
        for e in entries {
            if !e.ecosystem.covers(&package.ecosystem) {
                continue;
            }
            match evaluate_package(e, version) {
                Ok(Some(evidence)) => collect.add(vulnerability_of(db, &e.advisory), evidence),
                Ok(None) => {}
                Err(message) => notes.push(Note {
                    subject,
                    message: format!(
                        "{key}@{version}: {} {}: {message}",
                        e.advisory.source.as_str(),
                        e.advisory.id
                    ),
                }),
            }
        }
    }

    /// Returns whether the product could be looked up at all.
    fn collect_product(
        &self,
        db: &AdvisoryDb,
        product: &Product,
        cpe: Option<&Cpe>,
        collect: &mut Collector,
    ) -> bool {
        let keys = product_lookup_keys(product, cpe);
        if keys.is_empty() {
            return false;
        }
        let version = product
            .version
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .or_else(|| {
                cpe.and_then(|c| c.version().as_str())
                    .map(|v| unescape(v.as_fs()))
            });
        // Per vulnerability: did an entry with version information decide,
        // and which entries only name the product?
        let mut decided: BTreeMap<VulnId, bool> = BTreeMap::new();
        let mut named_only: BTreeMap<VulnId, Vec<Evidence>> = BTreeMap::new();
        let mut seen = rustc_hash::FxHashSet::default();
        for key in &keys {
            for e in self.products.get(key).into_iter().flatten() {
                if !seen.insert((std::sync::Arc::as_ptr(&e.advisory), e.entry)) {
                    continue;
                }
                let vuln = vulnerability_of(db, &e.advisory);
                match evaluate_product(e, version.as_deref(), cpe) {
                    ProductVerdict::Affected(evidence) => {
                        decided.insert(vuln.clone(), true);
                        collect.add(vuln, evidence);
                    }
                    ProductVerdict::NotAffected => {
                        decided.entry(vuln).or_insert(false);
                    }
                    ProductVerdict::NamedOnly(evidence) => {
                        named_only.entry(vuln).or_default().push(evidence);
                    }
                }
            }
        }
        for (vuln, evidence) in named_only {
            if decided.contains_key(&vuln) {
                continue;
            }
            for e in evidence {
                collect.add(vuln.clone(), e);
            }
        }
        true
    }
}

/// Whether an installed version is inside one package entry.
pub(crate) fn evaluate_package(
    e: &PackageEntry,
    version: &str,
) -> Result<Option<Evidence>, String> {
    match &e.rule {
        PackageRule::Osv(compiled) => {
            let decision = compiled.evaluate(version).map_err(|err| err.to_string())?;
            Ok(decision.map(|d| Evidence {
                source: e.advisory.source,
                advisory: e.advisory.id.clone(),
                entry: format!("packages[{}]", e.entry),
                reason: describe(&d, version),
                fixed_versions: compiled.fixed_versions().map(str::to_owned).collect(),
                confidence: Confidence::Exact,
                informational: e.informational.as_deref().map(str::to_owned),
            }))
        }
        PackageRule::Exact {
            version: listed,
            status,
            scheme,
        } => {
            let equal = listed.as_ref() == version
                || scheme.is_some_and(|s| match (s.parse(listed), s.parse(version)) {
                    (Ok(a), Ok(b)) => a.try_cmp(&b) == Some(std::cmp::Ordering::Equal),
                    _ => false,
                });
            if !equal || *status != Status::Affected {
                return Ok(None);
            }
            Ok(Some(Evidence {
                source: e.advisory.source,
                advisory: e.advisory.id.clone(),
                entry: format!("products[{}]", e.entry),
                reason: format!("version {listed} is listed as affected"),
                fixed_versions: Vec::new(),
                confidence: Confidence::Exact,
                informational: None,
            }))
        }
    }
}

fn describe(d: &Decision, version: &str) -> String {
    match d {
        Decision::Listed { version: v } => format!("version {v} is listed as affected"),
        Decision::InRange {
            range,
            kind,
            introduced,
            until,
        } => {
            let end = match until {
                Some(e) => match e.kind {
                    EventKind::Fixed => format!(", fixed in {}", e.version),
                    EventKind::LastAffected => format!(", last affected {}", e.version),
                    EventKind::Limit => format!(", limit {}", e.version),
                    EventKind::Introduced => String::new(),
                },
                None => ", no fix".to_owned(),
            };
            format!("{version} is in ranges[{range}] ({kind}): introduced {introduced}{end}")
        }
        Decision::Commit { range, commit } => {
            format!("commit {commit} is named by ranges[{range}] (GIT)")
        }
    }
}

enum ProductVerdict {
    Affected(Evidence),
    NotAffected,
    /// The entry names the product but says nothing of versions (KEV), or
    /// the installed version is unknown.
    NamedOnly(Evidence),
}

fn evaluate_product(e: &ProductEntry, version: Option<&str>, cpe: Option<&Cpe>) -> ProductVerdict {
    let p = &*e.product;
    let evidence = |reason: String, confidence: Confidence| Evidence {
        source: e.advisory.source,
        advisory: e.advisory.id.clone(),
        entry: format!("products[{}]", e.entry),
        reason,
        fixed_versions: fixed_of(p),
        confidence,
        informational: None,
    };
    let named = || {
        let who = match (&p.vendor, &p.product) {
            (Some(v), Some(p)) => format!("{v} {p}"),
            _ => "the product".to_owned(),
        };
        evidence(
            format!("{who} is named without a version to compare: verify the version"),
            Confidence::ProductOnly,
        )
    };
    if cve::has_version_info(p) {
        let Some(version) = version else {
            // Only if some version of it is affected is it worth checking.
            return if p.versions.iter().any(|v| v.status == Status::Affected)
                || p.default_status == Some(Status::Affected)
            {
                ProductVerdict::NamedOnly(evidence(
                    "the installed version is unknown and some versions are affected: verify the version".to_owned(),
                    Confidence::ProductOnly,
                ))
            } else {
                ProductVerdict::NotAffected
            };
        };
        let (status, reason) = cve::status(p, version);
        if status != Status::Affected {
            return ProductVerdict::NotAffected;
        }
        let text = match reason {
            CveReason::Listed { entry } => format!("versions[{entry}] lists {version} as affected"),
            CveReason::InRange { entry, change } => {
                let v = &p.versions[entry];
                let end = match (&v.less_than, &v.less_than_or_equal) {
                    (Some(lt), _) => format!("< {}", lt.trim()),
                    (None, Some(le)) => format!("<= {}", le.trim()),
                    (None, None) => String::new(),
                };
                let ty = v.version_type.as_deref().unwrap_or("unspecified");
                let step = change
                    .map(|c| format!(", after change at {}", v.changes[c].at.trim()))
                    .unwrap_or_default();
                format!(
                    "{version} is in versions[{entry}] ({} {end}, versionType {ty}){step}",
                    v.version.trim()
                )
            }
            CveReason::Default => {
                format!("defaultStatus is affected and no entry covers {version}")
            }
        };
        return ProductVerdict::Affected(evidence(text, Confidence::ProductVersion));
    }
    // No version entries: the entry's CPE names may carry versions.
    if let Some(installed) = cpe {
        for c in e.cpes.iter() {
            if matches!(c.compare(installed), Relation::Superset | Relation::Equal) {
                let versioned = !c.version().is_any();
                return ProductVerdict::Affected(evidence(
                    format!("CPE {} matches {}", c.as_fs(), installed.as_fs()),
                    if versioned {
                        Confidence::Exact
                    } else {
                        Confidence::ProductOnly
                    },
                ));
            }
        }
    }
    if e.cpes.iter().any(|c| !c.version().is_any()) {
        // Versioned CPEs that did not match the installed one (or there is
        // none to compare with): compare versions as text.
        let hit = version.is_some_and(|v| {
            e.cpes
                .iter()
                .filter_map(|c| c.version().as_str())
                .any(|cv| unescape(cv.as_fs()) == v)
        });
        return if hit {
            ProductVerdict::Affected(evidence(
                format!(
                    "a CPE of the entry names version {}",
                    version.unwrap_or_default()
                ),
                Confidence::ProductVersion,
            ))
        } else {
            ProductVerdict::NotAffected
        };
    }
    ProductVerdict::NamedOnly(named())
}

/// Versions a product entry names as fixed: the `changes` to `unaffected`
/// and the ends of `lessThan` ranges.
fn fixed_of(p: &yata_model::AffectedProduct) -> Vec<String> {
    let mut out = Vec::new();
    for v in &p.versions {
        if v.status != Status::Affected {
            continue;
        }
        for c in &v.changes {
            if matches!(c.status, Status::Unaffected | Status::Fixed) {
                out.push(c.at.trim().to_owned());
            }
        }
        if v.changes.is_empty()
            && let Some(lt) = &v.less_than
            && lt.trim() != "*"
        {
            out.push(lt.trim().to_owned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A CPE attribute value as plain text (`10.2.4`, not `10\.2\.4`).
fn unescape(fs: &str) -> String {
    let mut out = String::with_capacity(fs.len());
    let mut chars = fs.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

//! The installed packages of a whole nation, for the server's re-evaluation:
//! every component instance filed as [`PackageKey`] → distinct (ecosystem
//! with release, version) → the assets that hold it.
//!
//! Matching works on the distinct versions, not on the instances: a national
//! inventory of tens of millions of instances holds only some hundred
//! thousand distinct (package, version) pairs, so each is evaluated once
//! against each advisory entry of its key and the verdict is then expanded to
//! its assets.
//!
//! * [`Population::affected_by`]: one new or changed advisory → the assets it
//!   affects, looking up only the keys the advisory names (flow 3: "a new
//!   advisory re-evaluates only the packages it names").
//! * [`Population::match_all`]: everything against every advisory, counted,
//!   with an optional visitor instead of materialising every pair.
//!
//! Memory: package keys, ecosystems and version strings are interned once;
//! each distinct (key, ecosystem, version) holds its assets as a sorted
//! `Vec` of 4-byte ids, so the instances cost little more than 4 bytes each
//! ([`Population::heap_bytes`]).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustc_hash::FxHashMap;
use yata_model::Record;
use yata_version::ecosystem::{Ecosystem, EcosystemKind};

use crate::index::{Advisory, MatchIndex};
use crate::key::PackageKey;
use crate::matcher::{Evidence, InstalledPackage, evaluate_package};

/// An asset (a host, an image, an application) of the population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct AssetId(pub u32);

impl fmt::Display for AssetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "asset-{}", self.0)
    }
}

/// The version index of a package installed without a version.
const NO_VERSION: u32 = u32::MAX;

/// One distinct (ecosystem, version) of one package and who holds it.
#[derive(Debug, Clone)]
struct Install {
    ecosystem: u32,
    version: u32,
    /// Sorted and unique once built.
    assets: Vec<AssetId>,
}

#[derive(Debug, Clone)]
struct KeyInstalls {
    key: PackageKey,
    installs: Vec<Install>,
}

/// The installed packages of many assets, grouped for matching.
#[derive(Debug, Clone, Default)]
pub struct Population {
    keys: Vec<KeyInstalls>,
    key_ids: FxHashMap<PackageKey, u32>,
    /// Raw (as installed) names per ecosystem kind → key id, so that adding
    /// an instance normalises a name only the first time it is seen.
    names: FxHashMap<EcosystemKind, FxHashMap<Box<str>, u32>>,
    ecosystems: Vec<Ecosystem>,
    ecosystem_ids: FxHashMap<Ecosystem, u32>,
    versions: Vec<Arc<str>>,
    version_ids: FxHashMap<Arc<str>, u32>,
    /// (key, ecosystem, version) → index into that key's installs.
    install_ids: FxHashMap<(u32, u32, u32), u32>,
    /// One more than the highest asset id seen.
    asset_bound: u32,
    instances: u64,
}

/// Collects instances; [`PopulationBuilder::build`] sorts them once.
#[derive(Debug, Default)]
pub struct PopulationBuilder {
    population: Population,
}

impl PopulationBuilder {
    pub fn new() -> PopulationBuilder {
        PopulationBuilder::default()
    }

    /// Records that `asset` has `pkg` installed. Amortised O(1): four hash
    /// look-ups and a push; duplicates are removed by [`Self::build`].
    pub fn add(&mut self, asset: AssetId, pkg: &InstalledPackage) {
        let (k, i) = self.population.install_of(pkg);
        self.population.keys[k as usize].installs[i as usize]
            .assets
            .push(asset);
        self.population.asset_bound = self.population.asset_bound.max(asset.0 + 1);
    }

    /// Sorts and deduplicates every asset list: O(n log n) over the
    /// instances, done once.
    pub fn build(mut self) -> Population {
        let mut instances = 0;
        for k in &mut self.population.keys {
            for i in &mut k.installs {
                i.assets.sort_unstable();
                i.assets.dedup();
                i.assets.shrink_to_fit();
                instances += i.assets.len() as u64;
            }
            k.installs.shrink_to_fit();
        }
        self.population.instances = instances;
        self.population
    }
}

impl Population {
    /// Component instances: (asset, package, ecosystem, version), unique.
    pub fn instances(&self) -> u64 {
        self.instances
    }

    /// Distinct package keys.
    pub fn keys(&self) -> usize {
        self.keys.len()
    }

    /// Distinct (package key, ecosystem, version) triples.
    pub fn distinct_versions(&self) -> usize {
        self.keys.iter().map(|k| k.installs.len()).sum()
    }

    /// Instances of one package key, in every ecosystem and version.
    pub fn instances_of(&self, key: &PackageKey) -> u64 {
        self.key_ids.get(key).map_or(0, |&k| {
            self.keys[k as usize]
                .installs
                .iter()
                .map(|i| i.assets.len() as u64)
                .sum()
        })
    }

    /// One more than the highest asset id.
    pub fn asset_bound(&self) -> u32 {
        self.asset_bound
    }

    /// Heap bytes held, counted from capacities (hash tables as one control
    /// byte plus the slot per bucket, which is how hashbrown lays them out).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        fn table<K, V>(m: &FxHashMap<K, V>) -> usize {
            m.capacity() * (size_of::<(K, V)>() + 1)
        }
        let keys = self.keys.capacity() * size_of::<KeyInstalls>()
            + self
                .keys
                .iter()
                .map(|k| {
                    k.key.name().len()
                        + k.installs.capacity() * size_of::<Install>()
                        + k.installs
                            .iter()
                            .map(|i| i.assets.capacity() * size_of::<AssetId>())
                            .sum::<usize>()
                })
                .sum::<usize>();
        let strings = self.versions.iter().map(|v| v.len() + 16).sum::<usize>()
            + self.versions.capacity() * size_of::<Arc<str>>()
            + self
                .names
                .values()
                .map(|m| table(m) + m.keys().map(|n| n.len()).sum::<usize>())
                .sum::<usize>();
        keys + strings
            + table(&self.key_ids)
            + self.key_ids.keys().map(|k| k.name().len()).sum::<usize>()
            + table(&self.version_ids)
            + table(&self.install_ids)
            + self.ecosystems.capacity() * size_of::<Ecosystem>()
            + table(&self.ecosystem_ids)
    }

    /// Removes every instance of `asset`. Cost: a binary search in every
    /// distinct version's asset list, O(V log n) for V distinct versions
    /// (no reverse index is kept: it would cost another 4 bytes per
    /// instance); tens of milliseconds at national scale.
    pub fn remove_asset(&mut self, asset: AssetId) {
        for k in &mut self.keys {
            for i in &mut k.installs {
                if let Ok(at) = i.assets.binary_search(&asset) {
                    i.assets.remove(at);
                    self.instances -= 1;
                }
            }
        }
    }

    /// Replaces the installed packages of `asset` (an inventory re-uploaded):
    /// [`Self::remove_asset`], then one sorted insertion per package.
    pub fn replace_asset(&mut self, asset: AssetId, packages: &[InstalledPackage]) {
        self.remove_asset(asset);
        for p in packages {
            let (k, i) = self.install_of(p);
            let list = &mut self.keys[k as usize].installs[i as usize].assets;
            if let Err(at) = list.binary_search(&asset) {
                list.insert(at, asset);
                self.instances += 1;
            }
        }
        self.asset_bound = self.asset_bound.max(asset.0 + 1);
    }

    /// The (key, install) slot of a package, created when new.
    fn install_of(&mut self, pkg: &InstalledPackage) -> (u32, u32) {
        let kind = pkg.ecosystem.kind();
        let names = self.names.entry(kind).or_default();
        let k = match names.get(pkg.name.as_str()) {
            Some(&k) => k,
            None => {
                let key = PackageKey::new(&pkg.ecosystem, &pkg.name);
                let k = *self.key_ids.entry(key.clone()).or_insert_with(|| {
                    self.keys.push(KeyInstalls {
                        key,
                        installs: Vec::new(),
                    });
                    (self.keys.len() - 1) as u32
                });
                names.insert(pkg.name.as_str().into(), k);
                k
            }
        };
        let e = match self.ecosystem_ids.get(&pkg.ecosystem) {
            Some(&e) => e,
            None => {
                // Ecosystems come from inventories (a PURL's `distro`), so
                // there is no small bound on how many releases appear; u32
                // costs nothing here (the install record pads to 8 bytes).
                let e = u32::try_from(self.ecosystems.len()).expect("fewer than 2^32 ecosystems");
                self.ecosystems.push(pkg.ecosystem.clone());
                self.ecosystem_ids.insert(pkg.ecosystem.clone(), e);
                e
            }
        };
        let v = match pkg.version.as_deref() {
            None => NO_VERSION,
            Some(v) => match self.version_ids.get(v) {
                Some(&v) => v,
                None => {
                    let text: Arc<str> = v.into();
                    let id = self.versions.len() as u32;
                    self.versions.push(text.clone());
                    self.version_ids.insert(text, id);
                    id
                }
            },
        };
        let installs = &mut self.keys[k as usize].installs;
        let i = *self.install_ids.entry((k, e, v)).or_insert_with(|| {
            installs.push(Install {
                ecosystem: e,
                version: v,
                assets: Vec::new(),
            });
            (installs.len() - 1) as u32
        });
        (k, i)
    }

    fn version(&self, i: &Install) -> Option<&str> {
        (i.version != NO_VERSION).then(|| &*self.versions[i.version as usize])
    }

    /// The assets one new or changed advisory affects, and why.
    ///
    /// The record's package entries are compiled as the index would compile
    /// them (the record need not be in any index); only the keys it names are
    /// looked up, and each distinct installed version under them is
    /// evaluated once. A withdrawn record affects nothing.
    ///
    /// Cost: one evaluation per distinct installed version of the named
    /// keys, plus the union of the affected asset lists (a bitmap when they
    /// are long). An evaluation scans the entry's `versions` list linearly
    /// ([`yata_version::osv::CompiledAffected::evaluate`]), so an advisory
    /// listing L versions of a package installed in V distinct versions costs
    /// O(V·L) string comparisons: the worst real one (homeassistant, 1,133
    /// listed × 1,133 installed) takes about 3 ms at national scale.
    pub fn affected_by(&self, record: &Record) -> Affected<'_> {
        let mut out = Affected::default();
        let mut total = 0usize;
        for (key, entries) in MatchIndex::compile_packages(record) {
            let Some(&k) = self.key_ids.get(&key) else {
                continue;
            };
            let k = &self.keys[k as usize];
            for install in k.installs.iter().filter(|i| !i.assets.is_empty()) {
                let Some(version) = self.version(install) else {
                    continue;
                };
                let ecosystem = &self.ecosystems[install.ecosystem as usize];
                out.versions_evaluated += 1;
                let mut evidence = Vec::new();
                for e in entries.iter().filter(|e| e.ecosystem.covers(ecosystem)) {
                    match evaluate_package(e, version) {
                        Ok(Some(ev)) => {
                            if !evidence.contains(&ev) {
                                evidence.push(ev);
                            }
                        }
                        Ok(None) => {}
                        Err(message) => out.notes.push(format!(
                            "{}@{version}: {} {}: {message}",
                            k.key,
                            e.advisory.source.as_str(),
                            e.advisory.id
                        )),
                    }
                }
                if !evidence.is_empty() {
                    total += install.assets.len();
                    out.versions.push(AffectedVersion {
                        key: k.key.clone(),
                        ecosystem: ecosystem.clone(),
                        version: version.to_owned(),
                        assets: &install.assets,
                        evidence,
                    });
                }
            }
        }
        out.assets = union(
            out.versions.iter().map(|v| v.assets),
            total,
            self.asset_bound,
        );
        out
    }

    /// Matches every distinct installed version against every advisory entry
    /// of its key and counts the findings; see [`Self::match_all_with`].
    pub fn match_all(&self, index: &MatchIndex) -> MatchAll {
        self.match_all_with(index, |_| {})
    }

    /// Matches everything against everything: for each key present in both
    /// the population and the index, each distinct (ecosystem, version) ×
    /// each entry covering the ecosystem, once; the verdicts are expanded to
    /// assets by counting only. `visit` sees every (distinct version,
    /// advisory entry) hit with its assets, on the worker threads (one per
    /// core), in no particular order.
    pub fn match_all_with<V>(&self, index: &MatchIndex, visit: V) -> MatchAll
    where
        V: Fn(&Hit<'_>) + Sync,
    {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let next = AtomicUsize::new(0);
        const CHUNK: usize = 16;
        let words = (self.asset_bound as usize).div_ceil(64);
        let parts: Vec<Part> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut part = Part {
                            counts: MatchAll::default(),
                            assets: vec![0u64; words],
                            hits: Vec::new(),
                        };
                        loop {
                            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                            if start >= self.keys.len() {
                                break;
                            }
                            let end = (start + CHUNK).min(self.keys.len());
                            for k in start..end {
                                self.match_key(index, k as u32, &mut part, &visit);
                            }
                        }
                        part
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("match_all worker panicked"))
                .collect()
        });
        let mut counts = MatchAll::default();
        let mut assets = vec![0u64; words];
        let mut hits = Vec::new();
        for p in parts {
            counts.add(&p.counts);
            for (a, b) in assets.iter_mut().zip(&p.assets) {
                *a |= b;
            }
            hits.extend(p.hits);
        }
        counts.affected_assets = assets.iter().map(|w| w.count_ones() as usize).sum();
        counts.asset_advisories = self.distinct_asset_advisories(hits, threads);
        counts
    }

    fn match_key<V>(&self, index: &MatchIndex, k: u32, part: &mut Part, visit: &V)
    where
        V: Fn(&Hit<'_>) + Sync,
    {
        let ki = &self.keys[k as usize];
        let Some(entries) = index.packages.get(&ki.key) else {
            return;
        };
        part.counts.keys_matched += 1;
        let mut advisories: Vec<*const Advisory> = Vec::new();
        for (i, install) in ki.installs.iter().enumerate() {
            if install.assets.is_empty() {
                continue;
            }
            let Some(version) = self.version(install) else {
                continue;
            };
            let ecosystem = &self.ecosystems[install.ecosystem as usize];
            part.counts.versions_evaluated += 1;
            advisories.clear();
            let mut failed = false;
            for e in entries.iter().filter(|e| e.ecosystem.covers(ecosystem)) {
                part.counts.evaluations += 1;
                match evaluate_package(e, version) {
                    Ok(Some(evidence)) => {
                        visit(&Hit {
                            key: &ki.key,
                            ecosystem,
                            version,
                            assets: &install.assets,
                            advisory: &e.advisory,
                            evidence: &evidence,
                        });
                        advisories.push(Arc::as_ptr(&e.advisory));
                    }
                    Ok(None) => {}
                    Err(_) => {
                        part.counts.parse_failures += 1;
                        failed = true;
                    }
                }
            }
            part.counts.unparsable_versions += usize::from(failed);
            if advisories.is_empty() {
                continue;
            }
            advisories.sort_unstable();
            advisories.dedup();
            let n = install.assets.len() as u64;
            part.counts.affected_versions += 1;
            part.counts.affected_instances += n;
            part.counts.instance_findings += n * advisories.len() as u64;
            for a in &install.assets {
                part.assets[a.0 as usize / 64] |= 1 << (a.0 % 64);
            }
            part.hits
                .extend(advisories.iter().map(|&a| (a as usize, k, i as u32)));
        }
    }

    /// Distinct (asset, advisory) pairs: the hits grouped by advisory, each
    /// group's asset lists united (one bitmap per worker).
    fn distinct_asset_advisories(&self, mut hits: Vec<(usize, u32, u32)>, threads: usize) -> u64 {
        hits.sort_unstable();
        let mut groups: Vec<&[(usize, u32, u32)]> = hits.chunk_by(|a, b| a.0 == b.0).collect();
        // Big groups first, so the workers finish together.
        groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
        let next = AtomicUsize::new(0);
        let words = (self.asset_bound as usize).div_ceil(64);
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut bits = vec![0u64; words];
                        let mut total = 0u64;
                        loop {
                            let g = next.fetch_add(1, Ordering::Relaxed);
                            let Some(group) = groups.get(g) else {
                                break;
                            };
                            let assets = |&(_, k, i): &(usize, u32, u32)| {
                                &self.keys[k as usize].installs[i as usize].assets
                            };
                            if let [one] = group {
                                total += assets(one).len() as u64;
                                continue;
                            }
                            let mut touched = Vec::new();
                            for h in *group {
                                for a in assets(h) {
                                    let (w, b) = (a.0 as usize / 64, 1u64 << (a.0 % 64));
                                    if bits[w] & b == 0 {
                                        if bits[w] == 0 {
                                            touched.push(w);
                                        }
                                        bits[w] |= b;
                                        total += 1;
                                    }
                                }
                            }
                            for w in touched {
                                bits[w] = 0;
                            }
                        }
                        total
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("match_all worker panicked"))
                .sum()
        })
    }
}

/// What one worker of [`Population::match_all_with`] found.
struct Part {
    counts: MatchAll,
    /// Bitmap of affected assets.
    assets: Vec<u64>,
    /// (advisory, key, install) for every hit, advisories deduplicated per
    /// install.
    hits: Vec<(usize, u32, u32)>,
}

/// The union of sorted asset lists: a bitmap when the lists are long
/// compared with the number of assets, else a sort.
fn union<'a>(
    lists: impl Iterator<Item = &'a [AssetId]> + Clone,
    total: usize,
    bound: u32,
) -> Vec<AssetId> {
    let mut lists_iter = lists.clone();
    match (lists_iter.next(), lists_iter.next()) {
        (None, _) => return Vec::new(),
        (Some(one), None) => return one.to_vec(),
        _ => {}
    }
    if total * 16 < bound as usize {
        let mut all: Vec<AssetId> = lists.flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        return all;
    }
    let mut bits = vec![0u64; (bound as usize).div_ceil(64)];
    for a in lists.flatten() {
        bits[a.0 as usize / 64] |= 1 << (a.0 % 64);
    }
    let mut out = Vec::with_capacity(total);
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            out.push(AssetId(w as u32 * 64 + word.trailing_zeros()));
            word &= word - 1;
        }
    }
    out
}

/// The assets one advisory affects, and why.
#[derive(Debug, Clone, Default)]
pub struct Affected<'p> {
    /// Sorted and unique.
    pub assets: Vec<AssetId>,
    /// Every affected (key, ecosystem, version) with its assets and the
    /// advisory entries that decided it.
    pub versions: Vec<AffectedVersion<'p>>,
    /// Distinct installed versions evaluated.
    pub versions_evaluated: usize,
    /// Installed versions the advisory's ordering could not read.
    pub notes: Vec<String>,
}

/// One distinct installed version inside the advisory.
#[derive(Debug, Clone)]
pub struct AffectedVersion<'p> {
    pub key: PackageKey,
    pub ecosystem: Ecosystem,
    pub version: String,
    /// Sorted and unique.
    pub assets: &'p [AssetId],
    /// By advisory entry.
    pub evidence: Vec<Evidence>,
}

/// One (distinct installed version, advisory entry) hit of
/// [`Population::match_all_with`].
#[derive(Debug)]
pub struct Hit<'a> {
    pub key: &'a PackageKey,
    pub ecosystem: &'a Ecosystem,
    pub version: &'a str,
    /// Sorted and unique.
    pub assets: &'a [AssetId],
    pub advisory: &'a Advisory,
    pub evidence: &'a Evidence,
}

/// Counts of a full re-match.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MatchAll {
    /// Package keys present in both the population and the index.
    pub keys_matched: usize,
    /// Distinct (key, ecosystem, version) evaluated.
    pub versions_evaluated: usize,
    /// (distinct version, advisory entry) evaluations.
    pub evaluations: u64,
    /// Evaluations whose installed version the entry's ordering rejects.
    pub parse_failures: u64,
    /// Distinct versions with at least one such failure.
    pub unparsable_versions: usize,
    /// Distinct versions inside at least one advisory.
    pub affected_versions: usize,
    /// Instances inside at least one advisory.
    pub affected_instances: u64,
    /// Assets with at least one affected instance.
    pub affected_assets: usize,
    /// (instance, advisory record) pairs.
    pub instance_findings: u64,
    /// Distinct (asset, advisory record) pairs.
    pub asset_advisories: u64,
}

impl MatchAll {
    fn add(&mut self, o: &MatchAll) {
        self.keys_matched += o.keys_matched;
        self.versions_evaluated += o.versions_evaluated;
        self.evaluations += o.evaluations;
        self.parse_failures += o.parse_failures;
        self.unparsable_versions += o.unparsable_versions;
        self.affected_versions += o.affected_versions;
        self.affected_instances += o.affected_instances;
        self.instance_findings += o.instance_findings;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Mutex;

    use yata_knowledge::AdvisoryDb;
    use yata_model::inventory::{Component, Inventory, SourceDocument};
    use yata_model::{AffectedPackage, RangeEvent, SourceKind, VersionRange};

    use super::*;
    use crate::synth::{Catalogue, Nation, NationConfig};

    fn installed(ecosystem: &str, name: &str, version: &str) -> InstalledPackage {
        InstalledPackage {
            ecosystem: ecosystem.parse().unwrap(),
            name: name.to_owned(),
            version: Some(version.to_owned()),
        }
    }

    fn debian12_openssl() -> Record {
        let mut r = Record::new(SourceKind::Osv, "CVE-2024-0001".parse().unwrap());
        r.packages.push(AffectedPackage {
            ecosystem: "Debian:12".into(),
            name: "openssl".into(),
            purl: None,
            ranges: vec![VersionRange {
                kind: "ECOSYSTEM".into(),
                repo: None,
                events: vec![
                    RangeEvent::Introduced("0".into()),
                    RangeEvent::Fixed("3.0.11-1~deb12u1".into()),
                ],
            }],
            versions: Vec::new(),
            severities: Vec::new(),
            ecosystem_specific: None,
        });
        r
    }

    fn ids(assets: &[AssetId]) -> Vec<u32> {
        assets.iter().map(|a| a.0).collect()
    }

    #[test]
    fn a_release_advisory_affects_that_release_only_and_not_fixed_versions() {
        let mut b = PopulationBuilder::new();
        b.add(AssetId(1), &installed("Debian:12", "openssl", "3.0.9-1"));
        b.add(AssetId(1), &installed("Debian:12", "openssl", "3.0.9-1"));
        b.add(
            AssetId(2),
            &installed("Debian:11", "openssl", "1.1.1n-0+deb11u4"),
        );
        b.add(
            AssetId(3),
            &installed("Debian:12", "openssl", "3.0.11-1~deb12u1"),
        );
        b.add(AssetId(4), &installed("Debian:12", "OpenSSL", "3.0.9-1"));
        b.add(
            AssetId(4),
            &installed("Debian:12", "zlib", "1:1.2.13.dfsg-1"),
        );
        let population = b.build();
        assert_eq!(population.instances(), 5);
        assert_eq!(population.keys(), 2);
        assert_eq!(population.distinct_versions(), 4);

        let record = debian12_openssl();
        let affected = population.affected_by(&record);
        assert_eq!(ids(&affected.assets), [1, 4]);
        assert_eq!(affected.versions_evaluated, 3);
        assert_eq!(affected.versions.len(), 1);
        let v = &affected.versions[0];
        assert_eq!((v.version.as_str(), ids(v.assets)), ("3.0.9-1", vec![1, 4]));
        assert_eq!(
            v.evidence[0].reason,
            "3.0.9-1 is in ranges[0] (ECOSYSTEM): introduced 0, fixed in 3.0.11-1~deb12u1"
        );

        let db = AdvisoryDb::new(vec![record.clone()]);
        let index = MatchIndex::build(&db);
        let all = population.match_all(&index);
        assert_eq!(
            (
                all.affected_assets,
                all.affected_instances,
                all.asset_advisories,
                all.versions_evaluated
            ),
            (2, 2, 2, 3)
        );

        let mut withdrawn = record;
        withdrawn.withdrawn = Some("2024-01-01T00:00:00Z".parse().unwrap());
        assert!(population.affected_by(&withdrawn).assets.is_empty());
    }

    #[test]
    fn assets_are_removed_and_replaced() {
        let mut b = PopulationBuilder::new();
        b.add(AssetId(1), &installed("Debian:12", "openssl", "3.0.9-1"));
        b.add(AssetId(2), &installed("Debian:12", "openssl", "3.0.9-1"));
        let mut population = b.build();
        let record = debian12_openssl();
        population.remove_asset(AssetId(1));
        assert_eq!(ids(&population.affected_by(&record).assets), [2]);
        population.replace_asset(
            AssetId(2),
            &[installed("Debian:12", "openssl", "3.0.11-1~deb12u1")],
        );
        population.replace_asset(AssetId(7), &[installed("Debian:12", "openssl", "3.0.8-1")]);
        assert_eq!(ids(&population.affected_by(&record).assets), [7]);
        assert_eq!(population.instances(), 2);
    }

    /// `affected_by` and `match_all` say what `match_inventory` says, asset
    /// by asset, on a small nation drawn from the real PyPA, Go and RustSec
    /// data.
    #[test]
    fn population_queries_agree_with_match_inventory_on_real_data() {
        let mut records = Vec::new();
        for source in ["osv/pypa", "osv/Go.zip", "rustsec/advisory-db"] {
            let Some(path) = yata_testdata::path(source) else {
                return;
            };
            let config = yata_feeds::import::ImportConfig::default();
            records.extend(
                yata_feeds::import::import(&path, &config, &|_| {})
                    .unwrap()
                    .records,
            );
        }
        let db = AdvisoryDb::new(records.clone());
        let index = MatchIndex::build(&db);
        let catalogue = Catalogue::from_records(&records, 1.0);
        let nation = Nation::generate(&NationConfig {
            seed: 7,
            organisations: 12,
            assets: 300,
            instances: 300 * 30,
            zipf: 1.0,
        });
        let mut b = PopulationBuilder::new();
        nation.for_each_instance(&catalogue, |a, p| b.add(a, p));
        let population = b.build();

        // (asset, source, advisory, entry) according to match_inventory.
        let mut expected = BTreeSet::new();
        for asset in 0..nation.assets() {
            let components = nation
                .packages_of(&catalogue, AssetId(asset))
                .into_iter()
                .map(|p| Component {
                    ecosystem: Some(p.ecosystem.to_string()),
                    version: p.version.clone(),
                    ..Component::named(&p.name)
                })
                .collect();
            let inventory = Inventory {
                components,
                ..Inventory::new(SourceDocument::new("test", String::new()))
            };
            for f in index.match_inventory(&db, &inventory).findings {
                for e in f.evidence {
                    expected.insert((asset, e.source, e.advisory.to_string(), e.entry));
                }
            }
        }
        assert!(expected.len() > 500, "{}", expected.len());

        let seen = Mutex::new(BTreeSet::new());
        let all = population.match_all_with(&index, |hit| {
            let mut seen = seen.lock().unwrap();
            for a in hit.assets {
                seen.insert((
                    a.0,
                    hit.evidence.source,
                    hit.evidence.advisory.to_string(),
                    hit.evidence.entry.clone(),
                ));
            }
        });
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen, expected);
        let pairs: BTreeSet<_> = expected.iter().map(|(a, s, id, _)| (*a, *s, id)).collect();
        let assets: BTreeSet<_> = expected.iter().map(|(a, ..)| *a).collect();
        assert_eq!(all.asset_advisories, pairs.len() as u64);
        assert_eq!(all.affected_assets, assets.len());

        // Every record, alone: exactly the assets match_inventory names.
        let mut by_record: std::collections::BTreeMap<_, Vec<u32>> = Default::default();
        for (a, s, id) in &pairs {
            by_record.entry((*s, id.as_str())).or_default().push(*a);
        }
        let mut affecting = 0;
        for record in &records {
            let id = record.id.to_string();
            let want = by_record.get(&(record.source, id.as_str()));
            let got = population.affected_by(record);
            assert_eq!(ids(&got.assets), want.cloned().unwrap_or_default(), "{id}");
            affecting += usize::from(want.is_some());
        }
        assert!(affecting > 100, "{affecting}");
    }
}

//! A synthetic nation, deterministic from a seed, for the national-scale
//! benchmark and tests: organisations, their assets, and each asset's
//! installed packages drawn from real package names and versions in the
//! advisory data.
//!
//! * [`Catalogue`]: every (ecosystem, package) an advisory names, with the
//!   versions the advisory data mentions (OSV `versions` lists and the
//!   `introduced`, `fixed` and `last_affected` events of ordered ranges, so
//!   affected, fixed and in-between versions all occur), one pool per
//!   ecosystem (with its release: `Debian:12` is its own pool). Packages are
//!   ranked by how many advisory entries name them, and drawn with a Zipf
//!   law over that rank: the most-advised packages (`django`, `tensorflow`,
//!   `golang.org/x/net`) are the popular ones, as in real inventories.
//! * [`Nation`]: organisations with Zipf-skewed sizes, each owning a
//!   contiguous range of assets; an asset has one main ecosystem (chosen in
//!   proportion to the pools' sizes), a quarter of them a second one, and a
//!   skewed number of distinct packages around the configured mean. An
//!   asset's packages are generated from its own seed, on demand, so nothing
//!   but the per-asset sizes is held in memory.
//!
//! The generator is a hand-written SplitMix64: a benchmark needs a fixed,
//! fast stream, not a cryptographic or portable-across-versions one, and it
//! keeps the crate free of a `rand` dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use rustc_hash::FxHashSet;
use yata_model::{RangeEvent, Record};
use yata_version::ecosystem::{Ecosystem, EcosystemKind};

use crate::matcher::InstalledPackage;
use crate::population::AssetId;

/// SplitMix64 (Steele, Lea and Flood 2014): small, fast, and good enough for
/// synthetic data.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// One ecosystem's packages, most popular first.
#[derive(Debug, Clone)]
struct Pool {
    /// Package indices by rank.
    packages: Vec<u32>,
    /// Cumulative Zipf weights over `packages`, ending at 1.
    cumulative: Vec<f64>,
}

impl Pool {
    fn sample(&self, rng: &mut SplitMix64) -> u32 {
        let u = rng.unit();
        let i = self.cumulative.partition_point(|&c| c <= u);
        self.packages[i.min(self.packages.len() - 1)]
    }
}

/// Real package names and versions from advisory records, ranked.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// Every (package, version), grouped by package.
    installs: Vec<InstalledPackage>,
    /// Per package: its range in `installs`.
    packages: Vec<Range<u32>>,
    pools: Vec<Pool>,
    /// Cumulative share of each pool (by package count), ending at 1.
    pool_cumulative: Vec<f64>,
}

impl Catalogue {
    /// The catalogue of every package the records name, with popularity
    /// following a Zipf law of exponent `zipf` over the rank. Withdrawn
    /// records, unknown ecosystems and packages without any ordered version
    /// are left out. Independent of the records' order.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>, zipf: f64) -> Catalogue {
        // (ecosystem as written, name) → (advisory entries, versions).
        let mut found: BTreeMap<(String, String), (usize, BTreeSet<String>)> = BTreeMap::new();
        for r in records.into_iter().filter(|r| r.withdrawn.is_none()) {
            for p in &r.packages {
                let Ok(eco) = p.ecosystem.parse::<Ecosystem>() else {
                    continue;
                };
                let go = eco.kind() == EcosystemKind::Go;
                let installed = |v: &str| {
                    if go && !v.starts_with('v') {
                        format!("v{v}")
                    } else {
                        v.to_owned()
                    }
                };
                let slot = found
                    .entry((p.ecosystem.clone(), p.name.clone()))
                    .or_default();
                slot.0 += 1;
                slot.1.extend(p.versions.iter().map(|v| installed(v)));
                for range in p.ranges.iter().filter(|r| r.kind != "GIT") {
                    for e in &range.events {
                        match e {
                            RangeEvent::Introduced(v) if v != "0" => {
                                slot.1.insert(installed(v));
                            }
                            RangeEvent::Fixed(v) | RangeEvent::LastAffected(v) => {
                                slot.1.insert(installed(v));
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        let mut by_pool: BTreeMap<String, Vec<(usize, String, BTreeSet<String>)>> = BTreeMap::new();
        for ((eco, name), (entries, versions)) in found {
            if !versions.is_empty() {
                by_pool
                    .entry(eco)
                    .or_default()
                    .push((entries, name, versions));
            }
        }
        let mut catalogue = Catalogue {
            installs: Vec::new(),
            packages: Vec::new(),
            pools: Vec::new(),
            pool_cumulative: Vec::new(),
        };
        let mut sizes = Vec::new();
        for (eco, mut packages) in by_pool {
            let ecosystem: Ecosystem = eco.parse().expect("parsed above");
            // Most-advised first; ties by name.
            packages.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let mut pool = Pool {
                packages: Vec::with_capacity(packages.len()),
                cumulative: Vec::with_capacity(packages.len()),
            };
            let mut sum = 0.0;
            for (rank, (_, name, versions)) in packages.into_iter().enumerate() {
                let start = catalogue.installs.len() as u32;
                catalogue
                    .installs
                    .extend(versions.into_iter().map(|v| InstalledPackage {
                        ecosystem: ecosystem.clone(),
                        name: name.clone(),
                        version: Some(v),
                    }));
                pool.packages.push(catalogue.packages.len() as u32);
                catalogue
                    .packages
                    .push(start..catalogue.installs.len() as u32);
                sum += 1.0 / ((rank + 1) as f64).powf(zipf);
                pool.cumulative.push(sum);
            }
            pool.cumulative.iter_mut().for_each(|c| *c /= sum);
            sizes.push(pool.packages.len());
            catalogue.pools.push(pool);
        }
        let total: usize = sizes.iter().sum();
        let mut sum = 0;
        for s in sizes {
            sum += s;
            catalogue
                .pool_cumulative
                .push(sum as f64 / total.max(1) as f64);
        }
        catalogue
    }

    /// Distinct packages.
    /// Every (package, version) of the catalogue, grouped by package.
    pub fn installs(&self) -> &[InstalledPackage] {
        &self.installs
    }

    pub fn packages(&self) -> usize {
        self.packages.len()
    }

    /// Distinct (package, version) pairs.
    pub fn package_versions(&self) -> usize {
        self.installs.len()
    }

    /// Ecosystem pools.
    pub fn ecosystems(&self) -> usize {
        self.pools.len()
    }

    fn pick_pool(&self, rng: &mut SplitMix64) -> usize {
        let u = rng.unit();
        self.pool_cumulative
            .partition_point(|&c| c <= u)
            .min(self.pools.len() - 1)
    }
}

/// The size and shape of a synthetic nation.
#[derive(Debug, Clone, PartialEq)]
pub struct NationConfig {
    pub seed: u64,
    pub organisations: u32,
    pub assets: u32,
    /// Component instances wanted in all (the mean per asset is
    /// `instances / assets`; small pools can give fewer).
    pub instances: u64,
    /// Zipf exponent of package popularity (1.0 is the classic law).
    pub zipf: f64,
}

impl NationConfig {
    /// The scale of DESIGN.md's budgets: 3,000 organisations, 300,000 assets,
    /// 50 M component instances.
    pub fn national() -> NationConfig {
        NationConfig {
            seed: 0x59A7A,
            organisations: 3_000,
            assets: 300_000,
            instances: 50_000_000,
            zipf: 1.0,
        }
    }

    /// The national shape scaled to `instances` (assets and organisations in
    /// proportion, at least a handful of each).
    pub fn scaled(instances: u64) -> NationConfig {
        let n = NationConfig::national();
        let ratio = instances as f64 / n.instances as f64;
        NationConfig {
            organisations: ((f64::from(n.organisations) * ratio) as u32).max(3),
            assets: ((f64::from(n.assets) * ratio) as u32).max(10),
            instances,
            ..n
        }
    }
}

/// The 15 critical-infrastructure sectors and government (DESIGN.md).
pub const SECTORS: &[&str] = &[
    "information & communication",
    "finance",
    "aviation",
    "airports",
    "railways",
    "electric power",
    "gas",
    "government & administrative services",
    "medical",
    "water",
    "logistics",
    "chemicals",
    "credit cards",
    "petroleum",
    "ports",
    "government body",
];

/// One organisation of the nation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: u32,
    /// Index into [`SECTORS`].
    pub sector: u8,
    /// Its assets' ids.
    pub assets: Range<u32>,
}

/// Organisations, assets and (on demand) each asset's packages.
#[derive(Debug, Clone)]
pub struct Nation {
    seed: u64,
    organisations: Vec<Organisation>,
    /// Packages wanted per asset.
    sizes: Vec<u32>,
}

impl Nation {
    pub fn generate(config: &NationConfig) -> Nation {
        let mut rng = SplitMix64::new(config.seed);
        let assets = config.assets.max(1);
        let orgs = config.organisations.clamp(1, assets);
        // Organisation sizes: Zipf (exponent 0.8) in a random order, at
        // least one asset each; the last takes what rounding left.
        let mut weights: Vec<f64> = (0..orgs)
            .map(|r| 1.0 / f64::from(r + 1).powf(0.8))
            .collect();
        for i in (1..weights.len()).rev() {
            weights.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let total: f64 = weights.iter().sum();
        let spare = f64::from(assets - orgs);
        let mut organisations = Vec::with_capacity(orgs as usize);
        let mut start = 0u32;
        for id in 0..orgs {
            let w = weights[id as usize];
            let mut n = 1 + (spare * w / total) as u32;
            if id == orgs - 1 {
                n = assets - start;
            }
            n = n.min(assets - start - (orgs - 1 - id));
            organisations.push(Organisation {
                id,
                sector: rng.below(SECTORS.len() as u64) as u8,
                assets: start..start + n,
            });
            start += n;
        }
        // Packages per asset: the mean times 0.2 + 2.4 u², which has mean 1
        // and a long tail (a few assets with 2.6 times the mean).
        let mean = config.instances as f64 / f64::from(assets);
        let sizes = (0..assets)
            .map(|_| {
                let u = rng.unit();
                (mean * (0.2 + 2.4 * u * u)).round().max(1.0) as u32
            })
            .collect();
        Nation {
            seed: config.seed,
            organisations,
            sizes,
        }
    }

    pub fn organisations(&self) -> &[Organisation] {
        &self.organisations
    }

    pub fn assets(&self) -> u32 {
        self.sizes.len() as u32
    }

    /// The packages of `asset`, as indices into the catalogue.
    fn draw(
        &self,
        catalogue: &Catalogue,
        asset: u32,
        seen: &mut FxHashSet<u32>,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        seen.clear();
        if catalogue.pools.is_empty() {
            return;
        }
        let mut rng =
            SplitMix64::new(self.seed ^ u64::from(asset).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let main = catalogue.pick_pool(&mut rng);
        let second = (rng.unit() < 0.25).then(|| catalogue.pick_pool(&mut rng));
        for slot in 0..self.sizes[asset as usize] {
            let pool = match second {
                Some(s) if slot % 3 == 0 => s,
                _ => main,
            };
            // Some tries: in small pools (RustSec's crates) the popular
            // packages are soon all taken.
            for _ in 0..16 {
                let p = catalogue.pools[pool].sample(&mut rng);
                if seen.insert(p) {
                    let r = &catalogue.packages[p as usize];
                    let v = r.start + rng.below(u64::from(r.end - r.start)) as u32;
                    out.push(v);
                    break;
                }
            }
        }
    }

    /// The installed packages of `asset`.
    pub fn packages_of<'c>(
        &self,
        catalogue: &'c Catalogue,
        asset: AssetId,
    ) -> Vec<&'c InstalledPackage> {
        let mut out = Vec::new();
        self.draw(catalogue, asset.0, &mut FxHashSet::default(), &mut out);
        out.iter()
            .map(|&i| &catalogue.installs[i as usize])
            .collect()
    }

    /// Calls `f` for every component instance, asset by asset.
    pub fn for_each_instance(
        &self,
        catalogue: &Catalogue,
        mut f: impl FnMut(AssetId, &InstalledPackage),
    ) {
        let mut seen = FxHashSet::default();
        let mut out = Vec::new();
        for asset in 0..self.assets() {
            self.draw(catalogue, asset, &mut seen, &mut out);
            for &i in &out {
                f(AssetId(asset), &catalogue.installs[i as usize]);
            }
        }
    }
}
